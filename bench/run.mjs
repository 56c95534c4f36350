#!/usr/bin/env node
// `npm run bench`: generates the corpora, measures every budget of DESIGN.md and writes bench/RESULTS.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateHardenedK8sCorpus, generateK8sCorpus } from './k8s-corpus.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');
const corpus = join(here, '.corpus');
const only = process.argv.slice(2);
const want = (name) => only.length === 0 || only.includes(name);

function child(args, env = {}) {
  const out = execFileSync(process.execPath, [join(here, 'k8s-child.mjs'), ...args], {
    cwd: root,
    maxBuffer: 1 << 26,
    env: { ...process.env, ...env },
  });
  return JSON.parse(out.toString());
}

function best(n, fn) {
  const runs = [];
  for (let i = 0; i < n; i++) runs.push(fn());
  runs.sort((a, b) => a.ms - b.ms);
  return runs[0];
}

const sections = [];
const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}`;

if (want('k8s')) {
  const dir = join(corpus, 'k8s');
  const objects = generateK8sCorpus(dir, 5000, 10);
  const load = os.loadavg()[0];
  const parse = best(3, () => child(['parse', dir]));
  const scan = best(3, () => child(['scan', dir]));
  const oneThread = best(3, () => child(['scan', dir], { SANCTUM_SCAN_THREADS: '1' }));
  const twoThreads = best(3, () => child(['scan', dir], { SANCTUM_SCAN_THREADS: '2' }));
  const misconfig = best(3, () => child(['scan-misconfig', dir]));
  const baseline = best(3, () => child(['scan-pss-baseline', dir]));
  // The same shape of files, hardened: a corpus of low finding density.
  const hardenedDir = join(corpus, 'k8s-hardened');
  const hardenedObjects = generateHardenedK8sCorpus(hardenedDir, 5000, 10);
  const hardenedParse = best(3, () => child(['parse', hardenedDir]));
  const hardened = best(3, () => child(['scan', hardenedDir]));
  const loadAfter = os.loadavg()[0];
  const rate = (r) => Math.round((r.objects / r.ms) * 1000);
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const rows = [
    ['bare `js-yaml` loadAll (read + parse)', parse, '—'],
    ['`scan`, all scanners', scan, (scan.ms / parse.ms).toFixed(2) + '× (CPU ' + (scan.cpuMs / parse.cpuMs).toFixed(2) + '×)'],
    [
      '`scan`, all scanners, one thread (`SANCTUM_SCAN_THREADS=1`)',
      oneThread,
      (oneThread.ms / parse.ms).toFixed(2) + '× (CPU ' + (oneThread.cpuMs / parse.cpuMs).toFixed(2) + '×)',
    ],
    [
      '`scan`, all scanners, two threads from the first directory (`SANCTUM_SCAN_THREADS=2`)',
      twoThreads,
      (twoThreads.ms / parse.ms).toFixed(2) + '× (CPU ' + (twoThreads.cpuMs / parse.cpuMs).toFixed(2) + '×)',
    ],
    [
      '`scan --scanners misconfig`',
      misconfig,
      (misconfig.ms / parse.ms).toFixed(2) + '× (CPU ' + (misconfig.cpuMs / parse.cpuMs).toFixed(2) + '×)',
    ],
    [
      '`scan --framework pss:baseline`',
      baseline,
      (baseline.ms / parse.ms).toFixed(2) + '× (CPU ' + (baseline.cpuMs / parse.cpuMs).toFixed(2) + '×)',
    ],
    ['bare `js-yaml` loadAll, hardened corpus', hardenedParse, '—'],
    [
      '`scan`, all scanners, hardened corpus',
      hardened,
      (hardened.ms / hardenedParse.ms).toFixed(2) + '× (CPU ' + (hardened.cpuMs / hardenedParse.cpuMs).toFixed(2) + '×)',
    ],
  ];
  sections.push(
    `## Kubernetes manifests\n\n${objects.toLocaleString('en')} objects in 5,000 files (\`bench/k8s-corpus.mjs\`, seed 42); best of 3, each in a fresh process. ` +
      `The machine is shared (2 cores): its 1-minute load average was ${load.toFixed(1)} before and ${loadAfter.toFixed(1)} after these runs, so compare the ratios and CPU times of one run rather than wall times across runs.\n\n` +
      `Time is the scan (walk, read, parse, rules, findings) and the JSON report streamed to a file, as \`sanctum scan --format json --output FILE\` writes it; the two are also shown apart. By default, on two cores or more, a tree with 8 MiB of files shares its directories with a worker thread from its first directory (the main thread looks ahead in the walk), a smaller one larger than 4 MiB once the main thread has scanned 4 MiB (the rows without a setting: on this machine, ${os.availableParallelism()} cores, ${os.availableParallelism() >= 2 ? 'two threads' : 'one thread'}); the one-thread row keeps one (\`SANCTUM_SCAN_THREADS=1\`), the last two-thread row starts the worker with the first directory (\`SANCTUM_SCAN_THREADS=2\`). The CPU of both threads is counted. CPU is the process's user + system time (module loading included). Peak RSS is the whole process, worker and report included: its own high-water mark (VmHWM, \`bench/peak-rss.mjs\`), since getrusage's maxRSS carries the parent's peak over into a child.\n\n` +
      `| work | rules | scan + JSON report | objects/s | ratio to bare parse | CPU | findings | scan | JSON report | peak RSS |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n` +
      rows
        .map(
          ([name, r, ratio]) =>
            `| ${name} | ${r.rules ?? '—'} | ${s(r.ms)} | ${rate(r).toLocaleString('en')} | ${ratio} | ${s(r.cpuMs)} | ${r.findings?.toLocaleString('en') ?? '—'} | ${r.scanMs ? s(r.scanMs) : '—'} | ${r.jsonMs ? `${s(r.jsonMs)}, ${r.jsonMB.toFixed(0)} MB` : '—'} | ${r.maxRssMB.toFixed(0)} MB |`,
        )
        .join('\n') +
      `\n\nBudget: ≥ 20,000 objects/s, ≤ 2× bare parsing, ≤ 400 MB peak RSS, scan and JSON report together. ` +
      `The full rule set draws ${(scan.findings / scan.objects).toFixed(1)} findings per object on this corpus. ` +
      `The hardened corpus (\`generateHardenedK8sCorpus\`, ${hardenedObjects.toLocaleString('en')} objects in 5,000 files, seed 42: ` +
      `Namespaces with Pod Security labels, default-deny NetworkPolicies, quotas and limit ranges; pinned images run as non-root with ` +
      `a read-only root filesystem, no capabilities, seccomp, probes, requests and limits and no API token) draws ` +
      `${(hardened.findings / hardened.objects).toFixed(2)} findings per object; its ratio is to the bare parse of its own files.\n`,
  );
  console.log(sections.at(-1));
}

