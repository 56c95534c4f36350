import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

export type Engine = 'sqlite' | 'postgres';

/**
 * The one migration set of both engines, written with Kysely's schema builder. Only the id column
 * differs (SQLite's INTEGER PRIMARY KEY is its row id; PostgreSQL wants an identity/serial column).
 * Migrations are append-only: a released one is never edited, a change is a new entry.
 */
export function migrations(engine: Engine): Record<string, Migration> {
  const id = engine === 'postgres' ? ('serial' as const) : ('integer' as const);
  const big = engine === 'postgres' ? ('bigint' as const) : ('integer' as const);
  return {
    '0001-initial': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('targets')
          .addColumn('id', id, (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull().unique())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('runs')
          .addColumn('id', id, (c) => c.primaryKey())
          .addColumn('target_id', 'integer', (c) => c.notNull().references('targets.id').onDelete('cascade'))
          .addColumn('run_key', 'text', (c) => c.notNull())
          .addColumn('source', 'text', (c) => c.notNull())
          .addColumn('tool_name', 'text', (c) => c.notNull())
          .addColumn('tool_version', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('completed_at', 'text')
          .addColumn('shard_total', 'integer', (c) => c.notNull())
          .addColumn('shards_received', 'integer', (c) => c.notNull())
          .addColumn('files', 'integer', (c) => c.notNull())
          .addColumn('resources', 'integer', (c) => c.notNull())
          .addColumn('duration_ms', big, (c) => c.notNull())
          .addColumn('rules', 'integer', (c) => c.notNull())
          .addColumn('critical', 'integer', (c) => c.notNull())
          .addColumn('high', 'integer', (c) => c.notNull())
          .addColumn('medium', 'integer', (c) => c.notNull())
          .addColumn('low', 'integer', (c) => c.notNull())
          .addColumn('info', 'integer', (c) => c.notNull())
          .addColumn('suppressed', 'integer', (c) => c.notNull())
          .addColumn('error_count', 'integer', (c) => c.notNull())
          .addUniqueConstraint('runs_target_key', ['target_id', 'run_key'])
          .execute();
        await db.schema.createIndex('runs_target_completed').on('runs').columns(['target_id', 'completed_at']).execute();
        await db.schema.createIndex('runs_completed').on('runs').column('completed_at').execute();

        await db.schema
          .createTable('run_shards')
          .addColumn('run_id', 'integer', (c) => c.notNull().references('runs.id').onDelete('cascade'))
          .addColumn('shard_index', 'integer', (c) => c.notNull())
          .addColumn('received_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('run_shards_pk', ['run_id', 'shard_index'])
          .execute();

        await db.schema
          .createTable('findings')
          .addColumn('id', id, (c) => c.primaryKey())
          .addColumn('target_id', 'integer', (c) => c.notNull().references('targets.id').onDelete('cascade'))
          .addColumn('fingerprint', 'text', (c) => c.notNull())
          .addColumn('rule_id', 'text', (c) => c.notNull())
          .addColumn('slug', 'text', (c) => c.notNull())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('severity', 'text', (c) => c.notNull())
          .addColumn('message', 'text', (c) => c.notNull())
          .addColumn('path', 'text', (c) => c.notNull())
          .addColumn('start_line', 'integer')
          .addColumn('start_column', 'integer')
          .addColumn('end_line', 'integer')
          .addColumn('end_column', 'integer')
          .addColumn('object_path', 'text')
          .addColumn('resource_kind', 'text')
          .addColumn('resource_namespace', 'text')
          .addColumn('resource_name', 'text')
          .addColumn('evidence', 'text')
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('suppression', 'text')
          .addColumn('fix', 'text')
          .addColumn('detail', 'text')
          .addColumn('first_seen_run', 'integer', (c) => c.notNull())
          .addColumn('first_seen_at', 'text', (c) => c.notNull())
          .addColumn('last_seen_run', 'integer', (c) => c.notNull())
          .addColumn('last_seen_at', 'text', (c) => c.notNull())
          .addColumn('fixed_at', 'text')
          .addColumn('fixed_run', 'integer')
          .addUniqueConstraint('findings_target_fingerprint', ['target_id', 'fingerprint'])
          .execute();
        await db.schema.createIndex('findings_open').on('findings').columns(['fixed_at', 'severity']).execute();
        await db.schema.createIndex('findings_rule').on('findings').column('rule_id').execute();
        await db.schema.createIndex('findings_first_seen').on('findings').column('first_seen_at').execute();
        await db.schema.createIndex('findings_fixed').on('findings').column('fixed_at').execute();

        await db.schema
          .createTable('finding_frameworks')
          .addColumn('finding_id', 'integer', (c) => c.notNull().references('findings.id').onDelete('cascade'))
          .addColumn('framework', 'text', (c) => c.notNull())
          .addColumn('control', 'text', (c) => c.notNull())
          .addColumn('level', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('finding_frameworks_pk', ['finding_id', 'framework', 'control', 'level'])
          .execute();
        await db.schema.createIndex('finding_frameworks_control').on('finding_frameworks').columns(['framework', 'control']).execute();

        await db.schema
          .createTable('observations')
          .addColumn('run_id', 'integer', (c) => c.notNull().references('runs.id').onDelete('cascade'))
          .addColumn('finding_id', 'integer', (c) => c.notNull().references('findings.id').onDelete('cascade'))
          .addColumn('status', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('observations_pk', ['run_id', 'finding_id'])
          .execute();
        await db.schema.createIndex('observations_finding').on('observations').column('finding_id').execute();

        await db.schema
          .createTable('run_errors')
          .addColumn('id', id, (c) => c.primaryKey())
          .addColumn('run_id', 'integer', (c) => c.notNull().references('runs.id').onDelete('cascade'))
          .addColumn('path', 'text', (c) => c.notNull())
          .addColumn('message', 'text', (c) => c.notNull())
          .addColumn('line', 'integer')
          .execute();
        await db.schema.createIndex('run_errors_run').on('run_errors').column('run_id').execute();

        await db.schema
          .createTable('inventory')
          .addColumn('id', id, (c) => c.primaryKey())
          .addColumn('run_id', 'integer', (c) => c.notNull().references('runs.id').onDelete('cascade'))
          .addColumn('target_id', 'integer', (c) => c.notNull().references('targets.id').onDelete('cascade'))
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('version', 'text')
          .addColumn('path', 'text')
          .addColumn('detail', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('inventory_run').on('inventory').columns(['run_id', 'kind']).execute();

        await db.schema
          .createTable('tokens')
          .addColumn('id', id, (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('token_hash', 'text', (c) => c.notNull().unique())
          .addColumn('prefix', 'text', (c) => c.notNull())
          .addColumn('scope', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('last_used_at', 'text')
          .addColumn('revoked_at', 'text')
          .execute();
      },
      async down(db: Kysely<any>) {
        for (const t of [
          'tokens',
          'inventory',
          'run_errors',
          'observations',
          'finding_frameworks',
          'findings',
          'run_shards',
          'runs',
          'targets',
        ])
          await db.schema.dropTable(t).execute();
      },
    },
  };
}

class StaticProvider implements MigrationProvider {
  constructor(private readonly set: Record<string, Migration>) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return this.set;
  }
}

/** Brings the schema to the newest migration; throws with the failing migration's name on error. */
export async function migrateToLatest(db: Kysely<any>, engine: Engine): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: new StaticProvider(migrations(engine)),
    migrationTableName: 'sanctum_migrations',
    migrationLockTableName: 'sanctum_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) throw new Error(`store migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? String(error)}`);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Schema version of a store: the newest migration applied. */
export async function appliedMigrations(db: Kysely<any>): Promise<string[]> {
  const rows = await sql<{ name: string }>`select name from sanctum_migrations order by name`.execute(db);
  return rows.rows.map((r) => r.name);
}
