import { testRule } from '../../testing/rule-tester.js';
import rule from './anthropic-api-key.js';
import { fakes } from './lib/fakes.js';

const key = fakes.anthropic();
const admin = fakes.anthropicAdmin();

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
