#!/usr/bin/env node
// Part of `npm run build`, after tsc and scripts/bundle-kube-client.mjs: bundles the command line
// (dist/cli/main.js) and the scan's worker thread (dist/scan-worker.js) into dist/bundle/, which
// bin/sanctum loads. Node's loader spends most of a short run's start-up on the ~550 modules tsc
// emits (reading, compiling and linking each one); the bundle is a few dozen chunks. Packages
// (node_modules) and Node's own modules stay imports. The modules of dist/ stay as tsc emits them:
// they are the library (`exports` of package.json).
//
// What the commands load only when run (`import()`: cluster, image, audit, gateway, webhook, serve…)
// stays in chunks of its own, loaded as before. What start-up loads is two chunks: the engine, which the
// scan's worker thread loads too, and the rest of the command line, which the worker does not load. Every chunk is written to dist/bundle itself, so that
// `new URL('./scan-worker.js', import.meta.url)` (src/scan-threads.ts) finds the worker's entry from
// whichever chunk holds it; files of the package (package.json, dist/web) are found by
// src/package-root.ts, not relative to a module.
//
// Usage: node scripts/bundle-cli.mjs [--stats]   (--stats: prints the chunks start-up loads)
import { existsSync, rmSync } from 'node:fs';
import { isAbsolute, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { rolldown } from 'rolldown';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const out = join(dist, 'bundle');
const fail = (message) => {
  console.error(`bundle-cli: ${message}`);
  process.exit(1);
};

const cli = join(dist, 'cli', 'main.js');
const worker = join(dist, 'scan-worker.js');
for (const f of [cli, worker]) if (!existsSync(f)) fail(`${f} is missing: run the whole build (npm run build)`);

// The entry bin/sanctum loads: the command line, and what bench/k8s-child.mjs drives a scan with
// (modules the command line loads anyway: no more code at start-up).
const ENTRY = '\0sanctum-cli';
const entry = {
  name: 'sanctum-cli-entry',
  resolveId: (id) => (id === ENTRY ? ENTRY : null),
  load: (id) =>
    id === ENTRY
      ? [
          `export * from ${JSON.stringify(cli)};`,
          `export { scanStreamed } from ${JSON.stringify(join(dist, 'scan.js'))};`,
          `export { bufferedSink, writeString } from ${JSON.stringify(join(dist, 'reporters', 'index.js'))};`,
          // What bench/cluster-child.mjs drives a cluster scan with: the chunk `sanctum cluster` loads when run.
          `export const loadClusterScan = () => import(${JSON.stringify(join(dist, 'scan-cluster.js'))});`,
        ].join('\n')
      : null,
};

// What the scan's worker thread loads: the worker's entry, the scan it imports when started, and what
// they import statically. It is a chunk of its own (`engine`) that the command line's chunk imports, so
// that a worker does not load (read, compile, run) the command line's modules and packages (commander,
// the commands, the reporters other than the spool) to scan its files.
const scan = join(dist, 'scan.js');
const graph = new Map();
const moduleGraph = {
  name: 'sanctum-module-graph',
  moduleParsed(info) {
    graph.set(info.id, info.importedIds);
  },
};
// The graph is known once the modules are read, which rolldown does on `write`, before it splits chunks.
let workerModules;
function isWorkerModule(id) {
  if (!workerModules) {
    workerModules = staticClosure([worker, scan]);
    if (!workerModules.has(scan)) fail(`the worker's modules do not include ${scan}`);
  }
  return id !== worker && workerModules.has(id);
}
function staticClosure(roots) {
  const seen = new Set();
  const visit = (id) => {
    if (seen.has(id) || !graph.has(id)) return;
    seen.add(id);
    for (const i of graph.get(id)) visit(i);
  };
  for (const r of roots) visit(r);
  return seen;
}

const warnings = [];
const bundle = await rolldown({
  input: { main: ENTRY, 'scan-worker': worker },
  platform: 'node',
  plugins: [entry, moduleGraph],
  // Packages and Node's modules are imported, as from dist/.
  external: (id) => !id.startsWith('.') && !isAbsolute(id) && id !== ENTRY,
  // Warnings fail the build (a name imported that no module exports, IMPORT_IS_UNDEFINED, would fail
  // at run time), but for an `import()` of a module that start-up loads anyway (see below).
  onLog: (level, log) => {
    if (level === 'warn') warnings.push(log);
  },
});
rmSync(out, { recursive: true, force: true });
const { output } = await bundle.write({
  dir: out,
  format: 'esm',
  entryFileNames: '[name].js',
  chunkFileNames: '[name]-[hash].js',
  // Non-ASCII characters of the code written as escapes, and the doc comments (most of the rest) left
  // out: V8 then keeps each chunk's source as one-byte text and scans it without decoding UTF-8 into
  // UTF-16, in every isolate that loads the engine (a worker thread's too). The comments stay in dist/'s
  // modules, the library. bench/RESULTS.md, session 25.
  charset: 'ascii',
  comments: { legal: true, annotation: true, jsdoc: false },
  // What start-up loads is two chunks: the engine (what the worker thread loads too) and the rest of the
  // command line (the worker's entry module aside: it runs only in the worker).
  codeSplitting: {
    groups: [
      { name: 'engine', priority: 2, test: isWorkerModule },
      { name: 'cli', priority: 1, tags: ['$initial'], test: (id) => id !== worker },
    ],
  },
});
await bundle.close();

const chunks = new Map(output.filter((o) => o.type === 'chunk').map((c) => [c.fileName, c]));
for (const name of chunks.keys()) if (name.includes('/')) fail(`chunk ${name} is not in dist/bundle itself`);
if (!chunks.has('main.js') || !chunks.has('scan-worker.js')) fail(`expected entries main.js and scan-worker.js, got ${[...chunks.keys()]}`);

/** The chunks loading `name` loads before any of its code runs (static imports, transitively). */
function startUp(name, seen = new Set()) {
  if (seen.has(name)) return seen;
  seen.add(name);
  for (const i of chunks.get(name).imports) if (chunks.has(i)) startUp(i, seen);
  return seen;
}
const atStart = startUp('main.js');
const modulesAtStart = new Set([...atStart].flatMap((name) => chunks.get(name).moduleIds));

// INEFFECTIVE_DYNAMIC_IMPORT: a module that some command imports when run (`import()`) is in the
// chunk of its importer. When start-up loads it anyway (another module of start-up imports it
// statically, as dist/ loads it too), nothing is lost; otherwise say so.
const broken = warnings.filter((w) => w.code !== 'INEFFECTIVE_DYNAMIC_IMPORT' || !modulesAtStart.has(w.id));
if (broken.length) fail(broken.map((w) => w.message).join('\nbundle-cli: '));
// Modules the commands import only when run: a static import of one of them from a module of start-up
// would bring it (and what it imports) back into every run.
const LAZY = [
  'scan-cluster.js',
  'scan-image.js',
  'server/dashboard/start.js',
  'server/webhook/server.js',
  'gateway/server.js',
  'vulndb/import.js',
  'store/store.js',
  'runtime/session.js',
  'inventory/sbom.js',
];
for (const name of atStart)
  for (const id of chunks.get(name).moduleIds) {
    const lazy = LAZY.find((l) => id === join(dist, l));
    if (lazy) fail(`dist/${lazy} is loaded at start-up (in chunk ${name}); it should only load with its command`);
  }

// The worker thread loads the engine only: no module of the command line, none of its packages.
for (const name of startUp('scan-worker.js')) {
  const c = chunks.get(name);
  const cli = c.moduleIds.find((id) => id.startsWith(join(dist, 'cli') + sep));
  if (cli) fail(`the worker thread loads ${cli} (in chunk ${name}): only the command line should`);
  const pkg = c.imports.find((i) => ['commander', 'picocolors'].includes(i));
  if (pkg) fail(`the worker thread loads ${pkg} (imported by chunk ${name}): only the command line should`);
}

if (process.argv.includes('--stats')) {
  let bytes = 0;
  let modules = 0;
  for (const name of atStart) {
    const c = chunks.get(name);
    bytes += c.code.length;
    modules += c.moduleIds.length;
  }
  const inWorker = [...startUp('scan-worker.js')].map((name) => chunks.get(name));
  const workerBytes = inWorker.reduce((n, c) => n + c.code.length, 0);
  const workerModules = inWorker.reduce((n, c) => n + c.moduleIds.length, 0);
  console.log(
    `bundle-cli: ${chunks.size} chunks; start-up loads ${atStart.size} of them (${modules} modules of dist/, ${(bytes / 1024).toFixed(0)} KiB); the scan's worker thread ${inWorker.length} (${workerModules} modules, ${(workerBytes / 1024).toFixed(0)} KiB)`,
  );
}

// The bundle loads: every name a chunk imports from another is there.
const loaded = await import(pathToFileURL(join(out, 'main.js')).href);
for (const f of ['main', 'scanStreamed', 'bufferedSink', 'writeString', 'loadClusterScan'])
  if (typeof loaded[f] !== 'function') fail(`dist/bundle/main.js does not export a function ${f}`);
