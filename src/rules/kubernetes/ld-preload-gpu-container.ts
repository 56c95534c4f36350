import { defineRule } from '../../core/rule.js';
import type { PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import { isGpuContainer } from './lib/gpu.js';
import { describe, envOf } from './lib/workload.js';

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0121',
    slug: 'ld-preload-gpu-container',
    title: 'LD_PRELOAD set in a GPU container (CVE-2025-23266)',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod', 'k8s-container-override'],
    frameworks: [
      { id: 'nsa-cisa', control: 'hardening-container-environments' },
      { id: 'nsa-cisa', control: 'pod-security' },
    ],
    rationale:
      'The NVIDIA Container Toolkit runs an OCI `createContainer` hook on the host, as root, for every GPU container. Up to version 1.17.7 (GPU Operator 25.3.0) the hook inherited the container\'s environment, so `LD_PRELOAD` pointing at a library inside the image made the host-side hook load attacker code: a three-line container escape to root on the GPU node (CVE-2025-23266, "NVIDIAScape", CVSS 9.0). Legitimate GPU workloads have no need to preload libraries through the pod spec, so the variable in a GPU container is either an exploit attempt or a risk worth removing even on patched nodes.',
    remediation:
      "Remove `LD_PRELOAD` from GPU containers (load the library from the application, or build it into the image's linker configuration). Upgrade the NVIDIA Container Toolkit to 1.17.8 or later (GPU Operator 25.3.1 or later); on older versions disable the `enable-cuda-compat` hook (`features.disable-cuda-compat-lib-hook = true`).",
    references: [
      'https://nvd.nist.gov/vuln/detail/CVE-2025-23266',
      'https://docs.nvidia.com/datacenter/cloud-native/container-toolkit/latest/release-notes.html',
    ],
    examples: {
      bad: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: job\nspec:\n  containers:\n  - name: job\n    image: ghcr.io/acme/cuda-job:1.0\n    env:\n    - name: LD_PRELOAD\n      value: ./poc.so\n    resources:\n      limits:\n        nvidia.com/gpu: 1\n',
        },
      ],
      good: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: job\nspec:\n  containers:\n  - name: job\n    image: ghcr.io/acme/cuda-job:1.0\n    resources:\n      limits:\n        nvidia.com/gpu: 1\n',
        },
      ],
    },
  },
  check(pod, ctx) {
    for (const c of pod.containers) {
      const preload = envOf(c).filter((e) => e.name === 'LD_PRELOAD' && (e.fromRef || (e.value ?? '').trim() !== ''));
      if (preload.length === 0 || !isGpuContainer(pod, c)) continue;
      for (const e of preload) {
        const what = e.fromRef ? 'from a reference' : `to '${e.value}'`;
        ctx.report({
          message: `${describe(c)} is a GPU container and sets LD_PRELOAD ${what}: on NVIDIA Container Toolkit 1.17.7 and earlier the host-side hook loads it as root (CVE-2025-23266)`,
          at: e.path,
        });
      }
    }
  },
});
