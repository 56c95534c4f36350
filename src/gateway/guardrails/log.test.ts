import { describe, expect, it } from 'vitest';
import { fakes } from '../../rules/secrets/lib/fakes.js';
import { guardrailSettingsSchema, redactForLog, redactText, streamNeedsGuard } from './index.js';

const key = fakes.anthropic('log');

describe('redactForLog', () => {
  it('redacts secrets and every PII class in a request, even when the settings let them through', () => {
    const body = { model: 'm', messages: [{ role: 'user', content: `key ${key}, phone +44 20 7946 0958, host 203.0.113.42` }] };
    const off = guardrailSettingsSchema.parse({ secrets: 'off', pii: 'off' });
    expect(redactForLog('chat.completions', 'request', body, off)).toEqual({
      model: 'm',
      messages: [{ role: 'user', content: 'key [REDACTED:SEC-0002], phone [REDACTED:phone], host [REDACTED:ip-address]' }],
    });
    expect(body.messages[0].content).toContain(key);
  });

  it('redacts answers and stream transcripts', () => {
    const answer = { choices: [{ index: 0, message: { role: 'assistant', content: `use ${key}` }, finish_reason: 'stop' }] };
    expect(redactForLog('chat.completions', 'response', answer)).toEqual({
      choices: [{ index: 0, message: { role: 'assistant', content: 'use [REDACTED:SEC-0002]' }, finish_reason: 'stop' }],
    });
    expect(redactForLog('responses', 'stream', `mail jane@corp.example.com ${key}`)).toBe('mail [REDACTED:email] [REDACTED:SEC-0002]');
    expect(redactText('nothing here')).toBe('nothing here');
    expect(redactForLog('embeddings', 'request', null)).toBeNull();
  });
});

describe('streamNeedsGuard', () => {
  it('is false only when nothing watches answers', () => {
    expect(streamNeedsGuard(guardrailSettingsSchema.parse({}))).toBe(true);
    expect(streamNeedsGuard(guardrailSettingsSchema.parse({ secrets: 'off', pii: 'off', exfiltration: 'off' }))).toBe(false);
    expect(
      streamNeedsGuard(guardrailSettingsSchema.parse({ secrets: 'off', pii: 'off', exfiltration: 'off', tools: { allowed: ['a'] } })),
    ).toBe(true);
  });
});
