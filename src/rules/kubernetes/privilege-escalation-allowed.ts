import { defineRule } from '../../core/rule.js';
import type { PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import { setValueEdit } from '../../parsers/yaml/yaml-edit.js';
import {
  containerLabel,
  containerSecurityContext,
  existingContainerPath,
  isWindowsPod,
  PSA_CHECKS,
  PSS_DOC,
  SECURITY_CONTEXT_DOC,
} from './lib/pss.js';

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0014',
    slug: 'privilege-escalation-allowed',
    title: 'Privilege escalation not disabled',
    severity: 'medium',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod'],
    frameworks: [
      { id: 'pss', control: 'allowPrivilegeEscalation', level: 'restricted' },
      { id: 'cis-k8s', control: '5.2.6' },
      { id: 'nsa-cisa', control: 'pod-security' },
    ],
    rationale:
      "Unless `allowPrivilegeEscalation` is false, the container's processes may gain more privileges than their parent (the `no_new_privs` flag is not set): setuid binaries such as `sudo` or `su` in an ML base image, or file capabilities, turn a compromised non-root process into root. The restricted level requires every container, init container and ephemeral container to set it to false explicitly; Windows pods (`spec.os.name: windows`) are exempt.",
    remediation: 'Set `securityContext.allowPrivilegeEscalation: false` on every container.',
    references: [`${PSS_DOC}#restricted`, SECURITY_CONTEXT_DOC, PSA_CHECKS],
    examples: {
      bad: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\nspec:\n  containers:\n  - name: api\n    image: api:1.0\n    securityContext:\n      runAsNonRoot: true\n',
        },
      ],
      good: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\nspec:\n  containers:\n  - name: api\n    image: api:1.0\n    securityContext:\n      runAsNonRoot: true\n      allowPrivilegeEscalation: false\n',
        },
      ],
    },
    fixable: true,
  },
  check(pod, ctx) {
    if (isWindowsPod(pod)) return;
    for (const c of pod.containers) {
      const value = containerSecurityContext(c)?.allowPrivilegeEscalation;
      if (value === false) continue;
      const path = [...c.path, 'securityContext', 'allowPrivilegeEscalation'];
      const edit = setValueEdit(pod.owner, path, false);
      const fix = edit && { description: 'Set securityContext.allowPrivilegeEscalation: false', edits: [edit] };
      if (value === true) {
        ctx.report({ message: `${containerLabel(c)} allows privilege escalation (allowPrivilegeEscalation: true)`, at: path, fix });
      } else {
        ctx.report({
          message: `${containerLabel(c)} does not set securityContext.allowPrivilegeEscalation: false`,
          at: existingContainerPath(c, ['securityContext', 'allowPrivilegeEscalation']),
          subject: path,
          evidence: 'allowPrivilegeEscalation not set',
          fix,
        });
      }
    }
  },
});
