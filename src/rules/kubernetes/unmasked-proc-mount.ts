import { defineRule } from '../../core/rule.js';
import type { PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import { containerLabel, containerSecurityContext, isSet, PSA_CHECKS, PSS_DOC, str, usesUserNamespace } from './lib/pss.js';

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0009',
    slug: 'unmasked-proc-mount',
    title: 'Unmasked /proc in the host user namespace',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod'],
    frameworks: [
      { id: 'pss', control: 'procMount', level: 'baseline' },
      { id: 'nsa-cisa', control: 'hardening-container-environments' },
    ],
    rationale:
      'The runtime masks and mounts read-only the parts of `/proc` that expose the host kernel (`/proc/kcore`, `/proc/sysrq-trigger`, `/proc/sys`, …). `procMount: Unmasked` removes those protections; in the host user namespace, where container root is node root, that opens host information leaks and kernel tuning from inside the container. Pod Security Admission rejects any procMount other than `Default` at baseline, except for pods in their own user namespace (`hostUsers: false`).',
    remediation:
      'Remove `securityContext.procMount` (or set it to `Default`). Nested container builds that need an unmasked /proc should run in a user namespace (`spec.hostUsers: false`), which the restricted level still rejects (K8S-0019).',
    references: [`${PSS_DOC}#baseline`, 'https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/', PSA_CHECKS],
    examples: {
      bad: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: builder\nspec:\n  containers:\n  - name: buildkit\n    image: moby/buildkit:v0.16.0-rootless\n    securityContext:\n      procMount: Unmasked\n',
        },
      ],
      good: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: builder\nspec:\n  hostUsers: false\n  containers:\n  - name: buildkit\n    image: moby/buildkit:v0.16.0-rootless\n    securityContext:\n      procMount: Unmasked\n',
        },
      ],
    },
  },
  check(pod, ctx) {
    if (usesUserNamespace(pod)) return;
    for (const c of pod.containers) {
      const procMount = containerSecurityContext(c)?.procMount;
      if (isSet(procMount) && procMount !== 'Default') {
        ctx.report({
          message: `${containerLabel(c)} sets procMount '${str(procMount)}' in the host user namespace`,
          at: [...c.path, 'securityContext', 'procMount'],
        });
      }
    }
  },
});
