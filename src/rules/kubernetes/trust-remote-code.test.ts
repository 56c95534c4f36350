import { testRule } from '../../testing/rule-tester.js';
import { trainJobWithTrainer } from '../../testing/kubeflow-trainer.js';
import rule from './trust-remote-code.js';

const pod = (container: string) => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: server
    image: vllm/vllm-openai:v0.6.3
${container}`;

testRule(rule, {
  valid: [
    { path: 'pod.yaml', content: pod('    args: ["--model", "acme/chat-7b"]\n') },
    { name: 'explicitly off', path: 'pod.yaml', content: pod('    args: ["--trust-remote-code=false", "--trust_remote_code", "False"]\n') },
    {
      name: 'an environment value that switches the flag off',
      path: 'pod.yaml',
      content: pod('    env:\n    - {name: EXTRA_ARGS, value: "--trust-remote-code=false --max-model-len 4096"}\n'),
    },
    { name: 'env switched off', path: 'pod.yaml', content: pod('    env:\n    - {name: TRUST_REMOTE_CODE, value: "false"}\n') },
    {
      name: 'inline Python that does not trust',
      path: 'pod.yaml',
      content: pod('    command: ["python", "-c", "AutoModel.from_pretrained(\'x/y\', trust_remote_code=False)"]\n'),
    },
  ],
  invalid: [
    {
      name: "a TrainJob's trainer command and env",
      path: 'trainjob.yaml',
      content: trainJobWithTrainer(
        '    command: [torchrun, train.py, --trust-remote-code]\n    env:\n    - name: HF_DATASETS_TRUST_REMOTE_CODE\n      value: "1"\n',
      ),
      findings: [
        {
          startLine: 9,
          startColumn: 35,
          endLine: 9,
          endColumn: 54,
          message: "Container 'trainer' runs with trust_remote_code enabled: code from the model repository is executed",
          objectPath: '/spec/trainer/command/2',
        },
        {
          startLine: 12,
          startColumn: 7,
          endLine: 12,
          endColumn: 17,
          message: "Container 'trainer' sets HF_DATASETS_TRUST_REMOTE_CODE=1: code from the model repository is executed",
          objectPath: '/spec/trainer/env/0/value',
        },
      ],
    },
    {
      name: 'through an environment variable the command expands, and in a multi-line bash -c script',
      path: 'pod.yaml',
      content: pod(
        '    command: ["sh", "-c", "vllm serve $MODEL $EXTRA_ARGS"]\n    env:\n    - name: EXTRA_ARGS\n      value: "--max-model-len 4096 --trust-remote-code"\n  - name: launcher\n    image: vllm/vllm-openai:v0.6.3\n    command: ["/bin/bash", "-c"]\n    args:\n    - |\n      set -e\n      python3 -m vllm.entrypoints.openai.api_server \\\n        --model "$MODEL" \\\n        "--trust-remote-code"\n',
      ),
      findings: [
        {
          startLine: 12,
          startColumn: 36,
          endLine: 12,
          endColumn: 55,
          message: "Container 'server' passes --trust-remote-code through EXTRA_ARGS: code from the model repository is executed",
          objectPath: '/spec/containers/0/env/0/value',
        },
        {
          startLine: 21,
          startColumn: 10,
          endLine: 21,
          endColumn: 29,
          message: "Container 'launcher' runs with trust_remote_code enabled: code from the model repository is executed",
        },
      ],
    },
    {
      path: 'pod.yaml',
      content: pod('    args:\n    - --model\n    - acme/chat-7b\n    - --trust-remote-code\n    - --port\n    - "8000"\n'),
      findings: [
        {
          startLine: 12,
          startColumn: 7,
          endLine: 12,
          endColumn: 26,
          message: "Container 'server' runs with trust_remote_code enabled: code from the model repository is executed",
          objectPath: '/spec/containers/0/args/2',
          severity: 'high',
        },
      ],
    },
    {
      name: 'inside a shell script',
      path: 'pod.yaml',
      content: pod(
        '    command: ["/bin/sh", "-c"]\n    args: ["python -m sglang.launch_server --model-path acme/x --trust-remote-code && sleep 1"]\n',
      ),
      findings: [{ startLine: 10, startColumn: 64, endLine: 10, endColumn: 83, objectPath: '/spec/containers/0/args/0' }],
    },
    {
      name: 'inline Python and the TGI environment switch',
      path: 'pod.yaml',
      content: pod(
        '    command: ["python", "-c", "AutoModel.from_pretrained(\'x/y\', trust_remote_code=True)"]\n    env:\n    - name: TRUST_REMOTE_CODE\n      value: "true"\n',
      ),
      findings: [
        { startLine: 9, startColumn: 65, endLine: 9, endColumn: 87, objectPath: '/spec/containers/0/command/2' },
        {
          startLine: 12,
          startColumn: 7,
          endLine: 12,
          endColumn: 20,
          message: "Container 'server' sets TRUST_REMOTE_CODE=true: code from the model repository is executed",
        },
      ],
    },
    {
      name: 'a flag written across quotes in a script, and in mixed case in an environment value',
      path: 'pod.yaml',
      content: pod(
        '    args: ["vllm serve acme/x --tru\'st\'-remote-code"]\n    env:\n    - {name: EXTRA_ARGS, value: "--Trust-Remote-Code"}\n',
      ),
      findings: [
        { startLine: 9, startColumn: 12, endLine: 9, endColumn: 53, objectPath: '/spec/containers/0/args/0' },
        { startLine: 11, startColumn: 34, endLine: 11, endColumn: 53, objectPath: '/spec/containers/0/env/0/value' },
      ],
    },
  ],
});
