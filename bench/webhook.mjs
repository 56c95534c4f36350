#!/usr/bin/env node
// Admission webhook benchmark: `sanctum webhook` (built CLI, its own process, TLS, decision logs on)
// under 500 AdmissionReviews/s of mixed Pod and Deployment requests sent open-loop over keep-alive TLS
// connections by bench/open-loop-load.mjs in a third process, as a kube-apiserver sends them. Budget:
// p99 ≤ 10 ms. Records the client's latency distribution, the server's histogram, GC pauses and CPU.
// Usage: node bench/webhook.mjs            (prints a Markdown section; needs dist/: npm run build)
//        import { runWebhookBench } from './webhook.mjs'
import { spawn } from 'node:child_process';
import { clearInterval, setInterval } from 'node:timers';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from 'selfsigned';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');
const RATE = 500;
const DURATION_S = 30;
const WARM_UP_S = 5;

function review(name) {
  return readFileSync(join(root, 'src/server/webhook/testdata', name), 'utf8');
}

/**
 * `kubectl rollout restart` of the privileged Deployment, as the API server sends it: an UPDATE with the
 * stored object as `oldObject` (status, managedFields) and the object with the template's `restartedAt`
 * annotation. Its violations all pre-existed: /validate evaluates oldObject too and allows it with warnings
 * (allowExistingViolations).
 */
const clone = (v) => JSON.parse(JSON.stringify(v));

function rolloutRestart() {
  const review = JSON.parse(readFileSync(join(root, 'src/server/webhook/testdata', 'deployment-create.json'), 'utf8'));
  const req = review.request;
  const old = clone(req.object);
  old.metadata.uid = '5c1e9a7e-0b3d-4f7e-9d2a-6a0f3e1c2b44';
  old.metadata.resourceVersion = '81234';
  old.metadata.generation = 3;
  old.metadata.creationTimestamp = '2026-12-04T22:00:00Z';
  old.status = {
    observedGeneration: 3,
    replicas: 1,
    updatedReplicas: 1,
    readyReplicas: 1,
    availableReplicas: 1,
    conditions: [
      { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
      {
        type: 'Progressing',
        status: 'True',
        reason: 'NewReplicaSetAvailable',
        message: 'ReplicaSet "vllm-7d9f8c6b5" has successfully progressed.',
      },
    ],
  };
  const object = clone(old);
  object.spec.template.metadata.annotations = { 'kubectl.kubernetes.io/restartedAt': '2026-12-07T03:00:00Z' };
  object.metadata.managedFields.push({
    manager: 'kubectl-rollout',
    operation: 'Update',
    apiVersion: 'apps/v1',
    time: '2026-12-07T03:00:00Z',
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:spec': { 'f:template': { 'f:metadata': { 'f:annotations': { '.': {}, 'f:kubectl.kubernetes.io/restartedAt': {} } } } } },
  });
  req.operation = 'UPDATE';
  req.userInfo = { username: 'kubernetes-admin', groups: ['kubeadm:cluster-admins', 'system:authenticated'] };
  req.options = { kind: 'PatchOptions', apiVersion: 'meta.k8s.io/v1', fieldManager: 'kubectl-rollout' };
  req.object = object;
  req.oldObject = old;
  return JSON.stringify(review);
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
  const exited = new Promise((resolve) => child.once('exit', resolve));
  /** Stops the server (SIGTERM: it writes the decision logs it still holds) and returns the log's size. */
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
    return statSync(logPath).size;
  };
  return { child, url, stop };
}

/**
 * Starts the open-loop load generator in its own process (it competes with the server for the CPU only
 * as an API server on the same machine would). `load.warm` resolves after its warm-up; `load.go()`
 * starts the measured run; `load.result` resolves with it.
 */
