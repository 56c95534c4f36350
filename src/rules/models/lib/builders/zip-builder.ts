import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipMemberOptions {
  /** `store` (default) or `deflate`. */
  method?: 'store' | 'deflate';
  /** Extra general-purpose flag bits (PyTorch sets 0x08 with data descriptors). */
  flags?: number;
  /** Write this CRC instead of the real one. */
  crc?: number;
  /** Write this name in the local header instead of the central one. */
  localName?: string;
  /** Record this compression method number while storing the data as is (an unsupported method). */
  rawMethod?: number;
  /** Pad the local extra field so the data starts at a multiple of this (PyTorch aligns to 64). */
  align?: number;
  /** Record this uncompressed size instead of the real one (a member that lies about its size). */
  size?: number;
}

interface Member {
  name: string;
  data: Uint8Array;
  opts: ZipMemberOptions;
}

/** A small zip writer for fixtures, with the quirks PyTorch produces and accepts. */
export class ZipBuilder {
  private members: Member[] = [];

  add(name: string, data: Uint8Array | string, opts: ZipMemberOptions = {}): this {
    this.members.push({ name, data: typeof data === 'string' ? Buffer.from(data, 'utf8') : data, opts });
    return this;
  }

  /** `zip64: true` writes zip64 extra fields and end records, as large PyTorch checkpoints do. */
  build(opts: { zip64?: boolean; centralDirectory?: boolean; prefix?: Uint8Array } = {}): Uint8Array {
    const out: Buffer[] = [];
    let pos = 0;
    const push = (b: Buffer | Uint8Array) => {
      const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
      out.push(buf);
      pos += buf.length;
    };
    if (opts.prefix) push(opts.prefix);
    const central: Buffer[] = [];
    for (const m of this.members) {
      const method = m.opts.rawMethod ?? (m.opts.method === 'deflate' ? 8 : 0);
      const body = method === 8 ? deflateRawSync(m.data) : m.data;
      const crc = m.opts.crc ?? crc32(m.data);
      const name = Buffer.from(m.name, 'utf8');
      const localName = Buffer.from(m.opts.localName ?? m.name, 'utf8');
      const flags = (m.opts.flags ?? 0) | 0x800;
      const offset = pos;
      const zip64Extra = opts.zip64 ? Buffer.alloc(20) : Buffer.alloc(0);
      if (opts.zip64) {
        zip64Extra.writeUInt16LE(1, 0);
        zip64Extra.writeUInt16LE(16, 2);
        zip64Extra.writeBigUInt64LE(BigInt(m.data.length), 4);
        zip64Extra.writeBigUInt64LE(BigInt(body.length), 12);
      }
      let pad = Buffer.alloc(0);
      if (m.opts.align) {
        const start = pos + 30 + localName.length + zip64Extra.length + 4;
        const n = (m.opts.align - (start % m.opts.align)) % m.opts.align;
        pad = Buffer.alloc(4 + n);
        pad.writeUInt16LE(0x4246, 0);
        pad.writeUInt16LE(n, 2);
      }
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(opts.zip64 ? 45 : 20, 4);
      local.writeUInt16LE(flags, 6);
      local.writeUInt16LE(method, 8);
      local.writeUInt32LE(crc >>> 0, 14);
      local.writeUInt32LE(opts.zip64 ? 0xffffffff : body.length, 18);
      local.writeUInt32LE(opts.zip64 ? 0xffffffff : (m.opts.size ?? m.data.length), 22);
      local.writeUInt16LE(localName.length, 26);
      local.writeUInt16LE(zip64Extra.length + pad.length, 28);
      push(local);
      push(localName);
      push(zip64Extra);
      push(pad);
      push(body);
      const cExtra = opts.zip64 ? Buffer.alloc(28) : Buffer.alloc(0);
      if (opts.zip64) {
        cExtra.writeUInt16LE(1, 0);
        cExtra.writeUInt16LE(24, 2);
        cExtra.writeBigUInt64LE(BigInt(m.data.length), 4);
        cExtra.writeBigUInt64LE(BigInt(body.length), 12);
        cExtra.writeBigUInt64LE(BigInt(offset), 20);
      }
      const c = Buffer.alloc(46);
      c.writeUInt32LE(0x02014b50, 0);
      c.writeUInt16LE(opts.zip64 ? 45 : 20, 4);
      c.writeUInt16LE(opts.zip64 ? 45 : 20, 6);
      c.writeUInt16LE(flags, 8);
      c.writeUInt16LE(method, 10);
      c.writeUInt32LE(crc >>> 0, 16);
      c.writeUInt32LE(opts.zip64 ? 0xffffffff : body.length, 20);
      c.writeUInt32LE(opts.zip64 ? 0xffffffff : (m.opts.size ?? m.data.length), 24);
      c.writeUInt16LE(name.length, 28);
      c.writeUInt16LE(cExtra.length, 30);
      c.writeUInt32LE(opts.zip64 ? 0xffffffff : offset, 42);
      central.push(c, name, cExtra);
    }
    if (opts.centralDirectory === false) return new Uint8Array(Buffer.concat(out));
    const cdOffset = pos;
    for (const c of central) push(c);
    const cdSize = pos - cdOffset;
    const n = this.members.length;
    if (opts.zip64) {
      const z = Buffer.alloc(56);
      z.writeUInt32LE(0x06064b50, 0);
      z.writeBigUInt64LE(44n, 4);
      z.writeUInt16LE(45, 12);
      z.writeUInt16LE(45, 14);
      z.writeBigUInt64LE(BigInt(n), 24);
      z.writeBigUInt64LE(BigInt(n), 32);
      z.writeBigUInt64LE(BigInt(cdSize), 40);
      z.writeBigUInt64LE(BigInt(cdOffset), 48);
      const zAt = pos;
      push(z);
      const loc = Buffer.alloc(20);
      loc.writeUInt32LE(0x07064b50, 0);
      loc.writeBigUInt64LE(BigInt(zAt), 8);
      loc.writeUInt32LE(1, 16);
      push(loc);
    }
    const e = Buffer.alloc(22);
    e.writeUInt32LE(0x06054b50, 0);
    e.writeUInt16LE(opts.zip64 ? 0xffff : n, 8);
    e.writeUInt16LE(opts.zip64 ? 0xffff : n, 10);
    e.writeUInt32LE(opts.zip64 ? 0xffffffff : cdSize, 12);
    e.writeUInt32LE(opts.zip64 ? 0xffffffff : cdOffset, 16);
    push(e);
    return new Uint8Array(Buffer.concat(out));
  }
}

export const zip = (): ZipBuilder => new ZipBuilder();

/**
 * A PyTorch (>= 1.6) zip checkpoint: `<prefix>/data.pkl`, `byteorder`, one `data/<key>` member per
 * storage (64-byte aligned, as `torch.save` writes them), `version`, `.data/serialization_id`.
 */
export function torchZip(dataPkl: Uint8Array, storages: Record<string, Uint8Array>, prefix = 'archive', zip64 = false): Uint8Array {
  const z = zip().add(`${prefix}/data.pkl`, dataPkl, { align: 64 }).add(`${prefix}/byteorder`, 'little', { align: 64 });
  for (const [key, data] of Object.entries(storages)) z.add(`${prefix}/data/${key}`, data, { align: 64 });
  return z
    .add(`${prefix}/version`, '3\n', { align: 64 })
    .add(`${prefix}/.data/serialization_id`, '1234567890123456789012345678901234567890', { align: 64 })
    .build({ zip64 });
}
