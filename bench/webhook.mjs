#!/usr/bin/env node
// Admission webhook benchmark: `sanctum webhook` (built CLI, its own process, TLS, decision logs on)
// under 500 AdmissionReviews/s of mixed Pod and Deployment requests sent by autocannon from this
// process. Budget: p99 ≤ 10 ms. Records the client's latency distribution and the server's histogram.
// Usage: node bench/webhook.mjs            (prints a Markdown section; needs dist/: npm run build)
//        import { runWebhookBench } from './webhook.mjs'
import { spawn } from 'node:child_process';
import { clearInterval, setInterval } from 'node:timers';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
  // Decision logs go to a file, as a container runtime takes them off stdout: the load generator's
  // process is not the log reader too (its own pauses would hold the server's writes back).
  const logPath = join(dir, 'webhook.log');
  const logFd = openSync(logPath, 'w');
  const child = spawn(
    process.execPath,
    [join(root, 'bin/sanctum'), 'webhook', '--tls-cert', 'tls.crt', '--tls-key', 'tls.key', '--host', '127.0.0.1', '--port', '0'],
    { cwd: dir, stdio: ['ignore', logFd, 'inherit'] },
  );
  closeSync(logFd);
  const url = await new Promise((resolve, reject) => {
    const poll = setInterval(() => {
      const line = readFileSync(logPath, 'utf8')
        .split('\n')
        .find((l) => l.includes('sanctum webhook listening'));
      if (!line) return;
      clearInterval(poll);
      resolve(JSON.parse(line).url);
    }, 50);
    child.on('exit', (code) => {
      clearInterval(poll);
      reject(new Error(`sanctum webhook exited with ${code}`));
    });
  });
  const logBytes = () => statSync(logPath).size;
  return { child, url, logBytes };
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
  const gauge = (name) => Number(new RegExp(`^sanctum_webhook_${name} ([0-9.e+-]+)`, 'm').exec(text)?.[1] ?? NaN);
  const buckets = new Map();
  for (const m of text.matchAll(/^sanctum_webhook_request_duration_seconds_bucket\{le="([^"]+)",endpoint="(?:validate|mutate)"\} (\d+)/gm))
    buckets.set(m[1], (buckets.get(m[1]) ?? 0) + Number(m[2]));
  // The event loop's delay since the previous scrape (prom-client resets it on each): stalls no request timer sees.
  const loop = { p99: gauge('nodejs_eventloop_lag_p99_seconds'), max: gauge('nodejs_eventloop_lag_max_seconds') };
  return { buckets, loop };
}

export async function measureWebhookBench() {
  const dir = mkdtempSync(join(os.tmpdir(), 'sanctum-bench-webhook-'));
  const server = await startServer(dir);
  try {
    await fire(server.url, WARM_UP_S, RATE / 2);
    const { buckets: before } = await serverHistogram(server.url);
    const loadBefore = os.loadavg()[0];
    const r = await fire(server.url, DURATION_S, RATE);
    const loadAfter = os.loadavg()[0];
    const { buckets: after, loop } = await serverHistogram(server.url);
    const histogram = [...after].map(([le, n]) => [le, n - (before.get(le) ?? 0)]);
    return { r, histogram, loop, loadBefore, loadAfter, logMB: server.logBytes() / 1e6 };
  } finally {
    server.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runWebhookBench() {
  const { r, histogram, loop, loadBefore, loadAfter, logMB } = await measureWebhookBench();
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
      `The server's event loop over the same run (\`monitorEventLoopDelay\`: time a ready callback waited, garbage collection and any synchronous work included): p99 ${(loop.p99 * 1000).toFixed(1)} ms, max ${(loop.max * 1000).toFixed(1)} ms.\n\n` +
      `Budget: p99 ≤ 10 ms at 500 reviews/s — ${p99 <= 10 ? 'met' : 'not met'} in this run. Decision logs written: ${logMB.toFixed(1)} MB.\n`,
    p99,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log((await runWebhookBench()).markdown);
