import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashKey } from '../src/gateway/keys.js';
import { FakeUpstream } from '../src/gateway/testing/fake-upstream.js';
import { startTestGateway, type TestGateway } from '../src/gateway/testing/harness.js';
import { fakes } from '../src/rules/secrets/lib/fakes.js';
import { startDashboard, type RunningServer } from '../src/server/dashboard/start.js';
import type { GatewayRequest } from '../src/store/gateway-requests.js';
import { createToken } from '../src/store/tokens.js';

// The gateway's request records reach `sanctum serve` (audit.store) and its API lists them.

const KEY = 'sk-sanctum-store-audit-key-0001';
const secret = fakes.openaiProject('store');

async function until<T>(check: () => Promise<T | undefined>, what: string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('gateway audit to the store', () => {
  let dir: string;
  let serve: RunningServer;
  let upstream: FakeUpstream;
  let gw: TestGateway;
  let readToken: string;
  const client = () => new OpenAI({ apiKey: KEY, baseURL: `${gw.gateway.url}/v1`, maxRetries: 0 });
  const config = (store: string, extra = '') => `
upstreams:
  - { name: local, baseURL: "${upstream.baseURL}", models: [m, other] }
keys:
  - { name: support-bot, sha256: "${hashKey(KEY)}", models: [m] }
audit:
  prompts: true
  store: { url: "${store}", token: "env:STORE_TOKEN", name: "prod-eu/gw-1", batchSize: 2${extra} }
`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sanctum-gateway-store-'));
    serve = await startDashboard({ db: `sqlite:${join(dir, 'store.db')}`, host: '127.0.0.1', port: 0, webRoot: join(dir, 'no-web') });
    const write = (await createToken(serve.store, 'gateway', 'write')).token;
    readToken = (await createToken(serve.store, 'viewer', 'read')).token;
    upstream = await new FakeUpstream().start();
    gw = await startTestGateway(config(serve.url), { env: { STORE_TOKEN: write } });
  });
  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
    await serve?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const listed = async (query = ''): Promise<GatewayRequest[]> => {
    const res = await fetch(`${serve.url}/api/v1/gateway/requests${query}`, { headers: { authorization: `Bearer ${readToken}` } });
    expect(res.status).toBe(200);
    return ((await res.json()) as { requests: GatewayRequest[] }).requests;
  };

  it('sends every request record, refusals and streams included, without keys or prompts', async () => {
    await client().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: `my key is ${secret}` }] });
    await expect(client().chat.completions.create({ model: 'other', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({
      status: 403,
    });
    upstream.behaviour = { ...upstream.behaviour, words: ['Hello', ' there'] };
    const stream = await client().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true });
    for await (const chunk of stream) void chunk;
    await new OpenAI({ apiKey: 'sk-not-a-key', baseURL: `${gw.gateway.url}/v1`, maxRetries: 0 }).models.list().catch(() => undefined);

    const records = await until(async () => {
      const r = await listed('?gateway=prod-eu/gw-1');
      return r.length >= 4 ? r : undefined;
    }, 'four records in the store');
    expect(records.map((r) => [r.status, r.key, r.model, r.stream])).toEqual([
      [401, undefined, undefined, undefined],
      [200, 'support-bot', 'm', true],
      [403, 'support-bot', 'other', false],
      [200, 'support-bot', 'm', false],
    ]);
    const first = records[3];
    expect(first).toMatchObject({
      gateway: 'prod-eu/gw-1',
      endpoint: 'chat.completions',
      upstream: 'local',
      tokens: { prompt: 7, completion: 4, total: 11, estimated: false },
      guardrails: [expect.objectContaining({ guardrail: 'secrets', action: 'redact', ruleId: 'SEC-0001' })],
    });
    expect(first.latencyMs).toBeGreaterThan(0);
    expect(first.upstreamMs).toBeGreaterThan(0);
    expect(records[2]).toMatchObject({ error: 'model_not_allowed' });
    // the audit log in memory keeps the (redacted) bodies: the store never gets them, nor a key
    expect(gw.audit.entries[0].request).toBeDefined();
    const rows = JSON.stringify(await serve.store.db.selectFrom('gateway_requests').selectAll().execute());
    for (const never of [secret, secret.slice(0, 20), KEY, 'sk-not-a-key', 'my key is', 'Hello there']) expect(rows).not.toContain(never);

    expect(await listed('?key=support-bot&failed=true')).toHaveLength(1);
    expect((await listed('?guarded=true')).map((r) => r.requestId)).toEqual([first.requestId]);
    const usage = await fetch(`${serve.url}/api/v1/gateway/usage`, { headers: { authorization: `Bearer ${readToken}` } });
    expect(((await usage.json()) as { usage: unknown[] }).usage).toContainEqual(
      expect.objectContaining({ gateway: 'prod-eu/gw-1', key: 'support-bot', model: 'm', requests: 2, failed: 0, guarded: 1 }),
    );
    const metrics = await (await fetch(`${gw.gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/sanctum_gateway_audit_store_records\{state="delivered"\} [45]/);
  });

  it('refuses uploads without a write token, and bad batches with a clear error', async () => {
    const post = (body: unknown, token?: string) =>
      fetch(`${serve.url}/api/v1/gateway/requests?gateway=x`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
    expect((await post([])).status).toBe(401);
    expect((await post([], readToken)).status).toBe(403);
    const write = (await createToken(serve.store, 'other-gateway', 'write')).token;
    const bad = await post([{ time: 'soon', status: 200 }], write);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: expect.stringContaining('[0].time: an ISO 8601 time') });
  });

  it('keeps serving when the store is away: records are dropped beyond the queue, and counted', async () => {
    const away = await startTestGateway(config(`http://127.0.0.1:${await closedPort()}`, ', maxQueue: 2'), {
      env: { STORE_TOKEN: 'sanctum_unused' },
    });
    try {
      const c = new OpenAI({ apiKey: KEY, baseURL: `${away.gateway.url}/v1`, maxRetries: 0 });
      for (let i = 0; i < 5; i++) await c.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
      expect(away.audit.entries).toHaveLength(5);
      const metrics = await (await fetch(`${away.gateway.url}/metrics`)).text();
      const dropped = Number(/sanctum_gateway_audit_store_records\{state="dropped"\} (\d+)/.exec(metrics)?.[1]);
      expect(dropped).toBeGreaterThanOrEqual(2);
    } finally {
      await away.close();
    }
  });
});
