import { u32, type ByteSource } from './byte-source.js';
import { scanPickleStream, type PickleLimits, type PickleScan, type PickleStream } from './pickle.js';

/**
 * The members of PyTorch's oldest checkpoint format, a tarball that `torch.load` still reads
 * (`legacy_load`): `storages` and `tensors` are not one pickle but a count, then records of a pickle
 * followed by raw bytes, and `pickle` is the object itself. Every pickle in them is loaded.
 */
export const LEGACY_TAR_MEMBER = /^(?:\.\/)?(?:storages|tensors|pickle)$/;

/** Bytes per element of the storage types `torch.save` wrote in this format (`torch.cuda.*` too). */
const ELEMENT_SIZE: Readonly<Record<string, number>> = Object.assign(Object.create(null) as Record<string, number>, {
  Double: 8,
  Float: 4,
  Half: 2,
  BFloat16: 2,
  Long: 8,
  Int: 4,
  Short: 2,
  Char: 1,
  Byte: 1,
  Bool: 1,
  ComplexDouble: 16,
  ComplexFloat: 8,
  QUInt8: 1,
  QInt8: 1,
  QInt32: 4,
  QUInt4x2: 1,
  QUInt2x4: 1,
  Untyped: 1,
});

function elementSize(storageType: string | undefined): number | undefined {
  const m = storageType === undefined ? null : /^torch\.(?:cuda\.)?(\w+)Storage$/.exec(storageType);
  return m ? ELEMENT_SIZE[m[1]] : undefined;
}

function i64(src: ByteSource, at: number): number | undefined {
  const b = src.read(at, 8);
  if (b.length < 8) return undefined;
  const hi = u32(b, 4);
  return hi >= 0x200000 ? Number.MAX_SAFE_INTEGER : hi * 0x100000000 + u32(b, 0);
}

/**
 * Reads a `storages` or `tensors` member as `legacy_load` does: the record count, then for each
 * record its pickle and the bytes after it (a storage's element count and data; a tensor's sizes,
 * strides and offset), and after the storages the pickle of their views. Only streams that matter
 * (the first, those that import, break or stop at a bound) are kept.
 */
export function scanLegacyTarMember(kind: 'storages' | 'tensors', src: ByteSource, limits: PickleLimits): PickleScan {
  const deadline = Date.now() + limits.maxMillis;
  const streams: PickleStream[] = [];
  let index = 0;
  let pos = 0;
  const next = (): PickleStream => {
    const s = scanPickleStream(src, pos, index++, limits, deadline);
    if (streams.length === 0 || s.imports.length > 0 || s.error || s.limit) streams.push(s);
    pos = s.end;
    return s;
  };
  const broken = (s: PickleStream, message: string) => {
    if (!s.error && !s.limit) {
      s.error = { offset: pos, message };
      if (!streams.includes(s)) streams.push(s);
    }
  };
  const count = next();
  const n = count.stopped ? count.returned?.int : undefined;
  if (n !== undefined && n >= 0) {
    let i = 0;
    for (; i < n && pos < src.size; i++) {
      const record = next();
      if (!record.stopped) break;
      if (Date.now() > deadline) {
        record.limit ??= { offset: pos, message: `pickle analysis took longer than ${limits.maxMillis / 1000} s; stopped at byte ${pos}` };
        if (!streams.includes(record)) streams.push(record);
        break;
      }
      let skip: number | undefined;
      if (kind === 'storages') {
        const size = elementSize(record.returned?.lastGlobal);
        const numel = i64(src, pos);
        if (size === undefined) {
          broken(
            record,
            `legacy PyTorch storage record ${i + 1} at byte ${record.start} names no storage type Sanctum knows; the rest of the member was not read`,
          );
          break;
        }
        skip = numel === undefined ? undefined : 8 + numel * size;
      } else {
        const b = src.read(pos, 4);
        skip = b.length < 4 ? undefined : 8 + 16 * (u32(b, 0) | 0) + 8;
      }
      if (skip === undefined || skip < 0 || pos + skip > src.size) {
        broken(record, `legacy PyTorch ${kind} record ${i + 1} at byte ${record.start} announces data past the end of the member`);
        break;
      }
      pos += skip;
    }
    if (kind === 'storages' && i === n && pos < src.size) next();
  }
  return { streams, imports: streams.flatMap((s) => s.imports) };
}
