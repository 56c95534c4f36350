/**
 * Builds audit events in the shape the API server writes them, for rule examples and tests: every
 * field a real `ResponseComplete` event at level RequestResponse carries, overridable.
 */
import type { RuleExample } from '../../../core/rule.js';

export interface EventSpec {
  verb: string;
  user?: string;
  groups?: string[];
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  apiGroup?: string;
  code?: number;
  requestObject?: unknown;
  responseObject?: unknown;
  sourceIPs?: string[];
  userAgent?: string;
  time?: string;
  auditID?: string;
  stage?: string;
  requestURI?: string;
  decision?: string;
}

/** A stable id from the event's content (FNV-1a), so that examples and generated docs never change between runs. */
function uuidFor(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return `5f0c1b7e-8a3d-4c2e-9b1a-${h.toString(16).padStart(12, '0')}`;
}

function uriOf(s: EventSpec): string {
  if (s.requestURI) return s.requestURI;
  const base = s.apiGroup ? `/apis/${s.apiGroup}/v1` : '/api/v1';
  const ns = s.namespace ? `/namespaces/${s.namespace}` : '';
  const name = s.name ? `/${s.name}` : '';
  const sub = s.subresource ? `/${s.subresource}` : '';
  return `${base}${ns}/${s.resource ?? ''}${name}${sub}`;
}

/** One audit event as a JSON object. */
export function auditEvent(s: EventSpec): Record<string, unknown> {
  const time = s.time ?? '2026-03-02T10:15:00.000000Z';
  const user = s.user ?? 'alice@example.com';
  const ev: Record<string, unknown> = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: s.requestObject !== undefined || s.responseObject !== undefined ? 'RequestResponse' : 'Metadata',
    auditID: s.auditID ?? uuidFor(JSON.stringify(s)),
    stage: s.stage ?? 'ResponseComplete',
    requestURI: uriOf(s),
    verb: s.verb,
    user: {
      username: user,
      groups:
        s.groups ??
        (user.startsWith('system:serviceaccount:') ? ['system:serviceaccounts', 'system:authenticated'] : ['system:authenticated']),
    },
    sourceIPs: s.sourceIPs ?? ['10.0.12.7'],
    userAgent: s.userAgent ?? 'kubectl/v1.30.2 (linux/amd64) kubernetes/3905d6c',
  };
  if (s.resource) {
    const ref: Record<string, unknown> = { resource: s.resource };
    if (s.namespace) ref.namespace = s.namespace;
    if (s.name) ref.name = s.name;
    if (s.apiGroup) ref.apiGroup = s.apiGroup;
    ref.apiVersion = 'v1';
    if (s.subresource) ref.subresource = s.subresource;
    ev.objectRef = ref;
  }
  const code = s.code ?? (s.verb === 'create' ? 201 : 200);
  ev.responseStatus = code >= 400 ? { metadata: {}, status: 'Failure', code } : { metadata: {}, code };
  if (s.requestObject !== undefined) ev.requestObject = s.requestObject;
  if (s.responseObject !== undefined) ev.responseObject = s.responseObject;
  ev.requestReceivedTimestamp = time;
  ev.stageTimestamp = time.replace(/\.\d+Z$/, '.004211Z');
  ev.annotations = {
    'authorization.k8s.io/decision': s.decision ?? (code === 403 ? 'forbid' : 'allow'),
    'authorization.k8s.io/reason': '',
  };
  return ev;
}

/** A pod object as a create request carries it. */
export function pod(
  name: string,
  namespace: string,
  spec: Record<string, unknown>,
  labels: Record<string, string> = {},
): Record<string, unknown> {
  return { kind: 'Pod', apiVersion: 'v1', metadata: { name, namespace, labels }, spec };
}

/** A rule example: audit events as JSON lines. */
export function auditLog(...events: Array<Record<string, unknown>>): RuleExample {
  return { path: 'audit.log', content: events.map((e) => JSON.stringify(e)).join('\n') + '\n' };
}

export interface ProcessSpec {
  binary: string;
  args?: string;
  parent?: string;
  namespace?: string;
  pod?: string;
  container?: string;
  image?: string;
  time?: string;
  execId?: string;
}

function tetragonProcess(p: ProcessSpec, binary: string, args: string | undefined, execId: string): Record<string, unknown> {
  return {
    exec_id: execId,
    pid: 41872,
    uid: 1000,
    cwd: '/app',
    binary,
    ...(args ? { arguments: args } : {}),
    flags: 'execve clone',
    start_time: p.time ?? '2026-03-02T10:15:00.000000000Z',
    auid: 4294967295,
    pod: {
      namespace: p.namespace ?? 'llm',
      name: p.pod ?? 'vllm-6c9f7d5b8-q2w3e',
      container: {
        id: 'containerd://7a1c0e9b5d',
        name: p.container ?? 'vllm',
        image: { id: 'sha256:3f0e1a', name: p.image ?? 'docker.io/vllm/vllm-openai:v0.6.3' },
        start_time: '2026-03-02T09:00:00Z',
        pid: 1,
      },
      workload: (p.pod ?? 'vllm').replace(/-[a-z0-9]+-[a-z0-9]{5}$/, ''),
      workload_kind: 'Deployment',
    },
    docker: '7a1c0e9b5d',
    parent_exec_id: `${execId}-parent`,
  };
}

/** A Tetragon `process_exec` event. */
export function tetragonExec(p: ProcessSpec): Record<string, unknown> {
  const id = p.execId ?? `Z2F0ZXdheTo${p.binary.length}${(p.args ?? '').length}`;
  return {
    process_exec: {
      process: tetragonProcess(p, p.binary, p.args, id),
      parent: tetragonProcess(p, p.parent ?? '/usr/bin/python3', '-m vllm.entrypoints.openai.api_server', `${id}-parent`),
    },
    node_name: 'gpu-node-3',
    time: p.time ?? '2026-03-02T10:15:00.000000000Z',
  };
}

/** A Tetragon `process_kprobe` event (a connect, a file write or open). */
export function tetragonKprobe(p: ProcessSpec, fn: string, args: Array<Record<string, unknown>>): Record<string, unknown> {
  const id = p.execId ?? 'Z2F0ZXdheTo5';
  return {
    process_kprobe: {
      process: tetragonProcess(p, p.binary, p.args, id),
      parent: tetragonProcess(p, p.parent ?? '/usr/bin/tini', '', `${id}-parent`),
      function_name: fn,
      args,
      action: 'KPROBE_ACTION_POST',
      policy_name: 'sanctum-ai',
    },
    node_name: 'gpu-node-3',
    time: p.time ?? '2026-03-02T10:15:00.000000000Z',
  };
}

/** A Falco alert as `json_output` writes it. */
export function falcoAlert(
  rule: string,
  fields: Record<string, unknown>,
  time = '2026-03-02T10:15:00.000000000Z',
  priority = 'Notice',
): Record<string, unknown> {
  return {
    hostname: 'gpu-node-3',
    output: `${rule} (see output_fields)`,
    priority,
    rule,
    source: 'syscall',
    tags: ['container'],
    time,
    output_fields: { 'evt.time': 1772446500000000000, 'k8s.ns.name': 'llm', 'container.name': 'vllm', ...fields },
  };
}

/** Events as JSON lines, under a file name that says which tool wrote them. */
export function eventLog(path: string, ...events: Array<Record<string, unknown>>): RuleExample {
  return { path, content: events.map((e) => JSON.stringify(e)).join('\n') + '\n' };
}
