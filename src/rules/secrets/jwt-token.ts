import { defineRule, type RuleMeta } from '../../core/rule.js';
import { B64URL, b64url, fake } from './lib/fakes.js';
import { DETECTOR_OPTION, reportSecrets, TEXT_KINDS } from './lib/report.js';
import type { TextLikeDocument } from './lib/types.js';

const jwtExample = (): string =>
  `${b64url('{"alg":"RS256","typ":"JWT"}')}.${b64url('{"sub":"svc-batch","iss":"https://auth.example.internal"}')}.${fake(B64URL, 86, 'sig')}`;

const meta: RuleMeta & { slug: 'jwt-token' } = {
  id: 'SEC-0014',
  slug: 'jwt-token',
  title: 'JSON Web Token or JWT signing secret in plain text',
  severity: 'medium',
  scanner: 'secrets',
  appliesTo: TEXT_KINDS,
  frameworks: [
    { id: 'mitre-atlas', control: 'AML.T0055' },
    { id: 'nsa-cisa', control: 'secrets' },
  ],
  rationale:
    'A JWT is a bearer credential: whoever holds it is the subject until it expires. Tokens are decoded (never verified against a server) to describe them: the algorithm and expiry are shown, expired and unsigned tokens are low, Supabase `service_role` keys are high, the jwt.io example token is ignored. For HMAC tokens (`HS256`/`HS384`/`HS512`), a value assigned in the same file that verifies the token’s signature is reported as its signing secret (critical): with it anyone can mint tokens. Values assigned to names like `JWT_SECRET` or `signing_key` are reported as signing secrets (high). Detector ids: `jwt`, `jwt-signing-secret`.',
  remediation:
    'Revoke the session or key the token belongs to and rotate the signing secret (every token it signed becomes invalid). Prefer short-lived tokens issued at run time and asymmetric algorithms (RS256/ES256) whose private key stays in a KMS.',
  references: [
    'https://www.rfc-editor.org/rfc/rfc7519',
    'https://cheatsheetseries.owasp.org/cheatsheets/JSON_Web_Token_for_Java_Cheat_Sheet.html',
  ],
  examples: {
    bad: [{ path: 'client.py', content: `TOKEN = "${jwtExample()}"\n` }],
    good: [{ path: 'client.py', content: 'import os\nTOKEN = os.environ["SERVICE_TOKEN"]\n' }],
  },
  options: { ...DETECTOR_OPTION },
};

export default defineRule<TextLikeDocument>({
  meta,
  check(doc, ctx) {
    reportSecrets(doc, ctx, meta);
  },
});
