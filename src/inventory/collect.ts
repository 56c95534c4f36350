import { createHash } from 'node:crypto';
import { describeError, formatBytes } from '../core/engine.js';
import { LineIndex } from '../core/line-index.js';
import { printableName } from '../core/printable.js';
import { DEFAULT_LIMITS, ParseFailure, type Limits, type ParseContext } from '../core/parser.js';
import { looksBinary, releaseFile, type SourceFile } from '../core/source-file.js';
import { DependencyDocument } from '../parsers/deps/deps-document.js';
import { settleCargo, type CargoFile } from '../parsers/deps/cargo.js';
import { depsParser, formatOf, manifestLimitOf } from '../parsers/deps/deps-parser.js';
import { purlOf } from '../parsers/deps/purl.js';
import { gpuFromFile, gpuFromLibraryPath, gpuFromManifest, gpuPathKind } from '../parsers/os-packages/gpu-stack.js';
import { osPackagesParser } from '../parsers/os-packages/os-packages-parser.js';
import { composeClassifier } from '../parsers/compose/compose-classifier.js';
import { ComposeDocument } from '../parsers/compose/compose-document.js';
import { K8sObjectDocument } from '../parsers/k8s/k8s-documents.js';
import { k8sClassifier } from '../parsers/k8s/k8s-classifier.js';
import {
  GgufDocument,
  KerasDocument,
  ModelFileDocument,
  OnnxDocument,
  SafetensorsDocument,
  type ModelDocument,
} from '../parsers/models/documents.js';
import { modelParser } from '../parsers/models/model-parser.js';
import { createYamlParser } from '../parsers/yaml/yaml-parser.js';
import { aiServiceOf, serviceCommandWords } from '../rules/compose/lib/ai-services.js';
import { flagValue, recogniseAiServices } from '../rules/kubernetes/lib/ai-services.js';
import { walkTargets } from '../sources/directory.js';
import { codeReferences, uriReferences, withoutUserinfo } from './code-refs.js';
import { readModelCard } from './model-card.js';
import type { AiService, Inventory, InventoryModel, InventoryPackage, ModelCard } from './types.js';

export interface InventoryOptions {
  cwd?: string;
  limits?: Partial<Limits>;
  exclude?: readonly string[];
  /** Read these files instead of walking `targets`. */
  files?: Iterable<SourceFile>;
}

const yamlParser = createYamlParser([k8sClassifier, composeClassifier]);
const HASH_CHUNK = 4 * 1024 * 1024;
/** Text files `readFile` looks into for cards, model configs and references to models and datasets. */
const INVENTORY_TEXT = /^(?:readme\.md|config\.json)$|\.(?:py|ya?ml|sh|json|toml|env)$/i;
const CONFIG_MAX = 1024 * 1024;

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i === -1 ? '' : path.slice(0, i);
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * What the targets contain: packages from manifests, lockfiles and installed metadata; model files
 * with their hashes, metadata and cards; models and datasets the code downloads; AI services the
 * manifests deploy. Nothing is executed; unreadable files are `errors` entries.
 */
export function collectInventory(targets: string[], opts: InventoryOptions = {}): Inventory {
  const builder = new InventoryBuilder(opts);
  const files = opts.files ?? walkTargets(targets, { cwd: opts.cwd, exclude: opts.exclude, onError: (p, m) => builder.error(p, m) });
  for (const file of files) {
    try {
      builder.add(file);
    } finally {
      releaseFile(file);
    }
  }
  return builder.finish();
}

/**
 * The inventory of files handed over one at a time (the files of an image as its layers stream):
 * `add` each file while it can be read, then `finish` once.
 */
export class InventoryBuilder {
  private readonly inv: Inventory = { packages: [], models: [], remoteModels: [], datasets: [], services: [], errors: [] };
  private readonly ctx: ParseContext;
  private readonly cards = new Map<string, ModelCard>();
  private readonly configs = new Map<string, Record<string, string>>();
  /** The inventory's packages of each `Cargo.toml` and `Cargo.lock`, settled together in `finish`. */
  private readonly cargo: Array<CargoFile<InventoryPackage>> = [];

