import type * as Fflate from 'fflate';
import { lazyModule } from '../../core/lazy-module.js';
import { formatLimit } from './archive-limits.js';
import { readAll, type ByteSource } from './byte-source.js';

/**
 * Decompression as a stream, synchronously (parsers are synchronous): compressed input is fed a
 * piece at a time and what comes out is handed on, so that memory holds what the caller keeps plus
 * one piece's output. Every byte that comes out is charged to the file's decompression budget.
 */

export type Codec = 'gzip' | 'zlib' | 'deflate-raw';

export interface InflateBudget {
  /** Bytes that may still be decompressed from the scanned file. */
  remaining: number;
  limit: number;
}

/** The stream decompresses past what is left of the budget. */
export class InflateLimit extends Error {}
/** The compressed data is damaged (truncation is not an error: what came out before the end is kept). */
export class InflateError extends Error {}

/**
 * Input is fed in pieces of 1 to 16 KiB, sized so that each piece's output stays near TARGET_OUTPUT.
 * Deflate expands at most ~1032:1, so no piece can put more than ~17 MiB in memory at once.
 */
const TARGET_OUTPUT = 1024 * 1024;
const FIRST_PIECE = 4 * 1024;
const MIN_PIECE = 1024;
const MAX_PIECE = 16 * 1024;

type Stream = { push(chunk: Uint8Array, final?: boolean): void };

// The decompressor loads when a model archive is first read.
const codecs = lazyModule<typeof Fflate>('fflate');

/** The fflate error raised when the input ends inside the stream. */
const UNEXPECTED_EOF = 0;

/**
 * A forward-only reader of the decompressed bytes of `src[start, start + length)`. `read` and `skip`
 * advance; bytes skipped are decompressed (and charged) but never kept.
 */
export class Inflater {
  private readonly stream: Stream;
  private readonly queue: Uint8Array[] = [];
  private queued = 0;
  private inputAt: number;
  private readonly inputEnd: number;
  private piece = FIRST_PIECE;
  private ended = false;
  /** Decompressed bytes handed out or skipped so far. */
  position = 0;

  constructor(
    private readonly src: ByteSource,
    codec: Codec,
    private readonly budget: InflateBudget,
    start = 0,
    length = src.size - start,
  ) {
    this.inputAt = start;
    this.inputEnd = Math.min(src.size, start + length);
    const onData = (chunk: Uint8Array) => {
      if (chunk.length === 0) return;
      this.budget.remaining -= chunk.length;
      if (this.budget.remaining < 0)
        throw new InflateLimit(`decompresses past the ${formatLimit(this.budget.limit)} decompression limit (a decompression bomb?)`);
      this.queue.push(chunk);
      this.queued += chunk.length;
    };
    const { Gunzip, Inflate, Unzlib } = codecs();
    this.stream = codec === 'gzip' ? new Gunzip(onData) : codec === 'zlib' ? new Unzlib(onData) : new Inflate(onData);
  }

  /** Bytes decompressed (and charged) but not yet read or skipped. */
  get buffered(): number {
    return this.queued;
  }

  /** Up to `n` bytes; fewer only at the end of the stream. */
  read(n: number): Uint8Array {
    this.fill(n);
    const take = Math.min(n, this.queued);
    let out: Uint8Array;
    if (this.queue.length > 0 && this.queue[0].length >= take) {
      out = this.queue[0].subarray(0, take);
      this.drop(take);
    } else {
      out = new Uint8Array(take);
      let at = 0;
      while (at < take) {
        const head = this.queue[0];
        const k = Math.min(head.length, take - at);
        out.set(head.subarray(0, k), at);
        at += k;
        this.drop(k);
      }
    }
    return out;
  }

  /** Discards up to `n` bytes; returns how many there were. */
  skip(n: number): number {
    let skipped = 0;
    while (skipped < n) {
      if (this.queued === 0 && !this.pump()) break;
      const k = Math.min(this.queue[0].length, n - skipped);
      this.drop(k);
      skipped += k;
    }
    return skipped;
  }

  /** Hands the next `n` bytes (fewer at the end) to `sink` as they come out; returns how many there were. */
  pipe(n: number, sink: (chunk: Uint8Array) => void): number {
    let moved = 0;
    while (moved < n) {
      if (this.queued === 0 && !this.pump()) break;
      const k = Math.min(this.queue[0].length, n - moved);
      sink(this.queue[0].subarray(0, k));
      this.drop(k);
      moved += k;
    }
    return moved;
  }

