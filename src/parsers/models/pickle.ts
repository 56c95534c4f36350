import { BufferSource, readAll, type ByteSource } from './byte-source.js';
import { lookupTable } from '../../core/lookup-table.js';

/**
 * A static emulator of the pickle machine (protocols 0–5). It tracks the stack, the memo and the
 * marks closely enough to resolve every imported callable and to tell which ones are called, and it
 * never constructs, imports or calls anything. Offsets are byte offsets into the source it reads.
 */

export interface PickleCall {
  offset: number;
  opcode: string;
  /** A short preview of the arguments, when they are plain constants. */
  args?: string;
}

export interface PickleImport {
  /** Module as written in the stream. */
  module: string;
  /** Qualified name as written (may be dotted: `os.system` inside `pathlib`). */
  name: string;
  /** Normalised `module.name` (Python 2 module names mapped to Python 3). */
  dotted: string;
  /** Offset and end of the opcode that imported it (first occurrence). */
  offset: number;
  end: number;
  opcode: string;
  /** False when the operands could not be resolved statically (the name is then a placeholder). */
  resolved: boolean;
  /** How many times the stream imports it. */
  count: number;
  /** Where it is called (REDUCE, OBJ, INST, NEWOBJ, NEWOBJ_EX); at most `MAX_CALLS` kept. */
  calls: PickleCall[];
  callCount: number;
  stream: number;
}

export interface PickleProblem {
  offset: number;
  message: string;
}

export interface PickleStream {
  index: number;
  start: number;
  end: number;
  protocol: number;
  opcodes: number;
  stopped: boolean;
  imports: PickleImport[];
  /** Storage keys of PyTorch persistent ids (`('storage', type, key, location, numel)`), bounded. */
  storageKeys: string[];
  persistentIds: number;
  /**
   * What STOP returned, when it is a small int or a tuple ending in an imported global: the legacy
   * PyTorch tar format writes record counts and `(key, location, storage type)` records so.
   */
  returned?: { int?: number; lastGlobal?: string };
  /** The stream broke here: everything before was still analysed. */
  error?: PickleProblem;
  /** A bound was hit: the rest of the stream was not analysed. */
  limit?: PickleProblem;
}

export interface PickleLimits {
  maxOpcodes: number;
  maxMemo: number;
  maxStack: number;
  maxMillis: number;
  maxLine: number;
  maxStreams: number;
}

export const DEFAULT_PICKLE_LIMITS: PickleLimits = {
  maxOpcodes: 500_000_000,
  maxMemo: 2_000_000,
  maxStack: 2_000_000,
  maxMillis: 60_000,
  maxLine: 16 * 1024 * 1024,
  maxStreams: 64,
};

export interface PickleScan {
  streams: PickleStream[];
  imports: PickleImport[];
  /** Bytes after the last stream that do not form a pickle (ignored by loaders). */
  trailing?: { offset: number; size: number };
}

const MAX_CALLS = 8;

/**
 * Callables that call one of their arguments: `copyreg._reconstructor(cls, base, state)` runs
 * `base.__init__(obj, state)`; torch's `_rebuild_from_type(func, type, args, dict)` and
 * `_rebuild_from_type_v2(func, new_type, args, state)` run `func(*args)`. `args` is the index of the
 * argument tuple, or -1 for the arguments after the callee.
 */
const CALLS_ARGUMENT: Readonly<Record<string, { callee: number; args: number }>> = lookupTable({
  'copyreg._reconstructor': { callee: 1, args: -1 },
  'torch._tensor._rebuild_from_type': { callee: 0, args: 2 },
  'torch._tensor._rebuild_from_type_v2': { callee: 0, args: 2 },
});
const MAX_KEPT_STRING = 4096;
const MAX_STORAGE_KEYS = 100_000;
const MAX_DICT_ENTRIES = 64;
const MAX_PATCHED = 4096;
const CHUNK = 4 * 1024 * 1024;
const EMPTY = new Uint8Array(0);

type Value =
  | { k: 'none' | 'bool' | 'float' | 'bytes' | 'list' | 'set' | 'pid' | 'other' }
  | { k: 'int'; v: number }
  | { k: 'str'; v: string | null }
  | { k: 'global'; imp: PickleImport }
  | ObjValue
  | { k: 'tuple'; items: Value[] }
  | DictValue;
interface ObjValue {
  k: 'obj';
  of: PickleImport | null;
  dtype?: string;
}
interface DictValue {
  k: 'dict';
  entries: Map<string, Value>;
}

const NONE: Value = { k: 'none' };
const BOOL: Value = { k: 'bool' };
const FLOAT: Value = { k: 'float' };
const BYTES: Value = { k: 'bytes' };
const LIST: Value = { k: 'list' };
const SET: Value = { k: 'set' };
const OTHER: Value = { k: 'other' };
const SMALL_INTS: Value[] = Array.from({ length: 256 }, (_, v) => ({ k: 'int', v }));
const intValue = (v: number): Value => (v >= 0 && v < 256 && Number.isInteger(v) ? SMALL_INTS[v] : { k: 'int', v });

