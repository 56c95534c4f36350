import {
  isLineSpan,
  isTextInValue,
  isTextSpan,
  SNIPPET_MAX,
  type At,
  type DocumentSuppression,
  type Located,
  type ScanDocument,
} from '../../core/document.js';
import type { ClusterListing, SourceFile } from '../../core/source-file.js';
import { pointerFromPath, type ObjectPath, type ResourceRef } from '../../core/types.js';
import { YamlFile, YamlValueDocument } from '../yaml/yaml-document.js';
import type { PositionedFile } from '../yaml/yaml-parser.js';
import { isMapping, PositionTable } from '../yaml/position-table.js';
import { containersOf, findContainerOverrides, findPodSpecs, getAt, type ContainerView, type PodSpecLocation } from './pod-specs.js';
import { setProjection } from './set-projection.js';

export type K8sObject = Record<string, unknown> & { apiVersion: string; kind: string; metadata?: Record<string, unknown> };

export const IGNORE_ANNOTATION = 'sanctum.dev/ignore';

/** One Kubernetes object (`kind: k8s`). Paths given to `locate` are relative to the object. */
export class K8sObjectDocument extends YamlValueDocument {
  readonly kind = 'k8s';
  override readonly resource: ResourceRef;
  override readonly suppressions: ReadonlyArray<DocumentSuppression>;
  private podsCache: PodSpecDocument[] | undefined;
  private overridesCache: readonly PodSpecDocument[] | undefined;
  private current: K8sObject;
  /** Where the suppression annotation is, for a cluster object once its text is gone (see `locateAnnotation`). */
  private annotationAt: { at: At; located: Located } | undefined;

  constructor(source: YamlFile, docIndex: number, basePath: ObjectPath, object: K8sObject) {
    super(source, docIndex, basePath);
    this.current = object;
    const md = isMapping(object.metadata) ? object.metadata : {};
    this.resource = { apiVersion: object.apiVersion, kind: object.kind };
    if (typeof md.namespace === 'string') this.resource.namespace = md.namespace;
    if (typeof md.name === 'string') this.resource.name = md.name;
    else if (typeof md.generateName === 'string') this.resource.name = md.generateName;
    this.suppressions = parseIgnoreAnnotation(md.annotations);
  }

  /** The object; for one read from a cluster, once compacted, what the cross-object rules read of it (see `setProjection`). */
  get object(): K8sObject {
    return this.current;
  }

  get name(): string {
    return this.resource.name ?? '';
  }

  /** The namespace the object lives in (`default` when unset, empty for cluster-scoped kinds). */
  get namespace(): string {
    return this.resource.namespace ?? 'default';
  }

  get labels(): Record<string, string> {
    const md = this.object.metadata;
    return isMapping(md) && isMapping(md.labels) ? (md.labels as Record<string, string>) : {};
  }

  get annotations(): Record<string, string> {
    const md = this.object.metadata;
    return isMapping(md) && isMapping(md.annotations) ? (md.annotations as Record<string, string>) : {};
  }

  /** Value at a path relative to the object. */
  get(path: ObjectPath): unknown {
    return getAt(this.object, path);
  }

  /** Every pod spec of the object, wherever it lives. */
  get pods(): PodSpecDocument[] {
    if (!this.podsCache) this.podsCache = findPodSpecs(this.object).map((loc) => new PodSpecDocument(this, loc));
    return this.podsCache;
  }

  /**
   * Containers the object sets outside any pod spec (`kind: k8s-container-override`): a TrainJob's
   * trainer. Not among `pods`: no pod spec of its own, and no pod the cross-object rules could select.
   */
  get containerOverrides(): readonly PodSpecDocument[] {
    if (!this.overridesCache) {
      const found = findContainerOverrides(this.object);
      // Almost every object has none: one shared empty list rather than two new arrays an object.
      this.overridesCache = found.length === 0 ? NO_OVERRIDES : found.map((loc) => new PodSpecDocument(this, loc, CONTAINER_OVERRIDE));
    }
    return this.overridesCache;
  }

