import { MemorySourceFile, type SourceFile } from '../../core/source-file.js';
import type { ScanError } from '../../core/types.js';
import { DEFAULT_LIMITS } from '../../core/parser.js';
import { formatOf } from '../deps/deps-parser.js';
import type { DependencyManifest, OsIdentity } from '../deps/types.js';
import { identifyOs, OS_IDENTITY_FILES } from './os-release.js';
import { assignOs, packageDatabaseOf } from './rootfs.js';

/**
 * # Package collector: what an image walker hands over for the package inventory
 *
 * An image is read as a stream of layer entries; the OS package databases, the OS identity and the
 * installed language packages are scattered across it, in any order (Alpine's `lib/apk/db/installed`
 * passes before `usr/lib/os-release`). The collector keeps what it needs as the entries pass, and at
 * the end tells which OS the image runs and gives the package databases back as files for the engine,
 * each tied to that OS, so the `SCA-` rules report on them at their lines as in a directory scan.
 *
 * Protocol, for each layer entry in order (later layers after earlier ones):
 * 1. `wants(path, size, mode)`: decided from the path, size and mode alone (`mode` as in the tar
 *    header: permission bits, with or without the file-type bits). True for regular files only.
 * 2. When it wants the entry: `await accept(path, content)` with the whole bytes or a stream of
 *    chunks (read once, to its end). A later entry for the same path replaces an earlier one.
 * 3. `forget(path)` when a later layer deletes the path (whiteout), so the final view counts.
 * 4. `result()` once every layer has passed.
 *
 * Paths are inside the image, `/`-separated, with or without a leading `/` or `./`. Nothing read is
 * ever executed; every entry is bounded (`maxEntryBytes`). The files of `result().files` are what
 * the engine should scan for the `deps` scanner *instead of* the original entries of the same paths
 * (those carry no OS: given to the engine directly, a package database is inventoried but its packages
 * are not matched, and the engine says why in `errors`).
 */
export interface PackageCollector {
  wants(path: string, size: number, mode: number): boolean;
  accept(path: string, content: Uint8Array | AsyncIterable<Uint8Array>): Promise<void>;
  forget(path: string): void;
  result(): CollectedPackages;
}

export interface CollectedManifest {
  /** The path inside the image (no leading `/`). */
  path: string;
  manifest: DependencyManifest;
}

export interface CollectedPackages {
  /** The operating system of the image, when an identity file was found. */
  os?: OsIdentity;
  /**
   * Files to hand to the engine's `scanFile` for the `deps` rules: the package databases and installed
   * package metadata at their paths in the image, each tied to `os`.
   */
  files: SourceFile[];
  /** Every package source read, parsed: the image's inventory (SBOM). */
  manifests: CollectedManifest[];
  /** Entries that could not be read (too large, broken, unsupported formats). */
  errors: ScanError[];
}

export interface CollectorOptions {
  /** Largest entry kept (package databases of large images reach a few MB). Default 64 MB. */
  maxEntryBytes?: number;
}

/** Installed language packages: Python distribution metadata and npm packages under `node_modules`. */
const INSTALLED = /(?:\.dist-info\/METADATA|\.egg-info\/PKG-INFO|(?:^|\/)node_modules\/(?:@[^/]+\/)?[^/@][^/]*\/package\.json)$/;

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;

export function normalizeImagePath(path: string): string {
  return path.replace(/^(?:\.\/|\/)+/, '');
}

type Kind = 'os-identity' | 'text-manifest';

/** The collector of one image (or one root filesystem): see `PackageCollector`. */
export class ImagePackageCollector implements PackageCollector {
  private readonly maxEntryBytes: number;
  private readonly kept = new Map<string, { kind: Kind; bytes: Uint8Array }>();
  private readonly errors = new Map<string, string>();

  constructor(opts: CollectorOptions = {}) {
    this.maxEntryBytes = opts.maxEntryBytes ?? 64 * 1024 * 1024;
  }

  private kindOf(path: string): Kind | undefined {
    if ((OS_IDENTITY_FILES as readonly string[]).includes(path)) return 'os-identity';
    const db = packageDatabaseOf(path);
    if (db && db.root === '' && (db.format === 'dpkg' || db.format === 'apk')) return 'text-manifest';
    if (INSTALLED.test(path)) return 'text-manifest';
    return undefined;
  }

  wants(path: string, size: number, mode: number): boolean {
    const type = mode & S_IFMT;
    if (type !== 0 && type !== S_IFREG) return false;
    const p = normalizeImagePath(path);
    const db = packageDatabaseOf(p);
    if (db && db.root === '' && db.format.startsWith('rpm')) {
      this.noteUnread(p, db.format);
      return false;
    }
    const kind = this.kindOf(p);
    if (!kind) return false;
    if (size > this.maxEntryBytes) {
      this.errors.set(p, `${size} bytes, over the ${this.maxEntryBytes}-byte limit for a package database or metadata file; not read`);
      return false;
    }
    return true;
  }

  private noteUnread(path: string, format: string): void {
    this.errors.set(path, `rpm database (${format}): not read yet; its packages are not inventoried`);
  }

  async accept(path: string, content: Uint8Array | AsyncIterable<Uint8Array>): Promise<void> {
    const p = normalizeImagePath(path);
    const kind = this.kindOf(p);
    const bytes = await readBounded(content, this.maxEntryBytes);
    if (!kind) return;
    if (bytes === undefined) {
      this.errors.set(p, `over the ${this.maxEntryBytes}-byte limit for a package database or metadata file; not read`);
      this.kept.delete(p);
      return;
    }
    this.errors.delete(p);
    this.kept.set(p, { kind, bytes });
  }

  forget(path: string): void {
    const p = normalizeImagePath(path);
    this.kept.delete(p);
    this.errors.delete(p);
  }

  result(): CollectedPackages {
    const os = this.os();
    const files: SourceFile[] = [];
    const manifests: CollectedManifest[] = [];
    const errors: ScanError[] = [...this.errors].map(([path, message]) => ({ path, message }));
    for (const [path, entry] of [...this.kept].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (entry.kind !== 'text-manifest') continue;
      const file = new MemorySourceFile(path, entry.bytes);
      if (packageDatabaseOf(path)) assignOs(file, os);
      files.push(file);
      const format = formatOf(path);
      if (!format) continue;
      try {
        const manifest = format.parse(file.text(), path, { limits: DEFAULT_LIMITS }, file);
        // Its problems reach `errors` when the engine scans the file.
        manifests.push({ path, manifest });
      } catch (e) {
        errors.push({ path, message: (e as Error).message });
      }
    }
    return { ...(os ? { os } : {}), files, manifests, errors };
  }

  /** The image's OS: the first identity file of `OS_IDENTITY_FILES` that says what it is. */
  private os(): OsIdentity | undefined {
    for (const rel of OS_IDENTITY_FILES) {
      const entry = this.kept.get(rel);
      if (!entry) continue;
      const os = identifyOs(rel, new TextDecoder().decode(entry.bytes));
      if (os) return os;
    }
    return undefined;
  }
}

/** The whole content, or undefined once it passes `max` bytes (a stream is still read to its end). */
async function readBounded(content: Uint8Array | AsyncIterable<Uint8Array>, max: number): Promise<Uint8Array | undefined> {
  if (content instanceof Uint8Array) return content.length > max ? undefined : content;
  const chunks: Uint8Array[] = [];
  let total = 0;
  let over = false;
  for await (const chunk of content) {
    total += chunk.length;
    if (total > max) over = true;
    if (!over) chunks.push(chunk);
  }
  return over ? undefined : Buffer.concat(chunks, total);
}
