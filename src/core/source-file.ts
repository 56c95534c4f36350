import { isUtf8 } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { RenderOrigins } from './document.js';
import type { ClusterRef } from './types.js';
import type { ImageLocation } from './types.js';
import { INLINE, type FileSuppressions } from './inline-suppression.js';
import { LINES, type LineIndex } from './line-index.js';
import { systemErrorWords } from './system-error.js';

/** A file to scan: on disk or in memory. Bytes are read lazily and at most once in full. */
export interface SourceFile {
  /** Display path: relative to the current directory, `/`-separated. */
  readonly path: string;
  readonly size: number;
  /** The first bytes of the file (up to HEAD_BYTES), for content sniffing. */
  head(): Uint8Array;
  /** The whole file. */
  bytes(): Uint8Array;
  /** `length` bytes from `offset` (fewer at the end of the file), without reading the rest. */
  read(offset: number, length: number): Uint8Array;
  /** The whole file decoded as UTF-8 (BOM removed). Cached. */
  text(): string;
  /** What rendered this file, for output of a renderer (`kustomize build deploy/prod`, `helm template charts/app`). */
  readonly renderedBy?: string;
  /** For rendered output: where its values come from. */
  readonly origins?: RenderOrigins;
  /** For a file of a container image: the image and the layer it comes from. */
  readonly image?: ImageLocation;
  /** For a Kubernetes object read from a live cluster (its text is the object as JSON): which cluster, and what was listed. */
  readonly cluster?: ClusterListing;
  /**
   * Code installed by a package manager (an image's `site-packages`, `node_modules`): read for
   * secrets, models and inventory, not judged by the code scanner's rules about the application.
   */
  readonly installedPackage?: boolean;
  /**
   * For a Kubernetes object read from a live cluster: the object as the API's answer was parsed. Its
   * documents hold it rather than a copy parsed from `text()`, whose strings would keep the text alive.
   */
  readonly object?: Record<string, unknown>;
  /**
   * A file named as a target (not one found in a directory it walked): binary content that no
   * scanner reads is said, in `errors`, where a walk passes such a file by in silence.
   */
  readonly namedTarget?: boolean;
}

/** A cluster scan's reach: findings name `ref`; cross-object rules ask whether a kind was listed in full. */
export interface ClusterListing {
  readonly ref: ClusterRef;
  /** True when every object of this kind (of API group `group`, `''` for core) was listed, in `namespace` or in every namespace. */
  listed(group: string, kind: string, namespace?: string): boolean;
  /**
   * True when objects are kept whole for the cross-object rules rather than as what those rules read
   * of them: the cluster's ValidatingAdmissionPolicies are evaluated against them, and CEL reads any field.
   */
  readonly keepWholeObjects?: boolean;
  /** What the scan may still keep of ConfigMap values for the cross-object rules (see `setProjection`): none when absent. */
  readonly keptValues?: KeptValueBudget;
}

/** A scan's budget for the ConfigMap values its projections keep, and where a value it drops is told (an entry of `errors`). */
export interface KeptValueBudget {
  /** True, and the values counted, when `count` values of `chars` characters in all still fit. */
  take(chars: number, count?: number): boolean;
  /** `what` (a ConfigMap key's value) was not kept: told as an entry of `errors` at `path`. */
  dropped(path: string, what: string): void;
}

export const HEAD_BYTES = 8192;
/** Files up to this size are read whole when their head is first asked for. */
const WHOLE_READ_BYTES = 64 * 1024;

const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });

abstract class BaseSourceFile implements SourceFile {
  private cachedText: string | undefined;
  /** The line index of the text (`fileLines`), made when a finding or fix first needs it. */
  [LINES]: LineIndex | undefined = undefined;
  /** The inline suppressions of the text, once the engine has read them. */
  [INLINE]: FileSuppressions | undefined = undefined;
  abstract readonly path: string;
  abstract readonly size: number;
  abstract bytes(): Uint8Array;
  abstract read(offset: number, length: number): Uint8Array;
  head(): Uint8Array {
    return this.read(0, HEAD_BYTES);
  }
  text(): string {
    if (this.cachedText === undefined) this.cachedText = decoder.decode(this.bytes());
    return this.cachedText;
  }
}

