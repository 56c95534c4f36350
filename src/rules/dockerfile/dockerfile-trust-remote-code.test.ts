import { testRule } from '../../testing/rule-tester.js';
import rule from './dockerfile-trust-remote-code.js';

testRule(rule, {
  valid: [
    {
      name: 'the flag switched off in an ENV and in a script',
      path: 'Dockerfile',
      content:
        'FROM vllm/vllm-openai:v0.6.3\nENV VLLM_ARGS="--trust-remote-code=false"\nCMD bash -c \'vllm serve m --trust-remote-code false\'\n',
    },
    {
      path: 'Dockerfile',
      content:
        'FROM vllm/vllm-openai:v0.6.3\nENV TRUST_REMOTE_CODE=false\nRUN echo --trust-remote-code\nCMD ["--model", "org/m", "--trust-remote-code=false"]\n',
    },
  ],
  invalid: [
    {
      name: 'through an ENV a launcher expands, a start script written by RUN, and bash -c scripts',
      path: 'Dockerfile',
      content:
        'FROM vllm/vllm-openai:v0.6.3\nENV VLLM_ARGS="--trust-remote-code --max-model-len 4096"\nRUN printf \'#!/bin/sh\\nexec vllm serve "$MODEL" --trust-remote-code\\n\' > /start.sh\nCMD ["bash", "-c", "vllm serve $MODEL --trust-remote-code"]\nCMD bash -c \'python -m vllm.entrypoints.openai.api_server --trust-remote-code\'\n',
      findings: [
        {
          startLine: 2,
          startColumn: 16,
          endLine: 2,
          endColumn: 35,
          message:
            'ENV VLLM_ARGS carries --trust-remote-code into the command that expands it: the server runs code from the model repository',
        },
        {
          startLine: 3,
          startColumn: 49,
          endLine: 3,
          endColumn: 68,
          message: 'RUN runs a script that passes --trust-remote-code: the server runs code from the model repository',
        },
        {
          startLine: 4,
          startColumn: 39,
          endLine: 4,
          endColumn: 58,
          message: 'CMD passes --trust-remote-code: the server runs code from the model repository',
        },
        {
          startLine: 5,
          startColumn: 59,
          endLine: 5,
          endColumn: 78,
          message: 'CMD runs a script that passes --trust-remote-code: the server runs code from the model repository',
        },
      ],
    },
    {
      path: 'Dockerfile',
      content:
        'FROM vllm/vllm-openai:v0.6.3\nENTRYPOINT python3 -m vllm.entrypoints.openai.api_server \\\n    --model org/m --trust-remote-code\nCMD ["python", "-c", "from transformers import AutoModel; AutoModel.from_pretrained(\'org/m\', trust_remote_code=True)"]\nENV TRUST_REMOTE_CODE=true\n',
      findings: [
        {
          startLine: 3,
          startColumn: 19,
          endLine: 3,
          endColumn: 38,
          message: 'ENTRYPOINT passes --trust-remote-code: the server runs code from the model repository',
        },
        { startLine: 4, startColumn: 94, endLine: 4, endColumn: 116, message: 'CMD loads a model with trust_remote_code=True' },
        { startLine: 5, startColumn: 5, endLine: 5, endColumn: 27 },
      ],
    },
    {
      name: 'a multi-line bash -c script: the flag on its own line, not the whole block',
      path: 'Dockerfile',
      content:
        'FROM python:3.12\nRUN bash -c "set -e; \\\n    pip install -U transformers; \\\n    python -c \'AutoModel.from_pretrained(\\"x\\", trust_remote_code=True)\'"\nCMD bash -c "vllm serve org/model \\\n    --port 8000 \\\n    --trust-remote-code"\n',
      findings: [
        { startLine: 4, startColumn: 49, endLine: 4, endColumn: 71, message: 'RUN loads a model with trust_remote_code=True' },
        {
          startLine: 7,
          startColumn: 5,
          endLine: 7,
          endColumn: 24,
          message: 'CMD runs a script that passes --trust-remote-code: the server runs code from the model repository',
        },
      ],
    },
  ],
});
