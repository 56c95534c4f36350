#!/usr/bin/env node
// Checks that two builds write the same reports, byte for byte (`durationMs` aside): the JSON report
// by default, with one thread and with two (`SANCTUM_SCAN_THREADS`), and the SARIF report.
// Usage: node bench/compare-reports.mjs [--baseline FILE] OLD_CHECKOUT NEW_CHECKOUT TARGET...
// (--baseline: every scan is given it, which also makes the legacy fingerprints baselines match)
// A checkout is a directory with bin/sanctum and a built dist/ (a copy of the repository at one commit).
// Prints one line per report and exits with 1 when any differs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { reportDigest } from './report-digest.mjs';

const args = process.argv.slice(2);
const baselineAt = args.indexOf('--baseline');
const baseline = baselineAt >= 0 ? resolve(args.splice(baselineAt, 2)[1] ?? '') : undefined;
const [oldRoot, newRoot, ...targets] = args;
if (!oldRoot || !newRoot || targets.length === 0) {
  console.error('usage: node bench/compare-reports.mjs [--baseline FILE] OLD_CHECKOUT NEW_CHECKOUT TARGET...');
  process.exit(2);
}

const RUNS = [
  { name: 'json, default', format: 'json', threads: undefined },
  { name: 'json, one thread', format: 'json', threads: '1' },
  { name: 'json, two threads', format: 'json', threads: '2' },
  { name: 'sarif', format: 'sarif', threads: undefined },
];

const out = mkdtempSync(join(tmpdir(), 'sanctum-compare-'));
let differ = 0;
try {
  for (const target of targets) {
    const reference = new Map();
    for (const [which, root] of [
      ['old', oldRoot],
      ['new', newRoot],
    ])
      for (const run of RUNS) {
        const digest = report(root, target, run, join(out, `${which}.${run.format}`));
        if (which === 'old') reference.set(run.name, digest);
        else {
          const same = digest.digest === reference.get(run.name).digest;
          if (!same) differ++;
          console.log(`${same ? 'same' : 'DIFFERENT'}  ${target}  ${run.name}  (${digest.bytes} bytes)`);
        }
      }
    // One build's JSON reports agree with each other too.
    const own = RUNS.filter((r) => r.format === 'json').map((r) => reference.get(r.name).digest);
    if (own.some((t) => t !== own[0])) {
      differ++;
      console.log(`DIFFERENT  ${target}  the old build's JSON reports differ between thread counts`);
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
process.exit(differ ? 1 : 0);

function report(root, target, run, file) {
  const env = { ...process.env };
  delete env.SANCTUM_SCAN_THREADS;
  if (run.threads) env.SANCTUM_SCAN_THREADS = run.threads;
  const extra = baseline ? ['--baseline', baseline] : [];
  return reportDigest(root, ['scan', resolve(target), '--format', run.format, '--no-progress', ...extra], file, env);
}
