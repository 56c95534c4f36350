#!/usr/bin/env node
// Admission webhook benchmark: `sanctum webhook` (built CLI, its own process, TLS, decision logs on)
// under 500 AdmissionReviews/s of mixed Pod and Deployment requests sent by autocannon from this
// process. Budget: p99 ≤ 10 ms. Records the client's latency distribution and the server's histogram.
// Usage: node bench/webhook.mjs            (prints a Markdown section; needs dist/: npm run build)
//        import { runWebhookBench } from './webhook.mjs'
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { generate } from 'selfsigned';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');
const RATE = 500;
const DURATION_S = 30;
const WARM_UP_S = 5;

function review(name) {
  return readFileSync(join(root, 'src/server/webhook/testdata', name), 'utf8');
}

async function startServer(dir) {
  const pems = await generate([{ name: 'commonName', value: 'sanctum-bench' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  writeFileSync(join(dir, 'tls.crt'), pems.cert);
  writeFileSync(join(dir, 'tls.key'), pems.private);
  const child = spawn(
    process.execPath,
    [join(root, 'bin/sanctum'), 'webhook', '--tls-cert', 'tls.crt', '--tls-key', 'tls.key', '--host', '127.0.0.1', '--port', '0'],
    { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let logBytes = 0;
  const url = await new Promise((resolve, reject) => {
    let buffered = '';
    child.on('exit', (code) => reject(new Error(`sanctum webhook exited with ${code}`)));
    child.stdout.on('data', (chunk) => {
      logBytes += chunk.length;
      if (buffered === null) return;
      buffered += chunk.toString();
      const line = buffered.split('\n').find((l) => l.includes('sanctum webhook listening'));
      if (line) {
        buffered = null;
        resolve(JSON.parse(line).url);
      }
    });
  });
  return { child, url, logBytes: () => logBytes };
}

function fire(url, seconds, rate) {
  const headers = { 'content-type': 'application/json' };
  return autocannon({
    url,
    connections: 20,
    overallRate: rate,
    duration: seconds,
    method: 'POST',
    requests: [
      { path: '/validate', body: review('pod-create-restricted.json'), headers },
      { path: '/validate', body: review('deployment-create.json'), headers },
      { path: '/mutate', body: review('deployment-create.json'), headers },
      { path: '/validate', body: review('inferenceservice-create.json'), headers },
    ],
  });
}

/** Server-side histogram: count per bucket of sanctum_webhook_request_duration_seconds, both endpoints. */
async function serverHistogram(url) {
  const { request } = await import('node:https');
  const text = await new Promise((resolve, reject) => {
    request(`${url}/metrics`, { rejectUnauthorized: false }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve(body));
    })
      .on('error', reject)
      .end();
  });
  const buckets = new Map();
  for (const m of text.matchAll(/^sanctum_webhook_request_duration_seconds_bucket\{le="([^"]+)",endpoint="(?:validate|mutate)"\} (\d+)/gm))
    buckets.set(m[1], (buckets.get(m[1]) ?? 0) + Number(m[2]));
  return buckets;
}

export async function measureWebhookBench() {
  const dir = mkdtempSync(join(os.tmpdir(), 'sanctum-bench-webhook-'));
  const server = await startServer(dir);
  try {
    await fire(server.url, WARM_UP_S, RATE / 2);
    const before = await serverHistogram(server.url);
    const loadBefore = os.loadavg()[0];
    const r = await fire(server.url, DURATION_S, RATE);
    const loadAfter = os.loadavg()[0];
    const after = await serverHistogram(server.url);
    const histogram = [...after].map(([le, n]) => [le, n - (before.get(le) ?? 0)]);
    return { r, histogram, loadBefore, loadAfter, logMB: server.logBytes() / 1e6 };
  } finally {
    server.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runWebhookBench() {
  const { r, histogram, loadBefore, loadAfter, logMB } = await measureWebhookBench();
  const l = r.latency;
  const total = histogram.find(([le]) => le === '+Inf')?.[1] ?? 0;
  const rows = histogram
    .filter(([le]) => le !== '+Inf')
    .map(([le, n]) => `| ≤ ${Number(le) * 1000} ms | ${n.toLocaleString('en')} | ${total ? ((n / total) * 100).toFixed(2) : '—'} % |`);
  const p99 = l.p99;
  return {
    markdown:
      `## Admission webhook\n\n` +
      `\`sanctum webhook\` (the built CLI in its own process: TLS, JSON decision logs on, every rule that reads single objects) under ` +
      `${RATE} AdmissionReviews/s for ${DURATION_S} s from autocannon in a second process (20 keep-alive connections, after a ${WARM_UP_S} s warm-up at half the rate). ` +
      `The requests cycle through a hardened Pod (/validate), a Deployment with a privileged GPU container (/validate, denied; /mutate, patched) and a KServe InferenceService (/validate), as the API server sends them. ` +
      `The machine is shared by other work (2 cores): 1-minute load average ${loadBefore.toFixed(1)} before and ${loadAfter.toFixed(1)} after; latencies on a quiet machine are lower.\n\n` +
      `| | requests | rate | non-2xx | errors | p50 | p90 | p97.5 | p99 | p99.9 | max |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n` +
      `| client (autocannon, corrected for coordinated omission) | ${r.requests.total.toLocaleString('en')} | ${Math.round(r.requests.average)}/s | ${r.non2xx} | ${r.errors + r.timeouts} | ${l.p50} ms | ${l.p90} ms | ${l.p97_5} ms | **${p99} ms** | ${l.p99_9} ms | ${l.max} ms |\n\n` +
      `Server-side (\`sanctum_webhook_request_duration_seconds\`, body read to answer written, same run):\n\n| latency | requests (cumulative) | share |\n| --- | ---: | ---: |\n${rows.join('\n')}\n\n` +
      `Budget: p99 ≤ 10 ms at 500 reviews/s — ${p99 <= 10 ? 'met' : 'not met'} in this run. Decision logs written: ${logMB.toFixed(1)} MB.\n`,
    p99,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log((await runWebhookBench()).markdown);
