import { describe, expect, it } from 'vitest';
import { MemorySourceFile } from '../../core/source-file.js';
import { getRegistry, scanSync } from '../../scan.js';

const scan = (path: string, content: string | Uint8Array) =>
  scanSync({ targets: [], files: [new MemorySourceFile(path, content)], scanners: ['code'], config: false });

describe('code parser on bad input', () => {
  it('reports a binary file with a source extension instead of skipping it', () => {
    const r = scan(
      'lib/model.py',
      new Uint8Array(2048).map((_, i) => i % 256),
    );
    expect(r.errors).toEqual([{ path: 'lib/model.py', message: 'binary content in a source file; not scanned as code' }]);
  });

  it('reports nesting too deep to analyse and goes on with the other rules', () => {
    // Across lines: a single line this long would be read as generated code and not parsed.
    const r = scan('deep.py', 'x = ' + '(\n'.repeat(20000) + 'llm.invoke(1)' + ')\n'.repeat(20000) + '\neval(x)\n');
    expect(r.errors.length).toBeGreaterThan(0);
    expect(r.errors.every((e) => e.path === 'deep.py' && /nesting too deep/.test(e.message))).toBe(true);
  });

  it('analyses what parses in a file with syntax errors', () => {
    const r = scan('broken.py', 'def f(:\n    pass\n\nimport yaml\ncfg = yaml.load(text)\n');
    expect(r.errors).toEqual([]);
    expect(r.findings.map((f) => [f.ruleId, f.location.startLine])).toEqual([['LLM-0006', 5]]);
  });

  it('leaves minified and generated code (bundle names, very long lines) to the secret scanner', () => {
    const call =
      'export async function show(openai, el, q) {\n  const r = await openai.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: q }] });\n  el.innerHTML = r.choices[0].message.content;\n}\n';
    const code = (path: string, text: string) =>
      scanSync({ targets: [], files: [new MemorySourceFile(path, text)], scanners: ['code'], config: false });
    expect(code('static/chat.js', call).findings.map((f) => f.ruleId)).toEqual(['LLM-0013']);
    const long = 'var a=' + '1+'.repeat(1000) + '1;\n' + call;
    for (const [path, text] of [
      ['static/chat.min.js', call],
      ['static/main.bundle.js', call],
      ['static/chat.chunk.mjs', call],
      ['static/chat.js', long],
    ]) {
      const r = code(path, text);
      expect(r.findings, path).toEqual([]);
      expect(r.errors, path).toEqual([]);
    }
    // The secret scanner still reads it whole.
    const key = getRegistry().get('private-key')!.meta.examples.bad[0].content as string;
    const secret = scanSync({
      targets: [],
      files: [new MemorySourceFile('static/chat.js', `${long}var k = \`${key}\`;\n`)],
      scanners: ['secrets'],
      config: false,
    });
    expect(secret.findings.map((f) => f.ruleId)).toContain(getRegistry().get('private-key')!.meta.id);
  });
});
