import { describe, expect, it } from 'vitest';
import { DEFAULT_GUARDRAIL_SETTINGS, guardrailOverrideSchema, guardrailSettingsSchema, mergeGuardrailSettings } from './index.js';

describe('guardrail settings', () => {
  it('fills every guardrail from the defaults when the section is absent or empty', () => {
    expect(guardrailSettingsSchema.parse(undefined)).toEqual(DEFAULT_GUARDRAIL_SETTINGS);
    expect(guardrailSettingsSchema.parse({})).toEqual(DEFAULT_GUARDRAIL_SETTINGS);
  });

  it('takes the short forms of the issue example', () => {
    const s = guardrailSettingsSchema.parse({ secrets: 'redact', injection: 'block', exfiltration: 'strip', pii: 'block' });
    expect(s.injection).toEqual({ action: 'block', blockScore: 0.8, flagScore: 0.5 });
    expect(s.exfiltration).toEqual({ action: 'strip', allowedDomains: [] });
    expect(s.pii).toEqual({ action: 'block', classes: ['email', 'credit-card', 'iban', 'us-ssn'] });
  });

  it('takes the object forms, lower-casing allowed domains', () => {
    const s = guardrailSettingsSchema.parse({
      pii: { classes: ['phone', 'ip-address'] },
      injection: { action: 'block', blockScore: 0.9 },
      exfiltration: { allowedDomains: ['Docs.Example.com', '*.cdn.example.net'] },
      tools: { allowed: ['get_weather'] },
      limits: { maxMessages: 10 },
      logPrompts: true,
    });
    expect(s.pii).toEqual({ action: 'redact', classes: ['phone', 'ip-address'] });
    expect(s.injection).toEqual({ action: 'block', blockScore: 0.9, flagScore: 0.5 });
    expect(s.exfiltration.allowedDomains).toEqual(['docs.example.com', '*.cdn.example.net']);
    expect(s.tools).toEqual({ allowed: ['get_weather'] });
    expect(s.limits).toEqual({ ...DEFAULT_GUARDRAIL_SETTINGS.limits, maxMessages: 10 });
    expect(s.logPrompts).toBe(true);
  });

  it('rejects unknown actions, classes, keys and out-of-range scores with the path', () => {
    const issues = (v: unknown) => guardrailSettingsSchema.safeParse(v).error?.issues.map((i) => i.path.join('.'));
    expect(issues({ secrets: 'mask' })).toEqual(['secrets']);
    expect(issues({ pii: { classes: ['passport'] } })).toEqual(['pii.classes.0']);
    expect(issues({ pii: 'mask' })).toEqual(['pii.action']);
    expect(issues({ injection: { blockScore: 1.5 } })).toEqual(['injection.blockScore']);
    expect(issues({ exfiltration: { allowedDomains: ['https://evil.example/'] } })).toEqual(['exfiltration.allowedDomains.0']);
    expect(issues({ limits: { maxMessages: 0 } })).toEqual(['limits.maxMessages']);
    expect(issues({ secret: 'redact' })).toEqual(['']);
  });

  it('merges a per-key block over the global settings field by field', () => {
    const global = guardrailSettingsSchema.parse({
      injection: 'block',
      exfiltration: { allowedDomains: ['example.com'] },
      tools: { allowed: ['search'] },
    });
    const key = guardrailOverrideSchema.parse({ injection: { blockScore: 0.95 }, exfiltration: 'flag', limits: { maxTools: 4 } });
    const merged = mergeGuardrailSettings(global, key);
    expect(merged.injection).toEqual({ action: 'block', blockScore: 0.95, flagScore: 0.5 });
    expect(merged.exfiltration).toEqual({ action: 'flag', allowedDomains: ['example.com'] });
    expect(merged.tools).toEqual({ allowed: ['search'] });
    expect(merged.limits.maxTools).toBe(4);
    expect(merged.limits.maxMessages).toBe(global.limits.maxMessages);
    expect(mergeGuardrailSettings(global, undefined)).toBe(global);
    expect(mergeGuardrailSettings(global, guardrailOverrideSchema.parse({ tools: { allowed: [] } })).tools).toEqual({ allowed: [] });
  });
});
