import { expect } from 'vitest';

/**
 * Guards against quadratic (or worse) blow-ups by how the work grows, not by how fast it runs: the
 * CPU time of the work at size n and at size k·n, best of a few runs each. CPU time is the process's,
 * so other processes on a loaded machine do not count, and a ratio does not depend on the machine's
 * speed. For k = 4 linear work gives about 4 and quadratic about 16; the bound, 9, lies between.
 * CPU time still moves with what the process's other threads do meanwhile (the collector's and the
 * compiler's), so a ratio over the bound is measured again, at the same sizes, before the check fails:
 * linear work seldom goes over twice, quadratic work goes over every time. (Not at other sizes: a
 * larger one may cross an input limit that makes the work trivial, and pass what is quadratic below it.)
 * When n may not grow until the small run takes minMs, each run does the work several times, at both
 * sizes alike: a run of a few ms is mostly the timer's and the collector's noise (a scavenge falls in
 * the large run and not in the small one), which made linear work fail under load.
 * Speed itself is measured by `npm run bench`, never asserted in a test.
 */

/** Makes the input of size n (not timed) and returns the work to time on it. */
export type Sized = (n: number) => () => unknown;

export interface GrowthOptions {
  /** The factor between the small and the large size. */
  k?: number;
  /** The ratio of the large run's time to the small run's that fails the check. */
  below?: number;
  /** The CPU time the small run must take, doubling n until it does, so noise is small beside it. */
  minMs?: number;
  /** Runs of each size; the fastest counts. */
  runs?: number;
  /** The largest small size tried while doubling (1,024 n). If the work at k times it still takes less than minMs, it passes: too quick to matter there. */
  maxN?: number;
  /** How many times a ratio over the bound is measured again, at the same sizes, before the check fails. */
  confirmations?: number;
  /** The most times a run may do the work when n stops at maxN while the small run is under minMs. */
  maxRepeat?: number;
  /**
   * Fail, rather than pass unmeasured, when the small run (repeated up to maxRepeat times) stays under
   * minMs: for a check whose work is meant to be large enough to time (else it proves nothing).
   */
  requireMeasured?: boolean;
}

export interface Growth {
  /** The small size used (n may have been doubled to reach minMs). */
  n: number;
  k: number;
  /** How many times each run did the work (more than once when n stopped at maxN under minMs). */
  repeat: number;
  /** CPU time of the fastest run at n and at k·n, each of `repeat` times the work. */
  smallMs: number;
  largeMs: number;
  ratio: number;
}

/** CPU time (user and system, all threads of this process) of one run of work, in milliseconds. */
export function cpuMs(work: () => unknown): number {
  const before = process.cpuUsage();
  work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

const repeated = (work: () => unknown, times: number) =>
  times === 1
    ? work
    : () => {
        for (let i = 0; i < times; i++) work();
      };

export function measureGrowth(sized: Sized, n: number, options: GrowthOptions = {}): Growth {
  const { k = 4, below = 9, minMs = 50, runs = 3, maxN = n * 1024, maxRepeat = 64 } = options;
  const best = (work: () => unknown, count: number, enough = 0) => {
    let ms = Infinity;
    // Another process can only slow a run down: once a run is within what is asked, more would not change the verdict.
    for (let i = 0; i < count && ms >= enough; i++) ms = Math.min(ms, cpuMs(work));
    return ms;
  };
  // The first run of a size may include compiling the code: a size counts by its fastest run.
  let small = sized(n);
  let smallMs = best(small, Math.max(2, runs));
  while (smallMs < minMs && n * 2 <= maxN) {
    n *= 2;
    small = sized(n);
    smallMs = best(small, Math.max(2, runs));
  }
  const large = sized(k * n);
  if (smallMs < minMs) {
    // Work still under minMs at k·n passes however it grows (too quick to matter): repeating it would
    // only spend time, up to maxRepeat times, on a verdict already known. One run over minMs (the first
    // may compile) goes on to the repeated runs, which can still find it under minMs.
    const largeMs = cpuMs(large);
    if (largeMs < minMs) return { n, k, repeat: 1, smallMs, largeMs, ratio: largeMs / smallMs };
  }
  const repeat = smallMs >= minMs ? 1 : Math.min(maxRepeat, Math.ceil(minMs / smallMs));
  const smallWork = repeated(small, repeat);
  if (repeat > 1) smallMs = best(smallWork, Math.max(2, runs));
  const largeWork = repeated(large, repeat);
  // A large run over the bound is followed by a small one before the next large: a spell of load
  // (other processes slow this one's CPU too, through shared caches) then falls on both sizes alike.
  let largeMs = Infinity;
  for (let i = 0; i < runs; i++) {
    largeMs = Math.min(largeMs, cpuMs(largeWork));
    if (largeMs < below * smallMs || i === runs - 1) break;
    smallMs = Math.min(smallMs, cpuMs(smallWork));
  }
  return { n, k, repeat, smallMs, largeMs, ratio: largeMs / smallMs };
}

/** Fails the test when the work's CPU time grows by `below` (9) or more when its size grows k (4) times, at every size it is measured. */
export function expectLinearGrowth(sized: Sized, n: number, options: GrowthOptions = {}): Growth {
  const { below = 9, minMs = 50, confirmations = 2, requireMeasured = false } = options;
  const attempts: Growth[] = [];
  let g = measureGrowth(sized, n, options);
  if (requireMeasured)
    expect(
      g.smallMs,
      `the work is too quick to measure: n=${g.n}, ${g.smallMs.toFixed(1)} ms CPU` +
        `${g.repeat > 1 ? ` (the work ${g.repeat} times)` : ''}, under minMs (${minMs}); start from a larger n`,
    ).toBeGreaterThanOrEqual(minMs);
  for (;;) {
    if (g.largeMs / g.repeat < minMs || g.ratio < below) return g;
    attempts.push(g);
    if (attempts.length > confirmations) break;
    g = measureGrowth(sized, g.n, { ...options, maxN: g.n });
  }
  const figures = attempts
    .map(
      (g) =>
        `n=${g.n}: ${g.smallMs.toFixed(1)} ms CPU; ${g.k}n: ${g.largeMs.toFixed(1)} ms CPU` +
        `${g.repeat > 1 ? ` (each the work ${g.repeat} times)` : ''}; ratio ${g.ratio.toFixed(2)}`,
    )
    .join('; then ');
  const last = attempts[attempts.length - 1];
  expect(last.ratio, `CPU time grows faster than linear (${figures}; bound ${below})`).toBeLessThan(below);
  return last;
}
