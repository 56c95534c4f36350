import { describe, expect, it } from 'vitest';
import { MemorySourceFile } from '../../core/source-file.js';
import { ParseFailure } from '../../core/parser.js';
import { parseCondaEnvironment } from './conda.js';
import { parseDockerfileInstalls } from './dockerfile-installs.js';
import { goSumHashes, parseGoMod } from './go-mod.js';
import { parsePythonMetadata } from './installed.js';
import { parsePnpmLock, parseYarnLock, pnpmKey } from './js-locks.js';

const at = (text: string, span: { start: number; end: number }) => text.slice(span.start, span.end);

describe('conda environment.yml', () => {
  const text = `name: train
channels:
  - pytorch
dependencies:
  - python=3.10
  - pytorch::pytorch==2.1.0
  - "numpy>=1.24"
  - pip:
      - transformers==4.35.0
      - --extra-index-url https://download.pytorch.org/whl/cu121
`;
  it('reads conda packages and the pip section at their lines', () => {
    const m = parseCondaEnvironment(text);
    expect(m.packages.map((p) => [p.ecosystem, p.name, p.version, p.requirement])).toEqual([
      ['conda', 'python', undefined, '=3.10'],
      ['conda', 'pytorch', '2.1.0', undefined],
      ['conda', 'numpy', undefined, '>=1.24'],
      ['PyPI', 'transformers', '4.35.0', undefined],
    ]);
    expect(at(text, m.packages[2].span)).toBe('numpy>=1.24');
    expect(at(text, m.packages[3].span)).toBe('transformers==4.35.0');
    expect(m.indexes.map((i) => [i.role, at(text, i.span)])).toEqual([
      ['extra', '--extra-index-url https://download.pytorch.org/whl/cu121'],
    ]);
  });
  it('reports invalid YAML with its line', () => {
    expect(() => parseCondaEnvironment('dependencies:\n  - a\n - b: [\n')).toThrow(/^invalid YAML in environment file at line 3: /);
  });

  it('refuses YAML nested past the limit before the YAML library composes it (its stack overflow could abort the process)', () => {
    const flow = `${'{"a":'.repeat(30_000)}1${'}'.repeat(30_000)}`;
    expect(() => parsePnpmLock(`lockfileVersion: '9.0'\npackages: ${flow}\n`)).toThrow(
      new ParseFailure('YAML nesting in pnpm-lock.yaml is deeper than the limit of 100 levels (line 2); not scanned', 2),
    );
    expect(() => parseCondaEnvironment(`dependencies:\n  - ${flow}\n`)).toThrow(
      new ParseFailure('YAML nesting in environment file is deeper than the limit of 100 levels (line 2); not scanned', 2),
    );
    // Compact block collections (`- - -`, `? ? ?`) 30,000 deep aborted the process with "RegExpCompiler
    // Allocation failed" when the library's recursion overflowed while V8 compiled a regular expression.
    for (const indicator of ['- ', '? ']) {
      expect(() => parseCondaEnvironment(`name: x\ndependencies:\n  - ${indicator.repeat(30_000)}1\n`)).toThrow(
        new ParseFailure('YAML nesting in environment file is deeper than the limit of 100 levels (line 3); not scanned', 3),
      );
    }
  });
  it('reads YAML nested up to the limit', () => {
    const nested = `dependencies:\n  - python=3.10\n  - ${'['.repeat(98)}${']'.repeat(98)}\n`;
    expect(parseCondaEnvironment(nested).packages.map((p) => p.name)).toEqual(['python']);
    expect(() => parseCondaEnvironment(`dependencies:\n  - python=3.10\n  - ${'['.repeat(99)}${']'.repeat(99)}\n`)).toThrow(
      /deeper than the limit of 100 levels \(line 3\)/,
    );
  });
  it('a file of many keys is read in one pass (each key was compared with every key before it)', () => {
    // 80,000 distinct keys took 200 s when the YAML library checked each new key against the map's others.
    const keys = Array.from({ length: 80_000 }, (_, i) => `k${i}: 1\n`).join('');
    const big = `${keys}dependencies:\n  - {${Array.from({ length: 20_000 }, (_, i) => `k${i}: v`).join(', ')}}\n  - python=3.10\n`;
    const m = parseCondaEnvironment(big);
    expect(m.packages.map((p) => [p.name, p.requirement, at(big, p.span)])).toEqual([['python', '=3.10', 'python=3.10']]);
  });
  it('a channel that is a path or URL, and the MatchSpec form name version build', () => {
    const env = `dependencies:
  - nvidia/label/cuda-12.1.0::cuda-toolkit=12.1.0
  - https://conda.anaconda.org/conda-forge::numpy=1.26.4=py311h64a7726_0
  - conda-forge::scipy 1.14.1 py311h2929bc6_0
  - pandas 2.2.*
`;
    const m = parseCondaEnvironment(env);
    expect(m.problems).toEqual([]);
    expect(m.packages.map((p) => [p.name, p.version, p.requirement, at(env, p.span)])).toEqual([
      ['cuda-toolkit', undefined, '=12.1.0', 'nvidia/label/cuda-12.1.0::cuda-toolkit=12.1.0'],
      ['numpy', '1.26.4', undefined, 'https://conda.anaconda.org/conda-forge::numpy=1.26.4=py311h64a7726_0'],
      ['scipy', '1.14.1', undefined, 'conda-forge::scipy 1.14.1 py311h2929bc6_0'],
      ['pandas', undefined, '2.2.*', 'pandas 2.2.*'],
    ]);
  });
  it("reads versions as conda's MatchSpec does: =1.26 is fuzzy (1.26.*), ==1.26 and =1.26=build exact", () => {
    const env = `dependencies:
  - numpy=1.26
  - numpy==1.26
  - numpy=1.26.4=py311h64a7726_0
  - numpy==1.26.4=py311h64a7726_0
  - numpy 1.26.4
  - numpy=1.26.*
  - numpy==1.26.*
  - numpy=1.26|1.27
  - numpy>=1.26,<2
`;
    const m = parseCondaEnvironment(env);
    expect(m.problems).toEqual([]);
    expect(m.packages.map((p) => [p.version, p.requirement, at(env, p.span)])).toEqual([
      [undefined, '=1.26', 'numpy=1.26'],
      ['1.26', undefined, 'numpy==1.26'],
      ['1.26.4', undefined, 'numpy=1.26.4=py311h64a7726_0'],
      ['1.26.4', undefined, 'numpy==1.26.4=py311h64a7726_0'],
      ['1.26.4', undefined, 'numpy 1.26.4'],
      [undefined, '=1.26.*', 'numpy=1.26.*'],
      [undefined, '==1.26.*', 'numpy==1.26.*'],
      [undefined, '=1.26|1.27', 'numpy=1.26|1.27'],
      [undefined, '>=1.26,<2', 'numpy>=1.26,<2'],
    ]);
  });
  it('a key given twice is read as conda reads it: the last one', () => {
    const twice = 'dependencies:\n  - numpy=1.0\ndependencies:\n  - python=3.10\n';
    expect(parseCondaEnvironment(twice).packages.map((p) => p.name)).toEqual(['python']);
  });
});

