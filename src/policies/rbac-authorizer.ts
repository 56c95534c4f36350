import { labelSelectorSchema, matchesSelector } from './label-selector.js';
import { withoutTrailing } from '../core/trim.js';

/**
 * Kubernetes' RBAC authorizer over the Roles, ClusterRoles, RoleBindings and ClusterRoleBindings of a
 * scan, for the CEL `authorizer` of ValidatingAdmissionPolicies (cel-authorizer.ts): a request is
 * allowed when a ClusterRoleBinding, or a RoleBinding of the request's namespace, binds one of the
 * user's subjects to a role with a rule that covers it (verbs, API groups, resources and
 * `*`/subresource forms, resource names, non-resource URLs with a trailing `*`), as
 * `k8s.io/kubernetes/plugin/pkg/auth/authorizer/rbac` decides; RBAC never denies, it has no opinion.
 *
 * The scan is not the cluster: a binding that applies to the user and names a role the scan does
 * not define makes a "no opinion" answer unknown (that role might allow it). The roles every
 * cluster bootstraps and the user can hold without a binding in the manifests are built in:
 * `cluster-admin`, and for every authenticated user `system:discovery`, `system:basic-user` and
 * `system:public-info-viewer`.
 */

type Obj = Record<string, unknown>;

const RBAC_GROUP = 'rbac.authorization.k8s.io';

export interface UserInfo {
  name: string;
  groups: readonly string[];
}

/** What is asked: a resource request (`resource` set) or a non-resource one (`path` set). */
export interface AuthorizationRequest {
  verb: string;
  group?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  path?: string;
}

export type Decision =
  | { decision: 'allow'; reason: string }
  | { decision: 'no-opinion'; reason: string }
  /** The scan lacks a role a binding of the user names: the cluster might allow it. */
  | { decision: 'unknown'; reason: string };

interface Rule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
}

interface Binding {
  kind: 'ClusterRoleBinding' | 'RoleBinding';
  name: string;
  namespace: string;
  roleKind: string;
  roleName: string;
  subjects: { kind: string; name: string; namespace: string }[];
}

const rec = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function isRbac(o: Obj, ...kinds: string[]): boolean {
  const v = str(o.apiVersion);
  return kinds.includes(str(o.kind)) && v.slice(0, v.lastIndexOf('/')) === RBAC_GROUP;
}

function rulesOf(o: Obj): Rule[] {
  return (Array.isArray(o.rules) ? o.rules : []).map((r) => {
    const x = rec(r);
    return {
      verbs: strings(x.verbs),
      apiGroups: strings(x.apiGroups),
      resources: strings(x.resources),
      resourceNames: strings(x.resourceNames),
      nonResourceURLs: strings(x.nonResourceURLs),
    };
  });
}

const rule = (r: Partial<Rule>): Rule => ({ verbs: [], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: [], ...r });

