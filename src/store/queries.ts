import { sql, type ExpressionBuilder, type Selectable, type SelectQueryBuilder } from 'kysely';
import type { ExposureEdge, ExposureRole } from '../inventory/exposure-types.js';
import type { FrameworkCatalogue } from '../core/framework.js';
import { SEVERITIES, type Severity } from '../core/types.js';
import { FINDING_TEXT } from './migrations.js';
import { EVENT_TARGET_KINDS, type FindingTable, type StoreSchema, type TargetTable } from './schema.js';
import type { Store } from './store.js';

type Counts = Record<Severity, number>;

export interface TargetSummary {
  id: number;
  name: string;
  kind: string;
  lastRun?: { id: number; at: string; counts: Counts; suppressed: number; errors: number };
}

export interface RunSummary {
  id: number;
  targetId: number;
  target: string;
  at: string;
  completedAt: string | null;
  source: string;
  tool: string;
  shards: { received: number; total: number };
  files: number;
  counts: Counts;
  suppressed: number;
  errors: number;
}

export type FindingState = 'open' | 'fixed' | 'suppressed' | 'all';

export interface FindingFilter {
  targetId?: number;
  severity?: Severity[];
  state?: FindingState;
  ruleId?: string;
  /** `pss`, or `pss:privileged` for one control. */
  framework?: string;
  /** Matched against the path, the message and the rule id, case-insensitively. */
  text?: string;
  limit?: number;
  offset?: number;
  /** Count matches up to this many (default FINDINGS_COUNT_CAP). */
  countCap?: number;
}

export interface FindingSummary {
  id: number;
  targetId: number;
  target: string;
  ruleId: string;
  slug: string;
  title: string;
  severity: Severity;
  message: string;
  path: string;
  startLine: number | null;
  resource?: { kind: string; namespace?: string; name?: string };
  status: string;
  firstSeenAt: string;
  lastSeenAt: string;
  fixedAt: string | null;
}

type FindingSummaryRow = Pick<
  Selectable<FindingTable>,
  | 'id'
  | 'target_id'
  | 'rule_id'
  | 'slug'
  | 'title'
  | 'severity'
  | 'message'
  | 'path'
  | 'start_line'
  | 'resource_kind'
  | 'resource_namespace'
  | 'resource_name'
  | 'status'
  | 'first_seen_at'
  | 'last_seen_at'
  | 'fixed_at'
> & { target: string };

function findingSummaryOf(r: FindingSummaryRow): FindingSummary {
  return {
    id: r.id,
    targetId: r.target_id,
    target: r.target,
    ruleId: r.rule_id,
    slug: r.slug,
    title: r.title,
    severity: r.severity as Severity,
    message: r.message,
    path: r.path,
    startLine: r.start_line,
    ...(r.resource_kind
      ? {
          resource: {
            kind: r.resource_kind,
            ...(r.resource_namespace ? { namespace: r.resource_namespace } : {}),
            ...(r.resource_name ? { name: r.resource_name } : {}),
          },
        }
      : {}),
    status: r.status,
    firstSeenAt: r.first_seen_at,
    lastSeenAt: r.last_seen_at,
    fixedAt: r.fixed_at,
  };
}

const num = (v: unknown): number => Number(v ?? 0);
const countsOf = (r: Record<Severity, unknown>): Counts => ({
  critical: num(r.critical),
  high: num(r.high),
  medium: num(r.medium),
  low: num(r.low),
  info: num(r.info),
});

/** Runs that are the newest complete run of their target. */
function latestRunIds(eb: ExpressionBuilder<StoreSchema, any>) {
  return eb
    .selectFrom('runs')
    .select((e) => e.fn.max('id').as('id'))
    .where('completed_at', 'is not', null)
    .groupBy('target_id');
}

export async function listTargets(store: Store): Promise<TargetSummary[]> {
  const rows = await store.db
    .selectFrom('targets as t')
    .leftJoin('runs as r', (j) => j.onRef('r.target_id', '=', 't.id').on('r.id', 'in', (eb) => latestRunIds(eb)))
    .select([
      't.id',
      't.name',
      't.kind',
      'r.id as run_id',
      'r.completed_at',
      'r.critical',
      'r.high',
      'r.medium',
      'r.low',
      'r.info',
      'r.suppressed',
      'r.error_count',
    ])
    .orderBy('t.name')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    kind: r.kind,
    ...(r.run_id !== null
      ? {
          lastRun: {
            id: r.run_id,
            at: r.completed_at!,
            counts: countsOf(r as Counts),
            suppressed: num(r.suppressed),
            errors: num(r.error_count),
          },
        }
      : {}),
  }));
}

