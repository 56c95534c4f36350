import type { AnyRule } from '../core/rule.js';
import type { K8sObjectDocument } from '../parsers/k8s/k8s-documents.js';
import type { Policy, PolicyBindings } from './policy.js';

/** The rule id findings of a custom policy carry. */
export function policyRuleId(policy: Pick<Policy, 'name'>): string {
  return `policy:${policy.name}`;
}

/**
 * Custom policies as rules of the engine: each runs on every Kubernetes object it matches, in `scan`
 * (files, rendered charts), `cluster` and `webhook` alike, and reports at the validation's
 * `fieldPath` (else the object's name). `context` adds the admission request's bindings.
 */
export function policyRules(policies: readonly Policy[], context: Omit<PolicyBindings, 'object'> = {}): AnyRule[] {
  return policies.map((policy) => ({
    meta: {
      id: policyRuleId(policy),
      slug: policy.name,
      title: policy.description ?? `Custom policy ${policy.name}`,
      severity: policy.severity,
      scanner: 'misconfig',
      appliesTo: ['k8s'],
      frameworks: [],
      rationale: policy.description ?? `Custom CEL policy from ${policy.source}.`,
      remediation: `Change the object so that the validations of ${policy.name} (${policy.source}) hold.`,
      references: [],
      examples: { bad: [], good: [] },
    },
    check(doc: K8sObjectDocument, ctx) {
      if (!policy.matches(doc.object)) return;
      for (const v of policy.evaluate({ ...context, object: doc.object }))
        ctx.report({ message: v.message, at: v.at, severity: v.severity, ...(v.error ? { evidence: v.expression } : {}) });
    },
  }));
}
