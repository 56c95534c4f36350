/**
 * bin/sanctum loads the bundle of the command line (dist/bundle, scripts/bundle-cli.mjs), whose chunks
 * sit elsewhere than the modules tsc emits: what a module finds relative to `import.meta.url` (the
 * package's version, the dashboard's files, the scan's worker thread) must be found from there too.
 * The worker thread is tested by test/scan-threads.test.ts, which runs bin/sanctum with two threads.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isBuiltin } from 'node:module';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'sanctum');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

let dir: string;
beforeAll(() => {
  const ready = spawnSync(process.execPath, [join(ROOT, 'scripts', 'ensure-ready.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (ready.status !== 0) throw new Error(`building dist/ failed:\n${ready.stderr}`);
  dir = mkdtempSync(join(tmpdir(), 'sanctum-bundle-'));
}, 15 * 60_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function sanctum(...args: string[]) {
  const env = { ...process.env };
  delete env.FORCE_COLOR;
  return spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env });
}

describe('bin/sanctum over the bundle', () => {
  it('is a few chunks in dist/bundle itself, the worker thread among them', () => {
    const files = readdirSync(join(ROOT, 'dist', 'bundle'));
    expect(files).toContain('main.js');
    expect(files).toContain('scan-worker.js');
    expect(files.every((f) => f.endsWith('.js'))).toBe(true);
  });

  it('the chunks a scan loads are ASCII, so that V8 keeps their source as one-byte text (scripts/bundle-cli.mjs)', () => {
    const bundle = join(ROOT, 'dist', 'bundle');
    const chunks = readdirSync(bundle).filter((f) => f === 'main.js' || f === 'scan-worker.js' || /^(engine|cli)-/.test(f));
    expect(chunks.length).toBeGreaterThanOrEqual(4);
    for (const f of chunks) {
      const at = readFileSync(join(bundle, f)).findIndex((b) => b > 0x7f);
      expect(at, `${f}: a byte that is not ASCII at offset ${at}`).toBe(-1);
    }
  });

  it("keeps the licence line of the Kubernetes client's code it bundles (scripts/bundle-kube-client.mjs)", () => {
    const bundle = join(ROOT, 'dist', 'bundle');
    const withClient = readdirSync(bundle).filter((f) => readFileSync(join(bundle, f), 'utf8').includes('KubeConfig'));
    expect(withClient.length).toBeGreaterThan(0);
    for (const f of withClient)
      expect(readFileSync(join(bundle, f), 'utf8'), f).toContain('@kubernetes/client-node (Apache-2.0, the Kubernetes Authors)');
  });

  it('knows the package version: --version through the command line, and in the report', () => {
    // Two arguments: not the fast path of bin/sanctum, which reads package.json itself.
    const v = sanctum('--version', '--version');
    expect(v.status).toBe(0);
    expect(v.stdout).toBe(`${VERSION}\n`);
    const report = join(dir, 'report.json');
    const r = sanctum('scan', join(ROOT, 'examples', 'ai-platform'), '--format', 'json', '--output', report, '--fail-on', 'none');
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(readFileSync(report, 'utf8')) as { tool: { version: string } }).tool).toEqual({ name: 'sanctum', version: VERSION });
  });

  it('serve: the dashboard is the one built in dist/web', async () => {
    const index = join(ROOT, 'dist', 'web', 'index.html');
    expect(existsSync(index)).toBe(true);
    const env = { ...process.env };
    delete env.FORCE_COLOR;
    const child = spawn(process.execPath, [BIN, 'serve', '--db', `sqlite:${join(dir, 'store.db')}`, '--port', '0', '--no-auth'], {
      cwd: dir,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let stderr = '';
        child.stderr.setEncoding('utf8');
        child.stderr.on('data', (chunk: string) => {
          stderr += chunk;
          const m = /serving the dashboard on (http:\/\/\S+)/.exec(stderr);
          if (m) resolve(m[1]);
        });
        child.on('exit', (code) => reject(new Error(`sanctum serve exited (${code}): ${stderr}`)));
      });
      const res = await fetch(`${url}/`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(readFileSync(index, 'utf8'));
    } finally {
      child.kill();
    }
  }, 60_000);

  it('start-up loads no package that a scan of an empty directory does not use (zod: 70 ms of CPU; ignore)', () => {
    // Node's loaders name each module they load (ESM: "Storing …", CommonJS: "load …") under NODE_DEBUG.
    const empty = mkdtempSync(join(dir, 'empty-'));
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_DEBUG: 'esm,module' };
    delete env.FORCE_COLOR;
    const r = spawnSync(process.execPath, [BIN, 'scan', empty, '--no-progress', '--fail-on', 'none'], { cwd: dir, encoding: 'utf8', env });
    expect(r.status, r.stderr).toBe(0);
    const packages = new Set([...r.stderr.matchAll(/node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/'"]+)/g)].map((m) => m[1]));
    expect(packages.has('commander')).toBe(true);
    expect([...packages].filter((p) => ['zod', 'ignore'].includes(p))).toEqual([]);
  });

  it("the scan's worker thread loads the engine's chunk only: no module of the command line, no commander", () => {
    const bundle = join(ROOT, 'dist', 'bundle');
    const loaded = new Set<string>();
    const packages = new Set<string>();
    const visit = (file: string) => {
      if (loaded.has(file)) return;
      loaded.add(file);
      for (const [, spec] of readFileSync(join(bundle, file), 'utf8').matchAll(/^(?:import|export) (?:[^;]*?from )?"([^"]+)"/gm))
        if (spec.startsWith('./')) visit(spec.slice(2));
        else packages.add(spec);
    };
    visit('scan-worker.js');
    expect(loaded.size).toBeGreaterThan(1);
    expect([...packages].filter((p) => ['commander', 'picocolors'].includes(p))).toEqual([]);
    for (const file of loaded) expect(readFileSync(join(bundle, file), 'utf8')).not.toMatch(/^\/\/ dist\/cli\//m);
  });

  it("imports only the package's own dependencies and Node's modules (not what npm happens to hoist)", () => {
    // The Kubernetes client's bundle (scripts/bundle-kube-client.mjs) imports @kubernetes/client-node's own
    // dependencies; under pnpm, or with two versions installed, only the package's declared ones resolve.
    const declared = new Set(
      Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: object }).dependencies),
    );
    const files = [
      ...readdirSync(join(ROOT, 'dist', 'bundle')).map((f) => join(ROOT, 'dist', 'bundle', f)),
      join(ROOT, 'dist', 'sources', 'cluster', 'kube-client.js'),
    ];
    const bare = new Set<string>();
    for (const file of files) {
      const code = readFileSync(file, 'utf8');
      const specs = ts.preProcessFile(code, true, true).importedFiles.map((f) => f.fileName);
      // The lazy stand-ins load CommonJS packages with `createRequire(import.meta.url)("name")`.
      for (const m of code.matchAll(/createRequire\(import\.meta\.url\)\("([^"]+)"\)/g)) specs.push(m[1]);
      for (const spec of specs) {
        if (spec.startsWith('.') || spec.startsWith('/') || isBuiltin(spec)) continue;
        bare.add(
          spec
            .split('/')
            .slice(0, spec.startsWith('@') ? 2 : 1)
            .join('/'),
        );
      }
    }
    expect(bare.size).toBeGreaterThan(10);
    expect([...bare].filter((p) => !declared.has(p)).sort()).toEqual([]);
    for (const lazy of ['node-fetch', 'hpagent', 'socks-proxy-agent', 'openid-client']) expect(bare).toContain(lazy);
  });
});
