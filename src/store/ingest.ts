import { randomUUID } from 'node:crypto';
import { sql, type ExpressionBuilder, type Insertable, type Transaction } from 'kysely';
import type { Finding, ScanError, Severity } from '../core/types.js';
import type { ExposureEdge } from '../inventory/exposure-types.js';
import type { RunInput } from './run-input.js';
import { EVENT_TARGET_KINDS, type FindingTable, type StoreSchema, type TargetKind } from './schema.js';
import type { Store } from './store.js';
import { insertMapped, insertRows, selectByKeys } from './bulk.js';

export interface RunMeta {
  /** Name of what was scanned (a repository, an image reference, a cluster); default: the result's targets joined. */
  target?: string;
  kind?: TargetKind;
  /** Shards of one run share a key; without shards every upload is its own run. */
  runKey?: string;
  /** `index` is 1-based: shard 2 of 4 is `{ index: 2, total: 4 }`. */
  shard?: { index: number; total: number };
  /** When the run was received; default: now. */
  at?: Date;
}

export interface IngestResult {
  runId: number;
  targetId: number;
  runKey: string;
  findings: number;
  newFindings: number;
  /** Findings of the target that this (complete) run no longer reports. */
  fixed: number;
  complete: boolean;
  shardsReceived: number;
  shardTotal: number;
}

/** The upload conflicts with what is stored (a shard sent twice, a shard count that differs): the API answers 409. */
export class IngestConflict extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IngestConflict';
  }
}

/** Targets whose runs are streams of events: a finding of one is never "fixed" by a later run. */
const EVENT_KINDS: ReadonlySet<string> = new Set(EVENT_TARGET_KINDS);

const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));

/** Fields of a finding (and of its location) that have columns: the rest is kept as JSON in `detail`. */
const FINDING_COLUMNS = new Set([
  'ruleId',
  'slug',
  'title',
  'severity',
  'message',
  'location',
  'frameworks',
  'status',
  'fingerprint',
  'evidence',
  'suppression',
  'fix',
]);
const LOCATION_COLUMNS = new Set(['path', 'startLine', 'startColumn', 'endLine', 'endColumn', 'objectPath', 'resource']);

/** What of `o` has no column, or undefined when everything has one (the common case: no copy is made). */
function extras(o: object, columns: ReadonlySet<string>): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  for (const k in o) {
    const v = (o as Record<string, unknown>)[k];
    if (v !== undefined && !columns.has(k)) (out ??= {})[k] = v;
  }
  return out;
}

function findingDetail(f: Finding): string | null {
  const rest = extras(f, FINDING_COLUMNS);
  const location = extras(f.location, LOCATION_COLUMNS);
  if (location) return JSON.stringify({ ...rest, location });
  return rest ? JSON.stringify(rest) : null;
}

function findingRow(f: Finding, targetId: number, runId: number, at: string): Insertable<FindingTable> {
  const l = f.location;
  return {
    target_id: targetId,
    fingerprint: f.fingerprint,
    rule_id: f.ruleId,
    slug: f.slug,
    title: f.title,
    severity: f.severity,
    message: f.message,
    path: l.path,
    start_line: l.startLine ?? null,
    start_column: l.startColumn ?? null,
    end_line: l.endLine ?? null,
    end_column: l.endColumn ?? null,
    object_path: l.objectPath ?? null,
    resource_kind: l.resource?.kind ?? null,
    resource_namespace: l.resource?.namespace ?? null,
    resource_name: l.resource?.name ?? null,
    evidence: f.evidence ?? null,
    status: f.status,
    suppression: json(f.suppression),
    fix: json(f.fix),
    detail: findingDetail(f),
    first_seen_run: runId,
    first_seen_at: at,
    last_seen_run: runId,
    last_seen_at: at,
    fixed_at: null,
    fixed_run: null,
    event_time: l.event?.time ?? null,
    event_user: l.event?.user ?? null,
  };
}

