import { defineRule } from '../../core/rule.js';
import type { PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import {
  containerLabel,
  containerSecurityContext,
  podSecurityContext,
  podSecurityContextPath,
  reportsPodLevel,
  PSA_CHECKS,
  PSS_DOC,
  SECURITY_CONTEXT_DOC,
  usesUserNamespace,
} from './lib/pss.js';

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0016',
    slug: 'run-as-root-user',
    title: 'Runs as UID 0',
    severity: 'medium',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod'],
    frameworks: [
      { id: 'pss', control: 'runAsUser', level: 'restricted' },
      { id: 'cis-k8s', control: '5.2.7' },
      { id: 'nsa-cisa', control: 'non-root-containers' },
    ],
    rationale:
      '`runAsUser: 0` runs the container as root whatever the image says. Root in a container owns its file system, can use every capability the container keeps and is one kernel bug or one misconfigured mount away from root on the node. The restricted level rejects `runAsUser: 0` at pod and container level, except for pods in their own user namespace (`hostUsers: false`), where UID 0 maps to an unprivileged user of the node.',
    remediation:
      "Set `runAsUser` to a non-zero UID (for example the image's non-root user, often 1000 or 65532) and `runAsNonRoot: true`; give the process write access through `fsGroup` or volume permissions rather than root.",
    references: [`${PSS_DOC}#restricted`, SECURITY_CONTEXT_DOC, PSA_CHECKS],
    examples: {
      bad: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\nspec:\n  securityContext:\n    runAsUser: 0\n  containers:\n  - name: api\n    image: api:1.0\n',
        },
      ],
      good: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\nspec:\n  securityContext:\n    runAsUser: 1000\n    runAsNonRoot: true\n  containers:\n  - name: api\n    image: api:1.0\n',
        },
      ],
    },
  },
  check(pod, ctx) {
    if (usesUserNamespace(pod)) return;
    if (podSecurityContext(pod)?.runAsUser === 0 && reportsPodLevel(pod))
      ctx.report({ message: 'Pod runs as root (runAsUser: 0)', at: [...podSecurityContextPath(pod), 'runAsUser'] });
    for (const c of pod.containers) {
      if (containerSecurityContext(c)?.runAsUser === 0)
        ctx.report({ message: `${containerLabel(c)} runs as root (runAsUser: 0)`, at: [...c.path, 'securityContext', 'runAsUser'] });
    }
  },
});
