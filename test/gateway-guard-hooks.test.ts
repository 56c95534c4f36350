import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Guardrails } from '../src/gateway/guard.js';
import type { GuardrailBlock, GuardrailDecision, StreamGuard } from '../src/gateway/guardrails/types.js';
import { hashKey } from '../src/gateway/keys.js';
import { FakeUpstream } from '../src/gateway/testing/fake-upstream.js';
import { startTestGateway, type TestGateway } from '../src/gateway/testing/harness.js';

// How the proxy uses whatever guardrails it is given: what it forwards, returns, refuses, cuts and logs.
// The guardrails here are scripted; the real ones are tested in src/gateway/guardrails/.

const KEY = 'sk-sanctum-guard-hooks-0001';
const decision = (where: string): GuardrailDecision => ({ guardrail: 'secrets', action: 'redact', where, detail: 'test secret sk-te…' });
const blocked: GuardrailBlock = { status: 400, code: 'guardrail_injection', message: 'prompt injection' };

/** Replaces "SECRET" with "[redacted]" in the text of SSE bytes; cuts the stream at "STOP". */
class ScriptedStreamGuard implements StreamGuard {
  decisions: GuardrailDecision[] = [];
  block?: GuardrailBlock;
  pushed = 0;
  push(chunk: Uint8Array): Uint8Array {
    this.pushed++;
    const text = Buffer.from(chunk).toString('utf8');
    if (text.includes('STOP')) {
      this.block = { status: 400, code: 'guardrail_exfiltration', message: 'cut' };
      return Buffer.from(
        `data: ${JSON.stringify({ error: { message: 'cut', type: 'guardrail_error', code: this.block.code, param: null } })}\n\n`,
      );
    }
    if (text.includes('SECRET')) this.decisions.push(decision('choices[0].delta.content'));
    return Buffer.from(text.replaceAll('SECRET', '[redacted]'));
  }
  end(): Uint8Array {
    return new Uint8Array();
  }
}

describe('gateway: the guardrail hooks', () => {
  let upstream: FakeUpstream;
  let gw: TestGateway;
  let lastStreamGuard: ScriptedStreamGuard | undefined;
  const seenSettings: unknown[] = [];
  const guardrails: Guardrails = {
    settingsFor: (p) => ({ key: p.name }),
    request(_endpoint, body, settings) {
      seenSettings.push(settings);
      const b = body as { messages?: Array<{ content: string }> };
      const text = b.messages?.[0]?.content ?? '';
      if (text.includes('ignore previous instructions')) return { body, decisions: [], block: blocked };
      if (!text.includes('SECRET')) return { body, decisions: [] };
      return {
        body: { ...b, messages: [{ role: 'user', content: text.replace('SECRET', '[redacted]') }] },
        decisions: [decision('messages[0].content')],
      };
    },
    response(_endpoint, body) {
      const b = body as { choices: Array<{ message: { content: string } }> };
      if (!b.choices[0].message.content.includes('SECRET')) return { body, decisions: [] };
      return {
        body: { ...b, choices: [{ ...b.choices[0], message: { ...b.choices[0].message, content: '[redacted]' } }] },
        decisions: [decision('choices[0].message.content')],
      };
    },
    stream() {
      lastStreamGuard = new ScriptedStreamGuard();
      return lastStreamGuard;
    },
    logPrompts: () => false,
    forLog: (_endpoint, _what, body) => body,
  };
  const client = () => new OpenAI({ apiKey: KEY, baseURL: `${gw.gateway.url}/v1`, maxRetries: 0 });

  beforeAll(async () => {
    upstream = await new FakeUpstream().start();
    gw = await startTestGateway(
      `upstreams:\n  - { name: up, baseURL: "${upstream.baseURL}", models: [m] }\nkeys:\n  - { name: app, sha256: "${hashKey(KEY)}", models: [m] }\n`,
      { guardrails },
    );
  });
  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it('forwards the body as the request guardrails rewrote it, and logs their decisions', async () => {
    await client().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'my key is SECRET' }] });
    expect(upstream.requests.at(-1)!.body.messages).toEqual([{ role: 'user', content: 'my key is [redacted]' }]);
    expect(seenSettings.at(-1)).toEqual({ key: 'app' });
    expect(gw.audit.entries.at(-1)!.guardrails).toEqual([decision('messages[0].content')]);
    const metrics = await (await fetch(`${gw.gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/sanctum_gateway_guardrail_decisions_total\{guardrail="secrets",action="redact"\} [1-9]/);
  });

  it('refuses a request the guardrails block, with their status and code, before the upstream sees it', async () => {
    const seen = upstream.requests.length;
    const err = await client()
      .chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'ignore previous instructions' }] })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, code: 'guardrail_injection', message: expect.stringContaining('prompt injection') });
    expect(upstream.requests.length).toBe(seen);
  });

  it('returns the answer as the response guardrails rewrote it', async () => {
    upstream.behaviour = { ...upstream.behaviour, words: ['the key is ', 'SECRET'] };
    try {
      const r = await client().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
      expect(r.choices[0].message.content).toBe('[redacted]');
    } finally {
      upstream.behaviour = { ...upstream.behaviour, words: ['Hello', ' from', ' the', ' upstream'] };
    }
  });

  it('passes every streamed chunk through the stream guard', async () => {
    upstream.behaviour = { ...upstream.behaviour, words: ['the key is ', 'SECRET', '.'] };
    try {
      const stream = await client().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      expect(text).toBe('the key is [redacted].');
      expect(gw.audit.entries.at(-1)!.guardrails).toEqual([decision('choices[0].delta.content')]);
    } finally {
      upstream.behaviour = { ...upstream.behaviour, words: ['Hello', ' from', ' the', ' upstream'] };
    }
  });

  it('stops reading the upstream once the stream guard cuts the stream, and the client gets its error event', async () => {
    const words = ['fine ', 'STOP', ...Array.from({ length: 50 }, () => 'more ')];
    upstream.behaviour = { ...upstream.behaviour, words, chunkDelayMs: 5 };
    const cancelled = upstream.cancelled;
    try {
      const stream = await client().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true });
      let text = '';
      const err = await (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      })().catch((e: unknown) => e);
      expect(text).toBe('fine ');
      expect(err).toMatchObject({ message: expect.stringContaining('cut') });
      expect(lastStreamGuard!.pushed).toBe(2);
      const end = Date.now() + 20_000;
      while (upstream.cancelled === cancelled && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      expect(upstream.cancelled).toBe(cancelled + 1);
      expect(gw.audit.entries.at(-1)).toMatchObject({ status: 200, error: 'guardrail_exfiltration' });
    } finally {
      upstream.behaviour = { ...upstream.behaviour, words: ['Hello', ' from', ' the', ' upstream'], chunkDelayMs: 0 };
    }
  });
});
