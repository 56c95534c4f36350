import { testRule } from '../../testing/rule-tester.js';
import rule from './github-token.js';
import { githubStyle } from './lib/fakes.js';
import { fakes } from './lib/fakes.js';
import { validGithubChecksum } from './lib/checksum.js';
import { expect, it } from 'vitest';

const classic = fakes.githubClassic();
const installation = fakes.githubInstallation();
const fine = fakes.githubFineGrained();
const npm = fakes.npm();
const badChecksum = classic.slice(0, -1) + (classic.endsWith('A') ? 'B' : 'A');

it('generates tokens with valid checksums', () => {
  expect(validGithubChecksum(classic)).toBe(true);
  expect(validGithubChecksum(githubStyle('gho_', 'other'))).toBe(true);
  expect(validGithubChecksum(badChecksum)).toBe(false);
});

testRule(rule, {
  valid: [
    { name: 'checksum does not match', path: '.env', content: `GITHUB_TOKEN=${badChecksum}\n` },
    { name: 'documentation example', path: 'README.md', content: 'Authorization: token ghp_16C7e42F292c6912E7710c838347Ae178B4a\n' },
    { name: 'CI variable', path: '.npmrc', content: '//npm.pkg.github.com/:_authToken=${NODE_AUTH_TOKEN}\n' },
  ],
  invalid: [
    {
      path: '.npmrc',
      content: `//npm.pkg.github.com/:_authToken=${classic}\n`,
      findings: [
        {
          startLine: 1,
          startColumn: 34,
          endLine: 1,
          endColumn: 74,
          message: 'GitHub personal access token (classic) in plain text',
          evidence: `GitHub personal access token (classic) ghp_${classic.slice(4, 6)}… (40 chars)`,
        },
      ],
    },
    {
      path: 'ci.sh',
      content: `git clone https://x-access-token:${installation}@github.com/org/models.git\n`,
      findings: [{ startLine: 1, startColumn: 34, endLine: 1, endColumn: 74, message: 'GitHub App installation token in plain text' }],
    },
    {
      path: 'config.toml',
      content: `token = "${fine}"\n`,
      findings: [
        { startLine: 1, startColumn: 10, endLine: 1, endColumn: 103, message: 'GitHub fine-grained personal access token in plain text' },
      ],
    },
    {
      path: '.npmrc',
      content: `//registry.npmjs.org/:_authToken=${npm}\n`,
      findings: [{ startLine: 1, startColumn: 34, endLine: 1, endColumn: 74, message: 'npm access token in plain text' }],
    },
  ],
});