describe('pnpm-lock.yaml', () => {
  it('keys of every lockfile version', () => {
    expect(pnpmKey('/lodash/4.17.20')).toEqual({ name: 'lodash', version: '4.17.20' });
    expect(pnpmKey('/@babel/core/7.2.0_react@18.0.0')).toEqual({ name: '@babel/core', version: '7.2.0' });
    expect(pnpmKey('/@babel/core@7.2.0(react@18.0.0)')).toEqual({ name: '@babel/core', version: '7.2.0' });
    expect(pnpmKey('lodash@4.17.20')).toEqual({ name: 'lodash', version: '4.17.20' });
  });
  it('v9: importers tell direct from transitive', () => {
    const text = `lockfileVersion: '9.0'
importers:
  .:
    dependencies:
      express:
        specifier: ^4.18.0
        version: 4.18.2
    devDependencies:
      vitest:
        specifier: ^4.0.0
        version: 4.0.1
packages:
  express@4.18.2:
    resolution: {integrity: sha512-AAAA}
  qs@6.11.0:
    resolution: {integrity: sha512-BBBB}
  vitest@4.0.1:
    resolution: {integrity: sha512-CCCC}
`;
    const m = parsePnpmLock(text);
    expect(m.packages.map((p) => [p.name, p.version, p.direct, p.dev ?? false, p.hashes?.[0]])).toEqual([
      ['express', '4.18.2', true, false, 'sha512-AAAA'],
      ['qs', '6.11.0', false, false, 'sha512-BBBB'],
      ['vitest', '4.0.1', true, true, 'sha512-CCCC'],
    ]);
    expect(at(text, m.packages[1].span)).toBe('qs@6.11.0');
  });
  it('a lockfile of many packages is read in one pass (each key was compared with every key before it)', () => {
    // 10,000 packages took 14 s when the YAML library checked each new key against the map's others.
    const n = 30_000;
    const text = `lockfileVersion: '9.0'\npackages:\n${Array.from({ length: n }, (_, i) => `  p${i}@1.0.${i}:\n    resolution: {integrity: sha512-A}\n`).join('')}`;
    const m = parsePnpmLock(text);
    expect(m.packages).toHaveLength(n);
    expect(at(text, m.packages[n - 1].span)).toBe(`p${n - 1}@1.0.${n - 1}`);
  });
});

