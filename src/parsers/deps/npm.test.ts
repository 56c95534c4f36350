import { describe, expect, it } from 'vitest';
import { parsePackageJson, parsePackageLock } from './npm.js';

const at = (text: string, span: { start: number; end: number }) => text.slice(span.start, span.end);

describe('package.json', () => {
  const text = `{
  "name": "app",
  "private": true,
  "dependencies": { "openai": "4.20.1", "lodash": "^4.17.0", "local": "file:../local", "alias": "npm:@scope/real@1.2.3", "gh": "user/repo#v1" },
  "devDependencies": { "vitest": "~4.0.0" }
}`;
  const m = parsePackageJson(text, 'package.json', 100);
  it('reads exact versions, ranges, aliases and non-registry sources', () => {
    expect(m.application).toBe(true);
    expect(m.packages.map((p) => [p.name, p.version, p.requirement, p.source?.kind, p.dev])).toEqual([
      ['openai', '4.20.1', undefined, undefined, undefined],
      ['lodash', undefined, '^4.17.0', undefined, undefined],
      ['local', undefined, undefined, 'path', undefined],
      ['@scope/real', '1.2.3', undefined, 'alias', undefined],
      ['gh', undefined, undefined, 'vcs', undefined],
      ['vitest', undefined, '~4.0.0', undefined, true],
    ]);
    expect(at(text, m.packages[0].span)).toBe('"openai": "4.20.1"');
  });
  it('rejects a file that is not a JSON object', () => {
    expect(() => parsePackageJson('[1]', 'package.json', 100)).toThrow('package.json is not a JSON object');
    expect(() => parsePackageJson('{"a":', 'package.json', 100)).toThrow(/invalid package.json at line 1/);
  });
});

describe('an installed package.json (node_modules)', () => {
  it('is the installed package, at its name, with its licence; without a version it is nothing', () => {
    const text = '{\n  "name": "@scope/pkg",\n  "version": "1.2.3",\n  "license": "Apache-2.0",\n  "dependencies": { "x": "^1.0.0" }\n}\n';
    const m = parsePackageJson(text, 'node_modules/@scope/pkg/package.json', 100);
    expect(m.lockfile).toBe(true);
    expect(m.packages.map((p) => [p.name, p.version, p.license])).toEqual([['@scope/pkg', '1.2.3', 'Apache-2.0']]);
    expect(at(text, m.packages[0].span)).toBe('"name": "@scope/pkg"');
    expect(parsePackageJson('{ "name": "x" }', 'a/node_modules/x/package.json', 100).packages).toEqual([]);
  });
});

