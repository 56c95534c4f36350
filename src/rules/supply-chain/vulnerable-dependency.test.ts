import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MemorySourceFile } from '../../core/source-file.js';
import type { Finding } from '../../core/types.js';
import type { OsIdentity } from '../../parsers/deps/types.js';
import { identifyOs, identifyOsRelease } from '../../parsers/os-packages/os-release.js';
import { assignOs } from '../../parsers/os-packages/rootfs.js';
import { fixtureRecords, MemoryVulnerabilitySource, testVulnerabilities } from '../../testing/memory-vulnerabilities.js';
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
            'torch 2.1.0 is affected by GHSA-53q9-r3pm-6pq6 (CVE-2025-32434): PyTorch: `torch.load` with `weights_only=True` leads to remote code execution; fixed in 2.6.0',
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
    aliases: ['CVE-2025-32434'],
    summary: 'PyTorch: `torch.load` with `weights_only=True` leads to remote code execution',
    severity: 'critical',
    cvss: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N',
    fixed: ['2.6.0'],
    references: [
      'https://github.com/pytorch/pytorch/security/advisories/GHSA-53q9-r3pm-6pq6',
      'https://nvd.nist.gov/vuln/detail/CVE-2025-32434',
      'https://github.com/pytorch/pytorch',
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

describe('OS packages', () => {
  const fixture = (name: string) => readFileSync(new URL(`../../testing/os-packages/${name}`, import.meta.url), 'utf8');
  const debian12 = identifyOsRelease(fixture('debian-12-os-release'), 'usr/lib/os-release');
  const alpine314 = identifyOsRelease(fixture('alpine-3.14-os-release'), 'etc/os-release');
  const tied = (path: string, content: string, os: OsIdentity | undefined) => {
    const file = new MemorySourceFile(path, content);
    assignOs(file, os);
    return file;
  };
  const where = (findings: Finding[]) =>
    findings.map((f) => `${f.location.startLine}:${f.location.startColumn}-${f.location.endLine}:${f.location.endColumn} ${f.message}`);

  it('matches Debian 12 binary packages by their source package, at their Package line', () => {
    const { findings, errors } = runRule(rule, tied('var/lib/dpkg/status', fixture('debian-12.1-status'), debian12), { settings });
    expect(errors).toEqual([]);
    expect(where(findings)).toEqual([
      expect.stringMatching(
        /^62:1-62:18 libc-bin 2\.36-9\+deb12u1 \(source glibc\) is affected by DEBIAN-CVE-2010-4756 \(CVE-2010-4756\): The glob implementation .*; no fixed version$/,
      ),
      '62:1-62:18 libc-bin 2.36-9+deb12u1 (source glibc) is affected by DSA-5514-1 (CVE-2023-4911, DEBIAN-CVE-2023-4911): glibc - security update; fixed in 2.36-9+deb12u3',
      expect.stringMatching(/^93:1-93:15 libc6 2\.36-9\+deb12u1 \(source glibc\) is affected by DEBIAN-CVE-2010-4756/),
      '93:1-93:15 libc6 2.36-9+deb12u1 (source glibc) is affected by DSA-5514-1 (CVE-2023-4911, DEBIAN-CVE-2023-4911): glibc - security update; fixed in 2.36-9+deb12u3',
    ]);
    expect(findings[1].package).toEqual({
      ecosystem: 'Debian:12',
      name: 'libc-bin',
      version: '2.36-9+deb12u1',
      purl: 'pkg:deb/debian/libc-bin@2.36-9+deb12u1?arch=amd64&distro=debian-12&upstream=glibc',
    });
  });

  it('does not take a Debian 11 fix for a Debian 12 package, nor match a fixed one', () => {
    const fixedText = fixture('debian-12.1-status').replaceAll('Version: 2.36-9+deb12u1', 'Version: 2.36-9+deb12u3');
    const fixed = runRule(rule, tied('var/lib/dpkg/status', fixedText, debian12), { settings }).findings;
    expect(fixed.map((f) => f.vulnerability?.id)).toEqual(['DEBIAN-CVE-2010-4756', 'DEBIAN-CVE-2010-4756']);
    const bullseye = identifyOs('etc/debian_version', '11.7\n');
    const old = runRule(rule, tied('var/lib/dpkg/status', fixture('debian-12.1-status'), bullseye), { settings }).findings;
    // 2.36-9+deb12u1 is above Debian 11's fixed 2.31-13+deb11u7, and the Debian 12 records do not apply.
    expect(old).toEqual([]);
  });

  it('matches Alpine packages by origin in their release', () => {
    const { findings, errors } = runRule(rule, tied('lib/apk/db/installed', fixture('alpine-3.14-installed'), alpine314), { settings });
    expect(errors).toEqual([]);
    expect(where(findings)).toEqual([
      "26:1-26:12 apk-tools 2.12.5-r1 is affected by ALPINE-CVE-2021-36159 (CVE-2021-36159): libfetch before 2021-07-26, as used in apk-tools, xbps, and other products, mishandles numeric strings for the FTP and HTTP protocols. The FTP passive mode implementation allows an out-of-bounds read because strtol is used to parse the relevant numbers into address bytes. It does not check if the line ends prematurely. If it does, the for-loop condition checks for the '\\0' terminator one byte too late.; fixed in 2.12.6-r0",
    ]);
  });

  it('says why packages of an unknown release are not matched', () => {
    const { findings, errors } = runRule(rule, new MemorySourceFile('var/lib/dpkg/status', fixture('debian-12.1-status')), { settings });
    expect(findings).toEqual([]);
    expect(errors).toEqual([
      {
        path: 'var/lib/dpkg/status',
        message:
          'no os-release (etc/os-release, usr/lib/os-release) beside this Debian package database: its packages are inventoried but not matched against advisories, which are written per release',
      },
    ]);
  });
});

describe('Cargo.lock', () => {
  const REGISTRY = 'registry+https://github.com/rust-lang/crates.io-index';
  const lock = (h2Source: string | undefined, version = '0.3.16') => `version = 3

[[package]]
name = "h2"
version = "${version}"
${h2Source ? `source = "${h2Source}"\n` : ''}dependencies = [
 "bytes",
]

[[package]]
name = "bytes"
version = "1.5.0"
source = "${REGISTRY}"

[[package]]
name = "infer-server"
version = "0.1.0"
dependencies = [
 "h2",
]
`;
  const where = (findings: Finding[]) =>
    findings.map((f) => `${f.location.startLine}:${f.location.startColumn}-${f.location.endLine}:${f.location.endColumn} ${f.message}`);

  it('matches a crates.io package against crates.io advisories, at its name line', () => {
    const { findings, errors } = runRule(rule, { path: 'Cargo.lock', content: lock(REGISTRY) }, { settings });
    expect(errors).toEqual([]);
    expect(where(findings)).toEqual([
      '4:1-4:12 h2 0.3.16 is affected by RUSTSEC-2023-0034 (CVE-2023-26964, GHSA-f8vr-r385-rh5r): Resource exhaustion vulnerability in h2 may lead to Denial of Service (DoS); fixed in 0.3.17',
    ]);
    expect(findings[0].package).toEqual({ ecosystem: 'crates.io', name: 'h2', version: '0.3.16', purl: 'pkg:cargo/h2@0.3.16' });
    expect(findings[0].severity).toBe('medium');
  });

  it('does not match the fixed version, a git checkout, another registry or a path package of the same name', () => {
    for (const content of [
      lock(REGISTRY, '0.3.17'),
      lock('git+https://github.com/hyperium/h2?rev=a1b2c3d#a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'),
      lock('sparse+https://cargo.internal.example/index/'),
      lock(undefined),
    ])
      expect(runRule(rule, { path: 'Cargo.lock', content }, { settings }).findings).toEqual([]);
  });
});

describe('conda packages, matched as their PyPI project', () => {
  const where = (findings: Finding[]) =>
    findings.map((f) => `${f.location.startLine}:${f.location.startColumn}-${f.location.endLine}:${f.location.endColumn} ${f.message}`);
  const MLFLOW =
    'PYSEC-2024-51 (CVE-2024-4263): A broken access control vulnerability exists in mlflow/mlflow versions before 2.10.1, where low privilege users with only EDIT permissions on an experiment can delete any artifacts.; fixed in 2.10.1';
  const TORCH =
    'GHSA-53q9-r3pm-6pq6 (CVE-2025-32434): PyTorch: `torch.load` with `weights_only=True` leads to remote code execution; fixed in 2.6.0';

  it('environment.yml: exact versions, pytorch as torch; fuzzy specs are not matched; the pip section as before', () => {
    const content = `name: train
channels:
  - pytorch
  - conda-forge
dependencies:
  - python=3.11
  - mlflow==2.9.2
  - pytorch::pytorch==2.0.0
  - "mlflow-skinny=2.9.2=pyhd8ed1ab_0"
  - transformers=4.35.2
  - langchain>=0.0.100
  - pip
  - pip:
    - torch==2.1.0
`;
    const { findings, errors } = runRule(rule, { path: 'environment.yml', content }, { settings });
    expect(errors).toEqual([]);
    expect(where(findings)).toEqual([
      `7:5-7:18 mlflow 2.9.2 (conda package, matched as PyPI mlflow) is affected by ${MLFLOW}`,
      `8:5-8:28 pytorch 2.0.0 (conda package, matched as PyPI torch: conda's name for it) is affected by ${TORCH}`,
      `14:7-14:19 torch 2.1.0 is affected by ${TORCH}`,
    ]);
    expect(findings[1].package).toEqual({
      ecosystem: 'conda',
      name: 'pytorch',
      version: '2.0.0',
      purl: 'pkg:conda/pytorch@2.0.0',
      matchedAs: { ecosystem: 'PyPI', name: 'torch', purl: 'pkg:pypi/torch@2.0.0', by: 'mapping' },
    });
    expect(findings[1].vulnerability?.id).toBe('GHSA-53q9-r3pm-6pq6');
    expect(findings[2].package).toEqual({ ecosystem: 'PyPI', name: 'torch', version: '2.1.0', purl: 'pkg:pypi/torch@2.1.0' });
  });

  it('conda-lock.yml: conda entries through their PyPI project, pip entries as PyPI, at their name', () => {
    const entry = (name: string, version: string, manager: string, url: string) => `- name: ${name}
  version: ${version}
  manager: ${manager}
  platform: linux-64
  dependencies: {}
  url: ${url}
  hash:
    sha256: ${'ab'.repeat(32)}
  category: main
  optional: false
`;
    const content = `version: 1
metadata:
  platforms:
  - linux-64
  sources:
  - environment.yml
package:
${entry('mlflow', '2.9.2', 'conda', 'https://conda.anaconda.org/conda-forge/linux-64/mlflow-2.9.2-py311h38be061_0.conda')}${entry('pytorch', '2.0.0', 'conda', 'https://conda.anaconda.org/pytorch/linux-64/pytorch-2.0.0-py3.11_cuda11.8_cudnn8.7.0_0.tar.bz2')}${entry('torch', '2.1.0', 'pip', 'https://files.pythonhosted.org/packages/torch-2.1.0-cp311-cp311-manylinux1_x86_64.whl')}`;
    const { findings, errors } = runRule(rule, { path: 'conda-lock.yml', content }, { settings });
    expect(errors).toEqual([]);
    expect(where(findings)).toEqual([
      `8:3-8:15 mlflow 2.9.2 (conda package, matched as PyPI mlflow) is affected by ${MLFLOW}`,
      `18:3-18:16 pytorch 2.0.0 (conda package, matched as PyPI torch: conda's name for it) is affected by ${TORCH}`,
      `28:3-28:14 torch 2.1.0 is affected by ${TORCH}`,
    ]);
  });

  it('an explicit file: the package, version and build from the archive name, at its line', () => {
    const content = `# This file may be used to create an environment using:
# $ conda create --name <env> --file <this file>
# platform: linux-64
@EXPLICIT
https://conda.anaconda.org/conda-forge/linux-64/python-3.11.7-hab00c5b_1_cpython.conda#${'0'.repeat(32)}
https://conda.anaconda.org/conda-forge/noarch/mlflow-skinny-2.9.2-pyhd8ed1ab_0.conda#${'1'.repeat(32)}
https://conda.anaconda.org/conda-forge/linux-64/mlflow-2.9.2-py311h38be061_0.conda#${'2'.repeat(32)}
https://conda.anaconda.org/pytorch/linux-64/pytorch-2.5.1-py3.11_cuda12.1_cudnn9.1.0_0.tar.bz2
`;
    const { findings, errors } = runRule(rule, { path: 'conda-linux-64.lock', content }, { settings });
    expect(errors).toEqual([]);
    expect(where(findings)).toEqual([
      `7:1-7:116 mlflow 2.9.2 (conda package, matched as PyPI mlflow) is affected by ${MLFLOW}`,
      `8:1-8:95 pytorch 2.5.1 (conda package, matched as PyPI torch: conda's name for it) is affected by ${TORCH}`,
    ]);
  });

  it('an environment file and the conda-lock file beside it: reported once, at the lock', () => {
    const env = { path: 'environment.yml', content: 'dependencies:\n  - mlflow==2.9.2\n' };
    const lock = {
      path: 'conda-lock.yml',
      content:
        'version: 1\npackage:\n- name: mlflow\n  version: 2.9.2\n  manager: conda\n  platform: linux-64\n  url: https://conda.anaconda.org/conda-forge/linux-64/mlflow-2.9.2-py311h38be061_0.conda\n',
    };
    const { findings } = runRule(rule, [env, lock], { settings });
    expect(findings.map((f) => `${f.location.path}:${f.location.startLine} ${f.message.split(' is affected')[0]}`)).toEqual([
      'conda-lock.yml:3 mlflow 2.9.2 (conda package, matched as PyPI mlflow) (required in environment.yml)',
    ]);
  });

  describe('packages that are not their PyPI namesake', () => {
    // Made-up records naming PyPI projects whose names conda uses for C libraries and tools.
    const collisions = new MemoryVulnerabilitySource([
      ...fixtureRecords(),
      ...['zstd', 'libcurl', 'graphviz', 'tinylib'].map((name) => ({
        id: `TEST-${name}`,
        summary: `a PyPI ${name} advisory`,
        affected: [{ package: { ecosystem: 'PyPI', name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }] }],
      })),
    ]);
    const run = (path: string, content: string) => runRule(rule, { path, content }, { settings: { vulnerabilities: collisions } });

    it('are not matched by name: a known non-Python name, a library name, a build that is not Python', () => {
      const env = `dependencies:
  - zstd==1.5.5
  - libcurl==8.5.0
  - graphviz==9.0.0
  - tinylib==1.0=h1234567_0
  - python-graphviz==0.20.1
  - tinylib==1.0=py311h1234567_0
  - pip:
    - zstd==1.5.5.1
`;
      expect(where(run('environment.yml', env).findings)).toEqual([
        "6:5-6:28 python-graphviz 0.20.1 (conda package, matched as PyPI graphviz: conda's name for it) is affected by TEST-graphviz: a PyPI graphviz advisory; no fixed version",
        '7:5-7:33 tinylib 1.0 (conda package, matched as PyPI tinylib) is affected by TEST-tinylib: a PyPI tinylib advisory; no fixed version',
        '9:7-9:20 zstd 1.5.5.1 is affected by TEST-zstd: a PyPI zstd advisory; no fixed version',
      ]);
      const explicit = `@EXPLICIT
https://conda.anaconda.org/conda-forge/linux-64/zstd-1.5.5-hfc55251_0.conda
https://conda.anaconda.org/conda-forge/linux-64/tinylib-1.0-h1234567_0.conda
file:///home/me/conda-bld/linux-64/tinylib-1.0-py311h1234567_0.conda
`;
      expect(run('conda-linux-64.lock', explicit).findings).toEqual([]);
    });
  });
});

