import { testRule } from '../../testing/rule-tester.js';
import rule from './compose-trust-remote-code.js';

testRule(rule, {
  valid: [
    {
      path: 'compose.yaml',
      content:
        'services:\n  llm:\n    image: vllm/vllm-openai:v0.6.3\n    command: ["--model", "org/m"]\n    environment:\n      MODEL: org/m\n',
    },
    {
      name: 'switched off',
      path: 'compose.yaml',
      content:
        'services:\n  llm:\n    image: vllm/vllm-openai:v0.6.3\n    command: bash -c "vllm serve m --trust-remote-code=false"\n    environment:\n      - TRUST_REMOTE_CODE=false\n      - EXTRA_ARGS=--trust-remote-code false\n',
    },
  ],
  invalid: [
    {
      name: 'list command, bash -c string, entrypoint script and environment',
      path: 'docker-compose.yml',
      content:
        'services:\n  a:\n    image: vllm/vllm-openai:v0.6.3\n    command: ["--model", "m", "--trust-remote-code"]\n  b:\n    image: vllm/vllm-openai:v0.6.3\n    command: bash -c "vllm serve $$MODEL --trust-remote-code --port 8000"\n  c:\n    image: python:3.12\n    entrypoint: ["python", "-c", "from transformers import AutoModel; AutoModel.from_pretrained(\'m\', trust_remote_code=True)"]\n  d:\n    image: ghcr.io/huggingface/text-generation-inference:2.4.0\n    environment:\n      EXTRA_ARGS: --max-input-length 4096 --trust-remote-code\n      TRUST_REMOTE_CODE: "true"\n',
      findings: [
        {
          startLine: 4,
          startColumn: 31,
          endLine: 4,
          endColumn: 52,
          message: "Service 'a' passes --trust-remote-code in its command: code from the model repository is executed",
          objectPath: '/services/a/command/2',
        },
        {
          startLine: 7,
          startColumn: 42,
          endLine: 7,
          endColumn: 61,
          message: "Service 'b' passes --trust-remote-code in its command: code from the model repository is executed",
        },
        {
          startLine: 10,
          startColumn: 102,
          endLine: 10,
          endColumn: 124,
          message: "Service 'c' loads a model with trust_remote_code=True in its entrypoint: code from the model repository is executed",
        },
        {
          startLine: 14,
          startColumn: 43,
          endLine: 14,
          endColumn: 62,
          message: "Service 'd' passes --trust-remote-code through EXTRA_ARGS: code from the model repository is executed",
        },
        {
          startLine: 15,
          startColumn: 7,
          endLine: 15,
          endColumn: 32,
          message: "Service 'd' sets TRUST_REMOTE_CODE=true: code from the model repository is executed",
        },
      ],
    },
  ],
});
