import { testRule } from '../../testing/rule-tester.js';
import rule from './google-cloud-credential.js';
import { fakePem, fakes } from './lib/fakes.js';

const apiKey = fakes.googleApiKey();
const oauth = fakes.googleOauthSecret();
const pem = fakePem('PRIVATE KEY').replace(/\n/g, '\\n');
const serviceAccount = `{
  "type": "service_account",
  "project_id": "ml-prod",
  "private_key_id": "0123456789abcdef0123456789abcdef01234567",
  "private_key": "${pem}\\n",
  "client_email": "trainer@ml-prod.iam.gserviceaccount.com"
}
`;

testRule(rule, {
  valid: [
    { name: 'environment lookup', path: 'settings.py', content: 'GEMINI_API_KEY = os.environ["GEMINI_API_KEY"]\n' },
    {
      name: 'service account file without a key body',
      path: 'sa.json',
      content: '{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\n...\\n-----END PRIVATE KEY-----\\n"}\n',
    },
    { name: 'placeholder key', path: 'README.md', content: 'key=AIzaSyXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\n' },
  ],
  invalid: [
    {
      path: 'settings.py',
      content: `GEMINI_API_KEY = "${apiKey}"\n`,
      findings: [
        {
          startLine: 1,
          startColumn: 19,
          endLine: 1,
          endColumn: 58,
          message: 'Google API key in plain text',
          evidence: `Google API key AIza${apiKey.slice(4, 6)}… (39 chars)`,
        },
      ],
    },
    {
      path: 'client_secret.json',
      content: `{"installed": {"client_id": "1234.apps.googleusercontent.com", "client_secret": "${oauth}"}}\n`,
      findings: [{ startLine: 1, startColumn: 82, endLine: 1, endColumn: 117, message: 'Google OAuth client secret in plain text' }],
    },
    {
      name: 'service-account key file',
      path: 'sa.json',
      content: serviceAccount,
      findings: [
        {
          startLine: 5,
          startColumn: 19,
          endLine: 5,
          endColumn: 19 + pem.length,
          severity: 'critical',
          message: 'Google Cloud service account private key in plain text (service account trainer@ml-prod.iam.gserviceaccount.com)',
          evidence: `Google Cloud service account private key (${pem.length} chars)`,
        },
      ],
    },
  ],
});
