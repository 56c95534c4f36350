import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard } from '../src/server/dashboard/start.js';
import { listAlerts } from '../src/store/queries.js';
import { createToken } from '../src/store/tokens.js';
import { httpsRequest } from '../src/testing/https-request.js';
import { makeTlsFiles, type TlsFiles } from '../src/testing/tls-files.js';
import { expectNoStackTrace } from './cli-helpers.js';
import { until } from './wait.js';

// The built executable (bin/sanctum over dist/), as a container runs it; `npm test` builds first.
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'sanctum');
const REVIEW = readFileSync(join(ROOT, 'src/server/webhook/testdata/deployment-create.json'), 'utf8');

let tls: TlsFiles;
beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist', 'bundle', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
  tls = await makeTlsFiles();
}, 60_000);
afterAll(() => tls?.remove());

/** Starts `sanctum webhook` and resolves with its URL once it logs that it listens. */
function startWebhook(args: string[]): Promise<{ child: ChildProcess; url: string; log: () => string }> {
  const child = spawn(process.execPath, [BIN, 'webhook', ...args], { cwd: tls.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no 'listening' line in 60 s: ${out}${err}`)), 60_000);
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      for (const line of out.split('\n')) {
        if (!line.includes('sanctum webhook listening')) continue;
        clearTimeout(timer);
        resolve({ child, url: JSON.parse(line).url as string, log: () => out });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sanctum webhook exited with ${code}: ${err}`));
    });
  });
}

describe('sanctum webhook', () => {
  it('serves AdmissionReview decisions with the configuration, logs them as JSON lines, and stops on SIGTERM', async () => {
    writeFileSync(join(tls.dir, 'webhook.yaml'), 'webhook:\n  actions:\n    critical: warn\n');
    const { child, url, log } = await startWebhook([
      '--tls-cert',
      'tls.crt',
      '--tls-key',
      'tls.key',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--config',
      'webhook.yaml',
    ]);
    try {
      const r = await httpsRequest(`${url}/validate`, tls.cert, 'POST', REVIEW);
      expect(r.status).toBe(200);
      expect(r.body.response.allowed).toBe(true);
      expect(r.body.response.warnings).toContain("Sanctum K8S-0003 (critical): Container 'vllm' runs privileged");
      // Decision lines are written in batches (every 250 ms): wait for the batch, not a fixed time.
      const loggedDecision = () =>
        log()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l))
          .find((l) => l.msg === 'admission allowed');
      const decision = await until(loggedDecision, 'the logged decision', { ms: 60_000, everyMs: 50 });
      expect(decision).toEqual(
        expect.objectContaining({ name: 'vllm', namespace: 'llm', kind: 'Deployment', user: 'kubernetes-admin', dryRun: false }),
      );
      expect(decision.findings).toContainEqual({
        rule: 'K8S-0003',
        severity: 'critical',
        action: 'warn',
        path: '/spec/template/spec/containers/0/securityContext/privileged',
      });
    } finally {
      const exited = new Promise<number | null>((done) => child.on('exit', done));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  }, 90_000);

  it('on SIGTERM fails /readyz and goes on serving for --shutdown-delay (the endpoint is removed meanwhile), then stops', async () => {
    const { child, url } = await startWebhook([
      '--tls-cert',
      'tls.crt',
      '--tls-key',
      'tls.key',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--shutdown-delay',
      '3000',
    ]);
    const exited = new Promise<number | null>((done) => child.on('exit', done));
    let gone = false;
    void exited.then(() => (gone = true));
    expect((await httpsRequest(`${url}/readyz`, tls.cert, 'GET')).status).toBe(200);
    const signalled = Date.now();
    child.kill('SIGTERM');
    // Not ready at once, while admission requests are still answered.
    const unready = await until(
      async () => ((await httpsRequest(`${url}/readyz`, tls.cert, 'GET')).status === 503 ? true : undefined),
      '/readyz answering 503',
      { ms: 2_500, everyMs: 50 },
    );
    expect(unready).toBe(true);
    const r = await httpsRequest(`${url}/validate`, tls.cert, 'POST', REVIEW);
    expect(r.status).toBe(200);
    expect(r.body.response.allowed).toBe(false);
    expect(gone).toBe(false);
    expect(await exited).toBe(0);
    expect(Date.now() - signalled).toBeGreaterThanOrEqual(2_900);
  }, 90_000);

  it('--upload sends decisions to sanctum serve off the request path, with their count in /metrics', async () => {
    const store = mkdtempSync(join(tmpdir(), 'sanctum-webhook-store-'));
    const dashboard = await startDashboard({
      db: `sqlite:${join(store, 'store.db')}`,
      host: '127.0.0.1',
      port: 0,
      webRoot: join(store, 'none'),
    });
    const { token } = await createToken(dashboard.store, 'webhook', 'write');
    const { child, url } = await startWebhook([
      '--tls-cert',
      'tls.crt',
      '--tls-key',
      'tls.key',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--upload',
      dashboard.url,
      '--token',
      token,
      '--upload-target',
      'prod (admission)',
    ]);
    try {
      const r = await httpsRequest(`${url}/validate`, tls.cert, 'POST', REVIEW);
      expect(r.body.response.allowed).toBe(false);
      // Sent within the linger time (1 s), not when the process ends.
      const alerts = await until(
        async () => {
          const { alerts } = await listAlerts(dashboard.store, { kind: 'admission' });
          return alerts.length > 0 ? alerts : undefined;
        },
        'the decision in the store',
        { ms: 60_000, everyMs: 200 },
      );
      expect(alerts.find((a) => a.ruleId === 'K8S-0003')).toMatchObject({ target: 'prod (admission)', action: 'deny', namespace: 'llm' });
      const metrics = await httpsRequest(`${url}/metrics`, tls.cert, 'GET');
      expect(metrics.text).toMatch(/^sanctum_webhook_store_decisions_total\{result="delivered"\} 1$/m);
      expect(metrics.text).toMatch(/^sanctum_webhook_store_decisions_total\{result="dropped"\} 0$/m);
      expect(metrics.text).toMatch(/^sanctum_webhook_store_queue 0$/m);
    } finally {
      const exited = new Promise<number | null>((done) => child.on('exit', done));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      await dashboard.close();
      rmSync(store, { recursive: true, force: true });
    }
  }, 90_000);

  it('exits 2 with one clear line for a missing certificate or a bad configuration', () => {
    writeFileSync(join(tls.dir, 'bad.yaml'), 'webhook:\n  actions:\n    critical: block\n');
    for (const [args, message] of [
      [
        ['--tls-cert', 'missing.crt', '--tls-key', 'tls.key', '--port', '0'],
        /^sanctum: cannot read the TLS certificate .*missing\.crt: no such file or directory\n$/,
      ],
      [
        ['--tls-cert', 'tls.crt', '--tls-key', 'tls.key', '--port', '0', '--config', 'bad.yaml'],
        /^sanctum: .*bad\.yaml: invalid configuration: webhook\.actions\.critical: .*\n$/,
      ],
      [
        ['--tls-cert', 'tls.crt', '--tls-key', 'tls.crt', '--port', '0'],
        /^sanctum: the TLS certificate .* and key .* cannot be used: .*\n$/,
      ],
      [['--tls-key', 'tls.key'], /required option '--tls-cert <file>' not specified/],
    ] as const) {
      const r = spawnSync(process.execPath, [BIN, 'webhook', ...args], { cwd: tls.dir, encoding: 'utf8', timeout: 60_000 });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expectNoStackTrace(r.stderr);
    }
  }, 90_000);
});