/** ClusterRoles every cluster has (bootstrap policy), used when the scan does not define one of the name. */
const BOOTSTRAP_ROLES: ReadonlyMap<string, Rule[]> = new Map([
  ['cluster-admin', [rule({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }), rule({ verbs: ['*'], nonResourceURLs: ['*'] })]],
  [
    'system:discovery',
    [
      rule({
        verbs: ['get'],
        nonResourceURLs: [
          '/api',
          '/api/*',
          '/apis',
          '/apis/*',
          '/healthz',
          '/livez',
          '/openapi',
          '/openapi/*',
          '/readyz',
          '/version',
          '/version/',
        ],
      }),
    ],
  ],
  [
    'system:basic-user',
    [
      rule({ verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] }),
      rule({ verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] }),
    ],
  ],
  ['system:public-info-viewer', [rule({ verbs: ['get'], nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'] })]],
]);

/** The bootstrap bindings of the roles above: cluster-admin to system:masters, the others to every authenticated user. */
const BOOTSTRAP_BINDINGS: readonly Binding[] = [
  ['cluster-admin', 'system:masters'],
  ['system:discovery', 'system:authenticated'],
  ['system:basic-user', 'system:authenticated'],
  ['system:public-info-viewer', 'system:authenticated'],
].map(([role, group]) => ({
  kind: 'ClusterRoleBinding',
  name: role,
  namespace: '',
  roleKind: 'ClusterRole',
  roleName: role,
  subjects: [{ kind: 'Group', name: group, namespace: '' }],
}));

/** The user a service account authenticates as. */
export function serviceAccountUser(namespace: string, name: string): UserInfo {
  return {
    name: `system:serviceaccount:${namespace}:${name}`,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
  };
}

export class RbacAuthorizer {
  private readonly clusterRoles = new Map<string, Obj>();
  private readonly roles = new Map<string, Obj>();
  private readonly bindings: Binding[] = [];
  private readonly aggregated = new Map<string, Rule[]>();

  constructor(objects: Iterable<Obj>) {
    for (const o of objects) {
      const md = rec(o.metadata);
      const name = str(md.name);
      const namespace = str(md.namespace);
      if (isRbac(o, 'ClusterRole')) this.clusterRoles.set(name, o);
      else if (isRbac(o, 'Role')) this.roles.set(`${namespace}/${name}`, o);
      else if (isRbac(o, 'ClusterRoleBinding', 'RoleBinding')) {
        const ref = rec(o.roleRef);
        this.bindings.push({
          kind: o.kind as Binding['kind'],
          name,
          namespace: o.kind === 'RoleBinding' ? namespace : '',
          roleKind: str(ref.kind),
          roleName: str(ref.name),
          subjects: (Array.isArray(o.subjects) ? o.subjects : []).map((s) => {
            const x = rec(s);
            return { kind: str(x.kind), name: str(x.name), namespace: str(x.namespace) };
          }),
        });
      }
    }
    const defined = new Set(this.bindings.map((b) => `${b.kind}/${b.name}`));
    for (const b of BOOTSTRAP_BINDINGS) if (!defined.has(`${b.kind}/${b.name}`)) this.bindings.push(b);
  }

  /** True when the scan holds any RBAC object: without them there is nothing to decide with. */
  get hasRbac(): boolean {
    return this.clusterRoles.size + this.roles.size > 0 || this.bindings.length > BOOTSTRAP_BINDINGS.length;
  }

  authorize(user: UserInfo, request: AuthorizationRequest): Decision {
    const missing: string[] = [];
    const namespace = request.path === undefined ? (request.namespace ?? '') : '';
    for (const b of this.bindings) {
      if (b.kind === 'RoleBinding' && (namespace === '' || b.namespace !== namespace)) continue;
      const subject = b.subjects.find((s) => appliesTo(s, user, b.namespace));
      if (!subject) continue;
      const rules = this.rulesOf(b);
      if (!rules) {
        missing.push(`${b.roleKind} ${JSON.stringify(b.roleName)} (bound by ${b.kind} ${JSON.stringify(b.name)})`);
        continue;
      }
      if (rules.some((r) => allows(r, request))) return { decision: 'allow', reason: `RBAC: allowed by ${describe(b, subject)}` };
    }
    if (missing.length)
      return {
        decision: 'unknown',
        reason: `the scan does not define ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''}`,
      };
    return { decision: 'no-opinion', reason: '' };
  }

  private rulesOf(b: Binding): Rule[] | undefined {
    if (b.roleKind === 'Role') {
      const role = b.kind === 'RoleBinding' ? this.roles.get(`${b.namespace}/${b.roleName}`) : undefined;
      return role ? rulesOf(role) : undefined;
    }
    if (b.roleKind !== 'ClusterRole') return undefined;
    const role = this.clusterRoles.get(b.roleName);
    if (!role) return BOOTSTRAP_ROLES.get(b.roleName);
    return this.clusterRoleRules(b.roleName, role);
  }

  /** A ClusterRole's rules, with those of the ClusterRoles its aggregationRule selects. */
  private clusterRoleRules(name: string, role: Obj): Rule[] {
    const cached = this.aggregated.get(name);
    if (cached) return cached;
    const own = rulesOf(role);
    const aggregation = rec(role.aggregationRule);
    if (!Array.isArray(aggregation.clusterRoleSelectors)) return own;
    const selectors = aggregation.clusterRoleSelectors.map((s) => labelSelectorSchema().safeParse(s)).filter((s) => s.success);
    const out = [...own];
    for (const [other, o] of this.clusterRoles) {
      if (other === name) continue;
      const labels = rec(rec(o.metadata).labels) as Record<string, string>;
      if (selectors.some((s) => matchesSelector(s.data, labels))) out.push(...rulesOf(o));
    }
    this.aggregated.set(name, out);
    return out;
  }
}

function appliesTo(s: Binding['subjects'][number], user: UserInfo, bindingNamespace: string): boolean {
  switch (s.kind) {
    case 'User':
      return s.name === user.name;
    case 'Group':
      return user.groups.includes(s.name);
    case 'ServiceAccount': {
      const namespace = s.namespace || bindingNamespace;
      return namespace !== '' && `system:serviceaccount:${namespace}:${s.name}` === user.name;
    }
    default:
      return false;
  }
}

function allows(r: Rule, q: AuthorizationRequest): boolean {
  if (!r.verbs.some((v) => v === '*' || v === q.verb)) return false;
  if (q.path !== undefined)
    return r.nonResourceURLs.some((u) => u === '*' || u === q.path || (u.endsWith('*') && q.path!.startsWith(withoutTrailing(u, '*'))));
  if (!r.apiGroups.some((g) => g === '*' || g === (q.group ?? ''))) return false;
  const sub = q.subresource ?? '';
  const combined = sub ? `${q.resource}/${sub}` : q.resource;
  if (!r.resources.some((x) => x === '*' || x === combined || (sub !== '' && x === `*/${sub}`))) return false;
  return r.resourceNames.length === 0 || (q.name !== undefined && q.name !== '' && r.resourceNames.includes(q.name));
}

/** As the RBAC authorizer words it: `RoleBinding "view/ml" of ClusterRole "view" to ServiceAccount "runner/ml"`. */
function describe(b: Binding, s: Binding['subjects'][number]): string {
  const name = b.kind === 'RoleBinding' ? `${b.name}/${b.namespace}` : b.name;
  const subject = s.kind === 'ServiceAccount' ? `${s.name}/${s.namespace || b.namespace}` : s.name;
  return `${b.kind} ${JSON.stringify(name)} of ${b.roleKind} ${JSON.stringify(b.roleName)} to ${s.kind} ${JSON.stringify(subject)}`;
}
