import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { ImageLocation } from '../../core/types.js';
import { ImageFormatError } from './blob-store.js';
import { formatReference, parseReference } from './reference.js';
import { jsonErrorMessage } from '../../core/printable.js';

/** The image config (the parts Sanctum reads; everything else is kept in `raw`). */
export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  config?: {
    User?: string;
    Env?: string[];
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    ExposedPorts?: Record<string, unknown>;
    Labels?: Record<string, string> | null;
    Healthcheck?: { Test?: string[] };
    WorkingDir?: string;
  };
  rootfs?: { type?: string; diff_ids?: string[] };
  history?: HistoryEntry[];
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  comment?: string;
  empty_layer?: boolean;
}

/** One layer, in order from the base (index 0). */
export interface ImageLayer {
  index: number;
  /** Digest of the blob as stored (compressed), or of the uncompressed tar when that is all the archive says. */
  digest: string;
  /** The uncompressed tar's digest from the config (`rootfs.diff_ids`). */
  diffId?: string;
  mediaType?: string;
  /** The build step that made it (the history entry of the layer). */
  createdBy?: string;
  /** The compressed bytes as stored. */
  open(): Promise<Readable>;
}

/** One image to scan: its config and its layers. */
export interface ImageDescription {
  /** What the user named (archive path, `repo:tag`, a tag inside an archive). */
  ref: string;
  /** Manifest digest when known, else the config digest (the image ID). */
  digest: string;
  /** The image's name when the input gives one: the reference pulled, an archive's tag (`repo:tag`). */
  name?: string;
  configBytes: Buffer;
  config: ImageConfig;
  layers: ImageLayer[];
  /** Problems found while reading the archive or manifest that did not stop the scan. */
  warnings: string[];
  /** Set when an earlier image of the same run had this name with other content: this one is known by its content. */
  nameTaken?: boolean;
}

/**
 * Where in the image a finding is, before its layer is known. Its identity keeps fingerprints of one
 * image apart from another's in the same run and the same across rebuilds pushed under one name;
 * `imageId` is its content (the config digest).
 */
export function imageLocation(image: ImageDescription): ImageLocation {
  const imageId = sha256(image.configBytes);
  return { ref: image.ref, digest: image.digest, identity: image.nameTaken ? imageId : imageIdentity(image), imageId };
}

/**
 * Marks each image whose name an earlier image of the run had with other content (two builds under
 * one tag): the first keeps its name as identity, the later ones are known by their content.
 */
export class ImageNames {
  private readonly contentByName = new Map<string, string>();

  claim(image: ImageDescription): void {
    if (!image.name) return;
    const name = imageIdentity(image);
    const content = sha256(image.configBytes);
    const first = this.contentByName.get(name);
    if (first === undefined) this.contentByName.set(name, content);
    else if (first !== content) image.nameTaken = true;
  }
}

/** The image's canonical name (`docker.io/library/nginx:1.27`, `…@sha256:…` when pinned), else its config digest. */
export function imageIdentity(image: Pick<ImageDescription, 'name' | 'configBytes'>): string {
  if (image.name) {
    try {
      const ref = parseReference(image.name);
      return formatReference(ref.digest ? { ...ref, tag: undefined } : ref);
    } catch {
      // Not a name a registry would take: the content names the image.
    }
  }
  return sha256(image.configBytes);
}

