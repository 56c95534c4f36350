import { expect, it } from 'vitest';
import { runRule, testRule } from '../../testing/rule-tester.js';
import { fakes } from './lib/fakes.js';
import rule from './openai-api-key.js';

const project = fakes.openaiProject();
const svc = fakes.openaiServiceAccount();
const admin = fakes.openaiAdmin();
const legacy = fakes.openaiLegacy();

testRule(rule, {
  valid: [
    { name: 'placeholder sk-...', path: '.env', content: 'OPENAI_API_KEY=sk-...\n' },
    { name: 'placeholder sk-proj-xxxx', path: '.env', content: `OPENAI_API_KEY=sk-proj-${'x'.repeat(74)}T3BlbkFJ${'x'.repeat(74)}\n` },
    { name: 'environment lookup', path: 'app.py', content: 'client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])\n' },
    { name: 'process.env', path: 'app.ts', content: 'const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });\n' },
    { name: 'no T3BlbkFJ marker', path: '.env', content: `OPENAI_API_KEY=sk-proj-${'Ab3dE'.repeat(30)}\n` },
    { name: 'inside a longer word', path: 'x.txt', content: `task-${legacy.slice(3)}\n` },
  ],
  invalid: [
    {
      name: 'project key in .env',
      path: '.env',
      content: `OPENAI_API_KEY=${project}\n`,
      findings: [
        {
          startLine: 1,
          startColumn: 16,
          endLine: 1,
          endColumn: 180,
          message: 'OpenAI project API key in plain text',
          severity: 'high',
          evidence: `OpenAI project API key ${project.slice(0, 10)}… (164 chars)`,
        },
      ],
    },
    {
      name: 'service-account and admin keys in code',
      path: 'client.py',
      content: `a = "${svc}"\nb = '${admin}'\n`,
      findings: [
        {
          startLine: 1,
          startColumn: 6,
          endLine: 1,
          endColumn: 6 + svc.length,
          message: 'OpenAI service-account key in plain text',
          severity: 'high',
        },
        {
          startLine: 2,
          startColumn: 6,
          endLine: 2,
          endColumn: 6 + admin.length,
          message: 'OpenAI admin key in plain text',
          severity: 'critical',
        },
      ],
    },
    {
      name: 'legacy key in YAML',
      path: 'values.yaml',
      content: `openai:\n  apiKey: "${legacy}"\n`,
      findings: [
        {
          startLine: 2,
          startColumn: 12,
          endLine: 2,
          endColumn: 63,
          message: 'OpenAI API key (legacy format) in plain text',
          evidence: `OpenAI API key (legacy format) sk-${legacy.slice(3, 5)}… (51 chars)`,
        },
      ],
    },
    {
      name: 'Dockerfile ARG default',
      path: 'Dockerfile',
      content: `FROM python:3.12-slim\nARG OPENAI_API_KEY=${project}\n`,
      findings: [{ startLine: 2, startColumn: 20, endLine: 2, endColumn: 184 }],
    },
    {
      name: 'disabled detector',
      path: '.env',
      content: `A=${legacy}\nB=${project}\n`,
      options: { disabledDetectors: ['openai-legacy-key'] },
      findings: [{ startLine: 2, startColumn: 3, endLine: 2, endColumn: 167 }],
    },
  ],
});

it('honours an inline ignore with a reason on the line before', () => {
  const { findings } = runRule(rule, {
    path: '.env',
    content: `# sanctum:ignore SEC-0001 reason="revoked 2026-01-02, kept for the incident write-up"\nOPENAI_API_KEY=${project}\n`,
  });
  expect(findings.map((f) => [f.location.startLine, f.status, f.suppression?.kind])).toEqual([[2, 'suppressed', 'inline']]);
});
