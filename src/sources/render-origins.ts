/**
 * Traces values of rendered output back to the source line that set them.
 *
 * Kustomize: each rendered object is matched by kind and name to the resource file that declares it,
 * then to the patches of the overlay chain that target it (strategic-merge and JSON 6902, in files
 * or inline), in the order Kustomize applies them. A scalar is placed at the last layer that sets
 * it to the value it has in the output; a mapping or list at the first layer that declares it. A
 * value no layer holds is placed at the transformer field that produced it (`namespace`,
 * `namePrefix`, `images`, labels…) when one is set; otherwise it cannot be known.
 *
 * Helm: templates are text, not YAML, so a rendered line is placed on the template line with the
 * same text when the two files hold that text equally often (ordinal matching); lines made from
 * values or loops cannot be placed.
 */
import { readFileSync, statSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { SNIPPET_MAX, type Located, type RenderOrigins } from '../core/document.js';
import { LineIndex } from '../core/line-index.js';
import { DEFAULT_LIMITS } from '../core/parser.js';
import { DiskSourceFile, MemorySourceFile, type SourceFile } from '../core/source-file.js';
import type { ObjectPath, PathSegment, SourceRange } from '../core/types.js';
import { loadAllBounded } from '../core/js-yaml-load.js';
import { isMapping } from '../parsers/yaml/position-table.js';
import { KUBE_SCHEMA, loadYaml } from '../parsers/yaml/yaml-parser.js';
import type { YamlFile } from '../parsers/yaml/yaml-document.js';

/** A patch entry of a kustomization (`patches`, `patchesStrategicMerge`, `patchesJson6902`). */
export interface PatchEntry {
  /** Absolute path of the kustomization file that lists it. */
  kustomization: string;
  /** Path of the entry inside the kustomization document. */
  at: ObjectPath;
  /** Absolute path of the patch file, or the inline patch text. */
  file?: string;
  inline?: string;
  target?: Record<string, unknown>;
}

/** One kustomization of an overlay chain, as the renderer read it. */
export interface KustomizationModel {
  abs: string;
  /** Local resource files. */
  files: string[];
  patches: PatchEntry[];
  /** Kustomization files of the bases it includes as resources. */
  bases?: string[];
  /** Kustomization files of the components it includes. */
  components?: string[];
}

/** A source file loaded with positions, shared by every finding that points into it. */
interface Loaded {
  file: SourceFile;
  yaml: YamlFile;
  docs: unknown[];
}

class SourceCache {
  private readonly loaded = new Map<string, Loaded | null>();
  constructor(private readonly cwd: string) {}

  display(abs: string): string {
    return relative(this.cwd, abs).split(sep).join('/');
  }

  get(abs: string): Loaded | undefined {
    let l = this.loaded.get(abs);
    if (l === undefined) {
      l = null;
      try {
        const size = statSync(abs).size;
        if (size <= DEFAULT_LIMITS.maxFileBytes) {
          const file = new DiskSourceFile(this.display(abs), abs, size);
          const { source, documents } = loadYaml(file, { limits: DEFAULT_LIMITS });
          l = { file, yaml: source, docs: documents };
        }
      } catch {
        l = null;
      }
      this.loaded.set(abs, l);
    }
    return l ?? undefined;
  }
}

/** Where `path` of document `docIndex` is written, when the whole path exists there. */
function spanOf(src: Loaded, docIndex: number, path: ObjectPath): Located | undefined {
  const table = src.yaml.table;
  const root = table.roots[docIndex];
  if (root === undefined) return undefined;
  const hit = table.find(root, path);
  if (!hit.found) return undefined;
  const start = hit.key >= 0 ? table.start(hit.key) : table.start(hit.node);
  const end = table.end(hit.node);
  return {
    file: src.file,
    range: src.yaml.textLocator.lines.range(start, end),
    snippet: table.text.slice(start, Math.min(end, start + SNIPPET_MAX)),
  };
}

function childOf(v: unknown, seg: PathSegment): { found: boolean; value: unknown } {
  if (Array.isArray(v))
    return typeof seg === 'number' && seg < v.length ? { found: true, value: v[seg] } : { found: false, value: undefined };
  if (isMapping(v) && Object.prototype.hasOwnProperty.call(v, seg)) return { found: true, value: v[seg as string] };
  return { found: false, value: undefined };
}

function isCollection(v: unknown): boolean {
  return typeof v === 'object' && v !== null;
}

function sameScalar(a: unknown, b: unknown): boolean {
  return a === b || (!isCollection(a) && !isCollection(b) && a !== undefined && b !== undefined && String(a) === String(b));
}

/** Keys by which Kubernetes merges list items (strategic merge patch `patchMergeKey`s). */
const MERGE_KEYS = ['name', 'containerPort', 'mountPath', 'devicePath', 'ip', 'port', 'topologyKey'];

/**
 * The path in `source` of the node at `path` of `rendered`, following list items by their merge key
 * (a patch lists only the containers it changes) or, without one, by position when lengths agree.
 */
function translate(source: unknown, rendered: unknown, path: ObjectPath): { path: PathSegment[]; value: unknown } | undefined {
  let s = source;
  let r = rendered;
  const out: PathSegment[] = [];
  for (const seg of path) {
    if (Array.isArray(r)) {
      if (!Array.isArray(s) || typeof seg !== 'number') return undefined;
      const item = r[seg];
      let index = -1;
      const key = isMapping(item) ? MERGE_KEYS.find((k) => item[k] !== undefined && !isCollection(item[k])) : undefined;
      if (key) index = s.findIndex((x) => isMapping(x) && sameScalar(x[key], item[key]));
      else if (s.length === r.length) index = seg;
      if (index < 0) return undefined;
      out.push(index);
      s = s[index];
      r = item;
      continue;
    }
    const sc = childOf(s, seg);
    if (!sc.found) return undefined;
    out.push(seg);
    s = sc.value;
    r = childOf(r, seg).value;
  }
  return { path: out, value: s };
}

interface Identity {
  kind: string;
  name: string;
  namespace?: string;
}

function identityOf(v: unknown): Identity | undefined {
  if (!isMapping(v) || typeof v.kind !== 'string' || !isMapping(v.metadata) || typeof v.metadata.name !== 'string') return undefined;
  const id: Identity = { kind: v.kind, name: v.metadata.name };
  if (typeof v.metadata.namespace === 'string') id.namespace = v.metadata.namespace;
  return id;
}

/** A resource declaration reached through one way down the overlay tree. */
interface Candidate extends Identity {
  abs: string;
  docIndex: number;
  /** The kustomizations from the rendered overlay (first) down to the one that lists the file. */
  path: KustomizationModel[];
  /** The object's name as each kustomization of `path` receives it (before its own prefix and suffix). */
  entering: string[];
  rendered: Identity;
}

/** The resource declarations by kind and rendered name, and by kind and declared name, each list in declaration order. */
interface CandidateIndex {
  byRendered: Map<string, Candidate[]>;
  byDeclared: Map<string, Candidate[]>;
}

function kindAndName(kind: string, name: string): string {
  return `${kind}\u0000${name}`;
}

function groupBy(candidates: readonly Candidate[], name: (c: Candidate) => string): Map<string, Candidate[]> {
  const out = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const key = kindAndName(c.kind, name(c));
    const list = out.get(key);
    if (list) list.push(c);
    else out.set(key, [c]);
  }
  return out;
}

