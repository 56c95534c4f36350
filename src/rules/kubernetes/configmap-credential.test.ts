import { testRule } from '../../testing/rule-tester.js';
import rule from './configmap-credential.js';

const cm = (data: string, kind = 'ConfigMap') => `apiVersion: v1
kind: ${kind}
metadata:
  name: app
data:
  LOG_LEVEL: info
${data}`;

/** KServe's `inferenceservice-config` `credentials` entry, as v0.14.0 ships it: names of Secret keys, no credential. */
const KSERVE_CREDENTIALS = `  credentials: |-
    {
       "storageSpecSecretName": "storage-config",
       "storageSecretNameAnnotation": "serving.kserve.io/storageSecretName",
       "gcs": {
           "gcsCredentialFileName": "gcloud-application-credentials.json"
       },
       "s3": {
           "s3AccessKeyIDName": "AWS_ACCESS_KEY_ID",
           "s3SecretAccessKeyName": "AWS_SECRET_ACCESS_KEY",
           "s3Endpoint": "",
           "s3UseHttps": "",
           "s3Region": ""
       }
    }
`;

testRule(rule, {
  valid: [
    { name: "KServe's credentials entry names Secret keys and variables", path: 'kserve.yaml', content: cm(KSERVE_CREDENTIALS) },
    {
      name: 'keys that name where the credential is',
      path: 'cm.yaml',
      content: cm(
        '  storageSecretNameAnnotation: serving.kserve.io/storageSecretName\n  AWS_SECRET_ACCESS_KEY_ENV: AWS_SECRET_ACCESS_KEY\n  dbPasswordRef: POSTGRES_PASSWORD\n',
      ),
    },
    {
      name: 'references and settings',
      path: 'cm.yaml',
      content: cm(
        '  password_file: /run/secrets/db\n  secretName: db\n  TOKEN_URL: https://auth.example.com/token\n  max_tokens: "4096"\n  tokenizer: bert\n',
      ),
    },
    { name: 'a boolean under a credential name', path: 'cm.yaml', content: cm('  REDIS_PASSWORD: "false"\n') },
    { name: 'a Secret is the right place', path: 'secret.yaml', content: cm('  DB_PASSWORD: aGVsbG8td29ybGQ=\n', 'Secret') },
  ],
  invalid: [
    {
      name: 'a JSON credentials entry that holds a secret key is reported with the key inside it',
      path: 'kserve.yaml',
      content: cm(
        KSERVE_CREDENTIALS.replace(
          '"s3Region": ""',
          '"s3Region": "",\n           "s3SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8t4Vw2Lm"',
        ),
      ),
      findings: [
        {
          startLine: 7,
          startColumn: 3,
          endLine: 22,
          endColumn: 6,
          severity: 'high',
          objectPath: '/data/credentials',
          message:
            "ConfigMap 'app' holds a secret under 'credentials' → 's3.s3SecretAccessKey' (a literal value: wJal…): keep it in a Secret",
          evidence: 'credentials.s3.s3SecretAccessKey: wJal…',
        },
      ],
    },
    {
      name: 'a key format under a naming key is still a key',
      path: 'cm.yaml',
      content: cm('  credentials: \'{"s3": {"s3AccessKeyIDName": "AKIA2E0A8F3B244C9986"}}\'\n'),
      findings: [
        {
          startLine: 7,
          startColumn: 3,
          endLine: 7,
          endColumn: 71,
          severity: 'high',
          message: /holds an AWS access key id under 'credentials' → 's3\.s3AccessKeyIDName' \(an AWS access key id: AKIA…\)/,
        },
      ],
    },
    {
      name: 'a value that is not an identifier under a naming key',
      path: 'cm.yaml',
      content: cm('  s3SecretAccessKeyAnnotation: Zx9#pQ2!mK7@wL4$\n'),
      findings: [{ startLine: 7, startColumn: 3, endLine: 7, endColumn: 48, severity: 'high' }],
    },
    {
      name: 'a provider key is high and redacted',
      path: 'cm.yaml',
      content: cm('  OPENAI_API_KEY: sk-proj-aBcDeFgHiJkLmNoPqRsTuVwXyZ0123\n'),
      findings: [
        {
          startLine: 7,
          startColumn: 3,
          endLine: 7,
          endColumn: 57,
          message: "ConfigMap 'app' holds an API key under 'OPENAI_API_KEY' (an OpenAI API key: sk-p…): keep it in a Secret",
          objectPath: '/data/OPENAI_API_KEY',
          severity: 'high',
          evidence: 'OPENAI_API_KEY: sk-p…',
        },
      ],
    },
    {
      name: 'a real password is high, a short one medium, a placeholder low',
      path: 'cm.yaml',
      content: cm(
        '  postgresPassword: Tr0ub4dor-and-3\n  adminPassword: admin\n  AWS_SECRET_ACCESS_KEY: "<set me>"\n  AZURE_CLIENT_SECRET: ""\n',
      ),
      findings: [
        {
          startLine: 7,
          startColumn: 3,
          endLine: 7,
          endColumn: 36,
          severity: 'high',
          message: "ConfigMap 'app' holds a password under 'postgresPassword' (a literal value: Tr…): keep it in a Secret",
        },
        { startLine: 8, startColumn: 3, endLine: 8, endColumn: 23, severity: 'medium', evidence: 'adminPassword: …' },
        {
          startLine: 9,
          startColumn: 3,
          endLine: 9,
          endColumn: 36,
          severity: 'low',
          message: "ConfigMap 'app' holds a secret under 'AWS_SECRET_ACCESS_KEY' (a placeholder value: <set me>): keep it in a Secret",
        },
        {
          startLine: 10,
          startColumn: 3,
          endLine: 10,
          endColumn: 26,
          severity: 'low',
          message: "ConfigMap 'app' holds a secret under 'AZURE_CLIENT_SECRET' (an empty value): keep it in a Secret",
        },
      ],
    },
    {
      name: 'an OCI private key',
      path: 'cm.yaml',
      content: cm(
        '  OCI_CLI_KEY_CONTENT: |\n    -----BEGIN PRIVATE KEY-----\n    MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n    -----END PRIVATE KEY-----\n',
      ),
      findings: [
        {
          startLine: 7,
          startColumn: 3,
          endLine: 10,
          endColumn: 30,
          severity: 'high',
          message: /a private key under 'OCI_CLI_KEY_CONTENT' \(a private key: ----…\)/,
        },
      ],
    },
  ],
});
