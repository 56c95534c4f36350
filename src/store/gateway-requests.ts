import { sql } from 'kysely';
import type { z as Zod } from 'zod';
import type { Store } from './store.js';
import { zod } from '../core/zod.js';

// zod loads with this module, which only the commands that need it import (not start-up).
const { z } = zod();

/**
 * The request records of `sanctum gateway` (one per request: who called which model, the tokens,
 * the time, what the guardrails decided), as the gateway uploads them in batches. A record holds a
 * key's name, never the key, and never a prompt or an answer: bodies the gateway's own audit file
 * may keep are dropped here whatever the upload carries.
 */

const name = z.string().min(1).max(200);
const decision = z.object({
  guardrail: z.string().max(40),
  action: z.string().max(40),
  where: z.string().max(300),
  detail: z.string().max(500),
  ruleId: z.string().max(40).optional(),
});
const count = z.number().int().nonnegative();

/** One line of the gateway's audit log, as uploaded (unknown fields, prompts and answers included, are dropped). */
const recordSchema = z.object({
  time: z.string().refine((t) => !Number.isNaN(Date.parse(t)), 'an ISO 8601 time'),
  requestId: z.string().max(100),
  endpoint: z.string().max(40),
  key: name.optional(),
  team: name.optional(),
  auth: z.string().max(40).optional(),
  model: z.string().max(300).optional(),
  upstream: name.optional(),
  stream: z.boolean().optional(),
  status: z.number().int().min(100).max(999),
  error: z.string().max(100).optional(),
  latencyMs: z.number().nonnegative(),
  upstreamMs: z.number().nonnegative().optional(),
  tokens: z.object({ prompt: count, completion: count, total: count, estimated: z.boolean() }).optional(),
  guardrails: z.array(decision).max(1000).optional(),
  client: z.string().max(100).optional(),
});

export type GatewayRequestRecord = Zod.infer<typeof recordSchema>;

/** Most records in one upload. */
export const MAX_GATEWAY_BATCH = 10_000;

const batchSchema = z.array(recordSchema).max(MAX_GATEWAY_BATCH);

/** A batch that is not a list of gateway request records: what is wrong, at which record. */
export class GatewayRecordsError extends Error {}

export function parseGatewayRequests(body: unknown): GatewayRequestRecord[] {
  const parsed = batchSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const at = issue.path.length ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('') : '(body)';
  throw new GatewayRecordsError(`not a list of gateway request records (at most ${MAX_GATEWAY_BATCH}): ${at}: ${issue.message}`);
}

/** Stores a batch from the gateway named `gateway`; returns how many records were stored. */
export async function ingestGatewayRequests(store: Store, gateway: string, records: readonly GatewayRequestRecord[]): Promise<number> {
  if (records.length === 0) return 0;
  const received = new Date().toISOString();
  const rows = records.map((r) => ({
    gateway,
    time: new Date(r.time).toISOString(),
    received_at: received,
    request_id: r.requestId,
    endpoint: r.endpoint,
    key_name: r.key ?? null,
    team: r.team ?? null,
    auth: r.auth ?? null,
    model: r.model ?? null,
    upstream: r.upstream ?? null,
    stream: r.stream === undefined ? null : r.stream ? 1 : 0,
    status: r.status,
    error: r.error ?? null,
    latency_ms: r.latencyMs,
    upstream_ms: r.upstreamMs ?? null,
    prompt_tokens: r.tokens?.prompt ?? null,
    completion_tokens: r.tokens?.completion ?? null,
    total_tokens: r.tokens?.total ?? null,
    tokens_estimated: r.tokens ? (r.tokens.estimated ? 1 : 0) : null,
    guardrail_count: r.guardrails?.length ?? 0,
    guardrails: r.guardrails?.length ? JSON.stringify(r.guardrails) : null,
    client: r.client ?? null,
  }));
  await store.db.transaction().execute(async (tx) => {
    // 22 columns a row: 400 rows stay under both engines' limits on bound parameters.
    for (let i = 0; i < rows.length; i += 400)
      await tx
        .insertInto('gateway_requests')
        .values(rows.slice(i, i + 400))
        .execute();
  });
  return rows.length;
}

export interface GatewayRequest extends GatewayRequestRecord {
  id: number;
  gateway: string;
}

export interface GatewayRequestFilter {
  gateway?: string;
  key?: string;
  model?: string;
  /** Only requests the gateway refused or that failed (status ≥ 400). */
  failed?: boolean;
  /** Only requests where a guardrail decided something. */
  guarded?: boolean;
  /** Only requests after this time (ISO 8601). */
  since?: string;
  /** Only requests older than this record (the `id` of the last one of the previous page). */
  before?: number;
  limit?: number;
}

const orNull = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

