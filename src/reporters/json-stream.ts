import { randomUUID } from 'node:crypto';
import { writeSync } from 'node:fs';

/**
 * Receives a report piece by piece (text, or UTF-8 bytes copied from a spool); the pieces joined are
 * the whole report. Bytes are lent: valid during the call only, to be copied by a sink that keeps them.
 */
export type ChunkSink = (chunk: string | Uint8Array) => void;

/** A chunk as text. */
export function chunkText(chunk: string | Uint8Array): string {
  return typeof chunk === 'string' ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8');
}

/** Items serialized per `JSON.stringify` call: large enough to keep the native serializer busy, small enough to stay short-lived. */
const BATCH = 256;

/**
 * Writes `JSON.stringify(root, null, 2)` byte for byte, except that the items of `streamed` (an array
 * somewhere inside `root`) are produced by `item` and serialized a batch at a time: neither the items
 * nor the text of the report ever exist whole in memory.
 */
export function writeJsonStreaming<T>(root: object, streamed: readonly T[], item: (value: T) => unknown, sink: ChunkSink): void {
  writeJsonAround(root, streamed, (indent) => writeArray(streamed, item, indent, sink), sink);
}

/**
 * Writes `JSON.stringify(root, null, 2)` up to the array `streamed`, lets `writeItems` write that
 * array (its opening bracket ends a line indented by `indent` spaces), and writes the rest.
 */
export function writeJsonAround(root: object, streamed: readonly unknown[], writeItems: (indent: number) => void, sink: ChunkSink): void {
  const marker = `sanctum-stream-${randomUUID()}`;
  let found = false;
  const skeleton = JSON.stringify(
    root,
    function (this: unknown, _key: string, value: unknown) {
      if (value !== streamed) return value;
      found = true;
      return marker;
    },
    2,
  );
  const quoted = JSON.stringify(marker);
  const at = skeleton.indexOf(quoted);
  if (!found || at === -1) throw new Error('writeJsonStreaming: the streamed array is not part of the report');
  sink(skeleton.slice(0, at));
  writeItems(indentBefore(skeleton, at));
  sink(skeleton.slice(at + quoted.length));
}

/** Indentation of the line where `offset` sits. */
function indentBefore(text: string, offset: number): number {
  const lineStart = text.lastIndexOf('\n', offset) + 1;
  let n = 0;
  while (text[lineStart + n] === ' ') n++;
  return n;
}

/** How `JSON.stringify(_, null, 2)` writes the items of an array whose opening bracket ends a line indented by `indent` spaces. */
export class ArrayItemFormat {
  private readonly depth: number;
  private readonly head: string;
  private readonly tail: string;
  constructor(readonly indent: number) {
    // Each batch is nested so that the serializer itself indents its items by indent + 2; the wrapping is cut off.
    this.depth = indent / 2;
    let head = '';
    let tail = '';
    for (let j = 0; j <= this.depth; j++) {
      head += ' '.repeat(2 * j) + '[\n';
      tail = '\n' + ' '.repeat(2 * j) + ']' + tail;
    }
    this.head = head;
    this.tail = tail;
  }

  /** The items, indented, separated by `,\n`, without a separator after the last. */
  items(values: readonly unknown[]): string {
    const text = this.wrapped(values);
    return text.slice(this.head.length, text.length - this.tail.length);
  }

  /** The items as `items` writes them, between `headLength` characters before them and `tailLength` after (all ASCII; the head ends with `[\n`). */
  wrapped(values: readonly unknown[]): string {
    let batch: unknown = values;
    for (let j = 0; j < this.depth; j++) batch = [batch];
    return JSON.stringify(batch, null, 2);
  }

  get headLength(): number {
    return this.head.length;
  }

  get tailLength(): number {
    return this.tail.length;
  }

  get close(): string {
    return ' '.repeat(this.indent) + ']';
  }
}

function writeArray<T>(items: readonly T[], item: (value: T) => unknown, indent: number, sink: ChunkSink): void {
  if (items.length === 0) {
    sink('[]');
    return;
  }
  const format = new ArrayItemFormat(indent);
  sink('[\n');
  for (let i = 0; i < items.length; i += BATCH) {
    const end = Math.min(items.length, i + BATCH);
    sink(format.items(items.slice(i, end).map(item)));
    sink(end < items.length ? ',\n' : '\n');
  }
  sink(format.close);
}

/**
 * Writes `JSON.stringify(root, null, 2)` byte for byte, each array among the values of the plain
 * object `root` (an SBOM's `components`, `dependencies`) serialized a batch of items at a time, so
 * that the text never exists whole in memory. The other values are serialized whole. A root with
 * `toJSON` (which JSON.stringify would call) is refused.
 */
export function writeJsonTopArrays(root: Record<string, unknown>, sink: ChunkSink): void {
  if (typeof root.toJSON === 'function') throw new TypeError('writeJsonTopArrays writes a plain object: this root has toJSON');
  const keys = Object.keys(root).filter((k) => {
    const v = root[k];
    return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
  });
  if (keys.length === 0) {
    sink('{}');
    return;
  }
  sink('{\n');
  keys.forEach((key, i) => {
    const value = root[key];
    sink(`  ${JSON.stringify(key)}: `);
    if (Array.isArray(value) && value.length > 0) writeArray(value, (v) => v, 2, sink);
    else sink(JSON.stringify(value, null, 2).replace(/\n/g, '\n  '));
    sink(i < keys.length - 1 ? ',\n' : '\n');
  });
  sink('}');
}

/** Collects a streamed report into one string (for callers that want the text). */
export function collectChunks(write: (sink: ChunkSink) => void): string {
  const parts: string[] = [];
  write((c) => parts.push(chunkText(c)));
  return parts.join('');
}

/** Groups small chunks into writes of about `size` characters; large chunks go through as they are. */
export function bufferedSink(sink: ChunkSink, size = 1 << 16): { write: ChunkSink; flush(): void } {
  let parts: string[] = [];
  let length = 0;
  const flush = (): void => {
    if (parts.length === 0) return;
    sink(parts.length === 1 ? parts[0] : parts.join(''));
    parts = [];
    length = 0;
  };
  return {
    write(chunk: string | Uint8Array): void {
      if (typeof chunk !== 'string' || chunk.length >= size) {
        flush();
        sink(chunk);
        return;
      }
      parts.push(chunk);
      length += chunk.length;
      if (length >= size) flush();
    },
    flush,
  };
}

/** Writes a string (or bytes) whole to a file descriptor. */
export function writeString(fd: number, text: string | Uint8Array): void {
  if (typeof text !== 'string') {
    for (let off = 0; off < text.length;) off += writeSync(fd, text, off);
    return;
  }
  const n = writeSync(fd, text);
  if (n === Buffer.byteLength(text)) return;
  const bytes = Buffer.from(text, 'utf8');
  for (let off = n; off < bytes.length;) off += writeSync(fd, bytes, off);
}
