import { defineRule } from '../../core/rule.js';
import type { PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import { setValueEdit, type YamlScalar } from '../../parsers/yaml/yaml-edit.js';
import { gpuResources } from './lib/gpu.js';
import { describe, resourceValue } from './lib/workload.js';

function same(a: unknown, b: unknown): boolean {
  return String(a).trim() === String(b).trim() || (Number.isFinite(Number(a)) && Number(a) === Number(b));
}

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0123',
    slug: 'gpu-request-limit-mismatch',
    title: 'GPU request differs from the GPU limit',
    severity: 'low',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod'],
    frameworks: [{ id: 'nsa-cisa', control: 'resource-policies' }],
    rationale:
      'GPUs are extended resources: they cannot be overcommitted, so Kubernetes requires the request to equal the limit and takes the limit as the request when only the limit is set. A request without a limit, or one that differs from it, is rejected by the API server: the workload never runs, or a Helm upgrade fails halfway, and quota accounting done by request and limit disagrees. It usually means someone expected GPUs to burst like CPU.',
    remediation:
      'Set only `resources.limits["nvidia.com/gpu"]`, or set the request to exactly the same number. The fix sets the limit to the request when there is no limit, and the request to the limit otherwise.',
    fixable: true,
    references: [
      'https://kubernetes.io/docs/tasks/manage-gpus/scheduling-gpus/#using-device-plugins',
      'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#consuming-extended-resources',
    ],
    examples: {
      bad: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: train\nspec:\n  containers:\n  - name: train\n    image: nvcr.io/nvidia/pytorch:24.10-py3\n    resources:\n      requests:\n        nvidia.com/gpu: 1\n      limits:\n        nvidia.com/gpu: 2\n',
        },
      ],
      good: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: train\nspec:\n  containers:\n  - name: train\n    image: nvcr.io/nvidia/pytorch:24.10-py3\n    resources:\n      limits:\n        nvidia.com/gpu: 2\n',
        },
      ],
    },
  },
  check(pod, ctx) {
    for (const c of pod.containers) {
      for (const r of gpuResources(c)) {
        if (r.section !== 'requests') continue;
        const limit = resourceValue(c, 'limits', r.name);
        if (limit !== undefined && same(limit, r.value)) continue;
        const scalar = (v: unknown): YamlScalar => (typeof v === 'number' ? v : String(v));
        const edit =
          limit === undefined
            ? setValueEdit(pod.owner, [...c.path, 'resources', 'limits', r.name], scalar(r.value))
            : setValueEdit(pod.owner, [...c.path, 'resources', 'requests', r.name], scalar(limit));
        const fix = edit
          ? {
              fix: {
                description: limit === undefined ? `Set the ${r.name} limit to the request` : `Set the ${r.name} request to the limit`,
                edits: [edit],
              },
            }
          : {};
        ctx.report({
          ...fix,
          message:
            limit === undefined
              ? `${describe(c)} requests ${String(r.value)} ${r.name} without a limit; extended resources need limits equal to requests`
              : `${describe(c)} requests ${String(r.value)} ${r.name} but limits it to ${String(limit)}; extended resources cannot be overcommitted`,
          at: [...c.path, 'resources', 'requests', r.name],
        });
      }
    }
  },
});
