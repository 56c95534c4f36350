import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { migrateToLatest, type Engine } from './migrations.js';
import type { StoreSchema } from './schema.js';

export type { Engine } from './migrations.js';

export interface StoreLocation {
  engine: Engine;
  /** File path (or `:memory:`) for SQLite, connection string for PostgreSQL. */
  target: string;
}

/** Bad `--db` value or a store that cannot be opened: a setup error, with a message a user can act on. */
export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreError';
  }
}

/** `sqlite:PATH`, `sqlite::memory:`, `postgres://…` or `postgresql://…`. */
export function parseStoreUrl(url: string): StoreLocation {
  if (/^postgres(?:ql)?:\/\//i.test(url)) return { engine: 'postgres', target: url };
  const m = /^sqlite:(.+)$/i.exec(url);
  if (m) return { engine: 'sqlite', target: m[1].replace(/^\/\/(?=\/)/, '') };
  throw new StoreError(`--db must be sqlite:FILE or postgres://USER@HOST/DB (got '${url}')`);
}

/** The results store: one Kysely query layer over SQLite or PostgreSQL, migrated to the newest schema when opened. */
export class Store {
  private constructor(
    readonly db: Kysely<StoreSchema>,
    readonly engine: Engine,
  ) {}

  static async open(url: string | StoreLocation, opts: { migrate?: boolean } = {}): Promise<Store> {
    const loc = typeof url === 'string' ? parseStoreUrl(url) : url;
    const db = loc.engine === 'sqlite' ? await openSqlite(loc.target) : await openPostgres(loc.target);
    const store = new Store(db, loc.engine);
    try {
      if (opts.migrate !== false) await migrateToLatest(db, loc.engine);
      else await sql`select 1`.execute(db);
    } catch (e) {
      await db.destroy().catch(() => undefined);
      throw new StoreError(`cannot open the store (${loc.engine}): ${(e as Error).message}`);
    }
    return store;
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

async function openSqlite(file: string): Promise<Kysely<StoreSchema>> {
  const { default: Database } = await import('better-sqlite3');
  let database: InstanceType<typeof Database>;
  try {
    database = new Database(file);
  } catch (e) {
    throw new StoreError(`cannot open SQLite store ${file}: ${(e as Error).message}`);
  }
  // WAL lets readers (the dashboard) go on while a run is written; NORMAL sync is durable at each
  // checkpoint and never corrupts the file on a crash.
  if (file !== ':memory:') database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  // Indexes of a large store stay in memory while a run is written (64 MiB page cache).
  database.pragma('cache_size = -65536');
  database.pragma('temp_store = MEMORY');
  return new Kysely<StoreSchema>({ dialect: new SqliteDialect({ database }) });
}

async function openPostgres(url: string): Promise<Kysely<StoreSchema>> {
  const { default: pg } = await import('pg');
  // Counts and bigint columns come back as numbers (they stay far below 2^53 here).
  pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', () => undefined);
  return new Kysely<StoreSchema>({ dialect: new PostgresDialect({ pool }) });
}
