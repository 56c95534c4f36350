import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../core/parser.js';
import { buildSbom } from '../../inventory/sbom.js';
import { scanSync } from '../../scan.js';

// Lockfiles of large monorepos are over the 10 MiB of other text files: they are read up to
// `maxLockfileBytes` (64 MiB). The files are generated here, never committed.
const ENTRIES = 50_000;
let base: string;

const integrity = 'sha512-' + Buffer.alloc(64, 7).toString('base64');

/** A package-lock.json v3 of `ENTRIES` packages, one a line; the last comes over plain HTTP (line `ENTRIES + 4`). */
function packageLock(): string {
  const lines = ['{', '  "lockfileVersion": 3,', '  "packages": {', '    "": { "name": "mono" },'];
  for (let i = 0; i < ENTRIES; i++) {
    const name = `pkg-${i}`;
    const host = i === ENTRIES - 1 ? 'http://npm.internal.example' : 'https://registry.npmjs.org';
    const sep = i === ENTRIES - 1 ? '' : ',';
    lines.push(
      `    "node_modules/${name}": { "version": "1.${i % 100}.0", "resolved": "${host}/${name}/-/${name}-1.${i % 100}.0.tgz", "integrity": "${integrity}", "license": "MIT", "dev": false }${sep}`,
    );
  }
  lines.push('  }', '}', '');
  return lines.join('\n');
}

/** A yarn.lock (classic) of `ENTRIES` packages. */
function yarnLock(): string {
  const parts = ['# yarn lockfile v1\n\n'];
  for (let i = 0; i < ENTRIES; i++) {
    const name = `pkg-${i}`;
    parts.push(
      `"${name}@^2.0.0":\n  version "2.0.${i % 100}"\n  resolved "https://registry.yarnpkg.com/${name}/-/${name}-2.0.${i % 100}.tgz#${'ab'.repeat(20)}"\n  integrity ${integrity}\n\n`,
    );
  }
  return parts.join('');
}

/** A pnpm-lock.yaml (v9) of `ENTRIES` packages, each depending on the next. */
function pnpmLock(): string {
  const parts = ["lockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    dependencies:\n      pkg-0:\n        specifier: ^3.0.0\n        version: 3.0.0\n\npackages:\n\n"];
  for (let i = 0; i < ENTRIES; i++) parts.push(`  pkg-${i}@3.0.${i % 100}:\n    resolution: {integrity: ${integrity}}\n    engines: {node: '>=18'}\n\n`);
  parts.push('snapshots:\n\n');
  for (let i = 0; i < ENTRIES; i++) parts.push(`  pkg-${i}@3.0.${i % 100}:\n    dependencies:\n      pkg-${(i + 1) % ENTRIES}: 3.0.${(i + 1) % 100}\n\n`);
  return parts.join('');
}

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'sanctum-biglock-'));
  for (const dir of ['npm', 'yarn', 'pnpm', 'over']) mkdirSync(join(base, dir));
  writeFileSync(join(base, 'npm/package-lock.json'), packageLock());
  writeFileSync(join(base, 'yarn/yarn.lock'), yarnLock());
  writeFileSync(join(base, 'pnpm/pnpm-lock.yaml'), pnpmLock());
  // Over the lockfile limit: never read, so its content does not matter.
  writeFileSync(join(base, 'over/package-lock.json'), Buffer.alloc(65 * 1024 * 1024, 0x20));
}, 60_000);

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('lockfiles over the 10 MiB text limit', { timeout: 120_000 }, () => {
  it('are generated over 10 MiB', () => {
    for (const p of ['npm/package-lock.json', 'yarn/yarn.lock', 'pnpm/pnpm-lock.yaml'])
      expect(statSync(join(base, p)).size).toBeGreaterThan(DEFAULT_LIMITS.maxFileBytes);
  });

  it('a package-lock.json is scanned: a finding at its exact place', () => {
    const r = scanSync({ targets: ['npm'], cwd: base, config: false, rules: ['SCA-0003'] });
    expect(r.errors).toEqual([]);
    expect(r.findings.map((f) => [f.ruleId, f.location.path, f.location.startLine, f.location.startColumn, f.location.endColumn])).toEqual([
      ['SCA-0003', 'npm/package-lock.json', ENTRIES + 4, 5, 5 + `"node_modules/pkg-${ENTRIES - 1}"`.length],
    ]);
  });

  it('a package-lock.json and a yarn.lock are in the SBOM, every package', () => {
    const { bom, errors } = buildSbom(['npm', 'yarn'], { cwd: base });
    expect(errors).toEqual([]);
    const components = bom.components as Array<{ name: string; version?: string; purl?: string }>;
    expect(components.filter((c) => c.purl?.startsWith('pkg:npm/pkg-')).length).toBe(2 * ENTRIES);
    expect(components.filter((c) => c.name === `pkg-${ENTRIES - 1}`).map((c) => c.version)).toEqual(['1.99.0', '2.0.99']);
  });

  it('a pnpm-lock.yaml is scanned without an error and in the SBOM, every package, located, with its edges', () => {
    expect(scanSync({ targets: ['pnpm'], cwd: base, config: false, rules: ['SCA-0003'] }).errors).toEqual([]);
    const { bom, errors, inventory } = buildSbom(['pnpm'], { cwd: base });
    expect(errors).toEqual([]);
    const components = bom.components as Array<{ purl?: string }>;
    expect(components.filter((c) => c.purl?.startsWith('pkg:npm/pkg-')).length).toBe(ENTRIES);
    const last = inventory.packages.find((p) => p.name === `pkg-${ENTRIES - 1}`);
    expect(last?.origin).toEqual({ path: 'pnpm/pnpm-lock.yaml', line: 13 + 4 * (ENTRIES - 1) });
    expect(last?.dependsOn).toEqual(['pkg-0@3.0.0']);
  });

  it('one over the lockfile limit is one error naming the limit, in a scan and in the SBOM', () => {
    const r = scanSync({ targets: ['over'], cwd: base, config: false });
    expect(r.errors).toEqual([
      { path: 'over/package-lock.json', message: 'file is 65.0 MiB, over the 64.0 MiB limit of the text parser; not scanned' },
    ]);
    expect(buildSbom(['over'], { cwd: base }).errors).toEqual([
      { path: 'over/package-lock.json', message: 'file is 65.0 MiB, over the 64.0 MiB limit of the deps parser; not read' },
    ]);
  });
});
