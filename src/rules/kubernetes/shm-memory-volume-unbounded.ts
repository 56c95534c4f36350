import { defineRule } from '../../core/rule.js';
import type { PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import { asMapping, hasResource, mountsOf, volumesOf } from './lib/workload.js';

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0124',
    slug: 'shm-memory-volume-unbounded',
    title: 'Memory-backed emptyDir without sizeLimit',
    severity: 'medium',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod'],
    frameworks: [{ id: 'nsa-cisa', control: 'resource-policies' }],
    rationale:
      "PyTorch data loaders, NCCL and vLLM need a large `/dev/shm`, usually given as `emptyDir: {medium: Memory}`. That is a tmpfs in the node's RAM: without `sizeLimit` it is bounded only by the memory limit of the pod, and when a writing container has no memory limit, by the node. A runaway data loader, a large batch or a tenant filling the volume on purpose then takes the node's memory and gets other pods OOM-killed or evicted. With memory limits on every container that mounts it the finding is low: the container is killed instead of the node suffering.",
    remediation:
      'Set `emptyDir.sizeLimit` (for `/dev/shm`, a few GiB to a fraction of the memory limit) and give the containers that mount it a memory limit.',
    references: [
      'https://kubernetes.io/docs/concepts/storage/volumes/#emptydir',
      'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#setting-requests-and-limits-for-local-ephemeral-storage',
    ],
    examples: {
      bad: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: vllm\nspec:\n  containers:\n  - name: vllm\n    image: vllm/vllm-openai:v0.6.3\n    volumeMounts:\n    - name: shm\n      mountPath: /dev/shm\n  volumes:\n  - name: shm\n    emptyDir:\n      medium: Memory\n',
        },
      ],
      good: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: vllm\nspec:\n  containers:\n  - name: vllm\n    image: vllm/vllm-openai:v0.6.3\n    resources:\n      limits:\n        memory: 32Gi\n    volumeMounts:\n    - name: shm\n      mountPath: /dev/shm\n  volumes:\n  - name: shm\n    emptyDir:\n      medium: Memory\n      sizeLimit: 8Gi\n',
        },
      ],
    },
  },
  check(pod, ctx) {
    for (const v of volumesOf(pod)) {
      if (!('emptyDir' in v.volume)) continue;
      const ed = asMapping(v.volume.emptyDir);
      if (ed.medium !== 'Memory' || (ed.sizeLimit !== undefined && ed.sizeLimit !== null && ed.sizeLimit !== '')) continue;
      const mounts = mountsOf(pod, v.name);
      const unlimited = [
        ...new Set(mounts.filter((m) => !hasResource(m.container, 'limits', 'memory')).map((m) => `'${m.container.name}'`)),
      ];
      const where = mounts.length > 0 ? ` mounted at ${[...new Set(mounts.map((m) => m.mountPath))].join(', ')}` : '';
      ctx.report({
        message:
          `Memory-backed emptyDir '${v.name}'${where} has no sizeLimit` +
          (unlimited.length > 0
            ? `, and ${unlimited.join(', ')} ha${unlimited.length > 1 ? 've' : 's'} no memory limit: it can fill the node's RAM`
            : ''),
        at: [...v.path, 'emptyDir'],
        severity: unlimited.length > 0 ? 'medium' : 'low',
      });
    }
  },
});
