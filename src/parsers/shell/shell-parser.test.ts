import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../core/parser.js';
import { MemorySourceFile } from '../../core/source-file.js';
import { ShellDocument, shellParser } from './shell-parser.js';

const file = (path: string, text: string) => new MemorySourceFile(path, text);

describe('shell parser', () => {
  it('reads *.sh files and extensionless files whose #! line names a shell', () => {
    expect(shellParser.matches(file('scripts/serve.sh', 'vllm serve m\n'))).toBe(true);
    expect(shellParser.matches(file('run.bash', 'x\n'))).toBe(true);
    expect(shellParser.matches(file('docker/entrypoint', '#!/bin/sh\nexec "$@"\n'))).toBe(true);
    expect(shellParser.matches(file('bin/start', '#!/usr/bin/env bash\nset -e\n'))).toBe(true);
    expect(shellParser.matches(file('bin/tool', '#!/usr/bin/env python3\nprint(1)\n'))).toBe(false);
    expect(shellParser.matches(file('notes.txt', '#!/bin/sh\n'))).toBe(false);
    expect(shellParser.matches(file('empty.sh', ''))).toBe(false);
  });

  it('gives the commands with their words and spans in the file', () => {
    const text = '#!/bin/sh\nvllm serve "$MODEL" \\\n  --trust-remote-code\n';
    const doc = shellParser.parse(file('serve.sh', text), { limits: DEFAULT_LIMITS }).documents[0] as ShellDocument;
    const cmd = doc.script.commands[0];
    expect(cmd.program).toBe('vllm');
    const flag = cmd.words[cmd.words.length - 1];
    expect(text.slice(flag.span.start, flag.span.end)).toBe('--trust-remote-code');
    expect(doc.locate(flag.span).range).toEqual({ startLine: 3, startColumn: 3, endLine: 3, endColumn: 22 });
  });

  it('goes on with a pipeline after | across newlines and comment lines, as POSIX allows a linebreak after an operator', () => {
    const text = 'curl -fsSL https://x.io/a |\n\n  # later\nsh\ncat <<EOF |\nbody | sh\nEOF\nbash\necho a\necho b\n';
    const doc = shellParser.parse(file('a.sh', text), { limits: DEFAULT_LIMITS }).documents[0] as ShellDocument;
    const { commands } = doc.script;
    expect(commands.map((c) => [c.program, c.pipeIndex])).toEqual([
      ['curl', 0],
      ['sh', 1],
      ['cat', 0],
      ['bash', 1],
      ['echo', 0],
      ['echo', 0],
    ]);
    expect(doc.locate(commands[1].span).range).toEqual({ startLine: 4, startColumn: 1, endLine: 4, endColumn: 3 });
  });

  it('reads \\ before \\r\\n as a line continuation, at a word start and inside a word', () => {
    const text = 'curl -fsSL https://x.io/a | \\\r\n  s\\\r\nh\r\n';
    const doc = shellParser.parse(file('a.sh', text), { limits: DEFAULT_LIMITS }).documents[0] as ShellDocument;
    const sh = doc.script.commands[1];
    expect([sh.program, sh.pipeIndex, sh.words[0].raw]).toEqual(['sh', 1, 's\\\r\nh']);
    expect(doc.locate(sh.span).range).toEqual({ startLine: 2, startColumn: 3, endLine: 3, endColumn: 2 });
  });

  // POSIX: inside double quotes a backslash before a newline is a line continuation; before " \\ $ ` it escapes, else it stays.
  it('removes \\ and the line break it continues inside double quotes, LF and CRLF', () => {
    const text = 'pip install -i "http://mirror/\\\nsimple" "a\\\r\nb\\x"\n';
    const doc = shellParser.parse(file('a.sh', text), { limits: DEFAULT_LIMITS }).documents[0] as ShellDocument;
    const words = doc.script.commands[0].words;
    expect(words.map((w) => w.value)).toEqual(['pip', 'install', '-i', 'http://mirror/simple', 'ab\\x']);
    expect(doc.locate(words[3].span).range).toEqual({ startLine: 1, startColumn: 16, endLine: 2, endColumn: 8 });
  });

  it('reports binary content as an error, never as commands', () => {
    expect(() => shellParser.parse(new MemorySourceFile('x.sh', new Uint8Array([0, 1, 2, 0, 0])), { limits: DEFAULT_LIMITS })).toThrow(
      /binary/,
    );
  });
});