/** Opcode names, by byte. */
export const OPCODE_NAMES: Record<number, string> = {
  0x28: 'MARK',
  0x2e: 'STOP',
  0x30: 'POP',
  0x31: 'POP_MARK',
  0x32: 'DUP',
  0x46: 'FLOAT',
  0x49: 'INT',
  0x4a: 'BININT',
  0x4b: 'BININT1',
  0x4c: 'LONG',
  0x4d: 'BININT2',
  0x4e: 'NONE',
  0x50: 'PERSID',
  0x51: 'BINPERSID',
  0x52: 'REDUCE',
  0x53: 'STRING',
  0x54: 'BINSTRING',
  0x55: 'SHORT_BINSTRING',
  0x56: 'UNICODE',
  0x58: 'BINUNICODE',
  0x61: 'APPEND',
  0x62: 'BUILD',
  0x63: 'GLOBAL',
  0x64: 'DICT',
  0x7d: 'EMPTY_DICT',
  0x65: 'APPENDS',
  0x67: 'GET',
  0x68: 'BINGET',
  0x69: 'INST',
  0x6a: 'LONG_BINGET',
  0x6c: 'LIST',
  0x5d: 'EMPTY_LIST',
  0x6f: 'OBJ',
  0x70: 'PUT',
  0x71: 'BINPUT',
  0x72: 'LONG_BINPUT',
  0x73: 'SETITEM',
  0x74: 'TUPLE',
  0x29: 'EMPTY_TUPLE',
  0x75: 'SETITEMS',
  0x47: 'BINFLOAT',
  0x80: 'PROTO',
  0x81: 'NEWOBJ',
  0x82: 'EXT1',
  0x83: 'EXT2',
  0x84: 'EXT4',
  0x85: 'TUPLE1',
  0x86: 'TUPLE2',
  0x87: 'TUPLE3',
  0x88: 'NEWTRUE',
  0x89: 'NEWFALSE',
  0x8a: 'LONG1',
  0x8b: 'LONG4',
  0x42: 'BINBYTES',
  0x43: 'SHORT_BINBYTES',
  0x8c: 'SHORT_BINUNICODE',
  0x8d: 'BINUNICODE8',
  0x8e: 'BINBYTES8',
  0x8f: 'EMPTY_SET',
  0x90: 'ADDITEMS',
  0x91: 'FROZENSET',
  0x92: 'NEWOBJ_EX',
  0x93: 'STACK_GLOBAL',
  0x94: 'MEMOIZE',
  0x95: 'FRAME',
  0x96: 'BYTEARRAY8',
  0x97: 'NEXT_BUFFER',
  0x98: 'READONLY_BUFFER',
};

/** Python 2 module names a Python 3 unpickler maps (`_compat_pickle.IMPORT_MAPPING`, the ones that matter here). */
const PY2_MODULES: Readonly<Record<string, string>> = lookupTable({
  __builtin__: 'builtins',
  exceptions: 'builtins',
  copy_reg: 'copyreg',
  cPickle: 'pickle',
  commands: 'subprocess',
  urllib2: 'urllib.request',
  httplib: 'http.client',
  cStringIO: 'io',
  StringIO: 'io',
  SocketServer: 'socketserver',
  Queue: 'queue',
  UserDict: 'collections',
  cookielib: 'http.cookiejar',
  BaseHTTPServer: 'http.server',
  SimpleHTTPServer: 'http.server',
  CGIHTTPServer: 'http.server',
  dbm: 'dbm.ndbm',
  thread: '_thread',
});

export function normaliseModule(module: string): string {
  const dot = module.indexOf('.');
  const head = dot === -1 ? module : module.slice(0, dot);
  const mapped = PY2_MODULES[head];
  return mapped === undefined ? module : mapped + (dot === -1 ? '' : module.slice(dot));
}

/**
 * Why the machine stops reading a stream: thrown inside it and caught by `run`, never beyond. Not an
 * `Error`, so that no stack is captured: every text file whose first byte is also a text opcode is
 * sniffed, and almost all of them stop here within a few bytes.
 */
class PickleStop {
  constructor(
    readonly message: string,
    readonly offset: number,
  ) {}
}
class PickleError extends PickleStop {
  constructor(
    message: string,
    offset: number,
    readonly eof = false,
  ) {
    super(message, offset);
  }
}
class PickleLimit extends PickleStop {}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

/** Emulates one pickle stream starting at `start`. Never throws for bad input. */
export function scanPickleStream(
  src: ByteSource,
  start: number,
  index: number,
  limits: PickleLimits = DEFAULT_PICKLE_LIMITS,
  deadline = Date.now() + limits.maxMillis,
): PickleStream {
  const m = new Machine(src, start, index, limits, deadline);
  m.run();
  return m.result;
}

class Machine {
  private buf: Uint8Array = EMPTY;
  private base: number;
  private p = 0;
  private stack: Value[] = [];
  /** Stack height: entries above it are stale (the array is reused, never shrunk). */
  private sp = 0;
  private marks: number[] = [];
  private memo = new Map<number, Value>();
  private importsByName = new Map<string, PickleImport>();
  /** Objects and imported classes whose `__setstate__` a BUILD set to an imported callable. */
  private setstates = new Map<object, PickleImport>();
  /** Attributes of imported objects (`numpy.prod.a`) that a BUILD set, with the value set. */
  private patched = new Map<string, Value>();
  readonly result: PickleStream;

  constructor(
    private readonly src: ByteSource,
    start: number,
    index: number,
    private readonly limits: PickleLimits,
    private readonly deadline: number,
  ) {
    this.base = start;
    this.result = { index, start, end: start, protocol: 0, opcodes: 0, stopped: false, imports: [], storageKeys: [], persistentIds: 0 };
  }

  private get pos(): number {
    return this.base + this.p;
  }

  /** Makes `n` bytes available at `p`. */
  private need(n: number, at: number): void {
    if (this.p + n <= this.buf.length) return;
    const abs = this.base + this.p;
    if (abs + n > this.src.size)
      throw new PickleError(
        `pickle data ends unexpectedly (truncated ${OPCODE_NAMES[this.src.read(at, 1)[0]] ?? 'opcode'} at byte ${at})`,
        at,
        true,
      );
    this.buf = readAll(this.src, abs, Math.max(CHUNK, n));
    this.base = abs;
    this.p = 0;
    if (this.buf.length < n) throw new PickleError('pickle data ends unexpectedly', at, true);
  }