  private drop(k: number): void {
    const head = this.queue[0];
    if (k === head.length) this.queue.shift();
    else this.queue[0] = head.subarray(k);
    this.queued -= k;
    this.position += k;
  }

  private fill(n: number): void {
    while (this.queued < n && this.pump());
  }

  /** Feeds one more piece of input; false when the stream has ended and nothing more came out. */
  private pump(): boolean {
    while (!this.ended) {
      const before = this.queued;
      const input = readAll(this.src, this.inputAt, Math.min(this.piece, this.inputEnd - this.inputAt));
      this.inputAt += input.length;
      // The end is a push of its own, so that a truncated stream keeps all it decoded before the error.
      const final = input.length === 0;
      try {
        this.stream.push(input, final);
      } catch (e) {
        this.ended = true;
        if (e instanceof InflateLimit) throw e;
        if (final && (e as { code?: number }).code === UNEXPECTED_EOF) return this.queued > before;
        throw new InflateError((e as Error).message);
      }
      if (final) this.ended = true;
      const out = this.queued - before;
      // Keep each piece's output near TARGET_OUTPUT, whatever the compression ratio.
      const ratio = Math.max(1, out / Math.max(1, input.length));
      this.piece = Math.max(MIN_PIECE, Math.min(MAX_PIECE, 2 * this.piece, Math.floor(TARGET_OUTPUT / ratio)));
      if (out > 0) return true;
    }
    return false;
  }
}

const BLOCK = 1024 * 1024;

/**
 * Bytes appended a chunk at a time into fixed blocks: a random-access source that never needs one
 * contiguous buffer (nor the copy that growing one would make).
 */
export class BlockSource implements ByteSource {
  private readonly blocks: Uint8Array[] = [];
  size = 0;

  append(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      const used = this.size % BLOCK;
      // Only the first block starts small (a small member stays small) and grows up to BLOCK.
      if (used === 0) this.blocks.push(new Uint8Array(this.size === 0 ? Math.min(BLOCK, Math.max(chunk.length, 64 * 1024)) : BLOCK));
      let block = this.blocks[this.blocks.length - 1];
      const k = Math.min(chunk.length - at, BLOCK - used);
      if (used + k > block.length) {
        const grown = new Uint8Array(Math.min(BLOCK, Math.max(block.length * 2, used + k)));
        grown.set(block.subarray(0, used));
        this.blocks[this.blocks.length - 1] = block = grown;
      }
      block.set(chunk.subarray(at, at + k), used);
      at += k;
      this.size += k;
    }
  }

  read(offset: number, length: number): Uint8Array {
    const end = Math.min(this.size, offset + length);
    if (offset >= end) return new Uint8Array(0);
    const first = Math.floor(offset / BLOCK);
    if (Math.floor((end - 1) / BLOCK) === first) return this.blocks[first].subarray(offset % BLOCK, (offset % BLOCK) + (end - offset));
    const out = new Uint8Array(end - offset);
    for (let at = offset; at < end;) {
      const b = Math.floor(at / BLOCK);
      const k = Math.min(end - at, (b + 1) * BLOCK - at);
      out.set(this.blocks[b].subarray(at % BLOCK, (at % BLOCK) + k), at - offset);
      at += k;
    }
    return out;
  }
}

/** The whole decompressed stream (at most `cap` bytes: past it, `InflateLimit`), charged to `budget`. */
export function inflateAll(src: ByteSource, codec: Codec, budget: InflateBudget, start = 0, length = src.size - start): BlockSource {
  const out = new BlockSource();
  new Inflater(src, codec, budget, start, length).pipe(Infinity, (c) => out.append(c));
  return out;
}

/** The first `n` decompressed bytes (fewer if the stream is shorter or breaks), without charging any budget. */
export function inflateHead(src: ByteSource, codec: Codec, n: number, start = 0, length = src.size - start): Uint8Array {
  const inflater = new Inflater(src, codec, { remaining: Infinity, limit: Infinity }, start, length);
  const out = new BlockSource();
  try {
    inflater.pipe(n, (c) => out.append(c));
  } catch (e) {
    if (!(e instanceof InflateError)) throw e;
  }
  return out.read(0, out.size);
}