function runSelect(store: Store) {
  return store.db
    .selectFrom('runs as r')
    .innerJoin('targets as t', 't.id', 'r.target_id')
    .select([
      'r.id',
      'r.target_id',
      't.name as target',
      'r.created_at',
      'r.completed_at',
      'r.source',
      'r.tool_name',
      'r.tool_version',
      'r.shards_received',
      'r.shard_total',
      'r.files',
      'r.critical',
      'r.high',
      'r.medium',
      'r.low',
      'r.info',
      'r.suppressed',
      'r.error_count',
    ]);
}

type RunRow = Awaited<ReturnType<ReturnType<typeof runSelect>['execute']>>[number];
const toRun = (r: RunRow): RunSummary => ({
  id: r.id,
  targetId: r.target_id,
  target: r.target,
  at: r.created_at,
  completedAt: r.completed_at,
  source: r.source,
  tool: `${r.tool_name} ${r.tool_version}`.trim(),
  shards: { received: num(r.shards_received), total: num(r.shard_total) },
  files: num(r.files),
  counts: countsOf(r as Counts),
  suppressed: num(r.suppressed),
  errors: num(r.error_count),
});

export async function listRuns(store: Store, opts: { targetId?: number; limit?: number } = {}): Promise<RunSummary[]> {
  let q = runSelect(store);
  if (opts.targetId !== undefined) q = q.where('r.target_id', '=', opts.targetId);
  const rows = await q
    .orderBy('r.id', 'desc')
    .limit(clamp(opts.limit, 50, 1000))
    .execute();
  return rows.map(toRun);
}

