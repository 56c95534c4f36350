import { defineRule } from '../../core/rule.js';
import type { ImageConfigDocument } from '../../parsers/image/image-config.js';
import { imageConfigJson } from './lib/examples.js';

export default defineRule<ImageConfigDocument>({
  meta: {
    id: 'IMG-0002',
    slug: 'image-no-healthcheck',
    title: 'Image has no healthcheck',
    severity: 'low',
    scanner: 'misconfig',
    appliesTo: ['image-config'],
    frameworks: [{ id: 'cis-docker', control: '4.6' }],
    rationale:
      'Without a healthcheck, Docker and compose treat a container whose server hangs (a model that failed to load, a deadlocked worker) as running. Kubernetes ignores image healthchecks and uses probes instead, so this matters for images run by Docker, compose or Swarm.',
    remediation:
      "Add `HEALTHCHECK CMD curl -fsS http://localhost:8000/health || exit 1` (or the server's own health endpoint) to the Dockerfile, or define liveness/readiness probes where the image runs on Kubernetes.",
    references: ['https://docs.docker.com/reference/dockerfile/#healthcheck'],
    examples: {
      bad: [{ path: 'config.json', content: imageConfigJson({ User: '10001', Cmd: ['vllm', 'serve'] }) }],
      good: [
        {
          path: 'config.json',
          content: imageConfigJson({
            User: '10001',
            Cmd: ['vllm', 'serve'],
            Healthcheck: { Test: ['CMD-SHELL', 'curl -fsS http://localhost:8000/health || exit 1'] },
          }),
        },
      ],
    },
  },
  check(doc, ctx) {
    const test = doc.healthcheck;
    if (test === undefined) ctx.report({ message: 'The image config defines no healthcheck', at: ['config'] });
    else if (test[0]?.toUpperCase() === 'NONE')
      ctx.report({ message: 'The image disables the healthcheck of its base image', at: ['config', 'Healthcheck', 'Test'] });
  },
});
