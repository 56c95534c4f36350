import { statSync } from 'node:fs';
import { DirectoryStore, ImageFormatError, TarStore, type BlobStore } from './blob-store.js';
import {
  DIGEST,
  MAX_IMAGE_LAYERS,
  formatPlatform,
  hostPlatform,
  layerCommands,
  parseImageConfig,
  parseJson,
  parseManifest,
  sha256,
  type Descriptor,
  type ImageDescription,
  type Manifest,
  type Platform,
} from './image-source.js';

interface DockerSaveEntry {
  Config: string;
  RepoTags?: unknown;
  Layers: string[];
}

const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);

export interface OpenOptions {
  platform?: Platform;
}

/** The images in a `docker save` tarball or an OCI image layout (directory or tar), and the store that holds their blobs. */
export interface OpenedArchive {
  store: BlobStore;
  images: ImageDescription[];
}

/**
 * Opens a `docker save` archive (with `manifest.json`, or only the OCI `index.json` newer Docker also
 * writes) or an OCI image layout, as a directory or a tar. Every image of a `docker save` archive
 * is returned; from an index, the manifest of the requested (or the host's) platform.
 */
export function openArchive(path: string, opts: OpenOptions = {}): OpenedArchive {
  const store: BlobStore = statSync(path).isDirectory() ? new DirectoryStore(path) : new TarStore(path);
  try {
    let images: ImageDescription[];
    if (store.has('manifest.json') && !opts.platform) images = dockerSaveImages(store, path);
    else if (store.has('index.json')) images = [ociImage(store, path, opts.platform)];
    else if (store.has('manifest.json')) images = dockerSaveImages(store, path);
    else throw new ImageFormatError('neither a docker save archive (no manifest.json) nor an OCI image layout (no index.json)');
    return { store, images };
  } catch (e) {
    store.close();
    throw e;
  }
}

function dockerSaveImages(store: BlobStore, path: string): ImageDescription[] {
  const entries = parseJson<Array<DockerSaveEntry | null>>(store.read('manifest.json'), 'manifest.json');
  if (!Array.isArray(entries) || entries.length === 0) throw new ImageFormatError('manifest.json lists no image');
  const firstOf = new Map<string, number>();
  const repeats = new Map<number, number[]>();
  let layerCount = 0;
  const distinct: Array<[DockerSaveEntry, number]> = [];
  entries.forEach((entry, i) => {
    if (typeof entry?.Config !== 'string' || !Array.isArray(entry.Layers) || !entry.Layers.every((l) => typeof l === 'string'))
      throw new ImageFormatError(`manifest.json entry ${i} has no Config or Layers`);
    const key = JSON.stringify([entry.Config, entry.Layers]);
    const first = firstOf.get(key);
    if (first !== undefined) {
      // The same image under another tag is what Docker writes as one entry with two RepoTags.
      if (JSON.stringify(entry.RepoTags) !== JSON.stringify(entries[first]!.RepoTags)) return;
      const earlier = repeats.get(first);
      if (earlier) earlier.push(i);
      else repeats.set(first, [i]);
      return;
    }
    firstOf.set(key, i);
    layerCount += entry.Layers.length;
    if (layerCount > MAX_IMAGE_LAYERS)
      throw new ImageFormatError(`manifest.json lists more than ${MAX_IMAGE_LAYERS} layers in all; the archive is not read`);
    distinct.push([entry, i]);
  });
  return distinct.map(([entry, i]) => {
    const configBytes = store.read(entry.Config);
    const config = parseImageConfig(configBytes, entry.Config);
    const configDigest = sha256(configBytes);
    const warnings: string[] = [];
    const named = /(?:^|\/)([0-9a-f]{64})(?:\.json)?$/.exec(entry.Config)?.[1];
    if (named && `sha256:${named}` !== configDigest) warnings.push(`config ${entry.Config} does not match its digest (${configDigest})`);
    const same = repeats.get(i);
    if (same)
      warnings.push(
        `manifest.json ${same.length === 1 ? 'entry' : 'entries'} ${same.join(', ')} ${same.length === 1 ? 'repeats' : 'repeat'} entry ${i} (the same tags, config and layers); scanned once`,
      );
    const diffIds = config.rootfs?.diff_ids ?? [];
    const commands = layerCommands(config);
    const tag = Array.isArray(entry.RepoTags) && typeof entry.RepoTags[0] === 'string' ? entry.RepoTags[0] : undefined;
    return {
      ref: tag ?? (entries.length > 1 ? `${path}#${i}` : path),
      ...(tag ? { name: tag } : {}),
      digest: configDigest,
      configBytes,
      config,
      warnings,
      layers: entry.Layers.map((layerPath, index) => {
        const blob = /(?:^|\/)sha256\/([0-9a-f]{64})$/.exec(layerPath)?.[1];
        const diffId = diffIds[index];
        return {
          index,
          digest: blob ? `sha256:${blob}` : (diffId ?? layerPath),
          diffId,
          createdBy: commands[index],
          open: async () => store.stream(layerPath),
        };
      }),
    };
  });
}

