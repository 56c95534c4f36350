import { MessageChannel, Worker } from 'node:worker_threads';
import { fstatSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  awaitReply,
  releaseSpoolFile,
  scanKib,
  otherThreadsCpu,
  startScanWorker,
  taskCpu,
  threadCpu,
  threadId,
  threadStart,
  withOwnMemory,
  WorkerBacklog,
  type StartedWorker,
} from './scan-threads.js';

// Workers in plain JavaScript that behave as a scan worker does towards the main thread: they count
// their steps in done[1], post a reply on the port, then set done[0] (see scan-worker.ts).
const STEPS_THEN_REPLY = `
const { workerData } = require('node:worker_threads');
const { port, done, steps, every } = workerData;
let n = 0;
const timer = setInterval(() => {
  Atomics.add(done, 1, 1);
  if (++n < steps) return;
  clearInterval(timer);
  port.postMessage({ ok: true, steps: n });
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
}, every);
`;

// A worker stuck without a step or a reply (one that died out of memory cannot tell either).
const STUCK = `
const { workerData } = require('node:worker_threads');
Atomics.add(workerData.done, 1, 1);
setInterval(() => {}, 1000);
`;

const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.terminate()));
});

function start(code: string, data: Record<string, unknown> = {}): { done: Int32Array; port: MessageChannel['port1'] } {
  const channel = new MessageChannel();
  const done = new Int32Array(new SharedArrayBuffer(16));
  const worker = new Worker(code, { eval: true, workerData: { port: channel.port2, done, ...data }, transferList: [channel.port2] });
  workers.push(worker);
  return { done, port: channel.port1 };
}

