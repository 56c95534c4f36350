import type { ObjectPath } from '../../../core/types.js';
import type { K8sObjectDocument } from '../../../parsers/k8s/k8s-documents.js';
import { isMapping } from '../../../parsers/yaml/position-table.js';
import { asList, asMapping } from './workload.js';
import { lookupTable } from '../../../core/lookup-table.js';

const RBAC_VERSION_PREFIX = 'rbac.authorization.k8s.io/';

/** The API group of the apiVersion is `rbac.authorization.k8s.io` (told without cutting the string: every object is asked). */
function inRbacGroup(apiVersion: string): boolean {
  return apiVersion.startsWith(RBAC_VERSION_PREFIX) && apiVersion.indexOf('/', RBAC_VERSION_PREFIX.length) === -1;
}

export function isRbac(doc: K8sObjectDocument, ...kinds: string[]): boolean {
  return kinds.includes(doc.object.kind) && inRbacGroup(doc.object.apiVersion);
}

export const isRole = (doc: K8sObjectDocument): boolean => {
  const { kind, apiVersion } = doc.object;
  return (kind === 'Role' || kind === 'ClusterRole') && inRbacGroup(apiVersion);
};
export const isBinding = (doc: K8sObjectDocument): boolean => {
  const { kind, apiVersion } = doc.object;
  return (kind === 'RoleBinding' || kind === 'ClusterRoleBinding') && inRbacGroup(apiVersion);
};

/** A list of strings of a policy rule, with the object path of each entry. */
export interface Entries {
  values: string[];
  path: ObjectPath;
}

/** One entry of a Role's or ClusterRole's `rules`. */
export interface PolicyRule {
  index: number;
  path: ObjectPath;
  verbs: Entries;
  resources: Entries;
  apiGroups: Entries;
  resourceNames: string[];
  nonResourceURLs: Entries;
}

function entries(rule: Record<string, unknown>, key: string, base: ObjectPath): Entries {
  return { values: asList(rule[key]).map((v) => (typeof v === 'string' ? v : String(v))), path: [...base, key] };
}

const rulesOfObject = new WeakMap<object, readonly PolicyRule[]>();

/** The policy rules of a Role or ClusterRole, read once per object for the RBAC rules (shared: not to be modified). */
export function policyRules(doc: K8sObjectDocument): readonly PolicyRule[] {
  let rules = rulesOfObject.get(doc.object);
  if (!rules) {
    rules = readPolicyRules(doc);
    rulesOfObject.set(doc.object, rules);
  }
  return rules;
}

function readPolicyRules(doc: K8sObjectDocument): PolicyRule[] {
  const out: PolicyRule[] = [];
  asList(doc.object.rules).forEach((r, index) => {
    if (!isMapping(r)) return;
    const path: ObjectPath = ['rules', index];
    out.push({
      index,
      path,
      verbs: entries(r, 'verbs', path),
      resources: entries(r, 'resources', path),
      apiGroups: entries(r, 'apiGroups', path),
      resourceNames: asList(r.resourceNames).filter((v): v is string => typeof v === 'string'),
      nonResourceURLs: entries(r, 'nonResourceURLs', path),
    });
  });
  return out;
}

/** Index of the first entry equal to one of `wanted` (or `*`), -1 when none. */
export function findEntry(e: Entries, wanted: readonly string[], wildcard = true): number {
  return e.values.findIndex((v) => (wildcard && v === '*') || wanted.includes(v));
}

/** Path of the entry at `i` of a rule's list. */
export function entryPath(e: Entries, i: number): ObjectPath {
  return [...e.path, i];
}

/** True when the rule covers the API group (`""` is the core group). */
export function coversGroup(rule: PolicyRule, group: string): boolean {
  return rule.apiGroups.values.some((g) => g === '*' || g === group);
}

