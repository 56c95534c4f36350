import { describe, expect, it } from 'vitest';
import { runRule, testRule } from '../../testing/rule-tester.js';
import { findSecret, isPlaceholder, isSecretName, redact } from './lib/secrets.js';
import rule from './dockerfile-secret-in-env-arg.js';

testRule(rule, {
  valid: [
    {
      name: 'references, files, placeholders and non-secret names',
      path: 'Dockerfile',
      content:
        'FROM python:3.12\nENV HF_HOME=/models MAX_TOKENS=4096 TOKENIZERS_PARALLELISM=false\nENV HF_TOKEN_FILE=/run/secrets/hf_token\nENV DB_PASSWORD=changeme\nARG API_KEY_HEADER=X-Api-Key\nENV JUPYTER_TOKEN=""\n',
    },
    {
      name: 'a literal $ (quoted or escaped) is a reference written out, not a secret',
      path: 'Dockerfile',
      content: "FROM python:3.12\nENV TOKEN='$TOKEN'\nENV API_KEY=\\$API_KEY\n",
    },
    {
      name: 'BuildKit secret mount',
      path: 'Dockerfile',
      content: 'FROM python:3.12\nRUN --mount=type=secret,id=hf HF_TOKEN=$(cat /run/secrets/hf) hf download org/m\n',
    },
  ],
  invalid: [
    {
      path: 'Dockerfile',
      content: 'FROM python:3.12\nENV HF_TOKEN=hf_abcdefghijklmnopqrstuvwxyzABCDEF1234 MODEL=llama\n',
      findings: [
        {
          startLine: 2,
          startColumn: 5,
          endLine: 2,
          endColumn: 53,
          message: 'ENV HF_TOKEN holds a literal Hugging Face token; it is stored in the image',
          evidence: 'ENV HF_TOKEN=hf_a…',
          severity: 'high',
        },
      ],
    },
    {
      name: 'secret by name, ARG default, value shape under another name',
      path: 'Dockerfile',
      content:
        'ARG WANDB_API_KEY=0123456789abcdef0123\nFROM python:3.12\nENV PGPASSWORD=s3cr3t-pw\nLABEL x=y\nENV CONFIG_URL=postgres://app:hunter22@db:5432/app\n',
      findings: [
        {
          startLine: 1,
          startColumn: 5,
          endLine: 1,
          endColumn: 39,
          message: 'ARG WANDB_API_KEY holds a literal secret; it is stored in the image',
          evidence: 'ARG WANDB_API_KEY=0123…',
        },
        { startLine: 3, startColumn: 5, endLine: 3, endColumn: 25, evidence: 'ENV PGPASSWORD=s3…' },
        { startLine: 5, startColumn: 5, endLine: 5, endColumn: 51, message: /URL with an embedded password/ },
      ],
    },
    {
      name: 'build argument copied into ENV, ARG without default',
      path: 'Dockerfile',
      content: 'FROM python:3.12\nARG HF_TOKEN\nENV HUGGING_FACE_HUB_TOKEN=${HF_TOKEN}\n',
      findings: [
        {
          startLine: 2,
          startColumn: 5,
          endLine: 2,
          endColumn: 13,
          severity: 'medium',
          message: 'ARG HF_TOKEN passes a secret as a build argument; use a BuildKit secret mount',
        },
        {
          startLine: 3,
          startColumn: 5,
          endLine: 3,
          endColumn: 39,
          severity: 'high',
          message: 'ENV HUGGING_FACE_HUB_TOKEN copies the build variable HF_TOKEN into the image configuration',
        },
      ],
    },
    {
      name: 'a token BuildKit reads as a second ARG name',
      path: 'Dockerfile',
      content:
        'FROM python:3.12\nARG HF_TOKEN hf_abcdefghijklmnopqrstuvwxyzABCDEF\nARG OPENAI_API_KEY sk-proj-Abcdefghijklmnopqrstuvwx1234\n',
      findings: [
        { startLine: 2, startColumn: 5, endLine: 2, endColumn: 13, severity: 'medium' },
        {
          startLine: 2,
          startColumn: 14,
          endLine: 2,
          endColumn: 49,
          severity: 'high',
          message: 'ARG holds a literal Hugging Face token in a word BuildKit reads as a name without a value; it stays in the Dockerfile',
          evidence: 'ARG hf_a…',
        },
        { startLine: 3, startColumn: 5, endLine: 3, endColumn: 19, severity: 'medium' },
        {
          startLine: 3,
          startColumn: 20,
          endLine: 3,
          endColumn: 56,
          severity: 'high',
          message: 'ARG holds a literal OpenAI API key in a word BuildKit reads as a name without a value; it stays in the Dockerfile',
          evidence: 'ARG sk-p…',
        },
      ],
    },
  ],
});

