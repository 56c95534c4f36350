// One cluster scan in a fresh process (peak RSS is the scanner's alone; the fake API server runs in the parent).
// Usage: node bench/cluster-child.mjs KUBECONFIG
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { peakRssMB } from './peak-rss.mjs';

const [kubeconfig] = process.argv.slice(2);
const t0 = performance.now();
// What `sanctum cluster` loads (bin/sanctum loads the bundle of the CLI, dist/bundle/main.js, and the
// command its chunk of the cluster scan), not the whole public API (images, audit, SBOM…).
const { loadClusterScan, bufferedSink, writeString } = await import('../dist/bundle/main.js');
const { scanClusterStreamed } = await loadClusterScan();
// Where resident memory goes: sampled once the modules are loaded, every 1,000 objects (the scan is
// synchronous page by page, so a timer would miss its peaks), and after the scan and the report.
const MB = 1048576;
const loaded = process.memoryUsage();
const peak = { heapUsedMB: 0, heapTotalMB: 0, arrayBuffersMB: 0 };
const sample = () => {
  const m = process.memoryUsage();
  peak.heapUsedMB = Math.max(peak.heapUsedMB, m.heapUsed / MB);
  peak.heapTotalMB = Math.max(peak.heapTotalMB, m.heapTotal / MB);
  peak.arrayBuffersMB = Math.max(peak.arrayBuffersMB, m.arrayBuffers / MB);
};
// As `sanctum cluster --format json --output FILE` runs: findings spooled as objects finish, then the report streamed to the file.
const r = await scanClusterStreamed({ kubeconfig, config: false, onObject: (_name, i) => i % 1000 === 0 && sample() });
sample();
const scanned = performance.now();
const tmp = mkdtempSync(join(tmpdir(), 'sanctum-bench-'));
const reportPath = join(tmp, 'report.json');
const fd = openSync(reportPath, 'w');
const sink = bufferedSink((c) => writeString(fd, c));
r.writeJson(sink.write);
sink.flush();
closeSync(fd);
sample();
r.dispose();
const reported = performance.now();
const out = {
  objects: r.result.stats.files,
  resources: r.result.stats.resources,
  managedSkipped: r.result.cluster.managedSkipped,
  findings: r.findingCount,
  errors: r.result.errors.length,
  rules: r.result.stats.rules,
  jsonMB: statSync(reportPath).size / 1048576,
  scanMs: scanned - t0,
  jsonMs: reported - scanned,
  ms: reported - t0,
  loadedRssMB: loaded.rss / MB,
  loadedHeapMB: loaded.heapUsed / MB,
  ...peak,
};
rmSync(tmp, { recursive: true, force: true });
const usage = process.resourceUsage();
out.maxRssMB = peakRssMB();
out.cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
out.mainThreadCpuMs = mainThreadCpuMs();
// Whether the scan was allowed a worker (not whether one started: that depends on the cores and the objects' size).
out.workerAllowed = process.env.SANCTUM_SCAN_THREADS !== '1';
process.stdout.write(JSON.stringify(out));

/**
 * The main thread's CPU (user + system) in ms, from Linux's /proc (undefined elsewhere): with a worker
 * thread, what the scan's wall time comes to when the second core is free, whatever the load.
 */
function mainThreadCpuMs() {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, in clock ticks of 1/100 s (Linux's USER_HZ).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}