describe('pnpm-lock.yaml dependencies, aliases and packages from elsewhere', () => {
  const v9 = `lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

importers:

  .:
    dependencies:
      '@tanstack/react-query':
        specifier: ^5.59.0
        version: 5.59.0(react@18.3.1)
      react:
        specifier: ^18.3.1
        version: 18.3.1
      local-lib:
        specifier: file:../local-lib
        version: file:../local-lib
      my-fork:
        specifier: github:acme/my-fork#abc123
        version: https://codeload.github.com/acme/my-fork/tar.gz/0123456789abcdef0123456789abcdef01234567
      wrap-ansi-cjs:
        specifier: npm:wrap-ansi@^7.0.0
        version: wrap-ansi@7.0.0
    devDependencies:
      typescript:
        specifier: ^5.6.2
        version: 5.6.2

packages:

  '@tanstack/query-core@5.59.0':
    resolution: {integrity: sha512-WGD8uIhX6/deH/tkZqPNcRyAhDUqs729bWKoByYHSogcshXfFbppOdTER5+qY7mFvu8KEFJwT0nxr8RfPTVh0Q==}

  '@tanstack/react-query@5.59.0':
    resolution: {integrity: sha512-YDXp3OORbYR+8HNQx+lf4F73xQiChbtsQm9gSjo1RnSYBsbhCi/cXJG4z1H3Y3pNVVvcNdRxT0l3nBvnd4fcw==}
    peerDependencies:
      react: ^18 || ^19

  js-tokens@4.0.0:
    resolution: {integrity: sha512-RdJUflcE3cUzKiMqQgsCu06FPu9UdIJO0beYbPhHN4k6apgJtifcoCtT9bcxOpYBtpD2kCM6Sbzg4CausW/PKQ==}

  local-lib@file:../local-lib:
    resolution: {directory: ../local-lib, type: directory}

  loose-envify@1.4.0:
    resolution: {integrity: sha512-lyuxPGr/Wfhrlem2CL/UcnUc1zcqKAImBDzukY7Y5F/yQiNdko6+fRLevlw1HgMySw7f611UIY408EtxRSoK3Q==}
    hasBin: true

  my-fork@https://codeload.github.com/acme/my-fork/tar.gz/0123456789abcdef0123456789abcdef01234567:
    resolution: {tarball: https://codeload.github.com/acme/my-fork/tar.gz/0123456789abcdef0123456789abcdef01234567}
    version: 1.0.0

  react@18.3.1:
    resolution: {integrity: sha512-wS+hAgJShR0KhEvPJArfuPVN1+Hz1t0Y6n5jLrGQbkb4urgPE/0Rve+1kMB1v/oWgHgm4WIcV+i7F2pTVj+2iQ==}
    engines: {node: '>=0.10.0'}

  typescript@5.6.2:
    resolution: {integrity: sha512-NW8ByodCSNCwZeghjN3o+JX5OFH0Ojg6sadjEKY4huZ52TqbJTJnDo5+Tw98lSy63NZvi4n+ez5m2u5d4PkZyw==}
    engines: {node: '>=14.17'}
    hasBin: true

  wrap-ansi@7.0.0:
    resolution: {integrity: sha512-YVGIj2kamLSTxw6NsZjoBxfSwsn0ycdesmc4p+Q21c5zPuZ1pl+NfxVdxPtdHvmNVOQ6XSYG4AUtyt/Fi7D16Q==}
    engines: {node: '>=10'}

snapshots:

  '@tanstack/query-core@5.59.0': {}

  '@tanstack/react-query@5.59.0(react@18.3.1)':
    dependencies:
      '@tanstack/query-core': 5.59.0
      react: 18.3.1

  js-tokens@4.0.0: {}

  local-lib@file:../local-lib: {}

  loose-envify@1.4.0:
    dependencies:
      js-tokens: 4.0.0

  my-fork@https://codeload.github.com/acme/my-fork/tar.gz/0123456789abcdef0123456789abcdef01234567: {}

  react@18.3.1:
    dependencies:
      loose-envify: 1.4.0

  typescript@5.6.2: {}

  wrap-ansi@7.0.0: {}
`;
  const v6 = `lockfileVersion: '6.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

dependencies:
  '@tanstack/react-query':
    specifier: ^5.59.0
    version: 5.59.0(react@18.3.1)
  local-lib:
    specifier: file:../local-lib
    version: file:../local-lib
  react:
    specifier: ^18.3.1
    version: 18.3.1

devDependencies:
  typescript:
    specifier: ^5.6.2
    version: 5.6.2

packages:

  /@tanstack/query-core@5.59.0:
    resolution: {integrity: sha512-WGD8uIhX6/deH/tkZqPNcRyAhDUqs729bWKoByYHSogcshXfFbppOdTER5+qY7mFvu8KEFJwT0nxr8RfPTVh0Q==}
    dev: false

  /@tanstack/react-query@5.59.0(react@18.3.1):
    resolution: {integrity: sha512-YDXp3OORbYR+8HNQx+lf4F73xQiChbtsQm9gSjo1RnSYBsbhCi/cXJG4z1H3Y3pNVVvcNdRxT0l3nBvnd4fcw==}
    peerDependencies:
      react: ^18 || ^19
    dependencies:
      '@tanstack/query-core': 5.59.0
      react: 18.3.1
    dev: false

  /js-tokens@4.0.0:
    resolution: {integrity: sha512-RdJUflcE3cUzKiMqQgsCu06FPu9UdIJO0beYbPhHN4k6apgJtifcoCtT9bcxOpYBtpD2kCM6Sbzg4CausW/PKQ==}
    dev: false

  /loose-envify@1.4.0:
    resolution: {integrity: sha512-lyuxPGr/Wfhrlem2CL/UcnUc1zcqKAImBDzukY7Y5F/yQiNdko6+fRLevlw1HgMySw7f611UIY408EtxRSoK3Q==}
    hasBin: true
    dependencies:
      js-tokens: 4.0.0
    dev: false

  /react@18.3.1:
    resolution: {integrity: sha512-wS+hAgJShR0KhEvPJArfuPVN1+Hz1t0Y6n5jLrGQbkb4urgPE/0Rve+1kMB1v/oWgHgm4WIcV+i7F2pTVj+2iQ==}
    engines: {node: '>=0.10.0'}
    dependencies:
      loose-envify: 1.4.0
    dev: false

  /typescript@5.6.2:
    resolution: {integrity: sha512-NW8ByodCSNCwZeghjN3o+JX5OFH0Ojg6sadjEKY4huZ52TqbJTJnDo5+Tw98lSy63NZvi4n+ez5m2u5d4PkZyw==}
    engines: {node: '>=14.17'}
    hasBin: true
    dev: true

  file:../local-lib:
    resolution: {directory: ../local-lib, type: directory}
    name: local-lib
    version: 1.0.0
    dev: false
`;
  it('v9: dependencies from snapshots, peer suffixes dropped; directory, tarball and aliased packages', () => {
    const m = parsePnpmLock(v9);
    expect(m.packages.map((p) => [p.name, p.version, p.direct, p.dev ?? false, p.source?.kind, p.dependsOn])).toEqual([
      ['@tanstack/query-core', '5.59.0', false, false, undefined, undefined],
      ['@tanstack/react-query', '5.59.0', true, false, undefined, ['@tanstack/query-core@5.59.0', 'react@18.3.1']],
      ['js-tokens', '4.0.0', false, false, undefined, undefined],
      ['local-lib', undefined, true, false, 'path', undefined],
      ['loose-envify', '1.4.0', false, false, undefined, ['js-tokens@4.0.0']],
      ['my-fork', '1.0.0', true, false, 'vcs', undefined],
      ['react', '18.3.1', true, false, undefined, ['loose-envify@1.4.0']],
      ['typescript', '5.6.2', true, true, undefined, undefined],
      ['wrap-ansi', '7.0.0', true, false, undefined, undefined],
    ]);
    expect(m.packages[5].source?.location).toBe('https://codeload.github.com/acme/my-fork/tar.gz/0123456789abcdef0123456789abcdef01234567');
  });
  it('v6: dependencies of each package, a directory package by its own name', () => {
    const m = parsePnpmLock(v6);
    expect(m.packages.map((p) => [p.name, p.version, p.direct, p.dev ?? false, p.source?.kind, p.dependsOn])).toEqual([
      ['@tanstack/query-core', '5.59.0', false, false, undefined, undefined],
      ['@tanstack/react-query', '5.59.0', true, false, undefined, ['@tanstack/query-core@5.59.0', 'react@18.3.1']],
      ['js-tokens', '4.0.0', false, false, undefined, undefined],
      ['loose-envify', '1.4.0', false, false, undefined, ['js-tokens@4.0.0']],
      ['react', '18.3.1', true, false, undefined, ['loose-envify@1.4.0']],
      ['typescript', '5.6.2', true, true, undefined, undefined],
      ['local-lib', '1.0.0', true, false, 'path', undefined],
    ]);
  });
  it('v6: an importer marks direct the variant with its peers, not the last of the same name@version', () => {
    const text = `lockfileVersion: '6.0'
dependencies:
  foo:
    specifier: ^1.0.0
    version: 1.0.0(react@17.0.2)
  bar:
    specifier: ^2.0.0
    version: 2.0.0
packages:
  /foo@1.0.0(react@17.0.2):
    resolution: {integrity: sha512-AAAA}
    dev: false
  /foo@1.0.0(react@18.2.0):
    resolution: {integrity: sha512-AAAA}
    dev: false
  /bar@2.0.0(react@17.0.2):
    resolution: {integrity: sha512-BBBB}
    dev: false
  /bar@2.0.0(react@18.2.0):
    resolution: {integrity: sha512-BBBB}
    dev: false
`;
    const m = parsePnpmLock(text);
    // foo names its variant; bar names none, so both of its variants are direct.
    expect(m.packages.map((p) => [p.name, p.version, p.direct, p.span?.start])).toEqual([
      ['foo', '1.0.0', true, text.indexOf('/foo@1.0.0(react@17')],
      ['foo', '1.0.0', false, text.indexOf('/foo@1.0.0(react@18')],
      ['bar', '2.0.0', true, text.indexOf('/bar@2.0.0(react@17')],
      ['bar', '2.0.0', true, text.indexOf('/bar@2.0.0(react@18')],
    ]);
  });
  it('v5: peer suffixes after an underscore', () => {
    const text = `lockfileVersion: 5.4
specifiers:
  react-dom: ^18.2.0
dependencies:
  react-dom: 18.2.0_react@18.2.0
packages:
  /react-dom/18.2.0_react@18.2.0:
    resolution: {integrity: sha512-AAAA}
    dependencies:
      react: 18.2.0
      scheduler: 0.23.0
    dev: false
  /react/18.2.0:
    resolution: {integrity: sha512-BBBB}
    dev: false
  /scheduler/0.23.0:
    resolution: {integrity: sha512-CCCC}
    dev: false
`;
    const m = parsePnpmLock(text);
    expect(m.packages.map((p) => [p.name, p.version, p.direct, p.dependsOn])).toEqual([
      ['react-dom', '18.2.0', true, ['react@18.2.0', 'scheduler@0.23.0']],
      ['react', '18.2.0', false, undefined],
      ['scheduler', '0.23.0', false, undefined],
    ]);
  });
});

