import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack, type Headers } from './tar-pack.js';

/** One entry of a test layer. */
export interface TestEntry {
  name: string;
  /** File content; omit for directories, links and whiteouts. */
  content?: string | Uint8Array;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  mode?: number;
  linkname?: string;
  /** Extra pax records (a huge header, a long path). */
  pax?: Record<string, string>;
}

export type TestCompression = 'gzip' | 'zstd' | 'none';

export interface TestLayer {
  entries: TestEntry[];
  compression?: TestCompression;
  createdBy?: string;
}

export interface TestImage {
  layers: TestLayer[];
  /** The runtime config (`User`, `Env`, `ExposedPorts`, …). */
  config?: Record<string, unknown>;
  /** Extra history steps that made no layer (ENV, EXPOSE, …), placed before the layer steps. */
  emptyHistory?: string[];
  architecture?: string;
  os?: string;
}

export function sha256(bytes: Uint8Array): string {
  return 'sha256:' + createHash('sha256').update(bytes).digest('hex');
}

/** The `zstd` binary (Debian's), when installed: writing zstd needs it, reading it does not. */
export function zstdAvailable(): boolean {
  return spawnSync('zstd', ['--version'], { stdio: 'ignore' }).status === 0;
}

export function compress(tar: Uint8Array, how: TestCompression): Buffer {
  if (how === 'gzip') return gzipSync(tar);
  if (how === 'zstd') {
    const r = spawnSync('zstd', ['-q', '-c', '-3'], { input: tar, maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`zstd failed: ${r.stderr?.toString()}`);
    return r.stdout;
  }
  return Buffer.from(tar);
}

/** A tar archive of the entries, written by tar-stream. */
export async function layerTar(entries: TestEntry[]): Promise<Buffer> {
  const files = entries.map((e): { header: Headers; content?: Uint8Array } => {
    const content = e.content === undefined ? undefined : typeof e.content === 'string' ? Buffer.from(e.content) : e.content;
    const type = e.type ?? (content === undefined && e.name.endsWith('/') ? 'directory' : 'file');
    return {
      header: {
        name: e.name,
        type,
        mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644),
        size: type === 'file' ? (content?.length ?? 0) : 0,
        linkname: e.linkname,
        pax: e.pax,
      },
      content: type === 'file' ? (content ?? Buffer.alloc(0)) : undefined,
    };
  });
  return pack(files);
}

interface BuiltLayer {
  blob: Buffer;
  diffId: string;
  digest: string;
  mediaType: string;
  createdBy: string;
}

async function buildLayers(image: TestImage): Promise<BuiltLayer[]> {
  const out: BuiltLayer[] = [];
  for (const [i, layer] of image.layers.entries()) {
    const tar = await layerTar(layer.entries);
    const how = layer.compression ?? 'gzip';
    const blob = compress(tar, how);
    out.push({
      blob,
      diffId: sha256(tar),
      digest: sha256(blob),
      mediaType: `application/vnd.oci.image.layer.v1.tar${how === 'none' ? '' : `+${how}`}`,
      createdBy: layer.createdBy ?? `/bin/sh -c #(nop) COPY dir:layer${i} in / `,
    });
  }
  return out;
}

function configOf(image: TestImage, layers: BuiltLayer[]): Buffer {
  const history = [
    ...(image.emptyHistory ?? []).map((created_by) => ({ created: '2026-01-01T00:00:00Z', created_by, empty_layer: true })),
    ...layers.map((l) => ({ created: '2026-01-01T00:00:00Z', created_by: l.createdBy })),
  ];
  return Buffer.from(
    JSON.stringify({
      architecture: image.architecture ?? 'amd64',
      os: image.os ?? 'linux',
      config: image.config ?? {},
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
      history,
    }),
  );
}

/** Files of an archive or layout: path → bytes. */
type Files = Array<[string, Uint8Array]>;

async function writeTar(path: string, files: Files): Promise<void> {
  writeFileSync(
    path,
    await pack(files.map(([name, content]) => ({ header: { name, type: 'file', size: content.length, mode: 0o644 }, content }))),
  );
}

/**
 * A `docker save` archive: `manifest.json` with `<config digest>.json` and `<diffid>/layer.tar`
 * (the legacy layout, `legacy: true`), or the blobs layout Docker 25 writes (with `index.json`).
 */
export async function dockerSave(
  path: string,
  image: TestImage,
  opts: { tag?: string; legacy?: boolean } = {},
): Promise<{ configDigest: string }> {
  const layers = await buildLayers(image);
  const config = configOf(image, layers);
  const configDigest = sha256(config);
  const files: Files = [];
  const hex = (d: string) => d.slice('sha256:'.length);
  let layerPaths: string[];
  let configPath: string;
  if (opts.legacy) {
    configPath = `${hex(configDigest)}.json`;
    files.push([configPath, config]);
    layerPaths = layers.map((l) => `${hex(l.diffId)}/layer.tar`);
    layers.forEach((l, i) => files.push([layerPaths[i], l.blob]));
  } else {
    configPath = `blobs/sha256/${hex(configDigest)}`;
    files.push([configPath, config]);
    layerPaths = layers.map((l) => `blobs/sha256/${hex(l.digest)}`);
    layers.forEach((l, i) => files.push([layerPaths[i], l.blob]));
  }
  files.push([
    'manifest.json',
    Buffer.from(JSON.stringify([{ Config: configPath, RepoTags: opts.tag ? [opts.tag] : null, Layers: layerPaths }])),
  ]);
  await writeTar(path, files);
  return { configDigest };
}

export interface OciPlatformImage extends TestImage {
  platform?: { os: string; architecture: string; variant?: string };
}

/** An OCI image layout (directory, or a tar when `tar` is set) with an index of one or more platform images. */
export async function ociLayout(
  path: string,
  images: OciPlatformImage[],
  opts: { tar?: boolean; name?: string } = {},
): Promise<{ manifestDigests: string[] }> {
  const files: Files = [['oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}')]];
  const blob = (bytes: Uint8Array) => files.push([`blobs/sha256/${sha256(bytes).slice(7)}`, bytes]);
  const descriptors: unknown[] = [];
  const manifestDigests: string[] = [];
  for (const image of images) {
    const layers = await buildLayers(image);
    const config = configOf(image, layers);
    blob(config);
    layers.forEach((l) => blob(l.blob));
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
        layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.blob.length })),
      }),
    );
    blob(manifest);
    manifestDigests.push(sha256(manifest));
    descriptors.push({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: sha256(manifest),
      size: manifest.length,
      ...(image.platform ? { platform: image.platform } : {}),
      ...(opts.name ? { annotations: { 'org.opencontainers.image.ref.name': opts.name } } : {}),
    });
  }
  files.push([
    'index.json',
    Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: descriptors })),
  ]);
  if (opts.tar) await writeTar(path, files);
  else
    for (const [name, content] of files) {
      mkdirSync(join(path, name, '..'), { recursive: true });
      writeFileSync(join(path, name), content);
    }
  return { manifestDigests };
}
