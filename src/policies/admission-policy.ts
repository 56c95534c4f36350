import { cut } from '../core/printable.js';
import { withoutSecrets } from '../rules/secrets/lib/plain-text.js';
import type { ObjectPath, Severity } from '../core/types.js';
import { labelSelectorSchema, matchesSelector, type LabelSelector } from './label-selector.js';
import type { AuthorizerContext } from './cel-authorizer.js';
import { apiVersionOf, compilePolicy, labelsOf, namespaceOf, PolicyError, resourceOf, type Policy, type Violation } from './policy.js';
import { RbacAuthorizer } from './rbac-authorizer.js';

/**
 * ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding objects found among scanned manifests,
 * evaluated against the other manifests of the same set as the API server would on their CREATE:
 * `matchConstraints` and the binding's `matchResources` (resource rules, namespace and object
 * selectors), `paramKind` with the binding's `paramRef`, `matchConditions`, `variables`, and
 * `validations`; the binding's `validationActions` decide the severity (Deny high, Warn medium, Audit low).
 */

type Obj = Record<string, unknown>;

const ADMISSION_GROUP = 'admissionregistration.k8s.io';
const ACTION_SEVERITY: Record<string, Severity> = { Deny: 'high', Warn: 'medium', Audit: 'low' };

export interface AdmissionPolicyFinding {
  /** Index into the objects given: the object the finding is about. */
  object: number;
  at: ObjectPath;
  message: string;
  severity: Severity;
  evidence?: string;
}

function isKind(o: Obj, kind: string): boolean {
  const v = String(o.apiVersion ?? '');
  return o.kind === kind && v.startsWith(`${ADMISSION_GROUP}/`);
}