describe('yarn.lock', () => {
  it('classic', () => {
    const text = `# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.
# yarn lockfile v1


"@babel/code-frame@^7.0.0", "@babel/code-frame@^7.10.4":
  version "7.12.13"
  resolved "https://registry.yarnpkg.com/@babel/code-frame/-/code-frame-7.12.13.tgz#dcfc826beef65e75c50e21d3837d7d95798dd658"
  integrity sha512-HV1Cm0Q3ZrpCR93tkWOYiuYIgLxZXZFVG2VgK+MBWjUqZTundupbfx2aXarXuw5Ko5aMcjtJgbSs4vUGBS5v6g==
  dependencies:
    "@babel/highlight" "^7.12.13"

lodash@^4.17.0:
  version "4.17.20"
`;
    const m = parseYarnLock(text);
    expect(m.packages.map((p) => [p.name, p.version, p.dependsOn])).toEqual([
      ['@babel/code-frame', '7.12.13', ['@babel/highlight']],
      ['lodash', '4.17.20', undefined],
    ]);
    expect(at(text, m.packages[1].span)).toBe('lodash@^4.17.0');
    expect(m.problems).toEqual([]);
  });
  it('berry, with workspace entries kept as the project', () => {
    const text = `__metadata:
  version: 8
  cacheKey: 10c0

"app@workspace:.":
  version: 0.0.0-use.local
  resolution: "app@workspace:."
  languageName: unknown
  linkType: soft

"lodash@npm:^4.17.0":
  version: 4.17.20
  resolution: "lodash@npm:4.17.20"
  checksum: 10c0/abcdef
  languageName: node
  linkType: hard
`;
    const m = parseYarnLock(text);
    expect(m.packages.map((p) => [p.name, p.version, p.source?.kind])).toEqual([
      ['app', '0.0.0-use.local', 'workspace'],
      ['lodash', '4.17.20', undefined],
    ]);
  });
});

