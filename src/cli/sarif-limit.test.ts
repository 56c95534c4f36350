import { describe, expect, it } from 'vitest';
import { getRegistry } from '../scan.js';
import { realResult } from '../reporters/testing/fixtures.js';
import { GITHUB_SARIF_MAX_RESULTS, writeOutputs } from './main.js';

class Sink {
  data = '';
  isTTY = false;
  write(s: string): boolean {
    this.data += s;
    return true;
  }
}

describe('SARIF over GitHub code scanning limit', () => {
  const write = (count: number, quiet: boolean, high = count) => {
    const result = realResult();
    const one = { ...result.findings[0]!, severity: 'high' as const };
    const low = { ...result.findings[0]!, severity: 'low' as const };
    const findings = Array.from({ length: count }, (_, i) => (i < high ? one : low));
    const stdout = new Sink();
    const stderr = new Sink();
    const io = { stdout: stdout as unknown as NodeJS.WriteStream, stderr: stderr as unknown as NodeJS.WriteStream };
    writeOutputs({ ...result, findings }, [{ format: 'sarif' }], {
      rules: getRegistry().rules,
      failOn: 'high',
      flags: { quiet, color: false },
      io,
      cwd: process.cwd(),
    });
    return { results: JSON.parse(stdout.data).runs[0].results.length as number, stderr: stderr.data };
  };

  it('warns on stderr when a run has more results than code scanning takes; the report is written whole', () => {
    const over = write(GITHUB_SARIF_MAX_RESULTS + 2, false);
    expect(over.results).toBe(GITHUB_SARIF_MAX_RESULTS + 2);
    expect(over.stderr).toBe(
      'sanctum: the SARIF report has 25002 results; GitHub code scanning rejects a run of more than 25000 (-q keeps only the findings at or above --fail-on)\n',
    );
    // -q keeps the 25,001 high ones: still over.
    expect(write(GITHUB_SARIF_MAX_RESULTS + 2, true, GITHUB_SARIF_MAX_RESULTS + 1).stderr).toContain('has 25001 results');
    expect(write(GITHUB_SARIF_MAX_RESULTS, false).stderr).toBe('');
    // Half of them fail at high: under the limit with -q.
    expect(write(GITHUB_SARIF_MAX_RESULTS + 10, true, 100).stderr).toBe('');
  });
});
