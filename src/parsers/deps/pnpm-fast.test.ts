import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../core/parser.js';
import { parsePnpmLock, parsePnpmLockWithYamlLibrary } from './js-locks.js';
import { fastLockTree } from './lock-tree.js';

// pnpm-lock.yaml is read by js-yaml with node offsets (less than half the `yaml` library's memory and
// a third of its time on a large lockfile); the `yaml` library's reading is the reference, and the two must agree.

const V9 = `lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

importers:

  .:
    dependencies:
      '@langchain/core':
        specifier: ^0.3.0
        version: 0.3.0(openai@4.77.0)
      openai:
        specifier: ^4.77.0
        version: 4.77.0(zod@3.23.8)
      local-lib:
        specifier: file:../lib
        version: file:../lib
    devDependencies:
      vitest:
        specifier: ^2.1.0
        version: 2.1.0

  packages/web:
    dependencies:
      react:
        specifier: 18.3.1
        version: 18.3.1

packages:

  '@langchain/core@0.3.0':
    resolution: {integrity: sha512-AAAAAAAA}
    engines: {node: '>=18'}

  local-lib@file:../lib:
    resolution: {directory: ../lib, type: directory}

  my-fork@https://codeload.github.com/acme/fork/tar.gz/0123456789abcdef:
    resolution: {tarball: https://codeload.github.com/acme/fork/tar.gz/0123456789abcdef}
    version: 1.2.3

  openai@4.77.0:
    resolution: {integrity: sha512-BBBBBBBB}
    hasBin: true
    peerDependencies:
      zod: ^3.23.8
    peerDependenciesMeta:
      zod:
        optional: true

  react@18.3.1:
    resolution: {integrity: sha512-CCCCCCCC}

  vitest@2.1.0:
    resolution: {integrity: sha512-DDDDDDDD}

  zod@3.23.8:
    resolution: {integrity: sha512-EEEEEEEE}

snapshots:

  '@langchain/core@0.3.0(openai@4.77.0)':
    dependencies:
      openai: 4.77.0(zod@3.23.8)
      zod: 3.23.8

  local-lib@file:../lib: {}

  openai@4.77.0(zod@3.23.8):
    optionalDependencies:
      zod: 3.23.8

  react@18.3.1: {}

  vitest@2.1.0: {}

  zod@3.23.8: {}
`;

const V6 = `lockfileVersion: '6.0'

settings:
  autoInstallPeers: true

dependencies:
  express:
    specifier: ^4.18.0
    version: 4.18.2

devDependencies:
  '@types/node':
    specifier: ^20.0.0
    version: 20.11.0

packages:

  /@types/node@20.11.0:
    resolution: {integrity: sha512-FFFF}
    dev: true

  /express@4.18.2:
    resolution: {integrity: sha512-GGGG}
    engines: {node: '>= 0.10.0'}
    dependencies:
      qs: 6.11.0
    dev: false

  /qs@6.11.0:
    resolution: {integrity: sha512-HHHH}
    dev: false

  file:../local:
    resolution: {directory: ../local, type: directory}
    name: local
    version: 0.0.1
    dev: false
`;

const V5 = `lockfileVersion: 5.4

specifiers:
  lodash: ^4.17.20
  react-dom: ^17.0.2

dependencies:
  lodash: 4.17.20
  react-dom: 17.0.2_react@17.0.2

packages:

  /lodash/4.17.20:
    resolution: {integrity: sha512-IIII}
    dev: false

  /react-dom/17.0.2_react@17.0.2:
    resolution: {integrity: sha512-JJJJ}
    peerDependencies:
      react: 17.0.2
    dependencies:
      loose-envify: 1.4.0
      react: 17.0.2
    dev: false

  /react/17.0.2:
    resolution: {integrity: sha512-KKKK}
    dev: false
`;

