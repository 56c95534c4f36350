import { defineRule } from '../../core/rule.js';
import type { ComposeDocument } from '../../parsers/compose/compose-document.js';
import { removeEntry } from './lib/edits.js';

export default defineRule<ComposeDocument>({
  meta: {
    id: 'CMP-0001',
    slug: 'compose-privileged',
    title: 'Privileged compose service',
    severity: 'critical',
    scanner: 'misconfig',
    appliesTo: ['compose'],
    frameworks: [
      { id: 'cis-docker', control: '5.5' },
      { id: 'nsa-cisa', control: 'pod-security' },
    ],
    rationale:
      '`privileged: true` gives the container every capability, every host device and no seccomp or AppArmor confinement: root in it is root on the host. It is often added to reach GPUs, which the NVIDIA runtime provides without it.',
    remediation:
      'Remove `privileged: true`. Request GPUs with `deploy.resources.reservations.devices` (`capabilities: [gpu]`) and add only the specific capability a workload needs with `cap_add`.',
    references: [
      'https://docs.docker.com/reference/compose-file/services/#privileged',
      'https://docs.docker.com/compose/how-tos/gpu-support/',
    ],
    fixable: true,
    examples: {
      bad: [{ path: 'compose.yaml', content: 'services:\n  vllm:\n    image: vllm/vllm-openai:v0.6.3\n    privileged: true\n' }],
      good: [{ path: 'compose.yaml', content: 'services:\n  vllm:\n    image: vllm/vllm-openai:v0.6.3\n    privileged: false\n' }],
    },
  },
  check(doc, ctx) {
    for (const s of doc.services) {
      if (s.service.privileged !== true && s.service.privileged !== 'true') continue;
      const at = [...s.path, 'privileged'];
      const fix = removeEntry(doc, at, `Remove 'privileged: true' from service '${s.name}'`);
      ctx.report({ message: `Service '${s.name}' runs privileged`, at, ...(fix ? { fix } : {}) });
    }
  },
});
