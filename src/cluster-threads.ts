import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { debuglog } from 'node:util';
import type { EngineResult } from './core/engine.js';
import type { SourceFile } from './core/source-file.js';
import type { ClusterRef } from './core/types.js';
import { usableCpus } from './cpu-limit.js';
import type { SharedSpoolFile, SpoolExport } from './reporters/json-spool.js';
import type { OpenScan, ScanOptions } from './scan.js';
import {
  clock,
  debugging,
  mergeReply,
  otherThreadsCpu,
  PHASE_FILE,
  PHASE_WALK,
  releaseSpoolFile,
  scanKib,
  startScanWorker,
  threadStart,
  type StartedWorker,
  WORKER,
  type ScanPart,
  type ScanStep,
  threadCpu,
  threadId,
  type ToWorker,
} from './scan-threads.js';

const debug = debuglog('sanctum');

/**
 * The most the worker is given beyond what it has scanned, in KiB (about a thousand objects, a tenth
 * of a second of its work): past it, the main thread scans the next objects itself.
 */
const BACKLOG_MAX_KIB = 1024;
/** Objects per message to the worker; fewer are sent when the event loop turns (a page awaited). */
const BATCH = 32;

/**
 * Options of a cluster scan that stay on the main thread: callbacks, sources of files and what only a
 * file scan reads (ignore files, Helm values, shards). Every other option of `ScanOptions` must be
 * handed to the worker, so that a new option fails to compile until it is placed on one side.
 */
type MainThreadOption =
  'includeIgnored' | 'vulnerabilities' | 'helmValues' | 'helmSet' | 'shard' | 'extraRules' | 'onFile' | 'onRules' | 'onSet' | 'onNotice';

/** The options `ClusterThreads.for` gives the worker: each one named, even when it is undefined. */
type WorkerScanOptions = {
  [K in Exclude<keyof ScanOptions, MainThreadOption>]-?: object extends Pick<ScanOptions, K> ? ScanOptions[K] | undefined : ScanOptions[K];
};

/**
 * A cluster scan on two threads. The cross-object rules read a cluster's objects together (the whole
 * cluster is one set, see `k8sSet`), so they run on the main thread, which keeps every object's
 * documents: those of the objects a worker scans too (`OpenScan.collect`: parsed and compacted as a
 * scan keeps them, no rule run). The worker runs the rules of each object it is sent (the object's
 * text), spools their findings and runs no cross-object rule; the main thread lists, scans the objects
 * it keeps, and hands the worker an object whenever its backlog is short, so that each thread does
 * what it can. The reports are those of one thread: findings are ordered when the report is written,
 * fingerprints count per object (a set rule is not an object's rule), and errors are put back in the
 * order of the objects (`mergeReply`).
 */
export class ClusterThreads {
  private worker: StartedWorker | undefined;
  private steps: ScanStep[] = [];
  private flushQueued = false;
  private index = 0;
  /** `3 × index + phase` of each error of the main thread, in its order. */
  private readonly keys: number[] = [];
  private sentKib = 0;
  private delegatedCount = 0;
  /** The worker's spool file, open here until it is adopted (see `WorkerData.spool`). */
  private reserved: SharedSpoolFile | undefined;
  /** What the worker failed with, when it threw an error it did not catch (see `startScanWorker`). */
  private failure: string | undefined;
  /** With `NODE_DEBUG=sanctum`: when (`clock`) the worker started and the listing ended, and the main thread's CPU then (`threadCpu`). */
  private readonly times = { started: 0, listed: 0 };
  private readonly cpu = debugging() ? { tid: threadId(), started: 0, listed: 0, others: 0 } : undefined;

  private constructor(
    private readonly opts: ScanOptions,
    private readonly ref: ClusterRef,
    private readonly adopt: (spool: SpoolExport, worst: number) => void,
    private untilStart: number,
  ) {}

  /**
   * Threads for a streamed cluster scan when `threadStart` says so (two cores or more, after 4 MiB
   * of objects by default; `SANCTUM_SCAN_THREADS=1` keeps one thread), and the built worker exists.
   */
  static for(opts: ScanOptions, ref: ClusterRef, adopt: (spool: SpoolExport, worst: number) => void): ClusterThreads | undefined {
    if (opts.onFile || opts.onSet || opts.vulnerabilities || opts.extraRules) return undefined;
    const startAfter = threadStart(process.env.SANCTUM_SCAN_THREADS, usableCpus());
    if (startAfter === undefined || !existsSync(fileURLToPath(WORKER))) return undefined;
    // What sets the worker's scan up as the main thread's: the options that can cross threads (no callbacks, connection or sources).
    const o = opts;
    const workerOpts: WorkerScanOptions = {
      targets: o.targets,
      cwd: o.cwd ?? process.cwd(),
      scanners: o.scanners,
      frameworks: o.frameworks,
      rules: o.rules,
      skipRules: o.skipRules,
      config: o.config,
      baseline: o.baseline,
      limits: o.limits,
      strictModels: o.strictModels,
      today: o.today,
      policies: o.policies,
      files: [],
      renderers: false,
    };
    return new ClusterThreads(workerOpts, ref, adopt, startAfter);
  }

  /** True once a worker was started: the scan must then be finished with `end` and `merge`. */
  get started(): boolean {
    return this.worker !== undefined;
  }

