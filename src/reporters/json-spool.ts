import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../core/types.js';
import { FindingBytesWriter } from './finding-bytes.js';
import { writeString, type ChunkSink } from './json-stream.js';

/** Indentation of the line that opens `findings` in the JSON report (its items are indented by 4 spaces). */
export const FINDINGS_INDENT = 2;

/** What orders a finding in the report (as `sortFindings`), and where its text is. One class, so that every entry shares one shape. */
class Entry {
  constructor(
    readonly path: string,
    readonly line: number,
    readonly column: number,
    readonly ruleId: string,
    readonly message: string,
    /** Order of arrival: equal findings keep it, as the stable sort of the in-memory report does. */
    readonly seq: number,
    /** Byte offset and length in the spool file of `,\n` and the finding's text; -1 for a finding held in memory. */
    readonly offset: number,
    readonly length: number,
    readonly finding: Finding | undefined,
    /** Which spool file holds the text: 0 for this spool's own, else an adopted one (`adopt`). */
    readonly source: number,
  ) {}
}

/**
 * A spool handed from one thread to another (`detach`, then `adopt`): its file, and its entries as
 * columns. Paths, rule ids and messages are indices into `strings`, which holds each once: the
 * structured clone copies every string it is given, and the 10,805 findings of three directories
 * of the k8s bench corpus hold 1,213 distinct messages.
 */
export interface SpoolExport {
  dir: string;
  file: string;
  bytes: number;
  /** One past the last order of arrival used. */
  seqEnd: number;
  strings: string[];
  path: Int32Array;
  line: Int32Array;
  column: Int32Array;
  ruleId: Int32Array;
  message: Int32Array;
  seq: Float64Array;
  offset: Float64Array;
  length: Int32Array;
}

const READ_MAX = 1 << 20;
/** What precedes each item of the findings array: the `,` after the previous one and the indentation of its line. */
const ITEM_SEPARATOR = ',\n' + ' '.repeat(FINDINGS_INDENT + 2);
/** After the last item: the line that closes the array. */
const CLOSE = '\n' + ' '.repeat(FINDINGS_INDENT) + ']';
const BRACKET = 0x5b;

/**
 * Findings of the JSON report written to a temporary file as the scan finds them, already in the
 * report's text (UTF-8 bytes, never a string), so that neither the findings nor the report exist whole in memory. Only what orders
 * them is kept; `writeItems` merges them (with findings held in memory, e.g. those of cross-object
 * rules) in the order of `sortFindings`, reading their text back in runs.
 */
