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
  /** Replaced by a test that reopens the store; `dispose` closes the current one. */
  store: Store;
  url: string;
  dispose(): Promise<void>;
}

/** A fresh, empty store: a SQLite file in a temporary directory, or a new database on the test PostgreSQL server. */
export async function freshStore(engine: 'sqlite' | 'postgres'): Promise<TestStore> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'sanctum-store-'));
    const url = `sqlite:${join(dir, 'store.db')}`;
    const t: TestStore = {
      store: await Store.open(url),
      url,
      dispose: async () => (await t.store.close(), rmSync(dir, { recursive: true, force: true })),
    };
    return t;
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
  const t: TestStore = {
    store: await Store.open(url),
    url,
    async dispose() {
      await t.store.close();
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
  return t;
}

/** The engines to run a store test on, each with the reason it is skipped when it is. */
export const ENGINES: Array<{ engine: 'sqlite' | 'postgres'; skip: string | false }> = [
  { engine: 'sqlite', skip: false },
  { engine: 'postgres', skip: POSTGRES_URL ? false : POSTGRES_SKIP_REASON },
];

/**
 * Takes a store back to the schema of `migration` (every later one undone, their tables and
 * columns dropped), as a store written before the later ones were released: reopening it runs them
 * over the data it holds.
 */
export async function migrateDownTo(store: Store, migration: string): Promise<void> {
  const { storeMigrator } = await import('../migrations.js');
  const { error } = await storeMigrator(store.db, store.engine).migrateTo(migration);
  if (error) throw error;
}
