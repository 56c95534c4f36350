import { readAll, u64, utf8Text, type ByteSource } from './byte-source.js';
import { SafetensorsDocument, type SafetensorsTensor } from './documents.js';
import { lookupTable } from '../../core/lookup-table.js';
import { jsonErrorMessage, printableName } from '../../core/printable.js';

/** The safetensors reference implementation refuses headers larger than this. */
export const MAX_SAFETENSORS_HEADER = 100_000_000;

/** Bits per element of each safetensors dtype. */
const DTYPE_BITS: Readonly<Record<string, number>> = lookupTable({
  BOOL: 8,
  U8: 8,
  I8: 8,
  F8_E5M2: 8,
  F8_E4M3: 8,
  F8_E8M0: 8,
  I16: 16,
  U16: 16,
  F16: 16,
  BF16: 16,
  I32: 32,
  U32: 32,
  F32: 32,
  F64: 64,
  I64: 64,
  U64: 64,
  C64: 64,
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6,
});

/** Longest part of a header (a tensor name, a dtype) a message quotes, in UTF-16 units before escaping. */
const MAX_SHOWN = 120;

/**
 * A tensor name or other text of the header as a message quotes it: the header is the file's author's,
 * so characters that do not print are escaped (`printableName`) and a long one is cut, its length said.
 */
function shown(text: string): string {
  return text.length > MAX_SHOWN ? `${printableName(text.slice(0, MAX_SHOWN))}… (${text.length} characters)` : printableName(text);
}

/** A value of the header: a string in double quotes, anything else as JSON, quoted as `shown` quotes text. */
function shownJson(value: unknown): string {
  return typeof value === 'string' ? `"${shown(value)}"` : shown(JSON.stringify(value) ?? String(value));
}

/** An 8-byte little-endian header length, then a JSON object (`{`). */
export function looksLikeSafetensors(head: Uint8Array, size: number): boolean {
  if (head.length < 10 || size < 10) return false;
  const n = u64(head, 0);
  return n >= 2 && head[8] === 0x7b && (head[9] === 0x22 || head[9] === 0x7d);
}

export interface HeaderProblem {
  message: string;
  start: number;
  end: number;
}

/**
 * Validates the header as the reference loader does: length, JSON, dtypes, shapes, offsets inside
 * the data buffer, sizes that match shape × dtype, no overlaps and no gaps. Never reads tensor data.
 */
export function readSafetensors(doc: SafetensorsDocument, src: ByteSource): HeaderProblem[] {
  const problems: HeaderProblem[] = [];
  const n = u64(src.read(0, 8), 0);
  doc.headerLength = n;
  if (n > MAX_SAFETENSORS_HEADER)
    return [{ message: `header length ${n} is over the ${MAX_SAFETENSORS_HEADER}-byte limit of safetensors loaders`, start: 0, end: 8 }];
  if (8 + n > src.size) return [{ message: `header length ${n} runs past the end of the file (${src.size} bytes)`, start: 0, end: 8 }];
  const raw = readAll(src, 8, n);
  const text = utf8Text(raw);
  let keys: Map<string, { start: number; end: number }> | undefined;
  const at = (name: string): { start: number; end: number } => {
    keys ??= topLevelKeys(raw, 8);
    return keys.get(name) ?? { start: 8, end: 8 + n };
  };
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    return [{ message: `header is not valid JSON: ${jsonErrorMessage(e)}`, start: 8, end: 8 + n }];
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    return [{ message: 'header is not a JSON object', start: 8, end: 8 + n }];
  const bufferSize = src.size - 8 - n;
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    const where = at(name);
    if (name === '__metadata__') {
      if (typeof info !== 'object' || info === null || Array.isArray(info) || Object.values(info).some((v) => typeof v !== 'string'))
        problems.push({ message: '__metadata__ must map strings to strings', ...where });
      else doc.metadata = info as Record<string, string>;
      continue;
    }
    const t = info as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof t !== 'object' || t === null) {
      problems.push({ message: `tensor '${shown(name)}' is not an object`, ...where });
      continue;
    }
    const bits = typeof t.dtype === 'string' ? DTYPE_BITS[t.dtype] : undefined;
    const shape = t.shape;
    const offsets = t.data_offsets;
    if (bits === undefined) {
      problems.push({ message: `tensor '${shown(name)}' has an unknown dtype ${shownJson(t.dtype)}`, ...where });
      continue;
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      problems.push({ message: `tensor '${shown(name)}' has an invalid shape ${shownJson(shape)}`, ...where });
      continue;
    }
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
      offsets[0] > offsets[1]
    ) {
      problems.push({ message: `tensor '${shown(name)}' has invalid data_offsets ${shownJson(offsets)}`, ...where });
      continue;
    }
    const [begin, end] = offsets as [number, number];
    if (end > bufferSize) {
      problems.push({ message: `tensor '${shown(name)}' data [${begin}, ${end}) lies outside the ${bufferSize}-byte data buffer`, ...where });
      continue;
    }
    const numel = (shape as number[]).reduce((a, b) => a * b, 1);
    const bytes = Math.ceil((numel * bits) / 8);
    if (bytes !== end - begin)
      problems.push({
        message: `tensor '${shown(name)}' is ${end - begin} bytes but shape ${shown(`[${shape.join(', ')}]`)} of ${t.dtype} needs ${bytes}`,
        ...where,
      });
    doc.tensors.push({ name, dtype: t.dtype as string, shape: shape as number[], begin, end });
  }
  const sorted: SafetensorsTensor[] = [...doc.tensors].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const t of sorted) {
    if (t.begin < cursor)
      problems.push({ message: `tensor '${shown(t.name)}' data [${t.begin}, ${t.end}) overlaps another tensor`, ...at(t.name) });
    else if (t.begin > cursor)
      problems.push({
        message: `data buffer has ${t.begin - cursor} unused bytes before tensor '${shown(t.name)}'`,
        ...at(t.name),
      });
    cursor = Math.max(cursor, t.end);
  }
  if (problems.length === 0 && cursor !== bufferSize)
    problems.push({
      message: `data buffer has ${bufferSize - cursor} bytes after the last tensor that no tensor describes`,
      start: 8 + n,
      end: 8 + n + 1,
    });
  return problems;
}

/**
 * Where each key of a JSON object's top level is, as byte offsets (plus `base`) of the quoted key,
 * the first time it appears: found in one pass over the bytes (JSON's structural characters are
 * ASCII, never part of a multi-byte sequence), not by searching the header for each name.
 */
function topLevelKeys(bytes: Uint8Array, base: number): Map<string, { start: number; end: number }> {
  const keys = new Map<string, { start: number; end: number }>();
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x22) {
      const start = i;
      for (i++; i < bytes.length && bytes[i] !== 0x22; i++) if (bytes[i] === 0x5c) i++;
      if (depth !== 1 || !expectKey) continue;
      expectKey = false;
      let name: unknown;
      try {
        name = JSON.parse(utf8Text(bytes.subarray(start, i + 1)));
      } catch {
        continue;
      }
      if (typeof name === 'string' && !keys.has(name)) keys.set(name, { start: base + start, end: base + i + 1 });
    } else if (b === 0x7b || b === 0x5b) {
      depth++;
      expectKey = b === 0x7b && depth === 1;
    } else if (b === 0x7d || b === 0x5d) depth--;
    else if (b === 0x2c) expectKey = depth === 1;
  }
  return keys;
}
