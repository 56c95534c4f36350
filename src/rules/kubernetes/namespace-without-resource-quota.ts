import { defineRule } from '../../core/rule.js';
import type { K8sSetDocument } from '../../parsers/k8s/k8s-documents.js';
import { notListed, tenantLocation, tenantName, tenants } from './lib/tenancy.js';

const WORKLOAD =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: team-a\nspec:\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n      - name: api\n        image: ghcr.io/example/api:1.4.2\n';

export default defineRule<K8sSetDocument>({
  meta: {
    id: 'K8S-0162',
    slug: 'namespace-without-resource-quota',
    title: 'Namespace without a ResourceQuota',
    severity: 'low',
    scanner: 'misconfig',
    appliesTo: ['k8s-set'],
    frameworks: [{ id: 'nsa-cisa', control: 'resource-policies' }],
    rationale:
      'Without a ResourceQuota one tenant (or one runaway job, or an attacker with create rights) can take every CPU, byte of memory and pod slot of the cluster, starving the others. Only namespaces that run workloads in the scan are judged.',
    remediation:
      'Add a ResourceQuota to each tenant namespace with `requests.cpu`, `requests.memory`, `limits.memory` and `pods`, sized for the team.',
    references: [
      'https://kubernetes.io/docs/concepts/policy/resource-quotas/',
      'https://kubernetes.io/docs/concepts/security/multi-tenancy/#quotas',
    ],
    examples: {
      bad: [{ path: 'team-a.yaml', content: WORKLOAD }],
      good: [
        {
          path: 'team-a.yaml',
          content:
            WORKLOAD +
            '---\napiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: team-a\n  namespace: team-a\nspec:\n  hard: {requests.cpu: "20", requests.memory: 64Gi, pods: "50"}\n',
        },
      ],
    },
  },
  check(set, ctx) {
    for (const t of tenants(set).tenants) {
      if (notListed(set, t, '', 'ResourceQuota')) continue;
      if (t.quotas.length > 0) continue;
      const { doc, at } = tenantLocation(t);
      ctx.report({ doc, at, message: `${tenantName(t)} runs workloads without a ResourceQuota` });
    }
  },
});
