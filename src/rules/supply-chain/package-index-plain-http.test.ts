import { testRule } from '../../testing/rule-tester.js';
import rule from './package-index-plain-http.js';

testRule(rule, {
  valid: [
    { path: 'requirements.txt', content: '--index-url https://pypi.example.com/simple\ntorch==2.6.0\n' },
    { name: 'a loopback mirror', path: 'requirements.txt', content: '-i http://localhost:3141/root/pypi\ntorch==2.6.0\n' },
  ],
  invalid: [
    {
      path: 'requirements.txt',
      content: 'torch==2.6.0\n--extra-index-url http://deploy:s3cret@pypi.internal.example/simple\n-f http://wheels.example.com/\n',
      findings: [
        {
          startLine: 2,
          startColumn: 1,
          endLine: 2,
          endColumn: 68,
          message: 'Packages are fetched from the extra index http://…@pypi.internal.example/simple over plain HTTP',
        },
        {
          startLine: 3,
          startColumn: 1,
          endLine: 3,
          endColumn: 30,
          message: 'Packages are fetched from the find-links page http://wheels.example.com/ over plain HTTP',
        },
      ],
    },
    {
      name: 'a lockfile whose tarballs come over plain HTTP',
      path: 'package-lock.json',
      content:
        '{\n  "lockfileVersion": 3,\n  "packages": {\n    "node_modules/a": { "version": "1.0.0", "resolved": "http://npm.internal.example/a/-/a-1.0.0.tgz" },\n    "node_modules/b": { "version": "1.0.0", "resolved": "http://npm.internal.example/b/-/b-1.0.0.tgz" }\n  }\n}\n',
      findings: [
        {
          startLine: 4,
          startColumn: 5,
          endLine: 4,
          endColumn: 21,
          message: 'Packages are fetched from the package index http://npm.internal.example/ over plain HTTP',
        },
      ],
    },
    {
      name: 'yarn.lock resolved over plain HTTP',
      path: 'yarn.lock',
      content: 'a@^1.0.0:\n  version "1.0.0"\n  resolved "http://npm.internal.example/a/-/a-1.0.0.tgz#abc"\n',
      findings: [{ startLine: 3, startColumn: 13, endLine: 3, endColumn: 60 }],
    },
    {
      name: 'the registry a package publishes to',
      path: 'package.json',
      content: '{\n  "name": "x",\n  "publishConfig": { "registry": "http://npm.internal.example/" }\n}\n',
      findings: [{ startLine: 3, startColumn: 22, endLine: 3, endColumn: 64 }],
    },
  ],
});
