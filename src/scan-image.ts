import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SourceFile } from './core/source-file.js';
import { describeSystemError } from './core/system-error.js';
import type { Finding, ImageLocation, ImageSummary, ScanError, ScanResult } from './core/types.js';
import { historyToDockerfile } from './parsers/image/history-dockerfile.js';
import type { ImageHistorySource } from './parsers/image/image-config.js';
import { scanFiles, ScanSetupError, sortFindings, type FileSink, type ScanOptions } from './scan.js';
import { ImageFormatError } from './sources/image/blob-store.js';
import { ImageFactsFile, ImageMemoryFile } from './sources/image/image-file.js';
import { openArchive, type OpenedArchive } from './sources/image/image-archive.js';
import {
  formatPlatform,
  imageLocation,
  ImageNames,
  parsePlatform,
  sha256,
  type ImageDescription,
  type Platform,
} from './sources/image/image-source.js';
import { formatReference, parseReference } from './sources/image/reference.js';
import { pullImage } from './sources/image/registry.js';
import { walkImage, type LayerFact, type WalkLimits, type WalkResult } from './sources/image/image-walker.js';
import { ImagePackageCollector } from './parsers/os-packages/collector.js';
import { TarIndexError } from './sources/image/tar-index.js';
import { InventoryBuilder } from './inventory/collect.js';
import type { Inventory } from './inventory/types.js';
import type { BomSubject } from './inventory/sbom.js';
import { PackageURL } from 'packageurl-js';

export interface ImageScanOptions extends Omit<ScanOptions, 'targets' | 'files'> {
  /** `docker save` tarballs, OCI layouts (directory or tar), or registry references (`ghcr.io/acme/serve:1.4`). */
  images: string[];
  /** Registries (`host[:port]`) pulled from over plain HTTP. */
  insecureRegistries?: string[];
  /** Directory of the Docker config file with registry credentials (default: `$DOCKER_CONFIG`, else `~/.docker`). */
  dockerConfigDir?: string;
  /** `os/arch[/variant]`: the image picked from an index (default: the host's, or the only one). */
  platform?: string;
  /** `false`: do not inventory OS packages, Go executables and the GPU stack (faster; no package findings). */
  packages?: boolean;
  /**
   * Also run the code rules over code a package manager installed (`site-packages`, `dist-packages`,
   * `node_modules`, an interpreter's `lib/pythonX.Y`). Default: off; those files still get the
   * secret, model and package scanners.
   */
  installedCode?: boolean;
  /**
   * Receives each image's inventory (packages, models, datasets, GPU stack) for an SBOM, read from
   * the same pass over the layers (files only the inventory needs are read too).
   */
  onInventory?: (image: ImageSummary, inventory: Inventory) => void;
  walkLimits?: Partial<WalkLimits>;
  /** Directory for spooled files. */
  tmpDir?: string;
}

/** Path of the image config in findings (paths of files inside the image start with `/`). */
export const CONFIG_PATH = 'config.json';
/** Path of the history rebuilt as a Dockerfile. */
export const HISTORY_PATH = 'history.Dockerfile';
/** Path of the layer facts document (SUID files, world-writable directories, caches). */
export const FACTS_PATH = 'image-facts.json';

/**
 * Dockerfile rules whose finding on the rebuilt history repeats an image rule on the config (the
 * config is what runs): the image rule stands.
 */
const COVERED_BY_CONFIG_RULES = new Set(['DF-0001', 'DF-0009']);

/**
 * Scans container images: each image's config and history, and every file of every layer through
 * the same parsers and rules as `scan` (files a later layer deleted included). Several images may be
 * given; an image that cannot be read is an entry in `errors` and the others are scanned. It installs
 * no signal listener (the caller's process keeps its own SIGINT/SIGTERM behaviour): its spooled files
 * (`tmpDir`) are removed when it returns or throws, and the CLI removes them on Ctrl-C (cli/interrupts.ts).
 */
export async function scanImage(opts: ImageScanOptions): Promise<ScanResult> {
  if (opts.images.length === 0) throw new ScanSetupError('no image given');
  const extraErrors: ScanError[] = [];
  const summaries: ImageSummary[] = [];
  const result = await scanFiles({ ...opts, targets: opts.images }, async (sink) => {
    await forEachImage(opts, extraErrors, async (image) => {
      summaries.push(await scanOne(image, sink, opts, extraErrors));
    });
  });
  const findings = result.findings.filter((f) => !(f.location.path === HISTORY_PATH && COVERED_BY_CONFIG_RULES.has(f.ruleId)));
  for (const f of findings) describeRemoved(f);
  const { schemaVersion, tool, targets: _targets, ...rest } = result;
  return {
    schemaVersion,
    tool,
    targets: opts.images,
    images: summaries,
    ...rest,
    findings: sortFindings(findings),
    errors: [...extraErrors, ...result.errors],
  };
}

