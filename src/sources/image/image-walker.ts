import { createReadStream, createWriteStream, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { SourceFile } from '../../core/source-file.js';
import { holdTempDir, releaseTempDir } from '../../core/temp-dirs.js';
import type { CollectedPackages, PackageCollector } from '../../parsers/os-packages/collector.js';
import type { ImageLayerRef, ImageLocation, ScanError } from '../../core/types.js';
import { imageLocation, type ImageDescription, type ImageLayer } from './image-source.js';
import { ImageMemoryFile, ImageSpooledFile, isInstalledPackagePath, ProbeFile, unpinned, type EntryInfo } from './image-file.js';
import { DEFAULT_LAYER_LIMITS, LayerError, readLayer, type LayerLimits } from './layer-stream.js';

/** Where the files of an image go: the scan's parsers, through `wants` and `scan`. */
export interface ImageFileSink {
  wants(file: SourceFile): boolean;
  scan(file: SourceFile): void;
}

/** A file, directory or link of a layer with a property image rules look at (SUID, world-writable, caches). */
export interface LayerFact {
  kind: 'setuid' | 'setgid' | 'world-writable-dir' | 'package-cache';
  path: string;
  mode: number;
  /** For package caches: bytes found under the cache directory in this layer. */
  bytes?: number;
  image: ImageLocation;
}

export interface WalkLimits extends LayerLimits {
  /** Files up to this size are read into memory when a parser wants them; larger ones are spooled. */
  maxMemoryFileBytes: number;
  /** Largest file spooled to a temporary file; larger files are reported in `errors`. */
  maxSpoolBytes: number;
}

export const DEFAULT_WALK_LIMITS: WalkLimits = {
  ...DEFAULT_LAYER_LIMITS,
  maxMemoryFileBytes: 16 * 1024 * 1024,
  maxSpoolBytes: 8 * 1024 * 1024 * 1024,
};

export interface WalkOptions {
  sink: ImageFileSink;
  /** Collects the OS and language package databases, Go executables and the GPU stack (see `PackageCollector`). */
  packages?: PackageCollector;
  limits?: Partial<WalkLimits>;
  /** Directory for spooled files (default: the system temporary directory). */
  tmpDir?: string;
  /** Run the code rules over installed third-party code too (`site-packages`, `node_modules`; see `isInstalledPackagePath`). */
  installedCode?: boolean;
}

export interface WalkResult {
  errors: ScanError[];
  facts: LayerFact[];
  /** Files in the final filesystem. */
  files: number;
  /** Files added by a layer and deleted or replaced by a later one (still in the image). */
  removed: number;
  /** Bytes of each layer read: as stored, and unpacked (up to where reading stopped, for a broken layer). */
  layers: Array<{ index: number; storedBytes: number; bytes: number }>;
  /** What the package collector found: OS, end of life, GPU stack, package inventories. */
  packages?: CollectedPackages;
}

/** First bytes read from a large file to ask the parsers whether they want it (model sniffing reads up to 64 KiB). */
const PROBE_BYTES = 64 * 1024;
const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';
const PACKAGE_CACHES = [
  '/var/cache/apt/archives/',
  '/var/lib/apt/lists/',
  '/var/cache/apk/',
  '/var/cache/yum/',
  '/var/cache/dnf/',
  '/root/.cache/pip/',
  '/root/.npm/_cacache/',
  '/usr/local/share/.cache/yarn/',
  '/root/.cache/huggingface/',
  '/opt/conda/pkgs/',
];

interface Node {
  /** Layer that put this path where it is now. */
  layer: number;
  dir: boolean;
  children?: Map<string, Node>;
  /** Set for files that were offered to the scan: findings share this object. */
  loc?: ImageLocation;
}

/**
 * Walks an image's layers in order, reading each once as a stream. Every file is offered to the
 * scan as it passes (so files that a later layer deletes are scanned too; their location then
 * names the layer that removed them); whiteouts and opaque directories are applied to a tree of
 * paths that becomes the final filesystem. Broken layers end as `errors` entries.
 */
export async function walkImage(image: ImageDescription, opts: WalkOptions): Promise<WalkResult> {
  const limits = { ...DEFAULT_WALK_LIMITS, ...opts.limits };
  const root: Node = { layer: -1, dir: true, children: new Map() };
  const errors: ScanError[] = [];
  const facts: LayerFact[] = [];
  const packages = opts.packages;
  let spoolDir: string | undefined;
  let removed = 0;
  const sizes: WalkResult['layers'] = [];
  const refs = image.layers.map((l): ImageLayerRef => ({
    index: l.index,
    digest: l.digest,
    ...(l.createdBy ? { createdBy: l.createdBy } : {}),
  }));
  const base = imageLocation(image);
  const locOf = (layer: number): ImageLocation => ({ ...base, layer: refs[layer] });
  /** The location of a path of the final filesystem: the layer that last wrote it. */
  const finalLoc = (path: string): ImageLocation => {
    let node: Node | undefined = root;
    for (const part of path.split('/')) if (part) node = node?.children?.get(part);
    return node && node.layer >= 0 ? locOf(node.layer) : { ...base };
  };

  /** Marks everything under `node` (at `path`) as removed by `layer`. */
  const removeTree = (node: Node, layer: number, path: string): void => {
    if (node.loc && !node.loc.removedBy) node.loc.removedBy = refs[layer];
    if (!node.dir) {
      removed++;
      packages?.forget(path);
    }
    for (const [name, child] of node.children ?? []) removeTree(child, layer, `${path}/${name}`);
  };
  const parentOf = (parts: string[], layer: number): Node => {
    let node = root;
    let at = '';
    for (const part of parts) {
      at += `/${part}`;
      let next = node.children!.get(part);
      if (!next || !next.dir) {
        if (next) removeTree(next, layer, at);
        next = { layer, dir: true, children: new Map() };
        node.children!.set(part, next);
      }
      node = next;
    }
    return node;
  };

  let spooled = 0;
  const spool = async (reader: EntryReader, start: Buffer): Promise<string> => {
    if (spoolDir === undefined) {
      spoolDir = mkdtempSync(join(opts.tmpDir ?? tmpdir(), 'sanctum-image-'));
      // Removed by the CLI if it is told to stop while it is held (SIGINT, SIGTERM: see cli/interrupts.ts).
      holdTempDir(spoolDir);
    }
    const file = join(spoolDir, `spool-${spooled++}`);
    const out = createWriteStream(file);
    out.write(start);
    await reader.writeTo(out);
    return file;
  };

  try {
    for (const layer of image.layers) {
      const where = `layer ${layer.index} (${shortDigest(layer.digest)})`;
      let read;
      try {
        read = await readLayer(await layer.open(), limits);
      } catch (e) {
        errors.push({ path: where, message: `cannot read the layer: ${(e as Error).message}`, image: locOf(layer.index) });
        continue;
      }
      const cacheBytes = new Map<string, { bytes: number; mode: number }>();
      try {
        for await (const { header, stream: content } of read.entries) {
          const stream = new EntryReader(content as AsyncIterable<Buffer>);
          const name = cleanName(header.name);
          if (name === undefined) {
            errors.push({
              path: header.name,
              message: `${where}: entry name escapes the image root (path traversal); not extracted`,
              image: locOf(layer.index),
            });
            await stream.drain();
            continue;
          }
          if (name === '') {
            await stream.drain();
            continue;
          }
          const parts = name.split('/');
          const base = parts.pop()!;
          const path = '/' + name;
          // Whiteouts: delete from lower layers.
          if (base === OPAQUE) {
            const dir = parentOf(parts, layer.index);
            for (const [childName, child] of dir.children!) {
              if (child.layer < layer.index) {
                removeTree(child, layer.index, `/${[...parts, childName].join('/')}`);
                dir.children!.delete(childName);
              }
            }
            await stream.drain();
            continue;
          }
          if (base.startsWith(WHITEOUT)) {
            const dir = parentOf(parts, layer.index);
            const target = base.slice(WHITEOUT.length);
            const victim = dir.children!.get(target);
            if (victim) {
              removeTree(victim, layer.index, `/${[...parts, target].join('/')}`);
              dir.children!.delete(target);
            }
            await stream.drain();
            continue;
          }
          const parent = parentOf(parts, layer.index);
          const existing = parent.children!.get(base);
          const mode = header.mode ?? 0;
          if (header.type === 'directory') {
            if (existing && !existing.dir) {
              removeTree(existing, layer.index, path);
              parent.children!.delete(base);
            }
            if (!existing || !existing.dir) parent.children!.set(base, { layer: layer.index, dir: true, children: new Map() });
            if (mode & 0o002 && !(mode & 0o1000)) facts.push({ kind: 'world-writable-dir', path, mode, image: locOf(layer.index) });
            await stream.drain();
            continue;
          }
          if (existing) {
            removeTree(existing, layer.index, path);
            parent.children!.delete(base);
          }
          const node: Node = { layer: layer.index, dir: false };
          parent.children!.set(base, node);
          if (header.type !== 'file' && header.type !== 'contiguous-file') {
            // Library names (libcudnn.so.9) tell the GPU stack from links too.
            packages?.wants(path, 0, (mode & 0o7777) | (header.type === 'symlink' ? 0o120000 : 0o010000));
            if (header.type === 'link' && cleanName(header.linkname ?? '') === undefined)
              errors.push({ path, message: `${where}: hard link target escapes the image root`, image: locOf(layer.index) });
            await stream.drain();
            continue;
          }
          if (mode & 0o6000) {
            node.loc = locOf(layer.index);
            if (mode & 0o4000) facts.push({ kind: 'setuid', path, mode, image: node.loc });
            if (mode & 0o2000) facts.push({ kind: 'setgid', path, mode, image: node.loc });
          }
          const cache = PACKAGE_CACHES.find((c) => path.startsWith(c));
          if (cache) {
            const c = cacheBytes.get(cache) ?? { bytes: 0, mode };
            c.bytes += header.size ?? 0;
            cacheBytes.set(cache, c);
          }
          const size = header.size ?? 0;
          const entry: EntryInfo = { mode, uid: header.uid, gid: header.gid };
          await offer(stream, path, size, entry, node, layer, packages?.wants(path, size, mode & 0o7777) ?? false);
        }
      } catch (e) {
        const message = e instanceof LayerError ? e.message : `cannot read the layer: ${(e as Error).message}`;
        errors.push({ path: where, message, image: locOf(layer.index) });
        const partial = read.summary();
        sizes.push({ index: layer.index, storedBytes: partial.compressedBytes, bytes: partial.bytes });
        continue;
      }
      for (const [dir, c] of cacheBytes)
        facts.push({ kind: 'package-cache', path: dir.replace(/\/$/, ''), mode: c.mode, bytes: c.bytes, image: locOf(layer.index) });
      const summary = read.summary();
      sizes.push({ index: layer.index, storedBytes: summary.compressedBytes, bytes: summary.bytes });
      const expected = layer.mediaType || read.compression !== 'none' ? layer.digest : (layer.diffId ?? layer.digest);
      if (summary.digest && /^sha256:/.test(expected) && summary.digest !== expected && summary.digest !== layer.diffId)
        errors.push({
          path: where,
          message: `layer content does not match its digest (got ${shortDigest(summary.digest)})`,
          image: locOf(layer.index),
        });
    }
    const collected = packages?.result();
    if (collected) {
      for (const e of collected.errors) errors.push({ ...e, path: `/${e.path.replace(/^\/+/, '')}`, image: finalLoc(e.path) });
      // The package databases as they are in the final filesystem, tied to the image's OS.
      for (const file of collected.files) {
        // The collector's files keep their identity (the OS and parsed manifest are tied to them): the
        // path inside the image and its location are set on them as on every other file of the image.
        Object.defineProperty(file, 'image', { value: finalLoc(file.path), enumerable: true });
        Object.defineProperty(file, 'path', { value: `/${file.path.replace(/^\/+/, '')}`, enumerable: true });
        if (opts.sink.wants(file)) opts.sink.scan(file);
      }
    }
    let files = 0;
    visit(root, (n) => {
      if (!n.dir) files++;
    });
    return { errors, facts, files, removed, layers: sizes, ...(collected ? { packages: collected } : {}) };
  } finally {
    if (spoolDir) {
      rmSync(spoolDir, { recursive: true, force: true });
      releaseTempDir(spoolDir);
    }
  }

  /**
   * Hands a regular file to the scan and, when it wants it, to the package collector. A file the
   * parsers do not want is never read whole: it is streamed to the collector or skipped.
   */
  async function offer(
    stream: EntryReader,
    path: string,
    size: number,
    entry: EntryInfo,
    node: Node,
    layer: ImageLayer,
    collect: boolean,
  ): Promise<void> {
    if (size === 0 && !collect) {
      await stream.drain();
      return;
    }
    const loc = node.loc ?? locOf(layer.index);
    // A package database is scanned from the collector's result, tied to the image's OS; executables go to both.
    const scannable = !collect || (entry.mode & 0o111) !== 0;
    const start = await stream.start(Math.min(size, PROBE_BYTES));
    const whole = start.length >= size;
    const installed = !opts.installedCode && isInstalledPackagePath(path);
    const small = whole ? new ImageMemoryFile(path, start, loc, entry, installed) : undefined;
    const wanted = scannable && opts.sink.wants(small ?? new ProbeFile(path, start, size, loc, installed));
    if (!wanted) {
      if (collect) await packages!.accept(path, whole ? unpinned(start) : stream.chunks(start));
      else await stream.drain();
      return;
    }
    node.loc = loc;
    if (size <= limits.maxMemoryFileBytes) {
      // A small file is scanned as the object the parsers were asked about (their sniffing is cached on
      // it), with bytes of its own: the scan may keep it (documents for cross-object rules), not its chunk.
      small?.unpin();
      const file =
        small ?? new ImageMemoryFile(path, Buffer.concat([start, await stream.rest(size - start.length)]), loc, entry, installed);
      if (collect) await packages!.accept(path, file.bytes());
      opts.sink.scan(file);
      return;
    }
    if (size > limits.maxSpoolBytes) {
      errors.push({ path, message: `file is ${size} bytes, over the ${limits.maxSpoolBytes}-byte spool limit; not scanned`, image: loc });
      if (collect) await packages!.accept(path, stream.chunks(start));
      else await stream.drain();
      return;
    }
    const spoolFile = await spool(stream, start);
    try {
      if (collect) await packages!.accept(path, createReadStream(spoolFile) as AsyncIterable<Buffer>);
      opts.sink.scan(new ImageSpooledFile(path, spoolFile, size, loc, entry, installed));
    } finally {
      rmSync(spoolFile, { force: true });
    }
  }
}

/** Reads one tar entry's content in pieces: its start, then the rest, or nothing more. */
class EntryReader {
  private readonly it: AsyncIterator<Buffer>;
  private pending: Buffer | undefined;
  constructor(stream: AsyncIterable<Buffer>) {
    this.it = stream[Symbol.asyncIterator]();
  }
  private async next(): Promise<Buffer | undefined> {
    if (this.pending) {
      const p = this.pending;
      this.pending = undefined;
      return p;
    }
    const r = await this.it.next();
    return r.done ? undefined : r.value;
  }
  /** Up to `n` bytes from the current position (fewer only when the entry ends). */
  async start(n: number): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let got = 0;
    while (got < n) {
      const chunk = await this.next();
      if (chunk === undefined) break;
      chunks.push(chunk);
      got += chunk.length;
    }
    const all = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    if (all.length <= n) return all;
    this.pending = all.subarray(n);
    return all.subarray(0, n);
  }
  /** Everything left, into a buffer of the expected size. */
  async rest(expected: number): Promise<Buffer> {
    const out = Buffer.allocUnsafe(expected);
    let off = 0;
    for (let chunk = await this.next(); chunk !== undefined; chunk = await this.next()) {
      const n = Math.min(chunk.length, expected - off);
      chunk.copy(out, off, 0, n);
      off += n;
    }
    return off === expected ? out : out.subarray(0, off);
  }
  /** `first`, then everything left, as a stream of chunks (read once). */
  async *chunks(first: Buffer): AsyncGenerator<Buffer> {
    if (first.length) yield first;
    for (let chunk = await this.next(); chunk !== undefined; chunk = await this.next()) yield chunk;
  }
  async drain(): Promise<void> {
    while ((await this.next()) !== undefined);
  }
  async writeTo(out: WriteStream): Promise<void> {
    for (let chunk = await this.next(); chunk !== undefined; chunk = await this.next()) {
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await finished(out);
  }
}

function visit(node: Node, fn: (n: Node) => void): void {
  fn(node);
  for (const child of node.children?.values() ?? []) visit(child, fn);
}

/** The entry name as a clean path without a leading `/`, or undefined when it climbs out of the root. */
function cleanName(name: string): string | undefined {
  const parts: string[] = [];
  for (const p of name.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(p);
  }
  return parts.join('/');
}

export function shortDigest(d: string): string {
  return d.startsWith('sha256:') ? d.slice(0, 19) : d;
}
