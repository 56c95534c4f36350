import { defineRule } from '../../core/rule.js';
import type { K8sSetDocument } from '../../parsers/k8s/k8s-documents.js';
import { notListed, quotaCovers, tenantLocation, tenantName, tenants } from './lib/tenancy.js';

const WORKLOAD =
  'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: finetune\n  namespace: research\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: train\n        image: nvcr.io/nvidia/pytorch:24.08-py3\n        resources:\n          limits: {nvidia.com/gpu: 8}\n---\napiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: compute\n  namespace: research\nspec:\n  hard:\n    requests.cpu: "64"\n';

export default defineRule<K8sSetDocument>({
  meta: {
    id: 'K8S-0163',
    slug: 'namespace-without-gpu-quota',
    title: 'GPU namespace without a GPU quota',
    severity: 'medium',
    scanner: 'misconfig',
    appliesTo: ['k8s-set'],
    frameworks: [
      { id: 'nsa-cisa', control: 'resource-policies' },
      { id: 'mitre-atlas', control: 'AML.T0034' },
      { id: 'owasp-llm-2025', control: 'LLM10' },
    ],
    rationale:
      'GPUs are the scarcest and most expensive resource of an AI cluster. A namespace whose workloads request accelerators but whose ResourceQuota does not cap `requests.<resource>` (e.g. `requests.nvidia.com/gpu`) can take every GPU: one team starves the others, and a stolen token or an open notebook turns into cryptomining or cost harvesting at GPU prices.',
    remediation:
      'Add `requests.nvidia.com/gpu` (and the equivalent for other accelerators or MIG profiles used, e.g. `requests.nvidia.com/mig-1g.10gb`) to the namespace\u2019s ResourceQuota. Extended resources only accept the `requests.` prefix in a quota.',
    references: [
      'https://kubernetes.io/docs/concepts/policy/resource-quotas/#resource-quota-for-extended-resources',
      'https://atlas.mitre.org/techniques/AML.T0034',
      'https://genai.owasp.org/llmrisk/llm102025-unbounded-consumption/',
    ],
    examples: {
      bad: [{ path: 'research.yaml', content: WORKLOAD }],
      good: [{ path: 'research.yaml', content: WORKLOAD + '    requests.nvidia.com/gpu: "8"\n' }],
    },
  },
  check(set, ctx) {
    for (const t of tenants(set).tenants) {
      if (notListed(set, t, '', 'ResourceQuota')) continue;
      const missing = [...t.gpuResources].filter((r) => !quotaCovers(t.quotas, r)).sort();
      if (missing.length === 0) continue;
      const { doc, at } = tenantLocation(t);
      const quotas = t.quotas.length
        ? `its ResourceQuota does not cap ${missing.map((r) => `requests.${r}`).join(', ')}`
        : 'it has no ResourceQuota';
      ctx.report({ doc, at, message: `${tenantName(t)} requests ${missing.join(', ')} but ${quotas}` });
    }
  },
});
