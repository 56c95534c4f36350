import { defineRule } from '../../core/rule.js';
import type { DockerfileDocument } from '../../parsers/dockerfile/dockerfile-document.js';

export default defineRule<DockerfileDocument>({
  meta: {
    id: 'DF-0002',
    slug: 'dockerfile-base-image-unpinned',
    title: 'Base image not pinned by digest',
    severity: 'medium',
    scanner: 'misconfig',
    appliesTo: ['dockerfile'],
    frameworks: [
      { id: 'cis-docker', control: '4.2' },
      { id: 'owasp-llm-2025', control: 'LLM03' },
      { id: 'mitre-atlas', control: 'AML.T0010' },
    ],
    rationale:
      'A base image without a tag is `:latest`, and `latest` (like any tag) moves: the same Dockerfile builds a different image tomorrow, possibly with a compromised or broken CUDA, Python or framework layer. Only a digest (`@sha256:…`) names exactly one image. A fixed version tag without a digest is reported at low severity: it is reproducible in practice but can still be re-pushed.',
    remediation:
      'Pin every base image by digest and keep the tag for readability: `FROM python:3.12-slim@sha256:<digest>`. Let a bot (Dependabot, Renovate) update digests. Build stages count: their output is copied into the final image, and so do images read by `COPY --from=<image>`.',
    references: [
      'https://docs.docker.com/build/building/best-practices/#pin-base-image-versions',
      'https://docs.docker.com/reference/dockerfile/#from',
    ],
    examples: {
      bad: [{ path: 'Dockerfile', content: 'FROM vllm/vllm-openai:latest\nUSER 1000\n' }],
      good: [{ path: 'Dockerfile', content: `FROM vllm/vllm-openai:v0.6.3@sha256:${'0'.repeat(64)}\nUSER 1000\n` }],
    },
  },
  check(doc, ctx) {
    const sources = [
      ...doc.stages
        .filter((s) => s.image)
        .map((s) => ({
          line: s.from.span.start,
          what: 'Base image',
          text: s.imageText,
          resolved: s.resolvedImage,
          ref: s.image!,
          span: s.imageSpan,
        })),
      ...doc
        .externalSources()
        .map((x) => ({
          line: x.span.start,
          what: x.ins.keyword === 'RUN' ? 'RUN --mount image' : 'COPY --from image',
          text: x.text,
          resolved: x.image.reference,
          ref: x.image,
          span: x.span,
        })),
    ].sort((a, b) => a.line - b.line);
    for (const { what, text, resolved, ref, span } of sources) {
      if (ref.digest) continue;
      const shown = text === resolved ? text : `${text} (${resolved})`;
      if (ref.tag === undefined)
        ctx.report({ message: `${what} ${shown} has no tag or digest: it is whatever 'latest' is at build time`, at: span });
      else if (ref.tag.toLowerCase() === 'latest')
        ctx.report({ message: `${what} ${shown} uses the mutable 'latest' tag and no digest`, at: span });
      else ctx.report({ message: `${what} ${shown} is pinned by tag only; pin it by digest`, at: span, severity: 'low' });
    }
  },
});
