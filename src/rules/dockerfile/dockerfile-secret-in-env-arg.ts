import { defineRule } from '../../core/rule.js';
import type { DockerfileDocument } from '../../parsers/dockerfile/dockerfile-document.js';
import { findSecret, isSecretName, redact, secretValueKind } from './lib/secrets.js';
import { SECRET_VALUE_RULE_IDS } from '../secrets/lib/value-rules.js';

/** `$NAME` or `${NAME…}` as the whole value. */
const REFERENCE = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)/;

export default defineRule<DockerfileDocument>({
  meta: {
    id: 'DF-0004',
    slug: 'dockerfile-secret-in-env-arg',
    title: 'Secret in ENV or ARG',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['dockerfile'],
    frameworks: [
      { id: 'cis-docker', control: '4.10' },
      { id: 'owasp-llm-2025', control: 'LLM02' },
      { id: 'mitre-atlas', control: 'AML.T0055' },
    ],
    rationale:
      '`ENV` values are stored in the image configuration and visible to anyone who can pull the image (`docker inspect`); `ARG` defaults and build arguments end up in the build history and provenance. A Hugging Face, OpenAI or cloud key set this way leaks with every copy of the image. An ARG without a default is reported at medium: the value is supplied at build time but still recorded.',
    remediation:
      'Use BuildKit secrets for build-time credentials (`RUN --mount=type=secret,id=hf_token HF_TOKEN=$(cat /run/secrets/hf_token) huggingface-cli download …`) and inject runtime credentials from the orchestrator (Kubernetes Secrets, compose `secrets:`), never through ENV or ARG. Rotate any key that was committed.',
    supersedes: SECRET_VALUE_RULE_IDS,
    references: [
      'https://docs.docker.com/build/building/secrets/',
      'https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/',
    ],
    examples: {
      bad: [{ path: 'Dockerfile', content: 'FROM python:3.12-slim\nENV OPENAI_API_KEY=sk-proj-Abcdefghijklmnopqrstuvwx1234\n' }],
      good: [
        {
          path: 'Dockerfile',
          content:
            'FROM python:3.12-slim\nRUN --mount=type=secret,id=hf_token HF_TOKEN=$(cat /run/secrets/hf_token) python -c "print(1)"\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    for (const ins of doc.byKeyword('ENV', 'ARG', 'LABEL')) {
      for (const p of ins.properties) {
        // A word BuildKit reads as a name without a value: `ARG HF_TOKEN hf_…` is two ARG names, and
        // `ENV A=1 hf_…` an ENV BuildKit rejects. A credential there is still written in the file.
        const wordKind = p.value === null ? secretValueKind(p.name) : undefined;
        if (wordKind) {
          ctx.report({
            message: `${ins.keyword} holds a literal ${wordKind} in a word BuildKit reads as a name without a value; it stays in the Dockerfile`,
            at: p.nameSpan,
            evidence: `${ins.keyword} ${redact(p.name)}`,
          });
          continue;
        }
        if (ins.keyword === 'LABEL') continue;
        const secret = findSecret(p.name, p.value);
        if (secret && p.value) {
          const what = secret.byValue ? `a literal ${secret.kind}` : 'a literal secret';
          ctx.report({
            message: `${ins.keyword} ${p.name} holds ${what}; it is stored in the image`,
            at: p.span,
            evidence: `${ins.keyword} ${p.name}=${redact(p.value)}`,
          });
          continue;
        }
        if (ins.keyword === 'ENV' && p.value) {
          const ref = p.literalDollars?.has(0) ? undefined : REFERENCE.exec(p.value)?.[1];
          if (ref && (isSecretName(ref) || isSecretName(p.name)))
            ctx.report({
              message: `ENV ${p.name} copies the build variable ${ref} into the image configuration`,
              at: p.span,
              evidence: `ENV ${p.name}=$${ref}`,
            });
        } else if (ins.keyword === 'ARG' && p.value === null && isSecretName(p.name)) {
          ctx.report({
            message: `ARG ${p.name} passes a secret as a build argument; use a BuildKit secret mount`,
            at: p.span,
            severity: 'medium',
            evidence: `ARG ${p.name}`,
          });
        }
      }
    }
  },
});
