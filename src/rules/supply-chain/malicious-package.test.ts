import { testVulnerabilities } from '../../testing/memory-vulnerabilities.js';
import { testRule } from '../../testing/rule-tester.js';
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
  ],
  invalid: [
    {
      name: 'a pinned conda package, matched as its PyPI project',
      path: 'environment.yml',
      content: 'dependencies:\n  - 1337test==1\n',
      settings,
      findings: [
        {
          startLine: 2,
          startColumn: 5,
          endLine: 2,
          endColumn: 16,
          severity: 'critical',
          message: /^1337test 1 \(conda package, matched as PyPI 1337test\) is malicious \(MAL-2024-4720\): /,
        },
      ],
    },
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