export async function getRun(
  store: Store,
  id: number,
): Promise<(RunSummary & { errorList: Array<{ path: string; message: string; line: number | null }> }) | undefined> {
  const row = await runSelect(store).where('r.id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const errorList = await store.db
    .selectFrom('run_errors')
    .select(['path', 'message', 'line'])
    .where('run_id', '=', id)
    .orderBy('id')
    .limit(1000)
    .execute();
  return { ...toRun(row), errorList };
}

export interface Posture {
  /** Complete runs, oldest first: open findings by severity at each run. */
  runs: RunSummary[];
  /** Findings first seen and fixed per UTC day (a finding fixed, back and fixed again counts each time it was fixed). */
  daily: Array<{ day: string; opened: number; fixed: number }>;
}

/** Posture over time: findings by severity per run of each target, and findings opened and fixed per day. */
export async function posture(store: Store, opts: { targetId?: number; days?: number; now?: Date } = {}): Promise<Posture> {
  const since = new Date((opts.now ?? new Date()).getTime() - clamp(opts.days, 90, 3650) * 86_400_000).toISOString();
  // Posture is the state of what is scanned: batches of alerts and admission decisions have their own page.
  let runs = runSelect(store)
    .where('r.completed_at', 'is not', null)
    .where('r.completed_at', '>=', since)
    .where('t.kind', 'not in', EVENT_TARGET_KINDS);
  if (opts.targetId !== undefined) runs = runs.where('r.target_id', '=', opts.targetId);
  const runRows = await runs.orderBy('r.completed_at', 'desc').limit(2000).execute();

  let changes = store.db
    .selectFrom('daily_changes')
    .select(['day', (eb) => eb.fn.sum<number>('opened').as('opened'), (eb) => eb.fn.sum<number>('fixed').as('fixed')])
    .where('day', '>=', since.slice(0, 10))
    .where('target_id', 'not in', (eb) => eb.selectFrom('targets').select('id').where('kind', 'in', EVENT_TARGET_KINDS));
  if (opts.targetId !== undefined) changes = changes.where('target_id', '=', opts.targetId);
  const days = new Map<string, { day: string; opened: number; fixed: number }>();
  for (const r of await changes.groupBy('day').execute()) days.set(r.day, { day: r.day, opened: num(r.opened), fixed: num(r.fixed) });
  return { runs: runRows.map(toRun).reverse(), daily: [...days.values()].sort((a, b) => a.day.localeCompare(b.day)) };
}

export interface ComplianceControl {
  id: string;
  title: string;
  /** Unsuppressed findings mapped to the control in the newest complete run of each target. */
  failing: number;
  levels: string[];
}

export interface FrameworkCompliance {
  id: string;
  title: string;
  url: string;
  levels: string[];
  controls: ComplianceControl[];
  failingControls: number;
  /** Controls whose rules ran and found nothing open, out of those in the catalogue. */
  passingControls: number;
}

/** Compliance by framework over the open findings (of one target, or of all): each catalogued control with its failing findings. */
export async function compliance(
  store: Store,
  catalogues: readonly FrameworkCatalogue[],
  opts: { targetId?: number } = {},
): Promise<FrameworkCompliance[]> {
  let q = store.db
    .selectFrom('run_controls as rc')
    .select(['rc.framework', 'rc.control', 'rc.level', (eb) => eb.fn.sum<number>('rc.failing').as('n')])
    .where('rc.run_id', 'in', (eb) => latestRunIds(eb));
  if (opts.targetId !== undefined)
    q = q.where('rc.run_id', 'in', (eb) => eb.selectFrom('runs').select('id').where('target_id', '=', opts.targetId!));
  const rows = await q.groupBy(['rc.framework', 'rc.control', 'rc.level']).execute();
  const failing = new Map<string, { n: number; levels: Set<string> }>();
  for (const r of rows) {
    const key = `${r.framework}\u0000${r.control}`;
    const e = failing.get(key) ?? failing.set(key, { n: 0, levels: new Set() }).get(key)!;
    e.n += num(r.n);
    if (r.level) e.levels.add(r.level);
  }
  return catalogues.map((c) => {
    const controls = Object.entries(c.controls).map(([id, title]) => {
      const f = failing.get(`${c.id}\u0000${id}`);
      return { id, title, failing: f?.n ?? 0, levels: [...(f?.levels ?? [])].sort() };
    });
    const failingControls = controls.filter((x) => x.failing > 0).length;
    return {
      id: c.id,
      title: c.title,
      url: c.url,
      levels: [...(c.levels ?? [])],
      controls,
      failingControls,
      passingControls: controls.length - failingControls,
    };
  });
}

function clamp(v: number | undefined, fallback: number, max: number): number {
  if (v === undefined || !Number.isFinite(v) || v < 1) return fallback;
  return Math.min(Math.floor(v), max);
}

type FindingsJoin = StoreSchema & { f: FindingTable; t: TargetTable };

function whereState<Q extends { where: (...args: any[]) => Q }>(q: Q, state: FindingState, alias: '' | 'f.' = 'f.'): Q {
  const col = (c: string) => `${alias}${c}`;
  if (state === 'open') return q.where(col('fixed_at'), 'is', null).where(col('status'), '=', 'fail');
  if (state === 'suppressed') return q.where(col('fixed_at'), 'is', null).where(col('status'), '=', 'suppressed');
  if (state === 'fixed') return q.where(col('fixed_at'), 'is not', null);
  return q;
}

/** A filter whose text search has been answered already: `ids` are the findings that match the text. */
type ResolvedFilter = FindingFilter & { ids?: number[] };

function applyFindingFilter<O>(q: SelectQueryBuilder<FindingsJoin, 'f' | 't', O>, filter: ResolvedFilter) {
  const state = filter.state ?? 'open';
  q = whereState(q, state);
  if (filter.ids) q = q.where('f.id', 'in', filter.ids);
  if (filter.targetId !== undefined) q = q.where('f.target_id', '=', filter.targetId);
  if (filter.severity?.length) q = q.where('f.severity', 'in', filter.severity);
  if (filter.ruleId) q = q.where((eb) => eb.or([eb('f.rule_id', '=', filter.ruleId!), eb('f.slug', '=', filter.ruleId!)]));
  if (filter.framework) {
    const [id, control] = filter.framework.split(':', 2);
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('finding_frameworks as ff')
          .select('ff.finding_id')
          .whereRef('ff.finding_id', '=', 'f.id')
          .where('ff.framework', '=', id)
          .$if(Boolean(control), (s) => s.where('ff.control', '=', control)),
      ),
    );
  }
  if (filter.text) q = q.where('f.id', 'in', (eb) => textMatches(eb.selectFrom('findings').select('id'), filter));
  return q;
}

