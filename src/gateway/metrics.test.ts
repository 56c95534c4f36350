import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { GatewayMetrics } from './metrics.js';

/** The gateway's own series (not the process's default metrics), as /metrics shows them. */
const ownSeries = async (registry: Registry): Promise<string> =>
  (await registry.metrics())
    .split('\n')
    .filter((l) => /^(# (HELP|TYPE) )?sanctum_gateway_(requests|request_duration|overhead|tokens|refusals|guardrail)/.test(l))
    .join('\n');

/** What each request did, as `finish` reports it. */
interface Req {
  endpoint: string;
  key: string;
  model: string;
  status: number;
  latencyMs: number;
  upstreamMs?: number;
  error?: string;
  tokens?: [number, number];
  decisions?: Array<[string, string]>;
}

/** The same requests counted straight into prom-client, one `inc`/`observe` per request (as the gateway did before). */
async function reference(requests: Req[], readEvery: number): Promise<string[]> {
  const registry = new Registry();
  const registers = [registry];
  const m = new GatewayMetrics();
  const requestsC = new Counter({
    name: 'sanctum_gateway_requests_total',
    help: (await m.requests.get()).help,
    labelNames: ['endpoint', 'key', 'model', 'status'],
    registers,
  });
  const duration = new Histogram({
    name: 'sanctum_gateway_request_duration_seconds',
    help: (await m.duration.get()).help,
    labelNames: ['endpoint'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers,
  });
  const overhead = new Histogram({
    name: 'sanctum_gateway_overhead_seconds',
    help: (await m.overhead.get()).help,
    labelNames: ['endpoint'],
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1],
    registers,
  });
  const tokens = new Counter({
    name: 'sanctum_gateway_tokens_total',
    help: (await m.tokens.get()).help,
    labelNames: ['key', 'model', 'kind'],
    registers,
  });
  const refusals = new Counter({
    name: 'sanctum_gateway_refusals_total',
    help: (await m.refusals.get()).help,
    labelNames: ['reason'],
    registers,
  });
  const guardrails = new Counter({
    name: 'sanctum_gateway_guardrail_decisions_total',
    help: (await m.guardrails.get()).help,
    labelNames: ['guardrail', 'action'],
    registers,
  });
  const reads: string[] = [];
  for (const [i, r] of requests.entries()) {
    requestsC.inc({ endpoint: r.endpoint, key: r.key, model: r.model, status: r.status });
    duration.observe({ endpoint: r.endpoint }, r.latencyMs / 1000);
    if (r.upstreamMs !== undefined) overhead.observe({ endpoint: r.endpoint }, Math.max(0, r.latencyMs - r.upstreamMs) / 1000);
    if (r.error) refusals.inc({ reason: r.error });
    if (r.tokens && r.key) {
      tokens.inc({ key: r.key, model: r.model, kind: 'prompt' }, r.tokens[0]);
      tokens.inc({ key: r.key, model: r.model, kind: 'completion' }, r.tokens[1]);
    }
    for (const [guardrail, action] of r.decisions ?? []) guardrails.inc({ guardrail, action });
    if ((i + 1) % readEvery === 0) reads.push(await ownSeries(registry));
  }
  reads.push(await ownSeries(registry));
  return reads;
}

async function counted(requests: Req[], readEvery: number): Promise<string[]> {
  const m = new GatewayMetrics();
  const reads: string[] = [];
  for (const [i, r] of requests.entries()) {
    m.request(r.endpoint, r.key, r.model, r.status, r.latencyMs, r.upstreamMs);
    if (r.error) m.refusal(r.error);
    if (r.tokens && r.key) m.tokensSpent(r.key, r.model, r.tokens[0], r.tokens[1]);
    for (const [guardrail, action] of r.decisions ?? []) m.guardrailDecision(guardrail, action);
    if ((i + 1) % readEvery === 0) reads.push(await ownSeries(m.registry));
  }
  reads.push(await ownSeries(m.registry));
  return reads;
}

describe('GatewayMetrics', () => {
  // Label sets first seen in an order no nesting by label would give back, a zero token count, a fraction
  // of a token after whole ones (its additions must stay in order), a model with prom-client's hash separators.
  const requests: Req[] = [
    { endpoint: 'chat.completions', key: 'a', model: 'm1', status: 200, latencyMs: 1.3, upstreamMs: 1.1, tokens: [12, 9] },
    { endpoint: 'models', key: 'a', model: '', status: 200, latencyMs: 0.2 },
    { endpoint: 'chat.completions', key: 'b', model: 'm1', status: 429, latencyMs: 0.1, error: 'rate_limit_exceeded' },
    {
      endpoint: 'chat.completions',
      key: 'a',
      model: 'm1',
      status: 200,
      latencyMs: 2.7,
      upstreamMs: 2.0,
      tokens: [0, 5],
      decisions: [['pii', 'redact']],
    },
    { endpoint: 'embeddings', key: '', model: 'e', status: 401, latencyMs: 0.05, error: 'invalid_api_key' },
    {
      endpoint: 'chat.completions',
      key: 'b',
      model: 'm,key:x',
      status: 200,
      latencyMs: 40,
      upstreamMs: 39.5,
      tokens: [3, 1],
      decisions: [
        ['injection', 'flag'],
        ['pii', 'redact'],
      ],
    },
    { endpoint: 'chat.completions', key: 'a', model: 'm1', status: 200, latencyMs: 1.9, upstreamMs: 1.7, tokens: [0.1, 0.2] },
    { endpoint: 'chat.completions', key: 'a', model: 'm1', status: 200, latencyMs: 1.2, upstreamMs: 1.0, tokens: [0.2, 7] },
    { endpoint: 'responses', key: 'b', model: 'm2', status: 502, latencyMs: 5, upstreamMs: 4.9, error: 'upstream_error', tokens: [7, 0] },
    { endpoint: 'chat.completions', key: 'a', model: 'm1', status: 200, latencyMs: 1.1, upstreamMs: 1.0, tokens: [4, 4] },
  ];

  it('shows the same series, values and order as counting each request straight into prom-client', async () => {
    for (const readEvery of [1, 3, 100]) expect(await counted(requests, readEvery)).toEqual(await reference(requests, readEvery));
  });

  it('shows nothing of a counter before its first count', async () => {
    const text = await ownSeries(new GatewayMetrics().registry);
    expect(text).toContain('# TYPE sanctum_gateway_requests_total counter');
    expect(text).not.toMatch(/^sanctum_gateway_requests_total\{/m);
  });
});