  private skip(n: number, at: number): void {
    const abs = this.base + this.p + n;
    if (abs > this.src.size)
      throw new PickleError(
        `pickle data ends unexpectedly: ${OPCODE_NAMES[this.src.read(at, 1)[0]]} at byte ${at} announces ${n} bytes, past the end`,
        at,
        true,
      );
    if (this.p + n <= this.buf.length) this.p += n;
    else {
      this.base = abs;
      this.p = 0;
      this.buf = EMPTY;
    }
  }

  private line(at: number): Uint8Array {
    let window = 4096;
    for (;;) {
      const nl = this.buf.indexOf(0x0a, this.p);
      if (nl !== -1) {
        const out = this.buf.subarray(this.p, nl);
        this.p = nl + 1;
        return out;
      }
      const have = this.buf.length - this.p;
      if (have >= this.limits.maxLine)
        throw new PickleLimit(`pickle text line at byte ${at} is longer than ${this.limits.maxLine} bytes`, at);
      if (this.pos + have >= this.src.size)
        throw new PickleError(`pickle data ends inside a text operand (${OPCODE_NAMES[this.src.read(at, 1)[0]]} at byte ${at})`, at, true);
      window = Math.max(window * 4, have + 1);
      const abs = this.pos;
      this.buf = readAll(this.src, abs, Math.min(Math.max(CHUNK, window), this.limits.maxLine + 1));
      this.base = abs;
      this.p = 0;
    }
  }

  private u8(at: number): number {
    if (this.p >= this.buf.length) this.need(1, at);
    return this.buf[this.p++];
  }

