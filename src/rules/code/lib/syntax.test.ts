import { describe, expect, it } from 'vitest';
import { MemorySourceFile } from '../../../core/source-file.js';
import { CodeDocument } from '../../../parsers/code/code-document.js';
import { allCalls, calleeName, calleeText, hasSpreadArgs, namedArg, positional } from './syntax.js';

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

  it('keeps the member accesses of a long callee back to the call before them', () => {
    const key = 'k'.repeat(1100);
    const text = `r = OpenAI(api_key="${key}").chat.completions.create(model=m)\nx = f(a="${key}")[0].b.c()\n`;
    const doc = new CodeDocument(new MemorySourceFile('long.py', text), 'python');
    const texts = allCalls(doc.root, 'python').map(calleeText);
    expect(texts).toEqual(['….chat.completions.create', 'OpenAI', '….b.c', 'f']);
    const js = new CodeDocument(
      new MemorySourceFile('long.ts', `new OpenAI({ apiKey: "${key}" }).chat.completions?.create({});\n`),
      'typescript',
    );
    expect(allCalls(js.root, 'js').map(calleeText)).toEqual(['….chat.completions.create', 'OpenAI']);
  });
});

describe('arguments of a call', () => {
  it('are read once per call node: every rule asking for them gets the same nodes, not new native copies', () => {
    // Each node handed out holds native memory freed only when the event loop turns, which a file's
    // rules never let it do: an 8,000-cell notebook's rules asked for the same calls' arguments again and again.
    const doc = new CodeDocument(
      new MemorySourceFile('a.py', 'eval(code, scope, **extra)\nclient.chat.completions.create(model="m", messages=msgs)\n'),
      'python',
    );
    const [evalCall, create] = allCalls(doc.root, 'python');
    const fields: string[] = [];
    for (const call of [evalCall, create]) {
      const field = call.field.bind(call);
      call.field = ((name: string) => (fields.push(name), field(name as never))) as typeof call.field;
    }
    expect(positional(evalCall)[0]).toBe(positional(evalCall)[0]);
    expect(positional(evalCall).map((n) => n.text())).toEqual(['code', 'scope']);
    expect(hasSpreadArgs(evalCall)).toBe(true);
    expect(namedArg(create, 'messages')?.text()).toBe('msgs');
    expect(namedArg(create, 'model')?.text()).toBe('"m"');
    expect(hasSpreadArgs(create)).toBe(false);
    expect(fields.filter((f) => f === 'arguments')).toEqual(['arguments', 'arguments']);
  });
});