/**
 * Stores one uploaded run (or one shard of it) in a single transaction: a failure anywhere leaves
 * nothing of it behind. Findings are keyed by fingerprint per target: first seen, last seen, and
 * fixed when a complete run of the target no longer reports them.
 */
export async function ingestRun(store: Store, input: RunInput, meta: RunMeta = {}): Promise<IngestResult> {
  const at = (meta.at ?? new Date()).toISOString();
  const targetName = (meta.target ?? (input.targets.length ? input.targets.join(', ') : input.tool.name)).slice(0, 1000) || 'unnamed';
  const kind = meta.kind ?? (input.source === 'sarif' ? 'external' : 'repository');
  const shard = meta.shard ?? { index: 1, total: 1 };
  if (!Number.isInteger(shard.total) || shard.total < 1 || !Number.isInteger(shard.index) || shard.index < 1 || shard.index > shard.total)
    throw new IngestConflict(`shard must be I/N with 1 ≤ I ≤ N (got ${shard.index}/${shard.total})`);
  if (shard.total > 1 && !meta.runKey) throw new IngestConflict('the shards of a run need a run key that they share');
  const runKey = meta.runKey ?? randomUUID();

  // One fingerprint once per run: a repeated one (two shards, or a tool that repeats itself) keeps its first occurrence.
  const unique = new Map<string, Finding>();
  for (const f of input.findings) if (!unique.has(f.fingerprint)) unique.set(f.fingerprint, f);
  const findings = [...unique.values()];

  return store.db.transaction().execute(async (trx) => {
    const targetId = await upsertTarget(trx, targetName, kind, at);
    // Uploads of one target are written one after another (several server replicas on PostgreSQL).
    if (store.engine === 'postgres') await sql`select pg_advisory_xact_lock(${7_041_000_000 + targetId})`.execute(trx);
    const run = await upsertRun(trx, targetId, runKey, shard.total, input, at);
    const duplicate = await trx
      .insertInto('run_shards')
      .values({ run_id: run.id, shard_index: shard.index, received_at: at })
      .onConflict((oc) => oc.columns(['run_id', 'shard_index']).doNothing())
      .returning('shard_index')
      .executeTakeFirst();
    if (!duplicate) throw new IngestConflict(`shard ${shard.index}/${shard.total} of run '${runKey}' was already received`);

    const { known, stored } = await knownFindings(store, trx, targetId, findings);
    const fresh = findings.filter((f) => !known.has(f.fingerprint));
    const ids = new Map<string, number>();
    for (const [fp, k] of known) ids.set(fp, k.id);
    const inserted = await insertMapped(
      store,
      trx,
      fresh,
      (f) => findingRow(f, targetId, run.id, at),
      (t, v) => t.insertInto('findings').values(v),
      ['fingerprint'],
    );
    for (const r of inserted) ids.set(r.fingerprint, r.id);
    await insertRows(
      store,
      trx,
      fresh.flatMap((f) =>
        f.frameworks.map((x) => ({ finding_id: ids.get(f.fingerprint)!, framework: x.id, control: x.control, level: x.level ?? '' })),
      ),
      (t, v) =>
        t
          .insertInto('finding_frameworks')
          .values(v)
          .onConflict((oc) => oc.doNothing()),
    );

    // A finding whose state changed (suppressed since, severity raised by a new rule version) keeps the newest.
    for (const f of findings) {
      const k = known.get(f.fingerprint);
      if (!k) continue;
      const suppression = json(f.suppression);
      if (k.status === f.status && k.suppression === suppression && k.severity === f.severity && k.message === f.message) continue;
      await trx
        .updateTable('findings')
        .set({ status: f.status, suppression, severity: f.severity, message: f.message, evidence: f.evidence ?? null })
        .where('id', '=', k.id)
        .execute();
    }

    await insertMapped(
      store,
      trx,
      findings,
      (f) => ({ run_id: run.id, finding_id: ids.get(f.fingerprint)!, status: f.status }),
      (t, v) =>
        t
          .insertInto('observations')
          .values(v)
          .onConflict((oc) => oc.columns(['run_id', 'finding_id']).doNothing()),
    );
    // Known findings this run reports again: seen now, and open again if they had been fixed.
    const reportedByThisRun = (eb: ExpressionBuilder<StoreSchema, 'findings'>) =>
      eb.selectFrom('observations').select('finding_id').where('run_id', '=', run.id);
    if (known.size > 0) {
      await trx
        .updateTable('findings')
        .set({ last_seen_run: run.id, last_seen_at: at })
        .where('id', 'in', reportedByThisRun)
        .where('last_seen_run', '<>', run.id)
        .execute();
      await trx
        .updateTable('findings')
        .set({ fixed_at: null, fixed_run: null })
        .where('id', 'in', reportedByThisRun)
        .where('fixed_at', 'is not', null)
        .execute();
    }
    const errors = await newErrors(trx, run.id, input.errors, run.shards_received > 0);
    await insertRows(
      store,
      trx,
      errors.map((e) => ({ run_id: run.id, path: e.path, message: e.message, line: e.line ?? null })),
      (t, v) => t.insertInto('run_errors').values(v),
    );
    await insertRows(
      store,
      trx,
      input.inventory.map((e) => ({
        run_id: run.id,
        target_id: targetId,
        kind: e.kind,
        name: e.name,
        version: e.version ?? null,
        path: e.path ?? null,
        resource_kind: e.resource?.kind ?? null,
        resource_namespace: e.resource?.namespace ?? null,
        resource_name: e.resource?.name ?? null,
        detail: JSON.stringify(e.detail),
      })),
      (t, v) => t.insertInto('inventory').values(v),
    );
    await insertMapped(
      store,
      trx,
      await newExposureEdges(trx, run.id, input.exposure, run.shards_received > 0),
      (e) => ({
        run_id: run.id,
        target_id: targetId,
        from_role: e.from.role,
        from_kind: e.from.kind,
        from_namespace: e.from.namespace ?? null,
        from_name: e.from.name,
        to_role: e.to.role,
        to_kind: e.to.kind,
        to_namespace: e.to.namespace ?? null,
        to_name: e.to.name,
        detail: e.detail ? JSON.stringify(e.detail) : null,
      }),
      (t, v) => t.insertInto('exposure_edges').values(v),
    );

    const counts: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
    let suppressed = 0;
    for (const f of findings) {
      if (f.status === 'suppressed') suppressed++;
      else counts[f.severity]++;
    }
    const received = run.shards_received + 1;
    const complete = received === shard.total;
    await trx
      .updateTable('runs')
      .set((eb) => ({
        shards_received: received,
        completed_at: complete ? at : null,
        files: eb('files', '+', input.stats.files),
        resources: eb('resources', '+', input.stats.resources),
        duration_ms: eb('duration_ms', '+', input.stats.durationMs),
        critical: eb('critical', '+', counts.critical),
        high: eb('high', '+', counts.high),
        medium: eb('medium', '+', counts.medium),
        low: eb('low', '+', counts.low),
        info: eb('info', '+', counts.info),
        suppressed: eb('suppressed', '+', suppressed),
        error_count: eb('error_count', '+', errors.length),
      }))
      .where('id', '=', run.id)
      .execute();

    const controls = new Map<string, { framework: string; control: string; level: string; failing: number }>();
    for (const f of findings) {
      if (f.status !== 'fail') continue;
      for (const x of f.frameworks) {
        const key = `${x.id}\u0000${x.control}\u0000${x.level ?? ''}`;
        const c =
          controls.get(key) ?? controls.set(key, { framework: x.id, control: x.control, level: x.level ?? '', failing: 0 }).get(key)!;
        c.failing++;
      }
    }
    await insertRows(
      store,
      trx,
      [...controls.values()].map((c) => ({ run_id: run.id, ...c })),
      (t, v) =>
        t
          .insertInto('run_controls')
          .values(v)
          .onConflict((oc) =>
            oc
              .columns(['run_id', 'framework', 'control', 'level'])
              .doUpdateSet((eb) => ({ failing: eb('run_controls.failing', '+', eb.ref('excluded.failing')) })),
          ),
    );

    let fixed = 0;
    // Alerts are events, not state: a batch of runtime alerts or admission decisions fixes nothing.
    // Nor does a target's first upload: everything it holds was reported by this run.
    if (complete && !EVENT_KINDS.has(kind) && stored > 0) {
      const r = await trx
        .updateTable('findings')
        .set({ fixed_at: at, fixed_run: run.id })
        .where('target_id', '=', targetId)
        .where('fixed_at', 'is', null)
        .where('last_seen_run', '<>', run.id)
        .executeTakeFirst();
      fixed = Number(r.numUpdatedRows);
    }
    if (fresh.length > 0 || fixed > 0)
      await trx
        .insertInto('daily_changes')
        .values({ target_id: targetId, day: at.slice(0, 10), opened: fresh.length, fixed })
        .onConflict((oc) =>
          oc.columns(['target_id', 'day']).doUpdateSet((eb) => ({
            opened: eb('daily_changes.opened', '+', eb.ref('excluded.opened')),
            fixed: eb('daily_changes.fixed', '+', eb.ref('excluded.fixed')),
          })),
        )
        .execute();
    return {
      runId: run.id,
      targetId,
      runKey,
      findings: findings.length,
      newFindings: fresh.length,
      fixed,
      complete,
      shardsReceived: received,
      shardTotal: shard.total,
    };
  });
}

