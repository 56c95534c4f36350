import { MemorySourceFile, type SourceFile } from '../../core/source-file.js';
import type { ScanError } from '../../core/types.js';
import { DEFAULT_LIMITS } from '../../core/parser.js';
import { endOfLife, type EndOfLife } from '../../vulndb/os-eol.js';
import { formatOf } from '../deps/deps-parser.js';
import type { DependencyManifest, OsIdentity } from '../deps/types.js';
import { goBinaryManifest } from './go-binary.js';
import { GoBuildInfoError, GoBuildInfoScanner, isElf } from './go-buildinfo.js';
import { gpuFromFile, gpuFromLibraryPath, gpuFromManifest, gpuPathKind, gpuStack, type GpuComponent, type GpuStack } from './gpu-stack.js';
import { assignManifest } from './os-packages-parser.js';
import { distroQualifier, identifyOs, OS_IDENTITY_FILES, vendorOf, withOsProblems } from './os-release.js';
import { assignOs, packageDatabaseOf } from './rootfs.js';
import { parseRpmSqlite, unreadRpmDatabase } from './rpm.js';

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
 *    header: permission bits, with or without the file-type bits). True for regular files only:
 *    package databases, OS identity files, installed-package metadata, GPU stack version files and
 *    headers, and executables (for Go build information). Library names of the GPU stack
 *    (`libcudnn.so.9.1.0`) are noted from the path alone: offer every entry, links included.
 * 2. When it wants the entry: `await accept(path, content)` with the whole bytes or a stream of
 *    chunks (read once, to its end). A later entry for the same path replaces an earlier one.
 * 3. `forget(path)` when a later layer deletes the path (whiteout), so the final view counts.
 * 4. `result()` once every layer has passed.
 *
 * Paths are inside the image, `/`-separated, with or without a leading `/` or `./`. Nothing read is
 * ever executed; every entry kept is bounded (`maxEntryBytes`), and executables are scanned as they
 * stream, never held. The files of `result().files` are what the engine should scan for the `deps`
 * scanner *instead of* the original entries of the same paths (those carry no OS: given to the engine
 * directly, a package database is inventoried but its packages are not matched, and the engine says
 * why in `errors`). Binary sources (rpm databases, Go executables) come back as empty stand-in files
 * carrying their parsed manifest: findings name the path without a line.
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
  /** When that release stops (or stopped) getting security updates, when known (`src/vulndb/os-eol.ts`). */
  endOfLife?: EndOfLife;
  /** CUDA, cuDNN, NCCL and the other NVIDIA libraries found, with where each version was read. */
  gpu: GpuStack;
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
  /** Largest entry kept (package databases of large images reach a few MB; rpm's SQLite database tens). Default 256 MB. */
  maxEntryBytes?: number;
  /** The date end of life is judged on (`YYYY-MM-DD`); default today. */
  today?: string;
}

/** Installed language packages: Python distribution metadata and npm packages under `node_modules`. */
const INSTALLED = /(?:\.dist-info\/METADATA|\.egg-info\/PKG-INFO|(?:^|\/)node_modules\/(?:@[^/]+\/)?[^/@][^/]*\/package\.json)$/;

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;

export function normalizeImagePath(path: string): string {
  return path.replace(/^(?:\.\/|\/)+/, '');
}

type Kind = 'os-identity' | 'text-manifest' | 'rpm' | 'gpu-file' | 'executable';

/** Executables smaller than this are scripts or stubs, not Go programs. */
const MIN_EXECUTABLE = 64 * 1024;

/** The collector of one image (or one root filesystem): see `PackageCollector`. */
export class ImagePackageCollector implements PackageCollector {
  private readonly maxEntryBytes: number;
  private readonly today: string;
  private readonly kept = new Map<string, { kind: Kind; bytes: Uint8Array }>();
  /** Binary sources parsed as they passed (rpm databases, Go executables): their OS is applied at the end. */
  private readonly parsed = new Map<string, DependencyManifest>();
  private readonly libraries = new Map<string, GpuComponent>();
  private readonly errors = new Map<string, string>();

  constructor(opts: CollectorOptions = {}) {
    this.maxEntryBytes = opts.maxEntryBytes ?? 256 * 1024 * 1024;
    this.today = opts.today ?? new Date().toISOString().slice(0, 10);
  }

  private kindOf(path: string, mode: number): Kind | undefined {
    if ((OS_IDENTITY_FILES as readonly string[]).includes(path)) return 'os-identity';
    const db = packageDatabaseOf(path);
    if (db && db.root === '') {
      if (db.format === 'dpkg' || db.format === 'apk') return 'text-manifest';
      if (db.format === 'rpm-sqlite') return 'rpm';
    }
    if (INSTALLED.test(path)) return 'text-manifest';
    if (gpuPathKind(path) === 'file') return 'gpu-file';
    if ((mode & 0o111) !== 0) return 'executable';
    return undefined;
  }

