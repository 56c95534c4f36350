import { testRule } from '../../testing/rule-tester.js';
import rule from './dockerfile-trust-remote-code.js';

testRule(rule, {
  valid: [
    {
      path: 'Dockerfile',
      content: 'FROM vllm/vllm-openai:v0.6.3\nENV TRUST_REMOTE_CODE=false\nRUN echo --trust-remote-code\nCMD ["--model", "org/m", "--trust-remote-code=false"]\n',
    },
  ],
  invalid: [
    {
      path: 'Dockerfile',
      content:
        'FROM vllm/vllm-openai:v0.6.3\nENTRYPOINT python3 -m vllm.entrypoints.openai.api_server \\\n    --model org/m --trust-remote-code\nCMD ["python", "-c", "from transformers import AutoModel; AutoModel.from_pretrained(\'org/m\', trust_remote_code=True)"]\nENV TRUST_REMOTE_CODE=true\n',
      findings: [
        { startLine: 3, startColumn: 19, endLine: 3, endColumn: 38, message: 'ENTRYPOINT passes --trust-remote-code: the server runs code from the model repository' },
        { startLine: 4, startColumn: 94, endLine: 4, endColumn: 116, message: 'CMD loads a model with trust_remote_code=True' },
        { startLine: 5, startColumn: 5, endLine: 5, endColumn: 27 },
      ],
    },
  ],
});
