import { defineRule, type RuleMeta } from '../../core/rule.js';
import { fakePem } from './lib/fakes.js';
import { DETECTOR_OPTION, reportSecrets, TEXT_KINDS } from './lib/report.js';
import type { TextLikeDocument } from './lib/types.js';

const meta: RuleMeta & { slug: 'private-key' } = {
  id: 'SEC-0013',
  slug: 'private-key',
  title: 'Private key in plain text',
  severity: 'critical',
  scanner: 'secrets',
  appliesTo: TEXT_KINDS,
  frameworks: [
    { id: 'mitre-atlas', control: 'AML.T0055' },
    { id: 'nsa-cisa', control: 'secrets' },
  ],
  rationale:
    'A private key (PEM `RSA`/`EC`/`DSA`/PKCS#8, OpenSSH, PGP) lets its holder decrypt traffic, sign as the owner, or log in wherever the public key is trusted. Only complete blocks with a key body are reported (a `-----BEGIN … PRIVATE KEY-----` line alone, or a body of `...`, is not), also when the block is embedded in JSON or YAML with escaped newlines. Passphrase-protected keys (PKCS#8 `ENCRYPTED`, `Proc-Type: 4,ENCRYPTED`, OpenSSH keys with a cipher) are medium. Keys inside Google service-account files are reported by `google-cloud-credential`. Detector id: `private-key`.',
  remediation:
    'Treat the key as compromised: revoke or replace the certificate, remove the public key from `authorized_keys` and deploy keys, and generate a new key pair that never leaves its secret store (Kubernetes Secret from an external store, cert-manager, an HSM or KMS).',
  references: ['https://www.rfc-editor.org/rfc/rfc7468', 'https://cwe.mitre.org/data/definitions/321.html'],
  examples: {
    bad: [{ path: 'tls.key', content: fakePem('RSA PRIVATE KEY') }],
    good: [{ path: 'tls.key', content: '-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----\n' }],
  },
  options: { ...DETECTOR_OPTION },
};

export default defineRule<TextLikeDocument>({
  meta,
  check(doc, ctx) {
    reportSecrets(doc, ctx, meta);
  },
});