/** The first resource entry naming one of `resources` (exactly or through `*`) in one of the groups. */
export function grants(
  rule: PolicyRule,
  groups: readonly string[],
  resources: readonly string[],
  verbs: readonly string[],
  wildcardResource = true,
): { resource: number; verb: number } | undefined {
  if (!groups.some((g) => coversGroup(rule, g))) return undefined;
  const resource = findEntry(rule.resources, resources, wildcardResource);
  if (resource < 0) return undefined;
  const verb = findEntry(rule.verbs, verbs);
  if (verb < 0) return undefined;
  return { resource, verb };
}

export interface Subject {
  kind: string;
  name: string;
  namespace: string | undefined;
  path: ObjectPath;
}

export function subjectsOf(doc: K8sObjectDocument): Subject[] {
  const out: Subject[] = [];
  asList(doc.object.subjects).forEach((s, i) => {
    if (!isMapping(s) || typeof s.kind !== 'string' || typeof s.name !== 'string') return;
    out.push({ kind: s.kind, name: s.name, namespace: typeof s.namespace === 'string' ? s.namespace : undefined, path: ['subjects', i] });
  });
  return out;
}

export interface RoleRef {
  kind: string;
  name: string;
  path: ObjectPath;
}

export function roleRefOf(doc: K8sObjectDocument): RoleRef | undefined {
  const r = asMapping(doc.object.roleRef);
  if (typeof r.kind !== 'string' || typeof r.name !== 'string') return undefined;
  return { kind: r.kind, name: r.name, path: ['roleRef', 'name'] };
}

