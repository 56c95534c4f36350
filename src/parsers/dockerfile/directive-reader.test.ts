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

  // Parse trims each line of unicode.IsSpace before `#`, and ParseLine the text after it: Go's set,
  // which has U+0085 and not U+FEFF (JavaScript's \s is the other way round).
  it("takes the blanks around # as Go's unicode.IsSpace", () => {
    const lines = (doc: ReturnType<typeof parse>) => doc.instructions.map((i) => [i.keyword, i.line]);
    const formFeed = parse('\f# escape=`\nFROM a\nRUN echo a `\nUSER root\n');
    expect([formFeed.escapeChar, formFeed.directives.map((d) => [d.name, d.span])]).toEqual(['`', [['escape', { start: 1, end: 11 }]]]);
    expect(lines(formFeed)).toEqual([
      ['FROM', 2],
      ['RUN', 3],
    ]);
    expect(parse('#\u0085escape=`\nFROM a\n').escapeChar).toBe('`');
    expect(parse('#\vescape=`\nFROM a\n').escapeChar).toBe('`');
    const bom = parse('#\ufeffescape=`\nFROM python:3.12\nENV A=1 \\\n    LD_PRELOAD=/opt/evil.so\n');
    expect(bom.escapeChar).toBe('\\');
    expect(bom.instructions[1].properties.map((p) => [p.name, p.value])).toEqual([
      ['A', '1'],
      ['LD_PRELOAD', '/opt/evil.so'],
    ]);
  });
});
