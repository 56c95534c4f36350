import type { AnyRule } from '../core/rule.js';
import type { ImageConfigDocument } from '../parsers/image/image-config.js';
import type { K8sObjectDocument } from '../parsers/k8s/k8s-documents.js';
import { cut } from '../core/printable.js';
import { imageConfigBindings } from './image-config-view.js';
import type { Policy, PolicyBindings, ValidationReason, Violation } from './policy.js';

/** The rule id findings of a custom policy carry. */
export function policyRuleId(policy: Pick<Policy, 'name'>): string {
  return `policy:${policy.name}`;
}

/** Room for each policy's failures in `onReason`'s order (a policy has far fewer validations). */
const ORDER_PER_POLICY = 1_000_000;

/**
 * Custom policies as rules of the engine: a Kubernetes policy runs on every object it matches, in
 * `scan` (files, rendered charts), `cluster` and `webhook` alike; an image-config policy runs on the
 * config of every image `sanctum image` reads (and on image config files a scan finds). Findings are
 * at the validation's `fieldPath` (else the object's name, or the config's runtime part). `context`
 * adds the admission request's bindings. A validation that cannot be decided (an `authorizer` check
 * without the RBAC objects) is skipped; with `reportNotEvaluated`, the first is an entry of the scan's
 * errors (the engine records what a rule throws); `onNotEvaluated` hears of each.
 */
export function policyRules(
  policies: readonly Policy[],
  context: Omit<PolicyBindings, 'object'> = {},
  options: {
    reportNotEvaluated?: boolean;
    /** Called with each validation that could not be decided (the webhook makes them visible on its response). */
    onNotEvaluated?(policy: Policy, violation: Violation): void;
    /**
     * Called with the message of each finding, its validation's `reason` (when it gives one) and its place among the
     * policies' failures (the policy's index in `policies`, then the validation's): the API server answers with the
     * reason of the first validation to fail, and the webhook with its status.
     */
    onReason?(ruleId: string, message: string, reason: ValidationReason | undefined, order: number): void;
  } = {},
): AnyRule[] {
  return policies.map((policy, policyIndex) => {
    let announced = false;
    const report = (bindings: PolicyBindings, ctx: Parameters<AnyRule['check']>[1]) => {
      let skipped: string | undefined;
      let index = 0;
      for (const v of policy.evaluate(bindings))
        if (v.notEvaluated) {
          skipped ??= v.message;
          options.onNotEvaluated?.(policy, v);
        } else {
          // The reason the API server would answer with (`reason: Forbidden`), said after the message.
          const message = v.reason ? `${v.message} (reason ${v.reason})` : v.message;
          options.onReason?.(policyRuleId(policy), message, v.reason, policyIndex * ORDER_PER_POLICY + index++);
          ctx.report({
            message,
            at: v.at,
            severity: v.severity,
            ...(v.error ? { evidence: cut(v.expression) } : {}),
          });
        }
      // A validation that cannot be decided here is neither a pass nor a fail: one entry in the scan's errors says so.
      if (skipped && options.reportNotEvaluated && !announced) {
        announced = true;
        throw new Error(skipped);
      }
    };
    const image = policy.target === 'image-config';
    return {
      meta: {
        id: policyRuleId(policy),
        slug: policy.name,
        title: policy.description ?? `Custom policy ${policy.name}`,
        severity: policy.severity,
        scanner: 'misconfig',
        appliesTo: [image ? 'image-config' : 'k8s'],
        frameworks: [],
        rationale: policy.description ?? `Custom CEL policy from ${policy.source}.`,
        remediation: image
          ? `Change the image (its Dockerfile or build) so that the validations of ${policy.name} (${policy.source}) hold.`
          : `Change the object so that the validations of ${policy.name} (${policy.source}) hold.`,
        references: [],
        examples: { bad: [], good: [] },
      },
      check: image
        ? (doc: ImageConfigDocument, ctx) => report(imageConfigBindings(doc), ctx)
        : (doc: K8sObjectDocument, ctx) => {
            if (policy.matches(doc.object)) report({ ...context, object: doc.object }, ctx);
          },
    } as AnyRule;
  });
}
