import { closeSync, existsSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { debuglog } from 'node:util';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { EngineResult } from './core/engine.js';
import { importLegacyFingerprints } from './core/fingerprint.js';
import { usableCpus } from './cpu-limit.js';
import { isPlainlyWalked, type DiskSourceFile, type SourceFile } from './core/source-file.js';
import type { ClusterRef, Finding, ScanError } from './core/types.js';
import { reserveSpoolFile, type SharedSpoolFile, type SpoolExport } from './reporters/json-spool.js';
import type { OpenScan, ScanOptions } from './scan.js';

/**
 * The worker's module, beside this one: dist/scan-worker.js as tsc emits it, or the entry of that name
 * among the chunks of dist/bundle (scripts/bundle-cli.mjs writes every chunk to that one directory).
 * Under the tests (src/) there is none, and scans run on one thread.
 */
export const WORKER = new URL('./scan-worker.js', import.meta.url);

/**
 * The worker's young generation, in MB (V8's default is about 48): the second heap is what a
 * threaded scan adds to peak memory. At 24 MB a 50,000-object scan took 3–4% less CPU than at 12 MB
 * (fewer scavenges) for 5 MB more peak RSS; at 48 MB, 6% less for 40 MB more.
 */
const WORKER_YOUNG_GENERATION_MB = 24;

/** `NODE_DEBUG=sanctum` shows whether a scan used the worker. */
const debug = debuglog('sanctum');

/**
 * Where an error falls in the walk: errors are put back in the order a single thread reports them,
 * `3 × file index + phase`. Walk errors come before the file they precede, errors of the
 * cross-object rules of the directories a file leaves come next, then the file's own.
 */
export const PHASE_WALK = 0;
export const PHASE_LEFT = 1;
export const PHASE_FILE = 2;

/** One file of the walk, in order: the worker scans it (`absPath` set) or lets it pass by (see `Engine.passed`). */
export interface ScanStep {
  index: number;
  path: string;
  absPath?: string;
  size?: number;
  /** The scanned directory it was found in (`DiskSourceFile.treeRoot`). */
  treeRoot?: string;
  /** Its bytes when the walk read them whole, moved to the worker: it does not read them again. */
  bytes?: Uint8Array;
  /** A cluster object's text (`ObjectFile`), for a worker of a cluster scan (`WorkerData.cluster`). */
  text?: string;
}

/** What the main thread sends the worker: steps, and once the walk is done, its length. */
export interface ToWorker {
  steps: ScanStep[];
  end?: number;
}

/** What the worker sends back once it is done. */
export type FromWorker =
  | {
      ok: true;
      spool: SpoolExport;
      worst: number;
      /** Findings of the cross-object rules run at the end (not spooled), as `Engine.finish` returns them. */
      held: Finding[];
      /** The legacy fingerprints of `held` (`exportLegacyFingerprints`), which a message does not carry. */
      heldLegacy?: Array<Array<string | undefined>>;
      errors: ScanError[];
      errorKeys: number[];
      /** Positions (in `errors`) of errors a scan reports once, whichever thread meets them. */
      onceErrors: number[];
      files: number;
      /** Milliseconds the worker waited for files to scan, once it had started. */
      idleMs: number;
      times: WorkerTimes;
      resources: number;
      usedSuppressions: number[];
      /** A cluster scan's worker: the suppressions whose hygiene it reported (`Engine.reportedHygiene`); else empty. */
      hygiene: string[];
    }
  | { ok: false; message: string };

/** When the worker reached each stage of its part, in `clock` time, for `NODE_DEBUG=sanctum`. */
export interface WorkerTimes {
  loaded: number;
  firstFiles: number;
  lastFile: number;
  replied: number;
  /** With `NODE_DEBUG=sanctum`, the worker's thread id and its CPU (ms since the thread began, `threadCpu`) at its module's first line and at each stage. */
  tid?: number;
  cpu?: { loaded: number; firstFiles: number; lastFile: number; replied: number };
}

/** Milliseconds since the epoch, to the fraction: one clock for both threads (`performance.now()` counts from each thread's start). */
export function clock(): number {
  return performance.timeOrigin + performance.now();
}

/** True when `NODE_DEBUG=sanctum` asks for the threaded scan's timeline. */
export function debugging(): boolean {
  return debug.enabled;
}

/**
 * The CPU (user + system, ms) the calling thread has used, from /proc/thread-self/stat: one thread's
 * share, which process-wide counters do not tell apart (Linux; NaN elsewhere). For `NODE_DEBUG=sanctum`.
 */
export function threadCpu(): number {
  try {
    return taskCpu(readFileSync('/proc/thread-self/stat', 'latin1'));
  } catch {
    return NaN;
  }
}

/** The calling thread's id (Linux; NaN elsewhere). */
export function threadId(): number {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return NaN;
  }
}