/** Findings whose rule id, path or message contain the text: answered by the search index alone (migration 0004). */
function textMatches(q: SelectQueryBuilder<StoreSchema, 'findings', { id: number }>, filter: FindingFilter) {
  const like = `%${filter.text!.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c)}%`;
  return whereState(q, filter.state ?? 'open', '').where(FINDING_TEXT, 'like', sql<string>`${like} escape '\\'`);
}

/** Above this many matches the findings table says "10,000+" rather than count them all. */
export const FINDINGS_COUNT_CAP = 10_000;

const SUMMARY_COLUMNS = [
  'f.id',
  'f.target_id',
  't.name as target',
  'f.rule_id',
  'f.slug',
  'f.title',
  'f.severity',
  'f.message',
  'f.path',
  'f.start_line',
  'f.resource_kind',
  'f.resource_namespace',
  'f.resource_name',
  'f.status',
  'f.first_seen_at',
  'f.last_seen_at',
  'f.fixed_at',
] as const;

const SEVERITY_RANK = new Map(SEVERITIES.map((s, i) => [s as string, i]));

/**
 * The findings table: filtered, most severe first (newest first within a severity), a page at a time.
 * The matches' ids and severities are read first, up to FINDINGS_COUNT_CAP of them, from the indexes
 * alone: that is the total, and the page is taken from them. Past the cap (`capped`: the total is a
 * lower bound), each severity is read from its index, newest first, up to the page's end: no call
 * reads every open finding of a large store.
 */
export async function listFindings(
  store: Store,
  filter: FindingFilter = {},
): Promise<{ total: number; capped: boolean; items: FindingSummary[] }> {
  const base = store.db.selectFrom('findings as f').innerJoin('targets as t', 't.id', 'f.target_id');
  // Without the join to targets these read the indexes alone.
  const unjoined = store.db.selectFrom('findings as f') as unknown as typeof base;
  const cap = filter.countCap ?? FINDINGS_COUNT_CAP;
  let skip = Math.max(0, Math.floor(filter.offset ?? 0));
  let wanted = clamp(filter.limit, 50, 500);

  let resolved: ResolvedFilter = filter;
  if (filter.text) {
    // The text first, through its index, and the other conditions on those findings only.
    const ids = await textMatches(store.db.selectFrom('findings').select('id'), filter)
      .limit(cap + 1)
      .execute();
    if (ids.length === 0) return { total: 0, capped: false, items: [] };
    if (ids.length <= cap) resolved = { ...filter, text: undefined, ids: ids.map((r) => r.id) };
  }
  const matched = await applyFindingFilter(unjoined.select(['f.id', 'f.severity']), resolved)
    .limit(cap + 1)
    .execute();
  if (matched.length <= cap) {
    matched.sort((a, b) => SEVERITY_RANK.get(a.severity)! - SEVERITY_RANK.get(b.severity)! || b.id - a.id);
    const ids = matched.slice(skip, skip + wanted).map((m) => m.id);
    const rows = ids.length ? await base.select(SUMMARY_COLUMNS).where('f.id', 'in', ids).execute() : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return { total: matched.length, capped: false, items: ids.map((id) => findingSummaryOf(byId.get(id)!)) };
  }

  const countUpTo = async (n: number, severity: Severity): Promise<number> => {
    const some = applyFindingFilter(unjoined.select('f.id'), filter).where('f.severity', '=', severity).limit(n);
    const r = await store.db
      .selectFrom(some.as('m'))
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return num(r.n);
  };
  const rows = [];
  for (const severity of SEVERITIES) {
    if (wanted === 0) break;
    if (filter.severity?.length && !filter.severity.includes(severity)) continue;
    if (skip > 0) {
      const here = await countUpTo(skip, severity);
      if (here < skip) {
        skip -= here;
        continue;
      }
    }
    const page = await applyFindingFilter(base.select(SUMMARY_COLUMNS), filter)
      .where('f.severity', '=', severity)
      .orderBy('f.id', 'desc')
      .limit(wanted)
      .offset(skip)
      .execute();
    rows.push(...page);
    wanted -= page.length;
    skip = 0;
  }
  return { total: cap, capped: true, items: rows.map(findingSummaryOf) };
}

