/**
 * A tiny pickle assembler for tests and examples: each method appends one opcode with its
 * operands, so fixtures read like a disassembly and every byte offset is known.
 */
export class PickleBuilder {
  private chunks: number[] = [];

  /** Offset of the next opcode. */
  get offset(): number {
    return this.chunks.length;
  }

  raw(bytes: ArrayLike<number> | string): this {
    const b = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
    for (let i = 0; i < b.length; i++) this.chunks.push(b[i]);
    return this;
  }
  private op(code: number, ...operand: number[]): this {
    this.chunks.push(code, ...operand);
    return this;
  }
  private le(n: number, width: number): number[] {
    const out: number[] = [];
    let v = BigInt(n);
    for (let i = 0; i < width; i++) {
      out.push(Number(v & 0xffn));
      v >>= 8n;
    }
    return out;
  }

  proto(v: number): this {
    return this.op(0x80, v);
  }
  frame(n: number): this {
    return this.op(0x95, ...this.le(n, 8));
  }
  stop(): this {
    return this.op(0x2e);
  }
  mark(): this {
    return this.op(0x28);
  }
  pop(): this {
    return this.op(0x30);
  }
  popMark(): this {
    return this.op(0x31);
  }
  dup(): this {
    return this.op(0x32);
  }
  none(): this {
    return this.op(0x4e);
  }
  bool(v: boolean): this {
    return this.op(v ? 0x88 : 0x89);
  }
  /** GLOBAL `module\nname\n` (protocols 0–3). */
  global(module: string, name: string): this {
    return this.op(0x63).raw(Buffer.from(`${module}\n${name}\n`, 'utf8'));
  }
  /** INST: imports and calls with the items since the last MARK. */
  inst(module: string, name: string): this {
    return this.op(0x69).raw(Buffer.from(`${module}\n${name}\n`, 'utf8'));
  }
  stackGlobal(): this {
    return this.op(0x93);
  }
  /** SHORT_BINUNICODE (protocol 4+), or BINUNICODE for longer strings. */
  str(s: string): this {
    const b = Buffer.from(s, 'utf8');
    return b.length < 256 ? this.op(0x8c, b.length).raw(b) : this.op(0x58, ...this.le(b.length, 4)).raw(b);
  }
  binunicode(s: string): this {
    const b = Buffer.from(s, 'utf8');
    return this.op(0x58, ...this.le(b.length, 4)).raw(b);
  }
  /** STRING: a quoted repr on one line (protocol 0). */
  string(s: string): this {
    return this.op(0x53).raw(`'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'\n`);
  }
  binstring(s: string): this {
    return this.op(0x54, ...this.le(s.length, 4)).raw(s);
  }
  shortBinstring(s: string): this {
    return this.op(0x55, s.length).raw(s);
  }
  /** UNICODE: raw-unicode-escape on one line (protocol 0). */
  unicode(s: string): this {
    return this.op(0x56).raw(Buffer.from(s.replace(/\\/g, '\\u005c').replace(/\n/g, '\\u000a') + '\n', 'latin1'));
  }
  binbytes(b: ArrayLike<number>): this {
    return b.length < 256 ? this.op(0x43, b.length).raw(b) : this.op(0x42, ...this.le(b.length, 4)).raw(b);
  }
  int(n: number): this {
    if (n >= 0 && n < 256) return this.op(0x4b, n);
    if (n >= 0 && n < 65536) return this.op(0x4d, ...this.le(n, 2));
    return this.op(0x4a, ...this.le(n >>> 0, 4));
  }
  /** INT / LONG / FLOAT as protocol 0 text. */
  textInt(n: number): this {
    return this.op(0x49).raw(`${n}\n`);
  }
  long1(bytes: number[]): this {
    return this.op(0x8a, bytes.length, ...bytes);
  }
  float(v: number): this {
    const b = Buffer.alloc(8);
    b.writeDoubleBE(v);
    return this.op(0x47).raw(b);
  }
  textFloat(v: number): this {
    return this.op(0x46).raw(`${v}\n`);
  }
  emptyTuple(): this {
    return this.op(0x29);
  }
  tuple(): this {
    return this.op(0x74);
  }
  tuple1(): this {
    return this.op(0x85);
  }
  tuple2(): this {
    return this.op(0x86);
  }
  tuple3(): this {
    return this.op(0x87);
  }
  emptyList(): this {
    return this.op(0x5d);
  }
  list(): this {
    return this.op(0x6c);
  }
  append(): this {
    return this.op(0x61);
  }
  appends(): this {
    return this.op(0x65);
  }
  emptyDict(): this {
    return this.op(0x7d);
  }
  dict(): this {
    return this.op(0x64);
  }
  setitem(): this {
    return this.op(0x73);
  }
  setitems(): this {
    return this.op(0x75);
  }
  emptySet(): this {
    return this.op(0x8f);
  }
  additems(): this {
    return this.op(0x90);
  }
  reduce(): this {
    return this.op(0x52);
  }
  build(): this {
    return this.op(0x62);
  }
  obj(): this {
    return this.op(0x6f);
  }
  newobj(): this {
    return this.op(0x81);
  }
  newobjEx(): this {
    return this.op(0x92);
  }
  memoize(): this {
    return this.op(0x94);
  }
  binput(i: number): this {
    return this.op(0x71, i);
  }
  longBinput(i: number): this {
    return this.op(0x72, ...this.le(i, 4));
  }
  binget(i: number): this {
    return this.op(0x68, i);
  }
  longBinget(i: number): this {
    return this.op(0x6a, ...this.le(i, 4));
  }
  put(i: number): this {
    return this.op(0x70).raw(`${i}\n`);
  }
  get(i: number): this {
    return this.op(0x67).raw(`${i}\n`);
  }
  persid(s: string): this {
    return this.op(0x50).raw(`${s}\n`);
  }
  binpersid(): this {
    return this.op(0x51);
  }
  ext1(code: number): this {
    return this.op(0x82, code);
  }
  ext2(code: number): this {
    return this.op(0x83, ...this.le(code, 2));
  }
  ext4(code: number): this {
    return this.op(0x84, ...this.le(code, 4));
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

export const pickle = (): PickleBuilder => new PickleBuilder();

/** `os.system(command)` the way `pickle.dumps` writes a `__reduce__` payload at protocol 2. */
export function osSystemPayload(command: string, protocol = 2): Uint8Array {
  const p = pickle().proto(protocol);
  if (protocol >= 4) p.str('posix').memoize().str('system').memoize().stackGlobal().memoize();
  else p.global('posix', 'system').binput(0);
  return p.str(command).tuple1().reduce().stop().bytes();
}

export interface TensorSpec {
  name: string;
  /** Storage key: the member `archive/data/<key>`. */
  key: string;
  shape: number[];
  storage?: string;
}

/**
 * The `data.pkl` that `torch.save(state_dict)` writes (protocol 2): an OrderedDict of tensors
 * rebuilt by `torch._utils._rebuild_tensor_v2` from persistent-id storages.
 */
export function torchStateDictPickle(tensors: TensorSpec[], extra?: (p: PickleBuilder) => void): Uint8Array {
  const p = pickle().proto(2);
  p.global('collections', 'OrderedDict').binput(0).emptyTuple().reduce().binput(1);
  let memo = 2;
  if (tensors.length) p.mark();
  for (const t of tensors) {
    p.str(t.name).binput(memo++);
    p.global('torch._utils', '_rebuild_tensor_v2').binput(memo++);
    p.mark()
      .mark()
      .str('storage')
      .binput(memo++)
      .global('torch', t.storage ?? 'FloatStorage')
      .binput(memo++);
    p.str(t.key)
      .binput(memo++)
      .str('cpu')
      .binput(memo++)
      .int(t.shape.reduce((a, b) => a * b, 1))
      .tuple()
      .binput(memo++)
      .binpersid();
    p.int(0);
    p.mark();
    for (const d of t.shape) p.int(d);
    p.tuple().binput(memo++);
    p.mark();
    let stride = 1;
    const strides: number[] = [];
    for (let i = t.shape.length - 1; i >= 0; i--) {
      strides.unshift(stride);
      stride *= t.shape[i];
    }
    for (const s of strides) p.int(s);
    p.tuple().binput(memo++);
    p.bool(false).global('collections', 'OrderedDict').binput(memo++).emptyTuple().reduce().binput(memo++);
    p.tuple().binput(memo++).reduce().binput(memo++);
  }
  if (tensors.length) p.setitems();
  extra?.(p);
  return p.stop().bytes();
}
