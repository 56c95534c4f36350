import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashKey } from '../src/gateway/keys.js';
import { FakeUpstream } from '../src/gateway/testing/fake-upstream.js';
import { startTestGateway, type TestGateway } from '../src/gateway/testing/harness.js';

const RPM_KEY = 'sk-sanctum-budget-rpm-0001';
const TPM_KEY = 'sk-sanctum-budget-tpm-0002';
const TEAM_A = 'sk-sanctum-budget-team-a-0003';
const TEAM_B = 'sk-sanctum-budget-team-b-0004';
const STREAM_KEY = 'sk-sanctum-budget-stream-0005';

// 10:00:30 UTC: 30 s are left in the minute and 14 h in the day.
const T0 = Date.UTC(2026, 11, 5, 10, 0, 30);

describe('gateway budgets (clock injected)', () => {
  let upstream: FakeUpstream;
  let gw: TestGateway;
  let now = T0;
  const client = (apiKey: string) => new OpenAI({ apiKey, baseURL: `${gw.gateway.url}/v1`, maxRetries: 0 });
  const chat = (apiKey: string) => client(apiKey).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });

  beforeAll(async () => {
    upstream = await new FakeUpstream().start();
    const key = (name: string, k: string, extra: string) => `  - { name: ${name}, sha256: "${hashKey(k)}", models: ["*"], ${extra} }\n`;
    gw = await startTestGateway(
      `upstreams:
  - { name: up, baseURL: "${upstream.baseURL}", models: [m] }
teams:
  - { name: research, requestsPerDay: 3 }
keys:
${key('rpm', RPM_KEY, 'requestsPerMinute: 2')}${key('tpm', TPM_KEY, 'tokensPerMinute: 15')}${key('a', TEAM_A, 'team: research')}${key('b', TEAM_B, 'team: research')}${key('streamer', STREAM_KEY, 'tokensPerDay: 20')}`,
      { now: () => now },
    );
  });
  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it('answers 429 with Retry-After over the per-minute request budget, and serves again in the next minute', async () => {
    await chat(RPM_KEY);
    await chat(RPM_KEY);
    const seen = upstream.requests.length;
    const err = (await chat(RPM_KEY).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.RateLimitError>;
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err).toMatchObject({ status: 429, code: 'rate_limit_exceeded', type: 'requests' });
    expect(err.message).toContain("key 'rpm' is over its requestsPerMinute budget");
    expect(err.headers?.get('retry-after')).toBe('30');
    expect(upstream.requests.length).toBe(seen);
    expect(gw.audit.entries.at(-1)).toMatchObject({ key: 'rpm', status: 429, error: 'rate_limit_exceeded' });
    now = T0 + 30_000;
    await chat(RPM_KEY);
  });

  it('counts the tokens the upstream reported against the token budget', async () => {
    now = T0 + 60_000;
    await chat(TPM_KEY); // 11 tokens
    await chat(TPM_KEY); // 22: over 15 once spent
    const err = (await chat(TPM_KEY).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.RateLimitError>;
    expect(err).toMatchObject({ status: 429, type: 'tokens' });
    expect(err.headers?.get('retry-after')).toBe('30');
    now = T0 + 90_000;
    await chat(TPM_KEY);
  });

  it('a team budget is shared by the keys of the team', async () => {
    await chat(TEAM_A);
    await chat(TEAM_B);
    await chat(TEAM_A);
    const err = (await chat(TEAM_B).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.RateLimitError>;
    expect(err).toMatchObject({ status: 429 });
    expect(err.message).toContain("team 'research' is over its requestsPerDay budget");
    expect(Number(err.headers?.get('retry-after'))).toBe(14 * 3600 - 120); // the clock stands at 10:02:00;
    now = Date.UTC(2026, 11, 6, 0, 0, 1);
    await chat(TEAM_B);
  });

  it('counts streamed usage against the budget', async () => {
    for (let i = 0; i < 2; i++) {
      const stream = await client(STREAM_KEY).chat.completions.create({
        model: 'm',
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      for await (const chunk of stream) void chunk;
    }
    await expect(chat(STREAM_KEY)).rejects.toMatchObject({ status: 429, type: 'tokens' });
  });
});