export interface FindingDetail extends FindingSummary {
  fingerprint: string;
  location: { startColumn: number | null; endLine: number | null; endColumn: number | null; objectPath: string | null };
  evidence: string | null;
  suppression: unknown;
  fix: unknown;
  detail: unknown;
  frameworks: Array<{ id: string; control: string; level?: string }>;
  /** The runs that reported it, newest first. */
  history: Array<{ runId: number; at: string; status: string }>;
}

const parse = (s: string | null): unknown => (s === null ? null : JSON.parse(s));

export async function getFinding(store: Store, id: number): Promise<FindingDetail | undefined> {
  const r = await store.db
    .selectFrom('findings as f')
    .innerJoin('targets as t', 't.id', 'f.target_id')
    .selectAll('f')
    .select('t.name as target')
    .where('f.id', '=', id)
    .executeTakeFirst();
  if (!r) return undefined;
  const [frameworks, history] = await Promise.all([
    store.db
      .selectFrom('finding_frameworks')
      .select(['framework', 'control', 'level'])
      .where('finding_id', '=', id)
      .orderBy('framework')
      .orderBy('control')
      .execute(),
    store.db
      .selectFrom('observations as o')
      .innerJoin('runs as r', 'r.id', 'o.run_id')
      .select(['o.run_id', 'r.created_at', 'o.status'])
      .where('o.finding_id', '=', id)
      .orderBy('o.run_id', 'desc')
      .limit(100)
      .execute(),
  ]);
  return {
    ...findingSummaryOf(r),
    fingerprint: r.fingerprint,
    location: { startColumn: r.start_column, endLine: r.end_line, endColumn: r.end_column, objectPath: r.object_path },
    evidence: r.evidence,
    suppression: parse(r.suppression),
    fix: parse(r.fix),
    detail: parse(r.detail),
    frameworks: frameworks.map((f) => ({ id: f.framework, control: f.control, ...(f.level ? { level: f.level } : {}) })),
    history: history.map((h) => ({ runId: h.run_id, at: h.created_at, status: h.status })),
  };
}

export interface InventoryItem {
  targetId: number;
  target: string;
  runId: number;
  kind: string;
  name: string;
  version: string | null;
  path: string | null;
  /** The Kubernetes object the entry is (GPU nodes and workloads). */
  resource?: { kind: string; namespace?: string; name: string };
  detail: unknown;
}

/** The inventory of each target's newest complete run. */
export async function listInventory(
  store: Store,
  opts: { targetId?: number; kind?: string; limit?: number } = {},
): Promise<InventoryItem[]> {
  let q = store.db
    .selectFrom('inventory as i')
    .innerJoin('targets as t', 't.id', 'i.target_id')
    .select([
      'i.target_id',
      't.name as target',
      'i.run_id',
      'i.kind',
      'i.name',
      'i.version',
      'i.path',
      'i.resource_kind',
      'i.resource_namespace',
      'i.resource_name',
      'i.detail',
    ])
    .where('i.run_id', 'in', (eb) => latestRunIds(eb));
  if (opts.targetId !== undefined) q = q.where('i.target_id', '=', opts.targetId);
  if (opts.kind) q = q.where('i.kind', '=', opts.kind);
  const rows = await q
    .orderBy('i.kind')
    .orderBy('i.name')
    .limit(clamp(opts.limit, 5000, 20000))
    .execute();
  return rows.map((r) => ({
    targetId: r.target_id,
    target: r.target,
    runId: r.run_id,
    kind: r.kind,
    name: r.name,
    version: r.version,
    path: r.path,
    ...(r.resource_kind && r.resource_name !== null
      ? {
          resource: {
            kind: r.resource_kind,
            ...(r.resource_namespace !== null ? { namespace: r.resource_namespace } : {}),
            name: r.resource_name,
          },
        }
      : {}),
    detail: JSON.parse(r.detail),
  }));
}

/** Most exposure edges read at once (the graphs are walked in memory). */
export const EXPOSURE_EDGE_LIMIT = 50_000;

export interface ExposureEdges {
  edges: Array<{ targetId: number; target: string; edge: ExposureEdge }>;
  /**
   * Targets whose graphs were not read: the newest runs hold more edges than the limit in all. The
   * graphs are read target by target, so every graph in `edges` is whole; none is walked in part.
   */
  cut: Array<{ targetId: number; target: string }>;
}

