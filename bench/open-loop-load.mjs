#!/usr/bin/env node
// Open-loop HTTP(S) load generator, run as its own process: sends requests at a fixed rate whether or
// not earlier ones have been answered, as an API server forwards requests that arrive independently,
// over a pool of keep-alive connections (opened as needed, reused). A late answer never delays the
// next request (no coordinated omission): each latency runs from the moment the request is handed to
// the pool (connection wait included) to the last byte of the answer, and how late this process sent
// each request against its schedule is reported apart. autocannon's `overallRate` instead sends each
// connection's quota for the second back to back at the start of every second (all 20 connections'
// requests queued at once) and "corrects" with a 1 ms expected interval, so it measures its own bursts.
// Usage: node bench/open-loop-load.mjs '<json options>'   → after the warm-up prints `warm` and waits for a
//   line on stdin (unless stdin is a terminal), then prints one JSON result line on stdout
//   options: { origin, rate, seconds, warmUpRate?, warmUpSeconds?, connections?, insecure?,
//              requests: [{ method?, path, headers?, body?, uid? }] }  (uid: body is an AdmissionReview
//              whose request.uid is made unique per request, as the API server does)
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';

/** Sorted-array percentile (nearest rank) of milliseconds. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function bodyMaker(spec) {
  if (!spec.uid) {
    const body = typeof spec.body === 'string' ? spec.body : JSON.stringify(spec.body);
    return () => body;
  }
  // The API server sends compact JSON with a fresh uid per request.
  const review = typeof spec.body === 'string' ? JSON.parse(spec.body) : spec.body;
  const [before, after] = JSON.stringify({ ...review, request: { ...review.request, uid: '\u0000' } }).split('"\\u0000"');
  return (i) => `${before}"bench-${process.pid}-${i}"${after}`;
}

/** Sends `rate` requests/s for `seconds`; resolves with every latency (ms) and counts. */
async function phase(pool, specs, rate, seconds, record, counter) {
  const interval = 1000 / rate;
  const count = Math.round(rate * seconds);
  const latencies = [];
  const sendLag = [];
  const statuses = {};
  let errors = 0;
  const inFlight = new Set();
  const start = performance.now() + 5;
  for (let i = 0; i < count; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const spec = specs[i % specs.length];
    const n = counter.next++;
    const body = spec.makeBody(n);
    const sentAt = performance.now();
    sendLag.push(sentAt - due);
    const p = pool
      .request({ method: spec.method ?? 'POST', path: spec.path, headers: spec.headers, body })
      .then(async (res) => {
        await res.body.dump({ limit: Infinity });
        latencies.push(performance.now() - sentAt);
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
      })
      .catch(() => {
        errors++;
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  if (!record) return undefined;
  latencies.sort((a, b) => a - b);
  sendLag.sort((a, b) => a - b);
  return { latencies, sendLag, statuses, errors, sent: count };
}

/** `betweenPhases` runs after the warm-up (on the warm connections), before the measured run. */
export async function runOpenLoop(opts, betweenPhases = async () => {}) {
  const specs = opts.requests.map((r) => ({ ...r, makeBody: bodyMaker(r) }));
  const pool = new Pool(opts.origin, {
    connections: opts.connections ?? 64,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    connect: opts.insecure ? { rejectUnauthorized: false } : undefined,
  });
  const counter = { next: 0 };
  try {
    if (opts.warmUpSeconds) await phase(pool, specs, opts.warmUpRate ?? opts.rate, opts.warmUpSeconds, false, counter);
    await betweenPhases();
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const r = await phase(pool, specs, opts.rate, opts.seconds, true, counter);
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const pct = (sorted) => Object.fromEntries([50, 90, 97.5, 99, 99.9, 100].map((p) => [`p${p}`, percentile(sorted, p)]));
    return {
      sent: r.sent,
      answered: r.latencies.length,
      errors: r.errors,
      statuses: r.statuses,
      rate: r.sent / (wallMs / 1000),
      latency: pct(r.latencies),
      sendLag: pct(r.sendLag),
      connections: pool.stats.connected,
      cpuMs: (cpu.user + cpu.system) / 1000,
    };
  } finally {
    await pool.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // After the warm-up it prints `warm` and waits for a line on stdin (the parent reads the server's counters).
  const waitForGo = async () => {
    process.stdout.write('warm\n');
    for await (const _ of createInterface({ input: process.stdin })) return;
  };
  const result = await runOpenLoop(JSON.parse(process.argv[2]), process.stdin.isTTY ? undefined : waitForGo);
  process.stdout.write(JSON.stringify(result) + '\n');
  process.stdin.destroy();
}