  /**
   * An object read from a cluster has no lines to point at (its text was written for the scan): once
   * its own findings are resolved, the text and its positions are dropped for good, and findings of
   * the cross-object rules are located by object path, with the value as JSON for evidence. What is
   * kept of the object is what the cross-object rules read (a cluster scan holds every object until
   * its end), unless the cluster's admission policies, which may read any field, ask for it whole.
   */
  override compact(): void {
    if (!this.file.cluster) return super.compact();
    if (this.source.table === DETACHED.table) return;
    this.annotationAt = this.locateAnnotation();
    this.source = new YamlFile(this.file, DETACHED.table);
    if (this.file.cluster.keepWholeObjects) return;
    // The pod views made for the object's own rules say where its pod specs and containers are.
    const budget = this.file.cluster.keptValues;
    this.current = setProjection(this.current, this.podsCache, budget && { budget, path: this.file.path });
    // Rebuilt from the projection when the cross-object rules ask: the views of the whole object (and what rules cached for them) go.
    this.podsCache = undefined;
    this.overridesCache = undefined;
  }

  override locate(at: At | undefined): Located {
    if (!this.file.cluster || this.source.table !== DETACHED.table) return super.locate(at);
    if (at !== undefined && at === this.annotationAt?.at) return this.annotationAt.located;
    return locateByPath(this.object, this.basePath, at);
  }

  /**
   * Where the suppression annotation is in the object's text, found before the text goes: the hygiene
   * of a suppression that a cross-object rule's finding used is reported after that (SAN-0001/SAN-0002),
   * at the annotation as in a file. Documents only collected (`ParseContext.collectOnly`) have no
   * positions: the object's are taken then (for an object with the annotation alone).
   */
  private locateAnnotation(): { at: At; located: Located } | undefined {
    const at = this.suppressions[0]?.at;
    if (at === undefined || this.suppressions.some((s) => s.at !== at)) return undefined;
    const kept = this.source;
    try {
      const root = kept.table.roots[this.docIndex];
      const path = [...this.basePath, ...(at as ObjectPath)];
      if (root === undefined || !kept.table.find(root, path).found) {
        const table = (this.file as Partial<PositionedFile>).positions?.();
        if (table === undefined) return undefined;
        this.source = new YamlFile(this.file, table);
      }
      return { at, located: super.locate(at) };
    } catch {
      // The text is gone already: located by path.
      return undefined;
    } finally {
      this.source = kept;
    }
  }
}

const DETACHED = { table: new PositionTable('').seal() };

/** Where `at` points in `value` without a text: its object path, and the first line of `"key": value` as indented JSON. */
function locateByPath(value: unknown, basePath: ObjectPath, at: At | undefined): Located {
  if (at !== undefined && (isTextSpan(at) || isLineSpan(at))) return {};
  const path = (at !== undefined && isTextInValue(at) ? at.path : (at as ObjectPath | undefined)) ?? [];
  let node = value;
  let key: string | undefined;
  for (const seg of path) {
    const next = isMapping(node)
      ? Object.prototype.hasOwnProperty.call(node, seg)
        ? node[seg]
        : undefined
      : Array.isArray(node) && typeof seg === 'number'
        ? node[seg]
        : undefined;
    if (next === undefined) break;
    key = Array.isArray(node) ? undefined : String(seg);
    node = next;
  }
  // The first line of a non-empty collection as indented JSON is its opening bracket.
  const first =
    (key === undefined ? '' : `${JSON.stringify(key)}: `) +
    (Array.isArray(node)
      ? node.length
        ? '['
        : '[]'
      : isMapping(node)
        ? Object.keys(node).length
          ? '{'
          : '{}'
        : (JSON.stringify(node) ?? 'null'));
  return { objectPath: pointerFromPath([...basePath, ...path]), snippet: first.slice(0, SNIPPET_MAX) };
}

/**
 * `k8s-pod`: a pod spec. `k8s-container-override`: containers set outside a pod spec (`containerOverrides`),
 * which only rules that read a container alone (its image, env, command line) apply to.
 */
export type PodViewKind = 'k8s-pod' | 'k8s-container-override';
const CONTAINER_OVERRIDE: PodViewKind = 'k8s-container-override';
const NO_OVERRIDES: readonly PodSpecDocument[] = [];

