import type { CelFunc, CelInput } from '@bufbuild/cel';
import type { AuthorizationRequest, RbacAuthorizer, UserInfo } from './rbac-authorizer.js';
import { serviceAccountUser } from './rbac-authorizer.js';
import { tagged, taggedFunctions, textOf, type Tag } from './cel-tagged.js';

type CelLibrary = typeof import('@bufbuild/cel');

/**
 * Kubernetes' CEL authorizer library, as ValidatingAdmissionPolicy offers it: `authorizer.group(g)
 * .resource(r)[.subresource(s)][.namespace(ns)][.name(n)][.fieldSelector(f)][.labelSelector(l)]
 * .check(verb)`, `authorizer.path(p).check(httpVerb)`, `authorizer.serviceAccount(ns, name)` (the
 * same checks for that service account), `authorizer.requestResource` (the request's own resource),
 * and on a decision `allowed()`, `reason()`, `errored()`, `error()`.
 *
 * Checks are decided by the RBAC authorizer over the RBAC objects the policy is evaluated with
 * (rbac-authorizer.ts), for the user the context names. A check that cannot be decided (the
 * requesting user is unknown, as in a file scan, or there are no RBAC objects) makes the decision's
 * methods fail with AuthorizerUnknownError: the expression is not evaluated, it neither passes nor fails.
 */

export class AuthorizerUnknownError extends Error {}

/** What checks are decided with while an expression runs. */
export interface AuthorizerContext {
  /** The requesting user (an admission request's userInfo); absent in a scan. */
  user?: UserInfo;
  /** The RBAC objects to decide with; absent when none are at hand. */
  rbac?: RbacAuthorizer;
  /** Why the RBAC objects are absent, for the message. */
  rbacMissing?: string;
}

let current: AuthorizerContext | undefined;

/** Runs `fn` (synchronous CEL evaluation) with checks decided in `context`. */
export function withAuthorizer<T>(context: AuthorizerContext | undefined, fn: () => T): T {
  const previous = current;
  current = context;
  try {
    return fn();
  } finally {
    current = previous;
  }
}

/** Who is asking: the request's user, or a service account named in the expression. */
type Principal = { serviceAccount?: [string, string] };

interface Check extends AuthorizationRequest {
  principal: Principal;
}

/** `authorizer`: the requesting user's authorizer. */
export function authorizerValue(): CelInput {
  return tagged('authorizer', JSON.stringify({}));
}

/** `authorizer.requestResource`: a check of the request's own resource (group, resource, subresource, namespace, name). */
export function requestResourceValue(request: Omit<AuthorizationRequest, 'verb' | 'path'>): CelInput {
  return tagged('authz-resource', JSON.stringify({ principal: {}, verb: '', ...request }));
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function decide(check: Check): { decision: 'allow' | 'no-opinion' | 'unknown'; reason: string } {
  const sa = check.principal.serviceAccount;
  const user = sa ? serviceAccountUser(sa[0], sa[1]) : current?.user;
  if (!user)
    return {
      decision: 'unknown',
      reason:
        'the check is for the requesting user, whom a scan of files does not know (authorizer.serviceAccount(ns, name) checks are evaluated)',
    };
  if (!current?.rbac) return { decision: 'unknown', reason: current?.rbacMissing ?? "the cluster's RBAC objects are not at hand" };
  return current.rbac.authorize(user, check);
}

/** The CEL functions of the library, made with the CEL library given (loaded lazily by the caller). */
export function authorizerFunctions(cel: CelLibrary): CelFunc[] {
  const { STRING, BOOL, DYN } = cel.CelScalar;
  const t = taggedFunctions(cel);
  const read = <T>(v: unknown, tag: Tag, what: string): T => JSON.parse(textOf(v, tag, what)) as T;
  const resourceSetter = (name: keyof Check, apply: (c: Check, s: string) => void = (c, s) => Object.assign(c, { [name]: s })) =>
    t.method('authz-resource', name, [STRING], DYN, function (s: string) {
      const c = read<Check>(this, 'authz-resource', 'authorizer.group(g).resource(r)');
      apply(c, s);
      return tagged('authz-resource', JSON.stringify(c));
    });
  const decision = (c: Check) => tagged('authz-decision', JSON.stringify(decide(c)));
  const decided = (v: unknown) => {
    const d = read<ReturnType<typeof decide>>(v, 'authz-decision', '….check(verb)');
    if (d.decision === 'unknown') throw new AuthorizerUnknownError(`not evaluated: ${d.reason}`);
    return d;
  };
  return [
    t.method('authorizer', 'group', [STRING], DYN, function (group: string) {
      return tagged('authz-group', JSON.stringify({ principal: read<Principal>(this, 'authorizer', 'authorizer'), group }));
    }),
    t.method('authorizer', 'path', [STRING], DYN, function (path: string) {
      if (path.trim() === '') throw new Error('path must not be empty');
      return tagged(
        'authz-path',
        JSON.stringify({ principal: read<Principal>(this, 'authorizer', 'authorizer'), path: path.startsWith('/') ? path : `/${path}` }),
      );
    }),
    t.method('authorizer', 'serviceAccount', [STRING, STRING], DYN, function (namespace: string, name: string) {
      if (!DNS1123_LABEL.test(namespace) || namespace.length > 63)
        throw new Error(`serviceAccount: '${namespace}' is not a valid namespace name`);
      if (!DNS1123_SUBDOMAIN.test(name) || name.length > 253)
        throw new Error(`serviceAccount: '${name}' is not a valid service account name`);
      return tagged('authorizer', JSON.stringify({ serviceAccount: [namespace, name] }));
    }),
    t.method('authz-group', 'resource', [STRING], DYN, function (resource: string) {
      if (resource.trim() === '') throw new Error('resource must not be empty');
      const g = read<{ principal: Principal; group: string }>(this, 'authz-group', 'authorizer.group(g)');
      return tagged('authz-resource', JSON.stringify({ ...g, verb: '', resource }));
    }),
    resourceSetter('subresource'),
    resourceSetter('namespace'),
    resourceSetter('name'),
    // RBAC does not look at selectors: they narrow a list, never widen what RBAC allows.
    resourceSetter('fieldSelector' as keyof Check, () => {}),
    resourceSetter('labelSelector' as keyof Check, () => {}),
    t.method('authz-resource', 'check', [STRING], DYN, function (verb: string) {
      return decision({ ...read<Check>(this, 'authz-resource', 'authorizer.group(g).resource(r)'), verb });
    }),
    t.method('authz-path', 'check', [STRING], DYN, function (verb: string) {
      return decision({ ...read<Check>(this, 'authz-path', 'authorizer.path(p)'), verb });
    }),
    t.method('authz-decision', 'allowed', [], BOOL, function () {
      return decided(this).decision === 'allow';
    }),
    t.method('authz-decision', 'reason', [], STRING, function () {
      return decided(this).reason;
    }),
    t.method('authz-decision', 'errored', [], BOOL, function () {
      decided(this);
      return false;
    }),
    t.method('authz-decision', 'error', [], STRING, function () {
      decided(this);
      return '';
    }),
  ];
}