function startLoad(url) {
  const headers = { 'content-type': 'application/json' };
  const options = {
    origin: url,
    rate: RATE,
    seconds: DURATION_S,
    warmUpRate: RATE / 2,
    warmUpSeconds: WARM_UP_S,
    insecure: true,
    // A third of the reviews are UPDATEs of an object that already violates (a rollout restart, to both
    // endpoints as the API server calls them): controllers and rollouts update workloads far more often than
    // they are created, and the /validate one is the costliest review (oldObject is evaluated too).
    requests: [
      { path: '/validate', body: review('pod-create-restricted.json'), headers, uid: true },
      { path: '/validate', body: review('deployment-create.json'), headers, uid: true },
      { path: '/mutate', body: review('deployment-create.json'), headers, uid: true },
      { path: '/validate', body: review('inferenceservice-create.json'), headers, uid: true },
      { path: '/mutate', body: rolloutRestart(), headers, uid: true },
      { path: '/validate', body: rolloutRestart(), headers, uid: true },
    ],
  };
  const child = spawn(process.execPath, [join(here, 'open-loop-load.mjs'), JSON.stringify(options)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (what) => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`the load generator stopped before ${what}`);
    return value;
  };
  const warm = next('its warm-up ended');
  return {
    warm,
    go: () => child.stdin.end('go\n'),
    result: warm.then(() => next('its result')).then((line) => JSON.parse(line)),
    kill: () => child.kill(),
  };
}

/** What the server's own /metrics says: its latency histogram (both endpoints), GC pauses by kind, CPU time, event-loop delay. */
async function serverMetrics(url) {
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
  const gc = {};
  for (const m of text.matchAll(/^sanctum_webhook_nodejs_gc_duration_seconds_(sum|count)\{kind="(\w+)"\} ([0-9.e+-]+)/gm)) {
    gc[m[2]] ??= { sum: 0, count: 0 };
    gc[m[2]][m[1]] = Number(m[3]);
  }
  // prom-client samples the loop every 10 ms and resets its histogram on each scrape: a value is the
  // time between two samples, so an idle loop reads 10 ms and a stall of S ms reads 10 + S.
  const loop = { p99: gauge('nodejs_eventloop_lag_p99_seconds'), max: gauge('nodejs_eventloop_lag_max_seconds') };
  return { buckets, gc, loop, cpuSeconds: gauge('process_cpu_seconds_total'), heapMB: gauge('nodejs_heap_size_used_bytes') / 1e6 };
}

const LOOP_SAMPLE_MS = 10;

