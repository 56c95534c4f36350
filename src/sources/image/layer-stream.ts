import { createHash } from 'node:crypto';
import { PassThrough, Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';
import { extract, type Header } from 'tar-stream';

export type LayerCompression = 'gzip' | 'zstd' | 'none';

export interface LayerLimits {
  /** Most bytes one layer may expand to. */
  maxLayerBytes: number;
  /** Most entries one layer may hold. */
  maxLayerEntries: number;
  /** Expansion over the compressed size beyond which (past 1 GiB) a layer is called a decompression bomb. */
  maxExpansionRatio: number;
}

export const DEFAULT_LAYER_LIMITS: LayerLimits = {
  maxLayerBytes: 64 * 1024 * 1024 * 1024,
  maxLayerEntries: 1_000_000,
  maxExpansionRatio: 1000,
};

export class LayerError extends Error {}

/** zstd through fzstd (pure JavaScript; frames without a content size are fine). */
class ZstdDecompress extends Transform {
  private readonly inner = new Decompress((chunk) => {
    this.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  });
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.inner.push(chunk);
      done();
    } catch (e) {
      done(new LayerError(`zstd: ${(e as Error).message}`));
    }
  }
  override _flush(done: TransformCallback): void {
    try {
      this.inner.push(new Uint8Array(0), true);
      done();
    } catch (e) {
      done(new LayerError(`zstd: ${(e as Error).message}`));
    }
  }
}

/** Counts (and hashes) what passes, and stops a stream that expands beyond the limits. */
class Meter extends Transform {
  bytes = 0;
  private readonly hash;
  constructor(
    withHash: boolean,
    private readonly check?: (bytes: number) => string | undefined,
  ) {
    super();
    this.hash = withHash ? createHash('sha256') : undefined;
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    this.hash?.update(chunk);
    const problem = this.check?.(this.bytes);
    if (problem) done(new LayerError(problem));
    else done(null, chunk);
  }
  digest(): string | undefined {
    return this.hash ? 'sha256:' + this.hash.digest('hex') : undefined;
  }
}

export function compressionOf(head: Uint8Array): LayerCompression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

/** The first chunk of a stream, and a stream of everything (that chunk included). */
async function peek(raw: Readable): Promise<{ head: Buffer; all: Readable }> {
  const it = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await it.next();
  const head = first.done ? Buffer.alloc(0) : first.value;
  async function* rest(): AsyncGenerator<Buffer> {
    if (!first.done) yield first.value;
    for (;;) {
      const n = await it.next();
      if (n.done) return;
      yield n.value;
    }
  }
  return { head, all: Readable.from(rest(), { objectMode: false }) };
}

export interface LayerEntry {
  header: Header;
  /** The entry's content; must be read to the end (or resumed) before the next entry comes. */
  stream: Readable;
}

export interface LayerRead {
  compression: LayerCompression;
  entries: AsyncIterable<LayerEntry>;
  /** After the entries are read: the digest of the bytes as stored and the size they expanded to. */
  summary(): { digest?: string; compressedBytes: number; bytes: number };
}

/**
 * Reads a layer as a stream: sniffs gzip, zstd or plain tar from its first bytes, decompresses, and
 * yields the tar entries one at a time. Nothing holds the layer whole. Decompression bombs and
 * truncated or malformed archives end the iteration with a `LayerError`.
 */
export async function readLayer(raw: Readable, limits: LayerLimits = DEFAULT_LAYER_LIMITS): Promise<LayerRead> {
  const { head, all } = await peek(raw);
  const compression = compressionOf(head);
  const stored = new Meter(true);
  const expanded = new Meter(false, (bytes) => {
    if (bytes > limits.maxLayerBytes) return `layer expands beyond ${limits.maxLayerBytes} bytes; the rest is not scanned`;
    if (compression !== 'none' && bytes > 1024 ** 3 && bytes > stored.bytes * limits.maxExpansionRatio)
      return `decompression bomb: ${stored.bytes} bytes expand to more than ${bytes}; the rest is not scanned`;
    return undefined;
  });
  const decompress =
    compression === 'gzip' ? createGunzip({ chunkSize: 256 * 1024 }) : compression === 'zstd' ? new ZstdDecompress() : new PassThrough();
  const tar = extract();
  const done = pipeline(all, stored, decompress, expanded, tar).catch((e: Error) => {
    tar.destroy(e);
  });
  async function* entries(): AsyncGenerator<LayerEntry> {
    let count = 0;
    try {
      for await (const entry of tar) {
        if (++count > limits.maxLayerEntries) throw new LayerError(`more than ${limits.maxLayerEntries} entries; the rest is not scanned`);
        yield { header: entry.header, stream: entry as unknown as Readable };
      }
    } catch (e) {
      throw new LayerError(describeLayerError(e));
    } finally {
      all.destroy();
      await done;
    }
  }
  return {
    compression,
    entries: entries(),
    summary: () => ({ digest: stored.digest(), compressedBytes: stored.bytes, bytes: expanded.bytes }),
  };
}

function describeLayerError(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  if (/unexpected end of data/i.test(message)) return 'layer is truncated (the tar ends early)';
  if (/unexpected end of file/i.test(message)) return 'layer is truncated (the compressed stream ends early)';
  if (/incorrect header check|invalid .*header|unknown compression/i.test(message))
    return `layer is not a valid compressed tar: ${message}`;
  if (/Header exceeds max size/i.test(message)) return 'layer has a tar extended header over 4 MiB (huge header); the rest is not scanned';
  return message;
}
