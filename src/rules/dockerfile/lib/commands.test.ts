import { describe, expect, it } from 'vitest';
import { programFamily } from './commands.js';

describe('programFamily', () => {
  it('drops a version and variables from the end of a program name', () => {
    expect(['python3.11', 'pip3', 'python${PYTHON_VERSION}', 'curl', 'x264'].map(programFamily)).toEqual([
      'python',
      'pip',
      'python',
      'curl',
      'x',
    ]);
  });

  it('reads a long run of digits that does not end the name in one pass (a trailing-run pattern was tried from every digit)', () => {
    const program = '0'.repeat(300_000) + 'sh';
    expect(programFamily(program)).toBe(program);
    expect(programFamily('7'.repeat(300_000))).toBe('');
  });
});
