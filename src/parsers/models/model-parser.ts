import type { ScanDocument } from '../../core/document.js';
import { ParseFailure, type Limits, type ParseContext, type ParseError, type ParseOutput, type Parser } from '../../core/parser.js';
import { looksBinary, type SourceFile } from '../../core/source-file.js';
import { ascii, BufferSource, readAll, SliceSource, utf8Text, type ByteSource } from './byte-source.js';
import { TarIndexError, walkTar, type TarEntry } from '../../sources/image/tar-index.js';
import { formatLimit, memberLimitProblem } from './archive-limits.js';
import { bunzip } from './bzip2.js';
import { BlockSource, inflateHead, Inflater, InflateError, InflateLimit, type Codec } from './inflate.js';
import { findH5ModelConfig, HDF5_MAGIC, KerasLimit, looksLikeHdf5, readKerasConfig } from './keras.js';
import { looksLikeOnnx, readOnnx } from './onnx.js';
import { ProtobufError } from './protobuf.js';
import { looksLikeSavedModel, readSavedModel } from './savedmodel.js';
import {
  GgufDocument,
  KerasDocument,
  MODEL_KINDS,
  ModelFileDocument,
  NpyDocument,
  OnnxDocument,
  PickleDocument,
  SafetensorsDocument,
  SavedModelDocument,
  type ModelDocument,
} from './documents.js';
import { GgufError, looksLikeGguf, readGguf } from './gguf.js';
import { looksLikeSafetensors, readSafetensors } from './safetensors.js';
import { looksLikeNpy, NpyError, readNpyHeader } from './npy.js';
import {
  DEFAULT_PICKLE_LIMITS,
  scanPickles,
  sniffPickle,
  startsLikePickle,
  startsLikeTextPickle,
  textPickleImports,
  textPickleUndecided,
  type PickleLimits,
  type PickleScan,
} from './pickle.js';
import { LEGACY_TAR_MEMBER, scanLegacyTarMember } from './legacy-tar.js';
import {
  endsLikeZip,
  looksLikeZip,
  memberHead,
  memberSource,
  readZip,
  ZipFailure,
  ZipLimit,
  type InflateBudget,
  type ZipEntry,
} from './zip.js';
import { jsonErrorMessage, printableName } from '../../core/printable.js';

export type ModelFormat =
  | 'zip'
  | 'tar'
  | 'tar-gzip'
  | 'pickle'
  | 'pytorch-legacy'
  | 'npy'
  | 'compressed-pickle'
  | 'compressed-unsupported'
  | 'compressed-not-pickle'
  | 'safetensors'
  | 'gguf'
  | 'onnx'
  | 'savedmodel'
  | 'hdf5'
  | '7z'
  | 'rar'
  | 'unrecognised';

