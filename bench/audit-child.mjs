#!/usr/bin/env node
// One measured run of the audit bench, in a fresh process (run with --expose-gc):
//   file PATH   `sanctum audit PATH` as the CLI reads it: streamed lines, session, findings as JSON lines
//   stream N    N generated events through one session, no file (memory over a long stream)
// Prints one JSON object.
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const { AuditSession } = await import(join(root, 'dist', 'runtime', 'session.js'));
const { streamLines } = await import(join(root, 'dist', 'sources', 'events', 'lines.js'));
const { auditScenario } = await import('./audit-corpus.mjs');

const [mode, arg] = process.argv.slice(2);
let findings = 0;
let sinkBytes = 0;
const session = new AuditSession({
  config: false,
  onFinding: (f) => {
    findings++;
    sinkBytes += JSON.stringify(f).length + 1;
  },
});
const samples = [];
const sample = (at) => {
  globalThis.gc?.();
  const m = process.memoryUsage();
  samples.push({ at, rssMB: m.rss / 2 ** 20, heapMB: m.heapUsed / 2 ** 20 });
};

const cpu0 = process.cpuUsage();
const t0 = performance.now();
let events = 0;
if (mode === 'file') {
  let next = 100_000;
  for await (const batch of streamLines(createReadStream(arg, { highWaterMark: 1 << 20 }))) {
    session.lines(batch, arg, 'audit');
    events += batch.length;
    if (events >= next) {
      sample(events);
      next *= 2;
    }
  }
  sample(events);
} else {
  const total = Number(arg);
  const start = Date.parse('2026-03-02T00:00:00Z');
  let next = 1_000_000;
  for (let chunk = 0; events < total; chunk++) {
    const n = Math.min(50_000, total - events);
    const { lines } = auditScenario({
      hours: 1,
      eventsPerHour: n,
      seed: 100 + (chunk % 50),
      start: start + chunk * 3_600_000,
      identities: 2000,
    });
    session.lines(
      lines.slice(0, n).map((text, i) => ({ text, number: events + i + 1 })),
      'stream',
      'audit',
    );
    events += n;
    if (events >= next) {
      sample(events);
      next += Math.max(1_000_000, Math.floor(total / 5));
    }
  }
}
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const stats = session.stats;
process.stdout.write(
  JSON.stringify({
    events,
    judged: stats.events,
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    findings,
    sinkMB: sinkBytes / 2 ** 20,
    identities: stats.identities,
    rules: session.ruleCount,
    malformed: stats.malformed,
    samples,
  }),
);