  private u32(at: number): number {
    if (this.p + 4 > this.buf.length) this.need(4, at);
    const b = this.buf;
    const p = this.p;
    this.p = p + 4;
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16)) + b[p + 3] * 0x1000000;
  }

  private bytes(n: number, at: number): Uint8Array {
    this.need(n, at);
    const out = this.buf.subarray(this.p, this.p + n);
    this.p += n;
    return out;
  }

  private push(v: Value): void {
    this.stack[this.sp++] = v;
  }

  private pop(at: number): Value {
    if (this.sp === 0) throw new PickleError(`stack underflow at byte ${at} (${OPCODE_NAMES[this.src.read(at, 1)[0]]})`, at);
    const v = this.stack[--this.sp];
    if (this.marks.length && this.sp < this.marks[this.marks.length - 1])
      throw new PickleError(`${OPCODE_NAMES[this.src.read(at, 1)[0]]} at byte ${at} pops across a MARK`, at);
    return v;
  }

  private top(at: number): Value {
    if (this.sp === 0) throw new PickleError(`stack underflow at byte ${at}`, at);
    const v = this.stack[this.sp - 1];
    return v;
  }

  private popMark(at: number, keep: boolean): Value[] {
    const mark = this.marks.pop();
    if (mark === undefined) throw new PickleError(`${OPCODE_NAMES[this.src.read(at, 1)[0]]} at byte ${at} has no MARK`, at);
    const items = keep ? this.stack.slice(mark, this.sp) : [];
    this.sp = mark;
    return items;
  }

  private memoPut(key: number, at: number): void {
    this.memo.set(key, this.top(at));
    if (this.memo.size > this.limits.maxMemo) throw new PickleLimit(`pickle memo exceeds ${this.limits.maxMemo} entries at byte ${at}`, at);
  }

  private memoGet(key: number, at: number): void {
    const v = this.memo.get(key);
    if (v === undefined) throw new PickleError(`memo key ${key} is not defined (GET at byte ${at})`, at);
    this.push(v);
  }

  private import(module: string, name: string, opcode: string, at: number, resolved = true): PickleImport {
    const dotted = resolved ? `${normaliseModule(module)}.${name}` : module;
    let imp = this.importsByName.get(dotted);
    if (imp) {
      imp.count++;
      return imp;
    }
    imp = {
      module,
      name,
      dotted,
      offset: at,
      end: this.pos,
      opcode,
      resolved,
      count: 1,
      calls: [],
      callCount: 0,
      stream: this.result.index,
    };
    this.importsByName.set(dotted, imp);
    this.result.imports.push(imp);
    return imp;
  }

  private call(callee: Value, opcode: string, at: number, args: Value | undefined): ObjValue {
    if (callee.k !== 'global') return { k: 'obj', of: null };
    const imp = callee.imp;
    imp.callCount++;
    if (imp.calls.length < MAX_CALLS) {
      const preview = args ? previewArgs(args) : undefined;
      imp.calls.push(preview ? { offset: at, opcode, args: preview } : { offset: at, opcode });
    }
    // Allow-listed rebuild helpers that call a callable they are given: that callable is called too.
    const passOn = CALLS_ARGUMENT[imp.dotted];
    if (passOn !== undefined && args?.k === 'tuple' && args.items[passOn.callee]?.k === 'global') {
      const rest = args.items[passOn.args];
      const passed: Value =
        passOn.args === -1
          ? { k: 'tuple', items: args.items.slice(passOn.callee + 1) }
          : rest?.k === 'tuple'
            ? rest
            : { k: 'tuple', items: [] };
      this.call(args.items[passOn.callee], opcode, at, passed);
    }
    const obj: ObjValue = { k: 'obj', of: imp };
    if (args?.k === 'tuple' && args.items[0]?.k === 'str' && /(^|\.)dtype$/.test(imp.dotted)) obj.dtype = args.items[0].v ?? undefined;
    return obj;
  }

  private str(b: Uint8Array, decoder: { decode(b: Uint8Array): string }): Value {
    return { k: 'str', v: b.length > MAX_KEPT_STRING ? null : decoder.decode(b) };
  }

  private bigStr(n: number, at: number): Value {
    if (n > MAX_KEPT_STRING) {
      this.skip(n, at);
      return { k: 'str', v: null };
    }
    return this.str(this.bytes(n, at), utf8);
  }

  run(): void {
    const r = this.result;
    try {
      this.loop();
    } catch (e) {
      if (e instanceof PickleLimit) r.limit = { offset: e.offset, message: e.message };
      else if (e instanceof PickleError) r.error = { offset: e.offset, message: e.message };
      else if (e instanceof RangeError)
        r.limit = { offset: this.pos, message: `pickle structure too large to analyse at byte ${this.pos} (${e.message})` };
      else throw e;
    }
    r.end = Math.min(this.pos, this.src.size);
  }

  private loop(): void {
    const r = this.result;
    let ops = 0;
    let nextCheck = 1 << 16;
    try {
      for (;;) {
        if (this.p >= this.buf.length) this.need(1, this.pos);
        const at = this.base + this.p;
        const op = this.buf[this.p++];
        if (++ops >= nextCheck) {
          r.opcodes = ops;
          nextCheck += 1 << 16;
          if (ops > this.limits.maxOpcodes)
            throw new PickleLimit(`pickle stream has more than ${this.limits.maxOpcodes} opcodes; analysis stopped at byte ${at}`, at);
          if (this.sp > this.limits.maxStack || this.marks.length > this.limits.maxStack)
            throw new PickleLimit(`pickle stack exceeds ${this.limits.maxStack} entries at byte ${at}`, at);
          if (Date.now() > this.deadline)
            throw new PickleLimit(`pickle analysis took longer than ${this.limits.maxMillis / 1000} s; stopped at byte ${at}`, at);
        }
        if (op === 0x4a) {
          // BININT
          this.push(intValue(this.u32(at) | 0));
        } else if (op === 0x4b) {
          // BININT1
          this.push(SMALL_INTS[this.u8(at)]);
        } else if (op === 0x28) {
          // MARK
          this.marks.push(this.sp);
        } else if (op === 0x71) {
          // BINPUT
          this.memoPut(this.u8(at), at);
        } else if (op === 0x68) {
          // BINGET
          this.memoGet(this.u8(at), at);
        } else {
          const extra = this.step(op, at);
          if (extra < 0) {
            r.stopped = true;
            return;
          }
          ops += extra;
        }
      }
    } finally {
      r.opcodes = ops;
    }
  }

  /** Executes one opcode (the hot ones are inlined in `loop`); returns the extra opcodes consumed, or -1 at STOP. */
  private step(op: number, at: number): number {
    const r = this.result;
    let extra = 0;
    switch (op) {
      case 0x47: {
        // BINFLOAT; runs of them (lists and arrays of floats) are consumed in one go.
        if (this.p + 8 > this.buf.length) this.need(8, at);
        const buf = this.buf;
        const last = buf.length - 9;
        const stack = this.stack;
        let p = this.p + 8;
        let sp = this.sp;
        stack[sp++] = FLOAT;
        while (p <= last && buf[p] === 0x47) {
          stack[sp++] = FLOAT;
          p += 9;
          extra++;
        }
        this.p = p;
        this.sp = sp;
        break;
      }
      case 0x4b: // BININT1
        this.need(1, at);
        this.push(SMALL_INTS[this.buf[this.p++]]);
        break;
      case 0x4d: // BININT2
        this.need(2, at);
        this.push(intValue(this.buf[this.p] | (this.buf[this.p + 1] << 8)));
        this.p += 2;
        break;
      case 0x4a: {
        // BININT
        this.push(intValue(this.u32(at) | 0));
        break;
      }
      case 0x8a: {
        // LONG1
        const n = this.u8(at);
        this.push(longValue(this.bytes(n, at)));
        break;
      }
      case 0x8b: {
        // LONG4
        const n = this.u32(at);
        if (n > 8) this.skip(n, at);
        this.push(n > 8 ? OTHER : longValue(this.bytes(n, at)));
        break;
      }
      case 0x49: {
        // INT
        const t = latin1.decode(this.line(at)).trim();
        if (t === '00' || t === '01') this.push(BOOL);
        else {
          const v = Number(t.endsWith('L') ? t.slice(0, -1) : t);
          if (!/^[+-]?\d+L?$/.test(t)) throw new PickleError(`INT at byte ${at} has a bad operand`, at);
          this.push(intValue(v));
        }
        break;
      }
      case 0x4c: {
        // LONG
        const t = latin1.decode(this.line(at)).trim();
        if (!/^[+-]?\d+L?$/.test(t)) throw new PickleError(`LONG at byte ${at} has a bad operand`, at);
        this.push(intValue(Number(t.endsWith('L') ? t.slice(0, -1) : t)));
        break;
      }
      case 0x46: {
        // FLOAT
        const t = latin1.decode(this.line(at)).trim();
        if (t === '' || (Number.isNaN(Number(t)) && !/^[+-]?(nan|inf)/i.test(t)))
          throw new PickleError(`FLOAT at byte ${at} has a bad operand`, at);
        this.push(FLOAT);
        break;
      }
      case 0x4e: // NONE
        this.push(NONE);
        break;
      case 0x88: // NEWTRUE
      case 0x89: // NEWFALSE
        this.push(BOOL);
        break;
      case 0x53: // STRING
        this.push({ k: 'str', v: decodeStringRepr(this.line(at), at) });
        break;
      case 0x54: {
        // BINSTRING
        const n = this.u32(at);
        if (n > 0x7fffffff) throw new PickleError(`BINSTRING at byte ${at} has a negative length`, at);
        if (n > MAX_KEPT_STRING) {
          this.skip(n, at);
          this.push({ k: 'str', v: null });
        } else this.push(this.str(this.bytes(n, at), latin1));
        break;
      }
      case 0x55: // SHORT_BINSTRING
        this.push(this.str(this.bytes(this.u8(at), at), latin1));
        break;
      case 0x56: // UNICODE
        this.push({ k: 'str', v: decodeRawUnicodeEscape(this.line(at)) });
        break;
      case 0x58: // BINUNICODE
        this.push(this.bigStr(this.u32(at), at));
        break;
      case 0x8c: // SHORT_BINUNICODE
        this.push(this.str(this.bytes(this.u8(at), at), utf8));
        break;
      case 0x8d: // BINUNICODE8
        this.push(this.bigStr(u64le(this.bytes(8, at)), at));
        break;
      case 0x42: // BINBYTES
        this.skip(this.u32(at), at);
        this.push(BYTES);
        break;
      case 0x43: // SHORT_BINBYTES
        this.skip(this.u8(at), at);
        this.push(BYTES);
        break;
      case 0x8e: // BINBYTES8
      case 0x96: // BYTEARRAY8
        this.skip(u64le(this.bytes(8, at)), at);
        this.push(BYTES);
        break;
      case 0x97: // NEXT_BUFFER
        this.push(BYTES);
        break;
      case 0x98: // READONLY_BUFFER
        this.top(at);
        break;
      case 0x29: // EMPTY_TUPLE
        this.push({ k: 'tuple', items: [] });
        break;
      case 0x85: // TUPLE1
        this.push({ k: 'tuple', items: [this.pop(at)] });
        break;
      case 0x86: {
        // TUPLE2
        const b = this.pop(at);
        this.push({ k: 'tuple', items: [this.pop(at), b] });
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = this.pop(at);
        const b = this.pop(at);
        this.push({ k: 'tuple', items: [this.pop(at), b, c] });
        break;
      }
      case 0x74: // TUPLE
        this.push({ k: 'tuple', items: this.popMark(at, true) });
        break;
      case 0x5d: // EMPTY_LIST
        this.push(LIST);
        break;
      case 0x6c: // LIST
        this.popMark(at, false);
        this.push(LIST);
        break;
      case 0x61: // APPEND
        this.pop(at);
        this.top(at);
        break;
      case 0x65: // APPENDS
        this.popMark(at, false);
        this.top(at);
        break;
      case 0x7d: // EMPTY_DICT
        this.push({ k: 'dict', entries: new Map() });
        break;
      case 0x64: {
        // DICT
        const d: DictValue = { k: 'dict', entries: new Map() };
        setItems(d, this.popMark(at, true));
        this.push(d);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = this.pop(at);
        const k = this.pop(at);
        const d = this.top(at);
        if (d.k === 'dict') setItems(d, [k, v]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = this.popMark(at, true);
        const d = this.top(at);
        if (d.k === 'dict') setItems(d, items);
        break;
      }
      case 0x8f: // EMPTY_SET
        this.push(SET);
        break;
      case 0x90: // ADDITEMS
        this.popMark(at, false);
        this.top(at);
        break;
      case 0x91: // FROZENSET
        this.popMark(at, false);
        this.push(SET);
        break;
      case 0x28: // MARK
        this.marks.push(this.sp);
        break;
      case 0x30: // POP
        if (this.marks.length && this.marks[this.marks.length - 1] === this.sp) this.marks.pop();
        else this.pop(at);
        break;
      case 0x31: // POP_MARK
        this.popMark(at, false);
        break;
      case 0x32: // DUP
        this.push(this.top(at));
        break;
      case 0x67: {
        // GET
        const t = latin1.decode(this.line(at)).trim();
        if (!/^\d+$/.test(t)) throw new PickleError(`GET at byte ${at} has a bad operand`, at);
        this.memoGet(Number(t), at);
        break;
      }
      case 0x68: // BINGET
        this.memoGet(this.u8(at), at);
        break;
      case 0x6a: // LONG_BINGET
        this.memoGet(this.u32(at), at);
        break;
      case 0x70: {
        // PUT
        const t = latin1.decode(this.line(at)).trim();
        if (!/^\d+$/.test(t)) throw new PickleError(`PUT at byte ${at} has a bad operand`, at);
        this.memoPut(Number(t), at);
        break;
      }
      case 0x71: // BINPUT
        this.memoPut(this.u8(at), at);
        break;
      case 0x72: // LONG_BINPUT
        this.memoPut(this.u32(at), at);
        break;
      case 0x94: // MEMOIZE
        this.memoPut(this.memo.size, at);
        break;
      case 0x63: {
        // GLOBAL
        const module = utf8.decode(this.line(at));
        const name = utf8.decode(this.line(at));
        this.push(this.imported(this.import(module, name, 'GLOBAL', at)));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = this.pop(at);
        const module = this.pop(at);
        if (module.k === 'str' && name.k === 'str' && module.v !== null && name.v !== null)
          this.push(this.imported(this.import(module.v, name.v, 'STACK_GLOBAL', at)));
        else
          this.push({
            k: 'global',
            imp: this.import(`<unresolved: ${describe(module)} . ${describe(name)}>`, '', 'STACK_GLOBAL', at, false),
          });
        break;
      }
      case 0x69: {
        // INST
        const module = utf8.decode(this.line(at));
        const name = utf8.decode(this.line(at));
        const imp = this.import(module, name, 'INST', at);
        const args = this.popMark(at, true);
        this.push(this.call(this.imported(imp), 'INST', at, { k: 'tuple', items: args }));
        break;
      }
      case 0x82: // EXT1
      case 0x83: // EXT2
      case 0x84: {
        // EXT4
        const n = op === 0x82 ? 1 : op === 0x83 ? 2 : 4;
        const b = this.bytes(n, at);
        const code = n === 1 ? b[0] : n === 2 ? b[0] | (b[1] << 8) : u32le(b);
        this.push({ k: 'global', imp: this.import(`<copyreg extension code ${code}>`, '', OPCODE_NAMES[op], at, false) });
        break;
      }
      case 0x52: {
        // REDUCE
        const args = this.pop(at);
        const fn = this.pop(at);
        this.push(this.call(fn, 'REDUCE', at, args));
        break;
      }
      case 0x6f: {
        // OBJ
        const items = this.popMark(at, true);
        if (items.length === 0) throw new PickleError(`OBJ at byte ${at} has no class`, at);
        this.push(this.call(items[0], 'OBJ', at, { k: 'tuple', items: items.slice(1) }));
        break;
      }
      case 0x81: {
        // NEWOBJ
        const args = this.pop(at);
        this.push(this.call(this.pop(at), 'NEWOBJ', at, args));
        break;
      }
      case 0x92: {
        // NEWOBJ_EX
        this.pop(at);
        const args = this.pop(at);
        this.push(this.call(this.pop(at), 'NEWOBJ_EX', at, args));
        break;
      }
      case 0x62: {
        // BUILD
        const state = this.pop(at);
        const target = this.top(at);
        if (target.k === 'obj' && target.of?.dotted === 'joblib.numpy_pickle.NumpyArrayWrapper') this.skipJoblibArray(state, at);
        else this.build(target, state, at);
        break;
      }
      case 0x50: // PERSID
        this.line(at);
        r.persistentIds++;
        this.push(OTHER);
        break;
      case 0x51: {
        // BINPERSID
        const pid = this.pop(at);
        r.persistentIds++;
        if (
          pid.k === 'tuple' &&
          pid.items[0]?.k === 'str' &&
          pid.items[0].v === 'storage' &&
          pid.items[2]?.k === 'str' &&
          pid.items[2].v !== null
        ) {
          if (r.storageKeys.length < MAX_STORAGE_KEYS) r.storageKeys.push(pid.items[2].v);
        }
        this.push(OTHER);
        break;
      }
      case 0x80: {
        // PROTO
        const v = this.u8(at);
        if (v > 5) throw new PickleError(`unsupported pickle protocol ${v} at byte ${at}`, at);
        r.protocol = v;
        break;
      }
      case 0x95: // FRAME
        this.bytes(8, at);
        break;
      case 0x2e: {
        // STOP
        const v = this.pop(at);
        if (v.k === 'int') r.returned = { int: v.v };
        else if (v.k === 'tuple' && v.items.length > 0) {
          const last = v.items[v.items.length - 1];
          if (last.k === 'global') r.returned = { lastGlobal: last.imp.dotted };
        }
        return -1;
      }
      default:
        throw new PickleError(`invalid pickle opcode 0x${op.toString(16).padStart(2, '0')} at byte ${at}`, at);
    }
    return extra;
  }

  /**
   * BUILD calls the target's `__setstate__(state)` when it has one, and only otherwise stores the
   * state in its `__dict__` (or, for the second item of a `(state, slotstate)` pair, sets each
   * attribute). A state that stores a callable as `__setstate__` makes the next BUILD on the same
   * object (or on an instance of the class so patched) call it with its state.
   */
  private build(target: Value, state: Value, at: number): void {
    const key = target.k === 'obj' ? target : target.k === 'global' ? target.imp : undefined;
    if (key === undefined) return;
    const setstate = this.setstates.get(key) ?? (target.k === 'obj' && target.of ? this.setstates.get(target.of) : undefined);
    if (setstate) {
      this.call({ k: 'global', imp: setstate }, 'BUILD', at, { k: 'tuple', items: [state] });
      return;
    }
    const dicts = state.k === 'dict' ? [state] : state.k === 'tuple' && state.items.length === 2 ? state.items : [];
    for (const d of dicts) {
      if (d.k !== 'dict') continue;
      const fn = d.entries.get('__setstate__');
      if (fn?.k === 'global') this.setstates.set(key, fn.imp);
      // On an imported module, function or class, the state sets its attributes: a later import of one gets the value set.
      if (target.k === 'global')
        for (const [name, v] of d.entries) if (this.patched.size < MAX_PATCHED) this.patched.set(`${target.imp.dotted}.${name}`, v);
    }
  }

  /** What an import pushes: the value an earlier BUILD set on that attribute of an imported object, if any. */
  private imported(imp: PickleImport): Value {
    const v = this.patched.size === 0 ? undefined : this.patched.get(imp.dotted);
    return v ?? { k: 'global', imp };
  }

  /**
   * joblib writes each NumPy array's bytes straight after the BUILD of its `NumpyArrayWrapper`
   * (object arrays as a nested pickle): skip them as joblib's unpickler reads them.
   */
  private skipJoblibArray(state: Value, at: number): void {
    if (state.k !== 'dict') throw new PickleError(`joblib array wrapper at byte ${at} has no readable state`, at);
    const dtype = state.entries.get('dtype');
    const shape = state.entries.get('shape');
    const dt = dtype?.k === 'obj' ? dtype.dtype : dtype?.k === 'str' ? dtype.v : undefined;
    if (!dt) throw new PickleError(`joblib array wrapper at byte ${at} has an unknown dtype`, at);
    // `numpy.dtype('O8')` is how an object dtype pickles; `hasobject` arrays are written as a nested pickle.
    if (/^[|=<>]?O\d*$/.test(dt)) {
      const nested = scanPickleStream(this.src, this.pos, this.result.index, this.limits, this.deadline);
      for (const imp of nested.imports) {
        const known = this.importsByName.get(imp.dotted);
        if (known) {
          known.count += imp.count;
          known.callCount += imp.callCount;
          known.calls.push(...imp.calls.slice(0, MAX_CALLS - known.calls.length));
        } else {
          this.importsByName.set(imp.dotted, imp);
          this.result.imports.push(imp);
        }
      }
      if (nested.error) throw new PickleError(nested.error.message, nested.error.offset);
      if (nested.limit) throw new PickleLimit(nested.limit.message, nested.limit.offset);
      this.base = nested.end;
      this.p = 0;
      this.buf = EMPTY;
      return;
    }
    const size = itemSize(dt);
    if (size === undefined) throw new PickleError(`joblib array wrapper at byte ${at} has an unsupported dtype '${dt}'`, at);
    let count = 1;
    if (shape?.k !== 'tuple') throw new PickleError(`joblib array wrapper at byte ${at} has no shape`, at);
    for (const d of shape.items) {
      if (d.k !== 'int' || d.v < 0) throw new PickleError(`joblib array wrapper at byte ${at} has a bad shape`, at);
      count *= d.v;
    }
    if (state.entries.get('numpy_array_alignment_bytes')?.k === 'int') {
      const pad = this.u8(at);
      this.skip(pad, at);
    }
    this.skip(count * size, at);
  }
}

