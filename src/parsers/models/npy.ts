import { ascii, u16, u32, type ByteSource } from './byte-source.js';
import type { NpyHeader } from './documents.js';

/** NumPy `.npy`: `\x93NUMPY`, version, header length, a Python dict literal, then the data. */
export const NPY_MAGIC = Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);
const MAX_HEADER = 1024 * 1024;

export function looksLikeNpy(head: Uint8Array): boolean {
  return head.length >= 10 && NPY_MAGIC.every((b, i) => head[i] === b);
}

export class NpyError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Reads the header; the data starts at `dataOffset`. */
export function readNpyHeader(src: ByteSource): { header: NpyHeader; dataOffset: number } {
  const pre = src.read(0, 12);
  const major = pre[6];
  const minor = pre[7];
  if (major < 1 || major > 3) throw new NpyError(`unsupported .npy format version ${major}.${minor}`, 6);
  const lenBytes = major === 1 ? 2 : 4;
  if (pre.length < 8 + lenBytes) throw new NpyError('.npy header is truncated', 8);
  const len = major === 1 ? u16(pre, 8) : u32(pre, 8);
  const start = 8 + lenBytes;
  if (len > MAX_HEADER) throw new NpyError(`.npy header is ${len} bytes, over the ${MAX_HEADER}-byte limit`, 8);
  if (start + len > src.size) throw new NpyError(`.npy header length ${len} runs past the end of the data`, 8);
  const text = ascii(src.read(start, len));
  let value: unknown;
  try {
    value = new LiteralParser(text).parse();
  } catch (e) {
    throw new NpyError(`.npy header is not a valid dict literal: ${(e as Error).message}`, start);
  }
  if (!isDict(value)) throw new NpyError('.npy header is not a dict', start);
  const descr = value.get('descr');
  const fortran = value.get('fortran_order');
  const shape = value.get('shape');
  if (descr === undefined || typeof fortran !== 'boolean' || !Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && d >= 0))
    throw new NpyError(".npy header lacks a valid 'descr', 'fortran_order' or 'shape'", start);
  return {
    header: {
      version: `${major}.${minor}`,
      descr: typeof descr === 'string' ? descr : JSON.stringify(descr),
      fortranOrder: fortran,
      shape: shape as number[],
      objectArray: hasObject(descr),
      headerOffset: start,
      headerEnd: start + len,
    },
    dataOffset: start + len,
  };
}

function isDict(v: unknown): v is Map<string, unknown> {
  return v instanceof Map;
}

function hasObject(descr: unknown): boolean {
  if (typeof descr === 'string') return /^[|<>=]?O\d*$/.test(descr);
  if (Array.isArray(descr)) return descr.some((d) => (Array.isArray(d) ? d.slice(1).some(hasObject) : hasObject(d)));
  return false;
}

/** A parser for the Python literals a NumPy header holds: dicts, tuples, lists, strings, ints, booleans, None. */
class LiteralParser {
  private i = 0;
  private depth = 0;
  constructor(private readonly s: string) {}
  parse(): unknown {
    const v = this.value();
    this.ws();
    if (this.i < this.s.length) throw new Error(`unexpected '${this.s[this.i]}' at ${this.i}`);
    return v;
  }
  private ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++;
  }
  private value(): unknown {
    this.ws();
    if (++this.depth > 32) throw new Error('nesting too deep');
    try {
      const c = this.s[this.i];
      if (c === '{') return this.seq('}', true);
      if (c === '(') return this.seq(')', false);
      if (c === '[') return this.seq(']', false);
      if (c === "'" || c === '"') return this.str(c);
      const m = /^(True|False|None|-?\d+L?)/.exec(this.s.slice(this.i, this.i + 32));
      if (!m) throw new Error(`unexpected '${c ?? 'end'}' at ${this.i}`);
      this.i += m[1].length;
      return m[1] === 'True' ? true : m[1] === 'False' ? false : m[1] === 'None' ? null : Number(m[1].replace('L', ''));
    } finally {
      this.depth--;
    }
  }
  private str(q: string): string {
    let out = '';
    for (this.i++; this.i < this.s.length; this.i++) {
      const c = this.s[this.i];
      if (c === q) {
        this.i++;
        return out;
      }
      if (c === '\\') out += this.s[++this.i] ?? '';
      else out += c;
    }
    throw new Error('unterminated string');
  }
  private seq(close: string, dict: boolean): unknown {
    this.i++;
    const items: unknown[] = [];
    const map = new Map<string, unknown>();
    for (;;) {
      this.ws();
      if (this.s[this.i] === close) {
        this.i++;
        return dict ? map : items;
      }
      const v = this.value();
      if (dict) {
        this.ws();
        if (this.s[this.i++] !== ':') throw new Error(`expected ':' at ${this.i - 1}`);
        if (typeof v !== 'string') throw new Error('dict key is not a string');
        map.set(v, this.value());
      } else items.push(v);
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== close) throw new Error(`expected ',' or '${close}' at ${this.i}`);
    }
  }
}
