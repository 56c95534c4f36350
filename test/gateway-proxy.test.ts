import { createServer } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashKey } from '../src/gateway/keys.js';
import { FakeUpstream } from '../src/gateway/testing/fake-upstream.js';
import { startTestGateway, type TestGateway } from '../src/gateway/testing/harness.js';
import { until } from './wait.js';

const SUPPORT_KEY = 'sk-sanctum-support-bot-test-key-0001';
const ADMIN_KEY = 'sk-sanctum-admin-test-key-0002';
const UPSTREAM_SECRET = 'upstream-secret-held-by-the-gateway';

/** A port nothing listens on: connections are refused. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function config(upstream: FakeUpstream, deadPort: number, extraKeys = ''): string {
  return `
listen: "127.0.0.1:0"
upstreams:
  - name: local-vllm
    baseURL: "${upstream.baseURL}"
    apiKey: "env:VLLM_KEY"
    models: ["llama-3.1-8b", { name: "small", upstreamModel: "qwen2.5-0.5b" }, "text-embed"]
  - name: gone
    baseURL: "http://127.0.0.1:${deadPort}/v1"
    models: ["nowhere-model"]
    retries: 2
  - name: gone-patient
    baseURL: "http://127.0.0.1:${deadPort}/v1"
    models: ["patient-model"]
    retries: 10
keys:
  - name: support-bot
    sha256: "${hashKey(SUPPORT_KEY)}"
    models: ["llama-3.1-8b", "text-embed"]
  - name: admin
    sha256: "${hashKey(ADMIN_KEY)}"
    models: ["*"]
${extraKeys}`;
}

describe('gateway with the openai client', () => {
  let upstream: FakeUpstream;
  let gw: TestGateway;
  let deadPort: number;
  const client = (apiKey: string) => new OpenAI({ apiKey, baseURL: `${gw.gateway.url}/v1`, maxRetries: 0 });

  beforeAll(async () => {
    upstream = await new FakeUpstream().start();
    deadPort = await closedPort();
    gw = await startTestGateway(config(upstream, deadPort), { env: { VLLM_KEY: UPSTREAM_SECRET } });
  });
  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it('proxies a chat completion with the upstream key, never the client key', async () => {
    const before = upstream.requests.length;
    const r = await client(SUPPORT_KEY).chat.completions.create({ model: 'llama-3.1-8b', messages: [{ role: 'user', content: 'hi' }] });
    expect(r.choices[0].message.content).toBe('Hello from the upstream');
    expect(r.usage?.total_tokens).toBe(11);
    const got = upstream.requests[before];
    expect(got.path).toBe('/v1/chat/completions');
    expect(got.headers.authorization).toBe(`Bearer ${UPSTREAM_SECRET}`);
    expect(JSON.stringify(got.headers)).not.toContain(SUPPORT_KEY);
    expect(got.body).toEqual({ model: 'llama-3.1-8b', messages: [{ role: 'user', content: 'hi' }] });
    const entry = gw.audit.entries.at(-1)!;
    expect(entry).toMatchObject({
      endpoint: 'chat.completions',
      key: 'support-bot',
      auth: 'key',
      model: 'llama-3.1-8b',
      upstream: 'local-vllm',
      status: 200,
      tokens: { prompt: 7, completion: 4, total: 11, estimated: false },
    });
    expect(JSON.stringify(gw.audit.entries)).not.toContain(SUPPORT_KEY);
    expect(entry.request).toBeUndefined(); // prompts are not logged unless asked for
  });

  it('proxies completions, responses and embeddings', async () => {
    const c = client(ADMIN_KEY);
    const completion = await c.completions.create({ model: 'llama-3.1-8b', prompt: 'Say hi' });
    expect(completion.choices[0].text).toBe('Hello from the upstream');
    const response = await c.responses.create({ model: 'llama-3.1-8b', input: 'Say hi' });
    expect(response.output_text).toBe('Hello from the upstream');
    expect(gw.audit.entries.at(-1)).toMatchObject({ endpoint: 'responses', tokens: { prompt: 7, completion: 4, total: 11 } });
    const embedding = await c.embeddings.create({ model: 'text-embed', input: 'hi', encoding_format: 'float' });
    expect(embedding.data[0].embedding).toEqual([0.1, 0.2, 0.3]);
    expect(upstream.requests.slice(-3).map((r) => r.path)).toEqual(['/v1/completions', '/v1/responses', '/v1/embeddings']);
  });

  it('sends the upstream name of an aliased model', async () => {
    await client(ADMIN_KEY).chat.completions.create({ model: 'small', messages: [{ role: 'user', content: 'hi' }] });
    expect(upstream.requests.at(-1)!.body.model).toBe('qwen2.5-0.5b');
    expect(gw.audit.entries.at(-1)!.model).toBe('small');
  });

  it('lists only the models the key may use', async () => {
    const support = [];
    for await (const m of client(SUPPORT_KEY).models.list()) support.push(m.id);
    expect(support.sort()).toEqual(['llama-3.1-8b', 'text-embed']);
    const admin = [];
    for await (const m of client(ADMIN_KEY).models.list()) admin.push(m.id);
    expect(admin.sort()).toEqual(['llama-3.1-8b', 'nowhere-model', 'patient-model', 'small', 'text-embed']);
    expect((await client(SUPPORT_KEY).models.retrieve('text-embed')).owned_by).toBe('local-vllm');
    await expect(client(SUPPORT_KEY).models.retrieve('small')).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
  });

  it('refuses an unknown key with 401 in the OpenAI error shape, without reaching the upstream', async () => {
    const before = upstream.requests.length;
    const err = await client('sk-sanctum-not-a-key')
      .chat.completions.create({ model: 'llama-3.1-8b', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err).toMatchObject({ status: 401, code: 'invalid_api_key', type: 'invalid_request_error' });
    await expect(client('sk-sanctum-not-a-key').models.list()).rejects.toMatchObject({ status: 401 });
    expect(upstream.requests.length).toBe(before);
    expect(gw.audit.entries.at(-1)).toMatchObject({ status: 401, error: 'invalid_api_key' });
  });

  it('refuses a request without a key with 401', async () => {
    const res = await fetch(`${gw.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"model":"llama-3.1-8b","messages":[]}',
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: { message: expect.stringContaining('no API key'), type: 'invalid_request_error', code: 'missing_api_key', param: null },
    });
  });

  it('refuses a model the key may not use with 403, and a model nobody serves with 404', async () => {
    const before = upstream.requests.length;
    const err = await client(SUPPORT_KEY)
      .chat.completions.create({ model: 'small', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(err).toMatchObject({ status: 403, code: 'model_not_allowed', param: 'model' });
    await expect(
      client(ADMIN_KEY).chat.completions.create({ model: 'gpt-unknown', messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
    expect(upstream.requests.length).toBe(before);
  });

  it('answers malformed bodies with 400 and keeps serving', async () => {
    const post = (body: string, type = 'application/json') =>
      fetch(`${gw.gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': type, authorization: `Bearer ${SUPPORT_KEY}` },
        body,
      });
    for (const body of ['{"model": "llama-3.1-8b", "messages": [', '', '[1,2]', '"text"', '{"messages":[]}', '{"model":42}']) {
      const res = await post(body);
      expect(res.status, body).toBe(400);
      const json = (await res.json()) as { error: Record<string, unknown> };
      expect(Object.keys(json.error).sort()).toEqual(['code', 'message', 'param', 'type']);
      expect(json.error.type).toBe('invalid_request_error');
    }
    expect((await post('{"__proto__":{"x":1},"model":"llama-3.1-8b"}')).status).toBe(400);
    expect((await post('model=x', 'application/x-www-form-urlencoded')).status).toBe(415);
    const ok = await client(SUPPORT_KEY).chat.completions.create({ model: 'llama-3.1-8b', messages: [{ role: 'user', content: 'hi' }] });
    expect(ok.choices[0].message.content).toBe('Hello from the upstream');
  });

  it('refuses an oversized body with 413', async () => {
    const big = JSON.stringify({ model: 'llama-3.1-8b', messages: [{ role: 'user', content: 'x'.repeat(9 * 1024 * 1024) }] });
    const err = await client(SUPPORT_KEY)
      .chat.completions.create(JSON.parse(big) as OpenAI.ChatCompletionCreateParamsNonStreaming)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 413, code: 'request_too_large' });
  });

  it('answers 502 when the upstream cannot be reached, after retrying the connection', async () => {
    const err = await client(ADMIN_KEY)
      .chat.completions.create({ model: 'nowhere-model', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err).toMatchObject({ status: 502, code: 'upstream_unavailable' });
    expect((err as InstanceType<typeof OpenAI.APIError>).error).toEqual({
      message: "upstream 'gone': cannot connect (connection refused)",
      type: 'upstream_error',
      param: null,
      code: 'upstream_unavailable',
    });
  });

  it('stops retrying a refused connection once the client has gone, and audits 499', async () => {
    const abort = new AbortController();
    const pending = client(ADMIN_KEY).chat.completions.create(
      { model: 'patient-model', messages: [{ role: 'user', content: 'hi' }] },
      { signal: abort.signal },
    );
    // Ten retries wait 50 ms, 100 ms, 200 ms, … (7.5 s in all): the client leaves while the gateway waits.
    setTimeout(() => abort.abort(), 300);
    await expect(pending).rejects.toBeInstanceOf(OpenAI.APIUserAbortError);
    await until(() => gw.audit.entries.at(-1)?.model === 'patient-model', 'the audit entry of the abandoned request');
    expect(gw.audit.entries.at(-1)).toMatchObject({ model: 'patient-model', status: 499, error: 'client_closed_request' });
  });

  it("passes the upstream's own errors through", async () => {
    upstream.behaviour = { ...upstream.behaviour, failWith: 400 };
    try {
      await expect(
        client(SUPPORT_KEY).chat.completions.create({ model: 'llama-3.1-8b', messages: [{ role: 'user', content: 'hi' }] }),
      ).rejects.toMatchObject({ status: 400, code: 'upstream_says_no' });
    } finally {
      upstream.behaviour = { ...upstream.behaviour, failWith: undefined };
    }
  });

  it('refuses a revoked key with 401 once the configuration is reloaded', async () => {
    const key = 'sk-sanctum-soon-revoked-0003';
    const entry = (revoked: boolean) => `  - name: temp\n    sha256: "${hashKey(key)}"\n    models: ["*"]\n    revoked: ${revoked}\n`;
    gw.rewrite(config(upstream, deadPort, entry(false)));
    await client(key).chat.completions.create({ model: 'llama-3.1-8b', messages: [{ role: 'user', content: 'hi' }] });
    gw.rewrite(config(upstream, deadPort, entry(true)));
    await expect(
      client(key).chat.completions.create({ model: 'llama-3.1-8b', messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toMatchObject({ status: 401, code: 'revoked_api_key' });
    // The other keys and the upstream pools work on after the reload.
    await client(SUPPORT_KEY).chat.completions.create({ model: 'llama-3.1-8b', messages: [{ role: 'user', content: 'hi' }] });
  });

  it('serves /healthz and Prometheus /metrics', async () => {
    expect(await (await fetch(`${gw.gateway.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const text = await (await fetch(`${gw.gateway.url}/metrics`)).text();
    expect(text).toMatch(
      /sanctum_gateway_requests_total\{endpoint="chat.completions",key="support-bot",model="llama-3.1-8b",status="200"\} \d+/,
    );
    expect(text).toMatch(/sanctum_gateway_tokens_total\{key="support-bot",model="llama-3.1-8b",kind="prompt"\} \d+/);
    expect(text).toContain('sanctum_gateway_overhead_seconds_bucket');
    expect(text).not.toContain(SUPPORT_KEY);
  });
});

describe('gateway: timeouts and prompt logging', () => {
  let upstream: FakeUpstream;
  let gw: TestGateway;
  const client = () => new OpenAI({ apiKey: ADMIN_KEY, baseURL: `${gw.gateway.url}/v1`, maxRetries: 0 });

  beforeAll(async () => {
    upstream = await new FakeUpstream().start();
    gw = await startTestGateway(`
upstreams:
  - { name: slow, baseURL: "${upstream.baseURL}", models: [m], timeoutMs: 300, idleTimeoutMs: 300 }
keys:
  - { name: admin, sha256: "${hashKey(ADMIN_KEY)}", models: ["*"] }
audit: { prompts: true }
`);
  });
  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it('answers 504 when the upstream does not answer in timeoutMs', async () => {
    upstream.behaviour = { ...upstream.behaviour, hang: true };
    try {
      const err = await client()
        .chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ status: 504, code: 'upstream_timeout' });
    } finally {
      upstream.behaviour = { ...upstream.behaviour, hang: false };
    }
  });

  it('ends a stream that stalls longer than idleTimeoutMs with an error event', async () => {
    let release!: () => void;
    upstream.behaviour = { ...upstream.behaviour, holdAfterFirst: new Promise<void>((r) => (release = r)) };
    try {
      const stream = await client().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true });
      const got: string[] = [];
      const err = await (async () => {
        for await (const chunk of stream) got.push(chunk.choices[0]?.delta.content ?? '');
      })().catch((e: unknown) => e);
      expect(got.join('')).toBe('Hello'); // held back by the guardrails, released checked before the error
      expect(err).toBeInstanceOf(OpenAI.APIError);
      expect((err as Error).message).toContain('did not answer in time');
      expect(gw.audit.entries.at(-1)).toMatchObject({ stream: true, error: 'upstream_timeout' });
    } finally {
      release();
      upstream.behaviour = { ...upstream.behaviour, holdAfterFirst: undefined };
    }
  });

  it('logs the request and the answer (streamed: its text) when audit.prompts is on', async () => {
    await client().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'what is 2+2?' }] });
    expect(gw.audit.entries.at(-1)).toMatchObject({
      request: { model: 'm', messages: [{ role: 'user', content: 'what is 2+2?' }] },
      response: { choices: [{ message: { content: 'Hello from the upstream' } }] },
    });
    const stream = await client().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'again' }], stream: true });
    for await (const chunk of stream) void chunk;
    expect(gw.audit.entries.at(-1)).toMatchObject({
      stream: true,
      request: { messages: [{ content: 'again' }] },
      response: 'Hello from the upstream',
    });
  });
});