/** `os/arch[/variant]`, as in `--platform linux/arm64/v8`. */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export function parsePlatform(spec: string): Platform {
  const [os, architecture, variant] = spec.split('/');
  if (!os || !architecture) throw new ImageFormatError(`--platform must be os/arch[/variant], e.g. linux/amd64 (got '${spec}')`);
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function formatPlatform(p: Partial<Platform> | undefined): string {
  if (!p) return 'unknown';
  return [p.os ?? '?', p.architecture ?? '?', p.variant].filter(Boolean).join('/');
}

export function hostPlatform(): Platform {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch === 'ia32' ? '386' : process.arch;
  return { os: 'linux', architecture: arch };
}

export function sha256(bytes: Uint8Array): string {
  return 'sha256:' + createHash('sha256').update(bytes).digest('hex');
}

export function parseJson<T>(bytes: Buffer, what: string): T {
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    if (value === null || typeof value !== 'object') throw new Error('not a JSON object');
    return value as T;
  } catch (e) {
    throw new ImageFormatError(`${what} is not valid JSON: ${jsonErrorMessage(e)}`);
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';

/** Removes `obj[key]` unless `ok` holds for it: a member of the wrong type is as good as absent. */
function keepIf(obj: Obj, key: string, ok: (v: unknown) => boolean): void {
  if (key in obj && !ok(obj[key])) delete obj[key];
}

const stringArray = (v: unknown): boolean => Array.isArray(v) && v.every(isString);

/**
 * An image config: a JSON object whose members Sanctum reads (`ImageConfig`) are dropped where they
 * have another type than the config format gives them (a damaged or crafted config reads as one
 * without them); every other member is kept as it is.
 */
export function parseImageConfig(bytes: Buffer, what: string): ImageConfig {
  const c = parseJson<unknown>(bytes, what);
  if (!isObj(c)) throw new ImageFormatError(`${what} is not valid JSON: not a JSON object`);
  for (const k of ['architecture', 'os', 'variant']) keepIf(c, k, isString);
  keepIf(c, 'config', isObj);
  if (isObj(c.config)) {
    const run = c.config;
    for (const k of ['User', 'WorkingDir']) keepIf(run, k, isString);
    keepIf(run, 'Env', stringArray);
    for (const k of ['Entrypoint', 'Cmd']) keepIf(run, k, (v) => v === null || stringArray(v));
    keepIf(run, 'ExposedPorts', isObj);
    keepIf(run, 'Labels', (v) => v === null || (isObj(v) && Object.values(v).every(isString)));
    keepIf(run, 'Healthcheck', (v) => isObj(v) && (!('Test' in v) || stringArray(v.Test)));
  }
  keepIf(c, 'rootfs', isObj);
  if (isObj(c.rootfs)) {
    keepIf(c.rootfs, 'type', isString);
    keepIf(c.rootfs, 'diff_ids', stringArray);
  }
  keepIf(c, 'history', Array.isArray);
  if (Array.isArray(c.history)) {
    c.history = c.history.map((h: unknown) => {
      if (!isObj(h)) return {};
      for (const k of ['created', 'created_by', 'comment']) keepIf(h, k, isString);
      keepIf(h, 'empty_layer', (v) => typeof v === 'boolean');
      return h;
    });
  }
  return c as ImageConfig;
}

/** A content descriptor of a manifest or index (the members Sanctum reads). */
export interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: Partial<Platform>;
  annotations?: Record<string, string>;
}

/** An image manifest, or an index of them (OCI, or Docker's schema 2 manifest list). */
export interface Manifest {
  mediaType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
  manifests?: Descriptor[];
}

function descriptor(d: unknown): Descriptor | undefined {
  if (!isObj(d) || !isString(d.digest)) return undefined;
  keepIf(d, 'mediaType', isString);
  keepIf(d, 'size', (v) => typeof v === 'number');
  keepIf(d, 'platform', isObj);
  if (isObj(d.platform)) for (const k of ['os', 'architecture', 'variant']) keepIf(d.platform, k, isString);
  keepIf(d, 'annotations', (v) => isObj(v) && Object.values(v).every(isString));
  return d as unknown as Descriptor;
}

/**
 * A manifest or index: descriptors without a digest are left out of an index's list; a manifest
 * whose config or one of whose layers has none is read as one without config or layers.
 */
export function parseManifest(bytes: Buffer, what: string): Manifest {
  const m = parseJson<unknown>(bytes, what);
  if (!isObj(m)) throw new ImageFormatError(`${what} is not valid JSON: not a JSON object`);
  const out: Manifest = {};
  if (isString(m.mediaType)) out.mediaType = m.mediaType;
  const config = descriptor(m.config);
  if (config) out.config = config;
  if (Array.isArray(m.layers)) {
    const layers = m.layers.map(descriptor);
    if (layers.every((l) => l !== undefined)) out.layers = layers as Descriptor[];
  }
  if (Array.isArray(m.manifests)) out.manifests = m.manifests.map(descriptor).filter((d) => d !== undefined);
  return out;
}

/** Each layer's build step: history entries that made a layer (not `empty_layer`), in order. */
export function layerCommands(config: ImageConfig): (string | undefined)[] {
  return (config.history ?? []).filter((h) => !h.empty_layer).map((h) => h.created_by);
}

export const DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * Most layers the images of one archive, layout or registry manifest may list in all. A runtime stacks
 * about 128 per image, so this is far above any real image; without it a small manifest listing one
 * layer thousands of times makes the walk read that layer thousands of times.
 */
export const MAX_IMAGE_LAYERS = 10_000;
