import { defineRule } from '../../core/rule.js';
import type { PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import { containerLabel, containerSecurityContext, isSet, PSA_CHECKS, PSS_DOC, str, usesUserNamespace } from './lib/pss.js';

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0019',
    slug: 'proc-mount-restricted',
    title: 'Unmasked /proc in a user-namespaced pod',
    severity: 'low',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod'],
    frameworks: [
      { id: 'pss', control: 'procMount_restricted', level: 'restricted' },
      { id: 'nsa-cisa', control: 'hardening-container-environments' },
    ],
    rationale:
      'Baseline allows an unmasked /proc when the pod has its own user namespace (`hostUsers: false`), because container root is then an unprivileged user on the node. The restricted level does not: it accepts only the `Default` procMount for every pod, so the masked kernel interfaces stay masked even where a user namespace limits the damage. (An unmasked /proc in the host user namespace is reported by K8S-0009.)',
    remediation:
      'Remove `securityContext.procMount` (or set it to `Default`), or run the workload in a namespace enforcing the baseline level only.',
    references: [
      `${PSS_DOC}#restricted`,
      'https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/#integration-with-pod-security-admission-checks',
      PSA_CHECKS,
    ],
    examples: {
      bad: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: builder\nspec:\n  hostUsers: false\n  containers:\n  - name: buildkit\n    image: moby/buildkit:v0.16.0-rootless\n    securityContext:\n      procMount: Unmasked\n',
        },
      ],
      good: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: builder\nspec:\n  hostUsers: false\n  containers:\n  - name: buildkit\n    image: moby/buildkit:v0.16.0-rootless\n    securityContext:\n      procMount: Default\n',
        },
      ],
    },
  },
  check(pod, ctx) {
    // Outside a user namespace the same setting already fails baseline (K8S-0009).
    if (!usesUserNamespace(pod)) return;
    for (const c of pod.containers) {
      const procMount = containerSecurityContext(c)?.procMount;
      if (isSet(procMount) && procMount !== 'Default') {
        ctx.report({ message: `${containerLabel(c)} sets procMount '${str(procMount)}'`, at: [...c.path, 'securityContext', 'procMount'] });
      }
    }
  },
});
