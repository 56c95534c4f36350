/**
 * Shared reading of pod specs for the Pod Security Standards rules (K8S-0001…0019), following Pod
 * Security Admission's checks at their latest policy version: which containers are visited, when a
 * field counts as set, Windows pods, user-namespace pods.
 */
import type { PodSpecDocument } from '../../../parsers/k8s/k8s-documents.js';
import type { ContainerView } from '../../../parsers/k8s/pod-specs.js';
import { getAt } from '../../../parsers/k8s/pod-specs.js';
import { isMapping } from '../../../parsers/yaml/position-table.js';
import type { ObjectPath } from '../../../core/types.js';
import { argoWorkflowSpecPath, describe, podMemoized } from './workload.js';

export type Obj = Record<string, unknown>;

export const PSS_DOC = 'https://kubernetes.io/docs/concepts/security/pod-security-standards/';
export const PSA_CHECKS = 'https://github.com/kubernetes/pod-security-admission/tree/master/policy';
export const SECURITY_CONTEXT_DOC = 'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/';

export function mapping(v: unknown): Obj | undefined {
  return isMapping(v) ? v : undefined;
}

/** Set in the API sense: present and not null (a YAML `key:` with no value is a nil pointer). */
export function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/** A field value as the API would carry it in a string field. */
export function str(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : String(v);
}

export function containerSecurityContext(c: ContainerView): Obj | undefined {
  return mapping(c.container.securityContext);
}

/** What every PSS rule reads of a pod spec, computed once per pod for the 19 rules. */
interface PodFacts {
  windows: boolean;
  userNamespace: boolean;
  securityContextPath: ObjectPath;
  securityContext: Obj | undefined;
  /** False for the second and later pod specs sharing one inherited securityContext (reported once). */
  reportsPodLevel: boolean;
}

const facts: (pod: PodSpecDocument) => PodFacts = podMemoized((pod) => {
  const spec = pod.spec;
  let securityContextPath = pod.at('securityContext');
  let reportsPodLevel = true;
  const inherited = isSet(spec.securityContext) ? undefined : argoWorkflowSecurityContextPath(pod);
  if (inherited) {
    securityContextPath = inherited;
    // The first template of the same workflow without its own (an AppWrapper may wrap several workflows).
    const first = pod.owner.pods.find(
      (p) => !isSet(p.spec.securityContext) && samePath(p.objectPath, pod.objectPath) && argoWorkflowSecurityContextPath(p) !== undefined,
    );
    reportsPodLevel = first === pod;
  }
  return {
    windows: mapping(spec.os)?.name === 'windows',
    userNamespace: spec.hostUsers === false,
    securityContextPath,
    securityContext: mapping(getAt(pod.owner.object, securityContextPath)),
    reportsPodLevel,
  };
});

function samePath(a: ObjectPath, b: ObjectPath): boolean {
  return a.length === b.length && a.every((seg, i) => seg === b[i]);
}

/**
 * Argo workflows apply the workflow's `securityContext` to the pods of templates that set none
 * (a template's own replaces it whole).
 */
function argoWorkflowSecurityContextPath(pod: PodSpecDocument): ObjectPath | undefined {
  const base = argoWorkflowSpecPath(pod);
  if (!base) return undefined;
  const templates = [...base, 'templates'];
  if (!templates.every((seg, i) => pod.specPath[i] === seg)) return undefined;
  const path = [...base, 'securityContext'];
  return isMapping(getAt(pod.owner.object, path)) ? path : undefined;
}

/** Object path of the pod-level securityContext in effect (it may not exist yet). */
export function podSecurityContextPath(pod: PodSpecDocument): ObjectPath {
  return facts(pod).securityContextPath;
}

/** The pod-level securityContext in effect. */
export function podSecurityContext(pod: PodSpecDocument): Obj | undefined {
  return facts(pod).securityContext;
}

/**
 * Whether findings on pod-level settings are reported for this pod spec: always, except when several
 * pod specs inherit one securityContext (Argo templates), which is then reported with the first.
 */
export function reportsPodLevel(pod: PodSpecDocument): boolean {
  return facts(pod).reportsPodLevel;
}

/** `spec.os.name: windows`: exempt from the restricted checks that do not apply to Windows. */
export function isWindowsPod(pod: PodSpecDocument): boolean {
  return facts(pod).windows;
}

/** `spec.hostUsers: false`: the pod runs in its own user namespace. */
export function usesUserNamespace(pod: PodSpecDocument): boolean {
  return facts(pod).userNamespace;
}

/** `Container 'app'`, `Init container 'fetch'`, `Ephemeral container 'debug'`. */
export function containerLabel(c: ContainerView): string {
  return describe(c);
}

/**
 * The path of a container setting: what a finding about it that is missing is fingerprinted by
 * (`ReportInput.subject`), shown at `existingContainerPath`, so that writing another setting beside
 * it does not make it a new finding.
 */
export function containerSettingPath(c: ContainerView, rest: ObjectPath): ObjectPath {
  return c.path.concat(rest);
}

/**
 * Where to report a container setting that is missing: the longest prefix of `[...c.path, ...rest]`
 * (relative to the owning object) that exists, walked from the container, which does.
 */
export function existingContainerPath(c: ContainerView, rest: ObjectPath): ObjectPath {
  let cur: unknown = c.container;
  let n = 0;
  for (const seg of rest) {
    const next = Array.isArray(cur) ? (typeof seg === 'number' ? cur[seg] : undefined) : isMapping(cur) ? cur[String(seg)] : undefined;
    if (next === undefined) break;
    cur = next;
    n++;
  }
  const out = c.path.slice();
  for (let i = 0; i < n; i++) out.push(rest[i]);
  return out;
}

/** The capabilities baseline allows containers to add (Docker's default set, without NET_RAW). */
export const BASELINE_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

/** Seccomp and AppArmor profile types the standards accept. */
export const CONFINED_PROFILE_TYPES: ReadonlySet<string> = new Set(['RuntimeDefault', 'Localhost']);