/** A lockfile of `n` packages shaped as bench/large-lockfiles.mjs writes them. */
function generated(n: number): string {
  const name = (i: number) => `pkg-${i.toString(36)}-${['core', 'util', 'cli', 'plugin'][i % 4]}`;
  const ver = (i: number) => `${1 + (i % 7)}.${i % 31}.${i % 13}`;
  const out = ["lockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    dependencies:\n"];
  for (const j of [0, 1, 2]) out.push(`      ${name(j)}:\n        specifier: ^${ver(j)}\n        version: ${ver(j)}\n`);
  out.push('\npackages:\n\n');
  for (let i = 0; i < n; i++) out.push(`  ${name(i)}@${ver(i)}:\n    resolution: {integrity: sha512-${i}}\n    engines: {node: '>=18'}\n\n`);
  out.push('snapshots:\n\n');
  for (let i = 0; i < n; i++)
    out.push(`  ${name(i)}@${ver(i)}:\n    dependencies:\n${[1, 2].map((k) => `      ${name((i + k) % n)}: ${ver((i + k) % n)}\n`).join('')}\n`);
  return out.join('');
}

/** The result of a reading, or its error message. */
function outcome(read: () => unknown): unknown {
  try {
    return read();
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const SAMPLES = { V9, V6, V5, generated: generated(500) };

describe('pnpm-lock.yaml read by js-yaml', () => {
  for (const [label, text] of Object.entries(SAMPLES)) {
    it(`${label}: read the fast way, exactly as the yaml library reads it`, () => {
      expect(fastLockTree(text, DEFAULT_LIMITS.maxDepth)).toBeDefined();
      expect(parsePnpmLock(text)).toEqual(parsePnpmLockWithYamlLibrary(text));
    });
  }

  it('what the yaml library may read otherwise goes its way: directives, tags, anchors, aliases', () => {
    for (const text of [`%YAML 1.1\n---\n${V6}`, V6.replace('version: 4.18.2', 'version: !!str 4.18.2'), `${V6}x: &a 1\ny: *a\n`])
      expect(fastLockTree(text, DEFAULT_LIMITS.maxDepth)).toBeUndefined();
  });

  it('scalars as YAML 1.2 reads them, not as js-yaml does by default (yes is text, 0o10 is 8, 1_0 is text)', () => {
    const text = `lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      yes:\n        version: 0o10\n      1_0:\n        version: 1_0\n      on:\n        version: 1.10\npackages:\n  yes@8:\n    resolution: {integrity: sha512-A}\n    dev: yes\n`;
    expect(fastLockTree(text, DEFAULT_LIMITS.maxDepth)).toBeDefined();
    expect(parsePnpmLock(text)).toEqual(parsePnpmLockWithYamlLibrary(text));
  });

  it('mutated lockfiles read alike (or fail alike): 3,000 seeded mutations', () => {
    let seed = 18;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const pieces = [' ', '\n', ':', '-', "'", '"', '{', '}', '[', ']', ',', '#', '  ', '\t', '? ', '|', '>', 'true', 'null', '0x1F', '~', '@', '/'];
    const bases = Object.values(SAMPLES).slice(0, 3);
    let fast = 0;
    for (let i = 0; i < 3000; i++) {
      let text = bases[i % bases.length];
      for (let k = 1 + random(3); k > 0; k--) {
        const at = random(text.length);
        const what = random(3);
        if (what === 0) text = text.slice(0, at) + text.slice(at + 1 + random(4));
        else if (what === 1) text = text.slice(0, at) + pieces[random(pieces.length)] + text.slice(at);
        else text = text.slice(0, at) + pieces[random(pieces.length)] + text.slice(at + 1);
      }
      if (fastLockTree(text, DEFAULT_LIMITS.maxDepth)) fast++;
      expect(outcome(() => parsePnpmLock(text)), text).toEqual(outcome(() => parsePnpmLockWithYamlLibrary(text)));
    }
    // Most mutants are still read the fast way: the comparison is not only of the fallback with itself.
    expect(fast).toBeGreaterThan(1000);
    // About 8 s alone; a loaded 2-core machine took more than the default 30 s.
  }, 180_000);
});
