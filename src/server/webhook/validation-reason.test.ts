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

  it('answers with the reason of the first validation to fail, not of the first finding by place, and names it first', () => {
    const first = compilePolicy('replicas-first', 'test', {
      severity: 'critical',
      validations: [
        { expression: 'false', message: 'replicas', fieldPath: 'spec.replicas', reason: 'Invalid' },
        { expression: 'false', message: 'who', reason: 'Unauthorized' },
      ],
    });
    const d = new AdmissionEvaluator({ policies: [first], config: policyOnly }).evaluate(request(), 'validate');
    expect(d.response.status).toEqual(expect.objectContaining({ code: 422, reason: 'Invalid' }));
    const message = d.response.status!.message!;
    expect(message.indexOf('replicas (reason Invalid)')).toBeGreaterThan(-1);
    expect(message.indexOf('replicas (reason Invalid)')).toBeLessThan(message.indexOf('who (reason Unauthorized)'));
    // Policy order before validation order: a first policy whose failing validation has no reason answers 403.
    const none = compilePolicy('a-none', 'test', {
      severity: 'critical',
      validations: [{ expression: 'false', message: 'no reason', fieldPath: 'spec.replicas' }],
    });
    const later = compilePolicy('b-later', 'test', {
      severity: 'critical',
      validations: [{ expression: 'false', message: 'large', reason: 'RequestEntityTooLarge' }],
    });
    const two = new AdmissionEvaluator({ policies: [none, later], config: policyOnly }).evaluate(request(), 'validate');
    expect(two.response.status).toEqual(expect.objectContaining({ code: 403, reason: 'Forbidden' }));
    const swapped = new AdmissionEvaluator({ policies: [later, none], config: policyOnly }).evaluate(request(), 'validate');
    expect(swapped.response.status).toEqual(expect.objectContaining({ code: 413, reason: 'RequestEntityTooLarge' }));
  });

  it('refuses a reason the API server does not know, naming the policy', () => {
    expect(() => compilePolicy('p', 'p.yaml', { validations: [{ expression: 'true', reason: 'Conflict' }] })).toThrow(
      'policy p (p.yaml): validations[0].reason: expected one of Unauthorized, Forbidden, Invalid, RequestEntityTooLarge, found "Conflict"',
    );
  });
});
