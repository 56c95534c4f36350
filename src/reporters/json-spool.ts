import { closeSync, mkdtempSync, openSync, readSync, rmdirSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareFindings, compareText, positionKey } from '../core/finding.js';
import type { Finding } from '../core/types.js';
import { FindingBytesWriter } from './finding-bytes.js';
import { writeString, type ChunkSink } from './json-stream.js';

/** Indentation of the line that opens `findings` in the JSON report (its items are indented by 4 spaces). */
export const FINDINGS_INDENT = 2;

/**
 * What orders each finding in the report (as `sortFindings`) and where its text is, one column per
 * field: typed arrays off the heap, not an object per finding. A finding's message, the last key
 * of the order, is not kept: findings that tie on everything before it and were spooled in one batch
 * are in order already (each batch is spooled sorted, messages included); for other ties it is read
 * back from the finding's spooled text, or taken from the finding itself when it is held in memory.
 */
class Entries {
  size = 0;
  /** `path` and `ruleId` are numbers of strings in `strings`. */
  path = new Int32Array(1024);
  line = new Float64Array(1024);
  column = new Float64Array(1024);
  ruleId = new Int32Array(1024);
  /** Order of arrival: equal findings keep it, as the stable sort of the in-memory report does. */
  seq = new Float64Array(1024);
  /** Byte offset and length in the spool file of `,\n` and the finding's text; offset -1 for a finding held in memory. */
  offset = new Float64Array(1024);
  length = new Int32Array(1024);
  /** Which spool file holds the text: 0 for this spool's own, else an adopted one (`adopt`). */
  source = new Int32Array(1024);
  /** Which call of `spool` (or adopted spool's call) wrote the finding; -1 for a held finding. */
  batch = new Int32Array(1024);
  /** Findings held in memory, by entry. */
  readonly held = new Map<number, Finding>();
  /** Messages kept in memory, by entry: of findings whose text may not show them (`messageInText`), or read back once. */
  readonly messages = new Map<number, string>();
  readonly strings: string[] = [];
  private readonly numbers = new Map<string, number>();
  private lastPath = '';
  private lastPathNumber = -1;

  /** Adds an entry and returns its number; `message` is kept unless the finding's text holds it as a string. */
  add(
    path: string,
    line: number,
    column: number,
    ruleId: string,
    seq: number,
    offset: number,
    length: number,
    source: number,
    batch: number,
  ): number {
    const i = this.size;
    if (i === this.path.length) this.grow();
    if (path !== this.lastPath || this.lastPathNumber === -1) {
      this.lastPath = path;
      this.lastPathNumber = this.number(path);
    }
    this.path[i] = this.lastPathNumber;
    this.line[i] = line;
    this.column[i] = column;
    this.ruleId[i] = this.number(ruleId);
    this.seq[i] = seq;
    this.offset[i] = offset;
    this.length[i] = length;
    this.source[i] = source;
    this.batch[i] = batch;
    this.size++;
    return i;
  }

  /**
   * The entries' numbers in report order: that of `sortFindings`, then the order of arrival. Messages decide
   * only between entries alike in everything before them, and only when those came in more than one
   * batch (or a held one is among them): those are handed to `readMessages` all at once before `message`
   * is asked for any of them.
   */
  sorted(message: (entry: number) => string, readMessages: (entries: number[]) => void): number[] {
    // Strings compared once: each one's rank among them all stands for it.
    const byText = this.strings.map((_, i) => i).sort((a, b) => compareText(this.strings[a], this.strings[b]));
    const rank = new Int32Array(byText.length);
    byText.forEach((n, r) => (rank[n] = r));
    const { path, line, column, ruleId, seq } = this;
    const order = Array.from({ length: this.size }, (_, i) => i);
    order.sort(
      (a, b) =>
        rank[path[a]] - rank[path[b]] || line[a] - line[b] || column[a] - column[b] || rank[ruleId[a]] - rank[ruleId[b]] || seq[a] - seq[b],
    );
    // Strings are interned: equal numbers are equal strings.
    const alike = (a: number, b: number): boolean =>
      path[a] === path[b] && line[a] === line[b] && column[a] === column[b] && ruleId[a] === ruleId[b];
    // One batch was sorted with its messages before it was spooled, and its order of arrival follows that order.
    const { batch, messages } = this;
    const inOneBatch = (start: number, end: number): boolean => {
      const b = batch[order[start]];
      if (b === -1) return false;
      for (let k = start; k < end; k++) {
        const i = order[k];
        // A message kept because the text may not show it need not be a string, whose order is total.
        if (batch[i] !== b || (messages.size > 0 && messages.has(i) && typeof messages.get(i) !== 'string')) return false;
      }
      return true;
    };
    const ties: [number, number][] = [];
    for (let start = 0; start < order.length;) {
      let end = start + 1;
      while (end < order.length && alike(order[start], order[end])) end++;
      if (end - start > 1 && !inOneBatch(start, end)) ties.push([start, end]);
      start = end;
    }
    if (ties.length === 0) return order;
    readMessages(ties.flatMap(([start, end]) => order.slice(start, end)));
    for (const [start, end] of ties) {
      const tied = order.slice(start, end).sort((a, b) => compareText(message(a), message(b)) || seq[a] - seq[b]);
      for (let k = 0; k < tied.length; k++) order[start + k] = tied[k];
    }
    return order;
  }

