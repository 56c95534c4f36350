import { defineRule } from '../../core/rule.js';
import type { PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import { gpuSystemComponent } from './lib/gpu.js';
import { asMapping, mountsOf, volumesOf } from './lib/workload.js';

/** Host paths that hand a container GPU device nodes directly. */
function gpuDevicePath(p: string): string | undefined {
  let s = p.trim().replace(/\/{2,}/g, '/');
  while (s.length > 1 && s.endsWith('/')) s = s.slice(0, -1);
  if (s === '/dev') return 'every device of the node, its GPUs included';
  if (s.startsWith('/dev/nvidia')) return 'NVIDIA GPU device nodes';
  if (s === '/dev/dri' || s.startsWith('/dev/dri/')) return 'GPU render nodes';
  if (s === '/dev/kfd') return 'the AMD GPU compute device';
  return undefined;
}

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0122',
    slug: 'gpu-device-host-path',
    title: 'GPU device nodes mounted with hostPath',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod'],
    frameworks: [
      { id: 'cis-k8s', control: '5.2.12' },
      { id: 'nsa-cisa', control: 'resource-policies' },
      { id: 'mitre-atlas', control: 'AML.T0034' },
    ],
    // The generic hostPath finding on the same volume folds into this one.
    supersedes: ['K8S-0005'],
    rationale:
      'Mounting `/dev/nvidia*` (or `/dev`, `/dev/dri`, `/dev/kfd`) from the host gives the container GPUs the scheduler never allocated to it: it shares them with the pods the device plugin did assign them to, can read their GPU memory (model weights, prompts, activations) and can starve or crash them. `/dev/nvidiactl` and `/dev/nvidia-uvm` expose driver interfaces with a history of privilege escalation bugs. (Privileged GPU containers, which see the same devices, are reported by K8S-0003.) DaemonSets of the GPU stack itself (NVIDIA device plugin, GPU Operator node agents, DCGM exporter, AMD and Intel device plugins) mount the device nodes by design and are not reported.',
    remediation:
      'Request GPUs with `resources.limits["nvidia.com/gpu"]` (or a DRA ResourceClaim) and let the device plugin inject exactly the assigned devices; remove the hostPath volume.',
    references: [
      'https://kubernetes.io/docs/tasks/manage-gpus/scheduling-gpus/',
      'https://kubernetes.io/docs/concepts/storage/volumes/#hostpath',
    ],
    examples: {
      bad: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: infer\nspec:\n  containers:\n  - name: infer\n    image: nvcr.io/nvidia/tritonserver:24.10-py3\n    volumeMounts:\n    - name: gpu0\n      mountPath: /dev/nvidia0\n  volumes:\n  - name: gpu0\n    hostPath:\n      path: /dev/nvidia0\n',
        },
      ],
      good: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: infer\nspec:\n  containers:\n  - name: infer\n    image: nvcr.io/nvidia/tritonserver:24.10-py3\n    resources:\n      limits:\n        nvidia.com/gpu: 1\n',
        },
      ],
    },
  },
  check(pod, ctx) {
    // The device plugin and the GPU Operator's node agents mount the device nodes by design.
    if (gpuSystemComponent(pod)) return;
    for (const v of volumesOf(pod)) {
      const hp = asMapping(v.volume.hostPath);
      if (typeof hp.path !== 'string') continue;
      const what = gpuDevicePath(hp.path);
      if (!what) continue;
      const users = [...new Set(mountsOf(pod, v.name).map((m) => `'${m.container.name}'`))];
      ctx.report({
        message: `Volume '${v.name}' mounts host path '${hp.path}' (${what})${users.length ? ` into ${users.join(', ')}` : ''}, outside the GPU device plugin`,
        at: [...v.path, 'hostPath', 'path'],
      });
    }
  },
});
