import type { Generated } from 'kysely';

/** Times are ISO 8601 UTC strings (`2026-12-04T22:30:00.000Z`): they sort and group by day the same way on both engines. */
export type IsoTime = string;

export type TargetKind = 'repository' | 'image' | 'cluster' | 'admission' | 'runtime' | 'external';
/** Targets whose runs are batches of events (runtime alerts, admission decisions), not the state of something scanned. */
export const EVENT_TARGET_KINDS: readonly TargetKind[] = ['runtime', 'admission'];
export type RunSource = 'sanctum' | 'sarif';
export type TokenScope = 'read' | 'write';

export interface TargetTable {
  id: Generated<number>;
  name: string;
  kind: string;
  created_at: IsoTime;
}

export interface RunTable {
  id: Generated<number>;
  target_id: number;
  /** Groups the shards of one run (`scan --shard I/N` in N CI jobs); unique per target. */
  run_key: string;
  source: string;
  tool_name: string;
  tool_version: string;
  created_at: IsoTime;
  /** Set when every shard has arrived: only complete runs count for posture and for "fixed". */
  completed_at: IsoTime | null;
  shard_total: number;
  shards_received: number;
  files: number;
  resources: number;
  duration_ms: number;
  rules: number;
  critical: number;
  high: number;
  medium: number;
  low: number;
  info: number;
  suppressed: number;
  error_count: number;
}

export interface RunShardTable {
  run_id: number;
  shard_index: number;
  received_at: IsoTime;
}

/** One row per distinct finding of a target (its fingerprint), with its history in `observations`. */
export interface FindingTable {
  id: Generated<number>;
  target_id: number;
  fingerprint: string;
  rule_id: string;
  slug: string;
  title: string;
  severity: string;
  message: string;
  path: string;
  start_line: number | null;
  start_column: number | null;
  end_line: number | null;
  end_column: number | null;
  object_path: string | null;
  resource_kind: string | null;
  resource_namespace: string | null;
  resource_name: string | null;
  /** As the scanner redacted it (secrets to a short prefix), cut to a bounded length on ingest. */
  evidence: string | null;
  /** `fail` or `suppressed`, as last seen. */
  status: string;
  /** JSON: `{ kind, reason, expires? }`. */
  suppression: string | null;
  /** JSON: the finding's fix description and edits. */
  fix: string | null;
  /** JSON: the rest of the finding (location extras, vulnerability, package, folded findings). */
  detail: string | null;
  first_seen_run: number;
  first_seen_at: IsoTime;
  last_seen_run: number;
  last_seen_at: IsoTime;
  /** Set when a complete run of the target no longer reports it; cleared when it comes back. */
  fixed_at: IsoTime | null;
  fixed_run: number | null;
  /** Runtime alerts: the event's time and who acted (`location.event`). */
  event_time: Generated<string | null>;
  event_user: Generated<string | null>;
}

export interface FindingFrameworkTable {
  finding_id: number;
  framework: string;
  control: string;
  level: string;
}

/** That a run reported a finding: the history behind posture over time. */
export interface ObservationTable {
  run_id: number;
  finding_id: number;
  status: string;
}

export interface RunErrorTable {
  id: Generated<number>;
  run_id: number;
  path: string;
  message: string;
  line: number | null;
}

export interface InventoryTable {
  id: Generated<number>;
  run_id: number;
  target_id: number;
  /** `package`, `model`, `remote-model`, `dataset`, `service`, `gpu`. */
  kind: string;
  name: string;
  version: string | null;
  path: string | null;
  /** The Kubernetes object the entry is, when it is one (GPU nodes and workloads, AI services). */
  resource_kind: Generated<string | null>;
  resource_namespace: Generated<string | null>;
  resource_name: Generated<string | null>;
  /** JSON: the whole inventory entry. */
  detail: string;
}

export interface TokenTable {
  id: Generated<number>;
  name: string;
  /** SHA-256 of the token, hex: the token itself is never stored. */
  token_hash: string;
  /** First characters of the token, to tell tokens apart in listings. */
  prefix: string;
  scope: string;
  created_at: IsoTime;
  last_used_at: IsoTime | null;
  revoked_at: IsoTime | null;
}

/** Failing findings per framework control of a run (all its shards): compliance reads these. */
export interface RunControlTable {
  run_id: number;
  framework: string;
  control: string;
  level: string;
  failing: number;
}

/** Findings first seen and fixed per target and UTC day (`2026-12-04`), counted as runs arrive. */
export interface DailyChangeTable {
  target_id: number;
  day: string;
  opened: number;
  fixed: number;
}

/** One request through `sanctum gateway` (src/store/gateway-requests.ts): never a key, never a prompt. */
export interface GatewayRequestTable {
  id: Generated<number>;
  /** The gateway that served it (its `audit.store.name`). */
  gateway: string;
  time: IsoTime;
  received_at: IsoTime;
  request_id: string;
  endpoint: string;
  key_name: string | null;
  team: string | null;
  auth: string | null;
  model: string | null;
  upstream: string | null;
  stream: number | null;
  status: number;
  error: string | null;
  latency_ms: number;
  upstream_ms: number | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  total_tokens: number | null;
  tokens_estimated: number | null;
  guardrail_count: number;
  /** JSON: the guardrail decisions (guardrail, action, where, detail, rule id). */
  guardrails: string | null;
  client: string | null;
}

/** One edge of a run's exposure graph (src/inventory/exposure-graph.ts): entry → Service → workload → model. */
export interface ExposureEdgeTable {
  run_id: number;
  target_id: number;
  /** `entry`, `service`, `workload` or `model`, with the object (kind, namespace, name) or the model's name. */
  from_role: string;
  from_kind: string;
  from_namespace: string | null;
  from_name: string;
  to_role: string;
  to_kind: string;
  to_namespace: string | null;
  to_name: string;
  /** JSON: how the hop is reached (host, port, Service type, what the workload runs), or null. */
  detail: string | null;
}

export interface StoreSchema {
  exposure_edges: ExposureEdgeTable;
  gateway_requests: GatewayRequestTable;
  run_controls: RunControlTable;
  daily_changes: DailyChangeTable;
  targets: TargetTable;
  runs: RunTable;
  run_shards: RunShardTable;
  findings: FindingTable;
  finding_frameworks: FindingFrameworkTable;
  observations: ObservationTable;
  run_errors: RunErrorTable;
  inventory: InventoryTable;
  tokens: TokenTable;
}