describe('secret helpers', () => {
  it('recognises secret names', () => {
    for (const n of ['HF_TOKEN', 'OPENAI_API_KEY', 'apiKey', 'PGPASSWORD', 'AWS_SECRET_ACCESS_KEY', 'client-secret', 'JUPYTER_TOKEN'])
      expect(isSecretName(n), n).toBe(true);
    for (const n of ['MAX_TOKENS', 'TOKENIZER', 'HF_TOKEN_FILE', 'SECRET_NAME', 'KEY_ID', 'PASSWORD_LENGTH', 'MONKEY', 'AWS_ACCESS_KEY_ID'])
      expect(isSecretName(n), n).toBe(false);
  });
  it('recognises placeholders and redacts', () => {
    expect(isPlaceholder('${TOKEN}')).toBe(true);
    expect(isPlaceholder('<your-token>')).toBe(true);
    expect(isPlaceholder('hunter2')).toBe(false);
    expect(findSecret('X', 'AKIAZ7QJ3LKW2HMR5XTV')?.kind).toBe('AWS access key id');
    // published samples (src/rules/secrets/lib/known-false.ts) are not secrets here either
    expect(findSecret('AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE')).toBeUndefined();
    expect(findSecret('STRIPE_API_KEY', 'sk_test_4eC39HqLyjWDarjtT1zdp7dc')).toBeUndefined();
    expect(redact('abcdefghijkl')).toBe('abc…');
    expect(redact('ab')).toBe('…');
  });
  it('runs in linear time on adversarial values', () => {
    const evil = 'a://' + 'b'.repeat(50_000) + ':' + 'c'.repeat(50_000);
    expect(findSecret('X', evil)).toBeUndefined();
    expect(isSecretName('_'.repeat(50_000) + 'A')).toBe(false);
  });
});

describe('DF-0004 on instructions BuildKit rejects', () => {
  it('reports a token in a word of an ENV or LABEL without a value, next to the errors entry', () => {
    const content = 'FROM python:3.12\nENV A=1 hf_abcdefghijklmnopqrstuvwxyzABCDEF\nLABEL ghp_abcdefghijklmnopqrstuvwxyzABCDEF0123\n';
    const { findings, errors } = runRule(rule, { path: 'Dockerfile', content }, {});
    expect(errors.map((e) => e.line)).toEqual([2, 3]);
    expect(
      findings.map((f) => [f.location.startLine, f.location.startColumn, f.location.endColumn, f.severity, f.message, f.evidence]),
    ).toEqual([
      [
        2,
        9,
        44,
        'high',
        'ENV holds a literal Hugging Face token in a word BuildKit reads as a name without a value; it stays in the Dockerfile',
        'ENV hf_a…',
      ],
      [
        3,
        7,
        47,
        'high',
        'LABEL holds a literal GitHub token in a word BuildKit reads as a name without a value; it stays in the Dockerfile',
        'LABEL ghp_…',
      ],
    ]);
  });
});
