import { describe, expect, it } from 'vitest';
import { readArguments, readInstructions } from './instruction-reader.js';

// Expected offsets are what dockerfile-ast 0.7.1 returned for the same text (instruction ranges,
// getRawArguments, getHeredocs), except that arguments stop where the here-document bodies begin.
const instructions = (text: string, escape = '\\') =>
  readInstructions(text, escape).map((i) => [i.keyword, i.start, i.keywordEnd, i.lineEnd, i.end]);
const args = (text: string, escape = '\\') => {
  const runs = readInstructions(text, escape).filter((i) => i.keyword === 'RUN');
  return runs.map((r) => readArguments(text, r.keywordEnd, r.lineEnd, escape).map((a) => [a.value, a.span.start, a.span.end]));
};
const heredocs = (text: string) =>
  readInstructions(text, '\\').flatMap((i) => i.heredocs.map((h) => [h.name, text.slice(h.span.start, h.span.end), h.contentSpan]));

describe('Dockerfile instruction reader', () => {
  it('joins continuation lines', () => {
    const text = 'FROM a:1\nRUN apt-get update \\\n  && apt-get install -y curl\nUSER app\n';
    expect(instructions(text)).toEqual([
      ['FROM', 0, 4, 8, 8],
      ['RUN', 9, 12, 58, 58],
      ['USER', 59, 63, 67, 67],
    ]);
    expect(args(text)).toEqual([
      [
        ['apt-get', 13, 20],
        ['update', 21, 27],
        ['&&', 32, 34],
        ['apt-get', 35, 42],
        ['install', 43, 50],
        ['-y', 51, 53],
        ['curl', 54, 58],
      ],
    ]);
  });

  it('skips comment and blank lines inside a continuation, as BuildKit does', () => {
    const text = 'FROM a:1\nRUN echo a \\\n# a comment \\\n  # indented\n\n  b\nUSER app\n';
    expect(instructions(text)).toEqual([
      ['FROM', 0, 4, 8, 8],
      ['RUN', 9, 12, 53, 53],
      ['USER', 54, 58, 62, 62],
    ]);
    expect(args(text)).toEqual([
      [
        ['echo', 13, 17],
        ['a', 18, 19],
        ['b', 52, 53],
      ],
    ]);
  });

  it('follows the escape directive: a backtick continues lines, a backslash is text', () => {
    const text = '# escape=`\nFROM a:1\nRUN echo C:\\dir `\n  next\nUSER app\n';
    expect(instructions(text, '`')).toEqual([
      ['FROM', 11, 15, 19, 19],
      ['RUN', 20, 23, 44, 44],
      ['USER', 45, 49, 53, 53],
    ]);
    expect(args(text, '`')).toEqual([
      [
        ['echo', 24, 28],
        ['C:\\dir', 29, 35],
        ['next', 40, 44],
      ],
    ]);
  });

  it('keeps a word cut by a continuation whole unless the next line is indented, and drops escapes but before $', () => {
    expect(args('RUN a\\\nb c\\\n  d e\\$f g\\h --x=1\n')).toEqual([
      [
        ['ab', 4, 8],
        ['c', 9, 10],
        ['d', 14, 15],
        ['e\\$f', 16, 20],
        ['gh', 21, 24],
        ['--x=1', 25, 30],
      ],
    ]);
  });

  it('reads here-document bodies up to their delimiter lines, tab-indented ones for <<-', () => {
    const text = 'FROM a:1\nRUN <<EOF bash\nset -e\n  EOF\ncurl x | sh\nEOF\nRUN <<-A cat <<"B"\n\tone\n\tA\ntwo\nB\nUSER app\n';
    expect(instructions(text)).toEqual([
      ['FROM', 0, 4, 8, 8],
      ['RUN', 9, 12, 23, 52],
      ['RUN', 53, 56, 71, 85],
      ['USER', 86, 90, 94, 94],
    ]);
    expect(heredocs(text)).toEqual([
      ['EOF', '<<EOF', { start: 24, end: 48 }],
      ['A', '<<-A', { start: 72, end: 76 }],
      ['B', '<<"B"', { start: 80, end: 83 }],
    ]);
    expect(args(text)).toEqual([
      [
        ['<<EOF', 13, 18],
        ['bash', 19, 23],
      ],
      [
        ['<<-A', 57, 61],
        ['cat', 62, 65],
        ['<<"B"', 66, 71],
      ],
    ]);
  });

  it('reads here-documents of COPY and ONBUILD, an empty body and one left open', () => {
    const text = 'COPY <<EOF /a\nx\nEOF\nONBUILD RUN <<EOF\nEOF\nRUN <<EOF\nRUN y\n';
    expect(instructions(text)).toEqual([
      ['COPY', 0, 4, 13, 19],
      ['ONBUILD', 20, 27, 37, 41],
      ['RUN', 42, 45, 51, 58],
    ]);
    expect(heredocs(text)).toEqual([
      ['EOF', '<<EOF', { start: 14, end: 15 }],
      ['EOF', '<<EOF', null],
      ['EOF', '<<EOF', { start: 52, end: 58 }],
    ]);
  });

  it('handles CRLF line ends: a body ends before the line break, the line break is no argument', () => {
    const text = 'FROM a:1\r\nRUN echo a \\\r\n  b\r\nRUN <<EOF\r\necho x\r\nEOF\r\nUSER app\r\n';
    expect(instructions(text)).toEqual([
      ['FROM', 0, 4, 8, 8],
      ['RUN', 10, 13, 27, 27],
      ['RUN', 29, 32, 38, 51],
      ['USER', 53, 57, 61, 61],
    ]);
    expect(args(text)).toEqual([
      [
        ['echo', 14, 18],
        ['a', 19, 20],
        ['b', 26, 27],
      ],
      [['<<EOF', 33, 38]],
    ]);
    expect(heredocs(text)).toEqual([['EOF', '<<EOF', { start: 40, end: 46 }]]);
  });

  it('finds here-documents in words BuildKit splits with shell quoting: not inside quotes, with a descriptor', () => {
    const quoted = 'FROM a\nRUN echo "use <<EOF now" \'x <<A\' \\"<<B \\<<C\nUSER root\n';
    expect(instructions(quoted)).toEqual([
      ['FROM', 0, 4, 6, 6],
      ['RUN', 7, 10, 50, 50],
      ['USER', 51, 55, 60, 60],
    ]);
    expect(heredocs(quoted)).toEqual([]);
    const text = 'RUN cat 0<<EOF >/m "a"<<B "b" <<-\'C\' 1<<"D" 2<< x<<E <<<F\nx\nEOF\nB\n\tC\nD\n';
    expect(heredocs(text)).toEqual([
      ['EOF', '0<<EOF', { start: 58, end: 59 }],
      ['C', "<<-'C'", { start: 64, end: 65 }],
      ['D', '1<<"D"', null],
    ]);
    expect(instructions(text)).toEqual([['RUN', 0, 3, 57, 70]]);
  });

  it('starts no argument at an escaped blank before the first word of a continuation line', () => {
    // RUN \⏎    \ jupyter lab: the escaped blank opens nothing; the first word is `jupyter`.
    expect(args('RUN \\\n    \\ jupyter lab\n')).toEqual([
      [
        ['jupyter', 12, 19],
        ['lab', 20, 23],
      ],
    ]);
    expect(args('RUN `\n    ` jupyter lab\n', '`')).toEqual([
      [
        ['jupyter', 12, 19],
        ['lab', 20, 23],
      ],
    ]);
  });

  it('takes an escape right after an escape at the end of a line for text, as BuildKit does: the next line is an instruction', () => {
    // BuildKit's continuation is `([^\\])\\[ \t]*$` with the escape character: a backslash before a backtick does not count.
    const text = 'FROM a\nENV TRAIL=a\\\\\nUSER root\nRUN b \\\\  \nRUN c\\\\\\\nUSER x\n';
    expect(instructions(text)).toEqual([
      ['FROM', 0, 4, 6, 6],
      ['ENV', 7, 10, 20, 20],
      ['USER', 21, 25, 30, 30],
      ['RUN', 31, 34, 41, 41],
      ['RUN', 42, 45, 50, 50],
      ['USER', 51, 55, 57, 57],
    ]);
    expect(instructions('FROM a\nENV T=a``\nUSER root\nENV U=a\\`\nUSER app\n', '`')).toEqual([
      ['FROM', 0, 4, 6, 6],
      ['ENV', 7, 10, 16, 16],
      ['USER', 17, 21, 26, 26],
      ['ENV', 27, 30, 45, 45],
    ]);
  });

  it('skips a byte order mark, comment lines and blank lines between instructions', () => {
    expect(instructions('\ufeff# syntax=x\n\n  # c\n\tRUN a\nrun\n')).toEqual([
      ['RUN', 20, 23, 25, 25],
      ['run', 26, 29, 29, 29],
    ]);
  });
});
