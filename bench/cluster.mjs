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

async function child(script, args) {
  const { stdout } = await run(process.execPath, [join(here, script), ...args], { cwd: root, maxBuffer: 1 << 26 });
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
  let file;
  try {
    const runs = [];
    for (let i = 0; i < 2; i++) runs.push(await child('cluster-child.mjs', [server.kubeconfigPath]));
    cluster = runs.sort((a, b) => a.ms - b.ms)[0];
    file = await child('k8s-child.mjs', ['scan', dir]);
  } finally {
    await server.close();
  }
  const loadAfter = loadavg()[0];
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const mb = (v) => `${v.toFixed(0)} MB`;
  const rate = (r, n) => Math.round((n / r.ms) * 1000).toLocaleString('en');
  return (
    `## Cluster scan\n\n${objects.length.toLocaleString('en')} objects (the corpus of the Kubernetes section) served by \`src/testing/fake-apiserver.ts\` ` +
    `over TLS on loopback, in pages of 500, and scanned with every rule as \`sanctum cluster --format json --output FILE\` runs (\`scanClusterStreamed\`: findings spooled as objects finish, the report streamed to the file); best of 2, each in a fresh process ` +
    `(the server runs in the parent). The file scan of the same objects is measured in the same run. ` +
    `The machine is shared at times: ${describeLoad(load, loadAfter)}\n\n` +
    `| work | objects | time | objects/s | CPU | findings | scan | JSON report | peak RSS |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n` +
    `| \`sanctum cluster\` (list + scan + report) | ${cluster.objects.toLocaleString('en')} | ${s(cluster.ms)} | ${rate(cluster, cluster.objects)} | ${s(cluster.cpuMs)} | ${cluster.findings.toLocaleString('en')} | ${s(cluster.scanMs)} | ${s(cluster.jsonMs)}, ${cluster.jsonMB.toFixed(0)} MB | ${cluster.maxRssMB.toFixed(0)} MB |\n` +
    `| \`sanctum scan\` of the files | ${file.objects.toLocaleString('en')} | ${s(file.ms)} | ${rate(file, file.objects)} | ${s(file.cpuMs)} | ${file.findings.toLocaleString('en')} | ${s(file.scanMs)} | ${s(file.jsonMs)}, ${file.jsonMB.toFixed(0)} MB | ${file.maxRssMB.toFixed(0)} MB |\n\n` +
    `Budget (the file-scan budgets): ≥ 20,000 objects/s and ≤ 400 MB peak RSS at 50,000 objects. ` +
    `${cluster.managedSkipped} objects were skipped as managed by a scanned controller; ${cluster.errors} errors.\n\n` +
    `Where the cluster scan's resident memory goes: ${mb(cluster.loadedRssMB)} once the CLI's modules are loaded (of which ${mb(cluster.loadedHeapMB)} heap); ` +
    `at the most, ${mb(cluster.heapUsedMB)} of heap in use (${mb(cluster.heapTotalMB)} reserved) and ${mb(cluster.arrayBuffersMB)} of array buffers ` +
    `(sampled every 1,000 objects and after the scan and the report), against ${mb(cluster.maxRssMB)} peak RSS (VmHWM).\n`
  );
}