function setItems(d: DictValue, items: Value[]): void {
  for (let i = 0; i + 1 < items.length; i += 2) {
    const k = items[i];
    // Past the bound, only the key BUILD acts on is kept: padding must not hide it.
    if (k.k === 'str' && k.v !== null && (d.entries.size < MAX_DICT_ENTRIES || k.v === '__setstate__')) d.entries.set(k.v, items[i + 1]);
  }
}

/** Bytes per element of a NumPy type string such as `<f4`, `|b1`, `<U8`; undefined when unknown. */
export function itemSize(descr: string): number | undefined {
  const m = /^[<>=|]?([?bBhHiIlLqQefdgFDGmMuUSaVc])(\d*)$/.exec(descr);
  if (!m) return undefined;
  const [, kind, digits] = m;
  const n = digits === '' ? undefined : Number(digits);
  switch (kind) {
    case '?':
    case 'b':
    case 'B':
    case 'c':
      return n ?? 1;
    case 'h':
    case 'H':
    case 'e':
      return 2;
    case 'i':
    case 'u':
    case 'f':
    case 'm':
    case 'M':
    case 'S':
    case 'a':
    case 'V':
      return n;
    case 'I':
      return 4;
    case 'l':
    case 'L':
    case 'q':
    case 'Q':
    case 'd':
      return 8;
    case 'g':
      return 16;
    case 'F':
      return 8;
    case 'D':
      return 16;
    case 'G':
      return 32;
    case 'U':
      return n === undefined ? undefined : 4 * n;
  }
  return undefined;
}

