import { defineRule } from '../../core/rule.js';
import type { ImageFactsDocument } from '../../parsers/image/image-facts.js';
import { imageFactsJson } from './lib/examples.js';

/** Caches smaller than this are not worth a finding (an empty lists directory, a lock file). */
const MIN_BYTES = 1024 * 1024;

export default defineRule<ImageFactsDocument>({
  meta: {
    id: 'IMG-0008',
    slug: 'image-package-cache-left',
    title: 'Package manager cache left in a layer',
    severity: 'low',
    scanner: 'misconfig',
    appliesTo: ['image-facts'],
    frameworks: [{ id: 'cis-docker', control: '4.3' }],
    rationale:
      'apt lists and archives, apk, yum/dnf, pip, npm, yarn, conda and Hugging Face caches left in a layer add size to every pull and keep package indexes (and downloaded artefacts) that the running service never needs. Deleting them in a later layer does not help: the bytes stay in the layer that wrote them.',
    remediation:
      'Clean in the same RUN step that fills the cache: `apt-get install … && rm -rf /var/lib/apt/lists/*`, `pip install --no-cache-dir`, `apk add --no-cache`, `npm ci && npm cache clean --force`, or use BuildKit cache mounts (`RUN --mount=type=cache,target=/root/.cache/pip`).',
    references: [
      'https://docs.docker.com/build/building/best-practices/#apt-get',
      'https://docs.docker.com/build/cache/optimize/#use-cache-mounts',
    ],
    examples: {
      bad: [
        {
          path: 'image-facts.json',
          content: imageFactsJson([{ kind: 'package-cache', path: '/root/.cache/pip', mode: '644', layer: 0, bytes: 250_000_000 }]),
        },
      ],
      good: [
        {
          path: 'image-facts.json',
          content: imageFactsJson([{ kind: 'package-cache', path: '/var/lib/apt/lists', mode: '644', layer: 0, bytes: 4096 }]),
        },
      ],
    },
  },
  check(doc, ctx) {
    for (const fact of doc.of('package-cache')) {
      if ((fact.bytes ?? 0) < MIN_BYTES) continue;
      const mib = ((fact.bytes ?? 0) / 1024 / 1024).toFixed(1);
      ctx.report({ message: `Layer ${fact.layer} leaves ${mib} MiB of package manager cache in ${fact.path}`, at: ['facts', fact.index] });
    }
  },
});
