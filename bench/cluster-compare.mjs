#!/usr/bin/env node
// Checks that two builds write the same cluster reports, byte for byte (`durationMs` aside): the JSON
// and SARIF reports of `sanctum cluster` against the same API server (see bench/cluster-serve.mjs).
// Usage: node bench/cluster-compare.mjs OLD_CHECKOUT NEW_CHECKOUT KUBECONFIG...
// A checkout is a directory with bin/sanctum and a built dist/. Prints one line per report and exits
// with 1 when any differs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportDigest } from './report-digest.mjs';

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
  return reportDigest(root, ['cluster', '--kubeconfig', kubeconfig, '--format', format], file);
}