  /** Scans a cluster object here, or keeps its documents here and sends it to the worker. */
  scan(file: SourceFile, run: OpenScan): void {
    // The objects it was sent are not scanned: the scan fails, and stops listing.
    if (this.failure !== undefined) throw new Error(`scan worker failed: ${this.failure}`);
    this.tag(run, PHASE_WALK);
    if (this.delegated(file, run)) {
      const text = file.text();
      run.collect(file);
      this.send({ index: this.index, path: file.path, size: file.size, text });
    } else {
      run.scanFile(file);
      this.tag(run, PHASE_FILE);
    }
    this.index++;
  }

  /** The listing is over: the worker is sent what is left and told the end. */
  end(run: OpenScan): ScanPart {
    this.tag(run, PHASE_WALK);
    this.times.listed = clock();
    if (this.cpu) this.cpu.listed = threadCpu();
    this.worker!.port.postMessage({ steps: this.steps, end: this.index } satisfies ToWorker);
    this.steps = [];
    return { end: this.index };
  }

  /** Waits for the worker and adds what it found to `result` (the main thread's, its cross-object rules run). */
  merge(result: EngineResult, part: ScanPart, run: OpenScan): void {
    if (this.failure !== undefined) throw new Error(`scan worker failed: ${this.failure}`);
    const worker = this.worker!;
    const waitStarted = clock();
    const cpuWaitStarted = this.cpu && threadCpu();
    const reply = worker.awaitReply();
    const received = clock();
    const cpuReceived = this.cpu && { main: threadCpu(), others: otherThreadsCpu([this.cpu.tid, reply.ok ? (reply.times.tid ?? NaN) : NaN]) };
    worker.stop();
    this.worker = undefined;
    if (!reply.ok) throw new Error(`scan worker failed: ${reply.message}`);
    debug(
      'cluster scan: the worker thread scanned %d of %d objects (%d findings spooled), waiting %d ms for objects',
      this.delegatedCount,
      part.end,
      reply.spool.path.length,
      Math.round(reply.idleMs),
    );
    const at = (t: number): number => Math.round(t - this.times.started);
    debug(
      'cluster scan: ms from the start of the worker: its modules loaded %d, its first objects %d; listing done %d; cross-object rules done %d; its last object %d, its reply ready %d, received %d',
      at(reply.times.loaded),
      at(reply.times.firstFiles),
      at(this.times.listed),
      at(waitStarted),
      at(reply.times.lastFile),
      at(reply.times.replied),
      at(received),
    );
    if (this.cpu && cpuWaitStarted !== undefined && cpuReceived && reply.times.cpu) {
      const w = reply.times.cpu;
      debug(
        'cluster scan: CPU ms, main thread: beside the worker %d, cross-object rules %d, waiting for it %d; worker thread: its start and modules %d, its objects %d, finishing %d; other threads (V8 compiler and collector, libuv) from the start of the worker to its reply %d',
        this.cpu.listed - this.cpu.started,
        cpuWaitStarted - this.cpu.listed,
        cpuReceived.main - cpuWaitStarted,
        w.loaded,
        w.lastFile - w.firstFiles,
        w.replied - w.lastFile,
        cpuReceived.others - this.cpu.others,
      );
    }
    this.adopt({ ...reply.spool, fd: this.reserved!.fd }, reply.worst);
    this.reserved = undefined;
    // A suppression on an object of the worker may cover its own findings and the cross-object rules' here: said once.
    run.settleHygiene(reply.hygiene);
    mergeReply(result, reply, this.keys, part.end, run);
  }

  /** Stops the worker and removes what it left. */
  close(): void {
    this.worker?.stop();
    this.worker = undefined;
    releaseSpoolFile(this.reserved);
    this.reserved = undefined;
  }

  private tag(run: OpenScan, phase: number): void {
    while (this.keys.length < run.errors.length) this.keys.push(3 * this.index + phase);
  }

  /** True when the worker takes `file`: started, and with less than `BACKLOG_MAX_KIB` not scanned yet. */
  private delegated(file: SourceFile, run: OpenScan): boolean {
    if (!this.worker) {
      if (this.untilStart > 0) {
        this.untilStart -= file.size;
        return false;
      }
      this.start(run.today);
    }
    if (this.sentKib - Atomics.load(this.worker!.done, 2) >= BACKLOG_MAX_KIB) return false;
    this.sentKib += scanKib(file.size);
    this.delegatedCount++;
    return true;
  }

  private start(today: string): void {
    this.times.started = clock();
    if (this.cpu) [this.cpu.started, this.cpu.others] = [threadCpu(), otherThreadsCpu([this.cpu.tid])];
    this.worker = startScanWorker({ opts: { ...this.opts, today }, cluster: this.ref }, (message) => (this.failure ??= message));
    this.reserved = this.worker.spool;
    debug('cluster scan: a worker thread takes objects');
  }

  /** Queues an object: sent in messages of up to `BATCH`, or when the event loop next turns (a page awaited). */
  private send(step: ScanStep): void {
    this.steps.push(step);
    if (this.steps.length >= BATCH) this.flush();
    else if (!this.flushQueued) {
      this.flushQueued = true;
      setImmediate(() => {
        this.flushQueued = false;
        if (this.worker && this.steps.length > 0) this.flush();
      });
    }
  }

  private flush(): void {
    this.worker!.port.postMessage({ steps: this.steps } satisfies ToWorker);
    this.steps = [];
  }
}
