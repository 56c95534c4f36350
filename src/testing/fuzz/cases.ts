import { rng } from '../../../bench/seeded-random.mjs';
import { below, mutate } from './mutate.js';
import type { Reader, Seed } from './seeds.js';

/** A number for a text (FNV-1a), so that each format's cases have a sequence of their own. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export interface FuzzInput {
  path: string;
  bytes: Uint8Array;
  reader: Reader;
}

/** Case `index` of a campaign with `seed` over the seeds of `format`: the same input every time. */
export function fuzzInput(seeds: readonly Seed[], format: string, seed: number, index: number): FuzzInput {
  const own = seeds.filter((s) => s.format === format);
  if (!own.length) throw new Error(`no seed of format ${format}`);
  const r = rng((hash(format) ^ Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
  const s = own[below(r, own.length)];
  // Most cases splice with seeds of the same format; some with any other.
  const others = (r() < 0.8 ? own : seeds).map((o) => o.bytes);
  const bytes = mutate(s.bytes, r, others);
  return { path: s.path, bytes: s.wrap ? s.wrap(bytes) : bytes, reader: s.reader ?? 'scan' };
}