if (want('startup')) {
  /** Wall times of 15 runs of `sanctum ARGS`, sorted. */
  const times = (args) => {
    const runs = [];
    for (let i = 0; i < 15; i++) {
      const t0 = performance.now();
      spawnSync(process.execPath, [join(root, 'bin', 'sanctum'), ...args], { stdio: 'ignore' });
      runs.push(performance.now() - t0);
    }
    return runs.sort((a, b) => a - b);
  };
  const version = times(['--version']);
  // The engine loaded (the bundle of dist/bundle), nothing to scan: what every scan pays before its first file.
  const empty = mkdtempSync(join(os.tmpdir(), 'sanctum-empty-'));
  const scan = times(['scan', empty, '--no-progress']);
  rmSync(empty, { recursive: true, force: true });
  const median = (runs) => runs[Math.floor(runs.length / 2)].toFixed(0);
  sections.push(
    `## Cold start\n\n\`sanctum --version\`, median of 15 runs: **${median(version)} ms** (min ${version[0].toFixed(0)} ms). Budget ≤ 150 ms.\n\n` +
      `\`sanctum scan\` of an empty directory (the command line and the engine loaded, no file), median of 15 runs: **${median(scan)} ms** (min ${scan[0].toFixed(0)} ms).\n`,
  );
  console.log(sections.at(-1));
}

for (const [name, file, fn] of [
  ['models', 'models.mjs', 'runModelBench'],
  ['secrets', 'secrets.mjs', 'runSecretsBench'],
  ['vulndb', 'vulndb.mjs', 'runVulndbBench'],
  ['sbom', 'sbom.mjs', 'runSbomBench'],
  ['webhook', 'webhook.mjs', 'runWebhookBench'],
  ['gateway', 'gateway.mjs', 'runGatewayBench'],
  ['store', 'store.mjs', 'runStoreBench'],
  ['audit', 'audit.mjs', 'runAuditBench'],
  ['cluster', 'cluster.mjs', 'runClusterBench'],
  ['images', 'images.mjs', 'runImagesBench'],
  ['gateway-guardrails', 'gateway-guardrails.mjs', 'runGatewayGuardrailsBench'],
  ['trust', 'trust.mjs', 'runTrustBench'],
  ['code', 'code.mjs', 'runCodeBench'],
]) {
  if (!want(name) || !existsSync(join(here, file))) continue;
  const mod = await import(join(here, file));
  const text = await mod[fn]({ corpus });
  sections.push(typeof text === 'string' ? text : (text?.markdown ?? '```\n' + JSON.stringify(text, null, 2) + '\n```\n'));
  console.log(sections.at(-1));
}

const date = new Date().toISOString().slice(0, 10);
const header = `# Benchmark results\n\nMachine: ${machine}.\nCommand: \`npm run bench\`. Date: ${date}.\n\n`;
if (only.length === 0) {
  writeFileSync(join(here, 'RESULTS.md'), header + sections.join('\n'));
  console.log('wrote bench/RESULTS.md');
} else if (sections.length > 0) {
  // A partial run (`node bench/run.mjs NAME...`) replaces its own sections and keeps the others.
  const stamp = `_Measured ${date} with \`node bench/run.mjs ${only.join(' ')}\` on ${machine}._\n\n`;
  const path = join(here, 'RESULTS.md');
  const old = existsSync(path) ? readFileSync(path, 'utf8') : header;
  const parts = old.split(/^(?=## )/m);
  for (const section of sections) {
    const title = section.slice(0, section.indexOf('\n'));
    const [heading, ...body] = section.split('\n\n');
    const stamped = [heading, stamp.trimEnd(), ...body].join('\n\n');
    const i = parts.findIndex((p) => p.startsWith(title + '\n'));
    if (i === -1) parts.push(stamped.endsWith('\n') ? stamped + '\n' : stamped + '\n\n');
    else parts[i] = stamped + (i === parts.length - 1 ? '' : '\n');
  }
  writeFileSync(path, parts.join(''));
  console.log(`updated ${sections.length} section(s) of bench/RESULTS.md`);
}
