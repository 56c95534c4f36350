import { defineRule } from '../../core/rule.js';
import type { DockerfileDocument } from '../../parsers/dockerfile/dockerfile-document.js';

/** `docker.io`, `ghcr.io/acme` (a registry and a repository prefix), `*.dkr.ecr.us-east-1.amazonaws.com`. */
export function registryAllowed(registry: string, repository: string, allowed: readonly string[]): boolean {
  const full = `${registry}/${repository}`.toLowerCase();
  return allowed.some((entry) => {
    const e = entry.toLowerCase().replace(/\/+$/, '');
    if (e.startsWith('*.')) return registry.endsWith(e.slice(1));
    if (e.includes('/')) return full === e || full.startsWith(`${e}/`);
    return registry === e;
  });
}

export default defineRule<DockerfileDocument>({
  meta: {
    id: 'DF-0003',
    slug: 'dockerfile-base-image-registry',
    title: 'Base image from a registry outside the allow-list',
    severity: 'medium',
    scanner: 'misconfig',
    appliesTo: ['dockerfile'],
    frameworks: [
      { id: 'cis-docker', control: '4.2' },
      { id: 'owasp-llm-2025', control: 'LLM03' },
      { id: 'mitre-atlas', control: 'AML.T0010' },
    ],
    rationale:
      'Organisations that mirror and scan their base images (CUDA, PyTorch, Python) want every build to start from them. A base image pulled straight from a public or unknown registry bypasses that review and is a supply-chain entry point. The rule is off until `allowedRegistries` is configured.',
    remediation:
      'Pull base images through the approved registry or mirror (e.g. `FROM registry.internal/mirror/python:3.12@sha256:…`), or add the registry to `allowedRegistries` after review.',
    references: [
      'https://docs.docker.com/build/building/best-practices/#choose-the-right-base-image',
      'https://slsa.dev/spec/v1.0/threats',
    ],
    options: {
      allowedRegistries: {
        description:
          'Registries base images may come from: a host (`docker.io`, `nvcr.io`), a host and repository prefix (`ghcr.io/acme`) or a wildcard host (`*.dkr.ecr.eu-west-1.amazonaws.com`). Empty: every registry is allowed.',
        default: [],
      },
    },
    examples: {
      bad: [
        {
          path: 'Dockerfile',
          content: 'FROM docker.io/library/python:3.12-slim\nUSER 1000\n',
          options: { allowedRegistries: ['registry.acme.dev'] },
        },
      ],
      good: [
        {
          path: 'Dockerfile',
          content: 'FROM registry.acme.dev/mirror/python:3.12-slim\nUSER 1000\n',
          options: { allowedRegistries: ['registry.acme.dev'] },
        },
      ],
    },
  },
  check(doc, ctx) {
    const allowed = Array.isArray(ctx.options.allowedRegistries) ? (ctx.options.allowedRegistries as unknown[]).map(String) : [];
    if (allowed.length === 0) return;
    for (const stage of doc.stages) {
      const ref = stage.image;
      if (!ref || registryAllowed(ref.registry, ref.repository, allowed)) continue;
      ctx.report({
        message: `Base image ${stage.resolvedImage} comes from ${ref.registry}, which is not an allowed registry`,
        at: stage.imageSpan,
      });
    }
    for (const x of doc.externalSources()) {
      if (registryAllowed(x.image.registry, x.image.repository, allowed)) continue;
      ctx.report({
        message: `${x.ins.keyword === 'RUN' ? 'RUN --mount' : 'COPY --from'} image ${x.image.reference} comes from ${x.image.registry}, which is not an allowed registry`,
        at: x.span,
      });
    }
  },
});
