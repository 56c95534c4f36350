import { defineRule } from '../../core/rule.js';
import type { ComposeDocument } from '../../parsers/compose/compose-document.js';

const SOCKETS = /(^|\/)(docker|containerd|crio|podman|cri-dockerd)\.sock$/;
const RUNTIME_DIRS = new Set(['/var/run', '/run', '/var/run/docker', '/run/containerd', '/var/run/containerd', '/var/lib/docker']);

export default defineRule<ComposeDocument>({
  meta: {
    id: 'CMP-0005',
    slug: 'compose-docker-socket-mount',
    title: 'Container runtime socket mounted into a service',
    severity: 'critical',
    scanner: 'misconfig',
    appliesTo: ['compose'],
    frameworks: [
      { id: 'cis-docker', control: '5.32' },
      { id: 'cis-docker', control: '5.6' },
    ],
    rationale:
      'Whoever can talk to the Docker (or containerd, CRI-O, Podman) socket can start a privileged container with the host filesystem mounted: it is root on the host. Read-only mounts do not help, the API is reached over the socket. AI agent sandboxes and notebook images that "need Docker" are a common way this ends up in production.',
    remediation:
      'Remove the socket mount. Give build or sandbox services a rootless runtime or a remote builder (BuildKit, Kaniko), or a narrowly filtered socket proxy that allows only the API calls needed.',
    references: [
      'https://docs.docker.com/engine/security/#docker-daemon-attack-surface',
      'https://docs.docker.com/engine/security/protect-access/',
    ],
    examples: {
      bad: [
        {
          path: 'docker-compose.yml',
          content:
            'services:\n  agent:\n    image: ghcr.io/acme/agent:1.0\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n',
        },
      ],
      good: [
        {
          path: 'docker-compose.yml',
          content: 'services:\n  agent:\n    image: ghcr.io/acme/agent:1.0\n    volumes:\n      - ./workspace:/workspace\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    for (const s of doc.services) {
      for (const v of doc.volumes(s)) {
        if (!v.source || (v.type !== 'bind' && !v.source.startsWith('/'))) continue;
        const src = v.source.replace(/\/+$/, '').replace(/\/\/+/g, '/');
        if (SOCKETS.test(src) || RUNTIME_DIRS.has(src))
          ctx.report({
            message: `Service '${s.name}' mounts the container runtime socket ${src}${v.readOnly ? ' (read-only does not restrict the API)' : ''}`,
            at: v.path,
          });
      }
    }
  },
});
