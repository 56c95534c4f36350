import { defineRule } from '../../core/rule.js';
import type { ImageConfigDocument } from '../../parsers/image/image-config.js';
import { imageConfigJson } from './lib/examples.js';

const ROOT = new Set(['', 'root', '0', '0:0', 'root:root', 'root:0', '0:root']);

export default defineRule<ImageConfigDocument>({
  meta: {
    id: 'IMG-0001',
    slug: 'image-runs-as-root',
    title: 'Image runs as root',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['image-config'],
    frameworks: [
      { id: 'cis-docker', control: '4.1' },
      { id: 'nsa-cisa', control: 'non-root-containers' },
    ],
    rationale:
      'The image config sets no user, or sets root: unless the orchestrator overrides it, every process of the container runs as UID 0. A break-out of an inference server, a notebook or a deserialisation bug then starts with root inside the container and, with any host mount or kernel bug, on the node.',
    remediation:
      'Create an unprivileged user in the image and end the Dockerfile with `USER 10001` (a numeric UID lets Kubernetes verify `runAsNonRoot`). Give it ownership of only the directories it writes (model cache, tmp).',
    references: [
      'https://docs.docker.com/build/building/best-practices/#user',
      'https://github.com/opencontainers/image-spec/blob/main/config.md',
    ],
    examples: {
      bad: [{ path: 'config.json', content: imageConfigJson({ Cmd: ['python', 'serve.py'] }) }],
      good: [{ path: 'config.json', content: imageConfigJson({ User: '10001', Cmd: ['python', 'serve.py'] }) }],
    },
  },
  check(doc, ctx) {
    const user = doc.user.trim();
    if (!ROOT.has(user.toLowerCase())) return;
    if (user === '') ctx.report({ message: 'The image config sets no user: the container runs as root', at: ['config'] });
    else ctx.report({ message: `The image config sets User '${user}': the container runs as root`, at: ['config', 'User'] });
  },
});
