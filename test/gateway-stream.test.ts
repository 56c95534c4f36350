import { request } from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashKey } from '../src/gateway/keys.js';
import { FakeUpstream, type FakeUpstreamBehaviour } from '../src/gateway/testing/fake-upstream.js';
import { startTestGateway, type TestGateway } from '../src/gateway/testing/harness.js';

const KEY = 'sk-sanctum-stream-test-key-0001';
const DEFAULT: FakeUpstreamBehaviour = { words: ['Hello', ' from', ' the', ' upstream'], usage: true, chunkDelayMs: 0, hang: false };

async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('gateway streaming', () => {
  let upstream: FakeUpstream;
  let gw: TestGateway;
  const client = () => new OpenAI({ apiKey: KEY, baseURL: `${gw.gateway.url}/v1`, maxRetries: 0 });
  const messages = [{ role: 'user' as const, content: 'hi' }];

  beforeAll(async () => {
    upstream = await new FakeUpstream().start();
    gw = await startTestGateway(`
upstreams:
  - name: local
    baseURL: "${upstream.baseURL}"
    models: ["llama-3.1-8b"]
keys:
  - name: streamer
    sha256: "${hashKey(KEY)}"
    models: ["*"]
# The transport on its own: guardrails on answers hold back text that may still become a secret.
guardrails: { secrets: off, pii: off, exfiltration: off }
`);
  });
  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });
  beforeEach(() => {
    upstream.behaviour = { ...DEFAULT };
  });

  it('streams a chat completion and counts the usage the upstream streamed', async () => {
    const stream = await client().chat.completions.create({
      model: 'llama-3.1-8b',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Hello from the upstream');
    expect(usage).toMatchObject({ total_tokens: 11 });
    expect(gw.audit.entries.at(-1)).toMatchObject({
      stream: true,
      status: 200,
      tokens: { prompt: 7, completion: 4, total: 11, estimated: false },
    });
  });

  it('estimates the tokens of a stream without usage, and says so', async () => {
    const stream = await client().chat.completions.create({ model: 'llama-3.1-8b', messages, stream: true });
    for await (const chunk of stream) void chunk;
    const tokens = gw.audit.entries.at(-1)!.tokens!;
    expect(tokens).toMatchObject({ completion: 4, estimated: true });
    expect(tokens.prompt).toBeGreaterThan(0);
  });

  it('streams completions and Responses API events, with the usage of response.completed', async () => {
    const completions = await client().completions.create({ model: 'llama-3.1-8b', prompt: 'hi', stream: true });
    let text = '';
    for await (const chunk of completions) text += chunk.choices[0].text;
    expect(text).toBe('Hello from the upstream');
    const responses = await client().responses.create({ model: 'llama-3.1-8b', input: 'hi', stream: true });
    const types: string[] = [];
    for await (const event of responses) types.push(event.type);
    expect(types).toEqual([...Array(4).fill('response.output_text.delta'), 'response.completed']);
    expect(gw.audit.entries.at(-1)).toMatchObject({ endpoint: 'responses', tokens: { total: 11, estimated: false } });
  });

  it('passes each chunk on as it comes: the first token reaches the client while the upstream still holds the rest', async () => {
    let release!: () => void;
    upstream.behaviour = { ...DEFAULT, holdAfterFirst: new Promise<void>((r) => (release = r)) };
    const before = upstream.chunksWritten;
    const stream = await client().chat.completions.create({ model: 'llama-3.1-8b', messages, stream: true });
    const it = stream[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.value.choices[0].delta.content).toBe('Hello');
    expect(upstream.chunksWritten - before).toBe(1);
    release();
    let rest = '';
    for (let r = await it.next(); !r.done; r = await it.next()) rest += r.value.choices[0]?.delta.content ?? '';
    expect(rest).toBe(' from the upstream');
  });

  it('cancels the upstream stream when the client goes away, and audits 499', async () => {
    let release!: () => void;
    upstream.behaviour = { ...DEFAULT, holdAfterFirst: new Promise<void>((r) => (release = r)) };
    const cancelled = upstream.cancelled;
    const stream = await client().chat.completions.create({ model: 'llama-3.1-8b', messages, stream: true });
    for await (const chunk of stream) {
      expect(chunk.choices[0].delta.content).toBe('Hello');
      break; // The client stops reading and closes the connection.
    }
    await until(() => upstream.cancelled > cancelled, 'the upstream request to be cancelled');
    release();
    await until(() => gw.audit.entries.at(-1)?.status === 499, 'the audit line');
    expect(gw.audit.entries.at(-1)).toMatchObject({ stream: true, error: 'client_closed_request' });
  });

  it('cancels a non-streamed upstream request when the client aborts', async () => {
    upstream.behaviour = { ...DEFAULT, hang: true };
    const cancelled = upstream.cancelled;
    const seen = upstream.requests.length;
    const abort = new AbortController();
    const pending = client().chat.completions.create({ model: 'llama-3.1-8b', messages }, { signal: abort.signal });
    await upstream.received(seen + 1);
    abort.abort();
    await expect(pending).rejects.toBeInstanceOf(OpenAI.APIUserAbortError);
    await until(() => upstream.cancelled > cancelled, 'the upstream request to be cancelled');
    await until(() => gw.audit.entries.at(-1)?.status === 499, 'the audit line');
  });

  it('honours back-pressure: a client that stops reading stops the upstream too', async () => {
    const words = Array.from({ length: 400 }, (_, i) => `w${i}`);
    const before = upstream.chunksWritten;
    upstream.behaviour = { ...DEFAULT, words, chunkBytes: 64 * 1024 };
    const body = JSON.stringify({ model: 'llama-3.1-8b', messages, stream: true });
    const res = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      const req = request(`${gw.gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      });
      req.on('response', resolve).on('error', reject);
      req.end(body);
    });
    res.pause();
    // 400 chunks of 64 KiB (25 MiB) cannot all sit in the loopback sockets' buffers: the upstream must wait.
    await until(() => upstream.waitingForDrain, 'the upstream to wait for the gateway');
    expect(upstream.chunksWritten - before).toBeLessThan(words.length);
    let received = 0;
    res.on('data', (c: Buffer) => (received += c.length));
    res.resume();
    await new Promise((r) => res.on('end', r));
    expect(upstream.chunksWritten - before).toBe(words.length + 1);
    expect(received).toBeGreaterThan(words.length * 64 * 1024);
  });
});
