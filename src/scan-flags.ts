import { setFlagsFromString } from 'node:v8';

/**
 * V8 lets the old generation grow to about 2.5× the live heap between full collections. A streamed
 * scan keeps little alive (the spool's sort keys, one directory's documents: 60–90 MB at 50,000
 * objects) while it allocates gigabytes of short-lived text, so that headroom is most of its peak
 * memory; growing by half instead keeps a large scan, a worker thread's heap included, within the
 * budget of DESIGN.md for a few more full collections (cheap on a small live heap).
 */
const HEAP_GROWING_PERCENT = 50;

/**
 * TurboFan's budget for inlining into one optimized function, in bytes of bytecode (V8's default is
 * 920). Optimizing compiles on V8's platform threads, which share the cores with the scan (and with
 * a worker thread's scan). 10,000 objects, one thread, instructions with compilation on the main
 * thread (cachegrind, `--predictable`): 13.56 G at 920 (TurboFan 5.01 G), 12.57 G at 460, 12.08 G
 * at 230 (TurboFan 3.34 G), 11.96 G at 115. The code compiled at 230 runs about 4% more instructions
 * of JavaScript (0.1 G a scan); the main thread's work in warm rounds, compiling aside, 6.03 G at 920
 * and 5.98 G at 230. Process CPU, alternated pairs: 10,000 objects 3.27 -> 2.99 s (the main thread's
 * own +35 ms); 50,000 objects 10.10 -> 9.44 s. A worker compiles its hot functions again: at 50,000
 * objects 1.4–1.5 s of CPU a thread at 920, about 0.9 s at 230 (`perf record`). bench/RESULTS.md,
 * 2026-12-06.
 */
const INLINED_BYTECODE_BUDGET = 230;

/** Flags a streamed scan sets for the process, by name, with their values. */
const STREAMED_SCAN_FLAGS: ReadonlyArray<readonly [name: string, value: number]> = [
  ['heap-growing-percent', HEAP_GROWING_PERCENT],
  ['max-inlined-bytecode-size-cumulative', INLINED_BYTECODE_BUDGET],
];

/**
 * The V8 flags (`--name=value`) a streamed scan sets, leaving out those given on Node's command line
 * (`execArgv`): one chosen there, to measure a scan with V8's default for instance, stands
 * (`node --max-inlined-bytecode-size-cumulative=920 bin/sanctum scan …`; Node refuses both flags in
 * `NODE_OPTIONS`, so the command line is the only place to give them). V8 reads `_` in a flag's name
 * as `-`.
 */
export function streamedScanFlags(execArgv: readonly string[]): string[] {
  const given = new Set<string>();
  for (const arg of execArgv) {
    if (!arg.startsWith('--')) continue;
    const eq = arg.indexOf('=');
    const name = (eq < 0 ? arg.slice(2) : arg.slice(2, eq)).replaceAll('_', '-');
    given.add(name.startsWith('no-') ? name.slice(3) : name);
  }
  return STREAMED_SCAN_FLAGS.filter(([name]) => !given.has(name)).map(([name, value]) => `--${name}=${value}`);
}

let set = false;

/**
 * Sets `streamedScanFlags` for the process, once: a streamed scan (a tree, a live cluster) is the
 * CLI's batch job. A worker thread of the scan shares them (V8's flags are the process's).
 */
export function setStreamedScanFlags(): void {
  if (set) return;
  set = true;
  for (const flag of streamedScanFlags(process.execArgv)) setFlagsFromString(flag);
}
