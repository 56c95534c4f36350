import { testRule } from '../../testing/rule-tester.js';
import rule from './kubernetes-secret-manifest.js';
import { fakes } from './lib/fakes.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const secret = (body: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: llm-keys\n  namespace: llm\ntype: Opaque\n${body}`;

testRule(rule, {
  valid: [
    {
      name: 'placeholders',
      path: 'secret.yaml',
      content: secret('stringData:\n  OPENAI_API_KEY: REPLACE_ME\n  HF_TOKEN: ""\n  DB_PASSWORD: ${DB_PASSWORD}\n'),
    },
    { name: 'no values', path: 'secret.yaml', content: secret('') },
    {
      name: 'SealedSecret',
      path: 'sealed.yaml',
      content: `apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: llm-keys\nspec:\n  encryptedData:\n    OPENAI_API_KEY: AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq\n`,
    },
    { name: 'ConfigMap', path: 'cm.yaml', content: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  MODEL: llama\n' },
  ],
  invalid: [
    {
      name: 'stringData values',
      path: 'secret.yaml',
      content: secret('stringData:\n  DB_USER: mlflow\n  DB_PASSWORD: Vq8rT2nXw4Lp\n'),
      findings: [
        {
          startLine: 7,
          startColumn: 1,
          endLine: 9,
          endColumn: 28,
          message: "Secret 'llm/llm-keys' is committed with 2 values (stringData.DB_USER, stringData.DB_PASSWORD)",
          severity: 'medium',
          evidence: '2 values: stringData.DB_USER, stringData.DB_PASSWORD',
        },
      ],
    },
    {
      name: 'base64 data hiding a provider key',
      path: 'secret.yaml',
      content: secret(`data:\n  HF_TOKEN: ${b64(fakes.huggingface())}\n`),
      findings: [
        {
          startLine: 7,
          startColumn: 1,
          endLine: 8,
          endColumn: 65,
          message:
            "Secret 'llm/llm-keys' is committed with 1 value (data.HF_TOKEN); data.HF_TOKEN holds: Hugging Face access token (base64-encoded)",
          severity: 'high',
          objectPath: '/data',
        },
      ],
    },
  ],
});
