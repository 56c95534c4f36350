import { testRule } from '../../testing/rule-tester.js';
import rule from './huggingface-token.js';
import { fakes } from './lib/fakes.js';

const user = fakes.huggingface();
const org = fakes.huggingfaceOrg();

testRule(rule, {
  valid: [
    { name: 'placeholder', path: '.env', content: 'HF_TOKEN=hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n' },
    {
      name: 'BuildKit secret mount',
      path: 'Dockerfile',
      content: 'FROM python:3.12\nRUN --mount=type=secret,id=hf_token huggingface-cli login --token "$(cat /run/secrets/hf_token)"\n',
    },
    { name: 'identifier, not a token', path: 'x.py', content: 'def hf_hub_download_with_retries_and_backoff_x(): pass\n' },
  ],
  invalid: [
    {
      path: 'Dockerfile',
      content: `FROM python:3.12-slim\nENV HF_TOKEN=${user}\n`,
      findings: [
        {
          startLine: 2,
          startColumn: 14,
          endLine: 2,
          endColumn: 51,
          message: 'Hugging Face access token in plain text',
          evidence: `Hugging Face access token hf_${user.slice(3, 5)}… (37 chars)`,
        },
      ],
    },
    {
      path: 'login.py',
      content: `login(token="${org}")\n`,
      findings: [
        { startLine: 1, startColumn: 14, endLine: 1, endColumn: 56, message: 'Hugging Face organization API token in plain text' },
      ],
    },
  ],
});
