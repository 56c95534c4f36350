import { defineRule } from '../../core/rule.js';
import type { ComposeDocument } from '../../parsers/compose/compose-document.js';

export default defineRule<ComposeDocument>({
  meta: {
    id: 'CMP-0008',
    slug: 'compose-root-user',
    title: 'Compose service runs as root',
    severity: 'medium',
    scanner: 'misconfig',
    appliesTo: ['compose'],
    frameworks: [
      { id: 'cis-docker', control: '4.1' },
      { id: 'nsa-cisa', control: 'non-root-containers' },
    ],
    rationale:
      '`user: root` (or `0`) overrides a non-root `USER` of the image and runs the service as root: any code execution in it (a notebook cell, a tool call of an agent, a deserialisation bug in a model server) gets root in the container, one kernel or runtime bug away from the host.',
    remediation:
      'Set `user: "10001:10001"` (or remove `user:` when the image already sets a non-root USER) and give that user ownership of the volumes it writes.',
    references: ['https://docs.docker.com/reference/compose-file/services/#user', 'https://docs.docker.com/engine/security/userns-remap/'],
    examples: {
      bad: [
        { path: 'compose.yaml', content: 'services:\n  jupyter:\n    image: quay.io/jupyter/base-notebook:2024-10-07\n    user: root\n' },
      ],
      good: [
        {
          path: 'compose.yaml',
          content: 'services:\n  jupyter:\n    image: quay.io/jupyter/base-notebook:2024-10-07\n    user: "1000:100"\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    for (const s of doc.services) {
      const u = s.service.user;
      if (u === undefined || u === null) continue;
      const name = String(u).split(':')[0].trim().toLowerCase();
      if (name === 'root' || name === '0')
        ctx.report({ message: `Service '${s.name}' runs as root (user: ${String(u)})`, at: [...s.path, 'user'] });
    }
  },
});