  clear(): void {
    this.size = 0;
    this.held.clear();
    this.messages.clear();
  }

  private number(s: string): number {
    let n = this.numbers.get(s);
    if (n === undefined) {
      n = this.strings.length;
      this.strings.push(s);
      this.numbers.set(s, n);
    }
    return n;
  }

  private grow(): void {
    const n = 2 * this.path.length;
    this.path = grown(this.path, new Int32Array(n));
    this.line = grown(this.line, new Float64Array(n));
    this.column = grown(this.column, new Float64Array(n));
    this.ruleId = grown(this.ruleId, new Int32Array(n));
    this.seq = grown(this.seq, new Float64Array(n));
    this.offset = grown(this.offset, new Float64Array(n));
    this.length = grown(this.length, new Int32Array(n));
    this.source = grown(this.source, new Int32Array(n));
    this.batch = grown(this.batch, new Int32Array(n));
  }
}

function grown<T extends Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/**
 * A spool handed from one thread to another (`detach`, then `adopt`): its file, and its entries as
 * columns (each string of `path` and `ruleId` sent once).
 */
export interface SpoolExport {
  dir: string;
  /**
   * The descriptor of the spool file, which the adopting thread reserved (`reserveSpoolFile`) and
   * which has no name to open it by; `adopt` takes it over.
   */
  fd: number;
  bytes: number;
  /** One past the last order of arrival used. */
  seqEnd: number;
  strings: string[];
  path: Int32Array;
  line: Float64Array;
  column: Float64Array;
  ruleId: Int32Array;
  seq: Float64Array;
  offset: Float64Array;
  length: Int32Array;
  batch: Int32Array;
  /** One past the last batch number used. */
  batchEnd: number;
  /** The messages kept in memory (`Entries.messages`): entry numbers and values. */
  messageEntries: Int32Array;
  messages: string[];
}

/**
 * The memory of an export's columns, which `detach` copies out for it alone: a thread that replies
 * with the export moves them (a message's transfer list) rather than having them copied once more.
 */
