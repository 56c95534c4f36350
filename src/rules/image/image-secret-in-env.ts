import { defineRule } from '../../core/rule.js';
import type { ImageConfigDocument } from '../../parsers/image/image-config.js';
import { findSecret, redact } from '../dockerfile/lib/secrets.js';
import { SECRET_VALUE_RULE_IDS } from '../secrets/lib/value-rules.js';
import { imageConfigJson } from './lib/examples.js';

export default defineRule<ImageConfigDocument>({
  meta: {
    id: 'IMG-0003',
    slug: 'image-secret-in-env',
    title: 'Secret in the image environment',
    severity: 'critical',
    scanner: 'secrets',
    appliesTo: ['image-config'],
    frameworks: [
      { id: 'cis-docker', control: '4.10' },
      { id: 'owasp-llm-2025', control: 'LLM02' },
      { id: 'mitre-atlas', control: 'AML.T0055' },
    ],
    rationale:
      'The `Env` of an image config ships with the image: anyone who can pull it reads the value with `docker inspect`, and every container started from it has the key in its environment. An API key for a model provider, a Hugging Face token or a cloud credential baked in this way is exposed to every registry reader.',
    remediation:
      'Remove the variable from the Dockerfile (`ENV`) and inject the credential at run time from a Secret (Kubernetes Secret, compose `secrets:`, a secret manager). Rotate the key: it is in every copy of the image already pushed.',
    supersedes: SECRET_VALUE_RULE_IDS,
    references: ['https://docs.docker.com/build/building/secrets/'],
    examples: {
      bad: [
        { path: 'config.json', content: imageConfigJson({ Env: ['PATH=/usr/bin', 'HF_TOKEN=hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'] }) },
      ],
      good: [
        {
          path: 'config.json',
          content: imageConfigJson({ Env: ['PATH=/usr/bin', 'HF_TOKEN_FILE=/run/secrets/hf_token', 'HF_HOME=/models'] }),
        },
      ],
    },
  },
  check(doc, ctx) {
    for (const env of doc.env()) {
      const secret = findSecret(env.name, env.value);
      if (!secret) continue;
      ctx.report({
        message: `Env ${env.name} holds ${secret.byValue ? `a ${secret.kind}` : 'a literal secret'}: it ships with the image`,
        at: env.path,
        identity: `Env ${env.name}`,
        evidence: `${env.name}=${redact(env.value)}`,
        severity: secret.byValue ? 'critical' : 'high',
      });
    }
  },
});