/** What a pod spec's rules read of the object it belongs to (see `PodSpecDocument.belongsTo`). */
export interface SpecObject {
  /** Object path inside the owner; `[]` for the owner itself. */
  readonly path: ObjectPath;
  /** The API group of its apiVersion: `apps`, `ray.io`; empty for the core group (`v1`). */
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly labels: Record<string, unknown>;
}

/**
 * One pod spec of a Kubernetes object (`kind: k8s-pod`): a Pod's spec, a workload's pod template, or
 * the pod template inside an AI operator's custom resource. Paths are relative to the owning object.
 */
export class PodSpecDocument implements ScanDocument {
  readonly kind: PodViewKind;
  readonly derived = true;
  readonly specPath: ObjectPath;
  readonly metadataPath: ObjectPath | undefined;
  readonly origin: string;
  /** Object path of the object the spec belongs to inside the owner (an AppWrapper's component); `[]` for the owner itself. */
  readonly objectPath: ObjectPath;
  readonly containers: ContainerView[];
  /**
   * What rule helpers derive from the pod spec once for every rule (its Pod Security facts, its
   * volumes, the AI services it runs), by slot: like `ContainerView.memo`, cheaper than a `WeakMap`
   * keyed by the view, and a view does not change during a scan.
   */
  readonly memo: unknown[] = [];
  private specCache: Record<string, unknown> | undefined;
  private belongsToCache: SpecObject | undefined;
  private suppressionsCache: ReadonlyArray<DocumentSuppression> | undefined;

  constructor(
    readonly owner: K8sObjectDocument,
    loc: PodSpecLocation,
    kind: PodViewKind = 'k8s-pod',
  ) {
    this.kind = kind;
    this.specPath = loc.specPath;
    this.metadataPath = loc.metadataPath;
    this.origin = loc.origin;
    this.objectPath = loc.objectPath ?? [];
    this.containers = containersOf(owner.object, loc);
  }

  get file(): SourceFile {
    return this.owner.file;
  }
  get resource(): ResourceRef {
    return this.owner.resource;
  }
  /** The owner's suppressions, and those annotated on the pod template. */
  get suppressions(): ReadonlyArray<DocumentSuppression> {
    if (!this.metadataPath || this.metadataPath.length === 1) return this.owner.suppressions;
    // Read once: the engine asks for each finding of the view.
    if (!this.suppressionsCache) {
      const own = parseIgnoreAnnotation(this.metadata.annotations, this.metadataPath);
      this.suppressionsCache = own.length ? [...this.owner.suppressions, ...own] : this.owner.suppressions;
    }
    return this.suppressionsCache;
  }
  /** Read once: every pod rule reads it, and the owner's object does not change while this view lives. */
  get spec(): Record<string, unknown> {
    if (!this.specCache) {
      const s = this.owner.get(this.specPath);
      this.specCache = isMapping(s) ? s : {};
    }
    return this.specCache;
  }
  /**
   * The object the spec belongs to, whose kind decides how its pods are made: the object an
   * AppWrapper wraps (and creates), else the owner. Read once, as `spec`.
   */
  get belongsTo(): SpecObject {
    if (!this.belongsToCache) {
      const o = this.objectPath.length === 0 ? this.owner.object : this.owner.get(this.objectPath);
      const object = isMapping(o) ? o : {};
      const meta = isMapping(object.metadata) ? object.metadata : {};
      const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
      this.belongsToCache = {
        path: this.objectPath,
        group: apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '',
        kind: typeof object.kind === 'string' ? object.kind : '',
        name: typeof meta.name === 'string' ? meta.name : '',
        labels: isMapping(meta.labels) ? meta.labels : {},
      };
    }
    return this.belongsToCache;
  }
  /** Pod (template) metadata: labels and annotations of the pods this spec creates. */
  get metadata(): Record<string, unknown> {
    const m = this.metadataPath ? this.owner.get(this.metadataPath) : undefined;
    return isMapping(m) ? m : {};
  }
  /** Object path of a pod-level field, e.g. `at('securityContext', 'runAsNonRoot')`. */
  at(...rest: Array<string | number>): ObjectPath {
    return [...this.specPath, ...rest];
  }
  locate(at: At | undefined): Located {
    return this.owner.locate(at);
  }
  compact(): void {
    this.owner.compact();
  }
}