const errorKey = (e: { path: string; message: string; line?: number | null }): string => `${e.path}\u0000${e.line ?? ''}\u0000${e.message}`;

/**
 * The upload's errors that the run does not hold yet. Every shard of a run walks the whole tree and
 * sets up the same scan, so an error of the walk (an unreadable directory, a broken link) or of the
 * set-up (no vulnerability database) comes with each shard: the run keeps it once.
 */
async function newErrors(
  trx: Transaction<StoreSchema>,
  runId: number,
  errors: readonly ScanError[],
  runHasShards: boolean,
): Promise<ScanError[]> {
  const stored = runHasShards
    ? await trx.selectFrom('run_errors').select(['path', 'message', 'line']).where('run_id', '=', runId).execute()
    : [];
  return unseen(errors, errorKey, stored.map(errorKey));
}

/** One edge from one object to another, whatever its detail. */
const edgeKey = (parts: ReadonlyArray<string | null | undefined>): string => parts.map((p) => p ?? '').join('\u0000');

/**
 * The upload's exposure edges that the run does not hold yet. A scan keeps one edge from one object
 * to another however many sets of objects give it (an object in two deployment directories); the
 * shards of a sharded run see those sets in different jobs, and the run keeps each edge once, as
 * the whole scan does (else the path through it would be walked twice).
 */
