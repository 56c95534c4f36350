import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Policy } from '../../policies/policy.js';
import { AdmissionEvaluator } from './admission-evaluator.js';

const TOKEN = 'q8Zt3Lm0Rx7Vw2Kp9Yb4';

describe('the failure policy of the webhook', () => {
  it("masks the object's secrets in the error it answers, logs and stores", () => {
    const request = JSON.parse(readFileSync(new URL('./testdata/deployment-create.json', import.meta.url), 'utf8')).request;
    request.object.metadata.annotations = { 'example.com/api-token': TOKEN };
    // A policy that fails on the object and says with what (as a bug of a rule or policy could).
    const failing: Policy = {
      name: 'fails',
      source: 'test',
      severity: 'high',
      matches: () => true,
      evaluate: (b) => {
        const token = (b.object.metadata as { annotations?: Record<string, string> }).annotations?.['example.com/api-token'];
        if (token) throw new Error(`cannot read ${token}`);
        return [];
      },
    };
    const d = new AdmissionEvaluator({ policies: [failing] }).evaluate(request, 'validate');
    expect(d.outcome).toBe('failure-policy');
    expect(d.failure).toContain('cannot read annotation example.com/api-token q8… (20 chars)');
    expect(JSON.stringify(d)).not.toContain(TOKEN);
  });
});
