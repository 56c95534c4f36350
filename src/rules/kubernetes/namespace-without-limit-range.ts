import { defineRule } from '../../core/rule.js';
import type { K8sSetDocument } from '../../parsers/k8s/k8s-documents.js';
import { notListed, tenantLocation, tenantName, tenants } from './lib/tenancy.js';

const WORKLOAD =
  'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: notebooks\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: nb\n  namespace: notebooks\nspec:\n  containers:\n  - name: nb\n    image: quay.io/jupyter/base-notebook:2024-10-07\n';

export default defineRule<K8sSetDocument>({
  meta: {
    id: 'K8S-0164',
    slug: 'namespace-without-limit-range',
    title: 'Namespace without a LimitRange',
    severity: 'low',
    scanner: 'misconfig',
    appliesTo: ['k8s-set'],
    frameworks: [{ id: 'nsa-cisa', control: 'resource-policies' }],
    rationale:
      'A LimitRange gives containers that set no requests or limits sane defaults and caps what one container may ask for. Without it, a pod that forgets its limits runs unbounded (BestEffort): a notebook that loads a model too large for its node takes the node\u2019s memory with it, and a ResourceQuota on `limits.*` rejects such pods outright. Only namespaces that run workloads in the scan are judged.',
    remediation:
      'Add a LimitRange of `type: Container` with `default`, `defaultRequest` and `max` for cpu and memory to each tenant namespace.',
    references: [
      'https://kubernetes.io/docs/concepts/policy/limit-range/',
      'https://kubernetes.io/docs/concepts/security/multi-tenancy/#quotas',
    ],
    examples: {
      bad: [{ path: 'nb.yaml', content: WORKLOAD }],
      good: [
        {
          path: 'nb.yaml',
          content:
            WORKLOAD +
            '---\napiVersion: v1\nkind: LimitRange\nmetadata:\n  name: defaults\n  namespace: notebooks\nspec:\n  limits:\n  - type: Container\n    default: {cpu: "2", memory: 8Gi}\n    defaultRequest: {cpu: 500m, memory: 2Gi}\n',
        },
      ],
    },
  },
  check(set, ctx) {
    for (const t of tenants(set).tenants) {
      if (notListed(set, t, '', 'LimitRange')) continue;
      if (t.limitRanges.length > 0) continue;
      const { doc, at } = tenantLocation(t);
      ctx.report({ doc, at, message: `${tenantName(t)} runs workloads without a LimitRange` });
    }
  },
});
