import { defineRule } from '../../core/rule.js';
import type { DockerfileDocument } from '../../parsers/dockerfile/dockerfile-document.js';
import { substituteVariables } from '../../parsers/dockerfile/image-ref.js';

const ROOT = new Set(['root', '0']);

/** Base images documented to run as a non-root user by default. */
function nonRootBase(registry: string, repository: string, tag: string): boolean {
  if (/nonroot/i.test(`${repository}:${tag}`)) return true;
  if ((registry === 'quay.io' && repository.startsWith('jupyter/')) || (registry === 'docker.io' && repository.startsWith('jupyter/')))
    return true;
  if (registry === 'docker.io' && repository.startsWith('bitnami/')) return true;
  return registry === 'cgr.dev' && repository.startsWith('chainguard/') && !tag.includes('-dev');
}

export default defineRule<DockerfileDocument>({
  meta: {
    id: 'DF-0001',
    slug: 'dockerfile-root-user',
    title: 'Image runs as root',
    severity: 'medium',
    scanner: 'misconfig',
    appliesTo: ['dockerfile'],
    frameworks: [
      { id: 'cis-docker', control: '4.1' },
      { id: 'nsa-cisa', control: 'non-root-containers' },
    ],
    rationale:
      'The user of the final stage is the user the container runs as. Without a `USER` instruction (or with `USER root`/`USER 0`) every process in the container is root: a compromise of the model server, notebook or agent turns into root inside the container, one kernel or runtime bug away from the host. GPU images are no exception, the NVIDIA runtime does not need root.',
    remediation:
      'Create an unprivileged user and switch to it at the end of the final stage, e.g. `RUN useradd --uid 10001 --create-home app` then `USER 10001`. Keep `USER root` only in build stages or before the final `USER`.',
    references: ['https://docs.docker.com/build/building/best-practices/#user', 'https://docs.docker.com/reference/dockerfile/#user'],
    examples: {
      bad: [{ path: 'Dockerfile', content: 'FROM python:3.12-slim\nRUN pip install --no-cache-dir vllm==0.6.3\nCMD ["vllm", "serve"]\n' }],
      good: [
        {
          path: 'Dockerfile',
          content:
            'FROM python:3.12-slim\nRUN useradd --uid 10001 app && pip install --no-cache-dir vllm==0.6.3\nUSER 10001\nCMD ["vllm", "serve"]\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    const final = doc.finalStage;
    if (!final) return;
    for (const stage of doc.lineage(final)) {
      const users = stage.instructions.filter((i) => i.keyword === 'USER');
      const last = users[users.length - 1];
      if (!last) continue;
      const raw = last.args[0]?.value ?? '';
      const user = substituteVariables(raw, doc.variablesAt(last), {
        escape: doc.escapeChar,
        plainEscapes: last.args[0]?.plainEscapes,
      }).split(':')[0];
      if (user.includes('$')) return;
      if (ROOT.has(user.toLowerCase()))
        ctx.report({ message: `The final stage switches to '${raw}': the container runs as root`, at: last.span });
      return;
    }
    const root = doc.lineage(final).pop()!;
    const ref = root.image;
    if (ref && nonRootBase(ref.registry, ref.repository, ref.tag ?? 'latest')) return;
    if (!ref && !root.scratch) return;
    ctx.report({
      message: `The final stage (FROM ${final.imageText}) sets no USER: the container runs as root`,
      at: final.from.span,
    });
  },
});