  constructor(opts: Pick<InventoryOptions, 'limits'> = {}) {
    this.ctx = { limits: { ...DEFAULT_LIMITS, ...opts.limits } };
  }

  error(path: string, message: string, line?: number): void {
    this.inv.errors.push(line !== undefined ? { path, message, line } : { path, message });
  }

  /** True when `add` would read something of this file (a source that hands files over can skip the rest). */
  wants(file: SourceFile): boolean {
    return (
      formatOf(file.path) !== undefined ||
      gpuPathKind(file.path) !== undefined ||
      INVENTORY_TEXT.test(baseName(file.path)) ||
      osPackagesParser.matches(file) ||
      modelParser.matches(file)
    );
  }

  add(file: SourceFile): void {
    try {
      readFile(file, this.inv, this.ctx, this.cards, this.configs, this.cargo, (p, m, l) => this.error(p, m, l));
    } catch (e) {
      this.error(file.path, describeError(e, 'inventory'), e instanceof ParseFailure ? e.line : undefined);
    }
  }

  finish(): Inventory {
    const { inv, cards, configs } = this;
    // A workspace member's inherited dependencies (their source can change the purl), the lockfile's development crates.
    settleCargo(this.cargo, (p) => (p.purl = purlOf(p)));
    // A card or config.json describes the model files of its directory.
    for (const model of inv.models) {
      const dir = dirOf(model.origin.path);
      const card = cards.get(dir);
      if (card) model.card = card;
      Object.assign(model.metadata, configs.get(dir) ?? {});
    }
    const withModels = new Set(inv.models.map((m) => dirOf(m.origin.path)));
    for (const [dir, card] of cards) {
      if (!withModels.has(dir) && (card.pipelineTag || card.baseModels.length || card.libraryName)) {
        inv.models.push({
          origin: card.origin,
          name: baseName(dir) || 'model',
          format: 'model-card',
          size: 0,
          sha256: '',
          metadata: { ...(configs.get(dir) ?? {}) },
          card,
        });
      }
      for (const name of card.datasets) inv.datasets.push({ origin: card.origin, name, source: 'card' });
    }
    return inv;
  }
}

function readFile(
  file: SourceFile,
  inv: Inventory,
  ctx: ParseContext,
  cards: Map<string, ModelCard>,
  configs: Map<string, Record<string, string>>,
  cargo: Array<CargoFile<InventoryPackage>>,
  error: (path: string, message: string, line?: number) => void,
): void {
  const name = baseName(file.path);
  const manifestLimit = manifestLimitOf(file.path, ctx.limits);
  if (manifestLimit !== undefined && file.size > manifestLimit) {
    error(file.path, `file is ${formatBytes(file.size)}, over the ${formatBytes(manifestLimit)} limit of the deps parser; not read`);
  } else if (manifestLimit !== undefined) {
    const out = depsParser.parse(file, ctx);
    for (const e of out.errors ?? []) error(file.path, e.message, e.line);
    for (const doc of out.documents) {
      if (!(doc instanceof DependencyDocument)) continue;
      const packages = addPackages(doc, inv);
      const kind = doc.manifest.kind;
      if (kind === 'cargo-toml' || kind === 'cargo-lock') cargo.push({ path: doc.file.path, kind, cargo: doc.manifest.cargo, packages });
    }
  }
  const gpu = gpuPathKind(file.path);
  if (gpu === 'library') (inv.gpu ??= []).push(gpuFromLibraryPath(file.path)!);
  else if (gpu === 'file' && file.size <= CONFIG_MAX) (inv.gpu ??= []).push(...gpuFromFile(file.path, file.text()));
  // rpm databases and Go executables: binary package sources, read by their headers.
  if (osPackagesParser.matches(file)) {
    const out = osPackagesParser.parse(file, ctx);
    for (const e of out.errors ?? []) error(file.path, e.message, e.line);
    for (const doc of out.documents) if (doc instanceof DependencyDocument) addPackages(doc, inv);
  }
  if (modelParser.matches(file)) {
    addModel(file, modelParser.parse(file, ctx).documents as ModelDocument[], inv, error);
    return;
  }
  if (file.size === 0 || file.size > (manifestLimit ?? ctx.limits.maxFileBytes) || looksBinary(file.head())) return;
  if (/^readme\.md$/i.test(name)) {
    const card = readModelCard(file.text(), { path: file.path, line: 1 });
    if (card) cards.set(dirOf(file.path), card);
  } else if (name === 'config.json' && file.size <= CONFIG_MAX) {
    const meta = modelConfig(file.text());
    if (meta) configs.set(dirOf(file.path), meta);
  } else if (/\.py$/i.test(name)) {
    const refs = codeReferences(file.text(), file.path);
    for (const item of refs.models) inv.remoteModels.push(item);
    for (const item of refs.datasets) inv.datasets.push(item);
  } else if (/\.(?:ya?ml)$/i.test(name)) {
    for (const item of uriReferences(file.text(), file.path)) inv.remoteModels.push(item);
    addServices(file, ctx, inv);
  } else if (manifestLimit !== undefined || /\.(?:sh|json|toml|env)$/i.test(name)) {
    for (const item of uriReferences(file.text(), file.path)) inv.remoteModels.push(item);
  }
}

