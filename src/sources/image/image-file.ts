import { MemorySourceFile, DiskSourceFile, HEAD_BYTES } from '../../core/source-file.js';
import type { ImageLayerRef, ImageLocation } from '../../core/types.js';

/** What the tar header says about a file of an image. */
export interface EntryInfo {
  mode: number;
  uid: number;
  gid: number;
}

/**
 * Where package managers install code: an interpreter's library tree (the standard library, a
 * virtual environment's or conda's `lib/pythonX.Y`), `site-packages`, `dist-packages`, `node_modules`.
 */
const INSTALLED_CODE = /\/(?:lib\/python\d[\d.]*|site-packages|dist-packages|node_modules)\//;

/** True for a path of an image where a package manager put third-party code (see `SourceFile.installedPackage`). */
export function isInstalledPackagePath(path: string): boolean {
  return INSTALLED_CODE.test(path);
}

/**
 * Bytes as a buffer of their own when they are a small view into a larger one. A small entry of a layer
 * arrives as a view into a chunk of the decompressed stream (256 KiB from gunzip, 1 MiB read from an
 * uncompressed layer): whoever keeps the view keeps the whole chunk.
 */
export function unpinned<T extends Uint8Array>(bytes: T): T | Buffer {
  if (bytes.length * 2 >= bytes.buffer.byteLength) return bytes;
  const own = Buffer.allocUnsafeSlow(bytes.length);
  own.set(bytes);
  return own;
}

/** A file of an image layer, read whole into memory (small files). */
export class ImageMemoryFile extends MemorySourceFile {
  constructor(
    path: string,
    content: Uint8Array,
    readonly image: ImageLocation,
    readonly entry?: EntryInfo,
    readonly installedPackage?: boolean,
  ) {
    super(path, content);
  }

  /** Before the file is kept beyond its entry of the layer: its bytes no longer keep the chunk they arrived in. */
  unpin(): void {
    this.data = unpinned(this.data);
  }
}

/** The layer facts document of an image, with the layers its findings are located in. */
export class ImageFactsFile extends MemorySourceFile {
  constructor(
    path: string,
    content: Uint8Array,
    readonly image: ImageLocation,
    readonly layers: readonly ImageLayerRef[],
  ) {
    super(path, content);
  }
}

/** A large file of an image layer, spooled to a temporary file for parsers that read by range (models, archives). */
export class ImageSpooledFile extends DiskSourceFile {
  constructor(
    path: string,
    absPath: string,
    size: number,
    readonly image: ImageLocation,
    readonly entry?: EntryInfo,
    readonly installedPackage?: boolean,
  ) {
    super(path, absPath, size);
  }
}

export class BeyondProbe extends Error {}

/**
 * The first bytes of a large file, to ask the parsers whether they want it before its content is
 * read or spooled. Reading past the probe throws (the parser then does not match).
 */
export class ProbeFile extends MemorySourceFile {
  override readonly size: number;
  constructor(
    path: string,
    private readonly start: Uint8Array,
    size: number,
    readonly image: ImageLocation,
    readonly installedPackage?: boolean,
  ) {
    super(path, start);
    this.size = size;
  }
  override head(): Uint8Array {
    return this.start.subarray(0, HEAD_BYTES);
  }
  override bytes(): Uint8Array {
    throw new BeyondProbe('probe');
  }
  override read(offset: number, length: number): Uint8Array {
    if (offset + length > this.start.length && offset + length <= this.size) throw new BeyondProbe('probe');
    return this.start.subarray(offset, Math.min(this.size, offset + length));
  }
}
