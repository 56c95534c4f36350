import { defineRule } from '../../core/rule.js';
import type { ComposeDocument } from '../../parsers/compose/compose-document.js';

export default defineRule<ComposeDocument>({
  meta: {
    id: 'CMP-0003',
    slug: 'compose-host-pid',
    title: 'Compose service shares the host PID namespace',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['compose'],
    frameworks: [{ id: 'cis-docker', control: '5.16' }],
    rationale:
      '`pid: host` lets the container see every process on the host, read their environment and command lines (API keys, tokens passed as flags) and, with ptrace or root, attach to them.',
    remediation: 'Remove `pid: host`. Monitoring agents that need it belong on dedicated hosts, not next to model servers.',
    references: [
      'https://docs.docker.com/reference/compose-file/services/#pid',
      'https://docs.docker.com/engine/containers/run/#pid-settings---pid',
    ],
    examples: {
      bad: [{ path: 'compose.yaml', content: 'services:\n  app:\n    image: python:3.12\n    pid: host\n' }],
      good: [{ path: 'compose.yaml', content: 'services:\n  app:\n    image: python:3.12\n' }],
    },
  },
  check(doc, ctx) {
    for (const s of doc.services)
      if (s.service.pid === 'host') ctx.report({ message: `Service '${s.name}' shares the host PID namespace`, at: [...s.path, 'pid'] });
  },
});
