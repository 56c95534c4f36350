import { Kysely, PostgresDialect, SqliteAdapter, SqliteDialect, sql, type DialectAdapter } from 'kysely';
import { migrateToLatest, type Engine } from './migrations.js';
import type { StoreSchema } from './schema.js';
import type BetterSqlite3 from 'better-sqlite3';

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
    /** SQLite's connection (the one Kysely uses): bulk writes run prepared statements on it row by row. */
    readonly sqlite?: SqliteStatements,
  ) {}

  static async open(url: string | StoreLocation, opts: { migrate?: boolean } = {}): Promise<Store> {
    const loc = typeof url === 'string' ? parseStoreUrl(url) : url;
    let store: Store;
    if (loc.engine === 'sqlite') {
      const statements = await openSqlite(loc.target);
      store = new Store(
        new Kysely<StoreSchema>({ dialect: new TransactionalSqliteDialect({ database: statements }) }),
        'sqlite',
        statements,
      );
    } else store = new Store(await openPostgres(loc.target), 'postgres');
    const db = store.db;
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

/**
 * SQLite runs schema changes in transactions, but Kysely's SQLite adapter says it does not, and its
 * migrator then runs each migration bare: a crash or an error part way through left a store with
 * half a migration (columns added, rows half updated, the migration not recorded, so the next start
 * failed on the columns). Saying so makes the migrator run the pending migrations in one
 * transaction, as it does on PostgreSQL.
 */
class TransactionalSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class TransactionalSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalSqliteAdapter();
  }
}

type SqliteStatement = ReturnType<BetterSqlite3.Database['prepare']>;

/**
 * better-sqlite3 behind Kysely with its prepared statements kept: Kysely prepares every query it
 * runs, and preparing costs more than running for the small statements of the dashboard and ingest.
 */
export class SqliteStatements {
  private readonly cache = new Map<string, SqliteStatement>();
  constructor(readonly database: BetterSqlite3.Database) {}

  prepare(sqlText: string): SqliteStatement {
    let stmt = this.cache.get(sqlText);
    if (stmt) {
      // Most recently used last: the oldest goes when the cache is full.
      this.cache.delete(sqlText);
    } else {
      stmt = this.database.prepare(sqlText);
      if (this.cache.size >= 500) this.cache.delete(this.cache.keys().next().value!);
    }
    this.cache.set(sqlText, stmt);
    return stmt;
  }

  close(): void {
    this.cache.clear();
    this.database.close();
  }
}

async function openSqlite(file: string): Promise<SqliteStatements> {
  const { default: Database } = await import('better-sqlite3');
  let database: InstanceType<typeof Database>;
  try {
    database = new Database(file);
  } catch (e) {
    throw new StoreError(`cannot open SQLite store ${file}: ${(e as Error).message}`);
  }
  // 16 KiB pages for a new store (an existing one keeps its own): a run's rows fill a quarter of the
  // pages, and its commit, with the WAL checkpoint that follows, writes half the bytes of 4 KiB pages.
  database.pragma('page_size = 16384');
  // WAL lets readers (the dashboard) go on while a run is written; NORMAL sync is durable at each
  // checkpoint and never corrupts the file on a crash.
  if (file !== ':memory:') database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  // Indexes of a large store stay in memory while a run is written (64 MiB page cache).
  database.pragma('cache_size = -65536');
  database.pragma('temp_store = MEMORY');
  return new SqliteStatements(database);
}

async function openPostgres(url: string): Promise<Kysely<StoreSchema>> {
  const { default: pg } = await import('pg');
  // Counts and bigint columns come back as numbers (they stay far below 2^53 here).
  pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', () => undefined);
  return new Kysely<StoreSchema>({ dialect: new PostgresDialect({ pool }) });
}
