// One measurement in a fresh process, so peak RSS belongs to that work alone.
// Usage: node bench/k8s-child.mjs parse|scan|scan-misconfig DIR
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [mode, dir] = process.argv.slice(2);

function* files(d) {
  for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(d, e.name);
    if (e.isDirectory()) yield* files(p);
    else if (e.name.endsWith('.yaml')) yield p;
  }
}

const t0 = performance.now();
let out;
if (mode === 'parse') {
  const yaml = (await import('js-yaml')).default;
  let objects = 0;
  for (const f of files(dir)) objects += yaml.loadAll(readFileSync(f, 'utf8')).length;
  out = { objects };
} else {
  const { scanSync } = await import('../dist/index.js');
  const r = scanSync({
    targets: [dir],
    config: false,
    scanners: mode === 'scan-misconfig' ? ['misconfig'] : undefined,
    frameworks: mode === 'scan-pss-baseline' ? ['pss:baseline'] : undefined,
  });
  const scanned = performance.now();
  const json = JSON.stringify(r, null, 2);
  out = { objects: r.stats.resources, files: r.stats.files, findings: r.findings.length, errors: r.errors.length, rules: r.stats.rules, jsonMB: json.length / 1048576 };
  out.jsonMs = performance.now() - scanned;
  out.ms = scanned - t0;
}
out.ms ??= performance.now() - t0;
out.maxRssMB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(JSON.stringify(out));