/** Workload resources whose creation runs code under any service account of the namespace. */
export const WORKLOAD_RESOURCES: ReadonlyArray<{ group: string; resources: readonly string[] }> = [
  { group: '', resources: ['pods', 'replicationcontrollers'] },
  { group: 'apps', resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'] },
  { group: 'batch', resources: ['jobs', 'cronjobs'] },
];

const CREATE_VERBS = ['create'] as const;

/** The first entry of a rule that lets its holder create workloads, or undefined. */
export function grantsWorkloadCreate(rule: PolicyRule): { resource: number; verb: number } | undefined {
  for (const w of WORKLOAD_RESOURCES) {
    const hit = grants(rule, [w.group], w.resources, CREATE_VERBS);
    if (hit) return hit;
  }
  return undefined;
}

/** Built-in ClusterRoles that can create workloads (the user-facing roles of RBAC defaults). */
export const BUILTIN_WORKLOAD_CREATORS = new Set(['cluster-admin', 'admin', 'edit']);

const roleIndexes = new WeakMap<readonly K8sObjectDocument[], Map<string, K8sObjectDocument>>();

function roleKey(kind: string, namespace: string, name: string): string {
  return kind === 'ClusterRole' ? `ClusterRole//${name}` : `Role/${namespace}/${name}`;
}

/**
 * Resolves a binding's role among the objects of a scan: a ClusterRole by name, or a Role by name
 * in the binding's namespace. The index is built once per set of objects.
 */
export function resolveRole(
  binding: K8sObjectDocument,
  ref: RoleRef,
  objects: readonly K8sObjectDocument[],
): K8sObjectDocument | undefined {
  let index = roleIndexes.get(objects);
  if (!index) {
    index = new Map();
    for (const o of objects) if (isRole(o)) index.set(roleKey(o.object.kind, o.namespace, o.name), o);
    roleIndexes.set(objects, index);
  }
  return index.get(roleKey(ref.kind, binding.namespace, ref.name));
}

/** Roles and bindings Kubernetes creates itself (`kubernetes.io/bootstrapping: rbac-defaults`), e.g. in a cluster export. */
export function isBootstrapDefault(doc: K8sObjectDocument): boolean {
  // Read in place: every object is asked, and most have no labels (`doc.labels` would make an empty mapping for each).
  const md = doc.object.metadata;
  return isMapping(md) && isMapping(md.labels) && md.labels['kubernetes.io/bootstrapping'] === 'rbac-defaults';
}

/**
 * Roles whose rules this scan can judge: Roles and ClusterRoles that are not built in and not
 * aggregated (an aggregated ClusterRole's rules are written by the controller, not the manifest).
 */
export function isCheckableRole(doc: K8sObjectDocument): boolean {
  return isRole(doc) && !isBootstrapDefault(doc) && doc.object.aggregationRule === undefined;
}

/** `Role 'x'` or `ClusterRole 'x'`, for messages. */
export function roleLabel(doc: K8sObjectDocument): string {
  return `${doc.object.kind} '${doc.name}'`;
}

/** The verbs of a rule that match `wanted` (or `*`), as written. */
export function matchingVerbs(rule: PolicyRule, wanted: readonly string[]): string[] {
  return rule.verbs.values.filter((v) => v === '*' || wanted.includes(v));
}

/** What the built-in user-facing ClusterRoles grant beyond reading (cluster-admin has its own rule). */
const BUILTIN_GRANTS: Readonly<Record<string, { secrets: boolean; exec: boolean }>> = lookupTable({
  admin: { secrets: true, exec: true },
  edit: { secrets: true, exec: true },
});

/**
 * A binding of the scan to one of the built-in `admin` or `edit` ClusterRoles (when the scan does
 * not define a ClusterRole of that name itself), with what that role grants.
 */
export function builtinGrant(
  binding: K8sObjectDocument,
  objects: readonly K8sObjectDocument[],
): { ref: RoleRef; secrets: boolean; exec: boolean } | undefined {
  if (!isBinding(binding) || isBootstrapDefault(binding)) return undefined;
  const ref = roleRefOf(binding);
  if (!ref || ref.kind !== 'ClusterRole') return undefined;
  const grant = BUILTIN_GRANTS[ref.name] as { secrets: boolean; exec: boolean } | undefined;
  if (!grant || resolveRole(binding, ref, objects)) return undefined;
  return { ref, ...grant };
}

/** `ServiceAccount ml/runner` (a function of the module: an arrow made on each call was compiled again for each set). */
function subjectLabel(s: Subject): string {
  return `${s.kind} ${s.namespace ? s.namespace + '/' : ''}${s.name}`;
}

/** `ServiceAccount ml/runner, User alice` for messages (three at most). */
export function subjectList(binding: K8sObjectDocument): string {
  const subjects = subjectsOf(binding);
  const who = subjects.slice(0, 3).map(subjectLabel);
  return who.length > 0 ? who.join(', ') + (subjects.length > 3 ? ', …' : '') : 'no subject yet';
}

/** `RoleBinding 'x' grants ClusterRole 'edit' in namespace 'ml'` / `ClusterRoleBinding 'x' grants … in every namespace`. */
export function bindingScope(binding: K8sObjectDocument): string {
  return binding.object.kind === 'ClusterRoleBinding' ? 'in every namespace' : `in namespace '${binding.namespace}'`;
}

/**
 * Reports a binding to a built-in ClusterRole (admin, edit, …) that carries `capability`, described as
 * `what` ("can read Secrets"). Returns true when the binding was reported.
 */
export function reportBuiltinGrant(
  binding: K8sObjectDocument,
  objects: readonly K8sObjectDocument[],
  capability: 'secrets' | 'exec',
  what: string,
  report: (input: { doc: K8sObjectDocument; message: string; at: ObjectPath; severity: 'high' | 'medium' }) => void,
): boolean {
  const grant = builtinGrant(binding, objects);
  if (!grant?.[capability]) return false;
  report({
    doc: binding,
    message: `${binding.object.kind} '${binding.name}' grants ClusterRole '${grant.ref.name}', which ${what}, ${bindingScope(binding)} to ${subjectList(binding)}`,
    at: grant.ref.path,
    severity: binding.object.kind === 'ClusterRoleBinding' ? 'high' : 'medium',
  });
  return true;
}