function blobPath(digest: string): string {
  if (!DIGEST.test(digest)) throw new ImageFormatError(`unsupported digest '${digest}'`);
  return `blobs/sha256/${digest.slice('sha256:'.length)}`;
}

/** Reads a blob and checks it against its digest. */
function verifiedBlob(store: BlobStore, digest: string, what: string): Buffer {
  const path = blobPath(digest);
  if (!store.has(path)) throw new ImageFormatError(`${what} ${digest} is not in the layout`);
  const bytes = store.read(path);
  if (sha256(bytes) !== digest) throw new ImageFormatError(`${what} ${digest} does not match its digest`);
  return bytes;
}

function ociImage(store: BlobStore, path: string, wanted: Platform | undefined): ImageDescription {
  const index = parseManifest(store.read('index.json'), 'index.json');
  const { descriptor, manifest } = chooseManifest(store, index.manifests ?? [], wanted, 0);
  if (!manifest.config?.digest || !Array.isArray(manifest.layers))
    throw new ImageFormatError(`manifest ${descriptor.digest} has no config or layers`);
  if (manifest.layers.length > MAX_IMAGE_LAYERS)
    throw new ImageFormatError(
      `manifest ${descriptor.digest} lists ${manifest.layers.length} layers, more than ${MAX_IMAGE_LAYERS}; the image is not read`,
    );
  const configBytes = verifiedBlob(store, manifest.config.digest, 'config');
  const config = parseImageConfig(configBytes, 'config');
  const commands = layerCommands(config);
  const name = descriptor.annotations?.['io.containerd.image.name'] ?? descriptor.annotations?.['org.opencontainers.image.ref.name'];
  // `org.opencontainers.image.ref.name` is often a tag alone: no repository, no name.
  const fullName = name && (name.includes('/') || name.includes(':')) ? name : undefined;
  return {
    ref: name && !fullName ? `${path}:${name}` : (name ?? path),
    ...(fullName ? { name: fullName } : {}),
    digest: descriptor.digest,
    configBytes,
    config,
    warnings: [],
    layers: manifest.layers.map((layer, i) => ({
      index: i,
      digest: layer.digest,
      diffId: config.rootfs?.diff_ids?.[i],
      mediaType: layer.mediaType,
      createdBy: commands[i],
      open: async () => {
        const p = blobPath(layer.digest);
        if (!store.has(p)) throw new ImageFormatError(`layer ${layer.digest} is not in the layout`);
        return store.stream(p);
      },
    })),
  };
}

/** Follows an index (possibly nested) down to one image manifest. */
function chooseManifest(
  store: BlobStore,
  descriptors: Descriptor[],
  wanted: Platform | undefined,
  depth: number,
): { descriptor: Descriptor; manifest: Manifest } {
  if (depth > 4) throw new ImageFormatError('indexes nested more than 4 deep');
  const candidates = descriptors.filter((d) => d.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest');
  if (candidates.length === 0) throw new ImageFormatError('the index lists no image manifest');
  const descriptor = pickPlatform(candidates, wanted);
  const manifest = parseManifest(verifiedBlob(store, descriptor.digest, 'manifest'), `manifest ${descriptor.digest}`);
  if (INDEX_TYPES.has(descriptor.mediaType ?? '') || INDEX_TYPES.has(manifest.mediaType ?? '') || (manifest.manifests && !manifest.layers))
    return chooseManifest(store, manifest.manifests ?? [], wanted, depth + 1);
  return { descriptor, manifest };
}

export function pickPlatform<D extends { platform?: Partial<Platform> }>(candidates: D[], wanted: Platform | undefined): D {
  const withPlatform = candidates.filter((d) => d.platform?.os && d.platform.architecture);
  if (!wanted && withPlatform.length <= 1) return candidates[0];
  const target = wanted ?? hostPlatform();
  const matches = (d: D) =>
    d.platform?.os === target.os &&
    d.platform.architecture === target.architecture &&
    (!target.variant || d.platform.variant === target.variant);
  const found = withPlatform.find(matches);
  if (found) return found;
  if (!wanted) return withPlatform[0];
  throw new ImageFormatError(
    `no image for platform ${formatPlatform(wanted)} (available: ${withPlatform.map((d) => formatPlatform(d.platform)).join(', ') || 'none named'})`,
  );
}