function u32le(b: Uint8Array): number {
  return (b[0] | (b[1] << 8) | (b[2] << 16)) + b[3] * 0x1000000;
}
function u64le(b: Uint8Array): number {
  const hi = u32le(b.subarray(4));
  return hi >= 0x200000 ? Number.MAX_SAFE_INTEGER : hi * 0x100000000 + u32le(b);
}
function longValue(b: Uint8Array): Value {
  if (b.length === 0) return SMALL_INTS[0];
  if (b.length > 6) return OTHER;
  let v = 0;
  for (let i = b.length - 1; i >= 0; i--) v = v * 256 + b[i];
  if (b[b.length - 1] & 0x80) v -= 2 ** (8 * b.length);
  return intValue(v);
}

function describe(v: Value): string {
  if (v.k === 'str') return v.v === null ? 'long string' : JSON.stringify(v.v.slice(0, 40));
  if (v.k === 'obj') return v.of ? `result of ${v.of.dotted}(…)` : 'computed value';
  if (v.k === 'global') return v.imp.dotted;
  return v.k;
}

function previewArgs(args: Value): string | undefined {
  if (args.k !== 'tuple') return undefined;
  const parts: string[] = [];
  for (const a of args.items) {
    if (a.k === 'str') parts.push(a.v === null ? "'…'" : `'${a.v.length > 60 ? a.v.slice(0, 60) + '…' : a.v}'`);
    else if (a.k === 'int') parts.push(String(a.v));
    else if (a.k === 'none') parts.push('None');
    else if (a.k === 'global') parts.push(a.imp.dotted);
    else parts.push('…');
    if (parts.length >= 4) break;
  }
  const s = parts.join(', ').replace(/[\r\n\t]/g, ' ');
  return s.length > 120 ? s.slice(0, 120) + '…' : s;
}