export class MemorySourceFile extends BaseSourceFile {
  readonly size: number;
  /** Replaced by subclasses only with the same bytes (an image's file given a buffer of its own). */
  protected data: Uint8Array;
  constructor(
    readonly path: string,
    content: string | Uint8Array,
  ) {
    super();
    this.data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    this.size = this.data.length;
  }
  bytes(): Uint8Array {
    return this.data;
  }
  read(offset: number, length: number): Uint8Array {
    return this.data.subarray(offset, Math.min(this.size, offset + length));
  }
}

/** A file that could not be read: its message says what happened in words, never the absolute path. */
export class FileReadError extends Error {
  constructor(
    readonly code: string,
    options?: ErrorOptions,
  ) {
    super(readFailureMessage(code), options);
  }
}

/** What an `errors` entry says of a file the scan could not read, by its error code. */
export function readFailureMessage(code: string): string {
  // Listed by the walk, gone (or its directory gone) when read.
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'file vanished during the scan';
  if (code === 'EISDIR') return 'cannot read file: it is a directory now';
  if (code === NOT_REGULAR) return 'cannot read file: it is no longer a regular file (a pipe, socket or device now)';
  return `cannot read file: ${systemErrorWords(code) ?? code}`;
}

/** The code of a `FileReadError` for a path that was a regular file when listed and is something else when opened. */
const NOT_REGULAR = 'NOT_REGULAR';

/** Opened without blocking: a path swapped for a FIFO after it was listed would otherwise wait for a writer for ever. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

function readError(e: unknown): FileReadError {
  if (e instanceof FileReadError) return e;
  return new FileReadError((e as NodeJS.ErrnoException).code ?? (e as Error).message, { cause: e });
}

/** Opens a regular file, runs `read` on it with its current size and closes it; any failure is a `FileReadError`. */
function readOpened<T>(absPath: string, read: (fd: number, size: number) => T): T {
  let fd: number;
  try {
    fd = openSync(absPath, OPEN_FLAGS);
  } catch (e) {
    throw readError(e);
  }
  try {
    const st = fstatSync(fd);
    // A directory opens for reading; it is the reads that fail.
    if (st.isDirectory()) throw new FileReadError('EISDIR');
    if (!st.isFile()) throw new FileReadError(NOT_REGULAR);
    return read(fd, st.size);
  } catch (e) {
    throw readError(e);
  } finally {
    closeSync(fd);
  }
}

/** The whole of an open file of `size` bytes (fewer when it shrank). */
function readWhole(fd: number, size: number): Uint8Array {
  const buf = Buffer.allocUnsafe(size);
  let off = 0;
  while (off < size) {
    const n = readSync(fd, buf, off, size - off, off);
    if (n === 0) break;
    off += n;
  }
  return off === size ? buf : buf.subarray(0, off);
}

/** Set on a file the directory walk yields (see `markWalked`); `annotateFile` clears it. */
const PLAINLY_WALKED = Symbol('sanctum.plainlyWalked');

/** A file on disk. Small files are read whole on first use; large ones by range. */
export class DiskSourceFile extends BaseSourceFile {
  private data: Uint8Array | undefined;
  private headData: Uint8Array | undefined;
  /** A field of every instance rather than a property added to some: one object shape for all of them. */
  [PLAINLY_WALKED] = false;
  /**
   * The real path of the scanned directory the file was found in, when a directory walk found it:
   * files it names (a compose file's `env_file`) are read only inside it (see `readInTree`).
   */
  treeRoot: string | undefined = undefined;
  /** `data`: its bytes when they were read already (by the walk of another thread), whole. */
  constructor(
    readonly path: string,
    readonly absPath: string,
    readonly size: number,
    data?: Uint8Array,
  ) {
    super();
    this.data = data;
  }
  override head(): Uint8Array {
    // A small file is read whole at once: whoever sniffs its head usually reads the rest next.
    if (!this.data && this.size <= WHOLE_READ_BYTES) this.bytes();
    if (this.data) return this.data.subarray(0, HEAD_BYTES);
    if (!this.headData) this.headData = this.read(0, HEAD_BYTES);
    return this.headData;
  }
  bytes(): Uint8Array {
    this.data ??= readOpened(this.absPath, readWhole);
    return this.data;
  }
  read(offset: number, length: number): Uint8Array {
    if (this.data) return this.data.subarray(offset, Math.min(this.data.length, offset + length));
    const len = Math.max(0, Math.min(length, this.size - offset));
    const buf = Buffer.allocUnsafe(len);
    if (len === 0) return buf;
    return readOpened(this.absPath, (fd) => {
      let off = 0;
      while (off < len) {
        const n = readSync(fd, buf, off, len - off, offset + off);
        if (n === 0) break;
        off += n;
      }
      return off === len ? buf : buf.subarray(0, off);
    });
  }
  /**
   * A file the directory walk found, opened once: its size, whether it can be read (a `FileReadError`
   * when not), and its bytes when it is small enough to be read whole on first use anyway. Four calls
   * (open, fstat, read, close) where a check by path (lstat, access) then a read took six.
   */
  static opened(path: string, absPath: string, treeRoot?: string): DiskSourceFile {
    return readOpened(absPath, (fd, size) => {
      const file = new DiskSourceFile(path, absPath, size);
      file.treeRoot = treeRoot;
      if (size <= WHOLE_READ_BYTES) file.data = readWhole(fd, size);
      return file;
    });
  }