/** Bounds the ways down an overlay tree that are followed (diamonds of shared bases multiply them). */
const MAX_OVERLAY_PATHS = 512;

/** A source a rendered object is built from: its declaration, or one patch. */
type Layer =
  | { type: 'object'; src: Loaded; docIndex: number; value: unknown; locate?: (l: Located) => Located }
  | { type: 'json6902'; src: Loaded; docIndex: number; ops: unknown[]; locate?: (l: Located) => Located };

/** Pointer segments of a JSON patch `path` (`/a/b~1c/0`). */
function pointerSegments(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Kustomize's target `name` is a regular expression; only exact names and `.*` wildcards are followed here. */
function targetNameMatches(pattern: string, names: string[]): boolean {
  if (!/[\\^$.|?*+()[\]{}]/.test(pattern)) return names.includes(pattern);
  const parts = pattern.replace(/^\^|\$$/g, '').split('.*');
  if (parts.some((p) => /[\\^$.|?*+()[\]{}]/.test(p))) return true;
  return names.some((n) => {
    let at = 0;
    for (let i = 0; i < parts.length; i++) {
      const idx = i === 0 ? (n.startsWith(parts[0]) ? 0 : -1) : n.indexOf(parts[i], at);
      if (idx < 0) return false;
      at = idx + parts[i].length;
    }
    return parts[parts.length - 1] === '' || n.endsWith(parts[parts.length - 1]);
  });
}

function targetMatches(target: Record<string, unknown> | undefined, id: Identity, names: string[]): boolean {
  if (!target) return true;
  if (typeof target.kind === 'string' && target.kind !== id.kind) return false;
  if (typeof target.name === 'string' && !targetNameMatches(target.name, names)) return false;
  return true;
}

/** Transformer fields of a kustomization that set values no resource or patch holds. */
function transformerFields(path: ObjectPath): string[] {
  const p = path.map(String);
  if (p[0] === 'metadata' && p[1] === 'namespace') return ['namespace'];
  if (p[0] === 'metadata' && p[1] === 'name' && p.length === 2) return ['namePrefix', 'nameSuffix'];
  if (p.includes('labels') || p.includes('selector') || p.includes('matchLabels')) return ['labels', 'commonLabels'];
  if (p.includes('annotations')) return ['commonAnnotations'];
  if (p[p.length - 1] === 'image') return ['images'];
  if (p.length === 2 && p[0] === 'spec' && p[1] === 'replicas') return ['replicas'];
  return [];
}

/**
 * Origins of one `kustomize build` output. `chain` lists the overlay's kustomizations in the order
 * Kustomize applies them (bases before the overlays that include them; the rendered overlay last).
 */
export class KustomizeOrigins implements RenderOrigins {
  private readonly cache: SourceCache;
  private renderedDocs: unknown[] | undefined;
  private readonly layersByDoc = new Map<number, Layer[]>();
  private candidates: CandidateIndex | undefined;
  private treePaths: KustomizationModel[][] | undefined;
  private readonly declarations = new Map<number, Candidate | undefined>();

  constructor(
    private readonly output: string,
    private readonly chain: readonly KustomizationModel[],
    cwd: string,
  ) {
    this.cache = new SourceCache(cwd);
  }

  private rendered(docIndex: number): unknown {
    if (!this.renderedDocs) {
      try {
        // The output is bounded by the renderer's `maxOutputBytes`.
        this.renderedDocs = loadAllBounded(this.output, { schema: KUBE_SCHEMA, maxChars: Number.MAX_SAFE_INTEGER });
      } catch {
        this.renderedDocs = [];
      }
    }
    return this.renderedDocs[docIndex];
  }

  /**
   * Every way down the overlay tree from the rendered kustomization to a kustomization that declares
   * resources, root first (a base included by two of its overlays is reached twice).
   */
  private paths(): KustomizationModel[][] {
    if (!this.treePaths) {
      const byAbs = new Map(this.chain.map((k) => [k.abs, k]));
      const root = this.chain[this.chain.length - 1];
      const out: KustomizationModel[][] = [];
      const walk = (k: KustomizationModel, trail: KustomizationModel[]): void => {
        if (out.length >= MAX_OVERLAY_PATHS || trail.includes(k)) return;
        const here = [...trail, k];
        out.push(here);
        for (const b of k.bases ?? []) {
          const base = byAbs.get(b);
          if (base) walk(base, here);
        }
      };
      if (root) walk(root, []);
      this.treePaths = out;
    }
    return this.treePaths;
  }

  private fields(k: KustomizationModel): Record<string, unknown> {
    const doc = this.cache.get(k.abs)?.docs[0];
    return isMapping(doc) ? doc : {};
  }

  /**
   * The resource declarations, each with the name and namespace Kustomize gives it on its way up to
   * the rendered overlay (each kustomization's `namePrefix`/`nameSuffix`, the outermost `namespace`).
   */
  private resourceCandidates(): CandidateIndex {
    if (!this.candidates) {
      const all: Candidate[] = [];
      for (const path of this.paths()) {
        const k = path[path.length - 1];
        for (const abs of k.files) {
          const src = this.cache.get(abs);
          src?.docs.forEach((d, docIndex) => {
            const id = identityOf(d);
            if (!id) return;
            const entering: string[] = [];
            let name = id.name;
            let namespace = id.namespace;
            for (let i = path.length - 1; i >= 0; i--) {
              entering[i] = name;
              const f = this.fields(path[i]);
              name = `${typeof f.namePrefix === 'string' ? f.namePrefix : ''}${name}${typeof f.nameSuffix === 'string' ? f.nameSuffix : ''}`;
              if (typeof f.namespace === 'string') namespace = f.namespace;
            }
            all.push({ ...id, abs, docIndex, path, entering, rendered: { kind: id.kind, name, namespace } });
          });
        }
      }
      this.candidates = { byRendered: groupBy(all, (c) => c.rendered.name), byDeclared: groupBy(all, (c) => c.name) };
    }
    return this.candidates;
  }

  /** The declaration a rendered object comes from, and the overlays it went through. */
  private declaration(docIndex: number): Candidate | undefined {
    if (!this.declarations.has(docIndex)) {
      const id = identityOf(this.rendered(docIndex));
      const matches = (c: Candidate): boolean =>
        c.kind === id!.kind &&
        c.rendered.name === id!.name &&
        (id!.namespace === undefined || c.rendered.namespace === undefined || c.rendered.namespace === id!.namespace);
      const index = this.resourceCandidates();
      // Kustomize leaves some names alone (a Namespace keeps its name under a prefix): then the declared name is the rendered one.
      const found =
        id &&
        (index.byRendered.get(kindAndName(id.kind, id.name))?.find(matches) ?? index.byDeclared.get(kindAndName(id.kind, id.name))?.[0]);
      this.declarations.set(docIndex, found ?? undefined);
    }
    return this.declarations.get(docIndex);
  }

  private layers(docIndex: number): Layer[] {
    const known = this.layersByDoc.get(docIndex);
    if (known) return known;
    const layers: Layer[] = [];
    this.layersByDoc.set(docIndex, layers);
    const decl = this.declaration(docIndex);
    if (!decl) return layers;
    const base = this.cache.get(decl.abs)!;
    layers.push({ type: 'object', src: base, docIndex: decl.docIndex, value: base.docs[decl.docIndex] });
    const byAbs = new Map(this.chain.map((k) => [k.abs, k]));
    // Each kustomization, from the one that declares the resource up to the rendered overlay, applies
    // its components' patches and then its own, to the object under the name it has at that level.
    for (let i = decl.path.length - 1; i >= 0; i--) {
      const k = decl.path[i];
      // Kustomize matches a patch by the object's current name or any name it had before (a base's own).
      const names = decl.entering.slice(i);
      const entries = [...(k.components ?? []).flatMap((c) => byAbs.get(c)?.patches ?? []), ...k.patches];
      for (const entry of entries) layers.push(...this.patchLayers(entry, { kind: decl.kind, name: names[0] }, names));
    }
    return layers;
  }

  private patchLayers(entry: PatchEntry, id: Identity, names: string[]): Layer[] {
    if (!targetMatches(entry.target, id, names)) return [];
    let src: Loaded | undefined;
    let locate: ((l: Located) => Located) | undefined;
    if (entry.file) src = this.cache.get(entry.file);
    else if (entry.inline !== undefined) {
      const inline = this.inlinePatch(entry);
      src = inline?.src;
      locate = inline?.locate;
    }
    if (!src) return [];
    const out: Layer[] = [];
    src.docs.forEach((doc, docIndex) => {
      if (Array.isArray(doc)) {
        // JSON 6902 operations apply to the target the entry names.
        if (entry.target) out.push({ type: 'json6902', src: src!, docIndex, ops: doc, locate });
        return;
      }
      const pid = identityOf(doc);
      if (!entry.target && (!pid || pid.kind !== id.kind || !names.includes(pid.name))) return;
      if (pid && pid.kind !== id.kind) return;
      out.push({ type: 'object', src: src!, docIndex, value: doc, locate });
    });
    return out;
  }

  /** An inline patch is parsed on its own; its positions are moved into the kustomization when it is a literal block. */
  private inlinePatch(entry: PatchEntry): { src: Loaded; locate: (l: Located) => Located } | undefined {
    const kust = this.cache.get(entry.kustomization);
    if (!kust) return undefined;
    const entrySpan = spanOf(kust, 0, [...entry.at, 'patch']);
    if (!entrySpan) return undefined;
    let src: Loaded;
    try {
      const file = new MemorySourceFile(kust.file.path, entry.inline!);
      const { source, documents } = loadYaml(file, { limits: DEFAULT_LIMITS });
      src = { file, yaml: source, docs: documents };
    } catch {
      return undefined;
    }
    const lines = kust.yaml.textLocator.lines;
    const table = kust.yaml.table;
    const valueStart = table.start(table.find(table.roots[0], [...entry.at, 'patch']).node);
    const { line: header, column } = lines.position(valueStart);
    const literal = /^\|[0-9+-]*[ \t]*(?:#.*)?$/.test(lines.lineText(header).slice(column - 1));
    let indent = -1;
    if (literal) {
      for (let l = header + 1; l <= lines.lineCount; l++) {
        const t = lines.lineText(l);
        if (t.trim() === '') continue;
        indent = t.length - t.trimStart().length;
        break;
      }
    }
    const locate = (l: Located): Located => {
      if (!literal || indent < 0 || !l.range) return { file: kust.file, range: entrySpan.range, snippet: entrySpan.snippet };
      const r: SourceRange = {
        startLine: header + l.range.startLine,
        startColumn: l.range.startColumn + indent,
        endLine: header + l.range.endLine,
        endColumn: l.range.endColumn + indent,
      };
      return { file: kust.file, range: r, snippet: l.snippet };
    };
    return { src, locate };
  }

  locate(docIndex: number, path: ObjectPath, value: unknown): Located | undefined {
    const rendered = this.rendered(docIndex);
    const layers = this.layers(docIndex);
    const place = (layer: Layer, at: ObjectPath): Located | undefined => {
      const span = spanOf(layer.src, layer.docIndex, at);
      return span && layer.locate ? layer.locate(span) : span;
    };
    if (isCollection(value)) {
      for (const layer of layers) {
        if (layer.type !== 'object') continue;
        const t = translate(layer.value, rendered, path);
        if (t && isCollection(t.value)) return place(layer, t.path);
      }
      for (const layer of layers) {
        if (layer.type !== 'json6902') continue;
        const hit = this.opSetting(layer, path);
        if (hit && isCollection(hit.value)) return place(layer, hit.path);
      }
    } else {
      for (let i = layers.length - 1; i >= 0; i--) {
        const layer = layers[i];
        const hit = layer.type === 'object' ? translate(layer.value, rendered, path) : this.opSetting(layer, path);
        if (!hit) continue;
        // Set here to another value: something applied later (a transformer) changed it.
        if (!sameScalar(hit.value, value)) break;
        return place(layer, hit.path);
      }
    }
    return this.transformer(docIndex, path, value);
  }

  /** The last `add`/`replace` operation that writes `path` (or an ancestor of it), and the value it writes there. */
  private opSetting(layer: Extract<Layer, { type: 'json6902' }>, path: ObjectPath): { path: PathSegment[]; value: unknown } | undefined {
    for (let i = layer.ops.length - 1; i >= 0; i--) {
      const op = layer.ops[i];
      if (!isMapping(op) || (op.op !== 'add' && op.op !== 'replace') || typeof op.path !== 'string') continue;
      const segs = pointerSegments(op.path);
      if (segs.length > path.length) continue;
      if (!segs.every((s, k) => s === String(path[k]) || (s === '-' && typeof path[k] === 'number'))) continue;
      let v: unknown = op.value;
      const rest = path.slice(segs.length);
      for (const seg of rest) {
        const c = childOf(v, seg);
        if (!c.found) return undefined;
        v = c.value;
      }
      return { path: [i, 'value', ...rest], value: v };
    }
    return undefined;
  }

  /**
   * The transformer field that produced a value: of the outermost kustomization, on the object's way
   * up to the rendered overlay, that sets it (an `images` entry only when it yields this image).
   */
  private transformer(docIndex: number, path: ObjectPath, value: unknown): Located | undefined {
    const fields = transformerFields(path);
    const decl = this.declaration(docIndex);
    if (fields.length === 0 || !decl) return undefined;
    for (const k of decl.path) {
      const kust = this.cache.get(k.abs);
      if (!kust || !isMapping(kust.docs[0])) continue;
      const doc = kust.docs[0];
      for (const f of fields) {
        if (doc[f] === undefined) continue;
        if (f !== 'images') return spanOf(kust, 0, [f]);
        const i = Array.isArray(doc.images) ? doc.images.findIndex((e) => producesImage(e, value)) : -1;
        if (i >= 0) return spanOf(kust, 0, ['images', i]);
      }
    }
    return undefined;
  }
}

/** Whether an `images` entry of a kustomization (`name`, `newName`, `newTag`, `digest`) yields `image`. */
function producesImage(entry: unknown, image: unknown): boolean {
  if (!isMapping(entry) || typeof image !== 'string') return false;
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const ref = at >= 0 ? image.slice(0, at) : image;
  const colon = ref.lastIndexOf(':');
  const tag = colon > ref.lastIndexOf('/') ? ref.slice(colon + 1) : undefined;
  const repo = tag !== undefined ? ref.slice(0, colon) : ref;
  const name = typeof entry.newName === 'string' ? entry.newName : entry.name;
  if (name !== repo) return false;
  if (entry.newTag !== undefined && String(entry.newTag) !== tag) return false;
  if (entry.digest !== undefined && String(entry.digest) !== digest) return false;
  return true;
}

interface TextSource {
  file: SourceFile;
  lines: LineIndex;
  byText: Map<string, number[]>;
}

/** Source files read as text for one chart's render, shared by the origins of its templates. */
export type TextSources = Map<string, TextSource | null>;

function loadText(textSources: TextSources, abs: string, display: string): TextSource | null {
  const key = `${abs}\u0000${display}`;
  let t = textSources.get(key);
  if (t === undefined) {
    t = null;
    try {
      const size = statSync(abs).size;
      if (size <= DEFAULT_LIMITS.maxFileBytes) {
        const lines = new LineIndex(readFileSync(abs, 'utf8'));
        t = { file: new DiskSourceFile(display, abs, size), lines, byText: linesByText(lines) };
      }
    } catch {
      t = null;
    }
    textSources.set(key, t);
  }
  return t;
}

/** What the templates of one chart render share: source texts, and the chart's values files read with positions. */
export class HelmRenderSources {
  readonly text: TextSources = new Map();
  readonly values: SourceCache;
  private readonly leaves = new Map<string, ValuesLeaf[]>();
  constructor(cwd: string) {
    this.values = new SourceCache(cwd);
  }

  /** Every key of a values file with its path (lists are not followed: charts index them rarely). */
  leavesOf(abs: string): ValuesLeaf[] {
    let out = this.leaves.get(abs);
    if (!out) {
      out = [];
      const src = this.values.get(abs);
      if (src && isMapping(src.docs[0])) collectLeaves(src.docs[0], [], out, 0);
      this.leaves.set(abs, out);
    }
    return out;
  }
}

interface ValuesLeaf {
  path: string[];
  value: unknown;
}

const MAX_VALUES_LEAVES = 20_000;

function collectLeaves(v: Record<string, unknown>, path: string[], out: ValuesLeaf[], depth: number): void {
  if (depth > 40) return;
  for (const [k, child] of Object.entries(v)) {
    if (out.length >= MAX_VALUES_LEAVES) return;
    const p = [...path, k];
    out.push({ path: p, value: child });
    if (isMapping(child)) collectLeaves(child, p, out, depth + 1);
  }
}

/** `.Values.a.b` references of a template: `[['a', 'b'], …]`. */
const VALUES_REF = /\.Values((?:\.[A-Za-z_][\w-]*)+)/g;

/**
 * Origins of the documents `helm template` rendered from one template: a rendered line is placed on
 * the template line with the same text when both hold that text equally often. A value the template
 * takes from the values (`{{ .Values.service.type }}`, `{{ toYaml .Values.securityContext }}`) is
 * placed on the values key that holds it: the key whose path ends like the rendered object path and
 * holds the same value, among those the template reads (the last values file that sets it wins, as
 * in Helm). A value made from values another way (`"{{ .Values.repo }}:{{ .Values.tag }}"`, a
 * `--set`) is placed on the template line that writes its key.
 */
export class HelmOrigins implements RenderOrigins {
  private renderedByText: Map<string, number[]> | undefined;
  private readonly renderedLines: LineIndex;
  private refs: string[][] | undefined;

  constructor(
    renderedText: string,
    private readonly templateAbs: string,
    private readonly templateDisplay: string,
    /** The chart's values files (its `values.yaml`, then `--values` files): absolute and display paths. */
    private readonly valuesFiles: ReadonlyArray<{ abs: string; display: string }> = [],
    private readonly shared: HelmRenderSources = new HelmRenderSources(process.cwd()),
  ) {
    this.renderedLines = new LineIndex(renderedText);
  }

  locate(_docIndex: number, path: ObjectPath, value: unknown, rendered: Located): Located | undefined {
    if (!rendered.range) return undefined;
    const sources = this.shared.text;
    const tpl = loadText(sources, this.templateAbs, this.templateDisplay);
    if (!tpl) return undefined;
    this.renderedByText ??= linesByText(this.renderedLines);
    const line = rendered.range.startLine;
    const raw = this.renderedLines.lineText(line);
    const key = raw.trim();
    const inOutput = this.renderedByText.get(key) ?? [];
    const inTemplate = key.length < 3 ? [] : (tpl.byText.get(key) ?? []);
    if (inTemplate.length > 0) {
      if (inTemplate.length !== inOutput.length) return undefined;
      const target = inTemplate[inOutput.indexOf(line)];
      return target === undefined ? undefined : moved(tpl, target, raw, rendered.range);
    }
    const fromValues = this.valuesKey(tpl, path, value);
    if (fromValues) return fromValues;
    if (key.length >= 3 && inOutput.length === 1) {
      const inValues = this.valuesFiles.flatMap((v) => {
        const src = loadText(sources, v.abs, v.display);
        return src ? (src.byText.get(key) ?? []).map((l) => ({ src, line: l })) : [];
      });
      if (inValues.length === 1) return moved(inValues[0].src, inValues[0].line, raw, rendered.range);
    }
    return this.templateLineOfKey(tpl, raw);
  }

  /** The values key a rendered scalar comes from (see the class comment), when exactly one fits. */
  private valuesKey(tpl: TextSource, path: ObjectPath, value: unknown): Located | undefined {
    const last = path[path.length - 1];
    if (typeof last !== 'string' || isCollection(value)) return undefined;
    this.refs ??= [...tpl.lines.text.matchAll(VALUES_REF)].map((m) => m[1].slice(1).split('.'));
    if (this.refs.length === 0) return undefined;
    const read = (p: string[]) => this.refs!.some((r) => r.length <= p.length && r.every((seg, i) => p[i] === seg));
    let best: Array<{ file: { abs: string }; leaf: ValuesLeaf; score: number }> = [];
    const seen = new Set<string>();
    // Later values files override earlier ones: a key set in several is placed in the last.
    for (let f = this.valuesFiles.length - 1; f >= 0; f--) {
      const file = this.valuesFiles[f];
      for (const leaf of this.shared.leavesOf(file.abs)) {
        const id = leaf.path.join('\u0000');
        if (seen.has(id)) continue;
        seen.add(id);
        if (leaf.path[leaf.path.length - 1] !== last || !sameScalar(leaf.value, value) || !read(leaf.path)) continue;
        const score = commonSuffix(leaf.path, path);
        if (best.length === 0 || score > best[0].score) best = [{ file, leaf, score }];
        else if (score === best[0].score) best.push({ file, leaf, score });
      }
    }
    if (best.length !== 1) return undefined;
    const src = this.shared.values.get(best[0].file.abs);
    return src ? spanOf(src, 0, best[0].leaf.path) : undefined;
  }

  /** The template line that writes the rendered line's key with a template action, when exactly one does. */
  private templateLineOfKey(tpl: TextSource, raw: string): Located | undefined {
    const m = /^\s*(-\s+)?([\w./-]+|"[^"]*"):(?:\s|$)/.exec(raw);
    if (!m) return undefined;
    const prefix = `${m[1] ? '- ' : ''}${m[2]}:`;
    const hits: number[] = [];
    for (let l = 1; l <= tpl.lines.lineCount; l++) {
      const t = tpl.lines.lineText(l).trim().replace(/^-\s+/, '- ');
      if (t.startsWith(prefix) && t.includes('{{')) hits.push(l);
    }
    if (hits.length !== 1) return undefined;
    const text = tpl.lines.lineText(hits[0]);
    const indent = text.length - text.trimStart().length;
    return {
      file: tpl.file,
      range: { startLine: hits[0], startColumn: indent + 1, endLine: hits[0], endColumn: text.trimEnd().length + 1 },
      snippet: text.trim(),
    };
  }
}

/** How many trailing segments of `a` equal those of the object path `b`. */
function commonSuffix(a: readonly string[], b: ObjectPath): number {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}

/** The rendered range moved onto `target` of `src`, whose text equals the rendered line up to indentation. */
function moved(src: TextSource, target: number, raw: string, range: SourceRange): Located {
  const text = src.lines.lineText(target);
  const shift = text.length - text.trimStart().length - (raw.length - raw.trimStart().length);
  const startColumn = range.startColumn + shift;
  const endColumn = range.endLine === range.startLine ? range.endColumn + shift : text.trimEnd().length + 1;
  return { file: src.file, range: { startLine: target, startColumn, endLine: target, endColumn }, snippet: text.trim() };
}

function linesByText(lines: LineIndex): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (let l = 1; l <= lines.lineCount; l++) {
    const t = lines.lineText(l).trim();
    if (!t || t.startsWith('#')) continue;
    const list = out.get(t);
    if (list) list.push(l);
    else out.set(t, [l]);
  }
  return out;
}
