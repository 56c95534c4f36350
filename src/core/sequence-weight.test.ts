import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { sequenceWeigher, YamlTooHeavy } from './sequence-weight.js';

const aliases = (n: number, name: string): string => Array.from({ length: n }, () => `*${name}`).join(',');
/** A 5,000-character string and a sequence of 100,000 aliases to it: 305 KB that js-yaml turns into a 500 MB key at each use. */
const HEAVY = `s: &s ${'x'.repeat(5000)}\na: &a [${aliases(100_000, 's')}]\n`;

/** Loads `text` with the weigher, counting the listener's events; the error thrown, if any. */
function weigh(text: string, limit = 4 * 1024 * 1024): { events: number; error?: unknown } {
  let events = 0;
  try {
    yaml.load(text, { listener: sequenceWeigher(limit, () => void events++) } as yaml.LoadOptions);
    return { events };
  } catch (error) {
    return { events, error };
  }
}

describe('sequenceWeigher', () => {
  it('refuses a key that is an alias to a sequence of aliases heavier than the bound, before the key is built', () => {
    const text = HEAVY + Array.from({ length: 3 }, (_, i) => `m${i}:\n  ? *a\n  : 1\n`).join('');
    const { events, error } = weigh(text);
    expect(error).toBeInstanceOf(YamlTooHeavy);
    expect((error as YamlTooHeavy).line).toBe(4);
    // Nothing read past the first key: the document, s and its string, a, its flow sequence twice, its 100,000 aliases, m0 and its key.
    expect(events).toBeLessThanOrEqual(2 * (100_000 + 10));
  });

  it('does not weigh aliases to a sequence used as values: js-yaml shares them', () => {
    // A list of 400 strings of 100 characters, anchored once and the value of 110 keys (45 KB): 4.4 million
    // characters if each use were weighed; no key is built from it.
    const list = Array.from({ length: 400 }, (_, i) => `  - ${String(i).padStart(100, 'x')}\n`).join('');
    const text = `common: &c\n${list}` + Array.from({ length: 110 }, (_, i) => `u${i}: *c\n`).join('');
    expect(weigh(text).error).toBeUndefined();
    expect(weigh(HEAVY).error).toBeUndefined();
  });

  it('refuses a key that is an alias to a sequence before the key is built', () => {
    // 500 aliases to 5,000 characters: 2.5 million where the sequence stands, as much again at each key.
    const text =
      `s: &s ${'x'.repeat(5000)}\na: &a [${aliases(500, 's')}]\n` + Array.from({ length: 3 }, (_, i) => `m${i}:\n  ? *a\n  : 1\n`).join('');
    const { events, error } = weigh(text);
    expect(error).toBeInstanceOf(YamlTooHeavy);
    // The first key makes 2.5 million, the second passes the bound.
    expect((error as YamlTooHeavy).line).toBe(7);
    expect(events).toBeLessThanOrEqual(2 * (500 + 16));
  });

  it('refuses a key written in place as [*s, *s, …] where the sequence closes', () => {
    const text = `s: &s ${'x'.repeat(5000)}\nm:\n  ? [${aliases(1000, 's')}]\n  : 1\n`;
    const { error } = weigh(text, 4_000_000);
    expect(error).toBeInstanceOf(YamlTooHeavy);
    expect((error as YamlTooHeavy).line).toBe(3);
    expect(weigh(text, 6_000_000).error).toBeUndefined();
  });

  it('weighs a sequence at each use as a key', () => {
    // Each level is a sequence of 10 aliases to the one before: a sequence's weight counts again at each alias.
    let text = `l0: &l0 ${'x'.repeat(1000)}\n`;
    for (let i = 1; i <= 4; i++) text += `l${i}: &l${i} [${aliases(10, `l${i - 1}`)}]\n`;
    // l1 weighs 10 + 10,000 and is counted at each of its 10 aliases in l2, and again through l3's and l4's.
    expect(weigh(text, 1_000_000).error).toBeUndefined();
    expect(weigh(text + `k0:\n  ? *l1\n  : 1\n`, 1_000_000).error).toBeUndefined();
    const keys = Array.from({ length: 100 }, (_, i) => `k${i}:\n  ? *l1\n  : 1\n`).join('');
    const { error } = weigh(text + keys, 1_000_000);
    expect(error).toBeInstanceOf(YamlTooHeavy);
  });

  it('weighs items that are not strings by the text they become in a key: binary, timestamps, mappings, numbers', () => {
    const keys = (n: number) => Array.from({ length: n }, (_, i) => `m${i}: {? *a : 1}\n`).join('');
    // 100,000 bytes of !!binary (400,000 characters in a key) in a sequence of 1,000 aliases: two keys were 800 MB.
    const binary = `b: &b !!binary ${Buffer.alloc(100_000, 255).toString('base64')}\na: &a [${aliases(1000, 'b')}]\n`;
    const heavy = weigh(binary + keys(2));
    expect(heavy.error).toBeInstanceOf(YamlTooHeavy);
    expect((heavy.error as YamlTooHeavy).line).toBe(3);
    // Stopped at the first key: at most one event in and out per alias read, and the key's own.
    expect(heavy.events).toBeLessThanOrEqual(2 * (1000 + 10));
    // A timestamp (62 characters in a key) and a mapping ([object Object]) under 100,000 aliases each.
    for (const value of ['2001-12-14t21:59:43.10-05:00', '{a: 1}']) {
      const text = `t: &t ${value}\na: &a [${aliases(100_000, 't')}]\n` + keys(3);
      const { events, error } = weigh(text);
      expect(error, value).toBeInstanceOf(YamlTooHeavy);
      expect(events, value).toBeLessThanOrEqual(2 * (100_000 + 20));
    }
    // Numbers by their digits: 100,000 aliases to a 20-digit number are 2 MB at each key.
    const numbers = `n: &n 123456789012345678901\na: &a [${aliases(100_000, 'n')}]\n` + keys(3);
    expect(weigh(numbers).error).toBeInstanceOf(YamlTooHeavy);
    // A single !!binary used as a key is counted at each use.
    const single =
      `b: &b !!binary ${Buffer.alloc(100_000, 255).toString('base64')}\n` +
      Array.from({ length: 20 }, (_, i) => `m${i}: {? *b : 1}\n`).join('');
    expect(weigh(single).error).toBeInstanceOf(YamlTooHeavy);
  });

  it('weighs a document without aliases at most at its length', () => {
    const text = `a: [${Array.from({ length: 10_000 }, (_, i) => `item${i}`).join(', ')}]\nb:\n${'- |\n  text\n'.repeat(1000)}`;
    expect(weigh(text, text.length).error).toBeUndefined();
  });
});