export class JsonFindingSpool {
  private readonly dir: string;
  private readonly fd: number;
  /** Spool files of other threads merged into this one (`adopt`); entry source i + 1 is `adopted[i]`. */
  private readonly adopted: Array<{ dir: string; fd: number; bytes: number }> = [];
  private readonly entries: Entry[] = [];
  /** One copy of each message: a rule's message repeats across thousands of objects of a large scan. */
  private readonly messages = new Map<string, string>();
  /** Spooled text not yet written to the file, written as `JSON.stringify` would without a string in between. */
  private readonly text = new FindingBytesWriter(READ_MAX + (READ_MAX >> 2));
  private bytes = 0;
  private seq = 0;
  private closed = false;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'sanctum-findings-'));
    this.fd = openSync(this.file, 'w+');
  }

  private get file(): string {
    return join(this.dir, 'findings.json');
  }

  get count(): number {
    return this.entries.length;
  }

  /** Writes findings out; only their sort keys stay in memory. */
  spool(findings: readonly Finding[]): void {
    if (findings.length === 0) return;
    // In report order, so that the report reads the spool in long runs. Each item is stored with the
    // `,\n` before it; the report writes the first one's as the `\n` after its `[`.
    const sorted = findings.length > 1 ? [...findings].sort(compareFindings) : findings;
    const text = this.text;
    for (const f of sorted) {
      const start = text.length;
      text.ascii(ITEM_SEPARATOR);
      text.finding(f, FINDINGS_INDENT + 2);
      this.entries.push(entryOf(f, this.messages, this.seq++, this.bytes + start, text.length - start, undefined, 0));
      if (text.length >= READ_MAX) this.flush();
    }
  }

  /** Keeps findings in memory, to be merged with the spooled ones. */
  hold(findings: readonly Finding[]): void {
    for (const f of findings) this.entries.push(entryOf(f, this.messages, this.seq++, -1, 0, f, 0));
  }

  /**
   * Closes the spool for writing and hands it over: the file stays until the spool that adopts it is
   * disposed. Only spooled findings are handed over (none may be held).
   */
  detach(): SpoolExport {
    this.flush();
    if (this.entries.some((e) => e.offset === -1)) throw new Error('findings spool: held findings cannot be handed over');
    const strings: string[] = [];
    const index = new Map<string, number>();
    const intern = (s: string): number => {
      let i = index.get(s);
      if (i === undefined) {
        i = strings.length;
        strings.push(s);
        index.set(s, i);
      }
      return i;
    };
    const n = this.entries.length;
    const out: SpoolExport = {
      dir: this.dir,
      file: this.file,
      bytes: this.bytes,
      seqEnd: this.seq,
      strings,
      path: new Int32Array(n),
      line: new Int32Array(n),
      column: new Int32Array(n),
      ruleId: new Int32Array(n),
      message: new Int32Array(n),
      seq: new Float64Array(n),
      offset: new Float64Array(n),
      length: new Int32Array(n),
    };
    this.entries.forEach((e, i) => {
      out.path[i] = intern(e.path);
      out.line[i] = e.line;
      out.column[i] = e.column;
      out.ruleId[i] = intern(e.ruleId);
      out.message[i] = intern(e.message);
      out.seq[i] = e.seq;
      out.offset[i] = e.offset;
      out.length[i] = e.length;
    });
    this.entries.length = 0;
    this.closed = true;
    closeSync(this.fd);
    return out;
  }

  /**
   * Merges a spool detached by another thread: its findings are written with these. Findings that
   * tie in the report's order come from one file, hence from one spool, and keep their order of
   * arrival there; findings held afterwards come after every adopted one, as after spooled ones.
   */
  adopt(x: SpoolExport): void {
    const fd = openSync(x.file, 'r');
    this.adopted.push({ dir: x.dir, fd, bytes: x.bytes });
    const source = this.adopted.length;
    for (let i = 0; i < x.message.length; i++)
      this.entries.push(
        new Entry(
          x.strings[x.path[i]],
          x.line[i],
          x.column[i],
          x.strings[x.ruleId[i]],
          x.strings[x.message[i]],
          x.seq[i],
          x.offset[i],
          x.length[i],
          undefined,
          source,
        ),
      );
    this.seq = Math.max(this.seq, x.seqEnd);
  }

  /**
   * Writes the items of the `findings` array, whose opening bracket ends a line indented by `indent`
   * spaces. Bytes handed to `sink` are lent: valid during the call only (the next chunk reuses them).
   */
  writeItems(indent: number, sink: ChunkSink): void {
    if (indent !== FINDINGS_INDENT) throw new Error(`findings spooled for an indentation of ${FINDINGS_INDENT}, written at ${indent}`);
    this.flush();
    if (this.entries.length === 0) {
      sink('[]');
      return;
    }
    this.entries.sort(compareEntries);
    // Findings are assembled in the staging buffer: held ones written there, spooled ones copied as bytes
    // (neither decoded nor encoded again) a run of adjacent ones at a time.
    const out = this.text;
    const sources = [{ fd: this.fd, bytes: this.bytes }, ...this.adopted];
    const windows = sources.map((s) => new SpoolWindows(s.fd, s.bytes));
    let first = true;
    const emit = (): void => {
      // Each item starts with its `,\n` separator; the first item's `,` becomes the array's `[`.
      if (first) out.buffer[0] = BRACKET;
      first = false;
      sink(out.buffer.subarray(0, out.length));
      out.reset();
    };
    let source = -1;
    let runStart = 0;
    let runEnd = 0;
    const copyRun = (): void => {
      for (let at = runStart; at < runEnd;) {
        if (out.length >= READ_MAX) emit();
        const n = Math.min(runEnd - at, out.buffer.length - out.length);
        out.length += windows[source].copy(at, n, out.buffer, out.length);
        at += n;
      }
      source = -1;
    };
    try {
      for (const e of this.entries) {
        if (e.source === source && e.offset === runEnd) {
          runEnd += e.length;
          continue;
        }
        if (source !== -1) copyRun();
        if (e.offset === -1) {
          out.ascii(ITEM_SEPARATOR);
          out.finding(e.finding!, FINDINGS_INDENT + 2);
          if (out.length >= READ_MAX) emit();
        } else {
          source = e.source;
          runStart = e.offset;
          runEnd = e.offset + e.length;
        }
      }
      if (source !== -1) copyRun();
      if (out.length > 0) emit();
    } finally {
      // A sink that failed leaves report text in the staging buffer: never spooled.
      out.reset();
    }
    sink(CLOSE);
  }

  /** Removes the temporary file. */
  dispose(): void {
    for (const a of this.adopted.splice(0)) {
      closeSync(a.fd);
      rmSync(a.dir, { recursive: true, force: true });
    }
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private flush(): void {
    if (this.text.length === 0) return;
    writeString(this.fd, this.text.buffer.subarray(0, this.text.length));
    this.bytes += this.text.length;
    this.text.reset();
  }
}

