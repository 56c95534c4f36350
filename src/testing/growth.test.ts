import { describe, expect, it } from 'vitest';
import { cpuMs, expectLinearGrowth, measureGrowth } from './growth.js';

const linearSum = (n: number) => () => {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.sqrt(i);
  return s;
};

const quadraticSum = (n: number) => () => {
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) s += Math.sqrt(j);
  return s;
};

describe('growth check', () => {
  it('counts CPU time, not time spent waiting', () => {
    const until = Date.now() + 100;
    const waited = cpuMs(() => {
      // Sleeps without spinning: Atomics.wait blocks the thread.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.max(0, until - Date.now()));
    });
    expect(waited).toBeLessThan(50);
  });

  it('accepts linear work', () => {
    const g = expectLinearGrowth(linearSum, 100_000);
    expect(g.n).toBeGreaterThan(100_000);
    expect(g.ratio).toBeGreaterThan(2);
  });

  it('does work too quick to time several times a run, at both sizes, when n may not grow', () => {
    // n such that one run takes about 40 ms here: under minMs (100), while 4n takes over it.
    let ms = Infinity;
    for (let i = 0; i < 3; i++) ms = Math.min(ms, cpuMs(linearSum(1_000_000)));
    const n = Math.round((1_000_000 * 40) / Math.max(ms, 0.1));
    const g = expectLinearGrowth(linearSum, n, { maxN: n, minMs: 100 });
    expect([g.n, g.repeat > 1, g.ratio > 2, g.ratio < 9]).toEqual([n, true, true, true]);
  });

  it('accepts work too quick to matter at k times the largest size (maxN) it may try, without repeating it', () => {
    const g = expectLinearGrowth((n) => () => n, 1);
    expect([g.n, g.repeat, g.largeMs < 50]).toEqual([1024, 1, true]);
  });

  it('with requireMeasured, fails work too quick to measure even repeated, rather than pass it', () => {
    expect(() => expectLinearGrowth((n) => () => n, 1, { requireMeasured: true })).toThrow(
      /the work is too quick to measure: n=1024, \d+\.\d ms CPU, under minMs \(50\); start from a larger n/,
    );
    expect(() => expectLinearGrowth((n) => () => n, 1, { maxN: 1, maxRepeat: 2, requireMeasured: true })).toThrow(
      /the work is too quick to measure: n=1, /,
    );
  });

  it('measures again at the same sizes when a run is slow for a reason that is not the work (a collection, a compile), and passes', () => {
    let spikedAt = 0;
    let previous = 0;
    const g = expectLinearGrowth(
      (n) => {
        const work = linearSum(n);
        // Only the first large size is slow, as a collection in the middle of it would make it.
        const large = n === 4 * previous && spikedAt === 0;
        if (large) spikedAt = previous;
        previous = n;
        return large ? () => (work(), linearSum(3 * n)()) : work;
      },
      400_000,
      { minMs: 20, runs: 2 },
    );
    expect([spikedAt > 0, g.n, g.ratio < 9]).toEqual([true, spikedAt, true]);
  });

  it('rejects quadratic work cut short by an input limit at larger sizes than it was measured at', () => {
    // Quadratic up to 32,000, then refused at once (as a parser refuses a file over its size limit):
    // measured again at twice the size, its large run would be over the limit, and pass.
    const capped = (n: number) => (n > 32_000 ? () => n : quadraticSum(n));
    expect(() => expectLinearGrowth(capped, 8_000, { runs: 1 })).toThrow(/CPU time grows faster than linear \(n=8000: /);
  });

  it('rejects quadratic work', () => {
    expect(() => expectLinearGrowth(quadraticSum, 3_200, { maxN: 3_200, runs: 2, maxRepeat: 2 })).toThrow(
      /CPU time grows faster than linear \(n=3200: .* ratio \d+\.\d\d; then n=3200: .*; then n=3200: .* ratio \d+\.\d\d; bound 9\)/,
    );
  });

  it('rejects a regular expression that tries each start to the end of the text (quadratic), accepts one that does not', () => {
    // The largest ratio of up to three measurements: the process's other threads (the collector's, the
    // compiler's, still busy with the runner's start-up on a loaded machine) count in the small run's CPU
    // time, which once brought this work's ratio (16 unloaded) to 8.8. Each must be measured (a run of a
    // few microseconds gives any ratio): linear work would give about 4 every time.
    let ratio = 0;
    for (let i = 0; i < 3 && ratio <= 9; i++) {
      const g = measureGrowth((n) => () => /a*c/.test('a'.repeat(n)), 8_000, { maxN: 8_000, maxRepeat: 2 });
      expect(g.smallMs).toBeGreaterThan(10);
      ratio = Math.max(ratio, g.ratio);
    }
    expect(ratio).toBeGreaterThan(9);
    expectLinearGrowth((n) => () => /ca*/.test('a'.repeat(n)), 100_000);
  });
});