/** Gateway requests, newest first. */
export async function listGatewayRequests(store: Store, f: GatewayRequestFilter = {}): Promise<{ requests: GatewayRequest[] }> {
  let q = store.db.selectFrom('gateway_requests').selectAll();
  if (f.gateway) q = q.where('gateway', '=', f.gateway);
  if (f.key) q = q.where('key_name', '=', f.key);
  if (f.model) q = q.where('model', '=', f.model);
  if (f.failed) q = q.where('status', '>=', 400);
  if (f.guarded) q = q.where('guardrail_count', '>', 0);
  if (f.since) q = q.where('time', '>', new Date(f.since).toISOString());
  if (f.before !== undefined) q = q.where('id', '<', f.before);
  const rows = await q
    .orderBy('time', 'desc')
    .orderBy('id', 'desc')
    .limit(Math.min(f.limit ?? 100, 1000))
    .execute();
  return {
    requests: rows.map((r) => ({
      id: r.id,
      gateway: r.gateway,
      time: r.time,
      requestId: r.request_id,
      endpoint: r.endpoint,
      key: orNull(r.key_name),
      team: orNull(r.team),
      auth: orNull(r.auth),
      model: orNull(r.model),
      upstream: orNull(r.upstream),
      stream: r.stream === null ? undefined : r.stream === 1,
      status: r.status,
      error: orNull(r.error),
      latencyMs: Number(r.latency_ms),
      upstreamMs: r.upstream_ms === null ? undefined : Number(r.upstream_ms),
      tokens:
        r.total_tokens === null
          ? undefined
          : {
              prompt: r.prompt_tokens ?? 0,
              completion: r.completion_tokens ?? 0,
              total: r.total_tokens,
              estimated: r.tokens_estimated === 1,
            },
      guardrails: r.guardrails ? (JSON.parse(r.guardrails) as GatewayRequestRecord['guardrails']) : undefined,
      client: orNull(r.client),
    })),
  };
}

export interface GatewayUsage {
  /** With `by`: the UTC hour (`2026-12-05T04`) or day (`2026-12-05`) the requests were made in. */
  period?: string;
  gateway: string;
  key: string | null;
  model: string | null;
  requests: number;
  /** Refused by the gateway or failed upstream (status ≥ 400). */
  failed: number;
  promptTokens: number;
  completionTokens: number;
  /** Requests where a guardrail decided something (redacted, blocked, flagged, stripped, refused). */
  guarded: number;
  meanLatencyMs: number;
}

export interface GatewayUsageFilter {
  gateway?: string;
  key?: string;
  model?: string;
  /** Default: the last 24 hours. */
  since?: string;
  /** Sums per UTC hour or day as well (usage over time), oldest first. */
  by?: 'hour' | 'day';
}

/** Length of the ISO 8601 time prefix that names an hour (`2026-12-05T04`) or a day (`2026-12-05`). */
const PERIOD_LENGTH = { hour: 13, day: 10 } as const;

/** Requests, tokens and guardrail decisions per gateway, key and model since a time, and per hour or day with `by`. */
export async function gatewayUsage(store: Store, f: GatewayUsageFilter = {}): Promise<{ usage: GatewayUsage[] }> {
  const since = new Date(f.since ?? Date.now() - 86_400_000).toISOString();
  // Times are stored as ISO 8601 UTC strings: a prefix of the string is the hour or the day on both engines.
  const period = sql<string>`substr(time, 1, ${sql.lit(f.by ? PERIOD_LENGTH[f.by] : 0)})`;
  let q = store.db
    .selectFrom('gateway_requests')
    .$if(f.by !== undefined, (qb) => qb.select(period.as('period')))
    .select((eb) => [
      'gateway',
      'key_name',
      'model',
      eb.fn.countAll<number>().as('requests'),
      sql<number>`sum(case when status >= 400 then 1 else 0 end)`.as('failed'),
      sql<number>`coalesce(sum(prompt_tokens), 0)`.as('prompt_tokens'),
      sql<number>`coalesce(sum(completion_tokens), 0)`.as('completion_tokens'),
      sql<number>`sum(case when guardrail_count > 0 then 1 else 0 end)`.as('guarded'),
      sql<number>`avg(latency_ms)`.as('mean_latency_ms'),
    ])
    .where('time', '>', since);
  if (f.gateway) q = q.where('gateway', '=', f.gateway);
  if (f.key) q = q.where('key_name', '=', f.key);
  if (f.model) q = q.where('model', '=', f.model);
  const grouped = f.by ? q.groupBy([period, 'gateway', 'key_name', 'model']).orderBy(period) : q.groupBy(['gateway', 'key_name', 'model']);
  const rows = await grouped.orderBy('requests', 'desc').execute();
  return {
    usage: rows.map((r) => ({
      ...(f.by ? { period: r.period } : {}),
      gateway: r.gateway,
      key: r.key_name,
      model: r.model,
      requests: Number(r.requests),
      failed: Number(r.failed),
      promptTokens: Number(r.prompt_tokens),
      completionTokens: Number(r.completion_tokens),
      guarded: Number(r.guarded),
      meanLatencyMs: Math.round(Number(r.mean_latency_ms) * 100) / 100,
    })),
  };
}
