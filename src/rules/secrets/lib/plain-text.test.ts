import { describe, expect, it } from 'vitest';
import { getRegistry } from '../../../scan.js';
import { fakes } from './fakes.js';
import { SECRET_MARKERS, SECRET_RULE_IDS, secretsInPlainText } from './plain-text.js';

describe('secretsInPlainText', () => {
  it('maps every secret family to the id of the rule that reports it', () => {
    const registry = getRegistry();
    for (const [slug, id] of Object.entries(SECRET_RULE_IDS)) expect(registry.get(slug)?.meta.id, slug).toBe(id);
  });

  it('finds a key in prose with its span, rule id and a redacted evidence', () => {
    const key = fakes.openaiProject('prose');
    const text = `Please debug this, my key is ${key} and it fails.`;
    const [hit, ...rest] = secretsInPlainText(text);
    expect(rest).toEqual([]);
    expect(hit).toMatchObject({
      start: 29,
      end: 29 + key.length,
      ruleId: 'SEC-0001',
      rule: 'openai-api-key',
      detector: 'openai-project-key',
    });
    expect(text.slice(hit.start, hit.end)).toBe(key);
    expect(hit.evidence).toBe(`OpenAI project API key ${key.slice(0, 10)}… (${key.length} chars)`);
  });

  it('finds assigned secrets (generic) and stays quiet on published samples and placeholders', () => {
    const password = fakes.password('pt');
    expect(secretsInPlainText(`DB_PASSWORD=${password}`).map((h) => [h.ruleId, h.detector])).toEqual([['SEC-0016', 'generic-password']]);
    expect(secretsInPlainText('aws_access_key_id = AKIAIOSFODNN7EXAMPLE and OPENAI_API_KEY=sk-proj-...')).toEqual([]);
  });

  it('lists markers with whether they must start a word', () => {
    expect(SECRET_MARKERS).toContainEqual({ marker: 'sk-', wordStart: true });
    expect(SECRET_MARKERS).toContainEqual({ marker: 'JQQJ9', wordStart: false });
    expect(SECRET_MARKERS).toContainEqual({ marker: '://', wordStart: false });
  });
});
