import { defineRule } from '../../core/rule.js';
import type { K8sObjectDocument, K8sSetDocument } from '../../parsers/k8s/k8s-documents.js';
import { evaluateAdmissionPolicies } from '../../policies/admission-policy.js';

/**
 * Module-level callbacks, not arrows in `check`: a closure made anew on each call was compiled by
 * TurboFan again for each set (8 to 10 times at 50,000 objects).
 */
function isAdmissionPolicy(o: K8sObjectDocument): boolean {
  const kind = o.object.kind;
  return kind === 'ValidatingAdmissionPolicyBinding' || kind === 'ValidatingAdmissionPolicy';
}

function objectOf(o: K8sObjectDocument): K8sObjectDocument['object'] {
  return o.object;
}

const POLICY = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: model-images-by-digest
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - apiGroups: [apps]
      apiVersions: [v1]
      operations: [CREATE, UPDATE]
      resources: [deployments]
  validations:
  - expression: "object.spec.template.spec.containers.all(c, c.image.contains('@sha256:'))"
    message: model server images must be pinned by digest
    fieldPath: spec.template.spec.containers
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: model-images-by-digest
spec:
  policyName: model-images-by-digest
  validationActions: [Deny]
  matchResources:
    namespaceSelector:
      matchLabels: {team: ml}
---
apiVersion: v1
kind: Namespace
metadata:
  name: llm
  labels: {team: ml}
---
`;
const deployment = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: vllm
  namespace: llm
spec:
  selector: {matchLabels: {app: vllm}}
  template:
    metadata: {labels: {app: vllm}}
    spec:
      containers:
      - name: vllm
        image: ${image}
`;

export default defineRule<K8sSetDocument>({
  meta: {
    id: 'K8S-0190',
    slug: 'validating-admission-policy-violation',
    title: 'Object violates a ValidatingAdmissionPolicy of the same manifests',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['k8s-set'],
    frameworks: [],
    rationale:
      'A ValidatingAdmissionPolicy and its binding shipped with the manifests (or a chart) will refuse, warn about or audit the objects deployed next to them once they reach the API server. Evaluating them in CI, as the API server would on CREATE (match constraints and the binding\u2019s match resources, namespace and object selectors, params, match conditions, variables and validations, in CEL), finds the deployment that would be refused before it is applied, and finds a policy whose CEL does not compile before it fails closed in the cluster. Severity follows the binding\u2019s validationActions: Deny is high, Warn medium, Audit low; an error the policy\u2019s failurePolicy: Ignore lets through is info.',
    remediation:
      'Change the object so that the policy\u2019s validations hold, or correct the policy (its expression, its match constraints or the binding\u2019s match resources) when it should not apply. A policy whose CEL does not compile is reported on the policy itself.',
    references: [
      'https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/',
      'https://kubernetes.io/docs/reference/using-api/cel/',
    ],
    examples: {
      bad: [{ path: 'deploy/llm.yaml', content: POLICY + deployment('vllm/vllm-openai:v0.6.3') }],
      good: [
        {
          path: 'deploy/llm.yaml',
          content: POLICY + deployment('vllm/vllm-openai@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945'),
        },
      ],
    },
  },
  check(set, ctx) {
    if (!set.objects.some(isAdmissionPolicy)) return;
    for (const f of evaluateAdmissionPolicies(set.objects.map(objectOf)))
      ctx.report({
        doc: set.objects[f.object],
        at: f.at,
        message: f.message,
        severity: f.severity,
        ...(f.evidence ? { evidence: f.evidence } : {}),
      });
  },
});
