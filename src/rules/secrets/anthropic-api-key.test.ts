import { testRule } from '../../testing/rule-tester.js';
import rule from './anthropic-api-key.js';
import { B64URL, fake, fakes } from './lib/fakes.js';

const key = fakes.anthropic();
const admin = fakes.anthropicAdmin();
const oauth = `sk-ant-oat01-${fake(B64URL, 93, 'oat')}AA`;

testRule(rule, {
  valid: [
    { name: 'placeholder', path: '.env', content: 'ANTHROPIC_API_KEY=sk-ant-api03-...\n' },
    { name: 'template', path: 'config.yaml', content: 'api_key: ${ANTHROPIC_API_KEY}\n' },
    { name: 'missing the AA end marker', path: '.env', content: `ANTHROPIC_API_KEY=${key.slice(0, -2)}QQ\n` },
  ],
  invalid: [
    {
      path: 'config.yaml',
      content: `llm:\n  api_key: ${key}\n`,
      findings: [
        {
          startLine: 2,
          startColumn: 12,
          endLine: 2,
          endColumn: 120,
          message: 'Anthropic API key in plain text',
          severity: 'high',
          evidence: `Anthropic API key ${key.slice(0, 9)}… (108 chars)`,
        },
      ],
    },
    {
      path: 'credentials.json',
      content: `{"claudeAiOauth": {"accessToken": "${oauth}"}}\n`,
      findings: [
        { startLine: 1, startColumn: 36, endLine: 1, endColumn: 36 + oauth.length, message: 'Anthropic OAuth token in plain text' },
      ],
    },
    {
      path: 'admin.ts',
      content: `const k = '${admin}';\n`,
      findings: [
        {
          startLine: 1,
          startColumn: 12,
          endLine: 1,
          endColumn: 12 + admin.length,
          message: 'Anthropic admin API key in plain text',
          severity: 'critical',
        },
      ],
    },
  ],
});