/** Where `forEachImage` finds images: archives and layouts on disk, else registries. */
type ImageSourceOptions = Pick<ImageScanOptions, 'images' | 'cwd' | 'platform' | 'insecureRegistries' | 'dockerConfigDir'>;

/**
 * Opens each image given (an archive or layout may hold several) and hands it to `visit`; what
 * cannot be opened or pulled is an entry of `errors`, and the others are visited.
 */
async function forEachImage(
  opts: ImageSourceOptions,
  errors: ScanError[],
  visit: (image: ImageDescription) => Promise<void>,
): Promise<void> {
  const cwd = opts.cwd ?? process.cwd();
  const platform = opts.platform ? parsePlatformOrThrow(opts.platform) : undefined;
  const names = new ImageNames();
  for (const ref of opts.images) {
    const abs = resolve(cwd, ref);
    if (!existsSync(abs)) {
      const pulled = await pull(ref, opts, platform, errors);
      if (pulled) {
        names.claim(pulled);
        await visit(pulled);
      }
      continue;
    }
    let archive: OpenedArchive;
    try {
      archive = openArchive(abs, { platform });
    } catch (e) {
      errors.push({ path: ref, message: describeOpenError(e) });
      continue;
    }
    try {
      for (const image of archive.images) {
        if (image.ref === abs) image.ref = ref;
        else if (image.ref.startsWith(abs)) image.ref = ref + image.ref.slice(abs.length);
        names.claim(image);
        await visit(image);
      }
    } finally {
      archive.store.close();
    }
  }
}

/** A registry reference, pulled with the distribution API (its layers are streamed when walked), or undefined with an `errors` entry. */
async function pull(
  ref: string,
  opts: ImageSourceOptions,
  platform: Platform | undefined,
  errors: ScanError[],
): Promise<ImageDescription | undefined> {
  let parsed;
  try {
    // A missing archive or layout is not a repository on Docker Hub.
    if (/^[./~]|\.(?:tar|tgz|tar\.gz|oci)$/i.test(ref)) throw new Error('a path');
    parsed = parseReference(ref);
  } catch {
    errors.push({ path: ref, message: 'no such file or directory, and not an image reference' });
    return undefined;
  }
  try {
    return await pullImage(ref, { platform, insecureRegistries: opts.insecureRegistries, dockerConfigDir: opts.dockerConfigDir });
  } catch (e) {
    errors.push({ path: ref, message: `cannot pull ${formatReference(parsed)}: ${(e as Error).message}` });
    return undefined;
  }
}

async function scanOne(image: ImageDescription, sink: FileSink, opts: ImageScanOptions, errors: ScanError[]): Promise<ImageSummary> {
  const base = imageLocation(image);
  for (const w of image.warnings) errors.push({ path: image.ref, message: w, image: base });
  // The history goes to the rebuilt Dockerfile, where the Dockerfile rules judge each step.
  const { history: _history, ...config } = image.config;
  offer(sink, new ImageConfigFile(CONFIG_PATH, Buffer.from(JSON.stringify(config, null, 2) + '\n'), base, image.config.history ?? []));
  const dockerfile = historyToDockerfile(image.config.history ?? []);
  if (dockerfile) offer(sink, new ImageMemoryFile(HISTORY_PATH, Buffer.from(dockerfile), base));
  const packages = opts.packages === false ? undefined : new ImagePackageCollector({ today: opts.today });
  const inventory = opts.onInventory ? new InventoryBuilder() : undefined;
  const walk = await walkImage(image, {
    sink: inventory ? inventorySink(sink, inventory) : sink,
    packages,
    limits: opts.walkLimits,
    tmpDir: opts.tmpDir,
    installedCode: opts.installedCode,
  });
  for (const item of walk.errors) errors.push(item);
  const layers = image.layers.map((l) => ({ index: l.index, digest: l.digest, ...(l.createdBy ? { createdBy: l.createdBy } : {}) }));
  offer(sink, new ImageFactsFile(FACTS_PATH, Buffer.from(factsDocument(image, walk.facts)), base, layers));
  const summary = summarize(image, walk);
  if (inventory) opts.onInventory!(summary, finishInventory(inventory, walk));
  return summary;
}