export function exportBuffers(x: SpoolExport): ArrayBuffer[] {
  return [x.path, x.line, x.column, x.ruleId, x.seq, x.offset, x.length, x.batch, x.messageEntries].map((a) => a.buffer as ArrayBuffer);
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
  private readonly entries = new Entries();
  /** Spooled text not yet written to the file, written as `JSON.stringify` would without a string in between. */
  private readonly text = new FindingBytesWriter(READ_MAX + (READ_MAX >> 2));
  private bytes = 0;
  private seq = 0;
  /** Calls of `spool` so far, and batches of adopted spools. */
  private batches = 0;
  private closed = false;

  /** False when the file is another thread's (`shared`): it is not closed here. */
  private readonly ownsFd: boolean = true;

  /**
   * The file's name is removed as soon as it is open, so that a process killed mid-scan (Ctrl-C: the
   * scan is synchronous, no handler runs) leaves nothing in the temporary directory. A spool handed
   * to another thread (a worker's) is written to a file that thread holds open (`shared`, from
   * `reserveSpoolFile`), through that thread's descriptor (a process's descriptors are every
   * thread's), which that thread keeps.
   */
  constructor(options: { shared?: SharedSpoolFile } = {}) {
    if (options.shared !== undefined) {
      this.dir = options.shared.dir;
      this.fd = options.shared.fd;
      this.ownsFd = false;
      return;
    }
    this.dir = mkdtempSync(join(tmpdir(), 'sanctum-findings-'));
    const file = join(this.dir, 'findings.json');
    this.fd = openSync(file, 'w+');
    removeName(this.dir, file);
  }

  get count(): number {
    return this.entries.size;
  }

  /** Writes findings out; only their sort keys stay in memory. */
  spool(findings: readonly Finding[]): void {
    if (findings.length === 0) return;
    // In report order, so that the report reads the spool in long runs. Each item is stored with the
    // `,\n` before it; the report writes the first one's as the `\n` after its `[`.
    const sorted = findings.length > 1 ? [...findings].sort(compareFindings) : findings;
    const text = this.text;
    const entries = this.entries;
    const batch = this.batches++;
    for (const f of sorted) {
      const start = text.length;
      text.ascii(ITEM_SEPARATOR);
      text.finding(f, FINDINGS_INDENT + 2);
      const l = f.location;
      const i = entries.add(
        l.path,
        positionKey(l.startLine),
        positionKey(l.startColumn),
        f.ruleId,
        this.seq++,
        this.bytes + start,
        text.length - start,
        0,
        batch,
      );
      if (!text.messageWritten && !messageInText(f)) entries.messages.set(i, f.message);
      if (text.length >= READ_MAX) this.flush();
    }
  }

  /** Keeps findings in memory, to be merged with the spooled ones. */
  hold(findings: readonly Finding[]): void {
    for (const f of findings) {
      const l = f.location;
      this.entries.held.set(
        this.entries.add(l.path, positionKey(l.startLine), positionKey(l.startColumn), f.ruleId, this.seq++, -1, 0, 0, -1),
        f,
      );
    }
  }

  /**
   * Closes the spool for writing and hands it over: the file stays until the spool that adopts it is
   * disposed. Only a spool written to a file another thread reserved (`shared`) is handed over, and
   * only spooled findings (none may be held).
   */
  detach(): SpoolExport {
    if (this.ownsFd) throw new Error('findings spool: only a spool written to a reserved file (shared) can be handed over');
    this.flush();
    const e = this.entries;
    if (e.held.size > 0) throw new Error('findings spool: held findings cannot be handed over');
    const n = e.size;
    const out: SpoolExport = {
      dir: this.dir,
      fd: this.fd,
      bytes: this.bytes,
      seqEnd: this.seq,
      strings: e.strings,
      path: e.path.slice(0, n),
      line: e.line.slice(0, n),
      column: e.column.slice(0, n),
      ruleId: e.ruleId.slice(0, n),
      seq: e.seq.slice(0, n),
      offset: e.offset.slice(0, n),
      length: e.length.slice(0, n),
      batch: e.batch.slice(0, n),
      batchEnd: this.batches,
      messageEntries: Int32Array.from(e.messages.keys()),
      messages: [...e.messages.values()],
    };
    e.clear();
    this.closed = true;
    return out;
  }

  /**
   * Merges a spool detached by another thread: its findings are written with these. Findings that
   * tie in the report's order come from one file, hence from one spool, and keep their order of
   * arrival there; findings held afterwards come after every adopted one, as after spooled ones.
   */
  adopt(x: SpoolExport): void {
    // The file is this thread's from now on: dispose closes it and removes what could not be removed of its name.
    this.adopted.push({ dir: x.dir, fd: x.fd, bytes: x.bytes });
    const source = this.adopted.length;
    const e = this.entries;
    const first = e.size;
    const batches = this.batches;
    for (let i = 0; i < x.path.length; i++)
      e.add(
        x.strings[x.path[i]],
        x.line[i],
        x.column[i],
        x.strings[x.ruleId[i]],
        x.seq[i],
        x.offset[i],
        x.length[i],
        source,
        batches + x.batch[i],
      );
    this.batches += x.batchEnd;
    x.messageEntries.forEach((i, k) => e.messages.set(first + i, x.messages[k]));
    this.seq = Math.max(this.seq, x.seqEnd);
  }

  /**
   * Writes the items of the `findings` array, whose opening bracket ends a line indented by `indent`
   * spaces. Bytes handed to `sink` are lent: valid during the call only (the next chunk reuses them).
   */
  writeItems(indent: number, sink: ChunkSink): void {
    if (indent !== FINDINGS_INDENT) throw new Error(`findings spooled for an indentation of ${FINDINGS_INDENT}, written at ${indent}`);
    this.flush();
    const entries = this.entries;
    if (entries.size === 0) {
      sink('[]');
      return;
    }
    const sources = [{ fd: this.fd, bytes: this.bytes }, ...this.adopted];
    const order = entries.sorted(
      (i) => this.message(i, sources[entries.source[i]].fd),
      (tied) => this.readMessages(tied, sources),
    );
    // Findings are assembled in the staging buffer: held ones written there, spooled ones copied as bytes
    // (neither decoded nor encoded again) a run of adjacent ones at a time.
    const out = this.text;
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
      for (const i of order) {
        const offset = entries.offset[i];
        if (entries.source[i] === source && offset === runEnd) {
          runEnd += entries.length[i];
          continue;
        }
        if (source !== -1) copyRun();
        if (offset === -1) {
          out.ascii(ITEM_SEPARATOR);
          out.finding(entries.held.get(i)!, FINDINGS_INDENT + 2);
          if (out.length >= READ_MAX) emit();
        } else {
          source = entries.source[i];
          runStart = offset;
          runEnd = offset + entries.length[i];
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

  /** Reads back the messages of `tied` entries that are neither held nor kept, in the order of their texts in the spool files. */
  private readMessages(tied: number[], sources: { fd: number; bytes: number }[]): void {
    const e = this.entries;
    const unread = tied
      .filter((i) => !e.held.has(i) && !e.messages.has(i))
      .sort((a, b) => e.source[a] - e.source[b] || e.offset[a] - e.offset[b]);
    const windows = sources.map((s) => new SpoolWindows(s.fd, s.bytes));
    let item = Buffer.allocUnsafe(4096);
    for (const i of unread) {
      const length = e.length[i];
      if (item.length < length) item = Buffer.allocUnsafe(length);
      windows[e.source[i]].copy(e.offset[i], length, item, 0);
      e.messages.set(i, messageOf(item.subarray(0, length)));
    }
  }

  /** The message of an entry: held in memory, or read back from the finding's text in the spool file `fd`. */
  private message(i: number, fd: number): string {
    const e = this.entries;
    const held = e.held.get(i);
    if (held) return held.message;
    let message = e.messages.get(i);
    if (message === undefined) {
      const item = Buffer.allocUnsafe(e.length[i]);
      readInto(fd, item, item.length, e.offset[i]);
      message = messageOf(item);
      // Read once: an entry that ties with several others is compared more than once.
      e.messages.set(i, message);
    }
    return message;
  }

  /** Removes the temporary file. */
  dispose(): void {
    for (const a of this.adopted.splice(0)) {
      closeSync(a.fd);
      rmSync(a.dir, { recursive: true, force: true });
    }
    if (this.closed) return;
    this.closed = true;
    if (!this.ownsFd) return;
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

/** An open spool file without a name (unless it could not be removed: then `dir` holds it). */
export interface SharedSpoolFile {
  dir: string;
  fd: number;
}

/**
 * A file for another thread's spool (`new JsonFindingSpool({ shared })`), open in this thread, which
 * reads it once that spool is handed over (`SpoolExport.fd`), and closes it; its name is removed at once.
 */
export function reserveSpoolFile(): SharedSpoolFile {
  const dir = mkdtempSync(join(tmpdir(), 'sanctum-findings-'));
  const file = join(dir, 'findings.json');
  const fd = openSync(file, 'w+');
  removeName(dir, file);
  return { dir, fd };
}

/** Removes the name of an open spool file and its directory; where an open file cannot be removed, `dispose` does it. */
function removeName(dir: string, file: string): void {
  try {
    unlinkSync(file);
    rmdirSync(dir);
  } catch {
    // Left for dispose.
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

/** Where a finding's own `message` key is in its text: its properties are on lines indented by 6 spaces, nested ones by more. */
const MESSAGE_KEY = Buffer.from('\n' + ' '.repeat(FINDINGS_INDENT + 4) + '"message": "', 'latin1');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether the spooled text of `f` shows its message as it is: `f` is written as its own enumerable
 * properties (a plain object without `toJSON`) and its message is a string.
 */
function messageInText(f: Finding): boolean {
  return (
    typeof f.message === 'string' &&
    Object.getPrototypeOf(f) === Object.prototype &&
    typeof (f as { toJSON?: unknown }).toJSON !== 'function' &&
    Object.prototype.propertyIsEnumerable.call(f, 'message')
  );
}

/** The message of a finding from its spooled text (`,\n`, indentation, the finding's JSON). */
function messageOf(item: Buffer): string {
  const key = item.indexOf(MESSAGE_KEY);
  if (key === -1) throw new Error("findings spool: a finding's text has no message");
  const start = key + MESSAGE_KEY.length - 1;
  let end = start + 1;
  let plain = true;
  while (end < item.length && item[end] !== QUOTE) {
    if (item[end] === BACKSLASH || item[end] >= 0x80) plain = false;
    end += item[end] === BACKSLASH ? 2 : 1;
  }
  // Printable ASCII without escapes is the message as it stands.
  return plain ? item.toString('latin1', start + 1, end) : (JSON.parse(item.toString('utf8', start, end + 1)) as string);
}