async function newExposureEdges(
  trx: Transaction<StoreSchema>,
  runId: number,
  edges: readonly ExposureEdge[],
  runHasShards: boolean,
): Promise<ExposureEdge[]> {
  const stored = runHasShards
    ? await trx
        .selectFrom('exposure_edges')
        .select(['from_role', 'from_kind', 'from_namespace', 'from_name', 'to_role', 'to_kind', 'to_namespace', 'to_name'])
        .where('run_id', '=', runId)
        .execute()
    : [];
  return unseen(
    edges,
    ({ from, to }) => edgeKey([from.role, from.kind, from.namespace, from.name, to.role, to.kind, to.namespace, to.name]),
    stored.map((e) => edgeKey([e.from_role, e.from_kind, e.from_namespace, e.from_name, e.to_role, e.to_kind, e.to_namespace, e.to_name])),
  );
}

/** The items whose key is neither in `stored` nor of an item before them. */
function unseen<T>(items: readonly T[], key: (item: T) => string, stored: Iterable<string>): T[] {
  const seen = new Set(stored);
  const out: T[] = [];
  for (const item of items) {
    const k = key(item);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(item);
  }
  return out;
}

interface KnownFinding {
  id: number;
  status: string;
  suppression: string | null;
  severity: string;
  message: string;
  fixed: boolean;
}