/** The exposure graph of each target's newest complete run, whole graphs up to `limit` edges in all (default `EXPOSURE_EDGE_LIMIT`). */
export async function listExposureEdges(store: Store, opts: { targetId?: number; limit?: number } = {}): Promise<ExposureEdges> {
  const limit = opts.limit ?? EXPOSURE_EDGE_LIMIT;
  let q = store.db
    .selectFrom('exposure_edges as e')
    .innerJoin('targets as t', 't.id', 'e.target_id')
    .where('e.run_id', 'in', (eb) => latestRunIds(eb));
  if (opts.targetId !== undefined) q = q.where('e.target_id', '=', opts.targetId);
  const rows = await q
    .select([
      'e.target_id',
      't.name as target',
      'e.from_role',
      'e.from_kind',
      'e.from_namespace',
      'e.from_name',
      'e.to_role',
      'e.to_kind',
      'e.to_namespace',
      'e.to_name',
      'e.detail',
    ])
    .orderBy('e.target_id')
    .limit(limit + 1)
    .execute();
  let cut: ExposureEdges['cut'] = [];
  if (rows.length > limit) {
    // The first target not read to its end, and every one after it.
    const first = rows[limit].target_id;
    rows.splice(rows.findIndex((r) => r.target_id === first));
    const left = await q
      .select(['e.target_id', 't.name as target'])
      .distinct()
      .where('e.target_id', '>=', first)
      .orderBy('e.target_id')
      .execute();
    cut = left.map((r) => ({ targetId: r.target_id, target: r.target }));
  }
  const node = (role: string, kind: string, namespace: string | null, name: string) => ({
    role: role as ExposureRole,
    kind,
    ...(namespace !== null ? { namespace } : {}),
    name,
  });
  const edges = rows.map((r) => ({
    targetId: r.target_id,
    target: r.target,
    edge: {
      from: node(r.from_role, r.from_kind, r.from_namespace, r.from_name),
      to: node(r.to_role, r.to_kind, r.to_namespace, r.to_name),
      ...(r.detail ? { detail: JSON.parse(r.detail) as Record<string, string> } : {}),
    },
  }));
  return { edges, cut };
}

/** Findings of one target's open set on a resource (`kind`, `namespace`, `name`), for exposure paths. */
export async function findingsOnResources(
  store: Store,
  targetId: number,
): Promise<
  Array<{
    id: number;
    ruleId: string;
    severity: Severity;
    title: string;
    message: string;
    kind: string;
    namespace: string | null;
    name: string | null;
  }>
> {
  const rows = await store.db
    .selectFrom('findings')
    .select(['id', 'rule_id', 'severity', 'title', 'message', 'resource_kind', 'resource_namespace', 'resource_name'])
    .where('target_id', '=', targetId)
    .where('fixed_at', 'is', null)
    .where('status', '=', 'fail')
    .where('resource_kind', 'is not', null)
    .limit(20000)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    ruleId: r.rule_id,
    severity: r.severity as Severity,
    title: r.title,
    message: r.message,
    kind: r.resource_kind!,
    namespace: r.resource_namespace,
    name: r.resource_name,
  }));
}

export interface AlertFilter {
  ruleId?: string;
  namespace?: string;
  /** Who acted (`location.event.user`). */
  user?: string;
  /** Only alerts of events after this time (ISO 8601), for a page that polls. */
  since?: string;
  severity?: Severity[];
  /** Where the alerts came from: `runtime` (audit, Falco, Tetragon) or `admission` (the webhook's decisions). */
  kind?: string;
  targetId?: number;
  limit?: number;
}

export interface Alert {
  id: number;
  targetId: number;
  target: string;
  /** The target's kind: `runtime` or `admission`. */
  kind: string;
  ruleId: string;
  title: string;
  severity: Severity;
  message: string;
  time: string;
  user: string | null;
  namespace: string | null;
  resource?: { kind: string; name?: string };
  status: string;
  sourceIPs: string[];
  source?: string;
  /** An admission decision's action on this finding: `deny`, `warn` or `audit`. */
  action?: string;
  /**
   * The finding would have denied, but the UPDATE's `oldObject` had it too, so it only warned (the webhook's
   * `allowExistingViolations`): why a privileged pod, say, was admitted.
   */
  preExisting?: true;
}

