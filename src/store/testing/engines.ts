import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Store } from '../store.js';

/** PostgreSQL for the store tests: `.ci/setup.d/40-postgresql.sh` starts one on loopback and exports this variable. */
export const POSTGRES_URL = process.env.SANCTUM_TEST_POSTGRES_URL;
export const POSTGRES_SKIP_REASON =
  'SANCTUM_TEST_POSTGRES_URL is not set (.ci/run starts PostgreSQL on loopback): PostgreSQL tests skipped';

export interface TestStore {
  store: Store;
  url: string;
  dispose(): Promise<void>;
}

/** A fresh, empty store: a SQLite file in a temporary directory, or a new database on the test PostgreSQL server. */
export async function freshStore(engine: 'sqlite' | 'postgres'): Promise<TestStore> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'sanctum-store-'));
    const url = `sqlite:${join(dir, 'store.db')}`;
    const store = await Store.open(url);
    return { store, url, dispose: async () => (await store.close(), rmSync(dir, { recursive: true, force: true })) };
  }
  if (!POSTGRES_URL) throw new Error(POSTGRES_SKIP_REASON);
  const { default: pg } = await import('pg');
  const name = `sanctum_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(POSTGRES_URL);
  u.pathname = `/${name}`;
  const url = u.toString();
  const store = await Store.open(url);
  return {
    store,
    url,
    async dispose() {
      await store.close();
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** The engines to run a store test on, each with the reason it is skipped when it is. */
export const ENGINES: Array<{ engine: 'sqlite' | 'postgres'; skip: string | false }> = [
  { engine: 'sqlite', skip: false },
  { engine: 'postgres', skip: POSTGRES_URL ? false : POSTGRES_SKIP_REASON },
];
