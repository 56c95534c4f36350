import { defineRule } from '../../core/rule.js';
import type { K8sSetDocument } from '../../parsers/k8s/k8s-documents.js';
import { isDefaultDeny, notListed, tenantLocation, tenantName, tenants } from './lib/tenancy.js';

const WORKLOAD =
  'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: llm\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: vllm\n  namespace: llm\nspec:\n  template:\n    metadata:\n      labels: {app: vllm}\n    spec:\n      containers:\n      - name: vllm\n        image: vllm/vllm-openai:v0.6.3\n';

export default defineRule<K8sSetDocument>({
  meta: {
    id: 'K8S-0160',
    slug: 'namespace-without-default-deny-ingress',
    title: 'Namespace without a default-deny ingress NetworkPolicy',
    severity: 'medium',
    scanner: 'misconfig',
    appliesTo: ['k8s-set'],
    frameworks: [
      { id: 'cis-k8s', control: '5.3.2' },
      { id: 'nsa-cisa', control: 'network-separation' },
    ],
    rationale:
      'Kubernetes lets every pod talk to every other pod until a NetworkPolicy selects it. In a namespace without a default-deny ingress policy, any compromised pod of any tenant reaches the notebooks, Ray heads, model servers and their metrics directly, bypassing the Ingress and its authentication. Only namespaces that run workloads in the scan are judged; policies of Calico, Cilium or AdminNetworkPolicy in the scan are taken as handled elsewhere.',
    remediation:
      'Add a NetworkPolicy with `podSelector: {}` and `policyTypes: [Ingress]` and no ingress rules to each namespace, then allow the flows each workload needs (from the ingress controller, from the namespaces that call it) with narrower policies.',
    references: [
      'https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-ingress-traffic',
      'https://kubernetes.io/docs/concepts/security/multi-tenancy/#network-isolation',
    ],
    examples: {
      bad: [{ path: 'llm.yaml', content: WORKLOAD }],
      good: [
        {
          path: 'llm.yaml',
          content:
            WORKLOAD +
            '---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: llm\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n',
        },
      ],
    },
  },
  check(set, ctx) {
    const view = tenants(set);
    if (view.clusterPolicies.length > 0) return;
    for (const t of view.tenants) {
      if (notListed(set, t, 'networking.k8s.io', 'NetworkPolicy')) continue;
      if (t.otherPolicies.length > 0 || t.networkPolicies.some((np) => isDefaultDeny(np, 'Ingress'))) continue;
      const { doc, at } = tenantLocation(t);
      const note = t.networkPolicies.length
        ? `its ${t.networkPolicies.length} NetworkPolicies select only some pods or allow everything`
        : 'it has no NetworkPolicy';
      ctx.report({ doc, at, message: `${tenantName(t)} runs workloads without a default-deny ingress NetworkPolicy: ${note}` });
    }
  },
});