describe('yarn.lock aliases and the entries dependencies resolve to', () => {
  it('classic: an aliased entry is the package it installs; each dependency is the entry its descriptor names', () => {
    const text = `# yarn lockfile v1

"@isaacs/cliui@^8.0.2":
  version "8.0.2"
  dependencies:
    string-width "^5.1.2"
    string-width-cjs "npm:string-width@^4.2.0"
    strip-ansi "^7.0.1"

"string-width-cjs@npm:string-width@^4.2.0", string-width@^4.1.0:
  version "4.2.3"
  dependencies:
    emoji-regex "^8.0.0"

string-width@^5.1.2:
  version "5.1.2"
  dependencies:
    emoji-regex "^9.2.2"

emoji-regex@^8.0.0:
  version "8.0.0"

emoji-regex@^9.2.2:
  version "9.2.2"
`;
    const m = parseYarnLock(text);
    expect(m.packages.map((p) => [p.name, p.version, p.direct, p.dependsOn])).toEqual([
      ['@isaacs/cliui', '8.0.2', undefined, ['string-width@5.1.2', 'string-width@4.2.3', 'strip-ansi']],
      ['string-width', '4.2.3', undefined, ['emoji-regex@8.0.0']],
      ['string-width', '5.1.2', undefined, ['emoji-regex@9.2.2']],
      ['emoji-regex', '8.0.0', undefined, undefined],
      ['emoji-regex', '9.2.2', undefined, undefined],
    ]);
  });
  it('berry: aliases and patches by their resolution, workspaces say what is direct', () => {
    const text = `__metadata:
  version: 8
  cacheKey: 10c0

"app@workspace:.":
  version: 0.0.0-use.local
  resolution: "app@workspace:."
  dependencies:
    "@isaacs/cliui": "npm:^8.0.2"
    resolve: "patch:resolve@npm%3A^1.22.8#optional!builtin<compat/resolve>"
  languageName: unknown
  linkType: soft

"@isaacs/cliui@npm:^8.0.2":
  version: 8.0.2
  resolution: "@isaacs/cliui@npm:8.0.2"
  dependencies:
    string-width: "npm:^5.1.2"
    string-width-cjs: "npm:string-width@^4.2.0"
  languageName: node
  linkType: hard

"resolve@patch:resolve@npm%3A^1.22.8#optional!builtin<compat/resolve>":
  version: 1.22.8
  resolution: "resolve@patch:resolve@npm%3A1.22.8#optional!builtin<compat/resolve>::version=1.22.8&hash=c3c19d"
  languageName: node
  linkType: hard

"string-width-cjs@npm:string-width@^4.2.0":
  version: 4.2.3
  resolution: "string-width@npm:4.2.3"
  languageName: node
  linkType: hard

"string-width@npm:^5.1.2":
  version: 5.1.2
  resolution: "string-width@npm:5.1.2"
  languageName: node
  linkType: hard
`;
    const m = parseYarnLock(text);
    expect(m.packages.map((p) => [p.name, p.version, p.direct, p.dependsOn])).toEqual([
      ['app', '0.0.0-use.local', undefined, ['@isaacs/cliui@8.0.2', 'resolve@1.22.8']],
      ['@isaacs/cliui', '8.0.2', true, ['string-width@5.1.2', 'string-width@4.2.3']],
      ['resolve', '1.22.8', true, undefined],
      ['string-width', '4.2.3', false, undefined],
      ['string-width', '5.1.2', false, undefined],
    ]);
  });
});

