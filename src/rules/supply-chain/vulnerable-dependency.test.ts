import { expect, it } from 'vitest';
import { testVulnerabilities } from '../../testing/memory-vulnerabilities.js';
import { runRule, testRule } from '../../testing/rule-tester.js';
import rule from './vulnerable-dependency.js';

const settings = { vulnerabilities: testVulnerabilities() };

testRule(rule, {
  valid: [
    { path: 'requirements.txt', content: 'torch==2.6.0\ntransformers==4.36.0\n', settings },
    { name: 'a range is not matched (the unpinned rule covers it)', path: 'requirements.txt', content: 'torch>=2.0\n', settings },
    {
      name: 'a VCS requirement is not a registry release',
      path: 'requirements.txt',
      content: 'git+https://github.com/pytorch/pytorch@v2.1.0#egg=torch\n',
      settings,
    },
    { name: 'no database: nothing to match', path: 'requirements.txt', content: 'torch==2.1.0\n' },
    { path: 'package.json', content: '{ "dependencies": { "lodash": "^4.17.0" } }\n', settings },
  ],
  invalid: [
    {
      path: 'requirements.txt',
      content: '# inference\ntorch==2.1.0 --hash=sha256:0123456789abcdef\ntransformers[torch]==4.35.2 ; python_version >= "3.9"\n',
      settings,
      findings: [
        {
          startLine: 2,
          startColumn: 1,
          endLine: 2,
          endColumn: 13,
          severity: 'critical',
          message:
            'torch 2.1.0 is affected by GHSA-53q9-r3pm-6pq6 (CVE-2025-32434, PYSEC-2025-41): PyTorch: `torch.load` with `weights_only=True` leads to remote code execution; fixed in 2.6.0',
        },
        {
          startLine: 3,
          startColumn: 1,
          endLine: 3,
          endColumn: 54,
          severity: 'critical',
          message: /^transformers 4\.35\.2 is affected by GHSA-3863-2447-669p .*fixed in 4\.36\.0$/,
        },
      ],
    },
    {
      name: 'package-lock.json v3: the entry of the vulnerable package',
      path: 'package-lock.json',
      content: `{
  "name": "app",
  "lockfileVersion": 3,
  "packages": {
    "": { "name": "app", "dependencies": { "lodash": "^4.17.0" } },
    "node_modules/lodash": {
      "version": "4.17.20",
      "resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.20.tgz",
      "integrity": "sha512-PlhdFcillOINfeV7Ni6oF1TAEayyZBoZ8bcshTHqOYJYlrqzRK5hagpagky5o4HfCzzd1TRkXPMFq6cKk9rGmA=="
    }
  }
}
`,
      settings,
      findings: [
        {
          startLine: 6,
          startColumn: 5,
          endLine: 6,
          endColumn: 26,
          severity: 'high',
          message: /^lodash 4\.17\.20 is affected by GHSA-35jh-r3h4-6jhm \(CVE-2021-23337\)/,
        },
      ],
    },
  ],
});

it('carries the advisory and the package in the finding', () => {
  const { findings } = runRule(rule, { path: 'requirements.txt', content: 'Torch==2.5.1\n' }, { settings });
  expect(findings).toHaveLength(1);
  expect(findings[0].vulnerability).toEqual({
    id: 'GHSA-53q9-r3pm-6pq6',
    aliases: ['CVE-2025-32434', 'PYSEC-2025-41'],
    summary: 'PyTorch: `torch.load` with `weights_only=True` leads to remote code execution',
    severity: 'critical',
    cvss: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N',
    fixed: ['2.6.0'],
    references: [
      'https://github.com/pytorch/pytorch/security/advisories/GHSA-53q9-r3pm-6pq6',
      'https://nvd.nist.gov/vuln/detail/CVE-2025-32434',
    ],
  });
  expect(findings[0].package).toEqual({ ecosystem: 'PyPI', name: 'Torch', version: '2.5.1', purl: 'pkg:pypi/torch@2.5.1' });
});

it('gives two advisories on one line two different fingerprints', () => {
  const twice = { path: 'requirements.txt', content: 'torch==2.1.0\n' };
  const a = runRule(rule, twice, { settings }).findings;
  expect(a).toHaveLength(1);
  const many = runRule(rule, { path: 'requirements.txt', content: 'transformers==4.30.0\ntorch==2.1.0\n' }, { settings }).findings;
  expect(new Set(many.map((f) => f.fingerprint)).size).toBe(many.length);
});