export async function measureWebhookBench() {
  const dir = mkdtempSync(join(os.tmpdir(), 'sanctum-bench-webhook-'));
  const server = await startServer(dir);
  try {
    // The server's counters are read after the warm-up and after the run: the difference is the run's.
    const load = startLoad(server.url);
    let r, before, loadBefore;
    try {
      await load.warm;
      before = await serverMetrics(server.url);
      loadBefore = os.loadavg()[0];
      load.go();
      r = await load.result;
    } finally {
      load.kill();
    }
    const loadAfter = os.loadavg()[0];
    const after = await serverMetrics(server.url);
    const histogram = [...after.buckets].map(([le, n]) => [le, n - (before.buckets.get(le) ?? 0)]);
    const gc = Object.fromEntries(
      Object.entries(after.gc).map(([kind, v]) => [
        kind,
        { count: v.count - (before.gc[kind]?.count ?? 0), sum: v.sum - (before.gc[kind]?.sum ?? 0) },
      ]),
    );
    return {
      r,
      histogram,
      gc,
      loop: after.loop,
      cpuMsPerRequest: ((after.cpuSeconds - before.cpuSeconds) * 1000) / r.sent,
      heapMB: after.heapMB,
      loadBefore,
      loadAfter,
      logMB: (await server.stop()) / 1e6,
    };
  } finally {
    server.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

const ms = (v) => (v >= 10 ? v.toFixed(0) : v.toFixed(1)) + ' ms';

export async function runWebhookBench() {
  const { r, histogram, gc, loop, cpuMsPerRequest, heapMB, loadBefore, loadAfter, logMB } = await measureWebhookBench();
  const l = r.latency;
  const total = histogram.find(([le]) => le === '+Inf')?.[1] ?? 0;
  const rows = histogram
    .filter(([le]) => le !== '+Inf')
    .map(([le, n]) => `| ≤ ${Number(le) * 1000} ms | ${n.toLocaleString('en')} | ${total ? ((n / total) * 100).toFixed(2) : '—'} % |`);
  const p99 = l.p99;
  const gcLine = Object.entries(gc)
    .filter(([, v]) => v.count > 0)
    .map(([kind, v]) => `${kind} ${v.count.toLocaleString('en')} (${ms((v.sum * 1000) / v.count)} each, ${ms(v.sum * 1000)} in all)`)
    .join('; ');
  const cores = (cpuMsPerRequest * RATE) / 1000;
  // Open loop: a server that cannot keep up answers later and later; the median shows it.
  const fellBehind = r.rate < RATE * 0.95 || l.p50 > 100;
  const statuses = Object.entries(r.statuses)
    .filter(([code]) => !code.startsWith('2'))
    .reduce((n, [, c]) => n + c, 0);
  return {
    markdown:
      `## Admission webhook\n\n` +
      `\`sanctum webhook\` (the built CLI in its own process: TLS, JSON decision logs on, every rule that reads single objects) under ` +
      `${RATE} AdmissionReviews/s for ${DURATION_S} s, after a ${WARM_UP_S} s warm-up at half the rate. ` +
      `The load comes from \`bench/open-loop-load.mjs\` in a third process, as a kube-apiserver sends it: each request leaves on schedule whether or not earlier ones were answered, ` +
      `over keep-alive TLS connections opened as needed and reused (${r.connections} open at the end), compact JSON with a fresh \`uid\` each. ` +
      `Latency runs from handing the request to the connection pool to the last byte of the answer. ` +
      `The requests cycle through a hardened Pod (/validate), a Deployment with a privileged GPU container (/validate, denied; /mutate, patched), a KServe InferenceService (/validate) ` +
      `and a \`kubectl rollout restart\` of that Deployment (an UPDATE with its oldObject, a third of the reviews: /mutate, patched; /validate, allowed with warnings as its violations pre-existed, after oldObject's rules ran too). ` +
      `The machine is shared by other work (2 cores): 1-minute load average ${loadBefore.toFixed(1)} before and ${loadAfter.toFixed(1)} after; latencies on a quiet machine are lower.\n\n` +
      `| | requests | rate | non-2xx | errors | p50 | p90 | p97.5 | p99 | p99.9 | max |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n` +
      `| client (open loop) | ${r.sent.toLocaleString('en')} | ${Math.round(r.rate)}/s | ${statuses} | ${r.errors} | ${ms(l.p50)} | ${ms(l.p90)} | ${ms(l['p97.5'])} | **${ms(p99)}** | ${ms(l['p99.9'])} | ${ms(l.p100)} |\n\n` +
      `How late the load generator sent against its schedule (its own stalls, not counted in the latencies above): p99 ${ms(r.sendLag.p99)}, max ${ms(r.sendLag.p100)}.\n\n` +
      `Server-side (\`sanctum_webhook_request_duration_seconds\`, body read to answer written, same run):\n\n| latency | requests (cumulative) | share |\n| --- | ---: | ---: |\n${rows.join('\n')}\n\n` +
      `The server over the same run: ${cpuMsPerRequest.toFixed(2)} ms of CPU per request (TLS, HTTP, rules, logs); garbage collection: ${gcLine || 'none'}; heap ${heapMB.toFixed(0)} MB at the end. ` +
      `Its event loop (\`monitorEventLoopDelay\` sampling every ${LOOP_SAMPLE_MS} ms, so ${LOOP_SAMPLE_MS} ms means no delay): p99 ${ms(loop.p99 * 1000)}, max ${ms(loop.max * 1000)}.\n\n` +
      (fellBehind
        ? `**The server fell behind in this run**: answering ${RATE} reviews/s takes ${cores.toFixed(2)} of a core (${cpuMsPerRequest.toFixed(2)} ms × ${RATE}/s), and with a load average of ${loadAfter.toFixed(0)} on 2 cores it got less, so requests queued for the whole run. Such a run says nothing about the budget; rerun on a quiet machine.\n\n`
        : '') +
      `Budget: p99 ≤ 10 ms at 500 reviews/s — ${p99 <= 10 ? 'met' : 'not met'} in this run. Decision logs written: ${logMB.toFixed(1)} MB.\n`,
    p99,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log((await runWebhookBench()).markdown);
