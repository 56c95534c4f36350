/**
 * Kubernetes audit events (`audit.k8s.io/v1` `Event`), as the API server writes them to its log
 * backend (one JSON object a line) and POSTs them to its webhook backend (`EventList`).
 * Only the fields detections read are typed; the rest stays in the object as written.
 */

export interface AuditUser {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface AuditObjectRef {
  resource?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiGroup?: string;
  apiVersion?: string;
  subresource?: string;
}

export interface AuditEvent {
  apiVersion?: string;
  kind: 'Event';
  level?: string;
  auditID: string;
  stage: string;
  requestURI?: string;
  verb: string;
  user: AuditUser;
  impersonatedUser?: AuditUser;
  sourceIPs?: string[];
  userAgent?: string;
  objectRef?: AuditObjectRef;
  responseStatus?: { code?: number; status?: string; reason?: string; message?: string };
  requestObject?: unknown;
  responseObject?: unknown;
  requestReceivedTimestamp?: string;
  stageTimestamp?: string;
  annotations?: Record<string, string>;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why a JSON value is not an audit event, or undefined when it is one. */
export function auditEventProblem(v: unknown): string | undefined {
  if (!isObj(v)) return 'not a JSON object';
  if (v.kind !== 'Event') return `kind is ${JSON.stringify(v.kind ?? null)}, not "Event"`;
  if (typeof v.apiVersion === 'string' && !v.apiVersion.startsWith('audit.k8s.io/'))
    return `apiVersion ${JSON.stringify(v.apiVersion)} is not audit.k8s.io`;
  if (typeof v.auditID !== 'string' || v.auditID === '') return 'no auditID';
  if (typeof v.verb !== 'string') return 'no verb';
  if (!isObj(v.user)) return 'no user';
  if (typeof v.stage !== 'string') return 'no stage';
  return fieldTypeProblem(v);
}

const isString = (x: unknown): boolean => typeof x === 'string';
const isStringList = (x: unknown): boolean => Array.isArray(x) && x.every(isString);
/** Absent, or null (which readers take for absent), or what `ok` accepts. */
const optional = (x: unknown, ok: (x: unknown) => boolean): boolean => x === undefined || x === null || ok(x);

const STRING_FIELDS = ['apiVersion', 'level', 'requestURI', 'userAgent', 'requestReceivedTimestamp', 'stageTimestamp'] as const;
const OBJECT_REF_FIELDS = ['resource', 'namespace', 'name', 'uid', 'apiGroup', 'apiVersion', 'subresource'] as const;

function userProblem(u: unknown, at: string): string | undefined {
  if (!isObj(u)) return `${at} is not an object`;
  for (const k of ['username', 'uid'] as const) if (!optional(u[k], isString)) return `${at}.${k} is not a string`;
  if (!optional(u.groups, isStringList)) return `${at}.groups is not a list of strings`;
  if (!optional(u.extra, (x) => isObj(x) && Object.values(x).every(isStringList))) return `${at}.extra is not a map of string lists`;
  return undefined;
}

/** The fields typed in `AuditEvent` that hold another type: detections read them as typed. */
function fieldTypeProblem(v: Obj): string | undefined {
  for (const k of STRING_FIELDS) if (!optional(v[k], isString)) return `${k} is not a string`;
  const user = userProblem(v.user, 'user');
  if (user) return user;
  const impersonated = optional(v.impersonatedUser, () => false) ? undefined : userProblem(v.impersonatedUser, 'impersonatedUser');
  if (impersonated) return impersonated;
  if (!optional(v.sourceIPs, isStringList)) return 'sourceIPs is not a list of strings';
  if (!optional(v.annotations, (x) => isObj(x) && Object.values(x).every(isString))) return 'annotations is not a map of strings';
  const ref = v.objectRef;
  if (ref !== undefined && ref !== null) {
    if (!isObj(ref)) return 'objectRef is not an object';
    for (const k of OBJECT_REF_FIELDS) if (!optional(ref[k], isString)) return `objectRef.${k} is not a string`;
  }
  const status = v.responseStatus;
  if (status !== undefined && status !== null) {
    if (!isObj(status)) return 'responseStatus is not an object';
    if (!optional(status.code, (x) => typeof x === 'number')) return 'responseStatus.code is not a number';
    for (const k of ['status', 'reason', 'message'] as const)
      if (!optional(status[k], isString)) return `responseStatus.${k} is not a string`;
  }
  return undefined;
}

/** True for a value in the shape of an audit `EventList`. */
export function isAuditEventList(v: unknown): v is { kind: 'EventList'; items: unknown[] } {
  return isObj(v) && v.kind === 'EventList' && Array.isArray(v.items);
}

/** The acting identity: the impersonated user when there is one (that is whose rights were used). */
export function actorOf(ev: AuditEvent): string {
  return ev.impersonatedUser?.username ?? ev.user.username ?? '(unknown)';
}

/** The time of the event: when the stage was reached, else when the request arrived. */
export function timeOf(ev: AuditEvent): string {
  return ev.stageTimestamp ?? ev.requestReceivedTimestamp ?? '';
}

/** True when the API server let the request through (2xx, 101 for an upgraded exec/attach/port-forward stream, or `allow` before a response). */
export function succeeded(ev: AuditEvent): boolean {
  const code = ev.responseStatus?.code;
  if (typeof code === 'number') return (code >= 200 && code < 300) || code === 101;
  return ev.annotations?.['authorization.k8s.io/decision'] === 'allow';
}

/** `system:serviceaccount:NS:NAME` → { namespace, name }. */
export function serviceAccountOf(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith('system:serviceaccount:')) return undefined;
  const rest = username.slice('system:serviceaccount:'.length);
  const colon = rest.indexOf(':');
  if (colon <= 0) return undefined;
  return { namespace: rest.slice(0, colon), name: rest.slice(colon + 1) };
}
