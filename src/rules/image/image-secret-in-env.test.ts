import { describe, expect, it } from 'vitest';
import { runRule, testRule } from '../../testing/rule-tester.js';
import { imageConfigJson } from './lib/examples.js';
import rule from './image-secret-in-env.js';

testRule(rule, {
  valid: [
    {
      path: 'config.json',
      content: imageConfigJson({
        Env: ['PATH=/usr/local/bin:/usr/bin', 'OPENAI_API_KEY=', 'DB_PASSWORD_FILE=/run/secrets/db', 'API_TOKEN=changeme'],
      }),
    },
  ],
  invalid: [
    {
      path: 'config.json',
      content: imageConfigJson({ Env: ['OPENAI_API_KEY=sk-proj-Abcdefghijklmnopqrstuvwx1234', 'DB_PASSWORD=s3cr3t-Pa55'] }),
      findings: [
        {
          startLine: 6,
          startColumn: 7,
          endLine: 6,
          endColumn: 60,
          objectPath: '/config/Env/0',
          severity: 'critical',
          evidence: 'OPENAI_API_KEY=sk-p…',
        },
        {
          startLine: 7,
          startColumn: 7,
          endLine: 7,
          endColumn: 32,
          severity: 'high',
          evidence: 'DB_PASSWORD=s3…',
          message: 'Env DB_PASSWORD holds a literal secret: it ships with the image',
        },
      ],
    },
  ],
});

describe('fingerprints', () => {
  const printOf = (env: string[]) =>
    runRule(rule, { path: 'config.json', content: imageConfigJson({ Env: env }) }).findings.map((f) => f.fingerprint);
  const token = 'HF_TOKEN=hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';

  it('stay when variables are added before the secret (named by the variable, not its index)', () => {
    const [before] = printOf(['PATH=/usr/bin', token]);
    const [after] = printOf(['LANG=C.UTF-8', 'HF_HOME=/models', 'PATH=/usr/bin', token]);
    expect(after).toBe(before);
  });

  it('stay when the value changes, and differ by variable name', () => {
    const [first] = printOf([token]);
    expect(printOf(['HF_TOKEN=hf_ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210'])).toEqual([first]);
    expect(printOf(['HUGGING_FACE_HUB_TOKEN=hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'])).not.toEqual([first]);
  });
});