/** Adds the packages of `doc` to the inventory; returns them. */
function addPackages(doc: DependencyDocument, inv: Inventory): InventoryPackage[] {
  if (doc.manifest.os) {
    const gpu = gpuFromManifest(doc.file.path, doc.manifest, doc.manifest.binary ? undefined : doc.file.text());
    if (gpu.length) (inv.gpu ??= []).push(...gpu);
  }
  let lines: LineIndex | undefined;
  const added: InventoryPackage[] = [];
  for (const dep of doc.manifest.packages) {
    const { span, ...rest } = dep;
    // A binary source (an rpm database, a Go executable) has no lines.
    if (!doc.manifest.binary) lines ??= new LineIndex(doc.file.text());
    const p: InventoryPackage = {
      ...rest,
      origin: lines ? { path: doc.file.path, line: lines.position(span.start).line } : { path: doc.file.path },
      manifest: doc.manifest.kind,
      purl: purlOf(dep),
    };
    inv.packages.push(p);
    added.push(p);
  }
  return added;
}

/** `config.json` of a transformers model: architectures, model type and dtype. */
function modelConfig(text: string): Record<string, string> | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const d = data as Record<string, unknown>;
  if (!Array.isArray(d.architectures) && typeof d.model_type !== 'string') return undefined;
  const meta: Record<string, string> = {};
  if (Array.isArray(d.architectures)) meta.architectures = d.architectures.filter((x) => typeof x === 'string').join(', ');
  if (typeof d.model_type === 'string') meta.model_type = d.model_type;
  if (typeof d.torch_dtype === 'string') meta.dtype = d.torch_dtype;
  if (typeof d.max_position_embeddings === 'number') meta.context_length = String(d.max_position_embeddings);
  return meta;
}

function sha256Of(file: SourceFile): string {
  const h = createHash('sha256');
  for (let off = 0; off < file.size; off += HASH_CHUNK) h.update(file.read(off, HASH_CHUNK));
  return h.digest('hex');
}

