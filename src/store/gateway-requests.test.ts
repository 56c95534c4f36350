import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  gatewayUsage,
  GatewayRecordsError,
  ingestGatewayRequests,
  listGatewayRequests,
  parseGatewayRequests,
  type GatewayRequestRecord,
} from './gateway-requests.js';
import { ENGINES, freshStore, type TestStore } from './testing/engines.js';

const record = (n: number, over: Partial<GatewayRequestRecord> = {}): GatewayRequestRecord => ({
  time: new Date(Date.UTC(2026, 11, 5, 4, 0, n)).toISOString(),
  requestId: `req-${n}`,
  endpoint: 'chat.completions',
  key: 'support-bot',
  model: 'llama-3.1-8b',
  upstream: 'vllm',
  stream: false,
  status: 200,
  latencyMs: 12.5 + n,
  upstreamMs: 11,
  tokens: { prompt: 10, completion: 5, total: 15, estimated: false },
  client: '127.0.0.1',
  ...over,
});

describe('parseGatewayRequests', () => {
  it('keeps the record fields and drops everything else, bodies included', () => {
    const [r] = parseGatewayRequests([
      { ...record(1), request: { messages: [{ content: 'secret prompt' }] }, response: 'answer', extra: 1 },
    ]);
    expect(r).toEqual(record(1));
    expect(JSON.stringify(r)).not.toContain('secret prompt');
  });

  it('says what is wrong and where', () => {
    expect(() => parseGatewayRequests({})).toThrow(GatewayRecordsError);
    expect(() => parseGatewayRequests([record(1), { ...record(2), status: 'ok' }])).toThrow(/\[1\]\.status/);
    expect(() => parseGatewayRequests([{ ...record(1), time: 'yesterday' }])).toThrow(/\[0\]\.time: an ISO 8601 time/);
  });
});

describe.each(ENGINES)('gateway requests in the store ($engine)', ({ engine, skip }) => {
  let t: TestStore;
  beforeAll(async () => {
    if (skip) return;
    t = await freshStore(engine);
    await ingestGatewayRequests(t.store, 'gw-a', [
      record(1),
      record(2, {
        key: 'batch-job',
        model: 'gpt-4o-mini',
        status: 403,
        error: 'model_not_allowed',
        tokens: undefined,
        upstreamMs: undefined,
        upstream: undefined,
      }),
      record(3, {
        stream: true,
        guardrails: [
          {
            guardrail: 'secrets',
            action: 'redact',
            where: 'messages[0].content',
            detail: 'OpenAI API key sk-proj-ab… (164 chars)',
            ruleId: 'SEC-0001',
          },
        ],
      }),
    ]);
    await ingestGatewayRequests(t.store, 'gw-b', [record(4, { tokens: { prompt: 100, completion: 0, total: 100, estimated: true } })]);
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it.skipIf(skip)('lists requests newest first, as they were recorded', async () => {
    const { requests } = await listGatewayRequests(t.store);
    expect(requests.map((r) => [r.gateway, r.requestId])).toEqual([
      ['gw-b', 'req-4'],
      ['gw-a', 'req-3'],
      ['gw-a', 'req-2'],
      ['gw-a', 'req-1'],
    ]);
    expect(requests[1]).toEqual({
      id: expect.any(Number),
      gateway: 'gw-a',
      ...record(3, { stream: true, guardrails: requests[1].guardrails }),
    });
    expect(requests[1].guardrails).toEqual([expect.objectContaining({ guardrail: 'secrets', ruleId: 'SEC-0001' })]);
    expect(requests[2]).toMatchObject({ status: 403, error: 'model_not_allowed', key: 'batch-job' });
    expect(requests[2].tokens).toBeUndefined();
  });

  it.skipIf(skip)('filters by gateway, key, model, failures, guardrail decisions, time, and pages by id', async () => {
    const ids = async (f: Parameters<typeof listGatewayRequests>[1]) =>
      (await listGatewayRequests(t.store, f)).requests.map((r) => r.requestId);
    expect(await ids({ gateway: 'gw-b' })).toEqual(['req-4']);
    expect(await ids({ key: 'batch-job' })).toEqual(['req-2']);
    expect(await ids({ model: 'llama-3.1-8b', gateway: 'gw-a' })).toEqual(['req-3', 'req-1']);
    expect(await ids({ failed: true })).toEqual(['req-2']);
    expect(await ids({ guarded: true })).toEqual(['req-3']);
    expect(await ids({ since: record(2).time })).toEqual(['req-4', 'req-3']);
    const first = (await listGatewayRequests(t.store, { limit: 2 })).requests;
    expect(first.map((r) => r.requestId)).toEqual(['req-4', 'req-3']);
    expect(await ids({ gateway: 'gw-a', before: first[1].id })).toEqual(['req-2', 'req-1']);
  });

  it.skipIf(skip)('sums requests, failures, tokens and guardrail decisions per gateway, key and model', async () => {
    const { usage } = await gatewayUsage(t.store, { since: '2026-12-01T00:00:00Z' });
    const a = usage.find((u) => u.gateway === 'gw-a' && u.key === 'support-bot')!;
    expect(a).toEqual({
      gateway: 'gw-a',
      key: 'support-bot',
      model: 'llama-3.1-8b',
      requests: 2,
      failed: 0,
      promptTokens: 20,
      completionTokens: 10,
      guarded: 1,
      meanLatencyMs: 14.5,
    });
    expect(usage.find((u) => u.key === 'batch-job')).toMatchObject({ requests: 1, failed: 1, promptTokens: 0 });
    expect((await gatewayUsage(t.store, { since: '2026-12-01T00:00:00Z', gateway: 'gw-b' })).usage).toEqual([
      expect.objectContaining({ gateway: 'gw-b', requests: 1, promptTokens: 100 }),
    ]);
  });

  it.skipIf(skip)('sums usage per hour or day, oldest first, filtered by key and model', async () => {
    await ingestGatewayRequests(t.store, 'gw-a', [
      record(5, { time: '2026-12-04T23:30:00Z', tokens: { prompt: 7, completion: 3, total: 10, estimated: false } }),
    ]);
    const since = '2026-12-01T00:00:00Z';
    const rows = async (f: object) =>
      (await gatewayUsage(t.store, { since, key: 'support-bot', gateway: 'gw-a', ...f })).usage.map((u) => [
        u.period,
        u.requests,
        u.promptTokens,
      ]);
    expect(await rows({ by: 'hour' })).toEqual([
      ['2026-12-04T23', 1, 7],
      ['2026-12-05T04', 2, 20],
    ]);
    expect(await rows({ by: 'day' })).toEqual([
      ['2026-12-04', 1, 7],
      ['2026-12-05', 2, 20],
    ]);
    expect(await rows({ by: 'day', model: 'gpt-4o-mini' })).toEqual([]);
    expect(await rows({})).toEqual([[undefined, 3, 27]]);
  });
});
