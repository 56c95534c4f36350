import { describe, expect, it } from 'vitest';
import { compilePolicy } from '../../policies/policy.js';
import { AdmissionEvaluator, admissionWarnings } from './admission-evaluator.js';
import type { AdmissionRequest } from './admission-review.js';

// The API server drops a warning with a control character and, past 4,096 characters of warnings in all, cuts
// each to 256 and drops those that no longer fit, in silence (k8s.io/apiserver's warning recorder).
const runes = (s: string) => [...s].length;
const CONTROL = /\p{Cc}/u;

function podReview(containers: number): AdmissionRequest {
  return {
    uid: 'warn-1',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: { group: '', version: 'v1', resource: 'pods' },
    namespace: 'llm',
    name: 'many',
    operation: 'CREATE',
    userInfo: { username: 'alice' },
    object: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'many', namespace: 'llm' },
      spec: {
        securityContext: { runAsNonRoot: true },
        containers: Array.from({ length: containers }, (_, i) => ({
          name: `worker-with-a-long-name-${i}`,
          image: `registry.example.com/team/model-server-${i}:latest`,
        })),
      },
    },
  } as AdmissionRequest;
}

describe('admission warnings within what the API server passes on', () => {
  it('keeps all the warnings of a small object, as they are', () => {
    const d = new AdmissionEvaluator().evaluate(podReview(1), 'validate');
    expect(d.response.warnings?.length).toBeGreaterThanOrEqual(3);
    expect(d.response.warnings).toEqual(
      d.findings.filter((f) => f.action === 'warn').map(({ finding: f }) => `Sanctum ${f.ruleId} (${f.severity}): ${f.message}`),
    );
  });

  it('keeps at most 4,096 characters of warnings and says how many it left out', () => {
    const d = new AdmissionEvaluator().evaluate(podReview(12), 'validate');
    const warned = d.findings.filter((f) => f.action === 'warn').length;
    const warnings = d.response.warnings!;
    expect(warned).toBeGreaterThan(30);
    expect(warnings.reduce((n, w) => n + runes(w), 0)).toBeLessThanOrEqual(4096);
    const left = warned - (warnings.length - 1);
    expect(left).toBeGreaterThan(0);
    expect(warnings.at(-1)).toBe(
      `Sanctum: ${left} more warnings not shown (the API server passes on 4096 characters of warnings); the audit annotation 'findings' and Sanctum's decision log list them`,
    );
  });

  it('turns control characters of a message into spaces (the API server drops such a warning)', () => {
    const policy = compilePolicy('team-label', 'test', {
      severity: 'medium',
      validations: [
        {
          expression: "has(object.metadata.labels) && 'team' in object.metadata.labels",
          // A line break makes the API server (and Sanctum) fall back to message: a tab and a carriage return stay.
          messageExpression: "'no team label on ' + object.metadata.name + '\\t\\radd metadata.labels.team'",
        },
      ],
    });
    const d = new AdmissionEvaluator({ policies: [policy] }).evaluate(podReview(1), 'validate');
    expect(d.response.warnings).toContain('Sanctum policy:team-label (medium): no team label on many add metadata.labels.team');
    expect(d.response.warnings!.filter((w) => CONTROL.test(w))).toEqual([]);
  });

  it('cuts each warning to 256 characters without splitting a character', () => {
    const long = 'Sanctum X (medium): ' + '🙂'.repeat(300);
    const [w] = admissionWarnings([long]);
    expect(runes(w!)).toBe(256);
    expect(w!.endsWith('🙂…')).toBe(true);
    expect(admissionWarnings(['a\tb\r\nc'])).toEqual(['a b c']);
  });

  it('fills the 4,096 characters when the last warning fits, with no note', () => {
    const texts = Array.from({ length: 16 }, () => 'w'.repeat(256));
    expect(admissionWarnings(texts.map((t, i) => `${i}${t.slice(1)}`))).toHaveLength(16);
    const seventeen = admissionWarnings(Array.from({ length: 17 }, (_, i) => `${i}${'w'.repeat(255)}`));
    expect(seventeen).toHaveLength(16);
    expect(seventeen.at(-1)).toMatch(/^Sanctum: 2 more warnings not shown/);
    expect(seventeen.reduce((n, w) => n + runes(w), 0)).toBeLessThanOrEqual(4096);
  });
});
