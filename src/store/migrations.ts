import { Migrator, sql, type Kysely, type Migration, type MigrationProvider, type RawBuilder } from 'kysely';

export type Engine = 'sqlite' | 'postgres';

/**
 * What text search of findings matches, as one expression: the search index is built on it, and the
 * search query uses it verbatim so that both engines answer from the index.
 */
export const FINDING_TEXT = sql.raw(`lower(rule_id || ' ' || path || ' ' || message)`);

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
    '0002-open-findings-index': {
      // The findings table and its counts walk open findings by state and severity, newest first.
      async up(db: Kysely<any>) {
        await db.schema.createIndex('findings_state').on('findings').columns(['fixed_at', 'status', 'severity']).execute();
        await db.schema
          .createIndex('findings_target_state')
          .on('findings')
          .columns(['target_id', 'fixed_at', 'status', 'severity'])
          .execute();
        await db.schema.dropIndex('findings_open').execute();
        // Indexes no query uses any more cost every insert: a run of 50,000 new findings writes each of them.
        for (const name of ['findings_rule', 'findings_first_seen', 'findings_fixed', 'finding_frameworks_control'])
          await db.schema.dropIndex(name).execute();
      },
      async down(db: Kysely<any>) {
        await db.schema.createIndex('findings_rule').on('findings').column('rule_id').execute();
        await db.schema.createIndex('findings_first_seen').on('findings').column('first_seen_at').execute();
        await db.schema.createIndex('findings_fixed').on('findings').column('fixed_at').execute();
        await db.schema.createIndex('finding_frameworks_control').on('finding_frameworks').columns(['framework', 'control']).execute();
        await db.schema.createIndex('findings_open').on('findings').columns(['fixed_at', 'severity']).execute();
        await db.schema.dropIndex('findings_target_state').execute();
        await db.schema.dropIndex('findings_state').execute();
      },
    },
    '0003-rollups': {
      // Counts kept as runs arrive, so that compliance and opened/fixed per day read a few rows,
      // not every finding: failing findings per control of each run, and finding events per day.
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('run_controls')
          .addColumn('run_id', 'integer', (c) => c.notNull().references('runs.id').onDelete('cascade'))
          .addColumn('framework', 'text', (c) => c.notNull())
          .addColumn('control', 'text', (c) => c.notNull())
          .addColumn('level', 'text', (c) => c.notNull())
          .addColumn('failing', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('run_controls_pk', ['run_id', 'framework', 'control', 'level'])
          .execute();
        await db.schema
          .createTable('daily_changes')
          .addColumn('target_id', 'integer', (c) => c.notNull().references('targets.id').onDelete('cascade'))
          .addColumn('day', 'text', (c) => c.notNull())
          .addColumn('opened', 'integer', (c) => c.notNull())
          .addColumn('fixed', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('daily_changes_pk', ['target_id', 'day'])
          .execute();
        // Stores written before this migration: the rollups of what they hold.
        await sql`insert into run_controls (run_id, framework, control, level, failing)
          select o.run_id, ff.framework, ff.control, ff.level, count(*) from observations o
          join finding_frameworks ff on ff.finding_id = o.finding_id
          where o.status = 'fail' group by o.run_id, ff.framework, ff.control, ff.level`.execute(db);
        // Opened: each finding on the day it was first seen. Fixed: as ingest counts it, on the day a
        // complete run of a scanned (not event) target no longer reports what the target's previous
        // complete run reported, read from the observations; a finding fixed, reopened and fixed
        // again counts on both days, where its `fixed_at` only holds the last.
        await sql`insert into daily_changes (target_id, day, opened, fixed)
          with complete_runs as (
            select r.id, r.target_id, r.completed_at,
              row_number() over (partition by r.target_id order by r.completed_at, r.id) as n
            from runs r join targets t on t.id = r.target_id
            where r.completed_at is not null and t.kind not in ('runtime', 'admission')
          )
          select target_id, day, sum(opened), sum(fixed) from (
            select target_id, substr(first_seen_at, 1, 10) as day, 1 as opened, 0 as fixed from findings
            union all
            select cur.target_id, substr(cur.completed_at, 1, 10) as day, 0 as opened, 1 as fixed
            from complete_runs cur
            join complete_runs prev on prev.target_id = cur.target_id and prev.n = cur.n - 1
            join observations o on o.run_id = prev.id
            where not exists (select 1 from observations seen where seen.run_id = cur.id and seen.finding_id = o.finding_id)
          ) changes group by target_id, day`.execute(db);
      },
      async down(db: Kysely<any>) {
        await db.schema.dropTable('daily_changes').execute();
        await db.schema.dropTable('run_controls').execute();
      },
    },
    '0004-finding-search': {
      // Text search of findings (rule id, path, message; any substring, any case) reads an index of
      // that text, not the findings. SQLite: a B-tree over the open/suppressed/fixed state and the text,
      // which the search reads alone (a covering index); one entry per finding keeps ingest fast, where
      // an FTS5 table costs several times the rest of a finding's insert. PostgreSQL: a pg_trgm GIN
      // index that answers the same LIKE (skipped with a notice where the extension cannot be created).
      async up(db: Kysely<any>) {
        if (engine === 'sqlite') {
          await sql`create index findings_search on findings (fixed_at, status, ${FINDING_TEXT})`.execute(db);
          return;
        }
        await sql`do $$ begin
            create extension if not exists pg_trgm;
          exception when others then
            raise notice 'pg_trgm is not available: text search of findings reads every finding';
          end $$`.execute(db);
        const trgm = await sql`select 1 from pg_extension where extname = 'pg_trgm'`.execute(db);
        if (trgm.rows.length) await sql`create index findings_search on findings using gin ((${FINDING_TEXT}) gin_trgm_ops)`.execute(db);
      },
      async down(db: Kysely<any>) {
        await sql`drop index if exists findings_search`.execute(db);
      },
    },
    '0005-runtime-alerts': {
      // Runtime alerts (findings with location.event) listed newest first and filtered by identity:
      // the event's time and who acted, with an index over the alerts alone (partial: other findings
      // neither hold an entry nor pay for one at ingest).
      async up(db: Kysely<any>) {
        await db.schema.alterTable('findings').addColumn('event_time', 'text').execute();
        await db.schema.alterTable('findings').addColumn('event_user', 'text').execute();
        await db.schema
          .createIndex('findings_events')
          .on('findings')
          .columns(['event_time', 'id'])
          .where(sql.ref('event_time'), 'is not', null)
          .execute();
      },
      async down(db: Kysely<any>) {
        await db.schema.dropIndex('findings_events').execute();
        await db.schema.alterTable('findings').dropColumn('event_user').execute();
        await db.schema.alterTable('findings').dropColumn('event_time').execute();
      },
    },
    '0006-gateway-requests': {
      // Request records of `sanctum gateway` (src/store/gateway-requests.ts), listed newest first
      // and by key; no key and no prompt is ever stored.
      async up(db: Kysely<any>) {
        const real = engine === 'postgres' ? ('double precision' as const) : ('real' as const);
        await db.schema
          .createTable('gateway_requests')
          .addColumn('id', id, (c) => c.primaryKey())
          .addColumn('gateway', 'text', (c) => c.notNull())
          .addColumn('time', 'text', (c) => c.notNull())
          .addColumn('received_at', 'text', (c) => c.notNull())
          .addColumn('request_id', 'text', (c) => c.notNull())
          .addColumn('endpoint', 'text', (c) => c.notNull())
          .addColumn('key_name', 'text')
          .addColumn('team', 'text')
          .addColumn('auth', 'text')
          .addColumn('model', 'text')
          .addColumn('upstream', 'text')
          .addColumn('stream', 'integer')
          .addColumn('status', 'integer', (c) => c.notNull())
          .addColumn('error', 'text')
          .addColumn('latency_ms', real, (c) => c.notNull())
          .addColumn('upstream_ms', real)
          .addColumn('prompt_tokens', big)
          .addColumn('completion_tokens', big)
          .addColumn('total_tokens', big)
          .addColumn('tokens_estimated', 'integer')
          .addColumn('guardrail_count', 'integer', (c) => c.notNull())
          .addColumn('guardrails', 'text')
          .addColumn('client', 'text')
          .execute();
        await db.schema.createIndex('gateway_requests_time').on('gateway_requests').columns(['time', 'id']).execute();
        await db.schema.createIndex('gateway_requests_key_time').on('gateway_requests').columns(['key_name', 'time']).execute();
      },
      async down(db: Kysely<any>) {
        await db.schema.dropTable('gateway_requests').execute();
      },
    },
    '0007-inventory-resources': {
      // The Kubernetes object an inventory entry is (a GPU node or workload, an AI service), so that
      // the findings on that object are the entry's. AI services stored before know their namespace
      // and name (their kind of object was not kept).
      async up(db: Kysely<any>) {
        for (const column of ['resource_kind', 'resource_namespace', 'resource_name'])
          await db.schema.alterTable('inventory').addColumn(column, 'text').execute();
        // One statement: the migrator runs the migration in a transaction, and a store with a million
        // inventory rows is not read into memory and written back row by row.
        await withJsonStrings(db, engine, (text) =>
          sql`update inventory set resource_namespace = ${text('detail', ['namespace'])}, resource_name = name
            where kind = 'service'`.execute(db),
        );
      },
      async down(db: Kysely<any>) {
        for (const column of ['resource_name', 'resource_namespace', 'resource_kind'])
          await db.schema.alterTable('inventory').dropColumn(column).execute();
      },
    },
    '0008-exposure-edges': {
      // The exposure graph of each run (entries → Services → workloads → models), read for the
      // newest run of each target. Runs stored before have none: their AI services keep the paths
      // pieced together from the exposure findings.
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('exposure_edges')
          .addColumn('run_id', 'integer', (c) => c.notNull().references('runs.id').onDelete('cascade'))
          .addColumn('target_id', 'integer', (c) => c.notNull().references('targets.id').onDelete('cascade'))
          .addColumn('from_role', 'text', (c) => c.notNull())
          .addColumn('from_kind', 'text', (c) => c.notNull())
          .addColumn('from_namespace', 'text')
          .addColumn('from_name', 'text', (c) => c.notNull())
          .addColumn('to_role', 'text', (c) => c.notNull())
          .addColumn('to_kind', 'text', (c) => c.notNull())
          .addColumn('to_namespace', 'text')
          .addColumn('to_name', 'text', (c) => c.notNull())
          .addColumn('detail', 'text')
          .execute();
        await db.schema.createIndex('exposure_edges_run').on('exposure_edges').column('run_id').execute();
      },
      async down(db: Kysely<any>) {
        await db.schema.dropTable('exposure_edges').execute();
      },
    },
    '0009-runtime-alert-times': {
      // 0005 added the event's time and user as columns but left them empty for the alerts stored
      // before it, which the alert list (ordered by that time) therefore never showed. Both are in
      // the finding's stored detail (`location.event`): copied from there in one statement (the
      // migrator's transaction holds it; a crash leaves the times of no alert or of all).
      async up(db: Kysely<any>) {
        await withJsonStrings(db, engine, (text) => {
          const time = text('detail', ['location', 'event', 'time']);
          return sql`update findings set event_time = ${time}, event_user = ${text('detail', ['location', 'event', 'user'])}
            where event_time is null and detail like '%"event"%' and ${time} is not null`.execute(db);
        });
      },
      async down() {
        // The times stay: 0005's columns hold them and its own down removes them.
      },
    },
    '0010-service-object-kinds': {
      // The kind of object an AI service is (so that the findings on it are the service's) was not
      // uploaded before: taken from what the store holds where that says it without doubt. The
      // service's own record when it is a KServe, Seldon or Ray object (its kind is among the labels
      // the scan gave it); else the workload of the run's exposure graph with its namespace and name;
      // else the one kind of object with that namespace and name that findings of the target name
      // (kinds that never run a pod left out). Services of no such object stay without a kind, which
      // the dashboard says. Services uploaded between 0007 and this one get their namespace and name too.
      async up(db: Kysely<any>) {
        const unknown = sql`kind = 'service' and resource_kind is null`;
        await withJsonStrings(db, engine, async (text) => {
          await sql`update inventory set resource_namespace = ${text('detail', ['namespace'])}, resource_name = name
            where kind = 'service' and resource_name is null`.execute(db);
          const labels = sql`', ' || ${text('detail', ['kind'])} || ', '`;
          for (const kind of ['InferenceService', 'ServingRuntime', 'ClusterServingRuntime', 'SeldonDeployment', 'RayService'])
            await sql`update inventory set resource_kind = ${kind} where ${unknown} and ${labels} like ${`%, ${kind}, %`}`.execute(db);
        });
        await sql`update inventory set resource_kind = (
            select min(e.to_kind) from exposure_edges e
            where e.run_id = inventory.run_id and e.to_role = 'workload' and e.to_name = inventory.resource_name
              and e.to_namespace is not distinct from inventory.resource_namespace
            having count(distinct e.to_kind) = 1)
          where ${unknown}`.execute(db);
        const notWorkloads = sql.join(NEVER_RUN_PODS.map((k) => sql.lit(k)));
        await sql`with kinds as materialized (
            select target_id, coalesce(resource_namespace, '') as namespace, resource_name as name, min(resource_kind) as kind
            from findings
            where resource_name is not null and resource_kind not in (${notWorkloads})
              and target_id in (select target_id from inventory where ${unknown})
            group by target_id, coalesce(resource_namespace, ''), resource_name
            having count(distinct resource_kind) = 1)
          update inventory set resource_kind = kinds.kind from kinds
          where inventory.kind = 'service' and inventory.resource_kind is null and kinds.target_id = inventory.target_id
            and kinds.namespace = coalesce(inventory.resource_namespace, '') and kinds.name = inventory.resource_name`.execute(db);
      },
      async down() {
        // The kinds stay: 0007's columns hold them and its own down removes them.
      },
    },
  };
}

