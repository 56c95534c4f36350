// The worker thread of a threaded scan (see `ScanThreads`): scans the files it is sent, as the main
// thread would, spools their findings, and replies once the walk is done.
import { workerData } from 'node:worker_threads';
import { exportLegacyFingerprints } from './core/fingerprint.js';
import { DiskSourceFile, type ClusterListing } from './core/source-file.js';
import { severityRank, type Finding, type ScanError } from './core/types.js';
import { exportBuffers, JsonFindingSpool } from './reporters/json-spool.js';
import {
  clock,
  debugging,
  scanKib,
  threadCpu,
  threadId,
  type FromWorker,
  type ToWorker,
  type WorkerData,
  type WorkerTimes,
} from './scan-threads.js';

const { opts, port, done, cluster, spool: shared } = workerData as WorkerData;

let replied = false;
function reply(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  replied = true;
  try {
    port.postMessage(message, transfer);
  } finally {
    Atomics.store(done, 0, 1);
    Atomics.notify(done, 0);
  }
}

// An error nothing catches ends this thread (an error event for the main thread's event loop, which
// does not turn while it waits for the reply): what it was is the reply, sent as the thread ends. The
// spool's file is the main thread's, which closes it.
let uncaught: unknown;
process.on('uncaughtExceptionMonitor', (e) => (uncaught = e));
process.on('exit', (code) => {
  if (!replied) reply({ ok: false, message: uncaught === undefined ? `the worker thread exited with code ${code}` : messageOf(uncaught) });
});

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// With NODE_DEBUG=sanctum, this thread's CPU at each stage (see `WorkerTimes.cpu`).
const cpu = debugging() ? { loaded: 0, firstFiles: 0, lastFile: 0, replied: 0 } : undefined;

try {
  const { openScanPart } = await import('./scan.js');
  // A cluster scan's worker is sent objects as their text; the main thread runs the cross-object rules.
  const objects = cluster ? await import('./sources/object-file.js') : undefined;
  const listing: ClusterListing | undefined = cluster && { ref: cluster, listed: () => false };
  const times: WorkerTimes = { loaded: clock(), firstFiles: 0, lastFile: 0, replied: 0 };
  if (cpu) [cpu.loaded, times.cpu, times.tid] = [threadCpu(), cpu, threadId()];
  const spool = new JsonFindingSpool({ shared });
  let worst = 0;
  const scan = openScanPart(
    opts,
    (batch: Finding[]) => {
      for (const f of batch) if (f.status === 'fail') worst = Math.max(worst, severityRank(f.severity));
      spool.spool(batch);
    },
    cluster === undefined,
  );
  const errorKeys: number[] = [];
  const tag = (key: number): void => {
    while (errorKeys.length < scan.errors.length) errorKeys.push(key);
  };
  const finish = (end: number): void => {
    times.lastFile = clock();
    if (cpu) cpu.lastFile = threadCpu();
    let finished: ReturnType<typeof scan.finishPart>;
    Atomics.add(done, 1, 1);
    try {
      finished = scan.finishPart();
    } finally {
      scan.close();
    }
    tag(3 * end + 1);
    const { result, usedSuppressions, hygiene } = finished;
    const once = new Set<ScanError>(scan.onceErrors);
    const detached = spool.detach();
    times.replied = clock();
    if (cpu) cpu.replied = threadCpu();
    reply(
      {
        ok: true,
        spool: detached,
        worst,
        held: result.findings,
        heldLegacy: exportLegacyFingerprints(result.findings),
        errors: result.errors,
        errorKeys,
        onceErrors: result.errors.flatMap((e, i) => (once.has(e) ? [i] : [])),
        files: result.files,
        idleMs,
        times,
        resources: result.resources,
        usedSuppressions,
        hygiene: cluster ? hygiene : [],
      },
      exportBuffers(detached),
    );
  };
  // From the end of one message to the next: time spent waiting for files (after the first).
  let idleMs = 0;
  let idleSince: number | undefined;
  port.on('message', (message: ToWorker) => {
    if (idleSince !== undefined) idleMs += performance.now() - idleSince;
    else {
      times.firstFiles = clock();
      if (cpu) cpu.firstFiles = threadCpu();
    }
    try {
      for (const step of message.steps) {
        if (step.text !== undefined && objects && listing) {
          const file = new objects.ObjectFile(step.path, JSON.parse(step.text) as Record<string, unknown>, listing, step.text);
          tag(3 * step.index + 1);
          scan.scanFile(file);
          tag(3 * step.index + 2);
          Atomics.add(done, 1, 1);
          Atomics.add(done, 2, scanKib(file.size));
          continue;
        }
        if (step.absPath === undefined) {
          scan.passed(step.path);
          tag(3 * step.index + 1);
          continue;
        }
        const bytes = step.bytes && Buffer.from(step.bytes.buffer, step.bytes.byteOffset, step.bytes.byteLength);
        const file = new DiskSourceFile(step.path, step.absPath, step.size ?? 0, bytes);
        file.treeRoot = step.treeRoot;
        if (scan.wants(file)) scan.passed(step.path);
        tag(3 * step.index + 1);
        scan.scanFile(file);
        tag(3 * step.index + 2);
        Atomics.add(done, 1, 1);
        Atomics.add(done, 2, scanKib(file.size));
      }
      if (message.end !== undefined) finish(message.end);
      else idleSince = performance.now();
    } catch (e) {
      spool.dispose();
      reply({ ok: false, message: messageOf(e) });
    }
  });
} catch (e) {
  reply({ ok: false, message: messageOf(e) });
}
