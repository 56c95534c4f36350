import { describe, expect, it } from 'vitest';
import { MemorySourceFile } from '../../core/source-file.js';
import { parseDockerfile } from './dockerfile-parser.js';

const parse = (text: string) => parseDockerfile(new MemorySourceFile('Dockerfile', text));

// As BuildKit's DirectiveParser (frontend/dockerfile/parser/directives.go) reads the lines that open the file.
describe('parser directives', () => {
  it('stops at a directive BuildKit does not know: an escape after it is a comment', () => {
    const doc = parse('# foo=bar\n# escape=`\nFROM a\nRUN echo a `\nUSER root\n');
    expect(doc.escapeChar).toBe('\\');
    expect(doc.directives).toEqual([]);
    expect(doc.instructions.map((i) => [i.keyword, i.line])).toEqual([
      ['FROM', 3],
      ['RUN', 4],
      ['USER', 5],
    ]);
  });

  it('reads known directives before it, with blanks around = and the value, and stops at a blank line', () => {
    const text = '\ufeff # syntax = docker/dockerfile:1.7 labs \r\n#ESCAPE=`\n\n# check=skip=all\nFROM a\n';
    const doc = parse(text);
    const read = doc.file.text();
    expect(doc.directives.map((d) => [d.name, d.value, read.slice(d.span.start, d.span.end)])).toEqual([
      ['syntax', 'docker/dockerfile:1.7 labs', '# syntax = docker/dockerfile:1.7 labs '],
      ['escape', '`', '#ESCAPE=`'],
    ]);
    expect(doc.escapeChar).toBe('`');
    expect(doc.errors).toEqual([]);
  });

  it('reports a directive given twice and an escape BuildKit rejects', () => {
    expect(parse('# escape=`\n# escape=\\\nFROM a\n').errors).toEqual([
      { message: 'only one escape parser directive can be used', line: 2 },
    ]);
    const bad = parse('# escape=x\nFROM a\n');
    expect(bad.errors).toEqual([{ message: 'invalid escape token: the escape directive takes ` or \\', line: 1 }]);
    expect(bad.escapeChar).toBe('\\');
  });
});