  /**
   * The bytes it holds whole (the walk reads small files whole as it opens them), given up for
   * another thread to scan the file with: read again here if asked for. Undefined when it holds none.
   */
  handOverBytes(): Uint8Array | undefined {
    const data = this.data;
    this.release();
    return data;
  }

  /** Drop the cached bytes once every parser is done with the file. */
  release(): void {
    this.data = undefined;
    this.headData = undefined;
  }
}

/**
 * Drops what a file holds of its bytes (they are read again if asked for): for a file once every
 * parser is done with it, and for a walked file held back before it is scanned (the walk reads small
 * files whole as it opens them).
 */
export function releaseFile(file: SourceFile): void {
  (file as { release?: () => void }).release?.();
}

/** True when the bytes look like binary content (NUL bytes or invalid UTF-8 in the head). */
export function looksBinary(head: Uint8Array): boolean {
  const bytes = head.length > HEAD_BYTES ? head.subarray(0, HEAD_BYTES) : head;
  return bytes.indexOf(0) !== -1 || !isUtf8(trimPartialUtf8(bytes));
}

function trimPartialUtf8(b: Uint8Array): Uint8Array {
  // A multi-byte sequence may be cut at the end of the head: drop up to 3 trailing continuation bytes.
  let end = b.length;
  let k = 0;
  while (k < 3 && end > 0 && (b[end - 1] & 0xc0) === 0x80) {
    end--;
    k++;
  }
  if (end > 0 && (b[end - 1] & 0xc0) === 0xc0) end--;
  return b.subarray(0, end);
}

/** Marks a file the directory walk yields: opened again by its path alone, it reads the same. */
export function markWalked<F extends DiskSourceFile>(file: F): F {
  file[PLAINLY_WALKED] = true;
  return file;
}

/** True for a file of the directory walk that nothing has annotated since: another thread can open it by its path and scan it. */
export function isPlainlyWalked(file: SourceFile): file is DiskSourceFile {
  return file instanceof DiskSourceFile && file[PLAINLY_WALKED];
}

/**
 * Gives a file a reading its path alone does not tell (a chart template that rendered output stands
 * for, a values file judged in the rendered objects): the property is set, and the file is no longer
 * plainly walked. Every such mark on a walked file goes through here.
 */
export function annotateFile(file: object, name: string, value: unknown): void {
  Object.defineProperty(file, name, { value, enumerable: false });
  if (file instanceof DiskSourceFile) file[PLAINLY_WALKED] = false;
}

/** Largest file `readInTree` reads. */
const TREE_READ_MAX_BYTES = 1024 * 1024;

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * The text of a file that `file` names by a path relative to its own directory (a compose file's
 * `env_file`), read only when `file` was found by a directory walk and the named file lies inside
 * that scanned directory, by its path and by its real path (no link or `..` leads out of it).
 * Undefined when it is not read: outside the tree, missing, unreadable, not a regular file or over 1 MiB.
 */
export function readInTree(file: SourceFile, path: string): string | undefined {
  if (!(file instanceof DiskSourceFile) || file.treeRoot === undefined || path === '' || path.includes('\0')) return undefined;
  const root = file.treeRoot;
  try {
    const dir = realpathSync(dirname(file.absPath));
    const named = resolve(dir, path);
    if (!inside(root, dir) || !inside(root, named)) return undefined;
    const real = realpathSync(named);
    if (!inside(root, real)) return undefined;
    const bytes = readOpened(real, (fd, size) => (size > TREE_READ_MAX_BYTES ? undefined : readWhole(fd, size)));
    return bytes && decoder.decode(bytes);
  } catch {
    return undefined;
  }
}
