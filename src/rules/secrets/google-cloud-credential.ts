import { defineRule, type RuleMeta } from '../../core/rule.js';
import { fakes } from './lib/fakes.js';
import { DETECTOR_OPTION, reportSecrets, TEXT_KINDS } from './lib/report.js';
import type { TextLikeDocument } from './lib/types.js';

const meta: RuleMeta & { slug: 'google-cloud-credential' } = {
  id: 'SEC-0004',
  slug: 'google-cloud-credential',
  title: 'Google Cloud credential in plain text',
  severity: 'high',
  scanner: 'secrets',
  appliesTo: TEXT_KINDS,
  frameworks: [
    { id: 'mitre-atlas', control: 'AML.T0055' },
    { id: 'nsa-cisa', control: 'secrets' },
  ],
  rationale:
    'Google API keys (`AIza…`) call Google APIs (Gemini, Maps, Vertex AI express mode) billed to their project; OAuth client secrets (`GOCSPX-…`) let anyone impersonate the OAuth client; a service-account key file (JSON with `"type": "service_account"` and a `private_key`) grants every IAM role of the service account until the key is deleted (critical). Detector ids: `google-api-key`, `google-oauth-client-secret`, `gcp-service-account-key`.',
  remediation:
    'Delete the key (APIs & Services → Credentials, or IAM → Service accounts → Keys) and create a new, restricted one. Prefer keyless authentication: Workload Identity on GKE, workload identity federation elsewhere; keep API keys restricted to the APIs and callers that need them and out of source files.',
  references: [
    'https://cloud.google.com/docs/authentication/api-keys',
    'https://cloud.google.com/iam/docs/best-practices-for-managing-service-account-keys',
  ],
  examples: {
    bad: [{ path: 'settings.py', content: `GEMINI_API_KEY = "${fakes.googleApiKey()}"\n` }],
    good: [{ path: 'settings.py', content: 'import os\nGEMINI_API_KEY = os.environ["GEMINI_API_KEY"]\n' }],
  },
  options: { ...DETECTOR_OPTION },
};

export default defineRule<TextLikeDocument>({
  meta,
  check(doc, ctx) {
    reportSecrets(doc, ctx, meta);
  },
});
