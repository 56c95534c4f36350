// One measurement in a fresh process, so peak RSS belongs to that work alone.
// Usage: node bench/k8s-child.mjs parse|scan|scan-misconfig DIR
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { peakRssMB } from './peak-rss.mjs';
import { yamlFiles } from './yaml-files.mjs';

const [mode, dir] = process.argv.slice(2);

const t0 = performance.now();
let out;
if (mode === 'parse') {
  const yaml = (await import('js-yaml')).default;
  let objects = 0;
  for (const f of yamlFiles(dir)) objects += yaml.loadAll(readFileSync(f, 'utf8')).length;
  out = { objects };
} else {
  // As `sanctum scan --format json --output FILE` runs: findings spooled as files finish, then the report streamed to the file.
  // What `sanctum scan` loads (bin/sanctum loads the bundle of the CLI, dist/bundle/main.js), not the
  // whole public API (cluster, image, audit, SBOM…).
  const { scanStreamed, bufferedSink, writeString } = await import('../dist/bundle/main.js');
  const r = scanStreamed({
    targets: [dir],
    config: false,
    scanners: mode === 'scan-misconfig' ? ['misconfig'] : undefined,
    frameworks: mode === 'scan-pss-baseline' ? ['pss:baseline'] : undefined,
  });
  const scanned = performance.now();
  const tmp = mkdtempSync(join(tmpdir(), 'sanctum-bench-'));
  const reportPath = join(tmp, 'report.json');
  const fd = openSync(reportPath, 'w');
  const sink = bufferedSink((c) => writeString(fd, c));
  r.writeJson(sink.write);
  sink.flush();
  closeSync(fd);
  r.dispose();
  const reported = performance.now();
  const s = r.result.stats;
  out = {
    objects: s.resources,
    files: s.files,
    findings: r.findingCount,
    errors: r.result.errors.length,
    rules: s.rules,
    jsonMB: statSync(reportPath).size / 1048576,
  };
  rmSync(tmp, { recursive: true, force: true });
  out.scanMs = scanned - t0;
  out.jsonMs = reported - scanned;
  out.ms = reported - t0;
}
out.ms ??= performance.now() - t0;
const usage = process.resourceUsage();
out.maxRssMB = peakRssMB();
out.cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
process.stdout.write(JSON.stringify(out));
