import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DigestCounter } from './digest-counter.js';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

describe('DigestCounter', () => {
  it('counts the occurrences that came before, through many growths of its tables', () => {
    const counter = new DigestCounter();
    const n = 20_000;
    for (let i = 0; i < n; i++) expect(counter.add(digest(`k${i}`))).toBe(0);
    for (let i = 0; i < n; i += 7) expect(counter.add(digest(`k${i}`))).toBe(1);
    expect(counter.add(digest('k0'))).toBe(2);
    expect(counter.add(digest('k7'))).toBe(2);
    expect(counter.add(digest('k1'))).toBe(1);
  });

  it('tells apart digests that share their first bytes (the same slot)', () => {
    const counter = new DigestCounter();
    const a = Buffer.alloc(32, 1);
    const b = Buffer.from(a);
    b[31] = 2;
    expect(counter.add(a)).toBe(0);
    expect(counter.add(b)).toBe(0);
    expect(counter.add(Buffer.from(a))).toBe(1);
    expect(counter.add(Buffer.from(b))).toBe(1);
  });

  it('tells apart digests alike in their first 8 bytes (one slot) or in their last, through growths', () => {
    const counter = new DigestCounter();
    const alike = (i: number, tail: boolean): Uint8Array => {
      const d = new Uint8Array(32).fill(7);
      // The first 8 bytes alike, the rest not; or the first 8 differing and the rest alike.
      new DataView(d.buffer).setUint32(tail ? 0 : 24, i);
      return d;
    };
    for (let i = 0; i < 1000; i++) expect(counter.add(alike(i, false))).toBe(0);
    for (let i = 0; i < 1000; i++) expect(counter.add(alike(i, true))).toBe(0);
    for (let i = 0; i < 1000; i += 11) expect(counter.add(alike(i, false))).toBe(1);
    for (let i = 0; i < 1000; i += 13) expect(counter.add(alike(i, true))).toBe(1);
  });

  it('counts digests given in hex as the same digests given as bytes', () => {
    const counter = new DigestCounter();
    for (let i = 0; i < 5000; i++) expect(counter.addHex(digest(`k${i}`).toString('hex'))).toBe(0);
    for (let i = 0; i < 5000; i += 3) expect(counter.add(digest(`k${i}`))).toBe(1);
    for (let i = 0; i < 5000; i += 3) expect(counter.addHex(digest(`k${i}`).toString('hex'))).toBe(2);
    expect(counter.addHex('00'.repeat(16) + 'ff'.repeat(16))).toBe(0);
    expect(counter.add(Buffer.from('00'.repeat(16) + 'ff'.repeat(16), 'hex'))).toBe(1);
  });

  it('counts digests given one character per byte as the same digests given as bytes', () => {
    const counter = new DigestCounter();
    for (let i = 0; i < 3000; i++) expect(counter.addBytes(digest(`k${i}`).toString('latin1'))).toBe(0);
    for (let i = 0; i < 3000; i += 3) expect(counter.add(digest(`k${i}`))).toBe(1);
    for (let i = 0; i < 3000; i += 3) expect(counter.addHex(digest(`k${i}`).toString('hex'))).toBe(2);
    for (let i = 0; i < 3000; i += 3) expect(counter.addBytes(digest(`k${i}`).toString('latin1'))).toBe(3);
    expect(counter.addBytes('\u00ff'.repeat(32))).toBe(0);
    expect(counter.add(new Uint8Array(32).fill(0xff))).toBe(1);
  });

  it('counts equal digests of different scopes apart, each scope through growths of its slots', () => {
    const counter = new DigestCounter();
    const bytes = (s: string): string => digest(s).toString('latin1');
    for (let i = 0; i < 2000; i++) {
      expect(counter.addBytes(bytes(`k${i}`), 'a.yaml')).toBe(0);
      expect(counter.addBytes(bytes(`k${i}`), 'b.yaml')).toBe(0);
    }
    expect(counter.addBytes(bytes('k0'))).toBe(0);
    for (let i = 0; i < 2000; i += 7) expect(counter.addBytes(bytes(`k${i}`), 'a.yaml')).toBe(1);
    expect(counter.addBytes(bytes('k7'), 'b.yaml')).toBe(1);
    expect(counter.addBytes(bytes('k7'), 'a.yaml')).toBe(2);
    expect(counter.addBytes(bytes('k0'))).toBe(1);
    expect(counter.add(digest('k0'))).toBe(2);
    expect(counter.addBytes(bytes('k0'), '')).toBe(0);
    expect(counter.addBytes(bytes('k0'), 'c.yaml')).toBe(0);
  });

  it('refuses what is not a SHA-256 digest', () => {
    expect(() => new DigestCounter().add(new Uint8Array(20))).toThrow(/32 bytes/);
    const hex = digest('x').toString('hex');
    for (const bad of [
      hex.slice(2),
      hex + '00',
      hex.toUpperCase(),
      hex.slice(0, 63) + 'g',
      hex.slice(0, 63) + '`',
      hex.slice(0, 63) + ':',
      'X' + hex.slice(1),
      // Codes above 255 whose low byte is a hex digit ('0', 'a').
      hex.slice(0, 63) + '\u0130',
      '\u0161' + hex.slice(1),
    ])
      expect(() => new DigestCounter().addHex(bad), bad).toThrow(/hex digits/);
    const bytes = digest('x').toString('latin1');
    for (const bad of [bytes.slice(1), bytes + 'a', bytes.slice(0, 31) + '\u0100', '\u0161' + bytes.slice(1)])
      expect(() => new DigestCounter().addBytes(bad), JSON.stringify(bad)).toThrow(/32 characters/);
  });
});
