import { defineRule } from '../../core/rule.js';
import type { PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import { appendToSequenceEdit } from '../../parsers/yaml/yaml-edit.js';
import {
  BASELINE_CAPABILITIES,
  containerLabel,
  containerSecurityContext,
  existingContainerPath,
  isWindowsPod,
  mapping,
  PSA_CHECKS,
  PSS_DOC,
  SECURITY_CONTEXT_DOC,
  str,
} from './lib/pss.js';

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0018',
    slug: 'capabilities-not-dropped',
    title: 'Capabilities not dropped',
    severity: 'low',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod'],
    frameworks: [
      { id: 'pss', control: 'capabilities_restricted', level: 'restricted' },
      { id: 'cis-k8s', control: '5.2.10' },
      { id: 'nsa-cisa', control: 'pod-security' },
    ],
    rationale:
      'Containers start with a default set of capabilities (CHOWN, DAC_OVERRIDE, FOWNER, SETUID, SETGID, NET_RAW in some runtimes, …) that few applications need and that make privilege escalation and lateral movement easier. The restricted level requires every container, init container and ephemeral container to drop ALL and to add back nothing but NET_BIND_SERVICE; Windows pods (`spec.os.name: windows`) are exempt. (Capabilities outside the baseline set are reported by K8S-0004.)',
    remediation:
      'Set `securityContext.capabilities.drop: ["ALL"]` on every container and add back only `NET_BIND_SERVICE` when the process binds a port below 1024.',
    references: [`${PSS_DOC}#restricted`, `${SECURITY_CONTEXT_DOC}#set-capabilities-for-a-container`, PSA_CHECKS],
    examples: {
      bad: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\nspec:\n  containers:\n  - name: api\n    image: api:1.0\n    securityContext:\n      capabilities:\n        drop: [NET_RAW]\n',
        },
      ],
      good: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\nspec:\n  containers:\n  - name: api\n    image: api:1.0\n    securityContext:\n      capabilities:\n        drop: [ALL]\n        add: [NET_BIND_SERVICE]\n',
        },
      ],
    },
    fixable: true,
  },
  check(pod, ctx) {
    if (isWindowsPod(pod)) return;
    for (const c of pod.containers) {
      const caps = mapping(containerSecurityContext(c)?.capabilities);
      const drop = caps?.drop;
      if (!(Array.isArray(drop) && drop.includes('ALL'))) {
        const field = [...c.path, 'securityContext', 'capabilities', 'drop'];
        const edit = appendToSequenceEdit(pod.owner, field, 'ALL');
        ctx.report({
          message: `${containerLabel(c)} does not drop ALL capabilities (securityContext.capabilities.drop)`,
          at: existingContainerPath(c, ['securityContext', 'capabilities', 'drop']),
          ...(Array.isArray(drop) ? {} : { subject: field }),
          evidence: Array.isArray(drop) ? `drop: [${drop.map(str).join(', ')}]` : 'capabilities.drop not set',
          fix: edit && {
            description: 'Add ALL to securityContext.capabilities.drop (add back NET_BIND_SERVICE if the process binds a port below 1024)',
            edits: [edit],
          },
        });
      }
      const add = caps?.add;
      if (!Array.isArray(add)) continue;
      // Capabilities outside the baseline set fail baseline already (K8S-0004).
      const extra = add.map(str).filter((cap) => cap !== 'NET_BIND_SERVICE' && BASELINE_CAPABILITIES.has(cap));
      if (extra.length > 0) {
        ctx.report({
          message: `${containerLabel(c)} adds ${extra.join(', ')}: the restricted level allows adding only NET_BIND_SERVICE`,
          at: [...c.path, 'securityContext', 'capabilities', 'add'],
        });
      }
    }
  },
});
