/** Helpers of the runtime rules over audit events: what a request did, to what, by whom. */
import type { ObjectPath } from '../../../core/types.js';
import type { AuditEventDocument, WorkloadFacts } from '../../../parsers/events/event-documents.js';
import { actorOf, succeeded } from '../../../sources/events/audit-event.js';

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export { actorOf, succeeded };

/** True for a successful request with this verb on this resource (and subresource, `''` for none). */
export function isRequest(doc: AuditEventDocument, verbs: readonly string[], resource: string, subresource = ''): boolean {
  const ev = doc.audit;
  const ref = ev.objectRef;
  return ref?.resource === resource && (ref.subresource ?? '') === subresource && verbs.includes(ev.verb) && succeeded(ev);
}

/**
 * The object a create/update/patch request wrote, with the key it sits under (`requestObject` when the
 * policy logs requests, else `responseObject`). Patches carry a patch, not the object: the response is used.
 */
export function writtenObject(doc: AuditEventDocument): { object: Obj; key: 'requestObject' | 'responseObject' } | undefined {
  const ev = doc.audit;
  if (ev.verb !== 'patch' && isObj(ev.requestObject) && typeof ev.requestObject.kind === 'string')
    return { object: ev.requestObject, key: 'requestObject' };
  if (isObj(ev.responseObject) && typeof ev.responseObject.kind === 'string') return { object: ev.responseObject, key: 'responseObject' };
  return undefined;
}

/** Identities of the control plane and nodes: they read secrets, create pods and bind roles as their job. */
export function isSystemIdentity(user: string): boolean {
  if (
    user === 'system:apiserver' ||
    user === 'system:kube-controller-manager' ||
    user === 'system:kube-scheduler' ||
    user === 'system:kube-proxy'
  )
    return true;
  if (user.startsWith('system:node:')) return true;
  if (user.startsWith('system:serviceaccount:kube-system:')) return true;
  return false;
}

/** A pod spec written by the request (a Pod create), with its object path. */
export function createdPodSpec(doc: AuditEventDocument): { spec: Obj; metadata: Obj; path: ObjectPath } | undefined {
  if (!isRequest(doc, ['create'], 'pods')) return undefined;
  const written = writtenObject(doc);
  if (!written || written.object.kind !== 'Pod' || !isObj(written.object.spec)) return undefined;
  return {
    spec: written.object.spec,
    metadata: isObj(written.object.metadata) ? written.object.metadata : {},
    path: [written.key, 'spec'],
  };
}

export interface ContainerAt {
  container: Obj;
  path: ObjectPath;
  name: string;
}

/** Containers, init containers and ephemeral containers of a pod spec, with their object paths. */
export function containersAt(spec: Obj, base: ObjectPath): ContainerAt[] {
  const out: ContainerAt[] = [];
  for (const key of ['initContainers', 'containers', 'ephemeralContainers']) {
    asList(spec[key]).forEach((c, i) => {
      if (isObj(c)) out.push({ container: c, path: [...base, key, i], name: typeof c.name === 'string' ? c.name : `#${i}` });
    });
  }
  return out;
}

/** `namespace/name` of the event's object, or its name alone when cluster-scoped. */
export function objectName(doc: AuditEventDocument): string {
  const ref = doc.audit.objectRef;
  if (!ref?.name) return ref?.namespace ? `${ref.namespace}/*` : '*';
  return ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
}

/** `Jupyter notebook`, `vLLM model server`, `Ray head`. */
export function describeWorkload(w: WorkloadFacts): string {
  if (w.kind === 'notebook') return /notebook/i.test(w.label) ? w.label : `${w.label} notebook`;
  if (w.kind === 'model-server') return /server/i.test(w.label) ? w.label : `${w.label} model server`;
  if (w.kind === 'ray-head') return 'Ray head';
  if (w.kind === 'ray-worker') return 'Ray worker';
  return w.label;
}

/** Who acted, for a message: `user 'alice@example.com'`, `service account ml/jupyter`. */
export function describeActor(doc: AuditEventDocument): string {
  const user = actorOf(doc.audit);
  if (user.startsWith('system:serviceaccount:')) return `service account ${user.slice('system:serviceaccount:'.length).replace(':', '/')}`;
  return `'${user}'`;
}

/** The query parameters of the request URI (`command`, `container`, `ports` of exec and port-forward). */
export function queryOf(doc: AuditEventDocument): URLSearchParams {
  const uri = doc.audit.requestURI ?? '';
  const q = uri.indexOf('?');
  return new URLSearchParams(q >= 0 ? uri.slice(q + 1) : '');
}

/** The interactive subresource the request opened, if any: exec, attach or portforward on a pod. */
export function interactiveAccess(doc: AuditEventDocument): 'exec' | 'attach' | 'portforward' | undefined {
  const ref = doc.audit.objectRef;
  if (ref?.resource !== 'pods' || !ref.subresource) return undefined;
  const sub = ref.subresource;
  if (sub !== 'exec' && sub !== 'attach' && sub !== 'portforward') return undefined;
  if (!['create', 'get'].includes(doc.audit.verb) || !succeeded(doc.audit)) return undefined;
  return sub;
}

/** `exec 'sh -c id' in container 'vllm'`, `port-forward to ports 8888`. */
export function describeAccess(doc: AuditEventDocument, access: 'exec' | 'attach' | 'portforward'): string {
  const q = queryOf(doc);
  const container = q.get('container');
  const inContainer = container ? ` in container '${container}'` : '';
  if (access === 'exec') {
    const cmd = q.getAll('command').join(' ');
    return `exec${cmd ? ` '${cmd.length > 80 ? cmd.slice(0, 80) + '…' : cmd}'` : ''}${inContainer}`;
  }
  if (access === 'attach') return `attach${inContainer}`;
  const ports = q.getAll('ports').join(', ');
  return `port-forward${ports ? ` to port ${ports}` : ''}`;
}
