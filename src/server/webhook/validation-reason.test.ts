import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compilePolicy } from '../../policies/policy.js';
import { AdmissionEvaluator } from './admission-evaluator.js';

/**
 * A custom policy's validation `reason` decides the denial's HTTP status, as the API server answers for a
 * ValidatingAdmissionPolicy: Unauthorized 401, Forbidden 403, Invalid 422, RequestEntityTooLarge 413.
 */

/** The test Deployment, not privileged (K8S-0003 is critical). */
const request = () => {
  const r = JSON.parse(readFileSync(new URL('./testdata/deployment-create.json', import.meta.url), 'utf8')).request;
  delete r.object.spec.template.spec.containers[0].securityContext;
  return r;
};

const policy = (reason?: 'Invalid' | 'RequestEntityTooLarge') =>
  compilePolicy('replicas-bounded', 'test', {
    severity: 'critical',
    validations: [
      { expression: 'object.spec.replicas <= 0', message: 'no replicas in llm', ...(reason ? { reason } : {}) },
      { expression: 'true', message: 'never', reason: 'Forbidden' },
    ],
  });

/** Built-in rules warn only: the custom policy (critical) alone denies. */
const policyOnly = { webhook: { actions: { critical: 'deny', high: 'warn' } } } as const;

describe('a validation reason at admission', () => {
  it('answers with the status of the denying validation reason, and says the reason in the message', () => {
    const d = new AdmissionEvaluator({ policies: [policy('Invalid')], config: policyOnly }).evaluate(request(), 'validate');
    expect(d.response.allowed).toBe(false);
    expect(d.response.status).toEqual(
      expect.objectContaining({
        code: 422,
        reason: 'Invalid',
        message: expect.stringContaining('[policy:replicas-bounded critical] no replicas in llm (reason Invalid) (/metadata/name)'),
      }),
    );
    const large = new AdmissionEvaluator({ policies: [policy('RequestEntityTooLarge')], config: policyOnly }).evaluate(
      request(),
      'validate',
    );
    expect(large.response.status).toEqual(expect.objectContaining({ code: 413, reason: 'RequestEntityTooLarge' }));
  });

  it('without a reason, or when a built-in rule denies too, answers 403 Forbidden', () => {
    const none = new AdmissionEvaluator({ policies: [policy()], config: policyOnly }).evaluate(request(), 'validate');
    expect(none.response.status).toEqual(expect.objectContaining({ code: 403, reason: 'Forbidden' }));
    const privileged = request();
    privileged.object.spec.template.spec.containers[0].securityContext = { privileged: true };
    const withRules = new AdmissionEvaluator({ policies: [policy('Invalid')], config: policyOnly }).evaluate(privileged, 'validate');
    expect(withRules.findings.some((f) => f.action === 'deny' && !f.finding.ruleId.startsWith('policy:'))).toBe(true);
    expect(withRules.response.status).toEqual(expect.objectContaining({ code: 403, reason: 'Forbidden' }));
  });

  it('refuses a reason the API server does not know, naming the policy', () => {
    expect(() => compilePolicy('p', 'p.yaml', { validations: [{ expression: 'true', reason: 'Conflict' }] })).toThrow(
      'policy p (p.yaml): validations[0].reason: expected one of Unauthorized, Forbidden, Invalid, RequestEntityTooLarge, found "Conflict"',
    );
  });
});