/** Kinds of objects that never run a pod, so never are an AI service (their names are often a workload's). */
const NEVER_RUN_PODS = [
  'Service',
  'Endpoints',
  'EndpointSlice',
  'Ingress',
  'IngressClass',
  'Gateway',
  'HTTPRoute',
  'GRPCRoute',
  'TCPRoute',
  'TLSRoute',
  'UDPRoute',
  'InferencePool',
  'InferenceModel',
  'VirtualService',
  'DestinationRule',
  'AuthorizationPolicy',
  'PeerAuthentication',
  'IngressRoute',
  'NetworkPolicy',
  'ConfigMap',
  'Secret',
  'ServiceAccount',
  'Role',
  'RoleBinding',
  'ClusterRole',
  'ClusterRoleBinding',
  'PersistentVolumeClaim',
  'PersistentVolume',
  'StorageClass',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'Namespace',
  'LimitRange',
  'ResourceQuota',
  'Certificate',
  'ServiceMonitor',
  'PodMonitor',
];

/** A string at `path` in a column of JSON text, else null (not JSON, no such field, not a string). */
type JsonString = (column: string, path: readonly string[]) => RawBuilder<string | null>;

const PG_JSON_STRING = 'pg_temp.sanctum_json_string';

/**
 * Runs `update` with a `JsonString` of this engine, for migrations that copy a field of stored JSON
 * into a column in one statement. Text that is not JSON gives null on both engines (PostgreSQL's
 * cast would fail the whole statement: a function of the migration's session catches it).
 */