/** Callbacks of the set's constructor and `ofKind` as functions of the module, not arrows made per set (each was compiled again for each set). */
function podsOf(o: K8sObjectDocument): PodSpecDocument[] {
  return o.pods;
}
function ascending(a: number, b: number): number {
  return a - b;
}

/**
 * Kubernetes objects that are deployed together (`kind: k8s-set`), for cross-object rules: one
 * Kustomize overlay or Helm chart as rendered, one directory of plain manifests, or a cluster.
 */
export class K8sSetDocument implements ScanDocument {
  readonly kind = 'k8s-set';
  readonly pods: PodSpecDocument[];
  constructor(
    readonly objects: K8sObjectDocument[],
    readonly file: SourceFile,
    /** What the objects have in common: `kustomize build deploy/prod`, `helm template charts/app`, or a directory. */
    readonly group = '.',
    /** Set when the objects are a live cluster's: what was listed (a kind missing from a full listing does not exist). */
    readonly cluster?: ClusterListing,
  ) {
    this.pods = objects.flatMap(podsOf);
  }
  locate(): Located {
    return {};
  }

  private byKinds: Map<string, readonly K8sObjectDocument[]> | undefined;
  /** The positions in `objects` of each kind's objects, made in one pass when a kind is first asked for. */
  private positions: Map<string, number[]> | undefined;

  /**
   * The objects of these kinds, in the set's order (made once per set and list of kinds): most
   * cross-object rules read one or two kinds of a set of every kind.
   */
  ofKind(...kinds: string[]): readonly K8sObjectDocument[] {
    const key = kinds.join('\u0000');
    this.byKinds ??= new Map();
    let list = this.byKinds.get(key);
    if (!list) {
      list = this.collectKinds(kinds);
      this.byKinds.set(key, list);
    }
    return list;
  }

  private collectKinds(kinds: readonly string[]): K8sObjectDocument[] {
    if (!this.positions) {
      this.positions = new Map();
      for (let i = 0; i < this.objects.length; i++) {
        const kind = this.objects[i].resource.kind;
        const at = this.positions.get(kind);
        if (at) at.push(i);
        else this.positions.set(kind, [i]);
      }
    }
    const at: number[] = [];
    for (const kind of new Set(kinds)) for (const i of this.positions.get(kind) ?? []) at.push(i);
    if (kinds.length > 1) at.sort(ascending);
    const out: K8sObjectDocument[] = [];
    for (const i of at) out.push(this.objects[i]);
    return out;
  }
}

const RULE_TOKEN = /^[A-Za-z0-9*_-]+$/;
const EXPIRES = /(?:^|\s)expires=(\S+)/;

/**
 * Reads `sanctum.dev/ignore: "K8S-0003: reason; K8S-0005,privileged-container: other reason expires=2027-01-31"`
 * from the annotations of the metadata at `metadataPath`: entries separated by `;` or line breaks,
 * one or more rule ids or slugs (or `*`), then an optional `: reason` with an optional `expires=` date.
 */
export function parseIgnoreAnnotation(annotations: unknown, metadataPath: ObjectPath = ['metadata']): DocumentSuppression[] {
  if (!isMapping(annotations)) return [];
  const raw = annotations[IGNORE_ANNOTATION];
  if (typeof raw !== 'string') return [];
  const at: At = [...metadataPath, 'annotations', IGNORE_ANNOTATION];
  const out: DocumentSuppression[] = [];
  for (const part of raw.split(/[;\n]/)) {
    const colon = part.indexOf(':');
    const ids = (colon === -1 ? part : part.slice(0, colon)).split(',').map((x) => x.trim());
    if (ids.length === 0 || !ids.every((x) => RULE_TOKEN.test(x))) continue;
    let reason = colon === -1 ? '' : part.slice(colon + 1).trim();
    let expires: string | undefined;
    const m = EXPIRES.exec(reason);
    if (m) {
      expires = m[1];
      reason = (reason.slice(0, m.index) + reason.slice(m.index + m[0].length)).trim();
    }
    for (const rule of ids) out.push({ rule, at, ...(reason ? { reason } : {}), ...(expires ? { expires } : {}) });
  }
  return out;
}
