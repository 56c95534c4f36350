import { lazyModule } from '../../core/lazy-module.js';
import { formatLimit } from './archive-limits.js';
import { readAll, type ByteSource } from './byte-source.js';
import { InflateError, InflateLimit, type InflateBudget } from './inflate.js';

/**
 * bzip2 through seek-bzip (pure JavaScript, synchronous): it pulls input a byte at a time and pushes
 * output a byte at a time, so the budget is charged as bytes come out and a bomb stops at the limit.
 * A block (at most 900 kB before its run-length expansion) is decoded whole before its bytes come out.
 *
 * seek-bzip allocates and zeroes a buffer of the stream's block size (100 kB to 900 kB entries of 4
 * bytes) for every block, however little the block holds: a file of thousands of one-byte streams took
 * minutes and gave almost no output. So a block costs the budget what comes out of it and at least its
 * block size, charged where seek-bzip reaches the next block or stream end (it asks `eof()` there), and
 * the file's deadline is checked there too.
 */

interface InputStream {
  readByte(): number;
  /** Used for a stream's 4-byte signature: fewer bytes (or -1) at the end of the input. */
  read(buffer: Uint8Array, offset: number, length: number): number;
  eof(): boolean;
}
interface OutputStream {
  writeByte(byte: number): void;
}
interface SeekBzip {
  decode(input: InputStream, output: OutputStream, multistream?: boolean): void;
}

const seekBzip = lazyModule<SeekBzip>('seek-bzip');

const PIECE = 64 * 1024;

class Truncated extends Error {}
class Enough extends Error {}

/** When the whole file must be done, and the per-file time limit that set it (for the message). */
export interface BunzipTime {
  deadline: number;
  maxMillis: number;
}

/**
 * Decompresses all of `src` (concatenated streams too, as Python's bz2 module reads them), handing the
 * output to `sink` in pieces; with `upTo`, stops once that many bytes came out.
 */
export function bunzip(
  src: ByteSource,
  budget: InflateBudget,
  sink: (chunk: Uint8Array) => void,
  time?: BunzipTime,
  upTo = Infinity,
): void {
  let total = 0;
  let piece: Uint8Array = new Uint8Array(0);
  let pieceAt = 0;
  let inputAt = 0;
  // Entries of the block buffer of the stream being read ('BZh1' to 'BZh9': 100 kB per level).
  let blockSize = 900_000;
  // Bytes handed on, and bytes that had come out by the last block or stream end.
  let flushed = 0;
  let producedBefore = 0;
  const atEnd = () => pieceAt === piece.length && inputAt >= src.size;
  const overBudget = () =>
    new InflateLimit(`decompresses past the ${formatLimit(budget.limit)} decompression limit (a decompression bomb?)`);
  const input: InputStream = {
    readByte() {
      if (pieceAt === piece.length) {
        piece = readAll(src, inputAt, PIECE);
        inputAt += piece.length;
        pieceAt = 0;
        // seek-bzip reads past the end as if the input went on; a truncated stream must stop instead.
        if (piece.length === 0) throw new Truncated();
      }
      return piece[pieceAt++];
    },
    read(buffer, offset, length) {
      let n = 0;
      while (n < length && !atEnd()) buffer[offset + n++] = input.readByte();
      const level = n === 4 ? buffer[offset + 3] - 0x30 : 0;
      if (level >= 1 && level <= 9) blockSize = level * 100_000;
      return n === 0 ? -1 : n;
    },
    eof() {
      // Only a block gives output (at least a byte): what it gave is charged as it comes out, the rest of its block size here.
      const produced = flushed + outAt;
      const made = produced - producedBefore;
      producedBefore = produced;
      if (made > 0) budget.remaining -= Math.max(0, blockSize - made);
      const late = time !== undefined && Date.now() > time.deadline ? time : undefined;
      if (late || budget.remaining < 0) {
        // What the blocks before gave is kept.
        budget.remaining -= outAt;
        flush();
        throw late ? new InflateLimit(`reached the time limit of ${late.maxMillis / 1000} s per file`) : overBudget();
      }
      return atEnd();
    },
  };
  let out = new Uint8Array(PIECE);
  let outAt = 0;
  const flush = () => {
    if (outAt === 0) return;
    sink(out.subarray(0, outAt));
    flushed += outAt;
    out = new Uint8Array(PIECE);
    outAt = 0;
  };
  const charge = () => {
    budget.remaining -= outAt;
    if (budget.remaining < 0) throw overBudget();
  };
  const output: OutputStream = {
    writeByte(byte) {
      if (outAt === PIECE) {
        charge();
        flush();
      }
      out[outAt++] = byte;
      if (++total === upTo) throw new Enough();
    },
  };
  try {
    seekBzip().decode(input, output, true);
  } catch (e) {
    if (e instanceof InflateLimit) throw e;
    if (e instanceof Enough) {
      charge();
      flush();
      return;
    }
    // What the blocks before the break gave is kept.
    charge();
    flush();
    if (e instanceof Truncated) throw new InflateError('the stream is truncated');
    // seek-bzip's own errors say what is wrong ("Data error", "Bad block CRC …"); anything else it throws on hostile input is damage too.
    throw new InflateError(e instanceof Error ? e.message : String(e));
  }
  charge();
  flush();
}
