// One cluster scan in a fresh process (peak RSS is the scanner's alone; the fake API server runs in the parent).
// Usage: node bench/cluster-child.mjs KUBECONFIG
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [kubeconfig] = process.argv.slice(2);
const t0 = performance.now();
const { scanCluster, reporters, getRegistry } = await import('../dist/index.js');
// As `sanctum cluster --format json --output FILE` runs.
const r = await scanCluster({ kubeconfig, config: false });
const scanned = performance.now();
const tmp = mkdtempSync(join(tmpdir(), 'sanctum-bench-'));
const reportPath = join(tmp, 'report.json');
const fd = openSync(reportPath, 'w');
writeSync(fd, reporters.json(r, { rules: getRegistry().rules, color: false, failOn: 'high' }));
closeSync(fd);
const reported = performance.now();
const out = {
  objects: r.stats.files,
  resources: r.stats.resources,
  managedSkipped: r.cluster.managedSkipped,
  findings: r.findings.length,
  errors: r.errors.length,
  rules: r.stats.rules,
  jsonMB: statSync(reportPath).size / 1048576,
  scanMs: scanned - t0,
  jsonMs: reported - scanned,
  ms: reported - t0,
};
rmSync(tmp, { recursive: true, force: true });
const usage = process.resourceUsage();
out.maxRssMB = usage.maxRSS / 1024;
out.cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
process.stdout.write(JSON.stringify(out));