/** Resolves once the worker has taken its first step: the stall times below leave its start-up aside. */
async function running(done: Int32Array): Promise<void> {
  while (Atomics.load(done, 1) === 0) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('awaitReply (the main thread waiting for the scan worker)', () => {
  it('returns the reply of a worker that keeps taking steps, however long it takes beyond the stall time', async () => {
    const { done, port } = start(STEPS_THEN_REPLY, { steps: 30, every: 50 });
    await running(done);
    const started = Date.now();
    const reply = awaitReply(done, port, 1000);
    expect(reply).toEqual({ ok: true, steps: 30 });
    // 29 more steps of 50 ms: longer than the stall time, which counts only time without a step.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
  });

  it('gives up on a worker that takes no step for the stall time, with a message that says so', async () => {
    const { done, port } = start(STUCK);
    await running(done);
    const started = Date.now();
    const reply = awaitReply(done, port, 300);
    expect(reply).toEqual({ ok: false, message: 'the worker thread took no step for 0.3 s (it may have run out of memory)' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('reports a worker that marked itself done without a reply', () => {
    const { done, port } = start(STUCK);
    Atomics.store(done, 0, 1);
    expect(awaitReply(done, port, 300)).toEqual({ ok: false, message: 'the worker thread stopped without a reply' });
  });
});

/** A worker from JavaScript `code` (an ES module): `startScanWorker` as a scan starts it, with its watchdog and spool directory. */
function startCode(code: string, onError: (message: string) => void = () => {}): StartedWorker {
  const started = startScanWorker({ opts: { targets: [] } }, onError, new URL(`data:text/javascript,${encodeURIComponent(code)}`));
  stops.push(started);
  return started;
}

const stops: StartedWorker[] = [];
afterEach(() => {
  for (const s of stops.splice(0)) {
    s.stop();
    releaseSpoolFile(s.spool);
  }
});

describe('startScanWorker', () => {
  it('hands an error the worker does not catch to its caller, not to the process as an uncaught exception', async () => {
    const failed = new Promise<string>((resolve) => {
      const { worker, port } = startCode("setTimeout(() => { throw new Error('out of luck'); }, 10);", resolve);
      worker.ref();
      worker.once('exit', () => port.close());
    });
    expect(await failed).toBe('out of luck');
  });

  it("reserves the file of the worker's spool, open in this thread, which the caller adopts or lets go", () => {
    const { spool } = startCode('');
    expect(fstatSync(spool.fd).isFile()).toBe(true);
  });

  // The main thread's event loop does not turn while it waits: the worker's error event cannot reach it.
  it.each([
    ['throws an error it does not catch', "throw new Error('out of luck');"],
    ['exits', 'process.exit(3);'],
  ])(
    'ends the wait for the reply as soon as a worker that %s is gone (its watchdog), not after the stall time',
    (_, dies) => {
      const started = startCode(`
import { workerData } from 'node:worker_threads';
Atomics.add(workerData.done, 1, 1);
setTimeout(() => { ${dies} }, 1500);
`);
      const began = Date.now();
      const reply = started.awaitReply();
      expect(reply).toEqual({ ok: false, message: 'the worker thread stopped without a reply (it may have run out of memory)' });
      expect(Date.now() - began).toBeLessThan(10_000);
    },
    30_000,
  );

  it('returns what a dying worker said as it ended (scan-worker.ts replies from its exit handler)', () => {
    const started = startCode(`
import { workerData } from 'node:worker_threads';
const { port, done } = workerData;
process.on('exit', () => {
  port.postMessage({ ok: false, message: 'out of luck' });
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
});
setTimeout(() => { throw new Error('out of luck'); }, 200);
`);
    const began = Date.now();
    expect(started.awaitReply()).toEqual({ ok: false, message: 'out of luck' });
    expect(Date.now() - began).toBeLessThan(10_000);
  }, 30_000);
});

describe('WorkerBacklog (which thread takes a new directory)', () => {
  /** Decides a directory of `files` files of `size` bytes each and counts them; returns true when the worker takes it. */
  function directory(backlog: WorkerBacklog, scannedKib: number, files: number, size = 1024): boolean {
    const toWorker = backlog.wantsMore(scannedKib);
    for (let i = 0; i < files; i++) backlog.file(size, toWorker);
    return toWorker;
  }

  it('counts a file by its KiB, rounded up', () => {
    expect([0, 1, 1024, 1025, 10 * 1024].map(scanKib)).toEqual([0, 1, 1, 2, 10]);
  });

  it('gives the worker the first directory, then the main thread the ones that come while the worker has a directory to scan', () => {
    const backlog = new WorkerBacklog();
    // The worker has not started yet: it keeps its first directory, the main thread takes the next ones.
    expect(directory(backlog, 0, 100)).toBe(true);
    expect(directory(backlog, 0, 100)).toBe(false);
    expect(directory(backlog, 0, 100)).toBe(false);
    // It has scanned a third of its directory: less than a directory (100 KiB) is left, so it takes another.
    expect(directory(backlog, 34, 100)).toBe(true);
    // 166 KiB left to scan: the main thread takes the next one.
    expect(directory(backlog, 34, 100)).toBe(false);
    // Done with both: the worker again.
    expect(directory(backlog, 200, 100)).toBe(true);
  });

  it('leaves the worker at most 4 MiB to scan, however large the directories', () => {
    const backlog = new WorkerBacklog();
    // Directories of 8 MiB: the first goes to the worker; while it scans it, the main thread takes every other one.
    expect(directory(backlog, 0, 8, 1 << 20)).toBe(true);
    expect(directory(backlog, 4096, 8, 1 << 20)).toBe(false);
    expect(directory(backlog, 4097, 8, 1 << 20)).toBe(true);
    expect(directory(backlog, 4097, 8, 1 << 20)).toBe(false);
  });
});

describe('threadStart (SANCTUM_SCAN_THREADS and the cores)', () => {
  it('starts a worker by default on two cores or more once 4 MiB are scanned', () => {
    expect(threadStart(undefined, 2)).toBe(4 * 1024 * 1024);
    expect(threadStart(undefined, 3)).toBe(4 * 1024 * 1024);
    expect(threadStart('', 2)).toBe(4 * 1024 * 1024);
    expect(threadStart('', 8)).toBe(4 * 1024 * 1024);
  });

  it('starts the worker with the first directory with 2 on two cores or more, never with 1', () => {
    expect(threadStart('2', 2)).toBe(0);
    expect(threadStart('2', 8)).toBe(0);
    expect(threadStart('1', 2)).toBeUndefined();
    expect(threadStart('1', 8)).toBeUndefined();
    expect(threadStart('0', 8)).toBeUndefined();
  });

  it('keeps one thread on one core, whatever is asked', () => {
    expect(threadStart(undefined, 1)).toBeUndefined();
    expect(threadStart('2', 1)).toBeUndefined();
  });
});

describe('withOwnMemory (the bytes of a file moved to the worker)', () => {
  it('moves a buffer that fills its memory as it is', () => {
    const bytes = Buffer.allocUnsafeSlow(10_000).fill(7);
    expect(withOwnMemory(bytes)).toBe(bytes);
  });

  it("copies a small read out of Node's shared pool, and a part of a larger buffer, into memory of their own size", () => {
    const pooled = Buffer.from('kind: Pod\n');
    expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.length);
    const part = new Uint8Array(100).fill(1).subarray(10, 20);
    for (const bytes of [pooled, part]) {
      const own = withOwnMemory(bytes);
      expect(own).toEqual(new Uint8Array(bytes));
      expect(own.buffer.byteLength).toBe(bytes.length);
      expect(own.byteOffset).toBe(0);
    }
  });
});

describe('threadCpu and taskCpu (the per-thread CPU that NODE_DEBUG=sanctum shows)', () => {
  it("reads utime + stime of a task's stat line in ms, also when the thread's name holds spaces and parentheses", () => {
    const rest = 'S 1 2 3 0 -1 4194560 100 0 0 0 123 45 0 0 20 0 12 0 500 0 0';
    expect(taskCpu(`4242 (node) ${rest}`)).toBe(1680);
    expect(taskCpu(`4242 (a) (b c) ${rest}`)).toBe(1680);
  });

  it.runIf(process.platform === 'linux')("counts the calling thread's own CPU, which grows with work on it", () => {
    const before = threadCpu();
    const until = Date.now() + 60;
    let x = 0;
    while (Date.now() < until) x += Math.sqrt(x + 1);
    expect(x).toBeGreaterThan(0);
    expect(threadCpu()).toBeGreaterThanOrEqual(before + 10);
    expect(threadId()).toBeGreaterThan(0);
    expect(otherThreadsCpu([threadId()])).toBeGreaterThanOrEqual(0);
  });
});
