import type { ResourceType } from './kinds.js';
import type { ListSelectors, RawObject } from './list.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** Groups whose members include the service accounts of every namespace, or anyone at all. */
const EVERY_NAMESPACE_GROUPS = new Set(['system:serviceaccounts', 'system:authenticated', 'system:unauthenticated']);

/** One list request of a resource type: in a namespace, or cluster-wide with selectors. */
export interface ListRequest {
  namespace?: string;
  selectors?: ListSelectors;
}

function record(v: unknown): RawObject | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as RawObject) : undefined;
}

/**
 * What a scan limited to some namespaces (`--namespace`, repeatable) reads of the cluster-scoped
 * kinds: the Namespace objects named (asked for by `metadata.name`), the ClusterRoleBindings whose
 * subjects act in those namespaces (their service accounts, all service accounts, every
 * authenticated or anonymous user), the ClusterRoles those and the namespaces' RoleBindings grant,
 * admission policies, cluster-wide network policies and the AI operators' cluster-scoped templates
 * (which apply to the namespaces' objects). Nodes are not read: they belong to no namespace.
 */
export class NamespaceScope {
  private readonly names: ReadonlySet<string>;
  /** ClusterRoles granted by the bindings read so far. */
  private readonly granted = new Set<string>();

  constructor(namespaces: readonly string[]) {
    this.names = new Set(namespaces);
  }

  /** The order of listing: ClusterRoles after every binding, which decide which of them are read. */
  order(types: readonly ResourceType[]): ResourceType[] {
    const last = (t: ResourceType) => t.group === RBAC_GROUP && t.kind === 'ClusterRole';
    return [...types.filter((t) => !last(t)), ...types.filter(last)];
  }

  /** The list requests of a type; none for a kind the scope does not read. */
  requests(type: ResourceType): ListRequest[] {
    if (type.namespaced) return [...this.names].map((namespace) => ({ namespace }));
    if (type.group === '' && type.kind === 'Node') return [];
    if (type.group === '' && type.kind === 'Namespace')
      return [...this.names].map((name) => ({ selectors: { fieldSelector: `metadata.name=${name}` } }));
    return [{}];
  }

  /** Whether an object listed for the scope is scanned (and, for a binding, notes the ClusterRole it grants). */
  keeps(type: ResourceType, item: RawObject): boolean {
    if (type.group !== RBAC_GROUP) return true;
    if (type.kind === 'ClusterRole') return this.granted.has(String(record(item.metadata)?.name ?? ''));
    if (type.kind === 'ClusterRoleBinding' && !this.bindsInScope(item)) return false;
    if (type.kind === 'ClusterRoleBinding' || type.kind === 'RoleBinding') {
      const ref = record(item.roleRef);
      if (ref?.kind === 'ClusterRole' && typeof ref.name === 'string') this.granted.add(ref.name);
    }
    return true;
  }

  private bindsInScope(binding: RawObject): boolean {
    const subjects = Array.isArray(binding.subjects) ? binding.subjects : [];
    return subjects.some((s) => {
      const subject = record(s);
      const name = typeof subject?.name === 'string' ? subject.name : '';
      if (subject?.kind === 'ServiceAccount') return typeof subject.namespace === 'string' && this.names.has(subject.namespace);
      if (subject?.kind === 'Group')
        return EVERY_NAMESPACE_GROUPS.has(name) || (name.startsWith('system:serviceaccounts:') && this.names.has(name.slice(23)));
      if (subject?.kind === 'User')
        return name === 'system:anonymous' || (name.startsWith('system:serviceaccount:') && this.names.has(name.split(':')[2]));
      return false;
    });
  }
}
