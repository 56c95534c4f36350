import { testRule } from '../../testing/rule-tester.js';
import rule from './github-token.js';
import { fakes, githubStyle, pypiStyle } from './lib/fakes.js';
import { validGithubChecksum, validPypiToken } from './lib/checksum.js';
import { findSecrets } from './lib/scan.js';
import { describe, expect, it } from 'vitest';

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

describe('PyPI API tokens (macaroon structure)', () => {
  const token = fakes.pypi();
  const find = (text: string) => findSecrets(text, { path: '.pypirc', isCode: false });
  it('reports a token whose macaroon parses, at its span', () => {
    const text = `[pypi]\nusername = __token__\npassword = ${token}\n`;
    const hits = find(text);
    expect(hits.map((h) => [h.detector, h.label, h.start, h.end])).toEqual([
      ['pypi-token', 'PyPI API token', text.indexOf('pypi-'), text.indexOf('pypi-') + token.length],
    ]);
    expect(validPypiToken(pypiStyle('test.pypi.org', 't'))).toBe(true);
    expect(find(`password = ${pypiStyle('test.pypi.org', 't')}\n`).map((h) => h.label)).toEqual(['TestPyPI API token']);
  });
  it('ignores a value after pypi- that is not a v2 macaroon (and the generic rule stays quiet too)', () => {
    const broken = [
      token.slice(0, -4), // truncated signature
      `${token}AAAA`, // bytes after the signature
      `pypi-AgEIcHlwaS5vcmc${'A'.repeat(80)}`,
    ];
    for (const v of broken) {
      expect(validPypiToken(v), v).toBe(false);
      expect(find(`password = ${v}\nPYPI_API_TOKEN=${v}\n`), v).toEqual([]);
    }
  });
  it('a GitHub- or npm-shaped value with a wrong checksum is not a generic secret either', () => {
    expect(find('const TOKEN = "ghp_PersonalAccessToken01245678900000000";\nNPM_TOKEN=npm_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789\n')).toEqual(
      [],
    );
  });
});
