import { readAll, u32, u64, utf8Text, type ByteSource } from './byte-source.js';
import type { GgufDocument } from './documents.js';

/** GGUF: `GGUF`, version, tensor count, metadata count, then typed key/value pairs. */
export function looksLikeGguf(head: Uint8Array): boolean {
  return (
    head.length >= 8 &&
    head[0] === 0x47 &&
    head[1] === 0x47 &&
    head[2] === 0x55 &&
    head[3] === 0x46 &&
    u32(head, 4) >= 1 &&
    u32(head, 4) <= 3
  );
}

export class GgufError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly limit = false,
  ) {
    super(message);
  }
}

const MAX_KV = 1_000_000;
const MAX_KEY = 65_536;
const MAX_KEPT_STRING = 4 * 1024 * 1024;
const MAX_ARRAY = 1_000_000_000;
const CHUNK = 1024 * 1024;
/** llama.cpp's `general.file_type` values: how the weights are quantised. */
const FILE_TYPES: Record<number, string> = {
  0: 'F32',
  1: 'F16',
  2: 'Q4_0',
  3: 'Q4_1',
  7: 'Q8_0',
  8: 'Q5_0',
  9: 'Q5_1',
  10: 'Q2_K',
  11: 'Q3_K_S',
  12: 'Q3_K_M',
  13: 'Q3_K_L',
  14: 'Q4_K_S',
  15: 'Q4_K_M',
  16: 'Q5_K_S',
  17: 'Q5_K_M',
  18: 'Q6_K',
  32: 'BF16',
};
const DESCRIPTIVE_STRINGS = new Set(['general.name', 'general.license', 'general.basename', 'general.size_label']);
const MAX_DESCRIPTIVE = 1024;

/** Sizes of the fixed-width value types, by GGUF type id. */
const FIXED: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

class Cursor {
  private buf: Uint8Array = new Uint8Array(0);
  private base = 0;
  pos = 0;
  constructor(private readonly src: ByteSource) {}
  bytes(n: number): Uint8Array {
    if (this.pos + n > this.src.size) throw new GgufError(`GGUF metadata ends unexpectedly at byte ${this.pos}`, this.pos);
    if (this.pos < this.base || this.pos + n > this.base + this.buf.length) {
      this.base = this.pos;
      this.buf = readAll(this.src, this.pos, Math.max(CHUNK, n));
    }
    const out = this.buf.subarray(this.pos - this.base, this.pos - this.base + n);
    this.pos += n;
    return out;
  }
  skip(n: number): void {
    if (this.pos + n > this.src.size) throw new GgufError(`GGUF value at byte ${this.pos} runs past the end of the file`, this.pos);
    this.pos += n;
  }
}

/** Reads the metadata (never the tensor data), keeping chat templates with their byte offsets. */
export function readGguf(doc: GgufDocument, src: ByteSource): void {
  const c = new Cursor(src);
  c.bytes(4);
  const version = u32(c.bytes(4), 0);
  doc.version = version;
  const wide = version >= 2;
  const len = (): number => (wide ? u64(c.bytes(8), 0) : u32(c.bytes(4), 0));
  doc.tensorCount = len();
  const kvCount = len();
  if (kvCount > MAX_KV) throw new GgufError(`GGUF declares ${kvCount} metadata entries, over the limit of ${MAX_KV}`, c.pos, true);
  for (let i = 0; i < kvCount; i++) {
    const keyAt = c.pos;
    const keyLen = len();
    if (keyLen > MAX_KEY) throw new GgufError(`GGUF metadata key at byte ${keyAt} is ${keyLen} bytes long`, keyAt);
    const key = utf8Text(c.bytes(keyLen));
    const type = u32(c.bytes(4), 0);
    if (type === 8) {
      const n = len();
      const at = c.pos;
      if (key === 'tokenizer.chat_template' || key.startsWith('tokenizer.chat_template.') || key === 'general.architecture') {
        if (n > MAX_KEPT_STRING)
          throw new GgufError(`GGUF value of ${key} is ${n} bytes, over the ${MAX_KEPT_STRING}-byte limit`, at, true);
        const value = utf8Text(c.bytes(n));
        if (key === 'general.architecture') doc.architecture = value;
        else doc.chatTemplates.push({ key, value, offset: at });
      } else if (DESCRIPTIVE_STRINGS.has(key) && n <= MAX_DESCRIPTIVE) doc.description[key.slice('general.'.length)] = utf8Text(c.bytes(n));
      else c.skip(n);
    } else if (type === 9) {
      const itemType = u32(c.bytes(4), 0);
      const count = len();
      if (count > MAX_ARRAY) throw new GgufError(`GGUF array ${key} declares ${count} items`, c.pos, true);
      if (itemType === 8) for (let k = 0; k < count; k++) c.skip(len());
      else if (FIXED[itemType] !== undefined) c.skip(count * FIXED[itemType]);
      else throw new GgufError(`GGUF array ${key} has unsupported item type ${itemType}`, c.pos);
    } else if ((type === 4 || type === 10) && (key === 'general.file_type' || key.endsWith('.context_length'))) {
      const value = type === 4 ? u32(c.bytes(4), 0) : u64(c.bytes(8), 0);
      if (key === 'general.file_type') doc.description.quantization = FILE_TYPES[value] ?? String(value);
      else doc.description.context_length = String(value);
    } else if (FIXED[type] !== undefined) c.skip(FIXED[type]);
    else throw new GgufError(`GGUF metadata ${key} has unknown value type ${type} at byte ${c.pos - 4}`, c.pos - 4);
  }
}
