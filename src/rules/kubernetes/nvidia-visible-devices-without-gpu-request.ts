import { defineRule } from '../../core/rule.js';
import type { PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import { gpuSystemComponent, requestsGpu } from './lib/gpu.js';
import { describe, envValue } from './lib/workload.js';

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0120',
    slug: 'nvidia-visible-devices-without-gpu-request',
    title: 'GPU selected by environment without requesting nvidia.com/gpu',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod'],
    frameworks: [
      { id: 'nsa-cisa', control: 'resource-policies' },
      { id: 'mitre-atlas', control: 'AML.T0034' },
    ],
    rationale:
      'On nodes where the NVIDIA runtime reads `NVIDIA_VISIBLE_DEVICES` from the container (the default of the NVIDIA Container Toolkit unless `accept-nvidia-visible-devices-envvar-when-unprivileged = false`), a container that sets it to `all` or to device indices or UUIDs gets those GPUs without asking the scheduler: no `nvidia.com/gpu` request, no quota, and GPUs that the device plugin has already given to another tenant, whose memory it can then read. `void` disables the runtime and is fine; `none` injects the driver libraries without devices (low). `NVIDIA_DRIVER_CAPABILITIES` without a request is medium: combined with the `NVIDIA_VISIBLE_DEVICES=all` that CUDA base images set, it exposes the GPUs the same way. DaemonSets of the GPU stack itself (NVIDIA device plugin, GPU Operator node agents, DCGM exporter, AMD and Intel device plugins) see every GPU by design and are not reported.',
    remediation:
      'Request GPUs with `resources.limits["nvidia.com/gpu"]` and let the device plugin choose them; remove the variable. On the nodes, set `accept-nvidia-visible-devices-envvar-when-unprivileged = false` and `accept-nvidia-visible-devices-as-volume-mounts = true` in the toolkit configuration (GPU Operator: `devicePlugin` with `DEVICE_LIST_STRATEGY=volume-mounts`).',
    references: [
      'https://docs.nvidia.com/datacenter/cloud-native/container-toolkit/latest/docker-specialized.html#gpu-enumeration',
      'https://github.com/NVIDIA/k8s-device-plugin',
      'https://kubernetes.io/docs/tasks/manage-gpus/scheduling-gpus/',
    ],
    examples: {
      bad: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: trainer\nspec:\n  containers:\n  - name: train\n    image: nvcr.io/nvidia/pytorch:24.10-py3\n    env:\n    - name: NVIDIA_VISIBLE_DEVICES\n      value: all\n',
        },
      ],
      good: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: trainer\nspec:\n  containers:\n  - name: train\n    image: nvcr.io/nvidia/pytorch:24.10-py3\n    resources:\n      limits:\n        nvidia.com/gpu: 1\n',
        },
      ],
    },
  },
  check(pod, ctx) {
    // The device plugin and the GPU Operator's node agents see every GPU by design.
    if (gpuSystemComponent(pod)) return;
    for (const c of pod.containers) {
      if (requestsGpu(c)) continue;
      const visible = envValue(c, 'NVIDIA_VISIBLE_DEVICES');
      if (visible?.value !== undefined) {
        const v = visible.value.trim().toLowerCase();
        if (v === '' || v === 'void') continue;
        const at = [...visible.path, 'value'];
        if (v === 'none') {
          ctx.report({
            message: `${describe(c)} sets NVIDIA_VISIBLE_DEVICES=none: the NVIDIA driver libraries and tools are injected without a GPU request`,
            at,
            severity: 'low',
          });
        } else {
          const which = v === 'all' ? 'every GPU of the node' : `GPU(s) ${visible.value.trim()}`;
          ctx.report({
            message: `${describe(c)} selects ${which} through NVIDIA_VISIBLE_DEVICES without requesting nvidia.com/gpu, bypassing the device plugin`,
            at,
          });
        }
        continue;
      }
      const caps = envValue(c, 'NVIDIA_DRIVER_CAPABILITIES');
      if (caps?.value !== undefined && caps.value.trim() !== '') {
        ctx.report({
          message: `${describe(c)} sets NVIDIA_DRIVER_CAPABILITIES without requesting nvidia.com/gpu: with the NVIDIA_VISIBLE_DEVICES=all of CUDA images it gets the node's GPUs`,
          at: [...caps.path, 'value'],
          severity: 'medium',
        });
      }
    }
  },
});