function finishInventory(inventory: InventoryBuilder, walk: WalkResult): Inventory {
  const found = inventory.finish();
  // The collector saw every library name of the GPU stack, links included.
  found.gpu = walk.packages?.gpu.components ?? [];
  return found;
}

export interface ImageInventoryOptions extends ImageSourceOptions, Pick<ImageScanOptions, 'walkLimits' | 'tmpDir' | 'today'> {}

/** What one image contains, for its SBOM: the summary (identity, OS, layers) and the inventory. */
export interface ImageInventory {
  image: ImageSummary;
  inventory: Inventory;
}

/**
 * The inventory of each image (packages of the OS, Python, npm and Go executables, models, datasets,
 * the GPU stack) from one pass over its layers, without running the rules: what `sanctum sbom --image`
 * describes, the same as `sanctum image --format cyclonedx` does. What could not be read is in `errors`.
 */
export async function inventoryImages(opts: ImageInventoryOptions): Promise<{ images: ImageInventory[]; errors: ScanError[] }> {
  if (opts.images.length === 0) throw new ScanSetupError('no image given');
  const errors: ScanError[] = [];
  const images: ImageInventory[] = [];
  await forEachImage(opts, errors, async (image) => {
    const base = imageLocation(image);
    for (const w of image.warnings) errors.push({ path: image.ref, message: w, image: base });
    const inventory = new InventoryBuilder();
    const walk = await walkImage(image, {
      sink: { wants: (file) => inventory.wants(file), scan: (file) => inventory.add(file) },
      packages: new ImagePackageCollector({ today: opts.today }),
      limits: opts.walkLimits,
      tmpDir: opts.tmpDir,
    });
    for (const item of walk.errors) errors.push(item);
    images.push({ image: summarize(image, walk), inventory: finishInventory(inventory, walk) });
  });
  return { images, errors };
}

/** The image config as the rules read it: the text without the history, which policies still read (see `ImageHistorySource`). */
class ImageConfigFile extends ImageMemoryFile implements ImageHistorySource {
  constructor(
    path: string,
    content: Uint8Array,
    image: ImageLocation,
    readonly configHistory: readonly unknown[],
  ) {
    super(path, content, image);
  }
}

/** The scan's sink, with every file the inventory reads handed to it first (while the file can be read). */
function inventorySink(sink: FileSink, inventory: InventoryBuilder): FileSink {
  return {
    wants: (file) => sink.wants(file) || inventory.wants(file),
    scan(file) {
      inventory.add(file);
      sink.scan(file);
    },
    error: (path, message) => sink.error(path, message),
  };
}

