import { HEAD_BYTES, type ClusterListing, type SourceFile } from '../../core/source-file.js';
import { apiVersionOf, type ResourceType } from './kinds.js';
import type { RawObject } from './list.js';

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
export function asManifest(item: RawObject, type: ResourceType): RawObject {
  const { apiVersion: _a, kind: _k, metadata, status, ...rest } = item;
  const out: RawObject = { apiVersion: apiVersionOf(type), kind: type.kind };
  const md = record(metadata);
  if (md) {
    const { managedFields: _m, ...keep } = md;
    const annotations = record(keep.annotations);
    if (annotations && LAST_APPLIED in annotations) {
      const { [LAST_APPLIED]: _l, ...others } = annotations;
      keep.annotations = others;
    }
    out.metadata = keep;
  }
  Object.assign(out, rest);
  if (status !== undefined && STATUS_KEPT.has(type.kind) && type.group === '') out.status = status;
  if (type.kind === 'Secret' && type.group === '') {
    for (const field of ['data', 'stringData'] as const) {
      const values = record(out[field]);
      if (values) out[field] = Object.fromEntries(Object.keys(values).map((k) => [k, '']));
    }
  }
  return out;
}

/**
 * True when a controller the scan lists manages the object (a Deployment's ReplicaSets and Pods, a
 * CronJob's Jobs, a RayCluster's Pods): its controller's template is scanned instead, once.
 */
export function isManagedByListedController(item: RawObject, listedKinds: ReadonlySet<string>): boolean {
  const refs = record(item.metadata)?.ownerReferences;
  if (!Array.isArray(refs)) return false;
  return refs.some((r) => {
    const ref = record(r);
    if (!ref || ref.controller !== true || typeof ref.kind !== 'string' || typeof ref.apiVersion !== 'string') return false;
    const slash = ref.apiVersion.lastIndexOf('/');
    return listedKinds.has(`${slash === -1 ? '' : ref.apiVersion.slice(0, slash)}/${ref.kind}`);
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
 * One cluster object as a file of the scan: its text is the object as indented JSON, parsed by the
 * same YAML/JSON parser and checked by the same rules as a manifest file. The text stays (the parsed
 * document shares it); its bytes are dropped on `release()`.
 */
export class ClusterObjectFile implements SourceFile {
  readonly size: number;
  private readonly json: string;
  private data: Buffer | undefined;

  constructor(
    readonly path: string,
    object: RawObject,
    readonly cluster: ClusterListing,
  ) {
    this.json = JSON.stringify(object, null, 2);
    this.data = Buffer.from(this.json, 'utf8');
    this.size = this.data.length;
  }

  text(): string {
    return this.json;
  }
  bytes(): Uint8Array {
    this.data ??= Buffer.from(this.json, 'utf8');
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
  }
}