function rec(v: unknown): Obj {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function nameOf(o: Obj): string {
  const n = rec(o.metadata).name;
  return typeof n === 'string' ? n : '';
}

function selector(v: unknown): LabelSelector | undefined {
  if (v === undefined || v === null) return undefined;
  const r = labelSelectorSchema().safeParse(v);
  return r.success ? r.data : { matchLabels: { '\u0000invalid': '' } };
}

function groupVersion(o: Obj): { group: string; version: string } {
  const v = String(o.apiVersion ?? '');
  const slash = v.lastIndexOf('/');
  return slash === -1 ? { group: '', version: v } : { group: v.slice(0, slash), version: v.slice(slash + 1) };
}

/** A group, version and resource: what a request names and a resource rule covers. */
interface Gvr {
  group: string;
  version: string;
  resource: string;
}

/** The object's resource name: a custom resource's is the plural its CustomResourceDefinition gives, when the scan holds it. */
function resourceNameOf(o: Obj, resources: ScanResources): string {
  return resources.plurals.get(`${groupVersion(o).group}/${String(o.kind)}`) ?? resourceOf(String(o.kind));
}

/**
 * Built-in resources that API servers with ValidatingAdmissionPolicy (1.26+) serve at more than one group/version
 * from one storage, so that under `matchPolicy: Equivalent` a rule for one covers a request through another: each
 * list the versions one release serves together. The versions removed before 1.26 (extensions/v1beta1, apps/v1beta1
 * and v1beta2, autoscaling/v2beta1 and v2beta2, events.k8s.io/v1beta1) are served by no API server that has
 * ValidatingAdmissionPolicy, so no equivalents. The fields of each pair differ (HPA v1's targetCPUUtilizationPercentage
 * and annotations against v2's metrics and behavior; core Events' message and involvedObject against note and
 * regarding; flowcontrol's assuredConcurrencyShares renamed and its zero defaulted differently), and Sanctum does not
 * convert them: see `unconvertedOf`.
 */
const BUILT_IN_EQUIVALENTS: ReadonlyArray<readonly Gvr[]> = [
  [
    { group: 'autoscaling', version: 'v1', resource: 'horizontalpodautoscalers' },
    { group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers' },
  ],
  [
    { group: '', version: 'v1', resource: 'events' },
    { group: 'events.k8s.io', version: 'v1', resource: 'events' },
  ],
  // flowcontrol.apiserver.k8s.io: v1beta2 served 1.23-1.28, v1beta3 1.26-1.31, v1 from 1.29.
  ...['flowschemas', 'prioritylevelconfigurations'].flatMap((resource) =>
    [
      ['v1beta2', 'v1beta3'],
      ['v1beta3', 'v1'],
    ].map((versions) => versions.map((version) => ({ group: 'flowcontrol.apiserver.k8s.io', version, resource }))),
  ),
];

/**
 * The resources the API server takes as equivalent to `gvr` (sharing its storage, itself included): the served
 * versions of a CustomResourceDefinition in the scan, or a built-in resource's other group/versions served beside it.
 */
function equivalentsOf(gvr: Gvr, resources: ScanResources): readonly Gvr[] {
  const crd = resources.versions.get(`${gvr.group}/${gvr.resource}`);
  if (crd) return crd.map((version) => ({ group: gvr.group, version, resource: gvr.resource }));
  const lists = BUILT_IN_EQUIVALENTS.filter((list) => list.some((e) => sameGvr(e, gvr)));
  return lists.length ? lists.flat() : [gvr];
}

/**
 * When the object, written as `written`, was matched as the equivalent `matched` and the API server would convert its
 * fields (a built-in's, or a custom resource's through its conversion webhook), which Sanctum cannot: says so, for a
 * validation the unconverted object makes fail to be told as not judged rather than as a denial. Undefined when the
 * object was matched as written, or when conversion changes only its apiVersion (a CustomResourceDefinition's
 * conversion strategy None, the default).
 */
function unconvertedOf(written: Gvr, matched: Gvr, resources: ScanResources): string | undefined {
  if (sameGvr(written, matched)) return undefined;
  const key = `${written.group}/${written.resource}`;
  if (resources.versions.has(key) && !resources.webhookConversion.has(key)) return undefined;
  const how = resources.versions.has(key) ? "by its CustomResourceDefinition's conversion webhook" : 'by the API server';
  return (
    `the object is written at ${apiVersionOf(written)} and matched as ${apiVersionOf(matched)}, to which its fields are converted ` +
    `${how}; Sanctum does not convert them, so the validation is not judged`
  );
}

function sameGvr(a: Gvr, b: Gvr): boolean {
  return a.group === b.group && a.version === b.version && a.resource === b.resource;
}

/** Whether one `resourceRules` entry covers the CREATE of this object, requested as `gvr`. */
function ruleCovers(rule: Obj, o: Obj, gvr: Gvr): boolean {
  const anyOr = (list: string[], value: string) => list.includes('*') || list.includes(value);
  if (!anyOr(strings(rule.apiGroups), gvr.group)) return false;
  if (!anyOr(strings(rule.apiVersions), gvr.version)) return false;
  if (!anyOr(strings(rule.operations), 'CREATE')) return false;
  if (!strings(rule.resources).some((r) => r === '*' || r === '*/*' || r === gvr.resource)) return false;
  const names = strings(rule.resourceNames);
  if (names.length && !names.includes(nameOf(o))) return false;
  const scope = typeof rule.scope === 'string' ? rule.scope : '*';
  const namespaced = namespaceOf(o) !== undefined;
  return scope === '*' || (scope === 'Namespaced' && namespaced) || (scope === 'Cluster' && !namespaced);
}

/**
 * The resource through which `rules` cover the object requested as `gvr`, as the API server matches: the request's
 * own; else, unless `matchPolicy` is `Exact` (the API server defaults it to `Equivalent`), the first equivalent
 * resource a rule covers, rule by rule. Undefined when none covers it.
 */
function rulesMatch(rules: readonly Obj[], matchPolicy: unknown, o: Obj, gvr: Gvr, resources: ScanResources): Gvr | undefined {
  if (rules.some((r) => ruleCovers(r, o, gvr))) return gvr;
  if (matchPolicy === 'Exact') return undefined;
  const equivalents = equivalentsOf(gvr, resources);
  for (const rule of rules) for (const e of equivalents) if (!sameGvr(e, gvr) && ruleCovers(rule, o, e)) return e;
  return undefined;
}

/**
 * `matchConstraints` of a policy or `matchResources` of a binding; absent constraints match everything. Gives the
 * resource matched (an equivalent one under `matchPolicy: Equivalent`: the API server converts the object to it),
 * or undefined when the object is not matched.
 */
function constraintsMatch(
  constraints: unknown,
  o: Obj,
  namespaceLabels: Record<string, string> | undefined,
  requireRules: boolean,
  resources: ScanResources,
): Gvr | undefined {
  const c = rec(constraints);
  const gvr = { ...groupVersion(o), resource: resourceNameOf(o, resources) };
  const rules = Array.isArray(c.resourceRules) ? c.resourceRules.map(rec) : [];
  const matched = requireRules || rules.length ? rulesMatch(rules, c.matchPolicy, o, gvr, resources) : gvr;
  if (!matched) return undefined;
  const excluded = Array.isArray(c.excludeResourceRules) ? c.excludeResourceRules.map(rec) : [];
  if (rulesMatch(excluded, c.matchPolicy, o, gvr, resources)) return undefined;
  if (namespaceLabels && !matchesSelector(selector(c.namespaceSelector), namespaceLabels)) return undefined;
  return matchesSelector(selector(c.objectSelector), labelsOf(o)) ? matched : undefined;
}

interface Compiled {
  object: number;
  policy?: Policy;
  error?: string;
}

/**
 * Evaluates the admission policies among `objects` against the others; returns findings on the
 * objects. Messages mask a value of the Secret, env or ConfigMap the policy read where the
 * expressions quote it verbatim, and any key in a known format (see `object-secrets.ts`).
 */
export function evaluateAdmissionPolicies(objects: readonly Obj[]): AdmissionPolicyFinding[] {
  const out: AdmissionPolicyFinding[] = [];
  const policies = new Map<string, Compiled>();
  const bindings: number[] = [];
  const namespaces = new Map<string, Obj>();
  objects.forEach((o, i) => {
    if (isKind(o, 'ValidatingAdmissionPolicy')) {
      const name = nameOf(o);
      const spec = rec(o.spec);
      try {
        const policy = compilePolicy(name, `ValidatingAdmissionPolicy ${name}`, {
          severity: 'high',
          matchConditions: (spec.matchConditions as never) ?? [],
          variables: (spec.variables as never) ?? [],
          validations: (Array.isArray(spec.validations) ? spec.validations : []).map((v) => {
            const r = rec(v);
            return {
              expression: String(r.expression ?? ''),
              ...(typeof r.message === 'string' ? { message: r.message } : {}),
              ...(typeof r.messageExpression === 'string' ? { messageExpression: r.messageExpression } : {}),
              ...(typeof r.fieldPath === 'string' ? { fieldPath: r.fieldPath } : {}),
              ...(typeof r.reason === 'string' ? { reason: r.reason } : {}),
            };
          }),
          auditAnnotations: (Array.isArray(spec.auditAnnotations) ? spec.auditAnnotations : []).map((a) => ({
            key: String(rec(a).key ?? ''),
            valueExpression: String(rec(a).valueExpression ?? ''),
          })),
        });
        policies.set(name, { object: i, policy });
      } catch (e) {
        if (!(e instanceof PolicyError)) throw e;
        policies.set(name, { object: i, error: e.message });
        // The error quotes the expression, which may hold a key in a known format.
        out.push({ object: i, at: ['spec'], message: `${withoutSecrets(e.message)}; the policy cannot be evaluated`, severity: 'high' });
      }
    } else if (isKind(o, 'ValidatingAdmissionPolicyBinding')) bindings.push(i);
    else if (o.kind === 'Namespace' && o.apiVersion === 'v1') namespaces.set(nameOf(o), o);
  });
  if (bindings.length === 0) return out;
  const resources = scanResources(objects);
  const rbac = new RbacAuthorizer(objects);
  const authorizer: AuthorizerContext = rbac.hasRbac
    ? { rbac }
    : { rbacMissing: 'the scan holds no Roles, ClusterRoles or bindings to decide with' };
  /** Validations not evaluated, reported once per policy and expression. */
  const notEvaluated = new Set<string>();

  const namespaceObject = (ns: string): Obj => {
    const found = namespaces.get(ns);
    const base: Obj = found ?? { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } };
    const md = rec(base.metadata);
    // The API server labels every namespace with its name.
    return { ...base, metadata: { ...md, labels: { ...labelsOf(base), 'kubernetes.io/metadata.name': ns } } };
  };

  for (const b of bindings) {
    const binding = objects[b];
    const spec = rec(binding.spec);
    const compiled = policies.get(String(spec.policyName ?? ''));
    // A binding to a policy that is not in the scan (installed in the cluster) cannot be judged here.
    if (!compiled?.policy) continue;
    const policyObject = objects[compiled.object];
    const pspec = rec(policyObject.spec);
    const actions = strings(spec.validationActions).length ? strings(spec.validationActions) : ['Deny'];
    const severity = (['Deny', 'Warn', 'Audit'].map((a) => (actions.includes(a) ? ACTION_SEVERITY[a] : undefined)).find(Boolean) ??
      'high') as Severity;
    // As the API server: an error (an expression that fails, params that must be found and are not, a
    // binding it cannot use) denies the request under failurePolicy Fail (the default), and is ignored
    // under Ignore: told here at info, the request admitted.
    const ignoreErrors = pspec.failurePolicy === 'Ignore';
    const IGNORED = '; failurePolicy Ignore admits the request';
    const policyName = compiled.policy.name;
    const bindingName = nameOf(binding);
    /** A binding the API server cannot apply to the object: denied whatever its validationActions, unless the policy ignores errors. */
    const configError = (i: number, message: string): void => {
      out.push({
        object: i,
        at: ['metadata', 'name'],
        severity: ignoreErrors ? 'info' : 'high',
        message: `ValidatingAdmissionPolicy ${policyName} (binding ${bindingName}): ${message}${ignoreErrors ? IGNORED : '; the request would be denied'}`,
      });
    };
    const paramKind = rec(pspec.paramKind);
    const paramRef = spec.paramRef === undefined || spec.paramRef === null ? undefined : rec(spec.paramRef);
    const paramScope = paramKind.kind === undefined ? undefined : kindScope(objects, paramKind);
    objects.forEach((o, i) => {
      if (isKind(o, 'ValidatingAdmissionPolicy') || isKind(o, 'ValidatingAdmissionPolicyBinding')) return;
      const isNamespace = o.kind === 'Namespace' && o.apiVersion === 'v1';
      // A Namespace's own labels meet the namespaceSelector, and the request names it as its namespace.
      const ns = isNamespace ? nameOf(o) : namespaceOf(o);
      const nsObject = ns !== undefined ? namespaceObject(ns) : null;
      const nsLabels = nsObject ? labelsOf(nsObject) : undefined;
      const matched = constraintsMatch(pspec.matchConstraints, o, nsLabels, true, resources);
      if (!matched) return;
      if (spec.matchResources !== undefined && !constraintsMatch(spec.matchResources, o, nsLabels, false, resources)) return;
      // A policy with paramKind and a binding without paramRef runs with params null, as on the API server.
      let paramSets: unknown[] = [null];
      if (paramKind.kind !== undefined && paramRef) {
        const refNamespace = typeof paramRef.namespace === 'string' && paramRef.namespace !== '' ? paramRef.namespace : undefined;
        if (paramScope === 'Cluster' && refNamespace !== undefined)
          return configError(i, `paramRef.namespace must not be given for a cluster-scoped paramKind (${String(paramKind.kind)})`);
        if (paramScope === 'Namespaced' && refNamespace === undefined && ns === undefined)
          return configError(
            i,
            `paramRef has no namespace and ${String(paramKind.kind)} params are namespaced, so they cannot be found for a cluster-scoped ${String(o.kind)}`,
          );
        const found = findParams(objects, paramKind, paramRef, ns);
        if (found.length === 0) {
          // parameterNotFoundAction Allow (or unset): no params, nothing to validate.
          if (paramRef.parameterNotFoundAction === 'Deny')
            configError(i, `no ${String(paramKind.kind)} params found (parameterNotFoundAction: Deny)`);
          return;
        }
        paramSets = found;
      }
      // The API server gives namespaceObject null for a Namespace, as for every cluster-scoped object.
      const namespaceBinding = isNamespace ? null : nsObject;
      // The request's resource, as matching named it (a CustomResourceDefinition's plural, `endpoints`).
      const resource = resourceNameOf(o, resources);
      // Matched through an equivalent resource, the API server converts the object to its version and names it as
      // the request's kind and resource (requestKind and requestResource stay the object's own). The fields are not
      // converted here: `object` is the manifest's, with the apiVersion it is converted to.
      const written = { ...groupVersion(o), resource };
      const converted = sameGvr(matched, written) ? undefined : matched;
      const unconverted = unconvertedOf(written, matched, resources);
      for (const params of paramSets)
        for (const v of compiled.policy!.evaluate({
          object: o,
          ...(converted ? { matchedAs: converted } : {}),
          params,
          namespaceObject: namespaceBinding,
          authorizer,
          resource,
        })) {
          if (v.notEvaluated) {
            if (notEvaluated.has(`${policyName}\0${v.expression}`)) continue;
            notEvaluated.add(`${policyName}\0${v.expression}`);
            out.push({ ...finding(compiled.object, v, policyName, bindingName, actions, 'info'), at: ['spec'] });
          } else if (unconverted && (v.error || v.unsupportedType)) {
            // Likely the fields the API server would have converted: neither a pass nor a denial.
            const f = finding(i, v, policyName, bindingName, actions, 'info');
            out.push({ ...f, message: `${f.message}; ${unconverted}` });
          } else if (v.auditAnnotation && v.unsupportedType) {
            // A value neither a string nor null is an AuditAnnotationActionError: denied whatever failurePolicy and actions.
            const f = finding(i, v, policyName, bindingName, actions, 'high');
            out.push({ ...f, message: `${f.message}; the request would be denied, whatever failurePolicy` });
          } else if (v.auditAnnotation && !ignoreErrors) {
            // The API server denies an audit annotation's error under Fail, whatever the binding's actions.
            const f = finding(i, v, policyName, bindingName, actions, 'high');
            out.push({ ...f, message: `${f.message}; the request would be denied` });
          } else if (v.error && ignoreErrors) {
            const f = finding(i, v, policyName, bindingName, actions, 'info');
            out.push({ ...f, message: `${f.message}${IGNORED}` });
          } else out.push(finding(i, v, policyName, bindingName, actions, severity));
        }
    });
  }
  return out;
}

function finding(
  object: number,
  v: Violation,
  policy: string,
  binding: string,
  actions: string[],
  severity: Severity,
): AdmissionPolicyFinding {
  const prefix = `ValidatingAdmissionPolicy ${policy} (binding ${binding}, ${actions.join('+')}${v.reason ? `, reason ${v.reason}` : ''})`;
  const message = v.error ? v.message.replace(/^policy [^:]+: /, `${prefix}: `) : `${prefix}: ${v.message}`;
  return { object, at: v.at, message, severity, evidence: cut(v.expression) };
}

/** What the scan's CustomResourceDefinitions (and the API server's own names) say of resources. */
interface ScanResources {
  /** `group/Kind` → resource name: the core kind whose plural is irregular, and the CustomResourceDefinitions of the scan. */
  plurals: Map<string, string>;
  /** `group/resource` → the versions a CustomResourceDefinition of the scan serves. */
  versions: Map<string, string[]>;
  /** `group/resource` of the CustomResourceDefinitions whose versions a conversion webhook converts. */
  webhookConversion: Set<string>;
}

function scanResources(objects: readonly Obj[]): ScanResources {
  const plurals = new Map([['/Endpoints', 'endpoints']]);
  const versions = new Map<string, string[]>();
  const webhookConversion = new Set<string>();
  for (const o of objects) {
    if (o.kind !== 'CustomResourceDefinition' || !String(o.apiVersion ?? '').startsWith('apiextensions.k8s.io/')) continue;
    const spec = rec(o.spec);
    const names = rec(spec.names);
    if (typeof spec.group !== 'string' || typeof names.plural !== 'string') continue;
    if (typeof names.kind === 'string') plurals.set(`${spec.group}/${names.kind}`, names.plural);
    const served = (Array.isArray(spec.versions) ? spec.versions.map(rec) : [])
      .filter((v) => typeof v.name === 'string' && v.served !== false)
      .map((v) => v.name as string);
    if (served.length) versions.set(`${spec.group}/${names.plural}`, served);
    if (rec(spec.conversion).strategy === 'Webhook') webhookConversion.add(`${spec.group}/${names.plural}`);
  }
  return { plurals, versions, webhookConversion };
}

/** Kinds of the core group whose scope is known without their definition. */
const CORE_SCOPES: Record<string, 'Namespaced' | 'Cluster'> = {
  ConfigMap: 'Namespaced',
  Secret: 'Namespaced',
  ServiceAccount: 'Namespaced',
  Namespace: 'Cluster',
  Node: 'Cluster',
  PersistentVolume: 'Cluster',
};

/** Whether a paramKind is namespaced: known for core kinds and for a CustomResourceDefinition in the scan; undefined otherwise. */
function kindScope(objects: readonly Obj[], kind: Obj): 'Namespaced' | 'Cluster' | undefined {
  const { group, version } = groupVersion(kind);
  if (group === '' && version === 'v1' && typeof kind.kind === 'string' && Object.hasOwn(CORE_SCOPES, kind.kind))
    return CORE_SCOPES[kind.kind];
  for (const o of objects) {
    if (o.kind !== 'CustomResourceDefinition' || !String(o.apiVersion ?? '').startsWith('apiextensions.k8s.io/')) continue;
    const spec = rec(o.spec);
    if (spec.group !== group || rec(spec.names).kind !== kind.kind) continue;
    if (spec.scope === 'Namespaced' || spec.scope === 'Cluster') return spec.scope;
  }
  return undefined;
}

/** The param objects a binding's `paramRef` names, in the namespace it gives or the object's own. */
function findParams(objects: readonly Obj[], paramKind: Obj, ref: Obj, objectNamespace: string | undefined): Obj[] {
  const ns = typeof ref.namespace === 'string' && ref.namespace !== '' ? ref.namespace : objectNamespace;
  return objects.filter((p) => {
    if (p.kind !== paramKind.kind || p.apiVersion !== paramKind.apiVersion) return false;
    const pns = namespaceOf(p);
    if (pns !== undefined && ns !== undefined && pns !== ns) return false;
    if (typeof ref.name === 'string') return nameOf(p) === ref.name;
    return matchesSelector(selector(ref.selector), labelsOf(p));
  });
}
