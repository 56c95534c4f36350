import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configProblems, describeValue, inWords, keyPath, keysAt, unknownKeyMessage } from './config-issues.js';

const schema = z.strictObject({
  name: z.string().min(1),
  port: z.number().int().positive().max(65535),
  mode: z.enum(['fast', 'safe']).optional(),
  items: z.array(z.union([z.string(), z.strictObject({ id: z.string(), weight: z.number().optional() })])).min(1),
  nested: z.preprocess((v) => v, z.strictObject({ deep: z.boolean().default(false) })).optional(),
});

const problems = (data: unknown): string[] => {
  const r = schema.safeParse(data, { error: inWords });
  if (r.success) return [];
  return configProblems(schema, r.error.issues).map((p) => `${keyPath(p.path) || '(top level)'}: ${p.message}`);
};

describe('configuration problems in words', () => {
  it('says what is missing and what kind of value a key takes, by its path', () => {
    expect(problems({ port: '80' })).toEqual([
      'name: required, but missing (text)',
      'port: expected a number, found "80"',
      'items: required, but missing (a list)',
    ]);
  });

  it('names allowed values, bounds and sizes, with what was found', () => {
    expect(problems({ name: '', port: 70000, mode: 'quick', items: [] })).toEqual([
      'name: must not be empty',
      'port: must be at most 65535, found the number 70000',
      'mode: expected one of fast, safe, found "quick"',
      'items: needs at least one entry, found an empty list',
    ]);
    expect(problems({ name: 'a', port: 0, items: ['x'] })).toEqual(['port: must be greater than 0, found the number 0']);
    expect(problems({ name: 'a', port: 1.5, items: ['x'] })).toEqual(['port: expected a whole number, found the number 1.5']);
  });

  it('tells a union by the alternative the value has the kind of, at the path inside it', () => {
    expect(problems({ name: 'a', port: 1, items: ['x', { weight: 'heavy' }, 7] })).toEqual([
      'items[1].id: required, but missing (text)',
      'items[1].weight: expected a number, found "heavy"',
      'items[2]: expected text or a mapping, found the number 7',
    ]);
  });

  it('names an unknown key with the key meant, or the keys allowed there (through unions and preprocessing)', () => {
    expect(problems({ name: 'a', port: 1, items: [{ id: 'x', wieght: 2 }], nested: { deeep: true, other: 1 } })).toEqual([
      'items[0]: unknown key "wieght" (did you mean "weight"?)',
      'nested: unknown key "deeep" (did you mean "deep"?)',
      'nested: unknown key "other" (known: deep)',
    ]);
    expect(keysAt(schema, ['items', 0])).toEqual(['id', 'weight']);
    expect(keysAt(schema, [])).toEqual(['name', 'port', 'mode', 'items', 'nested']);
    expect(unknownKeyMessage('fail_on', ['failOn'])).toBe('unknown key "fail_on" (did you mean "failOn"?)');
    expect(unknownKeyMessage('Port', ['port'])).toBe('unknown key "Port" (did you mean "port"?)');
    expect(unknownKeyMessage('xyz', [])).toBe('unknown key "xyz"');
  });

  it('keeps a message the schema gives itself, and tells a key that fails two checks once', () => {
    const url = z.strictObject({
      u: z
        .string()
        .url()
        .refine((s) => s.startsWith('https:'), 'an https URL'),
    });
    const r = url.safeParse({ u: 'nope' }, { error: inWords });
    expect(configProblems(url, r.error!.issues).map((p) => p.message)).toEqual([
      'expected a URL (such as https://host:port/path), found "nope"',
    ]);
    const own = z.strictObject({ h: z.string().regex(/^[0-9a-f]+$/, 'hex digits') });
    expect(configProblems(own, own.safeParse({ h: 'zz' }, { error: inWords }).error!.issues)).toEqual([
      { path: ['h'], message: 'hex digits' },
    ]);
  });

  it('never repeats long text or text with spaces: it may be a secret pasted in the wrong place', () => {
    expect(describeValue('sk-live-0123456789abcdefghijklmnop')).toBe('text of 34 characters');
    expect(describeValue('Bearer abc')).toBe('text of 10 characters');
    expect(describeValue('maybe')).toBe('"maybe"');
    expect(describeValue(null)).toBe('an empty value (null)');
    expect(describeValue([1, 2])).toBe('a list of 2');
  });
});
