import { expect, it } from 'vitest';
import { fixtureRecords, MemoryVulnerabilitySource, testVulnerabilities } from '../../testing/memory-vulnerabilities.js';
import { runRule, testRule } from '../../testing/rule-tester.js';
import rule from './malicious-package.js';

const settings = { vulnerabilities: testVulnerabilities() };

testRule(rule, {
  valid: [
    { name: 'a release the report does not name', path: 'package.json', content: '{ "dependencies": { "chalk": "5.6.2" } }\n', settings },
    { name: 'a vulnerable package is not a malicious one', path: 'requirements.txt', content: 'torch==2.1.0\n', settings },
    {
      name: 'a local package of the same name',
      path: 'package.json',
      content: '{ "dependencies": { "chalk": "file:../chalk" } }\n',
      settings,
    },
    {
      name: "a conda package without a pinned version: a PyPI name's malicious uploads are not the channel's package",
      path: 'environment.yml',
      content: 'dependencies:\n  - 1337test>=1\n',
      settings,
    },
    {
      // Dependency-confusion uploads squat on PyPI the names that exist only on conda channels (torchtriton).
      name: 'a pinned conda package matched by its name: a PyPI upload of that name is not the channel package',
      path: 'environment.yml',
      content: 'dependencies:\n  - 1337test==1\n',
      settings,
    },
  ],
  invalid: [
    {
      path: 'package.json',
      content: '{\n  "private": true,\n  "dependencies": {\n    "chalk": "5.6.1"\n  }\n}\n',
      settings,
      findings: [
        {
          startLine: 4,
          startColumn: 5,
          endLine: 4,
          endColumn: 21,
          severity: 'critical',
          message: 'chalk 5.6.1 is malicious (MAL-2025-46969): Malicious code in chalk (npm)',
        },
      ],
    },
    {
      name: 'a range may resolve to the malicious release',
      path: 'package.json',
      content: '{ "dependencies": { "chalk": "^5.6.0" } }\n',
      settings,
      findings: [
        {
          startLine: 1,
          startColumn: 21,
          endLine: 1,
          endColumn: 38,
          message: /^chalk has malicious releases and the manifest does not pin a version \(MAL-2025-46969\)/,
        },
      ],
    },
    {
      name: 'an installed package',
      path: 'node_modules/chalk/package.json',
      content: '{\n  "name": "chalk",\n  "version": "5.6.1",\n  "license": "MIT"\n}\n',
      settings,
      findings: [{ startLine: 2, startColumn: 3, endLine: 2, endColumn: 18 }],
    },
  ],
});

it("a pinned conda package published under another name is judged as the mapped PyPI project, once per file", () => {
  const vulnerabilities = new MemoryVulnerabilitySource([
    ...fixtureRecords(),
    { id: 'MAL-TEST-1', summary: 'Malicious code in ray (PyPI)', affected: [{ package: { ecosystem: 'PyPI', name: 'ray' }, versions: ['2.9.0'] }] },
  ]);
  const entry = (platform: string) =>
    `- name: ray-core\n  version: 2.9.0\n  manager: conda\n  platform: ${platform}\n  url: https://conda.anaconda.org/conda-forge/linux-64/ray-core-2.9.0-py311h1234567_0.conda\n`;
  const content = `version: 1\npackage:\n${entry('linux-64')}${entry('osx-64')}`;
  const { findings } = runRule(rule, { path: 'conda-lock.yml', content }, { settings: { vulnerabilities } });
  expect(findings.map((f) => [f.location.startLine, f.location.startColumn, f.location.endColumn, f.message])).toEqual([
    [3, 3, 17, "ray-core 2.9.0 (conda package, matched as PyPI ray: conda's name for it) is malicious (MAL-TEST-1): Malicious code in ray (PyPI)"],
  ]);
});
