/**
 * What `npm install sanctum-scanner` gets: the tarball's file list, the package metadata and the
 * runtime dependencies. The list comes from `npm pack --dry-run` over the built dist/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  license: string;
  bin: Record<string, string>;
  repository?: { url?: string };
  homepage?: string;
  dependencies: Record<string, string>;
};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

describe('package', () => {
  let files: string[] = [];
  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist', 'bundle', 'main.js'))) throw new Error('dist/ is not built: run `npm run build`');
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const out = execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts', '--loglevel=silent'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    files = (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path);
  });

  it('ships the command, the library, its types, the schema, the docs and the licence', () => {
    for (const f of [
      'bin/sanctum',
      'dist/cli/main.js',
      'dist/bundle/main.js',
      'dist/bundle/scan-worker.js',
      'dist/index.js',
      'dist/index.d.ts',
      'schemas/sanctum-config.schema.json',
      'docs/configuration.md',
      'LICENSE',
      'README.md',
      'package.json',
    ])
      expect(files).toContain(f);
  });

  it('ships no tests, test helpers, source maps or sources', () => {
    const unwanted = files.filter((f) => /\.map$|\.test\.|(^|\/)testing\/|^src\/|^test\/|^bench\/|^scripts\//.test(f));
    expect(unwanted).toEqual([]);
    for (const f of files.filter((p) => p.endsWith('.js'))) expect(readFileSync(join(ROOT, f), 'utf8')).not.toContain('sourceMappingURL');
  });

  it('every shipped module it imports is shipped too', () => {
    const shipped = new Set(files);
    const missing: string[] = [];
    for (const f of files.filter((p) => p.startsWith('dist/') && p.endsWith('.js'))) {
      for (const m of readFileSync(join(ROOT, f), 'utf8').matchAll(
        /\bfrom (['"])(\.{1,2}\/[^'"]+)\1|import\((['"])(\.{1,2}\/[^'"]+)\3\)/g,
      )) {
        const target = join(f, '..', m[2] ?? m[4])
          .split('\\')
          .join('/');
        if (!shipped.has(target)) missing.push(`${f} → ${target}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('has a name of its own on npm, keeps the sanctum command, and says where it comes from', () => {
    // `sanctum` on npm is an unrelated package.
    expect(pkg.name).not.toBe('sanctum');
    expect(pkg.bin).toEqual({ sanctum: 'bin/sanctum' });
    expect(pkg.license).toBe('Apache-2.0');
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toContain('Apache License\n                           Version 2.0, January 2004');
    expect(pkg.repository?.url).toMatch(/^git\+https:\/\//);
    expect(pkg.homepage).toMatch(/^https:\/\//);
  });

  it('declares no runtime dependency that nothing in src/ imports', () => {
    const text = sourceFiles(join(ROOT, 'src'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    // What the bundle of @kubernetes/client-node (scripts/bundle-kube-client.mjs) imports of the package's own
    // dependencies is declared too (test/bundle.test.ts checks the bundle imports nothing undeclared).
    const kubeDependencies = Object.keys(
      (
        JSON.parse(readFileSync(join(ROOT, 'node_modules', '@kubernetes', 'client-node', 'package.json'), 'utf8')) as {
          dependencies: object;
        }
      ).dependencies,
    );
    const unused = Object.keys(pkg.dependencies).filter(
      (d) =>
        !kubeDependencies.includes(d) &&
        // `resolve('pkg')`: a package whose files are read, not imported (Chart.js inlined into the HTML report);
        // `lazyModule<T>('pkg')`: a package required on first use (core/lazy-module).
        !new RegExp(`(from|import\\(|resolve\\(|lazyModule(<[^>]*>)?\\()\\s*'${d.replace(/[/.]/g, '\\$&')}(/[^']*)?'`).test(text),
    );
    expect(unused).toEqual([]);
  });

  it('documents installing and importing it under its npm name', () => {
    const docs = ['README.md', 'docs/output.md', 'docs/configuration.md'].map((f) => readFileSync(join(ROOT, f), 'utf8')).join('\n');
    expect(docs).not.toMatch(/npx sanctum\b(?!-)|from 'sanctum'|node_modules\/sanctum\//);
    expect(docs).toContain(`from '${pkg.name}'`);
  });
});