/** The CPU (ms) of every thread of the process but `except` (V8's compiler and collector threads, libuv's). */
export function otherThreadsCpu(except: readonly number[]): number {
  try {
    let ms = 0;
    for (const tid of readdirSync('/proc/self/task')) {
      if (except.includes(Number(tid))) continue;
      try {
        ms += taskCpu(readFileSync(`/proc/self/task/${tid}/stat`, 'latin1'));
      } catch {
        // The thread ended meanwhile.
      }
    }
    return ms;
  } catch {
    return NaN;
  }
}

/** utime + stime of a task's stat line, in ms (clock ticks of 10 ms). */
export function taskCpu(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** What `ScanThreads.run` leaves for `merge`: the walk's length. */
export interface ScanPart {
  end: number;
}

/** What sets a worker's scan up: the options of the main thread, without what cannot cross threads. */
export interface WorkerSetup {
  opts: ScanOptions;
  /** Set for a cluster scan (`ClusterThreads`): the worker scans the objects it is sent, and runs no cross-object rule. */
  cluster?: ClusterRef;
}

/** What a worker is started with (`startScanWorker`). */
export interface WorkerData extends WorkerSetup {
  port: MessagePort;
  /**
   * [0]: 1 once the worker has replied; [1]: counts the steps it has taken, so that a worker that died
   * is told from a slow one; [2]: the KiB it has scanned (`scanKib` of each file), its progress;
   * [3]: 1 once its thread has ended, as the watchdog saw (`watchWorker`).
   */
  done: Int32Array;
  /**
   * The spool file the worker writes (`reserveSpoolFile`), open in the main thread, whose descriptor
   * the worker writes through: the main thread closes it, also when the worker dies without replying.
   */
  spool: SharedSpoolFile;
  /** The worker's end of a channel nothing is sent on: it closes when the worker's thread ends, however (`watchWorker`). */
  life: MessagePort;
}

/**
 * How long the main thread waits for a worker that takes no step before it gives up: one whose thread
 * lives on but does nothing (a worker that dies is seen at once, see `watchWorker`).
 */
export const WORKER_STALL_MS = 10 * 60_000;

/**
 * A directory walk shared by two threads: the main thread walks, renders and writes the report; it
 * hands whole directories of plainly walked files to one worker thread and scans the others itself.
 * Cross-object rules see one directory's objects (see `k8sSet`), and fingerprints count equal
 * findings per file, so each thread finds exactly what a single thread finds in its directories;
 * the worker is told of every file of the walk so that its directories are complete at the same
 * moments. Findings merge into the report's order, errors into the walk's.
 */
export class ScanThreads {
  private worker: StartedWorker | undefined;
  private steps: ScanStep[] = [];
  /** The memory of the bytes among `steps`, moved to the worker with them. */
  private transfer: ArrayBuffer[] = [];
  /** Steps among `steps` with a file for the worker to scan. */
  private unsent = 0;
  /** Directories and the thread that scans their files (true: the worker). */
  private readonly owners = new Map<string, boolean>();
  private readonly backlog = new WorkerBacklog();
  /** `3 × index + phase` of each error of the main thread, in its order. */
  private readonly keys: number[] = [];
  /** The worker's spool file, open here until it is adopted (see `WorkerData.spool`). */
  private reserved: SharedSpoolFile | undefined;
  /** What the worker failed with, when it threw an error it did not catch. */
  private failure: string | undefined;
  /** `clock` times of the main thread's stages, for `NODE_DEBUG=sanctum`. */
  private readonly times = { began: 0, started: 0, walked: 0 };
  /** With `NODE_DEBUG=sanctum`, the main thread's CPU at those stages and the other threads' at its first file (`threadCpu`). */
  private readonly cpu = debugging() ? { tid: threadId(), began: 0, started: 0, walked: 0, others: 0 } : undefined;

  /** Bytes of plainly walked files the main thread scans before it starts the worker. */
  private untilStart: number;

  private constructor(
    private readonly opts: ScanOptions,
    startAfter: number,
  ) {
    this.untilStart = startAfter;
  }

  /**
   * Threads for a scan that writes its findings to a spool (`scanStreamed`) of one walked directory
   * tree, when `threadStart` says so (two cores or more by default, counted within a cgroup CPU quota).
   */
  static for(opts: ScanOptions, today: string): ScanThreads | undefined {
    if (opts.files || opts.targets.length !== 1 || opts.onFile || opts.onSet || opts.vulnerabilities || opts.extraRules) return undefined;
    const startAfter = threadStart(process.env.SANCTUM_SCAN_THREADS, usableCpus());
    if (startAfter === undefined) return undefined;
    if (!existsSync(fileURLToPath(WORKER))) return undefined;
    const { onFile: _onFile, onRules: _onRules, onNotice: _onNotice, renderers: _renderers, ...rest } = opts;
    return new ScanThreads({ ...rest, cwd: opts.cwd ?? process.cwd(), today, renderers: false }, startAfter);
  }

  /** Scans `files` with `scan` and the worker; undefined when the worker never started (the scan was one thread's). */
  run(files: Iterable<SourceFile>, scan: OpenScan): ScanPart | undefined {
    this.times.began = clock();
    if (this.cpu) [this.cpu.began, this.cpu.others] = [threadCpu(), otherThreadsCpu([this.cpu.tid])];
    let index = 0;
    const tag = (phase: number): void => {
      while (this.keys.length < scan.errors.length) this.keys.push(3 * index + phase);
    };
    if (this.untilStart > 0) files = this.lookAhead(files, scan.errors);
    for (const file of files) {
      tag(PHASE_WALK);
      if (this.delegated(file)) {
        scan.passed(file.path);
        tag(PHASE_LEFT);
        this.send(
          { index, path: file.path, absPath: file.absPath, size: file.size, treeRoot: file.treeRoot, bytes: this.movable(file) },
          true,
        );
      } else {
        if (!file.renderedBy && scan.wants(file)) {
          scan.passed(file.path);
          if (this.worker) this.send({ index, path: file.path }, false);
        }
        tag(PHASE_LEFT);
        // The worker gets what it was given before the main thread scans a file of its own.
        if (this.unsent > 0) this.flush();
        scan.scanFile(file);
        tag(PHASE_FILE);
      }
      index++;
    }
    tag(PHASE_WALK);
    this.times.walked = clock();
    if (this.cpu) this.cpu.walked = threadCpu();
    if (!this.worker) return undefined;
    this.worker.port.postMessage({ steps: this.steps, end: index } satisfies ToWorker, this.transfer);
    this.steps = [];
    this.transfer = [];
    return { end: index };
  }

  /**
   * Waits for the worker and adds what it found to `result` (the main thread's, its cross-object
   * rules run): its spool, held findings, counts, suppressions used and errors, in walk order.
   */
  merge(result: EngineResult, part: ScanPart, scan: OpenScan, adopt: (spool: SpoolExport, worst: number) => void): void {
    if (this.failure !== undefined) throw new Error(`scan worker failed: ${this.failure}`);
    const waitStarted = clock();
    const shared = this.worker!.done;
    const reply = this.worker!.awaitReply();
    const received = clock();
    const cpuReceived = this.cpu && {
      main: threadCpu(),
      others: otherThreadsCpu([this.cpu.tid, reply.ok ? (reply.times.tid ?? NaN) : NaN]),
    };
    // Its heap is freed before the report is written.
    this.worker?.stop();
    this.worker = undefined;
    if (!reply.ok) throw new Error(`scan worker failed: ${reply.message}`);
    debug(
      'scan: the worker thread scanned %d files, %d findings spooled; it waited %d ms for files, the main thread %d ms for it',
      reply.files,
      reply.spool.path.length,
      Math.round(reply.idleMs),
      Math.round(received - waitStarted),
    );
    adopt({ ...reply.spool, fd: this.reserved!.fd }, reply.worst);
    this.reserved = undefined;
    mergeReply(result, reply, this.keys, part.end, scan);
    const { began, started, walked } = this.times;
    const at = (t: number): number => Math.round(t - began);
    debug(
      'scan: ms from the first file: worker started %d, its modules loaded %d, its first files %d; walk done %d; its last file %d, its reply ready %d, received %d; merged %d',
      at(started),
      at(reply.times.loaded),
      at(reply.times.firstFiles),
      at(walked),
      at(reply.times.lastFile),
      at(reply.times.replied),
      at(received),
      at(clock()),
    );
    if (this.cpu && cpuReceived && reply.times.cpu) {
      const main = this.cpu;
      const w = reply.times.cpu;
      debug(
        'scan: CPU ms, main thread: alone %d, beside the worker %d, waiting for it %d, merging %d; worker thread: its start and modules %d, to its first files %d, its files %d (%d of %d KiB), finishing and replying %d; other threads (V8 compiler and collector, libuv) from the first file to the reply %d',
        main.started - main.began,
        main.walked - main.started,
        cpuReceived.main - main.walked,
        threadCpu() - cpuReceived.main,
        w.loaded,
        w.firstFiles - w.loaded,
        w.lastFile - w.firstFiles,
        Atomics.load(shared, 2),
        this.backlog.seen,
        w.replied - w.lastFile,
        cpuReceived.others - main.others,
      );
    }
  }

  /** Stops the worker and removes what it left. */
  close(): void {
    this.worker?.stop();
    this.worker = undefined;
    releaseSpoolFile(this.reserved);
    this.reserved = undefined;
  }

  /**
   * Takes files from the walk, in order, until they hold `LOOK_AHEAD_BYTES` that the worker could
   * scan (plainly walked files below the scanned directory, as `delegated` counts them) or the walk
   * ends: a tree known to be that large starts the worker with its first directory (`untilStart` 0),
   * as `SANCTUM_SCAN_THREADS=2` does, rather than after the main thread has scanned 4 MiB alone; a
   * smaller one is scanned as before. The files come back in the walk's order. The errors the walk
   * reports meanwhile (`scan.errors`: a broken link, an unreadable file, a chart that did not
   * render) are taken out and put back just before the file they preceded, so that they are counted
   * (`tag`) and reported where a scan that did not look ahead meets them. What is held meanwhile:
   * the walk reads files of up to 64 KiB whole as it opens them (`DiskSourceFile.opened`) and
   * renders charts into memory, so up to about `LOOK_AHEAD_BYTES` of file contents (at most twice
   * that, counting files the worker cannot take).
   */
  private lookAhead(files: Iterable<SourceFile>, errors: ScanError[]): Iterable<SourceFile> {
    const walk = files[Symbol.iterator]();
    const held: { file: SourceFile; errors: ScanError[] }[] = [];
    const base = errors.length;
    let delegable = 0;
    let bytes = 0;
    let tail: ScanError[] | undefined;
    while (delegable < LOOK_AHEAD_BYTES && bytes < 2 * LOOK_AHEAD_BYTES) {
      const next = walk.next();
      const before = errors.splice(base);
      if (next.done) {
        tail = before;
        break;
      }
      const file = next.value;
      held.push({ file, errors: before });
      bytes += file.size;
      if (isPlainlyWalked(file) && dirname(file.path) !== '.') delegable += file.size;
    }
    if (delegable >= LOOK_AHEAD_BYTES) this.untilStart = 0;
    debug(
      'scan: looked ahead %d files of the walk, %d KiB for a worker (%s)',
      held.length,
      Math.ceil(delegable / 1024),
      this.untilStart === 0 ? 'it starts with the first directory' : tail ? 'the whole walk' : 'the worker starts after 4 MiB',
    );
    return replay(held, tail, walk, errors);
  }

  /** True when `file` goes to the worker: a plainly walked file of a directory the worker scans. */
  private delegated(file: SourceFile): file is DiskSourceFile {
    if (!isPlainlyWalked(file)) return false;
    const dir = dirname(file.path);
    if (dir === '.') return false;
    let worker = this.owners.get(dir);
    if (worker === undefined) {
      // The worker starts with a directory: those the main thread has begun stay its own.
      if (!this.worker && this.untilStart <= 0) this.start();
      worker = this.worker !== undefined && this.backlog.wantsMore(Atomics.load(this.worker.done, 2));
      this.owners.set(dir, worker);
    }
    if (!this.worker) this.untilStart -= file.size;
    this.backlog.file(file.size, worker);
    return worker;
  }

  private start(): void {
    this.times.started = clock();
    if (this.cpu) this.cpu.started = threadCpu();
    this.worker = startScanWorker({ opts: this.opts }, (message) => (this.failure ??= message));
    this.reserved = this.worker.spool;
    debug('scan: a worker thread takes whole directories of the walk, after %d KiB the main thread took alone', this.backlog.seen);
  }

  /** Queues a step: files to scan go in messages of up to 32, the others of up to 256. */
  private send(step: ScanStep, scanned: boolean): void {
    this.steps.push(step);
    if (scanned) this.unsent++;
    if (this.unsent >= 32 || this.steps.length >= 256) this.flush();
  }

  private flush(): void {
    this.worker!.port.postMessage({ steps: this.steps } satisfies ToWorker, this.transfer);
    this.steps = [];
    this.transfer = [];
    this.unsent = 0;
  }

  /** The bytes the walk read of a file the worker scans, moved to it with the step: the main thread keeps none. */
  private movable(file: DiskSourceFile): Uint8Array | undefined {
    const bytes = file.handOverBytes();
    if (!bytes) return undefined;
    const moved = withOwnMemory(bytes);
    this.transfer.push(moved.buffer);
    return moved;
  }
}

/**
 * The files `ScanThreads.lookAhead` held, then the rest of the walk: each held file's walk errors go
 * back into `errors` as it is taken, as the walk had put them there; when the walk ended within the
 * look-ahead, its last errors (`tail`) once the last file has been taken.
 */
function* replay(
  held: { file: SourceFile; errors: ScanError[] }[],
  tail: ScanError[] | undefined,
  walk: Iterator<SourceFile>,
  errors: ScanError[],
): Generator<SourceFile> {
  try {
    for (let i = 0; i < held.length; i++) {
      const { file, errors: before } = held[i];
      held[i] = undefined!;
      for (const item of before) errors.push(item);
      yield file;
    }
    if (tail) {
      for (const item of tail) errors.push(item);
      return;
    }
    for (let next = walk.next(); !next.done; next = walk.next()) yield next.value;
  } finally {
    // A scan that stops early ends the walk, as `for…of` over it would.
    if (!tail) walk.return?.();
  }
}

/**
 * Adds what a worker found to `result` (the main thread's): held findings, counts, suppressions used
 * and errors, put in the order a single thread meets them by their keys (`keys`: the main thread's,
 * `3 × index + phase` of each error; those after the walk's `end` are the cross-object rules').
 */
export function mergeReply(
  result: EngineResult,
  reply: Extract<FromWorker, { ok: true }>,
  keys: number[],
  end: number,
  scan: OpenScan,
): void {
  importLegacyFingerprints(reply.held, reply.heldLegacy);
  for (const item of reply.held) result.findings.push(item);
  result.files += reply.files;
  result.resources += reply.resources;
  scan.markSuppressionsUsed(reply.usedSuppressions);
  while (keys.length < result.errors.length) keys.push(3 * end + PHASE_LEFT);
  const once = new Set(scan.onceErrors);
  const workerOnce = new Set(reply.onceErrors.map((i) => reply.errors[i]));
  const all = [
    ...result.errors.map((error, i) => ({ error, key: keys[i], thread: 0, i, once: once.has(error) })),
    ...reply.errors.map((error, i) => ({ error, key: reply.errorKeys[i], thread: 1, i, once: workerOnce.has(error) })),
  ].sort((a, b) => a.key - b.key || a.thread - b.thread || a.i - b.i);
  const seen = new Set<string>();
  const errors = all
    .filter((e) => {
      if (!e.once) return true;
      const text = `${e.error.path}\u0000${e.error.message}`;
      if (seen.has(text)) return false;
      seen.add(text);
      return true;
    })
    .map((e) => e.error);
  result.errors.splice(0, result.errors.length, ...errors);
}

/** A running scan worker, the main thread's end of its channel, and the counters it shares (`WorkerData.done`). */
export interface StartedWorker {
  worker: Worker;
  port: MessagePort;
  done: Int32Array;
  /** The file of its spool (`WorkerData.spool`): the caller adopts it or lets it go (`releaseSpoolFile`). */
  spool: SharedSpoolFile;
  /** Blocks until the worker has replied, or has died, or has stalled (see `awaitReply`). */
  awaitReply(): FromWorker;
  /** Stops the worker and its watchdog (the spool directory stays the caller's). */
  stop(): void;
}

/**
 * Starts the scan worker with `setup`, a new channel, new shared counters and a file for its spool
 * (`reserveSpoolFile`); it does not keep the process alive. An error the worker does not catch (out of memory, a
 * module that fails to load) goes to `onError`, not to the process as an uncaught exception: the
 * caller stops giving it work and fails the scan (`scan worker failed: …`). While the main thread
 * waits for the reply, its event loop does not turn and `onError` cannot be called: a worker that
 * dies then is seen by a watchdog thread (`watchWorker`), and the wait ends with the message the
 * worker left, if any.
 */
export function startScanWorker(setup: WorkerSetup, onError: (message: string) => void, url: URL = WORKER): StartedWorker {
  const channel = new MessageChannel();
  const life = new MessageChannel();
  const done = new Int32Array(new SharedArrayBuffer(16));
  const spool = reserveSpoolFile();
  let worker: Worker;
  try {
    worker = new Worker(url, {
      workerData: { ...setup, port: channel.port2, done, spool, life: life.port2 } satisfies WorkerData,
      transferList: [channel.port2, life.port2],
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
  } catch (e) {
    releaseSpoolFile(spool);
    throw e;
  }
  worker.on('error', (e) => onError(e instanceof Error ? e.message : String(e)));
  worker.unref();
  let watchdog: Worker | undefined;
  return {
    worker,
    port: channel.port1,
    done,
    spool,
    awaitReply: () => awaitReply(done, channel.port1, WORKER_STALL_MS, () => (watchdog ??= watchWorker(life.port1, done))),
    stop() {
      void worker.terminate();
      void watchdog?.terminate();
      channel.port1.close();
      life.port1.close();
    },
  };
}

/** Closes a spool file reserved for a worker (`reserveSpoolFile`) that was not adopted, and removes what is left of it. */
export function releaseSpoolFile(spool: SharedSpoolFile | undefined): void {
  if (!spool) return;
  closeSync(spool.fd);
  rmSync(spool.dir, { recursive: true, force: true });
}

/**
 * A thread that sets `done[3]` and wakes the main thread when the worker's thread ends, however it
 * ends (an uncaught error, `process.exit`, out of memory): then `life`, the main thread's end of a
 * channel whose other end the worker holds, closes. The main thread, blocked in `awaitReply`, cannot
 * see it itself (its event loop does not turn); the watchdog's does. Started only when a wait lasts
 * (`WATCH_AFTER_MS`): a thread of its own costs a few MB.
 */
export function watchWorker(life: MessagePort, done: Int32Array): Worker {
  const watchdog = new Worker(WATCHDOG, {
    eval: true,
    workerData: { life, done },
    transferList: [life],
    resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 8 },
    stdout: false,
    stderr: false,
  });
  watchdog.unref();
  return watchdog;
}

// Listening keeps the port, and so the watchdog, alive until the worker's end closes it.
const WATCHDOG = `
const { workerData: { life, done } } = require('node:worker_threads');
life.on('close', () => {
  Atomics.store(done, 3, 1);
  Atomics.notify(done, 0);
});
life.on('message', () => {});
`;

/**
 * `bytes` in memory of their own, which a message can move to another thread: themselves when they
 * fill their memory, else a copy. A small read shares Node's buffer pool, which a move would take from
 * every buffer in it, and which a message that copies would copy whole.
 */
export function withOwnMemory(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  if (bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength)
    return bytes as Uint8Array<ArrayBuffer>;
  return new Uint8Array(bytes);
}

/**
 * After how many bytes of plainly walked files the main thread starts a worker, from
 * `SANCTUM_SCAN_THREADS` and the number of cores; undefined for one thread. `1`: one thread; `2`: a
 * worker from the first directory (two cores or more). Unset, the default: on two cores or more, the
 * main thread first looks ahead in the walk (`ScanThreads.lookAhead`): a tree with 8 MiB of files
 * for the worker (`LOOK_AHEAD_BYTES`) starts it with the first directory, as `2` does; a smaller one
 * gets a worker once the main thread has scanned 4 MiB (about 5,000 objects), so that a small tree,
 * done before a worker would have loaded, is not slowed by one. On two cores the second thread costs about
 * a quarter more CPU (its module load, compilation and heap) and V8's collector and compiler threads
 * share the cores with both; since the command line loads as a bundle the worker starts in a fraction
 * of the time it took, and the scan of a large tree is faster with it (bench/RESULTS.md).
 */
export function threadStart(setting: string | undefined, cores: number): number | undefined {
  if (cores < 2) return undefined;
  if (setting === undefined || setting === '') return DEFAULT_START_BYTES;
  return Number(setting) >= 2 ? 0 : undefined;
}

const DEFAULT_START_BYTES = 4 * 1024 * 1024;

/**
 * With the default (`DEFAULT_START_BYTES`), how far the main thread looks ahead in the walk before
 * it scans: a tree with this much for a worker starts it with the first directory. 8 MiB is about
 * 13,000 objects of dense manifests, some 1.5–2 s of one thread's scan on two cores, against the
 * worker's fixed cost of about 0.5 s of CPU on its thread (start, modules, warm-up) and 1 s of
 * compiles on V8's (bench/RESULTS.md, session 19); a smaller tree keeps the 4 MiB rule.
 */
const LOOK_AHEAD_BYTES = 8 * 1024 * 1024;

/** What a file counts for in the worker's progress (`WorkerData.done[2]`): its size in KiB, rounded up. */
export function scanKib(size: number): number {
  return Math.ceil(size / 1024);
}

/** The most the worker is given beyond what it has scanned, in KiB: what the main thread may wait for at the end of the walk. */
const BACKLOG_MAX_KIB = 4096;

/**
 * Decides which thread takes a new directory: the worker, while what it has been sent and not yet
 * scanned is less than a directory of the mean size so far (at most 4 MiB); else the main thread,
 * and the worker's backlog keeps it busy meanwhile. The split so follows how fast each thread goes
 * (the worker starts later, the main thread also walks and sends), and when the walk ends the
 * worker has about one directory left to scan, not half the tree. Sizes count in `scanKib`.
 */
export class WorkerBacklog {
  private sentKib = 0;
  private seenKib = 0;
  private directories = 0;

  /** KiB of the files counted so far, either thread's. */
  get seen(): number {
    return this.seenKib;
  }

  /** True when the next directory should go to the worker, which has scanned `scannedKib` so far. */
  wantsMore(scannedKib: number): boolean {
    const mean = this.directories > 0 ? this.seenKib / this.directories : 0;
    this.directories++;
    const backlog = this.sentKib - scannedKib;
    return backlog <= 0 || backlog < Math.min(BACKLOG_MAX_KIB, mean);
  }

  /** Counts a file of a directory decided, sent to the worker or not. */
  file(size: number, toWorker: boolean): void {
    this.seenKib += scanKib(size);
    if (toWorker) this.sentKib += scanKib(size);
  }
}

/** How long the main thread waits for a reply before it starts the watchdog (`watchWorker`). */
export const WATCH_AFTER_MS = 1000;

/**
 * Blocks until a worker has replied on `port` (`done[0]` set), its thread has ended without a reply
 * (`done[3]`, set by the watchdog `watch` starts after `WATCH_AFTER_MS`), or it has taken no step
 * (`done[1]` unchanged) for `stallMs`: then it is given up for dead.
 */
export function awaitReply(done: Int32Array, port: MessagePort, stallMs = WORKER_STALL_MS, watch?: () => void): FromWorker {
  let steps = Atomics.load(done, 1);
  const began = Date.now();
  let since = began;
  let watching = watch === undefined;
  while (Atomics.load(done, 0) === 0 && Atomics.load(done, 3) === 0) {
    Atomics.wait(done, 0, 0, Math.min(watching ? 1000 : WATCH_AFTER_MS, stallMs));
    const now = Atomics.load(done, 1);
    if (!watching && Date.now() - began >= WATCH_AFTER_MS) {
      watching = true;
      watch!();
    }
    if (now !== steps) [steps, since] = [now, Date.now()];
    else if (Date.now() - since > stallMs)
      return { ok: false, message: `the worker thread took no step for ${formatWait(stallMs)} (it may have run out of memory)` };
  }
  // A worker that ends on an error says what it was before it ends (see scan-worker.ts).
  const reply = receiveMessageOnPort(port)?.message as FromWorker | undefined;
  if (reply) return reply;
  return {
    ok: false,
    message:
      Atomics.load(done, 0) === 0
        ? 'the worker thread stopped without a reply (it may have run out of memory)'
        : 'the worker thread stopped without a reply',
  };
}

function formatWait(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} minutes` : `${ms / 1000} s`;
}
