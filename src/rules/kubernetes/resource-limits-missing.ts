import { defineRule } from '../../core/rule.js';
import type { PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import { asMapping, containerAnchor, describe, hasResource, mergedWithRuntime, missingWhat, regularContainers } from './lib/workload.js';

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0102',
    slug: 'resource-limits-missing',
    title: 'Container without memory or CPU limit',
    severity: 'medium',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod'],
    frameworks: [{ id: 'nsa-cisa', control: 'resource-policies' }],
    rationale:
      'A container without a memory limit can take the memory of the whole node: a model that loads larger than expected, a tokenizer fed a huge prompt or a leaking worker pushes its neighbours into the OOM killer and can make the kubelet evict system pods. A missing CPU limit is less severe (the scheduler still shares CPU by requests) but lets one tenant starve the others of burst capacity. Without a memory limit the finding is medium; a missing CPU limit alone is low.',
    remediation:
      'Set `resources.limits.memory` (and `cpu` where throttling is acceptable) on every container, sized from observed peaks; a LimitRange can supply defaults per namespace.',
    references: [
      'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
      'https://kubernetes.io/docs/concepts/policy/limit-range/',
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
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: embed\nspec:\n  containers:\n  - name: embed\n    image: ghcr.io/acme/embed:1.2.0\n    resources:\n      limits:\n        cpu: "2"\n        memory: 4Gi\n',
        },
      ],
    },
  },
  check(pod, ctx) {
    for (const c of regularContainers(pod)) {
      // Resources of KServe runtimes and model components are merged from both sides.
      if (mergedWithRuntime(pod, c)) continue;
      const memory = !hasResource(c, 'limits', 'memory');
      const cpu = !hasResource(c, 'limits', 'cpu');
      if (!memory && !cpu) continue;
      const res = c.container.resources;
      const at =
        res === undefined
          ? containerAnchor(c)
          : asMapping(res).limits !== undefined
            ? [...c.path, 'resources', 'limits']
            : [...c.path, 'resources'];
      ctx.report({
        message: `${describe(c)} has no ${missingWhat(memory, cpu)} limit`,
        at,
        // Which limits are missing is part of what the finding is about (its severity follows it).
        subject: [...c.path, 'resources', 'limits', ...(memory && cpu ? [] : [memory ? 'memory' : 'cpu'])],
        severity: memory ? 'medium' : 'low',
      });
    }
  },
});
