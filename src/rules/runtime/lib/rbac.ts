/** RBAC objects as audit events carry them. */
import type { AuditEventDocument } from '../../../parsers/events/event-documents.js';
import { actorOf, asList, isObj, isRequest, writtenObject, type Obj } from './audit.js';

const WRITES = ['create', 'update', 'patch'];

/** A Role or ClusterRole (or binding) the request wrote, unless the API server itself bootstrapped it. */
export function writtenRbac(doc: AuditEventDocument, resources: readonly string[]): { object: Obj; key: string } | undefined {
  const ref = doc.audit.objectRef;
  if (!ref?.resource || !resources.includes(ref.resource) || ref.apiGroup !== 'rbac.authorization.k8s.io') return undefined;
  if (!isRequest(doc, WRITES, ref.resource) || actorOf(doc.audit) === 'system:apiserver') return undefined;
  return writtenObject(doc);
}

export interface RoleRule {
  index: number;
  verbs: string[];
  resources: string[];
  apiGroups: string[];
}

export function roleRules(role: Obj): RoleRule[] {
  const strings = (v: unknown) => asList(v).filter((x): x is string => typeof x === 'string');
  return asList(role.rules).flatMap((r, index) =>
    isObj(r) ? [{ index, verbs: strings(r.verbs), resources: strings(r.resources), apiGroups: strings(r.apiGroups) }] : [],
  );
}

/** `ClusterRole 'ml-admin'`, `Role ml/editor`. */
export function roleName(doc: AuditEventDocument, kind: string): string {
  const ref = doc.audit.objectRef;
  return ref?.namespace ? `${kind} ${ref.namespace}/${ref.name ?? '?'}` : `${kind} '${ref?.name ?? '?'}'`;
}

export function kindOf(doc: AuditEventDocument): string {
  const r = doc.audit.objectRef?.resource;
  return r === 'clusterroles' ? 'ClusterRole' : r === 'roles' ? 'Role' : r === 'clusterrolebindings' ? 'ClusterRoleBinding' : 'RoleBinding';
}