interface AlertEvent {
  sourceIPs?: string[];
  source?: string;
}

/** Runtime alerts (findings of events), newest event first, through the index over alerts alone. */
/** The alerts a filter selects, newest first (`listAlerts`) or counted per hour (`alertsPerHour`). */
function alertsOf(store: Store, filter: Omit<AlertFilter, 'since' | 'limit'>) {
  let q = store.db.selectFrom('findings as f').innerJoin('targets as t', 't.id', 'f.target_id').where('f.event_time', 'is not', null);
  if (filter.ruleId) q = q.where('f.rule_id', '=', filter.ruleId);
  if (filter.namespace) q = q.where('f.resource_namespace', '=', filter.namespace);
  if (filter.user) q = q.where('f.event_user', '=', filter.user);
  if (filter.severity?.length) q = q.where('f.severity', 'in', filter.severity);
  if (filter.kind) q = q.where('t.kind', '=', filter.kind);
  if (filter.targetId !== undefined) q = q.where('f.target_id', '=', filter.targetId);
  return q;
}

export async function listAlerts(store: Store, filter: AlertFilter = {}): Promise<{ alerts: Alert[] }> {
  let q = alertsOf(store, filter).select([
    'f.id',
    'f.target_id',
    't.name as target',
    't.kind as target_kind',
    'f.rule_id',
    'f.title',
    'f.severity',
    'f.message',
    'f.event_time',
    'f.event_user',
    'f.resource_kind',
    'f.resource_namespace',
    'f.resource_name',
    'f.status',
    'f.detail',
  ]);
  if (filter.since) q = q.where('f.event_time', '>', filter.since);
  const rows = await q
    .orderBy('f.event_time', 'desc')
    .orderBy('f.id', 'desc')
    .limit(clamp(filter.limit, 100, 1000))
    .execute();
  const alerts = rows.map((r) => {
    const detail = parse(r.detail) as {
      location?: { event?: AlertEvent };
      admission?: { action?: string; preExisting?: boolean };
    } | null;
    const event = detail?.location?.event ?? {};
    const action = detail?.admission?.action;
    return {
      id: r.id,
      targetId: r.target_id,
      target: r.target,
      kind: r.target_kind,
      ruleId: r.rule_id,
      title: r.title,
      severity: r.severity as Severity,
      message: r.message,
      time: r.event_time!,
      user: r.event_user,
      namespace: r.resource_namespace,
      ...(r.resource_kind ? { resource: { kind: r.resource_kind, ...(r.resource_name ? { name: r.resource_name } : {}) } } : {}),
      status: r.status,
      sourceIPs: event.sourceIPs ?? [],
      ...(event.source ? { source: event.source } : {}),
      ...(typeof action === 'string' ? { action } : {}),
      ...(detail?.admission?.preExisting === true ? { preExisting: true as const } : {}),
    };
  });
  return { alerts };
}

export interface AlertHour extends Record<Severity, number> {
  /** The UTC hour of the events' time (`2026-12-05T04`). */
  hour: string;
}

/**
 * Alerts per hour of event time by severity, oldest hour first, counted by the store over every
 * alert of the range that the filter selects (not over one page of the list). Hours without alerts
 * are left out. Event times are ISO 8601 text: the hour is a prefix, on both engines.
 */
export async function alertsPerHour(
  store: Store,
  filter: Omit<AlertFilter, 'limit'> & { since: string; until?: string },
): Promise<{ hours: AlertHour[] }> {
  const hour = sql<string>`substr(f.event_time, 1, 13)`;
  let q = alertsOf(store, filter)
    .select((eb) => [hour.as('hour'), 'f.severity', eb.fn.countAll<number>().as('n')])
    .where('f.event_time', '>=', filter.since);
  if (filter.until) q = q.where('f.event_time', '<', filter.until);
  const rows = await q.groupBy([hour, 'f.severity']).orderBy(hour).execute();
  const hours = new Map<string, AlertHour>();
  for (const r of rows) {
    const h = hours.get(r.hour) ?? hours.set(r.hour, { hour: r.hour, critical: 0, high: 0, medium: 0, low: 0, info: 0 }).get(r.hour)!;
    h[r.severity as Severity] += Number(r.n);
  }
  return { hours: [...hours.values()] };
}
