import { describe, expect, it } from 'vitest';
import { MemorySourceFile } from '../../../core/source-file.js';
import { CodeDocument } from '../../../parsers/code/code-document.js';
import { allCalls, calleeName, calleeText } from './syntax.js';

describe('calleeText', () => {
  it('reads a long chain of calls in linear time: a callee past 1,024 characters keeps only the member called', () => {
    // Found by the fuzzer: a training script whose repeated lines made one chain of calls; each
    // call's callee is the chain before it, and reading them whole ran out of memory on 1.9 MB.
    const n = 3000;
    const text = `rows = db.query(Item)${'.filter(a == 1)'.repeat(n)}.all()\nclient.chat.completions.create(model=m)\n`;
    const doc = new CodeDocument(new MemorySourceFile('chain.py', text), 'python');
    const calls = allCalls(doc.root, 'python');
    expect(calls).toHaveLength(n + 3);
    const texts = calls.map(calleeText);
    expect(texts.reduce((sum, t) => sum + t.length, 0)).toBeLessThan(n * 1100);
    expect(texts.filter((t) => t === '….filter')).toHaveLength(n - 67);
    expect(texts).toContain('….all');
    expect(texts.slice(0, 3)).toEqual(['….all', '….filter', '….filter']);
    expect(texts).toContain('db.query');
    expect(texts).toContain('db.query(Item).filter(a==1).filter');
    expect(texts).toContain('client.chat.completions.create');
    expect(calleeName(calls.find((c) => calleeText(c) === '….all')!)).toBe('all');
  });
});