describe('conda files: each PyPI project, version and advisory once per file', () => {
  const records = new MemoryVulnerabilitySource([
    ...fixtureRecords(),
    {
      id: 'TEST-tf',
      summary: 'a PyPI tensorflow advisory',
      affected: [{ package: { ecosystem: 'PyPI', name: 'tensorflow' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.16.0' }] }] }],
    },
  ]);
  const lines = (path: string, content: string) =>
    runRule(rule, { path, content }, { settings: { vulnerabilities: records } }).findings.map(
      (f) => `${f.location.startLine}:${f.location.startColumn}-${f.location.endLine}:${f.location.endColumn} ${f.message.split(' is affected by ')[0]} ${f.vulnerability?.id}`,
    );

  it('a metapackage and the package it pins: reported at the first', () => {
    const explicit = `@EXPLICIT
https://conda.anaconda.org/conda-forge/linux-64/mlflow-2.9.2-py311h38be061_0.conda
https://conda.anaconda.org/conda-forge/linux-64/tensorflow-2.15.0-cpu_py311h6ac8430_2.conda
https://conda.anaconda.org/conda-forge/linux-64/tensorflow-base-2.15.0-cpu_py311h4dfcaa8_2.conda
`;
    expect(lines('conda-linux-64.lock', explicit)).toEqual([
      '2:1-2:83 mlflow 2.9.2 (conda package, matched as PyPI mlflow) PYSEC-2024-51',
      '3:1-3:92 tensorflow 2.15.0 (conda package, matched as PyPI tensorflow) TEST-tf',
    ]);
  });

  it('conda-lock.yml: one entry per platform gives one finding, at the first', () => {
    const entry = (platform: string) =>
      `- name: mlflow\n  version: 2.9.2\n  manager: conda\n  platform: ${platform}\n  url: https://conda.anaconda.org/conda-forge/noarch/mlflow-2.9.2-pyhd8ed1ab_0.conda\n`;
    const lock = `version: 1\npackage:\n${['linux-64', 'osx-64', 'win-64'].map(entry).join('')}- name: mlflow\n  version: 2.8.0\n  manager: conda\n  platform: osx-arm64\n  url: https://conda.anaconda.org/conda-forge/noarch/mlflow-2.8.0-pyhd8ed1ab_0.conda\n`;
    expect(lines('conda-lock.yml', lock)).toEqual([
      '3:3-3:15 mlflow 2.9.2 (conda package, matched as PyPI mlflow) PYSEC-2024-51',
      '18:3-18:15 mlflow 2.8.0 (conda package, matched as PyPI mlflow) PYSEC-2024-51',
    ]);
  });
});
