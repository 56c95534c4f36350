import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { ImageLocation } from '../../core/types.js';
import { ImageFormatError } from './blob-store.js';
import { formatReference, parseReference } from './reference.js';

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
    throw new ImageFormatError(`${what} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Each layer's build step: history entries that made a layer (not `empty_layer`), in order. */
export function layerCommands(config: ImageConfig): (string | undefined)[] {
  return (config.history ?? []).filter((h) => !h.empty_layer).map((h) => h.created_by);
}

export const DIGEST = /^sha256:[0-9a-f]{64}$/;
