import { expect, it } from 'vitest';
import { runRule, testRule } from '../../testing/rule-tester.js';
import rule from './unpinned-dependency.js';

testRule(rule, {
  valid: [
    { path: 'requirements.txt', content: 'torch==2.6.0 \\\n    --hash=sha256:00ff\nnumpy===1.26.4\n./libs/local-pkg\n' },
    { name: 'a pip-tools input is compiled to a pinned file', path: 'requirements.in', content: 'torch>=2.0\n' },
    { name: 'constrained by a constraints file', path: 'requirements.txt', content: '-c constraints.txt\ntorch\n' },
    {
      name: 'a library package.json (not private)',
      path: 'package.json',
      content: '{ "name": "lib", "dependencies": { "lodash": "^4.17.21" } }\n',
    },
  ],
  invalid: [
    {
      path: 'requirements.txt',
      content: 'torch>=2.0,<3\nnumpy\ntransformers==4.36.0\n',
      findings: [
        {
          startLine: 1,
          startColumn: 1,
          endLine: 1,
          endColumn: 14,
          message: 'torch (>=2.0,<3) is not pinned to a version and nothing locks it',
        },
        { startLine: 2, startColumn: 1, endLine: 2, endColumn: 6, message: 'numpy is not pinned to a version and nothing locks it' },
      ],
    },
    {
      name: 'a private package.json without a lockfile',
      path: 'web/package.json',
      content: '{\n  "private": true,\n  "dependencies": { "lodash": "^4.17.21" },\n  "devDependencies": { "vitest": "^4.0.0" }\n}\n',
      findings: [
        {
          startLine: 3,
          startColumn: 21,
          endLine: 3,
          endColumn: 41,
          message: 'lodash (^4.17.21) is not pinned to a version and nothing locks it',
        },
      ],
    },
  ],
});

it('leaves an application alone when its lockfile sits next to it, and only there', () => {
  const app = { path: 'app/package.json', content: '{ "private": true, "dependencies": { "lodash": "^4.17.21" } }\n' };
  const lock = {
    path: 'app/package-lock.json',
    content: '{ "lockfileVersion": 3, "packages": { "node_modules/lodash": { "version": "4.17.21" } } }\n',
  };
  expect(runRule(rule, [app, lock]).findings).toEqual([]);
  const elsewhere = { ...lock, path: 'other/package-lock.json' };
  expect(runRule(rule, [app, elsewhere]).findings.map((f) => f.location.path)).toEqual(['app/package.json']);
  const pyproject = { path: 'svc/pyproject.toml', content: '[project]\nname = "svc"\ndependencies = ["torch>=2.0"]\n' };
  expect(runRule(rule, [pyproject, { path: 'svc/uv.lock', content: 'version = 1\n' }]).findings).toEqual([]);
});

it('a Cargo binary crate: its ranges unless the Cargo.lock of its workspace (beside it or above it) locks them; dev and build ones never', () => {
  const bin = {
    path: 'ws/crates/cli/Cargo.toml',
    content: '[package]\nname = "cli"\n\n[[bin]]\nname = "cli"\n\n[dependencies]\nclap = "4.5"\n\n[dev-dependencies]\ninsta = "1"\n',
  };
  const found = runRule(rule, [bin]).findings;
  expect(found.map((f) => [f.location.path, f.location.startLine, f.location.startColumn, f.location.endColumn, f.message])).toEqual([
    ['ws/crates/cli/Cargo.toml', 8, 1, 13, 'clap (4.5) is not pinned to a version and nothing locks it'],
  ]);
  const lock = { path: 'ws/Cargo.lock', content: 'version = 4\n\n[[package]]\nname = "cli"\nversion = "0.1.0"\n' };
  expect(runRule(rule, [bin, lock]).findings).toEqual([]);
  expect(runRule(rule, [bin, { ...lock, path: 'other/Cargo.lock' }]).findings).toHaveLength(1);
  // A library's ranges are for its users to resolve.
  expect(runRule(rule, [{ ...bin, content: bin.content.replace('[[bin]]\nname = "cli"\n', '') }]).findings).toEqual([]);
});

it("a conda environment file's pip entries, unless conda-lock's files beside it lock them", () => {
  const env = { path: 'ml/environment.yml', content: 'dependencies:\n  - python=3.11\n  - pip:\n    - requests>=2\n' };
  const found = runRule(rule, [env]).findings;
  expect(found.map((f) => [f.location.path, f.location.startLine, f.location.startColumn, f.location.endColumn, f.message])).toEqual([
    ['ml/environment.yml', 4, 7, 18, 'requests (>=2) is not pinned to a version and nothing locks it'],
  ]);
  const lock = {
    path: 'ml/conda-lock.yml',
    content: 'version: 1\npackage:\n- name: requests\n  version: 2.31.0\n  manager: pip\n  platform: linux-64\n  url: https://files.pythonhosted.org/packages/requests-2.31.0-py3-none-any.whl\n',
  };
  expect(runRule(rule, [env, lock]).findings).toEqual([]);
  const explicit = { path: 'ml/conda-linux-64.lock', content: '@EXPLICIT\n# pip requests @ https://files.pythonhosted.org/packages/requests-2.31.0-py3-none-any.whl\n' };
  expect(runRule(rule, [env, explicit]).findings).toEqual([]);
  expect(runRule(rule, [env, { ...lock, path: 'other/conda-lock.yml' }]).findings).toHaveLength(1);
});
