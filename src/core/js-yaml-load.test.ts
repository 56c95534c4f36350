import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { hasAnchors, loadAllBounded, loadBounded, loadFirstBounded, YamlLoadError, type BoundedLoadOptions } from './js-yaml-load.js';

const aliases = (n: number, name: string): string => Array.from({ length: n }, () => `*${name}`).join(',');
const CORE: BoundedLoadOptions = { schema: yaml.CORE_SCHEMA };

function failure(text: string, options: BoundedLoadOptions = CORE): YamlLoadError {
  try {
    loadAllBounded(text, options);
  } catch (e) {
    if (e instanceof YamlLoadError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('loadAllBounded / loadBounded', () => {
  it('reads in the schema given: the core schema has no timestamps, the default one has', () => {
    expect(loadBounded('a: 2001-12-14\nb: [1, yes]\n', CORE)).toEqual({ a: '2001-12-14', b: [1, 'yes'] });
    expect(loadBounded('a: 2001-12-14\n', { schema: yaml.DEFAULT_SCHEMA })).toEqual({ a: new Date(Date.UTC(2001, 11, 14)) });
    expect(loadAllBounded('a: 1\n---\nb: 2\n', CORE)).toEqual([{ a: 1 }, { b: 2 }]);
    expect(loadBounded('', CORE)).toBeUndefined();
  });

  it('a syntax error: js-yaml reason, line and column, the message as its first line without a file name', () => {
    const e = failure('a: 1\nb: [\n');
    expect(e.kind).toBe('syntax');
    expect([e.line, e.column]).toEqual([3, 1]);
    expect(e.message).toBe('unexpected end of the stream within a flow collection (3:1)');
    expect(() => loadBounded('a: 1\n---\nb: 2\n', CORE)).toThrow(YamlLoadError);
  });

  it('refuses a text over maxChars, nesting over maxDepth and merges over maxMergeKeys', () => {
    expect(failure('a: 1\n', { ...CORE, maxChars: 4 }).message).toBe('YAML text is 5 characters long, over the limit of 4');
    const deep = failure(`${'['.repeat(10)}${']'.repeat(10)}\n`, { ...CORE, maxDepth: 5 });
    expect([deep.kind, deep.message]).toEqual(['too-deep', 'YAML nesting is deeper than the limit of 5 levels (line 1)']);
    const merges = `base: &b {${Array.from({ length: 20 }, (_, i) => `k${i}: ${i}`).join(', ')}}\nx: {<<: *b}\ny: {<<: *b}\n`;
    const schema = yaml.CORE_SCHEMA.extend({ implicit: [(yaml as unknown as { types: { merge: yaml.Type } }).types.merge] });
    expect(failure(merges, { schema, maxMergeKeys: 30 }).message).toBe(
      'YAML merge keys (<<) copy more than 30 keys (line 3; an alias bomb?)',
    );
    expect(loadAllBounded(merges, { schema, maxMergeKeys: 100 })).toHaveLength(1);
  });

  it('refuses sequence keys that aliases make heavy at the key past the bound, with its line', () => {
    const text =
      `s: &s ${'x'.repeat(5000)}\na: &a [${aliases(100_000, 's')}]\n` +
      Array.from({ length: 3 }, (_, i) => `m${i}:\n  ? *a\n  : 1\n`).join('');
    const e = failure(text);
    expect([e.kind, e.line]).toEqual(['too-heavy', 4]);
    // Without the key, the sequence of aliases is shared, not copied: read.
    expect(loadAllBounded(text.slice(0, text.indexOf('m0:')), CORE)).toHaveLength(1);
  });

  it('refuses a document that aliases expand past its own nodes and maxAliasExpansion', () => {
    let text = 'l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i <= 5; i++) text += `l${i}: &l${i} [${aliases(10, `l${i - 1}`)}]\n`;
    const e = failure(text);
    expect([e.kind, e.message]).toEqual([
      'alias-expansion',
      'YAML document 1 expands to more than 100000 nodes through aliases (an alias bomb?)',
    ]);
    expect(loadAllBounded(text, { ...CORE, maxAliasExpansion: 2_000_000 })).toHaveLength(1);
    // Own nodes as counted by the caller: the bound is theirs plus the expansion allowed.
    expect(failure('a: &a [1, 2]\nb: [*a, *a]\n', { ...CORE, maxAliasExpansion: 1, ownNodes: () => 8 }).kind).toBe('alias-expansion');
    expect(loadAllBounded('a: &a [1, 2]\nb: [*a, *a]\n', { ...CORE, maxAliasExpansion: 1, ownNodes: () => 10 })).toHaveLength(1);
  });

  it('sees every anchor js-yaml reads: a name ends only at a space, tab, CR, LF or flow indicator', () => {
    for (const text of ['a: &x 1', 'a: &\u00a0 1', 'a: &&& 1', 'a: &\u2028 1', 'a: &" 1'])
      expect(hasAnchors(text), JSON.stringify(text)).toBe(true);
    for (const text of ['a: b & c', 'a: &\tb', 'a: &\r\n', '[&, &]', '{&}', 'a: b&', ''])
      expect(hasAnchors(text), JSON.stringify(text)).toBe(false);
    // Names of a no-break space or of ampersands are anchors to js-yaml: the bounds apply to them.
    const bomb = (name: (level: number) => string): string => {
      let text = `l0: &${name(0)} [x, x, x, x, x, x, x, x, x, x]\n`;
      for (let i = 1; i <= 3; i++) text += `l${i}: &${name(i)} [${aliases(10, name(i - 1))}]\n`;
      return text;
    };
    for (const name of [(i: number) => '\u00a0'.repeat(i + 1), (i: number) => '&'.repeat(i + 1)]) {
      const text = bomb(name);
      expect(yaml.load(text, { schema: yaml.CORE_SCHEMA })).toHaveProperty('l3');
      expect(failure(text, { ...CORE, maxAliasExpansion: 1000 }).kind, JSON.stringify(text.slice(0, 20))).toBe('alias-expansion');
      const heavy = `s: &${name(0)} ${'x'.repeat(5000)}\na: &${name(1)} [${aliases(1000, name(0))}]\nm: {? *${name(1)} : 1}\n`;
      expect(failure(heavy).kind).toBe('too-heavy');
    }
  });

  it('one alias-expansion budget for the whole text: documents just under it each do not add up', () => {
    const doc = 'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n';
    const options = { ...CORE, maxAliasExpansion: 150, ownNodes: () => 0 };
    expect(loadAllBounded(doc, options)).toHaveLength(1);
    const e = failure(`${doc}---\n${doc}`, options);
    expect([e.kind, e.message]).toEqual([
      'alias-expansion',
      'YAML documents 1 to 2 expand to more than 150 nodes through aliases (an alias bomb?)',
    ]);
    // Without own nodes counted by the caller, the text's length is the whole text's, not each document's.
    const small = `a: &a [${'x, '.repeat(9)}x]\nb: &b [${aliases(10, 'a')}]\nc: [${aliases(10, 'b')}]\n---\n`.repeat(10);
    expect(loadAllBounded(small, { ...CORE, maxAliasExpansion: 20_000 })).toHaveLength(11);
    expect(failure(small, { ...CORE, maxAliasExpansion: 1000 }).message).toMatch(/^YAML documents 1 to \d+ expand/);
    // The first document alone: the others are read but not expanded.
    expect(loadFirstBounded(`${doc}---\n${doc}`, options)).toHaveProperty('b');
    expect(loadFirstBounded('', CORE)).toBeUndefined();
    expect(() => loadFirstBounded(`${doc}---\n[`, options)).toThrow(YamlLoadError);
  });

  it('a RangeError is nesting too deep only when the call stack overflowed', () => {
    const thrower = (message: string) => (): void => {
      throw new RangeError(message);
    };
    const stack = failure('a: 1\n', { ...CORE, listener: thrower('Maximum call stack size exceeded') });
    expect([stack.kind, stack.message]).toEqual(['too-deep', 'YAML nesting is too deep to parse (limit 100 levels)']);
    const long = failure('a: 1\n', { ...CORE, listener: thrower('Invalid string length') });
    expect([long.kind, long.message]).toEqual(['too-large', 'YAML text makes a value too large to hold (Invalid string length)']);
  });

  it('calls the listener given for every node, with or without anchors', () => {
    for (const text of ['a: [1, 2]\n', 'a: &a [1, 2]\nb: *a\n']) {
      let events = 0;
      loadAllBounded(text, { ...CORE, listener: () => void events++ });
      expect(events, text).toBeGreaterThanOrEqual(8);
    }
  });
});