function addModel(file: SourceFile, docs: ModelDocument[], inv: Inventory, error: (path: string, message: string) => void): void {
  const top = docs.find((d) => d instanceof ModelFileDocument) ?? docs[0];
  const metadata: Record<string, string> = {};
  for (const d of docs) {
    if (d instanceof GgufDocument) {
      if (d.architecture) metadata.architecture = d.architecture;
      Object.assign(metadata, d.description);
    }
    // The header's metadata is the file author's: keys and values cut, characters that do not print escaped.
    if (d instanceof SafetensorsDocument)
      for (const [k, v] of Object.entries(d.metadata).slice(0, 32))
        metadata[`safetensors:${printableName(k.slice(0, 120))}`] = printableName(String(v).slice(0, 200));
    if (d instanceof OnnxDocument && d.producer) metadata.producer = d.producer;
    if (d instanceof KerasDocument && d.kerasVersion) metadata.keras_version = d.kerasVersion;
    for (const p of d.problems) if (p.kind === 'malformed') error(file.path, p.message);
  }
  const model: InventoryModel = {
    origin: { path: file.path },
    name: baseName(file.path),
    format: top?.format ?? 'unknown',
    size: file.size,
    sha256: sha256Of(file),
    metadata,
  };
  inv.models.push(model);
}

const INFERENCE_KINDS = new Set(['InferenceService', 'ServingRuntime', 'ClusterServingRuntime', 'SeldonDeployment', 'RayService']);

function addServices(file: SourceFile, ctx: ParseContext, inv: Inventory): void {
  let docs;
  try {
    docs = yamlParser.parse(file, ctx).documents;
  } catch {
    return; // not YAML the scan could read: `scan` reports it
  }
  for (const doc of docs) {
    if (doc instanceof ComposeDocument) addComposeServices(doc, inv);
    if (!(doc instanceof K8sObjectDocument)) continue;
    const obj = doc.object;
    const line = doc.locate(['metadata']).range?.startLine;
    const models = new Set<string>();
    const images = new Set<string>();
    const kinds = new Set<string>();
    if (INFERENCE_KINDS.has(String(obj.kind))) kinds.add(String(obj.kind));
    collectStorageUris(obj, models, 0);
    for (const pod of doc.pods) {
      for (const c of pod.containers) {
        const found = recogniseAiServices(c.container);
        if (found.length === 0) continue;
        for (const s of found) kinds.add(s.label);
        if (typeof c.container.image === 'string') images.add(c.container.image);
      }
    }
    if (kinds.size === 0) continue;
    const service: AiService = {
      origin: { path: file.path, line },
      name: doc.resource.name ?? String(obj.kind),
      kind: [...kinds].join(', '),
      objectKind: doc.resource.kind,
      models: [...models],
      images: [...images],
    };
    if (doc.resource.namespace) service.namespace = doc.resource.namespace;
    inv.services.push(service);
  }
}

/**
 * The AI services of a compose project (Ollama, vLLM, Jupyter, …), recognised by image or command.
 * Their model and image are as the compose file writes them, not with the values of `.env` (a model
 * URL there may hold a token), and a model URL without its credentials.
 */
function addComposeServices(doc: ComposeDocument, inv: Inventory): void {
  for (const view of doc.services) {
    const kind = aiServiceOf(view);
    if (!kind) continue;
    const written = doc.writtenView(view);
    const words = serviceCommandWords(written);
    const model =
      flagValue(words, '--model', '--model-id', '--model-path') || (words[0] === 'vllm' && words[1] === 'serve' ? words[2] : undefined);
    const image = written.service.image;
    inv.services.push({
      origin: { path: doc.file.path, line: doc.locate(view.path).range?.startLine },
      name: view.name,
      kind: kind.name,
      models: model ? [withoutUserinfo(model)] : [],
      images: typeof image === 'string' ? [image] : [],
    });
  }
}

/** Model locations (`storageUri`, `modelUri`) anywhere in an object, as KServe and Seldon name them, without credentials. */
export function collectStorageUris(v: unknown, out: Set<string>, depth: number): void {
  if (depth > 20 || v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) {
    for (const x of v) collectStorageUris(x, out, depth + 1);
    return;
  }
  for (const [k, x] of Object.entries(v)) {
    if ((k === 'storageUri' || k === 'modelUri') && typeof x === 'string') out.add(withoutUserinfo(x));
    else collectStorageUris(x, out, depth + 1);
  }
}
