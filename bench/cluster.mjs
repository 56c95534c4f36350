#!/usr/bin/env node
// Cluster benchmark: the Kubernetes corpus of the k8s section (50,000 objects) served by the fake API
// server (TLS, paged lists of 500) and scanned by `scanCluster` in a child process, beside a file scan
// of the same objects. Usage: node bench/run.mjs cluster
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { generateK8sCorpus } from './k8s-corpus.mjs';
import { yamlFiles } from './yaml-files.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');
const run = promisify(execFile);

async function child(script, args, env = {}) {
  const { stdout } = await run(process.execPath, [join(here, script), ...args], {
    cwd: root,
    maxBuffer: 1 << 26,
    env: { ...process.env, ...env },
  });
  return JSON.parse(stdout);
}

/** The fake API server of the tests (test code, not built into dist/), transpiled for this run. */
export async function fakeServerModule(corpus) {
  const ts = (await import('typescript')).default;
  const source = readFileSync(join(root, 'src', 'testing', 'fake-apiserver.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
  mkdirSync(corpus, { recursive: true });
  const out = join(corpus, 'fake-apiserver.mjs');
  writeFileSync(out, outputText);
  return out;
}

/** What the load average says of the machine the runs shared: quiet, partly loaded, or under load. */
export function describeLoad(before, after, cores = cpus().length) {
  const figures = `its 1-minute load average was ${before.toFixed(1)} before and ${after.toFixed(1)} after these runs (${cores} cores; the runs themselves count for about 1 of the figure after)`;
  if (before < 1) return `${figures}: a quiet machine.`;
  if (before < cores)
    return `${figures}: partly loaded (other work used about ${before.toFixed(1)} of the ${cores} cores), so wall times are longer than on a quiet machine; CPU times are the steadier figures.`;
  return `${figures}: under load (more work than cores), so wall times say little; compare CPU times and the two rows of one run, not runs on other days.`;
}

/** The objects of the manifests under `dir`, in the order of their files. */
export function manifestObjects(dir) {
  const objects = [];
  for (const f of yamlFiles(dir)) for (const o of yaml.loadAll(readFileSync(f, 'utf8'))) if (o) objects.push(o);
  return objects;
}

export async function runClusterBench({ corpus }) {
  const load = loadavg()[0];
  const dir = join(corpus, 'k8s');
  generateK8sCorpus(dir, 5000, 10);
  const objects = manifestObjects(dir);
  const { FakeApiServer } = await import(await fakeServerModule(corpus));
  const server = await new FakeApiServer({ objects }).start();
  let cluster;
  let oneThread;
  let file;
  try {
    // The default (a worker thread after 4 MiB on two cores or more) and one thread, alternated.
    const runs = [];
    const oneRuns = [];
    for (let i = 0; i < 2; i++) {
      runs.push(await child('cluster-child.mjs', [server.kubeconfigPath]));
      oneRuns.push(await child('cluster-child.mjs', [server.kubeconfigPath], { SANCTUM_SCAN_THREADS: '1' }));
    }
    cluster = runs.sort((a, b) => a.ms - b.ms)[0];
    oneThread = oneRuns.sort((a, b) => a.ms - b.ms)[0];
    file = await child('k8s-child.mjs', ['scan', dir]);
  } finally {
    await server.close();
  }
  const loadAfter = loadavg()[0];
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const mb = (v) => `${v.toFixed(0)} MB`;
  const rate = (r, n) => Math.round((n / r.ms) * 1000).toLocaleString('en');
  const mainCpu = (r) => (r.mainThreadCpuMs === undefined ? '—' : s(r.mainThreadCpuMs));
  const clusterRow = (label, r) =>
    `| ${label} | ${r.objects.toLocaleString('en')} | ${s(r.ms)} | ${rate(r, r.objects)} | ${s(r.cpuMs)} | ${mainCpu(r)} | ${r.findings.toLocaleString('en')} | ${s(r.scanMs)} | ${s(r.jsonMs)}, ${r.jsonMB.toFixed(0)} MB | ${r.maxRssMB.toFixed(0)} MB |\n`;
  return (
    `## Cluster scan\n\n${objects.length.toLocaleString('en')} objects (the corpus of the Kubernetes section) served by \`src/testing/fake-apiserver.ts\` ` +
    `over TLS on loopback, in pages of 500, and scanned with every rule as \`sanctum cluster --format json --output FILE\` runs (the CLI's bundle, \`scanClusterStreamed\`: findings spooled as objects finish, the report streamed to the file); best of 2, each in a fresh process ` +
    `(the server runs in the parent). By default, on two cores or more, a worker thread checks part of the objects once 4 MiB of them are checked (\`src/cluster-threads.ts\`); the one-thread row keeps one (\`SANCTUM_SCAN_THREADS=1\`), its runs alternated with the default's. ` +
    `Main thread CPU is that thread's alone (Linux's /proc): with a worker, what the wall time comes to when the second core is free. The file scan of the same objects is measured in the same run. ` +
    `The machine is shared at times: ${describeLoad(load, loadAfter)}\n\n` +
    `| work | objects | time | objects/s | CPU | main thread CPU | findings | scan | JSON report | peak RSS |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n` +
    clusterRow('`sanctum cluster` (list + scan + report)', cluster) +
    clusterRow('`sanctum cluster`, one thread (`SANCTUM_SCAN_THREADS=1`)', oneThread) +
    `| \`sanctum scan\` of the files | ${file.objects.toLocaleString('en')} | ${s(file.ms)} | ${rate(file, file.objects)} | ${s(file.cpuMs)} | — | ${file.findings.toLocaleString('en')} | ${s(file.scanMs)} | ${s(file.jsonMs)}, ${file.jsonMB.toFixed(0)} MB | ${file.maxRssMB.toFixed(0)} MB |\n\n` +
    `Budget (the file-scan budgets): ≥ 20,000 objects/s and ≤ 400 MB peak RSS at 50,000 objects. ` +
    `${cluster.managedSkipped} objects were skipped as managed by a scanned controller; ${cluster.errors} errors.\n\n` +
    `Where the cluster scan's resident memory goes: ${mb(cluster.loadedRssMB)} once the CLI's modules are loaded (of which ${mb(cluster.loadedHeapMB)} heap); ` +
    `at the most, ${mb(cluster.heapUsedMB)} of the main thread's heap in use (${mb(cluster.heapTotalMB)} reserved) and ${mb(cluster.arrayBuffersMB)} of array buffers ` +
    `(sampled every 1,000 objects and after the scan and the report), against ${mb(cluster.maxRssMB)} peak RSS (VmHWM).\n`
  );
}
