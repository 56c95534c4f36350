// The JSON report's finding writer alone: the findings of one scan written again and again as the
// findings spool writes them (FindingBytesWriter, 1 MiB flushes), timed per round, and the fingerprint
// path (fingerprintBytes, DigestCounter.addBytes, fingerprintOf) over the same findings.
// Usage: node bench/json-writer.mjs DIR[,DIR...] [ROUNDS=10] [write|fp|both=both]
// Prints JSON: findings, the median of the rounds after the first two (ms), CPU of all rounds (ms), and
// a digest of the first round's bytes and fingerprints (to compare two builds' output). For instruction counts run it
// under cachegrind with ROUNDS and with 0 rounds: the difference is the writer's.
import { createHash } from 'node:crypto';

const [targets, roundsArg = '10', what = 'both'] = process.argv.slice(2);
if (!targets) {
  console.error('usage: node bench/json-writer.mjs DIR[,DIR...] [ROUNDS] [write|fp|both]');
  process.exit(2);
}
const { scanSync } = await import('../dist/scan.js');
const { FindingBytesWriter } = await import('../dist/reporters/finding-bytes.js');
const { fingerprintBytes, fingerprintOf } = await import('../dist/core/fingerprint.js');
const { DigestCounter } = await import('../dist/core/digest-counter.js');

const findings = scanSync({ targets: targets.split(','), config: false }).findings;
const rounds = Number(roundsArg);
const digest = createHash('sha256');
const writeMs = [];
const fingerprintMs = [];
const cpu = process.cpuUsage();
for (let round = 0; round < rounds; round++) {
  if (what !== 'fp') {
    const t = performance.now();
    const w = new FindingBytesWriter(1310720);
    const flush = () => {
      if (round === 0) digest.update(w.buffer.subarray(0, w.length));
      w.reset();
    };
    for (const f of findings) {
      w.ascii(',\n    ');
      w.finding(f, 4);
      if (w.length >= 1 << 20) flush();
    }
    flush();
    writeMs.push(performance.now() - t);
  }
  if (what !== 'write') {
    const t = performance.now();
    const counter = new DigestCounter();
    for (const f of findings) {
      const first = fingerprintBytes(f.ruleId, f.location, '', 0);
      const seen = counter.addBytes(first);
      const fingerprint = fingerprintOf(seen === 0 ? first : fingerprintBytes(f.ruleId, f.location, '', seen));
      if (round === 0) digest.update(fingerprint);
    }
    fingerprintMs.push(performance.now() - t);
  }
}
const used = process.cpuUsage(cpu);
const median = (ms) => (ms.length > 2 ? ms.slice(2).sort((a, b) => a - b)[(ms.length - 3) >> 1] : undefined);
console.log(
  JSON.stringify({
    findings: findings.length,
    rounds,
    writeMs: median(writeMs),
    fingerprintMs: median(fingerprintMs),
    cpuMs: (used.user + used.system) / 1000,
    digest: rounds > 0 ? digest.digest('hex').slice(0, 16) : undefined,
  }),
);
