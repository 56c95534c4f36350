import { defineRule } from '../../core/rule.js';
import type { ImageConfigDocument } from '../../parsers/image/image-config.js';
import { findSecret, redact } from '../dockerfile/lib/secrets.js';
import { SECRET_VALUE_RULE_IDS } from '../secrets/lib/value-rules.js';
import { imageConfigJson } from './lib/examples.js';

export default defineRule<ImageConfigDocument>({
  meta: {
    id: 'IMG-0004',
    slug: 'image-secret-in-label',
    title: 'Secret in an image label',
    severity: 'high',
    scanner: 'secrets',
    appliesTo: ['image-config'],
    frameworks: [
      { id: 'cis-docker', control: '4.10' },
      { id: 'mitre-atlas', control: 'AML.T0055' },
    ],
    rationale:
      'Labels are image metadata shown by `docker inspect`, registries and scanners: a credential put in a label (often through a build argument such as `LABEL token=$TOKEN`) is readable by anyone who can list the image.',
    remediation: 'Remove the label and rebuild; never pass credentials through labels. Rotate the exposed credential.',
    supersedes: SECRET_VALUE_RULE_IDS,
    references: ['https://github.com/opencontainers/image-spec/blob/main/annotations.md'],
    examples: {
      bad: [
        {
          path: 'config.json',
          content: imageConfigJson({ Labels: { 'org.example.deploy-token': 'ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789' } }),
        },
      ],
      good: [
        {
          path: 'config.json',
          content: imageConfigJson({ Labels: { 'org.opencontainers.image.source': 'https://github.com/acme/serve' } }),
        },
      ],
    },
  },
  check(doc, ctx) {
    for (const label of doc.labels()) {
      const secret = findSecret(label.name, label.value);
      if (!secret) continue;
      ctx.report({
        message: `Label ${label.name} holds ${secret.byValue ? `a ${secret.kind}` : 'a literal secret'}`,
        at: label.path,
        evidence: `${label.name}=${redact(label.value)}`,
      });
    }
  },
});
