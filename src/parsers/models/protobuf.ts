import { readAll, utf8Text, type ByteSource } from './byte-source.js';

/**
 * A streaming protobuf wire-format walker over a byte range: it visits fields without decoding
 * messages it is not asked about, and never reads the bytes of skipped length-delimited fields
 * (tensor data in ONNX initializers, large constants).
 */

export class ProtobufError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export interface Field {
  field: number;
  wire: number;
  /** For varints: the value (exact below 2^53). */
  value: number;
  /** For length-delimited fields: the payload range. */
  start: number;
  end: number;
  /** Offset of the field's tag. */
  tag: number;
}

const CHUNK = 256 * 1024;

export class ProtoReader {
  private buf: Uint8Array = new Uint8Array(0);
  private base = 0;
  constructor(readonly src: ByteSource) {}

  private byte(pos: number): number {
    if (pos < this.base || pos >= this.base + this.buf.length) {
      if (pos >= this.src.size) throw new ProtobufError(`protobuf data ends unexpectedly at byte ${pos}`, pos);
      this.base = pos;
      this.buf = readAll(this.src, pos, CHUNK);
    }
    return this.buf[pos - this.base];
  }

  private varint(pos: number, limit: number): [number, number] {
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= limit) throw new ProtobufError(`truncated varint at byte ${pos}`, pos);
      const b = this.byte(pos++);
      v += (b & 0x7f) * mul;
      mul *= 128;
      if (!(b & 0x80)) return [v, pos];
    }
    throw new ProtobufError(`varint longer than 10 bytes at byte ${pos}`, pos);
  }

  /** Visits the fields of the message in `[start, end)`. */
  *fields(start: number, end: number): Generator<Field> {
    let pos = start;
    while (pos < end) {
      const tag = pos;
      const [key, p1] = this.varint(pos, end);
      const field = Math.floor(key / 8);
      const wire = key & 7;
      if (field === 0) throw new ProtobufError(`invalid protobuf field number 0 at byte ${tag}`, tag);
      pos = p1;
      switch (wire) {
        case 0: {
          const [v, p2] = this.varint(pos, end);
          yield { field, wire, value: v, start: pos, end: p2, tag };
          pos = p2;
          break;
        }
        case 1:
          if (pos + 8 > end) throw new ProtobufError(`truncated fixed64 at byte ${pos}`, pos);
          yield { field, wire, value: 0, start: pos, end: pos + 8, tag };
          pos += 8;
          break;
        case 5:
          if (pos + 4 > end) throw new ProtobufError(`truncated fixed32 at byte ${pos}`, pos);
          yield { field, wire, value: 0, start: pos, end: pos + 4, tag };
          pos += 4;
          break;
        case 2: {
          const [len, p2] = this.varint(pos, end);
          if (p2 + len > end)
            throw new ProtobufError(`field ${field} at byte ${tag} is ${len} bytes long, past the end of its message`, tag);
          yield { field, wire, value: len, start: p2, end: p2 + len, tag };
          pos = p2 + len;
          break;
        }
        default:
          throw new ProtobufError(`unsupported protobuf wire type ${wire} at byte ${tag}`, tag);
      }
    }
  }

  string(f: Field, max = 64 * 1024): string {
    if (f.wire !== 2) throw new ProtobufError(`field ${f.field} at byte ${f.tag} is not a string`, f.tag);
    return utf8Text(readAll(this.src, f.start, Math.min(f.end - f.start, max)));
  }
}

/** Whether `head` starts with protobuf fields from `allowed` (field number → wire type). */
export function startsWithFields(head: Uint8Array, allowed: Record<number, number>, count: number): boolean {
  let pos = 0;
  let seen = 0;
  const varint = (): number | undefined => {
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 10 && pos < head.length; i++) {
      const b = head[pos++];
      v += (b & 0x7f) * mul;
      mul *= 128;
      if (!(b & 0x80)) return v;
    }
    return undefined;
  };
  while (seen < count && pos < head.length) {
    const key = varint();
    if (key === undefined) return false;
    const field = Math.floor(key / 8);
    if (allowed[field] !== (key & 7)) return false;
    const v = varint();
    if (v === undefined) return false;
    if ((key & 7) === 2) pos += v;
    seen++;
  }
  return seen >= Math.min(count, 1) && (seen >= count || pos >= head.length);
}
