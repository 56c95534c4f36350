import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MemorySourceFile } from '../../core/source-file.js';
import { scanSync } from '../../scan.js';
import { testVulnerabilities } from '../../testing/memory-vulnerabilities.js';
import { formatOf } from './deps-parser.js';

function scanFiles(files: Record<string, string | Uint8Array>) {
  return scanSync({
    targets: [],
    files: Object.entries(files).map(([p, c]) => new MemorySourceFile(p, c)),
    scanners: ['deps'],
    config: false,
    vulnerabilities: testVulnerabilities(),
  });
}

describe('the deps parser', () => {
  it('knows each manifest by its name', () => {
    for (const p of [
      'requirements.txt',
      'requirements-dev.txt',
      'dev-requirements.txt',
      'requirements/prod.txt',
      'constraints.txt',
      'requirements.lock',
      'pyproject.toml',
      'poetry.lock',
      'uv.lock',
      'Pipfile.lock',
      'environment.yml',
      'package.json',
      'package-lock.json',
      'npm-shrinkwrap.json',
      'pnpm-lock.yaml',
      'yarn.lock',
      'go.mod',
      'venv/lib/python3.11/site-packages/torch-2.1.0.dist-info/METADATA',
      'x.egg-info/PKG-INFO',
      'Dockerfile',
      'gpu.Dockerfile',
    ])
      expect(formatOf(p), p).toBeDefined();
    for (const p of ['README.txt', 'requirements.md', 'setup.py', 'values.yaml', 'notes/package.json.bak'])
      expect(formatOf(p), p).toBeUndefined();
  });

  it('a malformed manifest is an errors entry and the rest of the scan goes on', () => {
    const r = scanFiles({
      'package-lock.json': '{ "packages": { ',
      'a/pyproject.toml': '[project\n',
      'requirements.txt': 'torch==2.1.0\n',
    });
    expect(r.errors).toEqual([
      { path: 'package-lock.json', message: 'invalid package-lock.json at line 1: expected a property name', line: 1 },
      { path: 'a/pyproject.toml', message: expect.stringMatching(/^invalid TOML in pyproject.toml at line 1/), line: 1 },
    ]);
    expect(r.findings.filter((f) => f.ruleId === 'SCA-0001').map((f) => f.location.path)).toEqual(['requirements.txt']);
  });

  it('binary content under a manifest name is an errors entry', () => {
    const r = scanFiles({ 'poetry.lock': new Uint8Array([0, 1, 2, 3]) });
    expect(r.errors).toEqual([{ path: 'poetry.lock', message: 'binary content where a dependency manifest was expected; not read' }]);
  });

  it('a Dockerfile over the Dockerfile size limit is an errors entry, not parsed for minutes', () => {
    const r = scanFiles({ Dockerfile: 'FROM python:3.12\nRUN ' + 'echo a && '.repeat(60_000) + 'pip install torch==2.1.0\n' });
    expect(r.errors).toEqual([
      { path: 'Dockerfile', message: 'file is 586.0 KiB, over the 512.0 KiB limit of the deps parser for this format; not scanned' },
    ]);
  });

  it('finds a vulnerable version in each format at its line', () => {
    const r = scanFiles({
      Dockerfile: 'FROM python:3.11\nRUN pip install --no-cache-dir \\\n    torch==2.1.0\n',
      'poetry.lock': '[[package]]\nname = "langchain"\nversion = "0.0.131"\nfiles = []\n',
      'environment.yml': 'dependencies:\n  - pip:\n    - transformers==4.35.0\n',
      'yarn.lock': 'lodash@^4.17.0:\n  version "4.17.20"\n',
    });
    expect(
      r.findings
        .filter((f) => f.ruleId === 'SCA-0001')
        .map((f) => `${f.location.path}:${f.location.startLine}:${f.location.startColumn} ${f.vulnerability?.id}`),
    ).toEqual([
      'Dockerfile:3:5 GHSA-53q9-r3pm-6pq6',
      'environment.yml:3:7 GHSA-3863-2447-669p',
      'poetry.lock:2:1 GHSA-fprp-p869-w6q2',
      'yarn.lock:1:1 GHSA-35jh-r3h4-6jhm',
    ]);
  });
});

describe('installed packages', () => {
  it("a virtualenv's site-packages, an egg and node_modules are inventories, matched at the name", () => {
    const r = scanFiles({
      'venv/lib/python3.11/site-packages/torch-2.1.0+cu121.dist-info/METADATA':
        'Metadata-Version: 2.1\nName: torch\nVersion: 2.1.0+cu121\nLicense: BSD-3-Clause\n\nName: not-a-header\n',
      'lib/transformers.egg-info/PKG-INFO': 'Metadata-Version: 1.2\nName: transformers\nVersion: 4.35.0\n',
      'web/node_modules/lodash/package.json': '{\n  "name": "lodash",\n  "version": "4.17.20",\n  "license": "MIT"\n}\n',
      'web/node_modules/lodash/node_modules/nothing/package.json': '{ "name": "nothing" }\n',
    });
    expect(r.errors).toEqual([]);
    expect(
      r.findings
        .filter((f) => f.ruleId === 'SCA-0001')
        .map((f) => `${f.location.path}:${f.location.startLine}:${f.location.startColumn} ${f.package?.purl} ${f.vulnerability?.id}`),
    ).toEqual([
      'lib/transformers.egg-info/PKG-INFO:2:1 pkg:pypi/transformers@4.35.0 GHSA-3863-2447-669p',
      'venv/lib/python3.11/site-packages/torch-2.1.0+cu121.dist-info/METADATA:2:1 pkg:pypi/torch@2.1.0+cu121 GHSA-53q9-r3pm-6pq6',
      'web/node_modules/lodash/package.json:2:3 pkg:npm/lodash@4.17.20 GHSA-35jh-r3h4-6jhm',
    ]);
  });
});

describe('examples/ai-platform', () => {
  it('has vulnerable AI libraries at their manifest lines', () => {
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const r = scanSync({
      targets: ['examples/ai-platform'],
      cwd: root,
      scanners: ['deps'],
      config: false,
      vulnerabilities: testVulnerabilities(),
    });
    expect(r.errors).toEqual([]);
    expect(
      r.findings
        .filter((f) => f.ruleId === 'SCA-0001')
        .map(
          (f) => `${f.location.path}:${f.location.startLine} ${f.package?.name} ${f.vulnerability?.id} ${f.vulnerability?.fixed.join(',')}`,
        ),
    ).toEqual([
      'examples/ai-platform/app/requirements.txt:3 langchain GHSA-fprp-p869-w6q2 0.0.132',
      'examples/ai-platform/app/requirements.txt:6 torch GHSA-53q9-r3pm-6pq6 2.6.0',
      'examples/ai-platform/app/requirements.txt:7 transformers GHSA-3863-2447-669p 4.36.0',
      // The training job pins torch in its pip-compile input and locks it in the compiled file: reported once, at the lock.
      'examples/ai-platform/training/requirements.txt:160 torch GHSA-53q9-r3pm-6pq6 2.6.0',
    ]);
    expect(r.findings.find((f) => f.location.path.endsWith('training/requirements.txt'))?.message).toMatch(
      /^torch 2\.5\.1 \(required in requirements\.in\) is affected by GHSA-53q9-r3pm-6pq6/,
    );
  });
});
