import { defineRule } from '../../core/rule.js';
import type { PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import { asMapping, containerAnchor, describe, hasResource, mergedWithRuntime, missingWhat, regularContainers } from './lib/workload.js';

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0103',
    slug: 'resource-requests-missing',
    title: 'Container without memory or CPU request',
    severity: 'low',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod'],
    frameworks: [{ id: 'nsa-cisa', control: 'resource-policies' }],
    rationale:
      'Requests are what the scheduler reserves. A container without them (and without a limit, from which Kubernetes copies the request) is scheduled as if it needed nothing, lands on nodes that are already full and is the first to be evicted under pressure: a BestEffort pod. Quotas that count requests do not see it either.',
    remediation:
      'Set `resources.requests.cpu` and `resources.requests.memory` on every container from observed usage. Setting only a limit also works: Kubernetes then uses the limit as the request.',
    references: [
      'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#requests-and-limits',
      'https://kubernetes.io/docs/concepts/workloads/pods/pod-qos/',
    ],
    examples: {
      bad: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: embed\nspec:\n  containers:\n  - name: embed\n    image: ghcr.io/acme/embed:1.2.0\n',
        },
      ],
      good: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: embed\nspec:\n  containers:\n  - name: embed\n    image: ghcr.io/acme/embed:1.2.0\n    resources:\n      requests:\n        cpu: 500m\n        memory: 2Gi\n',
        },
      ],
    },
  },
  check(pod, ctx) {
    for (const c of regularContainers(pod)) {
      // Resources of KServe runtimes and model components are merged from both sides.
      if (mergedWithRuntime(pod, c)) continue;
      // A limit without a request defaults the request to the limit.
      const memory = !hasResource(c, 'requests', 'memory') && !hasResource(c, 'limits', 'memory');
      const cpu = !hasResource(c, 'requests', 'cpu') && !hasResource(c, 'limits', 'cpu');
      if (!memory && !cpu) continue;
      const res = c.container.resources;
      const at =
        res === undefined
          ? containerAnchor(c)
          : asMapping(res).requests !== undefined
            ? [...c.path, 'resources', 'requests']
            : [...c.path, 'resources'];
      ctx.report({
        message: `${describe(c)} has no ${missingWhat(memory, cpu)} request`,
        at,
        subject: [...c.path, 'resources', 'requests', ...(memory && cpu ? [] : [memory ? 'memory' : 'cpu'])],
      });
    }
  },
});
