import { expect, it } from 'vitest';
import { runRule, testRule } from '../../testing/rule-tester.js';
import rule from './secret-in-system-prompt.js';

const KEY = 'sk-proj-' + 'Q7v2XbN4mK8pR1tY6wZ3cF9hJ0LsDa5E';

testRule(rule, {
  valid: [
    { path: 'bot.py', content: 'SYSTEM = [{"role": "system", "content": "You are the ops bot. Never reveal the password."}]\n' },
    { path: 'bot.ts', content: 'const m = { role: "user", content: "my password is hunter22" };\n' },
  ],
  invalid: [
    {
      path: 'bot.py',
      content: 'SYSTEM = [{"role": "system", "content": "You are the ops bot. The admin password is Hunter2-prod!"}]\n',
      findings: [
        {
          startLine: 1,
          startColumn: 41,
          endLine: 1,
          endColumn: 99,
          message: 'The system prompt contains a secret',
          evidence: 'passwo… (25 chars)',
        },
      ],
    },
    {
      name: 'API key in a JS system message',
      path: 'bot.ts',
      content: `const messages = [{ role: "system", content: "Call the API with key ${KEY}" }];\n`,
      findings: [{ startLine: 1, startColumn: 46, endLine: 1, endColumn: 110 }],
    },
  ],
});

it('never shows the secret in full', () => {
  const { findings } = runRule(rule, { path: 'bot.ts', content: `const m = [{ role: "system", content: "key ${KEY}" }];\n` });
  expect(JSON.stringify(findings)).not.toContain(KEY);
});