describe('package-lock.json', () => {
  it('v3: direct and transitive, dev, integrity, licence, nested copies, links', () => {
    const text = `{
  "lockfileVersion": 3,
  "packages": {
    "": { "name": "app", "dependencies": { "express": "^4.0.0" }, "devDependencies": { "vitest": "^4.0.0" } },
    "node_modules/express": { "version": "4.18.2", "integrity": "sha512-AAAA", "license": "MIT", "dependencies": { "qs": "6.11.0" } },
    "node_modules/qs": { "version": "6.11.0" },
    "node_modules/express/node_modules/qs": { "version": "6.5.0" },
    "node_modules/vitest": { "version": "4.0.1", "dev": true },
    "node_modules/mylib": { "resolved": "packages/mylib", "link": true },
    "packages/mylib": { "version": "0.0.1" }
  }
}`;
    const m = parsePackageLock(text, 100);
    expect(m.lockfile).toBe(true);
    expect(m.packages.map((p) => [p.name, p.version, p.direct, p.dev ?? false, p.source?.kind])).toEqual([
      ['express', '4.18.2', true, false, undefined],
      ['qs', '6.11.0', false, false, undefined],
      ['qs', '6.5.0', false, false, undefined],
      ['vitest', '4.0.1', true, true, undefined],
      ['mylib', undefined, false, false, 'path'],
    ]);
    // express requires its own nested copy of qs, as Node resolves it, not the hoisted one.
    expect(m.packages[0]).toMatchObject({ hashes: ['sha512-AAAA'], license: 'MIT', dependsOn: ['qs@6.5.0'] });
    expect(at(text, m.packages[2].span)).toBe('"node_modules/express/node_modules/qs"');
  });
  it('v2: the packages section is read, the v1 copy of it is not read again', () => {
    const text = `{
  "lockfileVersion": 2,
  "packages": {
    "": { "name": "app", "dependencies": { "express": "^4.0.0" } },
    "node_modules/express": { "version": "4.18.2", "dependencies": { "qs": "6.11.0" } },
    "node_modules/qs": { "version": "6.11.0", "resolved": "http://registry.internal.example/qs/-/qs-6.11.0.tgz" }
  },
  "dependencies": {
    "express": { "version": "4.18.2", "requires": { "qs": "6.11.0" } },
    "qs": { "version": "6.11.0" }
  }
}`;
    const m = parsePackageLock(text, 100);
    expect(m.packages.map((p) => [p.name, p.version, p.direct])).toEqual([
      ['express', '4.18.2', true],
      ['qs', '6.11.0', false],
    ]);
    expect(at(text, m.packages[1].span)).toBe('"node_modules/qs"');
    // A tarball over plain HTTP makes its registry an index the rules see.
    expect(m.indexes.map((i) => [i.url, i.role, at(text, i.span)])).toEqual([
      ['http://registry.internal.example/', 'primary', '"node_modules/qs"'],
    ]);
  });

  it('v3: each dependency is the copy Node resolves (nearest node_modules up the tree), aliases by their package', () => {
    const text = `{
  "lockfileVersion": 3,
  "packages": {
    "": { "name": "app", "dependencies": { "@isaacs/cliui": "^8.0.2", "string-width-cjs": "npm:string-width@^4.2.0", "ws": "file:../ws" } },
    "node_modules/@isaacs/cliui": { "version": "8.0.2", "dependencies": { "string-width": "^5.1.2", "string-width-cjs": "npm:string-width@^4.2.0", "emoji-regex": "^9" } },
    "node_modules/@isaacs/cliui/node_modules/string-width": { "version": "5.1.2", "dependencies": { "emoji-regex": "^9.2.2" } },
    "node_modules/@isaacs/cliui/node_modules/emoji-regex": { "version": "9.2.2" },
    "node_modules/string-width-cjs": { "name": "string-width", "version": "4.2.3", "dependencies": { "emoji-regex": "^8.0.0" } },
    "node_modules/string-width": { "version": "4.2.3", "dependencies": { "emoji-regex": "^8.0.0" } },
    "node_modules/emoji-regex": { "version": "8.0.0" },
    "node_modules/ws": { "resolved": "../ws", "link": true },
    "packages/web/node_modules/emoji-regex": { "version": "10.3.0" },
    "packages/web/node_modules/string-width": { "version": "7.0.0", "dependencies": { "emoji-regex": "^10", "missing": "^1" } }
  }
}`;
    const m = parsePackageLock(text, 100);
    expect(m.packages.map((p) => [p.name, p.version, p.direct, p.dependsOn])).toEqual([
      ['@isaacs/cliui', '8.0.2', true, ['string-width@5.1.2', 'string-width@4.2.3', 'emoji-regex@9.2.2']],
      ['string-width', '5.1.2', false, ['emoji-regex@9.2.2']],
      ['emoji-regex', '9.2.2', false, undefined],
      // The root requires the alias by its folder name: it is direct.
      ['string-width', '4.2.3', true, ['emoji-regex@8.0.0']],
      ['string-width', '4.2.3', false, ['emoji-regex@8.0.0']],
      ['emoji-regex', '8.0.0', false, undefined],
      ['ws', undefined, true, undefined],
      ['emoji-regex', '10.3.0', false, undefined],
      ['string-width', '7.0.0', false, ['emoji-regex@10.3.0', 'missing']],
    ]);
  });

  it('v1: nested dependencies and aliases', () => {
    const text = `{
  "lockfileVersion": 1,
  "dependencies": {
    "a": { "version": "1.0.0", "integrity": "sha1-xx", "requires": { "b": "^2.0.0" }, "dependencies": { "b": { "version": "2.0.1" } } },
    "c": { "version": "npm:d@3.0.0", "dev": true }
  }
}`;
    const m = parsePackageLock(text, 100);
    expect(m.packages.map((p) => [p.name, p.version, p.dev ?? false])).toEqual([
      ['a', '1.0.0', false],
      ['b', '2.0.1', false],
      ['d', '3.0.0', true],
    ]);
    expect(at(text, m.packages[1].span)).toBe('"b"');
  });

  it('v1: a required package is the nearest copy up the tree', () => {
    const text = `{
  "lockfileVersion": 1,
  "dependencies": {
    "a": { "version": "1.0.0", "requires": { "b": "^2.0.0", "c": "^1.0.0", "w": "npm:wrap@^7" }, "dependencies": {
      "b": { "version": "2.0.1", "requires": { "c": "^1.0.0", "d": "*" } }
    } },
    "b": { "version": "1.0.0" },
    "c": { "version": "1.5.0" },
    "w": { "version": "npm:wrap@7.0.0" }
  }
}`;
    const m = parsePackageLock(text, 100);
    expect(m.packages.map((p) => [p.name, p.version, p.dependsOn])).toEqual([
      ['a', '1.0.0', ['b@2.0.1', 'c@1.5.0', 'wrap@7.0.0']],
      ['b', '2.0.1', ['c@1.5.0', 'd']],
      ['b', '1.0.0', undefined],
      ['c', '1.5.0', undefined],
      ['wrap', '7.0.0', undefined],
    ]);
  });
});
