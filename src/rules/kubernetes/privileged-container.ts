import { defineRule } from '../../core/rule.js';
import type { PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import { containerLabel, containerSecurityContext, PSA_CHECKS } from './lib/pss.js';

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0003',
    slug: 'privileged-container',
    title: 'Privileged container',
    severity: 'critical',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod'],
    frameworks: [
      { id: 'pss', control: 'privileged', level: 'baseline' },
      { id: 'cis-k8s', control: '5.2.2' },
      { id: 'nsa-cisa', control: 'pod-security' },
    ],
    rationale:
      'A privileged container has every capability and all host devices, with no seccomp, AppArmor or SELinux confinement: it is root on the node. On GPU nodes it is a common shortcut to reach the devices, and a one-step container escape.',
    remediation:
      'Remove `securityContext.privileged: true`. GPU containers get their devices from the NVIDIA device plugin through `resources.limits["nvidia.com/gpu"]`; add only the specific capabilities a workload needs.',
    references: [
      'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
      'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/',
      PSA_CHECKS,
    ],
    examples: {
      bad: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: vllm\nspec:\n  containers:\n  - name: vllm\n    image: vllm/vllm-openai:v0.6.3\n    securityContext:\n      privileged: true\n',
        },
      ],
      good: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: vllm\nspec:\n  containers:\n  - name: vllm\n    image: vllm/vllm-openai:v0.6.3\n    securityContext:\n      privileged: false\n',
        },
      ],
    },
  },
  check(pod, ctx) {
    for (const c of pod.containers) {
      if (containerSecurityContext(c)?.privileged === true) {
        ctx.report({ message: `${containerLabel(c)} runs privileged`, at: [...c.path, 'securityContext', 'privileged'] });
      }
    }
  },
});
