import { describe, expect, it } from 'vitest';
import { loadEmbeddedYaml, MAX_EMBEDDED_YAML_CHARS, member } from './embedded-yaml.js';

/** `levels` anchors, each a sequence of 10 aliases to the one before: 10^levels nodes. */
function bomb(levels: number, name: (level: number) => string): string {
  let text = `l0: &${name(0)} x\n`;
  for (let i = 1; i <= levels; i++) text += `l${i}: &${name(i)} [${Array.from({ length: 10 }, () => `*${name(i - 1)}`).join(', ')}]\n`;
  return text;
}

describe('YAML in a ConfigMap or Secret string', () => {
  it('reads anchors, aliases and merges as Helm and PyYAML do', () => {
    const r = loadEmbeddedYaml('base: &b {a: 1, b: 2}\nx:\n  <<: *b\n  b: 3\ny: *b\n');
    expect(r).toEqual({ ok: true, value: { base: { a: 1, b: 2 }, x: { a: 1, b: 3 }, y: { a: 1, b: 2 } } });
    if (r.ok) expect(member(r.value, 'x', 'a')).toBe(1);
  });
  it('takes the last value of a key written twice, as PyYAML and Go readers do', () => {
    expect(loadEmbeddedYaml('a: 1\nb: 2\na: 3\n')).toEqual({ ok: true, value: { a: 3, b: 2 } });
    expect(loadEmbeddedYaml('hub:\n  config: {x: 1}\nhub:\n  config: {x: 2}\n')).toEqual({
      ok: true,
      value: { hub: { config: { x: 2 } } },
    });
  });
  it('reads the first document of several', () => {
    expect(loadEmbeddedYaml('a: 1\n---\n')).toEqual({ ok: true, value: { a: 1 } });
    expect(loadEmbeddedYaml('a: 1\n---\nb: 2\n')).toEqual({ ok: true, value: { a: 1 } });
    expect(loadEmbeddedYaml('---\na: 1\n...\n')).toEqual({ ok: true, value: { a: 1 } });
    // A later document is still read within the limits: one that cannot be read makes the text not read.
    expect(loadEmbeddedYaml('a: 1\n---\nb: [\n').ok).toBe(false);
    // But not walked: its aliases (a million nodes, shared) are not expanded, as no rule sees them.
    expect(loadEmbeddedYaml(`a: 1\n---\n${bomb(6, (i) => `l${i}`)}`)).toEqual({ ok: true, value: { a: 1 } });
  });
  it('never throws: syntax, unknown tags, depth, size', () => {
    for (const text of ['a: [', 'a: !!python/object:os.system x', '['.repeat(100) + ']'.repeat(100)]) {
      const r = loadEmbeddedYaml(text);
      expect(r.ok, text.slice(0, 30)).toBe(false);
    }
    expect(loadEmbeddedYaml('a: ' + 'x'.repeat(MAX_EMBEDDED_YAML_CHARS))).toEqual({
      ok: false,
      reason: `YAML text is ${MAX_EMBEDDED_YAML_CHARS + 3} characters long, over the limit of ${MAX_EMBEDDED_YAML_CHARS}`,
    });
  });
  it('bounds the work aliases and merges can make', () => {
    // Anchors named as js-yaml reads them: a no-break space, ampersands.
    for (const name of [(i: number) => '\u00a0'.repeat(i + 1), (i: number) => '&'.repeat(i + 1)])
      expect(loadEmbeddedYaml(bomb(6, name))).toMatchObject({ ok: false, reason: expect.stringContaining('through aliases') });
    // A sequence of 100,000 aliases to a 5,000-character string, used as a key: each use is a 500 MB string.
    const keys = Array.from({ length: 3 }, (_, i) => `m${i}:\n  ? *a\n  : 1\n`).join('');
    const seq = `s: &s ${'x'.repeat(5000)}\na: &a [${Array.from({ length: 100_000 }, () => '*s').join(',')}]\n`;
    expect(loadEmbeddedYaml(seq + keys)).toMatchObject({ ok: false, reason: expect.stringContaining('aliases counted') });
    // The same through a sequence written in the key itself.
    const literal = `s: &s ${'x'.repeat(5000)}\nm:\n  ? [${Array.from({ length: 100_000 }, () => '*s').join(',')}]\n  : 1\n`;
    expect(loadEmbeddedYaml(literal)).toMatchObject({ ok: false, reason: expect.stringContaining('aliases counted') });
    // Items that are not strings weigh the text they become: mappings (100,000 aliases to {a: 1}, each key 1.5 MB).
    const mapped = `t: &t {a: 1}\na: &a [${Array.from({ length: 100_000 }, () => '*t').join(',')}]\n` + keys;
    expect(loadEmbeddedYaml(mapped)).toMatchObject({ ok: false, reason: expect.stringContaining('aliases counted') });
    // No binary values or timestamps: 1,000 aliases to 100,000 bytes of !!binary were a 400-million-character key at each use.
    const binary = `b: &b !!binary ${Buffer.alloc(100_000, 255).toString('base64')}\na: &a [${Array.from({ length: 1000 }, () => '*b').join(',')}]\n`;
    expect(loadEmbeddedYaml(binary + 'm0: {? *a : 1}\nm1: {? *a : 1}\n')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('unknown tag'),
    });
    expect(loadEmbeddedYaml('t: 2001-12-14t21:59:43.10-05:00\n')).toEqual({ ok: true, value: { t: '2001-12-14t21:59:43.10-05:00' } });
    const base = `b: &b {${Array.from({ length: 1000 }, (_, i) => `k${i}: ${i}`).join(', ')}}\n`;
    const merges = Array.from({ length: 100 }, (_, i) => `m${i}: {<<: *b}\n`).join('');
    expect(loadEmbeddedYaml(base + merges)).toMatchObject({ ok: false, reason: expect.stringContaining('merge') });
    // Aliases to strings and mappings are shared, not copied: 5,000 of each as mapping values read.
    const shared =
      `s: &s ${'x'.repeat(100_000)}\nm: &m {a: 1}\nl:\n` + Array.from({ length: 5000 }, (_, i) => `  s${i}: *s\n  m${i}: *m\n`).join('');
    expect(loadEmbeddedYaml(shared).ok).toBe(true);
  });
});
