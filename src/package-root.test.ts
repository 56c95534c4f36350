import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findPackageRoot, PACKAGE_NAME, packageRoot } from './package-root.js';
import { VERSION } from './version.js';

describe('packageRoot', () => {
  it('is the directory of package.json, from src/ as from dist/ or dist/bundle/', () => {
    const root = fileURLToPath(new URL('..', import.meta.url)).replace(/[/\\]$/, '');
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };
    expect(manifest.name).toBe(PACKAGE_NAME);
    expect(packageRoot().dir).toBe(root);
    expect(VERSION).toBe(manifest.version);
    for (const from of ['src', 'dist', join('dist', 'bundle'), join('dist', 'server', 'dashboard')])
      expect(findPackageRoot(join(root, from))?.dir).toBe(root);
  });

  it("passes over other packages' package.json (and broken ones) on the way up", () => {
    const dir = mkdtempSync(join(tmpdir(), 'sanctum-root-'));
    try {
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: PACKAGE_NAME, version: '9.8.7' }));
      mkdirSync(join(dir, 'dist', 'bundle', 'deep'), { recursive: true });
      writeFileSync(join(dir, 'dist', 'package.json'), '{"type": "module"}');
      writeFileSync(join(dir, 'dist', 'bundle', 'package.json'), '{ not json');
      expect(findPackageRoot(join(dir, 'dist', 'bundle', 'deep'))).toEqual({ dir, manifest: { name: PACKAGE_NAME, version: '9.8.7' } });
      expect(findPackageRoot(join(dir, 'dist'), 'another-name')).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
