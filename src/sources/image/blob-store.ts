import { closeSync, createReadStream, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { indexTar, normalize, type TarMember } from './tar-index.js';

/** Manifests, indexes and configs larger than this are not images. */
export const MAX_METADATA_BYTES = 16 * 1024 * 1024;

export class ImageFormatError extends Error {}

/** Files of an image archive or layout, by their path inside it (`manifest.json`, `blobs/sha256/…`). */
export interface BlobStore {
  has(path: string): boolean;
  size(path: string): number;
  /** A small file, whole (manifests, configs). */
  read(path: string): Buffer;
  /** A large file as a stream (layers). */
  stream(path: string): Readable;
  close(): void;
}

/** An OCI layout directory. */
export class DirectoryStore implements BlobStore {
  constructor(private readonly root: string) {}
  private abs(path: string): string {
    const clean = normalize(path);
    return join(this.root, ...clean.split('/'));
  }
  has(path: string): boolean {
    try {
      return statSync(this.abs(path)).isFile();
    } catch {
      return false;
    }
  }
  size(path: string): number {
    return statSync(this.abs(path)).size;
  }
  read(path: string): Buffer {
    const fd = openSync(this.abs(path), 'r');
    try {
      return readBounded(fd, 0, fstatSync(fd).size, path);
    } finally {
      closeSync(fd);
    }
  }
  stream(path: string): Readable {
    return createReadStream(this.abs(path), { highWaterMark: 1024 * 1024 });
  }
  close(): void {}
}

/** An uncompressed tar (`docker save`, an OCI layout tar): indexed once, members read by offset. */
export class TarStore implements BlobStore {
  private readonly fd: number;
  private readonly members: Map<string, TarMember>;
  constructor(private readonly file: string) {
    this.fd = openSync(file, 'r');
    try {
      this.members = indexTar(this.fd, fstatSync(this.fd).size);
    } catch (e) {
      closeSync(this.fd);
      throw e;
    }
  }
  private member(path: string): TarMember {
    const m = this.members.get(normalize(path));
    if (!m) throw new ImageFormatError(`${path} is not in the archive`);
    return m;
  }
  has(path: string): boolean {
    return this.members.has(normalize(path));
  }
  size(path: string): number {
    return this.member(path).size;
  }
  read(path: string): Buffer {
    const m = this.member(path);
    return readBounded(this.fd, m.offset, m.size, path);
  }
  stream(path: string): Readable {
    const m = this.member(path);
    if (m.size === 0) return createReadStream(this.file, { start: 1, end: 0 });
    return createReadStream(this.file, { start: m.offset, end: m.offset + m.size - 1, highWaterMark: 1024 * 1024 });
  }
  close(): void {
    closeSync(this.fd);
  }
}

function readBounded(fd: number, offset: number, size: number, path: string): Buffer {
  if (size > MAX_METADATA_BYTES) throw new ImageFormatError(`${path} is ${size} bytes, too large for image metadata`);
  const buf = Buffer.alloc(size);
  let off = 0;
  while (off < size) {
    const n = readSync(fd, buf, off, size - off, offset + off);
    if (n === 0) break;
    off += n;
  }
  if (off < size) throw new ImageFormatError(`${path} is truncated`);
  return buf;
}