describe('go.mod', () => {
  it('requires, indirect ones and replacements', () => {
    const text = `module example.com/app

go 1.22

require github.com/gin-gonic/gin v1.9.0

require (
\tgolang.org/x/net v0.17.0 // indirect
\tgithub.com/local/lib v1.0.0
)

replace github.com/local/lib => ../lib
`;
    const m = parseGoMod(text);
    expect(m.packages.map((p) => [p.name, p.version, p.direct, p.source?.kind])).toEqual([
      ['github.com/gin-gonic/gin', 'v1.9.0', true, undefined],
      ['golang.org/x/net', 'v0.17.0', false, undefined],
      ['github.com/local/lib', 'v1.0.0', true, 'path'],
    ]);
    expect(at(text, m.packages[1].span)).toBe('golang.org/x/net v0.17.0');
  });
  it('go.sum hashes', () => {
    expect(goSumHashes('golang.org/x/net v0.17.0 h1:abc=\ngolang.org/x/net v0.17.0/go.mod h1:def=\n')).toEqual(
      new Map([['golang.org/x/net@v0.17.0', 'h1:abc=']]),
    );
  });
});

describe('installed metadata', () => {
  it('METADATA headers until the body', () => {
    const m = parsePythonMetadata('Metadata-Version: 2.1\nName: torch\nVersion: 2.1.0+cu121\nLicense: BSD-3\n\nName: not-this\n');
    expect(m.packages).toMatchObject([{ name: 'torch', version: '2.1.0+cu121', license: 'BSD-3' }]);
  });
  it('without a name it is a problem', () => {
    expect(parsePythonMetadata('Metadata-Version: 2.1\n').problems).toHaveLength(1);
  });
});

