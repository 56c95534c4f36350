import { defineRule } from '../../core/rule.js';
import type { K8sSetDocument } from '../../parsers/k8s/k8s-documents.js';
import { isDefaultDeny, notListed, runsAiServices, tenantLocation, tenantName, tenants } from './lib/tenancy.js';

const WORKLOAD =
  'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: llm\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: vllm\n  namespace: llm\nspec:\n  template:\n    metadata:\n      labels: {app: vllm}\n    spec:\n      containers:\n      - name: vllm\n        image: vllm/vllm-openai:v0.6.3\n        resources:\n          limits: {nvidia.com/gpu: 1}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: llm\nspec:\n  podSelector: {}\n';

export default defineRule<K8sSetDocument>({
  meta: {
    id: 'K8S-0161',
    slug: 'namespace-without-default-deny-egress',
    title: 'AI namespace without a default-deny egress NetworkPolicy',
    severity: 'low',
    scanner: 'misconfig',
    appliesTo: ['k8s-set'],
    frameworks: [
      { id: 'nsa-cisa', control: 'network-separation' },
      { id: 'mitre-atlas', control: 'AML.T0025' },
    ],
    rationale:
      'Model servers, notebooks and agents that run untrusted prompts or code can be made to call out: to exfiltrate weights, datasets and credentials, to reach the cloud metadata endpoint, or to fetch a payload (a reverse shell from a poisoned model, an SSRF through a tool call). A default-deny egress policy limits that to the destinations you allow. The rule judges namespaces that run a recognised AI service or request GPUs, where egress matters most.',
    remediation:
      'Add `Egress` to the `policyTypes` of the namespace\u2019s default-deny policy, then allow DNS (kube-dns on port 53) and the destinations the workloads need (the model registry, object storage) with narrower policies.',
    references: [
      'https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-egress-traffic',
      'https://atlas.mitre.org/techniques/AML.T0025',
    ],
    examples: {
      bad: [{ path: 'llm.yaml', content: WORKLOAD }],
      good: [{ path: 'llm.yaml', content: WORKLOAD + '  policyTypes: [Ingress, Egress]\n' }],
    },
  },
  check(set, ctx) {
    const view = tenants(set);
    if (view.clusterPolicies.length > 0) return;
    for (const t of view.tenants) {
      if (t.gpuResources.size === 0 && !runsAiServices(t)) continue;
      if (notListed(set, t, 'networking.k8s.io', 'NetworkPolicy')) continue;
      if (t.otherPolicies.length > 0 || t.networkPolicies.some((np) => isDefaultDeny(np, 'Egress'))) continue;
      const { doc, at } = tenantLocation(t);
      const why = runsAiServices(t) ? 'runs AI services' : `requests ${[...t.gpuResources].join(', ')}`;
      ctx.report({
        doc,
        at,
        message: `${tenantName(t)} ${why} without a default-deny egress NetworkPolicy: its pods can connect anywhere`,
      });
    }
  },
});
