#!/usr/bin/env node
/* global fetch, setTimeout */
// Audit events benchmark: `sanctum audit` over a generated audit log with every runtime rule and the
// baselines on (throughput, CPU, memory along the way); memory over a long in-process stream; and
// `--listen` taking EventList POSTs at a fixed rate, every event counted from sender to judge.
// Usage: node bench/audit.mjs            (prints a Markdown section)
//        import { runAuditBench } from './audit.mjs'
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { auditScenario } from './audit-corpus.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');
const HOUR = 3_600_000;

/** Writes `events` lines of generated audit log, an hour of traffic per chunk of 50,000. */
async function writeCorpus(path, events) {
  mkdirSync(join(path, '..'), { recursive: true });
  if (existsSync(path) && statSync(path).size > 0 && existsSync(path + `.${events}`)) return;
  const out = createWriteStream(path);
  const start = Date.parse('2026-03-02T00:00:00Z');
  for (let written = 0, chunk = 0; written < events; chunk++) {
    const n = Math.min(50_000, events - written);
    const { lines } = auditScenario({ hours: 1, eventsPerHour: n, seed: 100 + chunk, start: start + chunk * HOUR, identities: 2000 });
    const text = lines.slice(0, n).join('\n') + '\n';
    if (!out.write(text)) await new Promise((r) => out.once('drain', r));
    written += n;
  }
  await new Promise((r) => out.end(r));
  createWriteStream(path + `.${events}`).end();
}

function child(args) {
  const out = execFileSync(process.execPath, ['--expose-gc', join(here, 'audit-child.mjs'), ...args], { cwd: root, maxBuffer: 1 << 26 });
  return JSON.parse(out.toString());
}

/** `sanctum audit --listen` fed EventList POSTs of 400 events at `rate` events/s for `seconds`, retried on 429 like the API server. */
async function listenRun(rate, seconds) {
  const cli = spawn(
    process.execPath,
    [
      join(root, 'bin', 'sanctum'),
      'audit',
      '--listen',
      '127.0.0.1:0',
      '--format',
      'jsonl',
      '--output',
      '/dev/null',
      '--config',
      '/dev/null',
    ],
    { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  cli.stderr.on('data', (c) => (stderr += c));
  let port = 0;
  for (let i = 0; i < 500 && !port; i++) {
    await new Promise((r) => setTimeout(r, 20));
    port = Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr)?.[1] ?? 0);
  }
  if (!port) throw new Error(`sanctum audit --listen did not start: ${stderr}`);
  const batch = 400;
  const total = rate * seconds;
  const { lines } = auditScenario({ hours: 1, eventsPerHour: total, seed: 5, identities: 500 });
  const events = lines.slice(0, total).map((l) => JSON.parse(l));
  const latencies = [];
  let sent = 0;
  let refused = 0;
  const t0 = performance.now();
  const posts = [];
  for (let i = 0; i < events.length; i += batch) {
    const due = t0 + (i / rate) * 1000;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const body = JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items: events.slice(i, i + batch) });
    posts.push(
      (async () => {
        for (let attempt = 0; ; attempt++) {
          const s = performance.now();
          const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
          await res.arrayBuffer();
          latencies.push(performance.now() - s);
          if (res.status === 200) {
            sent += Math.min(batch, events.length - i);
            return;
          }
          refused++;
          await new Promise((r) => setTimeout(r, 200 * 2 ** Math.min(attempt, 4)));
        }
      })(),
    );
  }
  await Promise.all(posts);
  const sendMs = performance.now() - t0;
  // Let the queue drain, then stop the receiver: the summary counts what was judged.
  await new Promise((r) => setTimeout(r, 1000));
  const cpuBefore = stderr;
  cli.kill('SIGTERM');
  await new Promise((r) => cli.once('exit', r));
  const m =
    /(\d+) events judged, (\d+) skipped \(other stages\), (\d+) malformed; (\d+) detections.*webhook: (\d+) accepted, (\d+) requests refused/.exec(
      stderr,
    );
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  void cpuBefore;
  return {
    rate,
    seconds,
    posted: total,
    acceptedBySender: sent,
    refusedPosts: refused,
    judged: m ? Number(m[1]) : NaN,
    skipped: m ? Number(m[2]) : NaN,
    malformed: m ? Number(m[3]) : NaN,
    detections: m ? Number(m[4]) : NaN,
    accepted: m ? Number(m[5]) : NaN,
    achievedRate: Math.round(total / (sendMs / 1000)),
    p50: q(0.5),
    p99: q(0.99),
  };
}