/** Decodes a Python 2 `repr` of a byte string, as the STRING opcode carries it. */
function decodeStringRepr(line: Uint8Array, at: number): string | null {
  let s = latin1.decode(line);
  if (s.endsWith('\r')) s = s.slice(0, -1);
  const q = s[0];
  if (s.length < 2 || (q !== "'" && q !== '"') || s[s.length - 1] !== q)
    throw new PickleError(`STRING at byte ${at} is not a quoted string`, at);
  const body = s.slice(1, -1);
  if (body.length > MAX_KEPT_STRING) return null;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[++i];
    if (n === undefined) break;
    const simple: Record<string, string> = {
      n: '\n',
      t: '\t',
      r: '\r',
      '\\': '\\',
      "'": "'",
      '"': '"',
      a: '\x07',
      b: '\b',
      f: '\f',
      v: '\v',
      '\n': '',
    };
    if (n in simple) out += simple[n];
    else if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 1, i + 3))) {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (n >= '0' && n <= '7') {
      let j = i;
      while (j < i + 3 && body[j] >= '0' && body[j] <= '7') j++;
      out += String.fromCharCode(parseInt(body.slice(i, j), 8) & 0xff);
      i = j - 1;
    } else out += '\\' + n;
  }
  return out;
}

/** Decodes Python's `raw-unicode-escape` (UNICODE opcode): only `\uXXXX` and `\UXXXXXXXX` are escapes. */
function decodeRawUnicodeEscape(line: Uint8Array): string | null {
  if (line.length > MAX_KEPT_STRING) return null;
  const s = latin1.decode(line);
  return s.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, a: string | undefined, b: string | undefined) => {
    const cp = parseInt(a ?? b!, 16);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
  });
}

