import { describe, expect, it } from 'vitest';
import { streamedScanFlags } from './scan-flags.js';

describe('streamedScanFlags: the V8 flags a streamed scan sets', () => {
  it('sets a compact heap and a smaller inlining budget by default', () => {
    expect(streamedScanFlags([])).toEqual(['--heap-growing-percent=50', '--max-inlined-bytecode-size-cumulative=230']);
  });

  it("leaves out a flag given on Node's command line, by either spelling of its name", () => {
    expect(streamedScanFlags(['--max-inlined-bytecode-size-cumulative=920'])).toEqual(['--heap-growing-percent=50']);
    expect(streamedScanFlags(['--max_inlined_bytecode_size_cumulative=920'])).toEqual(['--heap-growing-percent=50']);
    expect(streamedScanFlags(['--heap-growing-percent', '100', '--cpu-prof'])).toEqual(['--max-inlined-bytecode-size-cumulative=230']);
  });

  it('keeps both for unrelated arguments and flags that only share a prefix', () => {
    expect(streamedScanFlags(['--max-inlined-bytecode-size=460', '--heap-growing-percentage=1', 'script.js', '-e'])).toEqual([
      '--heap-growing-percent=50',
      '--max-inlined-bytecode-size-cumulative=230',
    ]);
  });
});