/**
 * The target's stored findings among `findings`, by fingerprint. A target with none stored (its first
 * run) needs no lookup; an upload about as large as what the target holds reads the target's findings
 * in one pass; a small upload into a large target looks each fingerprint up.
 */
async function knownFindings(
  store: Store,
  trx: Transaction<StoreSchema>,
  targetId: number,
  findings: readonly Finding[],
): Promise<{ known: Map<string, KnownFinding>; stored: number }> {
  const known = new Map<string, KnownFinding>();
  if (findings.length === 0) return { known, stored: 0 };
  const { stored } = await trx
    .selectFrom('findings')
    .select((eb) => eb.fn.countAll<number>().as('stored'))
    .where('target_id', '=', targetId)
    .executeTakeFirstOrThrow();
  if (Number(stored) === 0) return { known, stored: 0 };
  const columns = ['id', 'fingerprint', 'status', 'suppression', 'severity', 'message', 'fixed_at'] as const;
  let rows;
  if (Number(stored) <= 2 * findings.length) {
    const wanted = new Set(findings.map((f) => f.fingerprint));
    rows = (await trx.selectFrom('findings').select(columns).where('target_id', '=', targetId).execute()).filter((r) =>
      wanted.has(r.fingerprint),
    );
  } else
    rows = await selectByKeys(
      store,
      trx,
      findings.map((f) => f.fingerprint),
      (t, keys) => t.selectFrom('findings').select(columns).where('target_id', '=', targetId).where('fingerprint', 'in', keys),
    );
  for (const r of rows)
    known.set(r.fingerprint, {
      id: r.id,
      status: r.status,
      suppression: r.suppression,
      severity: r.severity,
      message: r.message,
      fixed: r.fixed_at !== null,
    });
  return { known, stored: Number(stored) };
}

async function upsertTarget(trx: Transaction<StoreSchema>, name: string, kind: string, at: string): Promise<number> {
  await trx
    .insertInto('targets')
    .values({ name, kind, created_at: at })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await trx.selectFrom('targets').select('id').where('name', '=', name).executeTakeFirstOrThrow();
  return row.id;
}

async function upsertRun(
  trx: Transaction<StoreSchema>,
  targetId: number,
  runKey: string,
  shardTotal: number,
  input: RunInput,
  at: string,
): Promise<{ id: number; shards_received: number }> {
  await trx
    .insertInto('runs')
    .values({
      target_id: targetId,
      run_key: runKey,
      source: input.source,
      tool_name: input.tool.name,
      tool_version: input.tool.version,
      created_at: at,
      completed_at: null,
      shard_total: shardTotal,
      shards_received: 0,
      files: 0,
      resources: 0,
      duration_ms: 0,
      rules: input.stats.rules,
      critical: 0,
      high: 0,
      medium: 0,
      low: 0,
      info: 0,
      suppressed: 0,
      error_count: 0,
    })
    .onConflict((oc) => oc.columns(['target_id', 'run_key']).doNothing())
    .execute();
  const run = await trx
    .selectFrom('runs')
    .select(['id', 'shards_received', 'shard_total'])
    .where('target_id', '=', targetId)
    .where('run_key', '=', runKey)
    .executeTakeFirstOrThrow();
  if (run.shard_total !== shardTotal)
    throw new IngestConflict(`run '${runKey}' has ${run.shard_total} shards, this upload says ${shardTotal}`);
  return run;
}
