import { describe, expect, it } from 'vitest';
import { MemorySourceFile } from '../../core/source-file.js';
import { scanSync } from '../../scan.js';

const scan = (path: string, content: string | Uint8Array) =>
  scanSync({ targets: [], files: [new MemorySourceFile(path, content)], scanners: ['code'], config: false });

describe('code parser on bad input', () => {
  it('reports a binary file with a source extension instead of skipping it', () => {
    const r = scan('lib/model.py', new Uint8Array(2048).map((_, i) => i % 256));
    expect(r.errors).toEqual([{ path: 'lib/model.py', message: 'binary content in a source file; not scanned as code' }]);
  });

  it('reports nesting too deep to analyse and goes on with the other rules', () => {
    const r = scan('deep.py', 'x = ' + '('.repeat(20000) + 'llm.invoke(1)' + ')'.repeat(20000) + '\neval(x)\n');
    expect(r.errors.length).toBeGreaterThan(0);
    expect(r.errors.every((e) => e.path === 'deep.py' && /nesting too deep/.test(e.message))).toBe(true);
  });

  it('analyses what parses in a file with syntax errors', () => {
    const r = scan('broken.py', 'def f(:\n    pass\n\nimport yaml\ncfg = yaml.load(text)\n');
    expect(r.errors).toEqual([]);
    expect(r.findings.map((f) => [f.ruleId, f.location.startLine])).toEqual([['LLM-0006', 5]]);
  });
});