/** The image's identity, runtime settings, layers and inventory counts (`ScanResult.images`). */
function summarize(image: ImageDescription, walk: WalkResult): ImageSummary {
  const config = image.config;
  const run = config.config ?? {};
  const sizes = new Map(walk.layers.map((l) => [l.index, l]));
  const collected = walk.packages;
  const packages: Record<string, number> = {};
  const seen = new Set<string>();
  for (const { manifest } of collected?.manifests ?? []) {
    for (const p of manifest.packages) {
      const ecosystem = p.ecosystem.replace(/:.*$/, '');
      const key = `${ecosystem}\0${p.name}\0${p.version ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      packages[ecosystem] = (packages[ecosystem] ?? 0) + 1;
    }
  }
  const os = collected?.os;
  const gpu = (collected?.gpu.components ?? []).filter((c, i, all) => all.findIndex((o) => o.name === c.name) === i);
  const created = (config as { created?: unknown }).created;
  return {
    ref: image.ref,
    digest: image.digest,
    configDigest: sha256(image.configBytes),
    ...(config.os || config.architecture ? { platform: formatPlatform(config) } : {}),
    ...(typeof created === 'string' ? { created } : {}),
    ...(os
      ? {
          os: {
            id: os.id,
            ...(os.versionId ? { version: os.versionId } : {}),
            name: os.name,
            ...(collected?.endOfLife ? { endOfLife: collected.endOfLife.date, endOfLifeReached: collected.endOfLife.ended } : {}),
          },
        }
      : {}),
    user: run.User ?? '',
    ...(run.Entrypoint?.length ? { entrypoint: run.Entrypoint } : {}),
    ...(run.Cmd?.length ? { cmd: run.Cmd } : {}),
    ...(run.WorkingDir ? { workingDir: run.WorkingDir } : {}),
    ...(run.ExposedPorts && Object.keys(run.ExposedPorts).length ? { exposedPorts: Object.keys(run.ExposedPorts) } : {}),
    layers: image.layers.map((l) => {
      const size = sizes.get(l.index);
      return {
        index: l.index,
        digest: l.digest,
        ...(l.diffId ? { diffId: l.diffId } : {}),
        ...(l.createdBy ? { createdBy: l.createdBy } : {}),
        ...(size ? { storedBytes: size.storedBytes, bytes: size.bytes } : {}),
      };
    }),
    storedBytes: walk.layers.reduce((n, l) => n + l.storedBytes, 0),
    bytes: walk.layers.reduce((n, l) => n + l.bytes, 0),
    files: walk.files,
    removedFiles: walk.removed,
    packages,
    ...(gpu.length ? { gpu: gpu.map((c) => ({ name: c.name, version: c.version })) } : {}),
  };
}

function offer(sink: FileSink, file: SourceFile): void {
  if (sink.wants(file)) sink.scan(file);
}

function factsDocument(image: ImageDescription, facts: LayerFact[]): string {
  const env = image.config.config?.Env ?? [];
  const pathVar = env.find((e) => e.startsWith('PATH='))?.slice(5);
  const doc = {
    sanctumImageFacts: 1,
    path: (pathVar ?? '').split(':').filter(Boolean),
    // Build steps stay out of this text (it is scanned for secrets too; the history is judged as a Dockerfile).
    layers: image.layers.map((l) => ({ index: l.index, digest: l.digest })),
    facts: facts.map((f) => ({
      kind: f.kind,
      path: f.path,
      mode: (f.mode & 0o7777).toString(8),
      layer: f.image.layer?.index ?? 0,
      ...(f.bytes !== undefined ? { bytes: f.bytes } : {}),
      ...(f.image.removedBy ? { removedBy: f.image.removedBy.index } : {}),
    })),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

/** A finding in a file that a later layer deleted says so: the file is not in the filesystem, but anyone with the image has it. */
function describeRemoved(f: Finding): void {
  const removedBy = f.location.image?.removedBy;
  if (!removedBy) return;
  f.message += ` (in a file layer ${removedBy.index} deleted or replaced: still in the image's layer ${f.location.image?.layer?.index ?? '?'})`;
}

function parsePlatformOrThrow(spec: string) {
  try {
    return parsePlatform(spec);
  } catch (e) {
    throw new ScanSetupError((e as Error).message);
  }
}

function describeOpenError(e: unknown): string {
  if (e instanceof ImageFormatError || e instanceof TarIndexError) return e.message;
  return `cannot read the image: ${describeSystemError(e)}`;
}

/**
 * What an image's SBOM describes: the image as a `container` component (with a `pkg:oci` purl when
 * the reference names a repository), and its operating system.
 */
export function imageBomSubject(image: ImageSummary): BomSubject {
  let purl: string | undefined;
  try {
    const ref = parseReference(image.ref);
    const name = ref.repository.slice(ref.repository.lastIndexOf('/') + 1);
    const arch = image.platform?.split('/')[1];
    purl = new PackageURL('oci', undefined, name, image.digest, {
      repository_url: `${ref.authKey === 'docker.io' ? 'index.docker.io' : ref.registry}/${ref.repository}`,
      ...(arch ? { arch } : {}),
      ...(ref.tag ? { tag: ref.tag } : {}),
    }).toString();
  } catch {
    // An archive path, not a repository: no purl.
  }
  const properties: Array<[string, string]> = [
    ['sanctum:image:digest', image.digest],
    ['sanctum:image:configDigest', image.configDigest],
    ['sanctum:image:layers', String(image.layers.length)],
  ];
  if (image.platform) properties.push(['sanctum:image:platform', image.platform]);
  if (image.os?.endOfLife) properties.push(['sanctum:os:endOfLife', image.os.endOfLife]);
  return {
    type: 'container',
    name: image.ref,
    version: image.digest,
    ...(purl ? { purl } : {}),
    properties,
    ...(image.os
      ? { os: { name: image.os.id, ...(image.os.version ? { version: image.os.version } : {}), description: image.os.name } }
      : {}),
  };
}