/** Bytes of the spool read at a time: a few windows follow the runs that the report interleaves (a file's findings, its directory's cross-object ones). */
const WINDOW_BYTES = 256 * 1024;
const WINDOWS = 4;

class SpoolWindows {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly buffers: Buffer[] = [];
  private readonly used: number[] = [];
  private clock = 0;

  constructor(
    private readonly fd: number,
    private readonly size: number,
  ) {}

  /** Copies `length` bytes of the spool at `offset` into `target` at `at` (read straight into it when they span a window); returns `length`. */
  copy(offset: number, length: number, target: Buffer, at: number): number {
    if (length > WINDOW_BYTES) {
      readInto(this.fd, target, length, offset, at);
      return length;
    }
    for (let done = 0; done < length;) {
      const from = offset + done;
      let w = this.starts.findIndex((start, i) => start <= from && from < this.ends[i]);
      if (w === -1) w = this.load(from);
      this.used[w] = ++this.clock;
      const n = Math.min(length - done, this.ends[w] - from);
      this.buffers[w].copy(target, at + done, from - this.starts[w], from - this.starts[w] + n);
      done += n;
    }
    return length;
  }

  /** Reads the window at `offset` into the least recently used buffer. */
  private load(offset: number): number {
    let w = this.buffers.length;
    if (w < WINDOWS) this.buffers.push(Buffer.allocUnsafe(WINDOW_BYTES));
    else w = this.used.indexOf(Math.min(...this.used));
    const length = Math.min(WINDOW_BYTES, this.size - offset);
    readInto(this.fd, this.buffers[w], length, offset);
    this.starts[w] = offset;
    this.ends[w] = offset + length;
    return w;
  }
}

function readInto(fd: number, buf: Buffer, length: number, position: number, at = 0): void {
  for (let off = 0; off < length;) {
    const n = readSync(fd, buf, at + off, length - off, position + off);
    if (n === 0) throw new Error('findings spool ended early');
    off += n;
  }
}

/** The order of `sortFindings`. */
function compareFindings(a: Finding, b: Finding): number {
  const l = a.location;
  const m = b.location;
  return (
    cmp(l.path, m.path) ||
    (l.startLine ?? 0) - (m.startLine ?? 0) ||
    (l.startColumn ?? 0) - (m.startColumn ?? 0) ||
    cmp(a.ruleId, b.ruleId) ||
    cmp(a.message, b.message)
  );
}

function entryOf(
  f: Finding,
  messages: Map<string, string>,
  seq: number,
  offset: number,
  length: number,
  held: Finding | undefined,
  source: number,
): Entry {
  let message = messages.get(f.message);
  if (message === undefined) {
    message = f.message;
    // A message built by a template is a tree of pieces: reading a character flattens it to one string.
    message.charCodeAt(0);
    messages.set(message, message);
  }
  const l = f.location;
  return new Entry(l.path, l.startLine ?? 0, l.startColumn ?? 0, f.ruleId, message, seq, offset, length, held, source);
}

/** The order of `sortFindings`, then the order of arrival. */
function compareEntries(a: Entry, b: Entry): number {
  return (
    cmp(a.path, b.path) || a.line - b.line || a.column - b.column || cmp(a.ruleId, b.ruleId) || cmp(a.message, b.message) || a.seq - b.seq
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