/**
 * Emulates every pickle stream of `src` from `start`: a stream that ends with STOP is followed by
 * another when the next bytes form one (concatenated pickles); a broken stream keeps what it
 * found before the break. `maxStreams` bounds the streams read (the legacy PyTorch format has 5).
 */
export function scanPickles(
  src: ByteSource,
  start = 0,
  limits: PickleLimits = DEFAULT_PICKLE_LIMITS,
  maxStreams = limits.maxStreams,
): PickleScan {
  const deadline = Date.now() + limits.maxMillis;
  const streams: PickleStream[] = [];
  let pos = start;
  let trailing: PickleScan['trailing'];
  while (pos < src.size) {
    if (streams.length >= maxStreams) {
      trailing = { offset: pos, size: src.size - pos };
      break;
    }
    const s = scanPickleStream(src, pos, streams.length, limits, deadline);
    if (streams.length > 0 && !s.stopped && s.imports.length === 0 && !startsWithProto(src, pos)) {
      trailing = { offset: pos, size: src.size - pos };
      break;
    }
    streams.push(s);
    if (!s.stopped || s.end <= pos) break;
    pos = s.end;
  }
  return { streams, imports: streams.flatMap((s) => s.imports), ...(trailing ? { trailing } : {}) };
}

function startsWithProto(src: ByteSource, pos: number): boolean {
  const b = src.read(pos, 2);
  return b.length === 2 && b[0] === 0x80 && b[1] <= 5;
}

const TEXT_START = new Set([...'(c]})NISVFLlditPGJKMTUX'].map((c) => c.charCodeAt(0)));
/**
 * Binary opcodes of protocols 2–5 that can start a stream: the unpickler never requires PROTO, so
 * `pickle.load` and `torch.load` run a stream that starts with FRAME, a string, bytes, a bool, a
 * long, an empty set or an extension code just as well. Like text streams, such a stream must prove itself.
 */
const BINARY_START = new Set([0x95, 0x8c, 0x8d, 0x8e, 0x42, 0x43, 0x88, 0x89, 0x8a, 0x8b, 0x8f, 0x82, 0x83, 0x84, 0x96]);
/** A stream without PROTO: protocol 0/1 text or binary opcodes. */
const startsWithoutProto = (b: number): boolean => TEXT_START.has(b) || BINARY_START.has(b);

/**
 * Whether `head` (the first bytes of something of `size` bytes) starts a pickle. Binary protocols
 * start with PROTO; streams without it (protocol 0/1 text, or binary opcodes with PROTO left out)
 * must parse cleanly for at least three opcodes and either reach STOP (their first import, if any,
 * one Python could import) or, when `hinted` by the name, run to the end of the head without an error.
 */
/** True when `head` is a clean protocol 0/1 pickle prefix that runs past its end: a longer head may decide. */
const wellFormedImport = (i: PickleImport) => /^[A-Za-z_][\w.]*\.[A-Za-z_][\w.]*$/.test(i.dotted);

/** A text (protocol 0/1) stream that imports a well-formed `module.name`, however soon it breaks after. */
export function textPickleImports(head: Uint8Array): boolean {
  if (!startsLikeTextPickle(head)) return false;
  const s = scanPickleStream(new BufferSource(head), 0, 0, { ...DEFAULT_PICKLE_LIMITS, maxMillis: 1000 });
  return !s.limit && s.imports.some(wellFormedImport);
}

/** The first byte is one a protocol 0/1 pickle (no PROTO opcode) starts with. */
export function startsLikeTextPickle(head: Uint8Array): boolean {
  return head.length > 0 && TEXT_START.has(head[0]);
}

/** The first byte is one a pickle stream may start with (PROTO or another opcode). */
export function startsLikePickle(head: Uint8Array): boolean {
  return head.length > 0 && (head[0] === 0x80 || startsWithoutProto(head[0]));
}

export function textPickleUndecided(head: Uint8Array, size: number): boolean {
  if (head.length >= size || head.length < 2 || !startsWithoutProto(head[0])) return false;
  const s = scanPickleStream(new BufferSource(head), 0, 0, { ...DEFAULT_PICKLE_LIMITS, maxMillis: 1000 });
  return !s.limit && !s.stopped && s.opcodes >= 3 && s.error !== undefined && s.error.message.includes('ends');
}

export function sniffPickle(head: Uint8Array, size: number, hinted: boolean): boolean {
  if (head.length < 2) return false;
  if (head[0] === 0x80) {
    if (head[1] > 5 || head.length < 3 || OPCODE_NAMES[head[2]] === undefined) return false;
  } else if (!startsWithoutProto(head[0])) return false;
  const s = scanPickleStream(new BufferSource(head), 0, 0, { ...DEFAULT_PICKLE_LIMITS, maxMillis: 1000 });
  if (s.limit) return false;
  const cut = s.error !== undefined && s.error.message.includes('ends') && head.length < size;
  // A binary stream that breaks early is only a pickle if it imported something, got some way, or is named like one.
  if (head[0] === 0x80) return !s.error || cut || s.imports.length > 0 || s.opcodes >= 6 || (hinted && s.opcodes >= 2);
  if (s.opcodes < 3) return false;
  // Python imports a stream's first GLOBAL/INST before anything after it runs: one that names no importable
  // `module.name` ends the load, so such a stream is ordinary text that happens to start with `c`, `i` or `(`
  // (a CommonJS file's `const x = require(...)` lines read as GLOBAL, LONG_BINPUTs and STOP).
  if (s.stopped) return hinted || s.imports.length === 0 || wellFormedImport(s.imports[0]);
  if (cut) return hinted;
  // A text stream broken after a call of a well-formed import: a payload followed by garbage.
  return s.imports.some((i) => i.callCount > 0 && wellFormedImport(i));
}
