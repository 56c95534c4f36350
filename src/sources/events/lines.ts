/**
 * Lines of event logs: from a stream (a file read once, stdin), or from a file followed as it grows,
 * across rotation (the path now names a new file) and truncation (`copytruncate`).
 */
import { open, stat, type FileHandle } from 'node:fs/promises';

export interface Line {
  text: string;
  /** 1-based, counted from the start of the current file (a rotated file starts again at 1). */
  number: number;
}

/** Lines longer than this are cut there and reported as malformed by the decoder (never buffered without end). */
export const MAX_LINE_BYTES = 8 * 1024 * 1024 + 1;

/** Splits chunks into lines, keeping at most `MAX_LINE_BYTES` of an unterminated one. */
export class LineSplitter {
  private parts: Buffer[] = [];
  private partBytes = 0;
  private overlong = false;
  private lineNo = 0;

  reset(): void {
    this.parts = [];
    this.partBytes = 0;
    this.overlong = false;
    this.lineNo = 0;
  }

  push(chunk: Buffer, out: Line[]): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl === -1) break;
      this.take(chunk.subarray(start, nl));
      this.emit(out);
      start = nl + 1;
    }
    if (start < chunk.length) this.take(chunk.subarray(start));
  }

  /** The last line, when the input ends without a newline. */
  end(out: Line[]): void {
    if (this.partBytes > 0 || this.overlong) this.emit(out);
  }

  private take(b: Buffer): void {
    if (this.overlong) return;
    if (this.partBytes + b.length > MAX_LINE_BYTES) {
      b = b.subarray(0, MAX_LINE_BYTES - this.partBytes);
      this.overlong = true;
    }
    // Copied: the chunk's buffer is reused by the reader.
    this.parts.push(Buffer.from(b));
    this.partBytes += b.length;
  }

  private emit(out: Line[]): void {
    this.lineNo++;
    let text = this.parts.length === 1 ? this.parts[0].toString('utf8') : Buffer.concat(this.parts, this.partBytes).toString('utf8');
    if (text.endsWith('\r')) text = text.slice(0, -1);
    this.parts = [];
    this.partBytes = 0;
    this.overlong = false;
    if (text.trim() !== '') out.push({ text, number: this.lineNo });
  }
}

/** Every line of a stream, in batches (one per chunk read). */
export async function* streamLines(stream: NodeJS.ReadableStream): AsyncGenerator<Line[]> {
  const splitter = new LineSplitter();
  for await (const chunk of stream) {
    const out: Line[] = [];
    splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer), out);
    if (out.length) yield out;
  }
  const last: Line[] = [];
  splitter.end(last);
  if (last.length) yield last;
}

export interface FollowOptions {
  /** How often the file is checked for growth, rotation and truncation (ms). */
  pollMs?: number;
  /** Start at the end of the file (only new lines), as `tail -f` does; default: from the start. */
  fromEnd?: boolean;
  signal?: AbortSignal;
  /** Told when the file was rotated or truncated. */
  onReopen?(reason: 'rotated' | 'truncated'): void;
  /** Told at each check that finds no file it can open at the path (not created yet, or removed). */
  onMissing?(): void;
}

const CHUNK = 1024 * 1024;

/**
 * Follows a file: yields its lines, then waits for more. A new file at the path (rotation) is read
 * from its start once the old one is drained; a file that shrank (truncation) is read again from 0.
 * A missing file is waited for. Ends when `signal` aborts.
 */
export async function* followLines(path: string, opts: FollowOptions = {}): AsyncGenerator<Line[]> {
  const pollMs = opts.pollMs ?? 250;
  const splitter = new LineSplitter();
  const buf = Buffer.allocUnsafe(CHUNK);
  let fh: FileHandle | undefined;
  let ino = -1;
  let pos = 0;
  let first = true;
  let draining = false;
  const sleep = () =>
    new Promise<void>((resolve) => {
      if (opts.signal?.aborted) return resolve();
      const onAbort = () => {
        clearTimeout(t);
        resolve();
      };
      const t = setTimeout(() => {
        opts.signal?.removeEventListener('abort', onAbort);
        resolve();
      }, pollMs);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
    });
  try {
    while (!opts.signal?.aborted) {
      if (!fh) {
        try {
          fh = await open(path, 'r');
          const st = await fh.stat();
          ino = st.ino;
          pos = first && opts.fromEnd ? st.size : 0;
          first = false;
          splitter.reset();
        } catch {
          opts.onMissing?.();
          await sleep();
          continue;
        }
      }
      const { bytesRead } = await fh.read(buf, 0, CHUNK, pos);
      if (bytesRead > 0) {
        pos += bytesRead;
        const out: Line[] = [];
        splitter.push(buf.subarray(0, bytesRead), out);
        if (out.length) yield out;
        continue;
      }
      // At the end: has the file been truncated, or replaced?
      const now = await fh.stat();
      if (now.size < pos) {
        opts.onReopen?.('truncated');
        pos = 0;
        splitter.reset();
        continue;
      }
      let atPath: Awaited<ReturnType<typeof stat>> | undefined;
      try {
        atPath = await stat(path);
      } catch {
        atPath = undefined;
      }
      if (atPath && atPath.ino !== ino) {
        // Lines written to the old file just before it was moved may have landed after the read that
        // found its end: read it to its end once more before switching to the new file.
        if (!draining) {
          draining = true;
          continue;
        }
        draining = false;
        const last: Line[] = [];
        splitter.end(last);
        if (last.length) yield last;
        await fh.close();
        fh = undefined;
        opts.onReopen?.('rotated');
        continue;
      }
      await sleep();
    }
  } finally {
    await fh?.close();
  }
}