/** Archive formats Sanctum does not read, by signature: reported, never skipped in silence. */
const UNREAD_ARCHIVES: [ModelFormat, number[]][] = [
  ['7z', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
  ['rar', [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07]],
];

/** The legacy (pre-1.6) PyTorch format starts with a pickle of this magic number. */
const LEGACY_MAGIC = Uint8Array.from([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]);
const PICKLE_NAME = /\.(?:pkl|pickle|p|pt|pth|bin|ckpt|joblib|sav|dat|data|model|mdl|pk)$/i;
/**
 * Names no other format uses: a stream under one of them is read as a pickle however early it breaks
 * (protocol 0/1 streams have no PROTO opcode to recognise them by), and one that does not start with
 * an opcode is reported as a broken pickle. `.pt` is also TorchScript's and other tools' name: only
 * streams that start like a protocol 0/1 pickle are taken.
 */
const STRONG_PICKLE_NAME = /\.(?:pkl|pickle|pk|joblib)$/i;
const OPCODE_PICKLE_NAME = /\.(?:pkl|pickle|pk|joblib|pt)$/i;
/**
 * Names that promise one model format. A binary file under one of them that is none of the formats
 * Sanctum reads is reported (damaged, truncated, or a payload in disguise), never skipped in silence;
 * text under them (Git LFS pointers, Chameleon `.pt` page templates) is not a model.
 */
const CLAIMED_FORMATS: [RegExp, string, string][] = [
  [/\.safetensors$/i, 'safetensors', 'safetensors'],
  [/\.gguf$/i, 'gguf', 'GGUF'],
  [/\.onnx$/i, 'onnx', 'ONNX'],
  [/\.(?:h5|hdf5)$/i, 'hdf5', 'HDF5'],
  [/\.keras$/i, 'keras', 'Keras'],
  [/\.npy$/i, 'npy', 'NumPy array'],
  [/\.npz$/i, 'npz', 'NumPy archive'],
  [/\.(?:pt|pth)$/i, 'pytorch', 'PyTorch'],
];

/** The format a file's name promises: its id (as documents name formats) and how people call it. */
function claimedFormat(name: string): { id: string; label: string; extension: string } | undefined {
  const claim = CLAIMED_FORMATS.find(([re]) => re.test(name));
  return claim && { id: claim[1], label: claim[2], extension: name.slice(name.lastIndexOf('.')) };
}

/** HDF5 allows a user block before the superblock: the signature may also sit at 512, 1024, 2048… */
function hdf5AfterUserBlock(head: Uint8Array): boolean {
  for (let at = 512; at + HDF5_MAGIC.length <= head.length; at *= 2) if (HDF5_MAGIC.every((b, i) => head[at + i] === b)) return true;
  return false;
}

/** Checkpoint names other files share (`.pth` path files of site-packages): a text stream must import a well-formed name. */
const CHECKPOINT_NAME = /\.(?:pth|ckpt|sav)$/i;
/** A Git LFS pointer stands in for a file that was not fetched: it is text, not a model. */
const LFS_POINTER = 'version https://git-lfs.github.com/spec/';
const HEAD = 8192;
/** How far a text pickle without a telling name is followed to decide whether it is one. */
const TEXT_SNIFF_BYTES = 1024 * 1024;
/** Archives read member by member, each counting one level of nesting. */
const ARCHIVES = new Set<ModelFormat>(['zip', 'tar', 'tar-gzip']);
/** Gzipped tarballs (SageMaker's `model.tar.gz` model artifacts): the name must say so. */
const TAR_GZIP_NAME = /\.(?:tar\.gz|tgz)$/i;

/** A POSIX (ustar) or GNU tar header: the magic at byte 257. */
function looksLikeTar(head: Uint8Array): boolean {
  return head.length >= 263 && ascii(head.subarray(257, 262)) === 'ustar';
}

/** joblib's compressed dumps (`compress=…`) and gzipped pickles: the name must say so. */
const COMPRESSED_PICKLE_NAME = /\.(?:joblib|pkl|pickle|sav)(?:\.(?:gz|z|zlib|bz2|xz|lzma|lz4))?$|\.(?:pkl|pickle|joblib)\.\w+$/i;

type Compression = 'zlib' | 'gzip' | 'bz2' | 'xz' | 'lzma' | 'lz4';

function compressionOf(h: Uint8Array): Compression | undefined {
  if (h.length < 6) return undefined;
  if (h[0] === 0x78 && (h[1] === 0x01 || h[1] === 0x5e || h[1] === 0x9c || h[1] === 0xda) && ((h[0] << 8) | h[1]) % 31 === 0) return 'zlib';
  if (h[0] === 0x1f && h[1] === 0x8b && h[2] === 8) return 'gzip';
  if (h[0] === 0x42 && h[1] === 0x5a && h[2] === 0x68) return 'bz2';
  if (h[0] === 0xfd && h[1] === 0x37 && h[2] === 0x7a && h[3] === 0x58 && h[4] === 0x5a && h[5] === 0) return 'xz';
  if (h[0] === 0x5d && h[1] === 0 && h[2] === 0) return 'lzma';
  if (h[0] === 0x04 && h[1] === 0x22 && h[2] === 0x4d && h[3] === 0x18) return 'lz4';
  return undefined;
}

/** The first bytes of what a compressed file's head decompresses to (as far as the head goes). */
function inflatedHead(head: Uint8Array, c: 'zlib' | 'gzip'): Uint8Array {
  return inflateHead(new BufferSource(head), c, HEAD);
}

/** What a compressed dump must decompress to: a pickle or a NumPy array. */
function picklesInside(inner: Uint8Array): boolean {
  return sniffPickle(inner, Infinity, true) || looksLikeNpy(inner);
}

/**
 * Of a bzip2 block, the decompression budget is charged at least its block size (900 kB at most).
 * Judging a stream by its first bytes decodes a few blocks at most, never the whole stream.
 */
const BZIP2_SNIFF_BUDGET = 4 * 900_000 + HEAD;

/** The first bytes a bzip2 stream decompresses to; `broken` when it breaks (or spends its sniffing budget) before. */
function bunzippedHead(src: ByteSource): { head: Uint8Array; broken: boolean } {
  const out = new BlockSource();
  try {
    bunzip(src, { remaining: BZIP2_SNIFF_BUDGET, limit: BZIP2_SNIFF_BUDGET }, (chunk) => out.append(chunk), undefined, HEAD);
  } catch (e) {
    if (!(e instanceof InflateError) && !(e instanceof InflateLimit)) throw e;
    return { head: out.read(0, HEAD), broken: true };
  }
  return { head: out.read(0, HEAD), broken: false };
}

/**
 * What a compressed stream under a pickle's name is, by the first bytes it decompresses to: under a
 * name that claims a pickle outright (`m.pkl`, as joblib's compressed dumps are named), content that
 * is none is reported; under `.pkl.gz`, `.pkl.bz2`… it is not taken.
 */
function compressedFormat(inner: Uint8Array, name: string): ModelFormat | undefined {
  if (picklesInside(inner)) return 'compressed-pickle';
  return STRONG_PICKLE_NAME.test(name) ? 'compressed-not-pickle' : undefined;
}

/**
 * Identifies a model format from the first bytes and the size; the name only lowers the bar for text
 * pickles. `src`, the whole content, is read to see what a bzip2 stream starts with; without it such a
 * stream is judged when it is analysed.
 */
export function identifyModel(head: Uint8Array, size: number, name: string, src?: ByteSource): ModelFormat | undefined {
  if (looksLikeZip(head)) return 'zip';
  if (looksLikeTar(head)) return 'tar';
  for (const [format, magic] of UNREAD_ARCHIVES) if (head.length >= magic.length && magic.every((b, i) => head[i] === b)) return format;
  if (looksLikeNpy(head)) return 'npy';
  if (looksLikeSafetensors(head, size)) return 'safetensors';
  if (looksLikeGguf(head)) return 'gguf';
  if (looksLikeHdf5(head)) return 'hdf5';
  if (looksLikeSavedModel(head, name)) return 'savedmodel';
  if (looksLikeOnnx(head, name)) return 'onnx';
  const compression = compressionOf(head);
  if (compression === 'gzip' && TAR_GZIP_NAME.test(name)) {
    return looksLikeTar(inflatedHead(head, compression)) ? 'tar-gzip' : undefined;
  }
  if (compression && COMPRESSED_PICKLE_NAME.test(name)) {
    if (compression === 'zlib' || compression === 'gzip') {
      const inner = inflatedHead(head, compression);
      return inner.length > 0 ? compressedFormat(inner, name) : undefined;
    }
    if (compression === 'bz2') {
      // A stream that breaks in its first block is reported as damage when it is analysed.
      const first = src && bunzippedHead(src);
      return first && !first.broken ? compressedFormat(first.head, name) : 'compressed-pickle';
    }
    return 'compressed-unsupported';
  }
  if (head.length >= LEGACY_MAGIC.length && LEGACY_MAGIC.every((b, i) => head[i] === b)) return 'pytorch-legacy';
  if (sniffPickle(head, size, PICKLE_NAME.test(name))) return 'pickle';
  if (OPCODE_PICKLE_NAME.test(name) && startsLikeTextPickle(head)) return 'pickle';
  if (CHECKPOINT_NAME.test(name) && textPickleImports(head)) return 'pickle';
  if (STRONG_PICKLE_NAME.test(name) && ascii(head.subarray(0, LFS_POINTER.length)) !== LFS_POINTER) return 'pickle';
  return undefined;
}

interface Walk {
  file: SourceFile;
  limits: Limits;
  pickleLimits: PickleLimits;
  budget: InflateBudget;
  docs: ScanDocument[];
  /** What could not be read in archives that hold no model file: said in `errors`, not as a model finding. */
  errors: ParseError[];
  /** The whole file must be done by then (time bound per file). */
  deadline: number;
}

/** Pickle limits with the time left for the file. */
function limitsFor(w: Walk): PickleLimits {
  return { ...w.pickleLimits, maxMillis: Math.max(1, w.deadline - Date.now()) };
}

function memberDetail(parent: string | undefined, member: string): string {
  // The member's name as findings show it: its non-printable characters escaped.
  return parent === undefined ? printableName(member) : `${parent}!/${printableName(member)}`;
}

function pickleDocument(w: Walk, detail: string | undefined, format: string, scan: PickleScan): PickleDocument {
  const joblib = format === 'pickle' && scan.imports.some((i) => i.dotted.startsWith('joblib.numpy_pickle'));
  const doc = new PickleDocument(w.file, detail, joblib ? 'joblib' : format, scan);
  if (scan.streams.length === 0) doc.problems.push({ kind: 'malformed', message: 'no pickle data' });
  for (const s of scan.streams) {
    if (s.error) doc.problems.push({ kind: 'malformed', message: s.error.message, offset: s.error.offset, end: s.error.offset + 1 });
    if (s.limit) doc.problems.push({ kind: 'limit', message: s.limit.message, offset: s.limit.offset, end: s.limit.offset + 1 });
  }
  w.docs.push(doc);
  return doc;
}

/** Analyses an archive; true when it holds a model file among the members read (or may: it is broken). */
function analyseArchive(w: Walk, src: ByteSource, format: 'zip' | 'tar' | 'tar-gzip', detail: string | undefined, depth: number): boolean {
  if (format === 'zip') return analyseZip(w, src, detail, depth);
  if (format === 'tar') return analyseTar(w, tarInPlace(src), detail, depth);
  return analyseTar(w, tarInGzip(src, w.budget), detail, depth);
}

/** Analyses one file or archive member of a known format. */
function analyse(w: Walk, src: ByteSource, format: ModelFormat, detail: string | undefined, depth: number): void {
  switch (format) {
    case 'pickle':
      pickleDocument(w, detail, 'pickle', scanPickles(src, 0, limitsFor(w)));
      return;
    case 'pytorch-legacy':
      // magic number, protocol version, sys info, the model, storage keys; then raw tensor data.
      pickleDocument(w, detail, 'pytorch-legacy', scanPickles(src, 0, limitsFor(w), 5));
      return;
    case 'zip':
    case 'tar':
    case 'tar-gzip':
      analyseArchive(w, src, format, detail, depth);
      return;
    case 'npy':
      analyseNpy(w, src, detail);
      return;
    case 'gguf': {
      const doc = new GgufDocument(w.file, detail, 'gguf');
      try {
        readGguf(doc, src);
      } catch (e) {
        if (!(e instanceof GgufError)) throw e;
        doc.problems.push({ kind: e.limit ? 'limit' : 'malformed', message: e.message, offset: e.offset, end: e.offset + 1 });
      }
      w.docs.push(doc);
      return;
    }
    case 'onnx':
    case 'savedmodel': {
      const doc =
        format === 'onnx' ? new OnnxDocument(w.file, detail, 'onnx') : new SavedModelDocument(w.file, detail, 'tensorflow-savedmodel');
      try {
        if (doc instanceof OnnxDocument) readOnnx(doc, src);
        else readSavedModel(doc, src);
      } catch (e) {
        if (!(e instanceof ProtobufError)) throw e;
        doc.problems.push({ kind: 'malformed', message: e.message, offset: e.offset, end: e.offset + 1 });
      }
      w.docs.push(doc);
      return;
    }
    case 'hdf5': {
      // Inside an archive (the weights of a `.keras`), only the first megabyte is searched.
      const found = findH5ModelConfig(src, detail === undefined ? undefined : 1024 * 1024);
      if (!found) return;
      const doc = new KerasDocument(w.file, detail === undefined ? 'model_config' : `${detail}!/model_config`, 'keras-h5');
      if ('error' in found) doc.problems.push({ kind: 'unsupported', message: found.error });
      else keras(doc, found.json);
      w.docs.push(doc);
      return;
    }
    case 'safetensors': {
      const doc = new SafetensorsDocument(w.file, detail, 'safetensors');
      doc.headerProblems = readSafetensors(doc, src);
      w.docs.push(doc);
      return;
    }
    case 'compressed-pickle':
      analyseCompressed(w, src, detail, depth);
      return;
    case 'unrecognised': {
      const claimed = claimedFormat(w.file.path)!;
      const doc = new ModelFileDocument(w.file, detail, claimed.id);
      const first = Array.from(src.read(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
      doc.problems.push({
        kind: 'malformed',
        message: `its name ends in ${claimed.extension} but its content is no ${claimed.label} model, nor any other format Sanctum reads (first bytes: ${first})`,
        offset: 0,
        end: 1,
      });
      w.docs.push(doc);
      return;
    }
    case '7z':
    case 'rar': {
      const doc = new ModelFileDocument(w.file, detail, format);
      doc.problems.push({
        kind: 'unsupported',
        message: `${format === '7z' ? '7z' : 'RAR'} archive: Sanctum does not read this archive format, so any model files inside it were not scanned`,
        offset: 0,
        end: 6,
      });
      w.docs.push(doc);
      return;
    }
    case 'compressed-not-pickle': {
      const doc = new ModelFileDocument(w.file, detail, 'compressed-pickle');
      const c = compressionOf(src.read(0, 16)) as Compression;
      const inner = c === 'bz2' ? bunzippedHead(src).head : inflatedHead(src.read(0, HEAD), c as 'zlib' | 'gzip');
      doc.problems.push({
        kind: 'malformed',
        message: `its name says pickle, but it is ${c}-compressed data that decompresses to no pickle (first bytes: ${printable(inner.subarray(0, 16))})`,
        offset: 0,
        end: 1,
      });
      w.docs.push(doc);
      return;
    }
    case 'compressed-unsupported': {
      const doc = new ModelFileDocument(w.file, detail, 'compressed-pickle');
      const c = compressionOf(src.read(0, 16));
      doc.problems.push({
        kind: 'unsupported',
        message: `${c} compression (a compressed joblib or pickle dump) is not supported; its content was not scanned`,
      });
      w.docs.push(doc);
      return;
    }
  }
}

function analyseNpy(w: Walk, src: ByteSource, detail: string | undefined): void {
  let read;
  try {
    read = readNpyHeader(src);
  } catch (e) {
    if (!(e instanceof NpyError)) throw e;
    const doc = new ModelFileDocument(w.file, detail, 'npy');
    doc.problems.push({ kind: 'malformed', message: e.message, offset: e.offset, end: e.offset + 1 });
    w.docs.push(doc);
    return;
  }
  const doc = new NpyDocument(w.file, detail, read.header);
  w.docs.push(doc);
  // An object array's data is a pickle of the array (`allow_pickle=True` runs it).
  if (read.header.objectArray) doc.embedded = pickleDocument(w, detail, 'npy', scanPickles(src, read.dataOffset, limitsFor(w)));
}

/**
 * Decompresses a whole stream as far as what is left of the file's decompression budget allows; what
 * stops it is a problem of a `format` document. What came out before a limit or a break is returned.
 */
function inflateWithin(w: Walk, src: ByteSource, detail: string | undefined, c: Codec | 'bz2', format: string): ByteSource | undefined {
  const out = new BlockSource();
  const problem = (kind: 'limit' | 'malformed', message: string) => {
    const doc = new ModelFileDocument(w.file, detail, format);
    doc.problems.push({ kind, message });
    w.docs.push(doc);
  };
  try {
    if (c === 'bz2') bunzip(src, w.budget, (chunk) => out.append(chunk), { deadline: w.deadline, maxMillis: w.pickleLimits.maxMillis });
    else new Inflater(src, c, w.budget).pipe(Infinity, (chunk) => out.append(chunk));
  } catch (e) {
    if (e instanceof InflateLimit) problem('limit', `${c} stream ${e.message}: only its first ${out.size} bytes were scanned`);
    else if (e instanceof InflateError) problem('malformed', `${c} stream cannot be decompressed past byte ${out.size}: ${e.message}`);
    else throw e;
  }
  return out.size > 0 ? out : undefined;
}

function analyseCompressed(w: Walk, src: ByteSource, detail: string | undefined, depth: number): void {
  const c = compressionOf(src.read(0, 16)) as 'zlib' | 'gzip' | 'bz2';
  // An archive member's bzip2 stream is judged here, by its first block: zlib, gzip and whole files were judged already.
  if (c === 'bz2' && detail !== undefined) {
    const first = bunzippedHead(src);
    if (!first.broken && !picklesInside(first.head)) return;
  }
  const inner = inflateWithin(w, src, detail, c, 'compressed-pickle');
  if (!inner) return;
  const head = inner.read(0, HEAD);
  const format = identifyModel(head, inner.size, 'x.pkl', inner);
  if (format === 'npy') analyseNpy(w, inner, detail);
  else if (format && format !== 'compressed-pickle' && format !== 'compressed-unsupported') analyse(w, inner, format, detail, depth);
  else pickleDocument(w, detail, 'pickle', scanPickles(inner, 0, limitsFor(w)));
}

/** A tar archive's bytes: headers read forward, and each member's first bytes and then, if it is a model, all of it. */
interface TarBytes {
  readonly size: number;
  readAt(buf: Buffer, position: number): number;
  head(m: TarEntry, n: number): Uint8Array;
  /** The whole member; called at most once per member, after `head`. */
  whole(m: TarEntry): ByteSource;
  /** How the archive is stored, for messages. */
  readonly label: string;
}

/** An uncompressed tarball: members are read in place (tar stores them whole). */
function tarInPlace(src: ByteSource): TarBytes {
  return {
    size: src.size,
    label: 'tar archive',
    readAt(buf, position) {
      const b = readAll(src, position, buf.length);
      buf.set(b);
      return b.length;
    },
    head: (m, n) => src.read(m.offset, Math.min(n, m.size)),
    whole: (m) => new SliceSource(src, m.offset, m.size),
  };
}

/**
 * A gzipped tarball (SageMaker's `model.tar.gz`) decompressed as a stream: headers and each member's
 * head pass through; only a member identified as a model is kept, whole, for its analysis. Bytes
 * passed by are decompressed (and charged to the budget) but never held.
 */
function tarInGzip(src: ByteSource, budget: Walk['budget']): TarBytes {
  const stream = new Inflater(src, 'gzip', budget);
  let head: { member: TarEntry; bytes: Uint8Array } | undefined;
  const seek = (position: number) => {
    if (position < stream.position) throw new TarIndexError(`tar archive read backwards at byte ${position}`);
    if (stream.skip(position - stream.position) < position - stream.position) return false;
    return true;
  };
  return {
    size: Infinity,
    label: 'gzipped tar archive',
    readAt(buf, position) {
      if (!seek(position)) return 0;
      const b = stream.read(buf.length);
      buf.set(b);
      return b.length;
    },
    head(m, n) {
      seek(m.offset);
      head = { member: m, bytes: stream.read(Math.min(n, m.size)) };
      return head.bytes;
    },
    whole(m) {
      // A tar member's size is exact (the next header's place depends on it): one that cannot fit in
      // the budget is not started, and the stream stops there.
      const started = head?.member === m ? head.bytes.length : 0;
      if (m.size - started - stream.buffered > budget.remaining)
        throw new InflateLimit(
          `would decompress a ${m.size}-byte member, more than what is left of the ${formatLimit(budget.limit)} decompression limit`,
        );
      // Kept as it comes out, not in a buffer of the size the header declares: a small file may declare any size.
      const out = new BlockSource();
      if (started > 0) out.append(head!.bytes);
      else seek(m.offset);
      stream.pipe(m.size - out.size, (chunk) => out.append(chunk));
      if (out.size < m.size) throw new TarIndexError(`archive is truncated: member '${printableName(m.stored)}' needs ${m.size} bytes`);
      return out;
    },
  };
}

/**
 * A tarball's regular files, in archive order: each is identified by its first bytes and, if it is a
 * model, analysed as an archive member. A link's bytes are its target's, read as the target. Member
 * names are shown as the archive holds them, never used as paths. Returns whether it holds a model.
 */
function analyseTar(w: Walk, bytes: TarBytes, detail: string | undefined, depth: number): boolean {
  const container = new ModelFileDocument(w.file, detail, 'tar');
  const at = w.docs.length;
  w.docs.push(container);
  let read = 0;
  let unread = 0;
  let atLeast = false;
  let current: string | undefined;
  try {
    for (const m of walkTar((buf, position) => bytes.readAt(buf, position), bytes.size)) {
      if (m.link !== undefined) continue;
      if (read >= w.limits.maxArchiveEntries) {
        // Past the member limit the rest is only counted, to say how much was not read.
        unread++;
        if (Date.now() > w.deadline) {
          atLeast = true;
          break;
        }
        continue;
      }
      current = m.stored;
      if (Date.now() > w.deadline) {
        container.problems.push({
          kind: 'limit',
          message: `time limit of ${w.pickleLimits.maxMillis / 1000} s per file reached at member '${printableName(m.stored)}'; the remaining members were not scanned`,
        });
        break;
      }
      read++;
      container.members.push(m.stored);
      const format = identifyMember(w, bytes.head(m, HEAD), m.size, m.stored, depth, container, 'tar');
      if (format !== undefined) analyseMember(w, bytes.whole(m), format, m.stored, memberDetail(detail, m.stored), depth, 'tar', container);
    }
  } catch (e) {
    if (e instanceof InflateLimit) {
      if (unread > 0) atLeast = true;
      else
        container.problems.push({
          kind: 'limit',
          message: `${bytes.label} ${e.message}, reached in member '${printableName(current ?? '')}': it and the members after it were not read`,
        });
    } else if (e instanceof TarIndexError || e instanceof InflateError) {
      const message = `${bytes.label}: ${e.message}`;
      if (depth === 0 && read === 0) throw new ParseFailure(message);
      container.problems.push({ kind: 'malformed', message });
    } else throw e;
  }
  if (unread > 0) container.problems.unshift(memberLimitProblem('tar', w.limits.maxArchiveEntries, unread, atLeast));
  return settle(w, container, at, depth, container.containsModels);
}

/**
 * Keeps an archive's document when it holds a model file among the members read. One that holds none
 * is no model file: the bounds it met (members or bytes not read) are said in `errors`, naming the
 * archive, and at the top level its other problems too (a broken tarball); nested, a broken archive
 * stays a document of its own. Returns whether the document was kept.
 */
function settle(w: Walk, container: ModelFileDocument, at: number, depth: number, holdsModels: boolean, dropBroken = depth === 0): boolean {
  if (holdsModels) return true;
  const where = container.detail === undefined ? '' : `${container.detail}: `;
  const rest = container.problems.filter((p) => p.kind !== 'limit');
  for (const p of container.problems) if (p.kind === 'limit' || depth === 0) w.errors.push({ message: `${where}${p.message}` });
  if (rest.length > 0 && !dropBroken) {
    container.problems.splice(0, container.problems.length, ...rest);
    return true;
  }
  w.docs.splice(at, 1);
  return false;
}

const STORAGE_MEMBER = /(?:^|\/)data\/([^/]+)$/;

function analyseZip(w: Walk, src: ByteSource, detail: string | undefined, depth: number): boolean {
  let archive;
  try {
    archive = readZip(src, w.limits.maxArchiveEntries);
  } catch (e) {
    if (!(e instanceof ZipFailure)) throw e;
    if (depth === 0) throw new ParseFailure(e.message);
    const broken = new ModelFileDocument(w.file, detail, 'zip');
    broken.problems.push({ kind: 'malformed', message: e.message });
    w.docs.push(broken);
    return true;
  }
  const container = new ModelFileDocument(w.file, detail, 'zip');
  for (const p of archive.problems) container.problems.push({ kind: p.kind, message: p.message });
  const at = w.docs.length;
  w.docs.push(container);
  const names = new Set(archive.entries.map((e) => e.name));
  const isTorch = archive.entries.some(
    (e) =>
      /(?:^|\/)data\.pkl$/.test(e.name) &&
      (names.has(e.name.replace(/data\.pkl$/, 'version')) || names.has(e.name.replace(/data\.pkl$/, '.data/version'))),
  );
  const isKeras = !isTorch && names.has('config.json') && (names.has('metadata.json') || names.has('model.weights.h5'));
  (container as { format: string }).format = isTorch ? 'pytorch-zip' : isKeras ? 'keras' : 'zip';
  if (isKeras) analyseKeras(w, src, archive.entries, detail, container);

  // Pickles first, so that the tensor storages they reference are known and never read.
  const storages = new Set<string>();
  const later: ZipEntry[] = [];
  const visit = (e: ZipEntry): ModelDocument | undefined => {
    if (Date.now() > w.deadline) {
      if (!container.problems.some((p) => p.kind === 'limit' && p.message.startsWith('time limit')))
        container.problems.push({
          kind: 'limit',
          message: `time limit of ${w.pickleLimits.maxMillis / 1000} s per file reached at member '${printableName(e.name)}'; the remaining members were not scanned`,
        });
      return undefined;
    }
    container.members.push(e.name);
    return member(w, src, e, detail, depth, isTorch ? 'pytorch-zip' : 'zip', container);
  };
  for (const e of archive.entries) {
    if (e.name.endsWith('/')) continue;
    if (STORAGE_MEMBER.test(e.name)) {
      later.push(e);
      continue;
    }
    const doc = visit(e);
    if (doc instanceof PickleDocument) {
      const prefix = e.name.slice(0, e.name.lastIndexOf('/') + 1);
      for (const s of doc.scan.streams) for (const k of s.storageKeys) storages.add(`${prefix}data/${k}`);
    }
  }
  for (const e of later) if (!storages.has(e.name)) visit(e);
  // An ordinary archive (a wheel, a jar, an office document) with nothing model-like in it is not a model file.
  const modelNames = [...names].some((n) => /\.(?:pkl|pickle|npy|pt|pth|ckpt|safetensors|gguf|onnx|keras|h5|joblib)$/i.test(n));
  return settle(w, container, at, depth, container.format !== 'zip' || container.containsModels || modelNames);
}

const MAX_KERAS_CONFIG = 64 * 1024 * 1024;

function keras(doc: KerasDocument, json: string): void {
  let config: unknown;
  try {
    config = JSON.parse(json);
  } catch (e) {
    doc.problems.push({ kind: 'malformed', message: `Keras model config is not valid JSON: ${jsonErrorMessage(e)}` });
    return;
  }
  try {
    readKerasConfig(doc, config);
  } catch (e) {
    if (!(e instanceof KerasLimit)) throw e;
    doc.problems.push({ kind: 'limit', message: e.message });
  }
}

/** `.keras` (Keras 3): `config.json` holds the architecture, `metadata.json` the Keras version. */
function analyseKeras(w: Walk, src: ByteSource, entries: ZipEntry[], parent: string | undefined, container: ModelFileDocument): void {
  const entry = (n: string) => entries.find((e) => e.name === n);
  const read = (e: ZipEntry): string | undefined => {
    if (e.size > MAX_KERAS_CONFIG) {
      container.problems.push({
        kind: 'limit',
        message: `Keras ${printableName(e.name)} is ${e.size} bytes, over the ${MAX_KERAS_CONFIG}-byte limit; not checked`,
      });
      return undefined;
    }
    // The declared size may lie: the member may not decompress past the config limit either.
    const budget = { remaining: Math.min(w.budget.remaining, MAX_KERAS_CONFIG), limit: MAX_KERAS_CONFIG };
    try {
      const data = memberSource(src, e, budget);
      w.budget.remaining -= data.size;
      return utf8Text(readAll(data, 0, data.size));
    } catch (err) {
      if (err instanceof ZipLimit || err instanceof ZipFailure)
        container.problems.push({ kind: err instanceof ZipLimit ? 'limit' : 'malformed', message: err.message });
      else throw err;
      return undefined;
    }
  };
  const doc = new KerasDocument(w.file, memberDetail(parent, 'config.json'), 'keras');
  const meta = entry('metadata.json');
  if (meta) {
    try {
      const m = JSON.parse(read(meta) ?? '{}') as { keras_version?: unknown };
      if (typeof m.keras_version === 'string') doc.kerasVersion = m.keras_version;
    } catch {
      container.problems.push({ kind: 'malformed', message: 'Keras metadata.json is not valid JSON' });
    }
  }
  const text = read(entry('config.json')!);
  if (text !== undefined) keras(doc, text);
  w.docs.push(doc);
}

/** Identifies a member by content and analyses it; returns the pickle document when it was a pickle. */
function member(
  w: Walk,
  src: ByteSource,
  e: ZipEntry,
  parent: string | undefined,
  depth: number,
  archiveFormat: string,
  container: ModelFileDocument,
): ModelDocument | undefined {
  const detail = memberDetail(parent, e.name);
  const head = memberHead(src, e, HEAD);
  if (head.length === 0) {
    if (e.method !== 0 && e.method !== 8 && e.size > 0)
      container.problems.push({
        kind: 'unsupported',
        message: `zip member '${printableName(e.name)}' uses compression method ${e.method}, which is not supported; not scanned`,
      });
    return undefined;
  }
  const format = identifyMember(w, head, e.size, e.name, depth, container, 'zip');
  if (format === undefined) return undefined;
  if (e.method === 8 && (format === 'npy' || format === 'hdf5')) {
    // Deflated arrays and HDF5 files are identified from their first megabyte; only object arrays (pickles) are inflated whole.
    const h = memberHead(src, e, 1024 * 1024);
    if (format === 'hdf5') {
      analyse(w, new BufferSource(h), 'hdf5', detail, depth);
      return undefined;
    }
    try {
      const { header } = readNpyHeader(new BufferSource(h));
      if (!header.objectArray) {
        w.docs.push(new NpyDocument(w.file, detail, header));
        return undefined;
      }
    } catch (err) {
      if (!(err instanceof NpyError)) throw err;
    }
  }
  let data: ByteSource;
  try {
    data = memberSource(src, e, w.budget);
  } catch (err) {
    if (err instanceof ZipLimit) container.problems.push({ kind: 'limit', message: err.message });
    else if (err instanceof ZipFailure) container.problems.push({ kind: 'malformed', message: err.message });
    else throw err;
    return undefined;
  }
  return analyseMember(w, data, format, e.name, detail, depth, archiveFormat, container);
}

/**
 * The model format of an archive member, `null` for a `.pkl` member that is no known format (read as
 * a broken pickle), or undefined when it is not a model file or is nested too deep. A nested archive
 * makes its container hold models only when it holds some itself (or is too deep to tell).
 */
function identifyMember(
  w: Walk,
  head: Uint8Array,
  size: number,
  name: string,
  depth: number,
  container: ModelFileDocument,
  archive: string,
): ModelFormat | null | undefined {
  let format = identifyModel(head, size, name);
  // The legacy PyTorch tar format's members are loaded by name, whatever their first bytes look like.
  if (!format && archive === 'tar' && LEGACY_TAR_MEMBER.test(name) && startsLikePickle(head)) format = 'pickle';
  if (!format && !/\.pkl$/i.test(name)) return undefined;
  const nested = format !== undefined && ARCHIVES.has(format);
  if (!nested) container.containsModels = true;
  else if (depth + 1 > w.limits.maxArchiveDepth) {
    container.containsModels = true;
    container.problems.push({
      kind: 'limit',
      message: `${archive} member '${printableName(name)}' is an archive nested deeper than ${w.limits.maxArchiveDepth} levels; not scanned`,
    });
    return undefined;
  }
  return format ?? null;
}

/** Analyses an identified archive member; returns the pickle document when it was a pickle. */
function analyseMember(
  w: Walk,
  data: ByteSource,
  format: ModelFormat | null,
  name: string,
  detail: string,
  depth: number,
  archiveFormat: string,
  container: ModelFileDocument,
): ModelDocument | undefined {
  if (format === 'zip' || format === 'tar' || format === 'tar-gzip') {
    if (analyseArchive(w, data, format, detail, depth + 1)) container.containsModels = true;
    return undefined;
  }
  if (format === 'pickle' || format === null) {
    const namedPickle = /\.pkl$/i.test(name);
    const legacy = archiveFormat === 'tar' ? LEGACY_TAR_MEMBER.exec(name)?.[0].replace(/^\.\//, '') : undefined;
    const scan =
      legacy === 'storages' || legacy === 'tensors' ? scanLegacyTarMember(legacy, data, limitsFor(w)) : scanPickles(data, 0, limitsFor(w));
    // Bytes that merely start like a pickle (and no loader would read as one) are not a pickle.
    if (!namedPickle && scan.imports.length === 0 && scan.streams.every((s) => !s.stopped)) return undefined;
    return pickleDocument(w, detail, archiveFormat === 'pytorch-zip' ? 'pytorch-zip' : 'pickle', scan);
  }
  analyse(w, data, format, detail, depth);
  return undefined;
}

const KERAS_NAME = /\.keras$/i;
const sniffCache = new WeakMap<SourceFile, ModelFormat | null>();

function sniff(file: SourceFile): ModelFormat | undefined {
  let f = sniffCache.get(file);
  if (f === undefined) {
    const head = file.head();
    f = file.size === 0 ? null : (identifyModel(head, file.size, file.path, file) ?? null);
    // A text (protocol 0) pickle longer than the head, under a name that does not say so: look further.
    if (f === null && textPickleUndecided(head, file.size) && sniffPickle(file.read(0, TEXT_SNIFF_BYTES), file.size, false)) f = 'pickle';
    // keras.saving.load_model opens a .keras file with zipfile, which finds the archive from its end, after any data put before it.
    if (f === null && KERAS_NAME.test(file.path) && endsLikeZip(file)) f = 'zip';
    if (f === null && file.size > 0 && claimedFormat(file.path) && looksBinary(head) && !hdf5AfterUserBlock(head)) f = 'unrecognised';
    sniffCache.set(file, f);
  }
  return f ?? undefined;
}

export function createModelParser(pickleLimits: PickleLimits = DEFAULT_PICKLE_LIMITS): Parser {
  return {
    name: 'models',
    produces: MODEL_KINDS,
    maxBytes: Number.MAX_SAFE_INTEGER,
    matches: (file) => sniff(file) !== undefined,
    parse(file: SourceFile, ctx: ParseContext): ParseOutput {
      const format = sniff(file);
      if (!format) return { documents: [] };
      const w: Walk = {
        file,
        limits: ctx.limits,
        pickleLimits,
        budget: { remaining: ctx.limits.maxDecompressedBytes, limit: ctx.limits.maxDecompressedBytes },
        docs: [],
        errors: [],
        deadline: Date.now() + pickleLimits.maxMillis,
      };
      analyse(w, file, format, undefined, 0);
      return w.errors.length > 0 ? { documents: w.docs, errors: w.errors } : { documents: w.docs };
    },
  };
}

export const modelParser = createModelParser();

/** For messages: a printable, bounded rendering of bytes. */
export function printable(b: Uint8Array): string {
  return ascii(b).replace(/[^\x20-\x7e]/g, '.');
}
