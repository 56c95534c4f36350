import { defineRule } from '../../core/rule.js';
import type { K8sObjectDocument } from '../../parsers/k8s/k8s-documents.js';
import { fakes } from './lib/fakes.js';
import { findSecrets } from './lib/scan.js';
import { isPlaceholder, isReference } from './lib/values.js';

const secret = (body: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: llm-keys\n  namespace: llm\ntype: Opaque\n${body}`;

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A value a real deployment would hold: not empty, not a placeholder, not a template. */
function isRealValue(v: string): boolean {
  const t = v.trim();
  return t !== '' && !t.includes('{{') && !isReference(t) && !isPlaceholder(t);
}

function decodeBase64(v: string): string | undefined {
  const t = v.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t) || t.length % 4 !== 0) return undefined;
  return Buffer.from(t, 'base64').toString('utf8');
}

export default defineRule<K8sObjectDocument>({
  meta: {
    id: 'SEC-0017',
    slug: 'kubernetes-secret-manifest',
    title: 'Kubernetes Secret manifest with values committed',
    severity: 'medium',
    scanner: 'secrets',
    appliesTo: ['k8s'],
    frameworks: [
      { id: 'nsa-cisa', control: 'secrets' },
      { id: 'mitre-atlas', control: 'AML.T0055' },
    ],
    rationale:
      'A `Secret` manifest with `data` or `stringData` values stored in a repository is plain text to everyone who can read the repository: base64 in `data` is an encoding, not encryption, and it hides the credential from reviewers and from text-based secret scanners. The values of `data` are decoded and checked with the provider detectors of the other secret rules; a recognised credential makes the finding high. Empty values, placeholders (`REPLACE_ME`, `<token>`, `${VAR}`) and Helm templates are not values and are ignored. Credentials in `stringData` are also reported by the rule of their provider.',
    remediation:
      'Keep only the shape of the Secret in the repository and its values in a secret store: External Secrets Operator (`ExternalSecret`), Sealed Secrets (`SealedSecret`), SOPS-encrypted manifests, or the Secrets Store CSI driver. Rotate every value that was committed.',
    references: [
      'https://kubernetes.io/docs/concepts/configuration/secret/',
      'https://kubernetes.io/docs/concepts/security/secrets-good-practices/',
      'https://external-secrets.io/latest/',
    ],
    examples: {
      bad: [
        { path: 'secret.yaml', content: secret(`data:\n  OPENAI_API_KEY: ${Buffer.from(fakes.openaiProject()).toString('base64')}\n`) },
      ],
      good: [{ path: 'secret.yaml', content: secret('stringData:\n  OPENAI_API_KEY: REPLACE_ME\n') }],
    },
  },
  check(doc, ctx) {
    if (doc.object.kind !== 'Secret' || !/^v1$/.test(String(doc.object.apiVersion))) return;
    const names: string[] = [];
    const found: string[] = [];
    let at: string | undefined;
    for (const field of ['stringData', 'data'] as const) {
      const values = doc.get([field]);
      if (!isMapping(values)) continue;
      for (const [k, v] of Object.entries(values)) {
        if (typeof v !== 'string') continue;
        const plain = field === 'data' ? decodeBase64(v) : v;
        if (plain === undefined || !isRealValue(plain)) continue;
        names.push(`${field}.${k}`);
        at ??= field;
        if (field === 'data') {
          const hit = findSecrets(plain, { path: doc.file.path, isCode: false }).find((h) => h.rule !== 'generic-secret');
          if (hit) found.push(`${field}.${k} holds: ${hit.label}`);
        }
      }
    }
    if (!at) return;
    const shown = names.length > 4 ? `${names.slice(0, 4).join(', ')}, …` : names.join(', ');
    const name = `${doc.resource.namespace ? doc.resource.namespace + '/' : ''}${doc.name}`;
    ctx.report({
      message: `Secret '${name}' is committed with ${names.length} value${names.length === 1 ? '' : 's'} (${shown})${found.length ? `; ${found.join('; ')} (base64-encoded)` : ''}`,
      at: [at],
      evidence: `${names.length} value${names.length === 1 ? '' : 's'}: ${names.join(', ').slice(0, 120)}`,
      ...(found.length ? { severity: 'high' as const } : {}),
    });
  },
});
