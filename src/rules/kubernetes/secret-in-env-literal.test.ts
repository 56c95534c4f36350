import { describe, expect, it } from 'vitest';
import { runRule, testRule } from '../../testing/rule-tester.js';
import { trainJobWithModelInitializer, trainJobWithTrainer } from '../../testing/kubeflow-trainer.js';
import rule from './secret-in-env-literal.js';

const pod = (env: string) => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: app
    image: app:1.0
    env:
${env}`;
const HF = 'hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789';

testRule(rule, {
  valid: [
    { path: 'pod.yaml', content: pod('    - name: HF_TOKEN\n      valueFrom:\n        secretKeyRef: {name: hf, key: token}\n') },
    {
      name: 'not credential names',
      path: 'pod.yaml',
      content: pod(
        '    - name: MAX_TOKENS\n      value: "4096"\n    - name: TOKENIZER\n      value: meta-llama/Llama-3.1-8B\n    - name: REVISION\n      value: 0123456789abcdef0123456789abcdef01234567\n',
      ),
    },
    {
      name: 'references to secrets',
      path: 'pod.yaml',
      content: pod(
        '    - name: GOOGLE_APPLICATION_CREDENTIALS\n      value: /var/secrets/google/key.json\n    - name: API_KEY_FILE\n      value: /etc/keys/api\n    - name: TOKEN_URL\n      value: https://auth.example.com/token\n',
      ),
    },
    {
      name: 'placeholders and flags',
      path: 'pod.yaml',
      content: pod(
        '    - name: DB_PASSWORD\n      value: "$(DB_PASSWORD)"\n    - name: API_KEY\n      value: <your-api-key>\n    - name: AUTH_TOKEN\n      value: "true"\n    - name: JUPYTER_TOKEN\n      value: ""\n',
      ),
    },
    {
      name: 'published sample credentials (src/rules/secrets/lib/known-false.ts)',
      path: 'pod.yaml',
      content: pod(
        '    - name: AZURE_STORAGE_KEY\n      value: Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==\n    - name: STRIPE_API_KEY\n      value: sk_test_4eC39HqLyjWDarjtT1zdp7dc\n',
      ),
    },
    {
      name: 'URL without a password',
      path: 'pod.yaml',
      content: pod('    - name: DATABASE_URL\n      value: postgres://db.internal:5432/mlflow\n'),
    },
  ],
  invalid: [
    {
      name: "a TrainJob's trainer env (set on the runtime's trainer container)",
      path: 'trainjob.yaml',
      content: trainJobWithTrainer(`    env:\n    - name: HF_TOKEN\n      value: ${HF}\n`),
      findings: [
        {
          startLine: 11,
          startColumn: 7,
          endLine: 11,
          endColumn: 53,
          message: "Container 'trainer' passes a Hugging Face token as the literal value of HF_TOKEN (hf_a…)",
          objectPath: '/spec/trainer/env/0/value',
          evidence: 'HF_TOKEN=hf_a…',
          severity: 'high',
        },
      ],
    },
    {
      name: "a TrainJob's model initializer env (the Kubeflow SDK's ACCESS_TOKEN beside an hf:// storageUri)",
      path: 'trainjob.yaml',
      content: trainJobWithModelInitializer(`      env:\n      - name: ACCESS_TOKEN\n        value: ${HF}\n`),
      findings: [
        {
          startLine: 13,
          startColumn: 9,
          endLine: 13,
          endColumn: 55,
          message: /^Container 'model' passes a Hugging Face token as the literal value of ACCESS_TOKEN/,
          objectPath: '/spec/initializer/model/env/0/value',
        },
      ],
    },
    {
      path: 'pod.yaml',
      content: pod(`    - name: HF_TOKEN\n      value: ${HF}\n`),
      findings: [
        {
          startLine: 11,
          startColumn: 7,
          endLine: 11,
          endColumn: 53,
          message: "Container 'app' passes a Hugging Face token as the literal value of HF_TOKEN (hf_a…)",
          objectPath: '/spec/containers/0/env/0/value',
          evidence: 'HF_TOKEN=hf_a…',
          severity: 'high',
        },
      ],
    },
    {
      name: 'a key format under any name',
      path: 'pod.yaml',
      content: pod('    - name: LLM_SETTINGS_X\n      value: "sk-proj-AbCdEfGhIjKlMnOpQrStUvWx1234"\n'),
      findings: [{ startLine: 11, startColumn: 7, endLine: 11, endColumn: 52, message: /OpenAI API key .*\(sk-p…\)$/, severity: 'high' }],
    },
    {
      name: 'password in a connection URL',
      path: 'pod.yaml',
      content: pod('    - name: MLFLOW_BACKEND_STORE_URI\n      value: postgresql://mlflow:S3cretPassw0rd@db:5432/mlflow\n'),
      findings: [
        { startLine: 11, startColumn: 7, endLine: 11, endColumn: 63, evidence: 'MLFLOW_BACKEND_STORE_URI=post…', severity: 'high' },
      ],
    },
    {
      name: 'credential-like name with a long value: medium',
      path: 'pod.yaml',
      content: pod('    - name: DB_PASSWORD\n      value: correct-horse-battery\n    - name: MODE\n      value: serve\n'),
      findings: [
        {
          startLine: 11,
          startColumn: 7,
          endLine: 11,
          endColumn: 35,
          message: "Container 'app' passes DB_PASSWORD as a literal value (corr…) instead of a secretKeyRef",
          severity: 'medium',
        },
      ],
    },
    {
      name: 'KServe predictor container',
      path: 'isvc.yaml',
      content: `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: chat
spec:
  predictor:
    containers:
    - name: kserve-container
      image: ghcr.io/acme/chat:1.0
      env:
      - name: OPENAI_API_KEY
        value: sk-proj-AbCdEfGhIjKlMnOpQrStUvWx1234
`,
      findings: [
        {
          startLine: 12,
          startColumn: 9,
          endLine: 12,
          endColumn: 52,
          objectPath: '/spec/predictor/containers/0/env/0/value',
          evidence: 'OPENAI_API_KEY=sk-p…',
        },
      ],
    },
  ],
});

describe('K8S-0108 redaction', () => {
  it('never puts the value in the finding', () => {
    const { findings } = runRule(rule, { path: 'pod.yaml', content: pod(`    - name: HF_TOKEN\n      value: ${HF}\n`) });
    expect(findings).toHaveLength(1);
    expect(JSON.stringify(findings)).not.toContain(HF.slice(0, 8));
  });
  it('runs in linear time on adversarial values', () => {
    const long = 'sk-' + 'a'.repeat(50_000) + '!';
    const { findings } = runRule(rule, {
      path: 'pod.yaml',
      content: pod(`    - name: X\n      value: "${long}"\n    - name: Y\n      value: "eyJ${'a'.repeat(50_000)}"\n`),
    });
    expect(findings).toEqual([]);
  });
});