async function withJsonStrings(db: Kysely<any>, engine: Engine, update: (text: JsonString) => Promise<unknown>): Promise<void> {
  if (engine === 'sqlite') {
    // CASE, not AND: SQLite's JSON functions fail on text that is not JSON, and only CASE fixes the order.
    await update((column, path) => {
      const col = sql.ref(column);
      const at = sql.lit('$' + path.map((k) => `.${k}`).join(''));
      return sql<
        string | null
      >`case when json_valid(${col}) then case when json_type(${col}, ${at}) = 'text' then json_extract(${col}, ${at}) end end`;
    });
    return;
  }
  await sql`create function ${sql.raw(PG_JSON_STRING)}(t text, path text[]) returns text language plpgsql immutable as $$
      declare v jsonb;
      begin
        v := t::jsonb #> path;
        if jsonb_typeof(v) = 'string' then return v #>> '{}'; end if;
        return null;
      exception when others then return null;
      end $$`.execute(db);
  await update(
    (column, path) => sql<string | null>`${sql.raw(PG_JSON_STRING)}(${sql.ref(column)}, ${sql.lit(`{${path.join(',')}}`)}::text[])`,
  );
  await sql`drop function ${sql.raw(PG_JSON_STRING)}(text, text[])`.execute(db);
}

class StaticProvider implements MigrationProvider {
  constructor(private readonly set: Record<string, Migration>) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return this.set;
  }
}

/** The migrator of a store's schema (tests take a store back to an earlier migration with it). */
export function storeMigrator(db: Kysely<any>, engine: Engine): Migrator {
  return new Migrator({
    db,
    provider: new StaticProvider(migrations(engine)),
    migrationTableName: 'sanctum_migrations',
    migrationLockTableName: 'sanctum_migrations_lock',
  });
}

/** Brings the schema to the newest migration; throws with the failing migration's name on error. */
export async function migrateToLatest(db: Kysely<any>, engine: Engine): Promise<string[]> {
  const { error, results } = await storeMigrator(db, engine).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) throw new Error(`store migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? String(error)}`);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Schema version of a store: the newest migration applied. */
export async function appliedMigrations(db: Kysely<any>): Promise<string[]> {
  const rows = await sql<{ name: string }>`select name from sanctum_migrations order by name`.execute(db);
  return rows.rows.map((r) => r.name);
}