describe('Dockerfile install lines: what is not a registry package', () => {
  it('local paths, editable installs and wheels are not registry packages; npm ci names none', () => {
    const text = `FROM python:3.11
RUN pip install -e . && pip install ./dist/app-1.0-py3-none-any.whl --upgrade pip==24.0
RUN npm ci && npm install ./vendor/lib.tgz file:../common-lib
`;
    const m = parseDockerfileInstalls(new MemorySourceFile('Dockerfile', text));
    const registry = m.packages.filter((p) => !p.source);
    expect(registry.map((p) => [p.ecosystem, p.name, p.version])).toEqual([['PyPI', 'pip', '24.0']]);
    expect(at(text, registry[0].span)).toBe('pip==24.0');
  });
});

describe('Dockerfile install lines', () => {
  it('pip and npm installs, with indexes and requirement files', () => {
    const text = `FROM python:3.11
RUN pip install --no-cache-dir -r requirements.txt \\
    && pip install --extra-index-url https://download.pytorch.org/whl/cu121 torch==2.1.0 "transformers>=4.30" \${EXTRA}
RUN python -m pip install -i https://mirror.example/simple vllm
RUN npm install -g @anthropic-ai/sdk@0.20.0 lodash
`;
    const m = parseDockerfileInstalls(new MemorySourceFile('Dockerfile', text));
    expect(m.packages.map((p) => [p.ecosystem, p.name, p.version, p.requirement])).toEqual([
      ['PyPI', 'torch', '2.1.0', undefined],
      ['PyPI', 'transformers', undefined, '>=4.30'],
      ['PyPI', 'vllm', undefined, undefined],
      ['npm', '@anthropic-ai/sdk', '0.20.0', undefined],
      ['npm', 'lodash', undefined, undefined],
    ]);
    expect(at(text, m.packages[0].span)).toBe('torch==2.1.0');
    expect(m.includes.map((i) => i.path)).toEqual(['requirements.txt']);
    expect(at(text, m.packages[3].span)).toBe('@anthropic-ai/sdk@0.20.0');
    expect(m.indexes.map((i) => [i.role, i.url])).toEqual([
      ['extra', 'https://download.pytorch.org/whl/cu121'],
      ['primary', 'https://mirror.example/simple'],
    ]);
  });
});