  wants(path: string, size: number, mode: number): boolean {
    const p = normalizeImagePath(path);
    const library = gpuFromLibraryPath(p);
    if (library) this.libraries.set(p, library);
    const type = mode & S_IFMT;
    if (type !== 0 && type !== S_IFREG) return false;
    const db = packageDatabaseOf(p);
    if (db && db.root === '' && (db.format === 'rpm-bdb' || db.format === 'rpm-ndb')) {
      this.errors.set(p, unreadRpmDatabase(db.format));
      return false;
    }
    const kind = this.kindOf(p, mode);
    if (!kind) return false;
    if (kind === 'executable') return size >= MIN_EXECUTABLE;
    if (size > this.maxEntryBytes) {
      this.errors.set(p, `${size} bytes, over the ${this.maxEntryBytes}-byte limit for a package database or metadata file; not read`);
      return false;
    }
    return true;
  }

  async accept(path: string, content: Uint8Array | AsyncIterable<Uint8Array>): Promise<void> {
    const p = normalizeImagePath(path);
    const kind = this.kindOf(p, 0o755);
    const library = this.libraries.get(p);
    this.forget(p);
    if (library) this.libraries.set(p, library);
    if (kind === 'executable' || kind === undefined) return this.scanExecutable(p, content);
    const bytes = await readBounded(content, this.maxEntryBytes);
    if (bytes === undefined) {
      this.errors.set(p, `over the ${this.maxEntryBytes}-byte limit for a package database or metadata file; not read`);
      return;
    }
    if (kind === 'rpm') {
      this.parsed.set(
        p,
        parseRpmSqlite({ size: bytes.length, read: (o, l) => bytes.subarray(o, Math.min(bytes.length, o + l)) }, undefined),
      );
      return;
    }
    this.kept.set(p, { kind, bytes });
  }

  /** Streams an executable through the Go build information scanner; nothing of it is kept. */
  private async scanExecutable(path: string, content: Uint8Array | AsyncIterable<Uint8Array>): Promise<void> {
    const scanner = new GoBuildInfoScanner();
    let first = true;
    let elf = false;
    try {
      for await (const chunk of content instanceof Uint8Array ? [content] : content) {
        if (first) elf = isElf(chunk);
        first = false;
        if (elf) scanner.push(chunk);
      }
      const info = elf ? scanner.result() : undefined;
      if (info) this.parsed.set(path, goBinaryManifest(info));
    } catch (e) {
      if (!(e instanceof GoBuildInfoError)) throw e;
      this.errors.set(path, `Go build information cannot be read: ${e.message}`);
    }
  }

  forget(path: string): void {
    const p = normalizeImagePath(path);
    this.kept.delete(p);
    this.parsed.delete(p);
    this.libraries.delete(p);
    this.errors.delete(p);
  }

  result(): CollectedPackages {
    const os = this.os();
    const files: SourceFile[] = [];
    const manifests: CollectedManifest[] = [];
    const gpu: GpuComponent[] = [...this.libraries.values()];
    const errors: ScanError[] = [...this.errors].map(([path, message]) => ({ path, message }));
    const byPath = (a: [string, unknown], b: [string, unknown]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
    for (const [path, entry] of [...this.kept].sort(byPath)) {
      if (entry.kind === 'gpu-file') {
        for (const item of gpuFromFile(path, new TextDecoder().decode(entry.bytes))) gpu.push(item);
        continue;
      }
      // The os-release the OS was read from is scanned too (the end-of-life rule reports on it); other identity files only tell the OS.
      if (entry.kind === 'os-identity' && (path !== os?.source || !path.endsWith('os-release'))) continue;
      const file = new MemorySourceFile(path, entry.bytes);
      if (packageDatabaseOf(path)) assignOs(file, os);
      files.push(file);
      const format = formatOf(path);
      if (!format || entry.kind === 'os-identity') continue;
      try {
        const manifest = format.parse(file.text(), path, { limits: DEFAULT_LIMITS }, file);
        // Its problems reach `errors` when the engine scans the file.
        manifests.push({ path, manifest });
        for (const item of gpuFromManifest(path, manifest, file.text())) gpu.push(item);
      } catch (e) {
        errors.push({ path, message: (e as Error).message });
      }
    }
    for (const [path, manifest] of [...this.parsed].sort(byPath)) {
      if (manifest.kind === 'rpm-db') applyOs(manifest, os);
      const file = new MemorySourceFile(path, '');
      assignManifest(file, manifest);
      files.push(file);
      manifests.push({ path, manifest });
      for (const item of gpuFromManifest(path, manifest)) gpu.push(item);
    }
    const eol = os ? endOfLife(os.id, os.versionId, this.today) : undefined;
    return { ...(os ? { os } : {}), ...(eol ? { endOfLife: eol } : {}), gpu: gpuStack(gpu), files, manifests, errors };
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

/** Ties a manifest parsed before the OS was known to it (rpm databases stream before `etc/os-release`). */
function applyOs(m: DependencyManifest, os: OsIdentity | undefined): void {
  if (os) {
    m.os = os;
    for (const p of m.packages) {
      p.ecosystem = os.ecosystem;
      if (p.os) {
        p.os.vendor = vendorOf(os, p.os.vendor);
        const distro = distroQualifier(os);
        if (distro) p.os.distro = distro;
      }
    }
  }
  withOsProblems(m, 'rpm');
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
