import { describe, expect, it } from 'vitest';
import { trainJobWithTrainer } from '../../testing/kubeflow-trainer.js';
import { runRule, testRule } from '../../testing/rule-tester.js';
import rule from './secret-in-command-args.js';

const pod = (container: string) => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: server
    image: vllm/vllm-openai:v0.6.3
${container}`;
const KEY = 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWx1234';

testRule(rule, {
  valid: [
    { path: 'pod.yaml', content: pod('    args: ["--api-key", "$(VLLM_API_KEY)"]\n') },
    {
      name: 'shell variable in a script',
      path: 'pod.yaml',
      content: pod('    command: ["sh", "-c", "vllm serve /m --api-key \\"$VLLM_API_KEY\\" --port 8000"]\n'),
    },
    {
      name: 'not credentials',
      path: 'pod.yaml',
      content: pod('    args: ["--max-tokens", "4096", "--tokenizer", "meta-llama/Llama-3.1-8B", "--token-file", "/var/run/hf/token"]\n'),
    },
    { name: 'a flag without a value', path: 'pod.yaml', content: pod('    args: ["--api-key", "--port", "8000"]\n') },
    {
      name: "a TrainJob's trainer passing the token by reference to its env",
      path: 'trainjob.yaml',
      content: trainJobWithTrainer(
        '    args: ["--hf-token", "$(HF_TOKEN)"]\n    env:\n    - name: HF_TOKEN\n      valueFrom:\n        secretKeyRef: {name: hf, key: token}\n',
      ),
    },
  ],
  invalid: [
    {
      name: "a TrainJob's trainer args (the Trainer sets them on the trainer node containers)",
      path: 'trainjob.yaml',
      content: trainJobWithTrainer(
        `    command: [torchrun, train.py]\n    args: ["--model", "/models/llama", "--hf-token", "hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"]\n`,
      ),
      findings: [
        {
          startLine: 10,
          startColumn: 54,
          endLine: 10,
          endColumn: 95,
          message: "Container 'trainer' passes a Hugging Face token on its command line after --hf-token (hf_a…)",
          objectPath: '/spec/trainer/args/3',
          evidence: '--hf-token hf_a…',
          severity: 'high',
        },
      ],
    },
    {
      path: 'pod.yaml',
      content: pod(`    args: ["--model", "/models/llama", "--api-key", "${KEY}"]\n`),
      findings: [
        {
          startLine: 9,
          startColumn: 53,
          endLine: 9,
          endColumn: 91,
          message: "Container 'server' passes an OpenAI API key on its command line after --api-key (sk-p…)",
          objectPath: '/spec/containers/0/args/3',
          evidence: '--api-key sk-p…',
          severity: 'high',
        },
      ],
    },
    {
      name: 'inside a shell script, flag=value, credential-like flag: medium',
      path: 'pod.yaml',
      content: pod('    command:\n    - sh\n    - -c\n    - text-generation-launcher --model-id /m --api-key=correct-horse-battery\n'),
      findings: [
        {
          startLine: 12,
          startColumn: 7,
          endLine: 12,
          endColumn: 77,
          message: "Container 'server' passes a literal value after --api-key (corr…) instead of a reference to a Secret",
          severity: 'medium',
        },
      ],
    },
    {
      name: 'flag and key in one quoted argument of a script ("--api-key sk-…", one word: it was read as a flag without a value)',
      path: 'pod.yaml',
      content: pod(`    command: ["sh", "-c", "vllm serve /m \\"--api-key ${KEY}\\" --port 8000"]\n`),
      findings: [
        {
          startLine: 9,
          startColumn: 27,
          endLine: 9,
          endColumn: 105,
          message: "Container 'server' passes an OpenAI API key on its command line after --api-key (sk-p…)",
          objectPath: '/spec/containers/0/command/2',
          evidence: '--api-key sk-p…',
          severity: 'high',
        },
      ],
    },
  ],
});

describe('K8S-0127 redaction', () => {
  it('never puts the value in the finding', () => {
    const { findings } = runRule(rule, {
      path: 'pod.yaml',
      content: pod(`    args: ["--hf-token", "hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"]\n`),
    });
    expect(findings).toHaveLength(1);
    expect(JSON.stringify(findings)).not.toContain('hf_aBcDeF');
  });
});
