import { defineRule, type RuleContext } from '../../core/rule.js';
import type { ObjectPath } from '../../core/types.js';
import type { PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import {
  containerLabel,
  containerSecurityContext,
  mapping,
  podSecurityContext,
  podSecurityContextPath,
  reportsPodLevel,
  PSA_CHECKS,
  PSS_DOC,
  str,
} from './lib/pss.js';

/** SELinux types the baseline accepts (an empty type keeps the runtime's default, container_t). */
const ALLOWED_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
/** Types that switch confinement off altogether. */
const UNCONFINED_TYPES = new Set(['spc_t', 'unconfined_t']);

function checkOptions(ctx: RuleContext, o: Record<string, unknown>, at: ObjectPath, who: string): void {
  const type = str(o.type);
  if (!ALLOWED_TYPES.has(type)) {
    ctx.report({
      message: `${who} sets SELinux type '${type}'`,
      at: [...at, 'type'],
      severity: UNCONFINED_TYPES.has(type) ? 'high' : undefined,
    });
  }
  for (const field of ['user', 'role'] as const) {
    const v = str(o[field]);
    if (v !== '') ctx.report({ message: `${who} sets SELinux ${field} '${v}'`, at: [...at, field] });
  }
}

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0008',
    slug: 'selinux-options',
    title: 'Custom SELinux type, user or role',
    severity: 'medium',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod'],
    frameworks: [
      { id: 'pss', control: 'seLinuxOptions', level: 'baseline' },
      { id: 'nsa-cisa', control: 'hardening-container-environments' },
    ],
    rationale:
      'On SELinux nodes every container runs as `container_t`, which keeps it away from host files and other containers. Choosing another type (`spc_t` is fully unconfined), or a custom SELinux user or role, escapes that policy. Pod Security Admission accepts only the container types (`container_t`, `container_init_t`, `container_kvm_t`, `container_engine_t`) and no user or role, at pod and container level; the MCS `level` is free.',
    remediation:
      'Remove `seLinuxOptions.type`, `user` and `role` (keep `level` if you need a specific MCS category), or use one of the container types.',
    references: [
      `${PSS_DOC}#baseline`,
      'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#assign-selinux-labels-to-a-container',
      PSA_CHECKS,
    ],
    examples: {
      bad: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: agent\nspec:\n  securityContext:\n    seLinuxOptions:\n      type: spc_t\n  containers:\n  - name: agent\n    image: agent:1.0\n',
        },
      ],
      good: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: agent\nspec:\n  securityContext:\n    seLinuxOptions:\n      level: "s0:c123,c456"\n  containers:\n  - name: agent\n    image: agent:1.0\n',
        },
      ],
    },
  },
  check(pod, ctx) {
    const podOptions = mapping(podSecurityContext(pod)?.seLinuxOptions);
    if (podOptions && reportsPodLevel(pod)) checkOptions(ctx, podOptions, [...podSecurityContextPath(pod), 'seLinuxOptions'], 'Pod');
    for (const c of pod.containers) {
      const options = mapping(containerSecurityContext(c)?.seLinuxOptions);
      if (options) checkOptions(ctx, options, [...c.path, 'securityContext', 'seLinuxOptions'], containerLabel(c));
    }
  },
});
