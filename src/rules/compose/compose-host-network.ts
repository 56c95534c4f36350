import { defineRule } from '../../core/rule.js';
import type { ComposeDocument } from '../../parsers/compose/compose-document.js';

export default defineRule<ComposeDocument>({
  meta: {
    id: 'CMP-0002',
    slug: 'compose-host-network',
    title: 'Compose service shares the host network',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['compose'],
    frameworks: [{ id: 'cis-docker', control: '5.10' }],
    rationale:
      "`network_mode: host` puts the container on the host's network stack: every port it opens (a model server, a notebook, a Ray dashboard) is reachable on every host interface without a `ports:` entry, and it can reach services bound to the host's localhost, such as the cloud metadata endpoint proxies and local admin APIs.",
    remediation: 'Remove `network_mode: host` and publish only the ports needed, bound to an interface: `ports: ["127.0.0.1:8000:8000"]`.',
    references: [
      'https://docs.docker.com/reference/compose-file/services/#network_mode',
      'https://docs.docker.com/engine/network/drivers/host/',
    ],
    examples: {
      bad: [{ path: 'compose.yaml', content: 'services:\n  ray:\n    image: rayproject/ray:2.37.0\n    network_mode: host\n' }],
      good: [{ path: 'compose.yaml', content: 'services:\n  ray:\n    image: rayproject/ray:2.37.0\n    network_mode: bridge\n' }],
    },
  },
  check(doc, ctx) {
    for (const s of doc.services)
      if (s.service.network_mode === 'host')
        ctx.report({ message: `Service '${s.name}' uses the host network namespace`, at: [...s.path, 'network_mode'] });
  },
});
