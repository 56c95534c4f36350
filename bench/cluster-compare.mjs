#!/usr/bin/env node
// Checks that two builds write the same cluster reports, byte for byte (`durationMs` aside): the JSON
// and SARIF reports of `sanctum cluster` against the same API server (see bench/cluster-serve.mjs).
// Usage: node bench/cluster-compare.mjs OLD_CHECKOUT NEW_CHECKOUT KUBECONFIG...
// A checkout is a directory with bin/sanctum and a built dist/. Prints one line per report and exits
// with 1 when any differs.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const [oldRoot, newRoot, ...kubeconfigs] = process.argv.slice(2);
if (!oldRoot || !newRoot || kubeconfigs.length === 0) {
  console.error('usage: node bench/cluster-compare.mjs OLD_CHECKOUT NEW_CHECKOUT KUBECONFIG...');
  process.exit(2);
}

const FORMATS = ['json', 'sarif'];
const out = mkdtempSync(join(tmpdir(), 'sanctum-cluster-compare-'));
let differ = 0;
try {
  for (const kubeconfig of kubeconfigs)
    for (const format of FORMATS) {
      const before = report(oldRoot, kubeconfig, format, join(out, `old.${format}`));
      const after = report(newRoot, kubeconfig, format, join(out, `new.${format}`));
      const same = before.digest === after.digest;
      if (!same) differ++;
      console.log(`${same ? 'same' : 'DIFFERENT'}  ${kubeconfig}  ${format}  (${before.bytes} and ${after.bytes} bytes)`);
    }
} finally {
  rmSync(out, { recursive: true, force: true });
}
process.exit(differ ? 1 : 0);

function report(root, kubeconfig, format, file) {
  try {
    execFileSync(
      process.execPath,
      [join(resolve(root), 'bin', 'sanctum'), 'cluster', '--kubeconfig', kubeconfig, '--format', format, '--output', file],
      { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 },
    );
  } catch (e) {
    // Exit code 1: findings at the failing severity; the report was written.
    if (e.status !== 1) throw e;
  }
  return digestOf(file);
}

/** The report's SHA-256 with its first `durationMs` read as 0, and its size (only digests are kept). */
function digestOf(file) {
  const bytes = readFileSync(file);
  const key = Buffer.from('"durationMs": ');
  const hash = createHash('sha256');
  const at = bytes.indexOf(key);
  if (at < 0) hash.update(bytes);
  else {
    let end = at + key.length;
    while (end < bytes.length && bytes[end] >= 0x30 && bytes[end] <= 0x39) end++;
    hash
      .update(bytes.subarray(0, at + key.length))
      .update('0')
      .update(bytes.subarray(end));
  }
  return { digest: hash.digest('hex'), bytes: bytes.length };
}
