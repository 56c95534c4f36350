import { forgetFileLines } from '../../core/line-index.js';
import { HEAD_BYTES, type ClusterListing } from '../../core/source-file.js';
import type { PositionTable } from '../../parsers/yaml/position-table.js';
import type { PositionedFile } from '../../parsers/yaml/yaml-parser.js';
import { apiVersionOf, type ResourceType } from './kinds.js';
import type { RawObject } from './list.js';
import { positionsOf } from './object-text.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** Kinds whose `status` rules read: a Service's load balancer addresses, a Node's GPU capacity. */
const STATUS_KEPT = new Set(['Service', 'Node']);

function record(v: unknown): RawObject | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as RawObject) : undefined;
}

/**
 * The object as a manifest of it would read: `apiVersion` and `kind` (list items omit them), without
 * what the server adds for itself (`managedFields`, the `last-applied-configuration` copy of the
 * object, which would report every finding twice, and the `status` of kinds no rule reads it of).
 * A Secret's values are dropped: a cluster holds Secrets to hold values, the scan needs their
 * names, types and keys only, and their values never enter the scanner's memory longer than a page.
 */
export function asManifest(item: RawObject, type: ResourceType, strings?: StringPool): RawObject {
  const { apiVersion: _a, kind: _k, metadata, status, ...rest } = item;
  const apiVersion = sharedApiVersion(type);
  const md = record(metadata);
  let keep: RawObject | undefined;
  if (md) {
    const { managedFields: _m, ...kept } = md;
    keep = kept;
    const annotations = record(keep.annotations);
    if (annotations && LAST_APPLIED in annotations) {
      const { [LAST_APPLIED]: _l, ...others } = annotations;
      keep.annotations = others;
    }
  }
  // Spread, not Object.assign: an own "__proto__" key (JSON.parse makes one) stays a key instead of setting the prototype.
  const out: RawObject = keep ? { apiVersion, kind: type.kind, metadata: keep, ...rest } : { apiVersion, kind: type.kind, ...rest };
  if (status !== undefined && STATUS_KEPT.has(type.kind) && type.group === '') out.status = status;
  if (type.kind === 'Secret' && type.group === '') {
    for (const field of ['data', 'stringData'] as const) {
      const values = record(out[field]);
      if (values) out[field] = Object.fromEntries(Object.keys(values).map((k) => [k, '']));
    }
  }
  if (strings) strings.internIn(out);
  return out;
}

const apiVersions = new WeakMap<ResourceType, string>();

/** One string for the `apiVersion` of every object of a type. */
function sharedApiVersion(type: ResourceType): string {
  let v = apiVersions.get(type);
  if (v === undefined) apiVersions.set(type, (v = apiVersionOf(type)));
  return v;
}

const POOLED_MAX_LENGTH = 256;
const POOL_MAX_SIZE = 200_000;

/**
 * One copy of each short string value of the objects a scan keeps for its cross-object rules (image
 * names, label values, API versions, mount paths repeat across thousands of objects; the API's JSON
 * gives each its own copy).
 */
export class StringPool {
  private readonly pool = new Map<string, string>();

  intern(s: string): string {
    if (s.length > POOLED_MAX_LENGTH) return s;
    const known = this.pool.get(s);
    if (known !== undefined) return known;
    if (this.pool.size < POOL_MAX_SIZE) this.pool.set(s, s);
    return s;
  }

  /** Replaces the string values inside `value` (mappings and lists, any depth) with their pooled copies. */
  internIn(value: RawObject | unknown[]): void {
    const stack: Array<RawObject | unknown[]> = [value];
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      if (Array.isArray(node)) {
        for (let i = 0; i < node.length; i++) {
          const v = node[i];
          if (typeof v === 'string') node[i] = this.intern(v);
          else if (typeof v === 'object' && v !== null) stack.push(v as RawObject);
        }
      } else {
        for (const k in node) {
          const v = node[k];
          if (typeof v === 'string') node[k] = this.intern(v);
          else if (typeof v === 'object' && v !== null) stack.push(v as RawObject);
        }
      }
    }
  }
}

/**
 * True when a controller the scan has read (or will read) manages the object (a Deployment's
 * ReplicaSets and Pods, a CronJob's Jobs, a RayCluster's Pods): its controller's template is scanned
 * instead, once. `scanned(group, kind, namespace)` answers for the controller's kind.
 */
export function isManagedByScannedController(
  item: RawObject,
  scanned: (group: string, kind: string, namespace: string | undefined) => boolean,
): boolean {
  const md = record(item.metadata);
  const refs = md?.ownerReferences;
  if (!Array.isArray(refs)) return false;
  const namespace = typeof md?.namespace === 'string' ? md.namespace : undefined;
  return refs.some((r) => {
    const ref = record(r);
    if (!ref || ref.controller !== true || typeof ref.kind !== 'string' || typeof ref.apiVersion !== 'string') return false;
    const slash = ref.apiVersion.lastIndexOf('/');
    return scanned(slash === -1 ? '' : ref.apiVersion.slice(0, slash), ref.kind, namespace);
  });
}

/** `llm/Deployment.apps/vllm`, `ClusterRole.rbac.authorization.k8s.io/view`: how findings name a cluster object. */
export function objectName(type: ResourceType, item: RawObject): string {
  const md = record(item.metadata) ?? {};
  const name = typeof md.name === 'string' ? md.name : '?';
  const ns = type.namespaced && typeof md.namespace === 'string' ? `${md.namespace}/` : '';
  return `${ns}${type.kind}${type.group ? `.${type.group}` : ''}/${name}`;
}

/**
 * One cluster object as a file of the scan: its text is the object as indented JSON, read by the
 * same YAML/JSON parser and checked by the same rules as a manifest file; the parser takes the
 * positions of its nodes found as the text is written rather than parsing it again. The text is
 * dropped on `release()`, once the object's own findings are resolved (its documents keep no positions then).
 */
export class ClusterObjectFile implements PositionedFile {
  readonly size: number;
  private json: string | undefined;
  private data: Buffer | undefined;
  /** Dropped on `release()`: the documents keep what they need of it. */
  object: RawObject | undefined;

  constructor(
    readonly path: string,
    object: RawObject,
    readonly cluster: ClusterListing,
  ) {
    this.object = object;
    this.json = JSON.stringify(object, null, 2);
    this.size = Buffer.byteLength(this.json, 'utf8');
  }

  text(): string {
    if (this.json === undefined) throw new Error(`the text of ${this.path} was released once its findings were resolved`);
    return this.json;
  }
  positions(): PositionTable | undefined {
    return this.object && positionsOf(this.object, this.text());
  }
  bytes(): Uint8Array {
    this.data ??= Buffer.from(this.text(), 'utf8');
    return this.data;
  }
  head(): Uint8Array {
    return this.read(0, HEAD_BYTES);
  }
  read(offset: number, length: number): Uint8Array {
    const b = this.bytes();
    return b.subarray(offset, Math.min(b.length, offset + length));
  }
  release(): void {
    this.data = undefined;
    this.json = undefined;
    this.object = undefined;
    // The line index holds the text too.
    forgetFileLines(this);
  }
}