export async function runAuditBench({ corpus }) {
  const events = Number(process.env.AUDIT_BENCH_EVENTS ?? 1_000_000);
  const streamEvents = Number(process.env.AUDIT_BENCH_STREAM_EVENTS ?? 10_000_000);
  const file = join(corpus, 'audit', `audit-${events}.log`);
  await writeCorpus(file, events);
  const mb = statSync(file).size / 2 ** 20;
  const load = loadavg()[0];
  const runs = [child(['file', file]), child(['file', file])].sort((a, b) => a.ms - b.ms);
  const best = runs[0];
  const stream = child(['stream', String(streamEvents)]);
  const listen = await listenRun(5000, 30);
  const loadAfter = loadavg()[0];
  const rate = (r) => Math.round((r.events / r.ms) * 1000).toLocaleString('en');
  const cpuRate = (r) => Math.round((r.events / r.cpuMs) * 1000).toLocaleString('en');
  const rss = (r) => r.samples.map((s) => `${(s.at / 1e6).toFixed(s.at < 1e6 ? 1 : 0)}M: ${s.rssMB.toFixed(0)}`).join(', ');
  const heap = (r) => r.samples.map((s) => s.heapMB.toFixed(0)).join(', ');
  const lost = listen.posted - listen.judged - listen.skipped - listen.malformed;
  return (
    `## Audit events\n\n` +
    `The machine is shared (2 cores, up to 8 helpers): 1-minute load average ${load.toFixed(1)} before and ${loadAfter.toFixed(1)} after; read the CPU columns (user + system time of the process) rather than wall time.\n\n` +
    `**From a file** (\`bench/audit-corpus.mjs\`: kubelets, controllers, CI, people, model servers, notebooks, 2,000 identities, attacks embedded; ${events.toLocaleString('en')} events, ${mb.toFixed(0)} MB), every runtime rule (${best.rules}) and the baselines on, read as \`sanctum audit FILE\` reads it (streamed lines, JSON parse, state, rules, findings as JSON lines to a discarded sink); best of 2, each in a fresh process:\n\n` +
    `| events | wall | events/s (wall) | CPU | events per CPU second | detections | identities kept | RSS along the way (MB) | heap after GC (MB) |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |\n` +
    `| ${best.events.toLocaleString('en')} | ${(best.ms / 1000).toFixed(1)} s | ${rate(best)} | ${(best.cpuMs / 1000).toFixed(1)} s | ${cpuRate(best)} | ${best.findings.toLocaleString('en')} | ${best.identities.toLocaleString('en')} | ${rss(best)} | ${heap(best)} |\n\n` +
    `**Memory over a long stream**: ${stream.events.toLocaleString('en')} events generated in the process (no file) through the same session, 2,000 identities; RSS and heap after GC sampled along the way. The generator's own time is included, so the rate is a floor; RSS also holds the generator's chunk of 50,000 lines.${stream.events < 10_000_000 ? ` This run streamed ${stream.events.toLocaleString('en')} events, not the budget's 10 million (\`AUDIT_BENCH_STREAM_EVENTS\`), to spare the shared machine.` : ''}\n\n` +
    `| events | wall | events/s | RSS along the way (MB) | heap after GC (MB) |\n| ---: | ---: | ---: | --- | --- |\n` +
    `| ${stream.events.toLocaleString('en')} | ${(stream.ms / 1000).toFixed(0)} s | ${rate(stream)} | ${rss(stream)} | ${heap(stream)} |\n\n` +
    `**\`--listen\`**: the built CLI (\`sanctum audit --listen 127.0.0.1:0 --format jsonl\`) in its own process, POSTed EventLists of 400 events (the API server's default batch) at ${listen.rate.toLocaleString('en')} events/s for ${listen.seconds} s from this process; a refused POST (429) is retried with backoff as the API server does. Counted end to end: events posted, accepted by the receiver, and judged, skipped or malformed in the CLI's summary.\n\n` +
    `| target rate | achieved | posted | accepted | judged | lost | POSTs refused (429) | POST latency p50 / p99 | detections |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n` +
    `| ${listen.rate.toLocaleString('en')}/s | ${listen.achievedRate.toLocaleString('en')}/s | ${listen.posted.toLocaleString('en')} | ${listen.accepted.toLocaleString('en')} | ${listen.judged.toLocaleString('en')} | ${lost} | ${listen.refusedPosts} | ${listen.p50.toFixed(1)} / ${listen.p99.toFixed(1)} ms | ${listen.detections.toLocaleString('en')} |\n\n` +
    `Budget: ≥ 50,000 events/s per core with every rule and the baselines on; memory flat over 10 million events; \`--listen\` at 5,000 events/s with no loss.\n`
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(await runAuditBench({ corpus: join(here, '.corpus') }));
}
