import { testRule } from '../../testing/rule-tester.js';
import rule from './compose-secret-in-environment.js';

testRule(rule, {
  valid: [
    {
      path: 'compose.yaml',
      content:
        'services:\n  a:\n    image: x:1\n    environment:\n      OPENAI_API_KEY: ${OPENAI_API_KEY}\n      HF_TOKEN_FILE: /run/secrets/hf\n      MAX_TOKENS: 4096\n  b:\n    image: x:1\n    environment:\n      - HF_TOKEN\n      - DB_PASSWORD=${DB_PASSWORD:?required}\n',
    },
  ],
  invalid: [
    {
      path: 'compose.yaml',
      content:
        'services:\n  ui:\n    image: x:1\n    environment:\n      WEBUI_SECRET_KEY: t0p-s3cret-value\n      OPENAI_API_KEY: "sk-proj-Abcdefghijklmnopqrstuvwx1234"\n  db:\n    image: postgres:16\n    environment:\n      - POSTGRES_PASSWORD=hunter22\n      - HF_TOKEN=${HF_TOKEN:-hf_abcdefghijklmnopqrstuvwxyzABCDEF1234}\n',
      findings: [
        {
          startLine: 5,
          startColumn: 7,
          endLine: 5,
          endColumn: 41,
          message: "Service 'ui' sets WEBUI_SECRET_KEY to a literal secret",
          evidence: 'WEBUI_SECRET_KEY=t0p-…',
        },
        {
          startLine: 6,
          startColumn: 7,
          endLine: 6,
          endColumn: 61,
          message: "Service 'ui' sets OPENAI_API_KEY to a literal OpenAI API key",
          evidence: 'OPENAI_API_KEY=sk-p…',
        },
        {
          startLine: 10,
          startColumn: 9,
          endLine: 10,
          endColumn: 35,
          objectPath: '/services/db/environment/0',
          evidence: 'POSTGRES_PASSWORD=hu…',
        },
        {
          startLine: 11,
          startColumn: 9,
          endLine: 11,
          endColumn: 70,
          message: "Service 'db' sets HF_TOKEN to a literal Hugging Face token",
          evidence: 'HF_TOKEN=hf_a…',
        },
      ],
    },
  ],
});
