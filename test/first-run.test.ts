/**
 * The README's first command on a fresh clone: `npm start -- scan … > report` must leave nothing but the
 * report on stdout, whether or not dependencies are installed and built on the way.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

// `npm start` builds first when a source is newer than dist: on a machine shared by several test runs that alone takes minutes.
describe('first run', { timeout: 600_000 }, () => {
  it('ensure-ready sends what npm install and the build print to stderr, never to stdout', () => {
    // A clone with no node_modules and no dist, and an `npm` on PATH that talks on stdout as npm does.
    const dir = mkdtempSync(join(tmpdir(), 'sanctum-first-run-'));
    try {
      mkdirSync(join(dir, 'scripts'));
      mkdirSync(join(dir, 'src'));
      mkdirSync(join(dir, 'bin'));
      copyFileSync(join(ROOT, 'scripts', 'ensure-ready.mjs'), join(dir, 'scripts', 'ensure-ready.mjs'));
      writeFileSync(join(dir, 'package.json'), '{}');
      writeFileSync(join(dir, 'package-lock.json'), '{}');
      writeFileSync(join(dir, 'src', 'a.ts'), '');
      const npm = join(dir, 'bin', 'npm');
      writeFileSync(npm, '#!/bin/sh\necho "added 348 packages in 12s"\necho "> tsc -p tsconfig.build.json"\n');
      chmodSync(npm, 0o755);
      const old = new Date(Date.now() - 60_000);
      utimesSync(join(dir, 'src', 'a.ts'), old, old);
      const r = spawnSync(process.execPath, [join(dir, 'scripts', 'ensure-ready.mjs')], {
        encoding: 'utf8',
        env: { ...process.env, PATH: `${join(dir, 'bin')}${delimiter}${process.env.PATH ?? ''}` },
      });
      expect(r.status).toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('installing dependencies');
      expect(r.stderr).toContain('added 348 packages');
      expect(r.stderr).toContain('building');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bin/sanctum in a clone that was never built says so in one line (exit 2); any other import error surfaces as it is', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sanctum-unbuilt-'));
    try {
      mkdirSync(join(dir, 'bin'));
      copyFileSync(join(ROOT, 'bin', 'sanctum'), join(dir, 'bin', 'sanctum'));
      copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
      const sanctum = (...args: string[]) =>
        spawnSync(process.execPath, [join(dir, 'bin', 'sanctum'), ...args], { cwd: dir, encoding: 'utf8' });
      const r = sanctum('scan', '.');
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        'sanctum: the build is missing (no dist/bundle/main.js): run `npm run build` first, or use `npm start -- ...`, which builds first\n',
      );
      // A build whose dependency is missing (node_modules not installed) is not a missing build.
      mkdirSync(join(dir, 'dist', 'bundle'), { recursive: true });
      writeFileSync(join(dir, 'dist', 'bundle', 'main.js'), "import 'sanctum-no-such-package';\n");
      const broken = sanctum('scan', '.');
      expect(broken.status).not.toBe(0);
      expect(broken.stderr).toContain("Cannot find package 'sanctum-no-such-package'");
      expect(broken.stderr).not.toContain('the build is missing');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const parsers: Record<string, (out: string) => void> = {
    json: (out) => expect(JSON.parse(out).schemaVersion).toBe(1),
    sarif: (out) => expect(JSON.parse(out).version).toBe('2.1.0'),
    junit: (out) => expect(out.startsWith('<?xml')).toBe(true),
    table: (out) => expect(out.startsWith('examples/ai-platform/')).toBe(true),
  };
  for (const [format, check] of Object.entries(parsers)) {
    it(`npm start -- scan examples/ai-platform --format ${format}: stdout holds the report alone`, () => {
      const env = { ...process.env };
      for (const k of Object.keys(env)) if (k.startsWith('npm_')) delete env[k];
      const r = spawnSync('npm', ['start', '--', 'scan', 'examples/ai-platform', '--format', format, '--no-color'], {
        cwd: ROOT,
        encoding: 'utf8',
        env,
      });
      expect(r.status, r.stderr).toBe(1);
      check(r.stdout);
    });
  }
});
