/**
 * Process, file and network events from a node: Falco's JSON output (`json_output: true`, with
 * `output_fields`) and Tetragon's JSON export (`process_exec`, `process_kprobe`, …), reduced to one
 * shape so that one rule reads both.
 */
import { createHash } from 'node:crypto';

export type HostEventType = 'exec' | 'connect' | 'open' | 'write' | 'other';

export interface HostEvent {
  source: 'falco' | 'tetragon';
  /** An id of the event: Tetragon's exec id (with the function for kprobes), else a digest of the line. */
  id: string;
  time: string;
  type: HostEventType;
  /** Path of the executable that acted (or was started, for `exec`). */
  binary?: string;
  args?: string;
  /** The executable of the parent process. */
  parentBinary?: string;
  /** Executables further up the process tree, nearest first, when the source gives them. */
  ancestors?: string[];
  namespace?: string;
  pod?: string;
  container?: string;
  image?: string;
  node?: string;
  /** File the event is about (open, write). */
  path?: string;
  /** The open asked for write access. */
  writeAccess?: boolean;
  destination?: { ip: string; port?: number };
  /** Falco's rule name, when the event is a Falco alert. */
  falcoRule?: string;
  falcoPriority?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);
const num = (v: unknown): number | undefined =>
  typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/** Falco's `evt.type` values by what they do. */
const FALCO_EXEC = new Set(['execve', 'execveat']);
const FALCO_CONNECT = new Set(['connect', 'sendto', 'sendmsg']);
const FALCO_OPEN = new Set(['open', 'openat', 'openat2', 'creat']);
const FALCO_WRITE = new Set(['write', 'pwrite', 'writev', 'pwritev', 'rename', 'renameat', 'renameat2', 'unlink', 'unlinkat']);

/** A Falco alert as `json_output` writes it, or undefined when the value is not one. */
export function fromFalco(v: unknown, line: string): HostEvent | string {
  if (!isObj(v)) return 'not a JSON object';
  const fields = v.output_fields;
  if (!isObj(fields)) return 'no output_fields (is json_output on, with json_include_output_property?)';
  if (typeof v.rule !== 'string') return 'no rule';
  const evtType = str(fields['evt.type']) ?? '';
  const writeFlag = fields['evt.is_open_write'] === true || fields['evt.is_open_write'] === 'true';
  let type: HostEventType = 'other';
  if (FALCO_EXEC.has(evtType) || (evtType === '' && fields['proc.cmdline'] !== undefined && fields['fd.name'] === undefined)) type = 'exec';
  else if (FALCO_CONNECT.has(evtType)) type = 'connect';
  else if (FALCO_WRITE.has(evtType)) type = 'write';
  else if (FALCO_OPEN.has(evtType)) type = writeFlag ? 'write' : 'open';
  const ip = str(fields['fd.sip']) ?? str(fields['fd.rip']);
  const repo = str(fields['container.image.repository']);
  const tag = str(fields['container.image.tag']);
  const ancestors: string[] = [];
  for (let i = 2; i <= 7; i++) {
    const a = str(fields[`proc.aname[${i}]`]);
    if (a) ancestors.push(a);
  }
  const cmdline = str(fields['proc.cmdline']);
  const space = cmdline?.indexOf(' ') ?? -1;
  const ev: HostEvent = {
    source: 'falco',
    id: str(v.uuid) ?? digest(line),
    time: str(v.time) ?? '',
    type,
    falcoRule: v.rule,
  };
  const binary = str(fields['proc.exepath']) ?? str(fields['proc.name']);
  if (binary) ev.binary = binary;
  if (cmdline && space > 0) ev.args = cmdline.slice(space + 1);
  const parent = str(fields['proc.pexepath']) ?? str(fields['proc.pname']);
  if (parent) ev.parentBinary = parent;
  if (ancestors.length) ev.ancestors = ancestors;
  const ns = str(fields['k8s.ns.name']);
  if (ns) ev.namespace = ns;
  const pod = str(fields['k8s.pod.name']);
  if (pod) ev.pod = pod;
  const container = str(fields['container.name']);
  if (container) ev.container = container;
  if (repo) ev.image = tag ? `${repo}:${tag}` : repo;
  const host = str(v.hostname);
  if (host) ev.node = host;
  const path = type === 'connect' ? undefined : str(fields['fd.name']);
  if (path) ev.path = path;
  if (type === 'write') ev.writeAccess = true;
  if (type === 'connect' && ip)
    ev.destination = {
      ip,
      ...(num(fields['fd.sport'] ?? fields['fd.rport']) !== undefined ? { port: num(fields['fd.sport'] ?? fields['fd.rport']) } : {}),
    };
  if (typeof v.priority === 'string') ev.falcoPriority = v.priority;
  return ev;
}

/** Tetragon's `security_file_permission` mask bit for writing (MAY_WRITE). */
const MAY_WRITE = 0x2;
/** open(2) flags that ask for write access (O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND). */
const OPEN_WRITE_FLAGS = 0x1 | 0x2 | 0x40 | 0x200 | 0x400;
const WRITE_FUNCTIONS = /(?:^|_)(?:write|writev|pwrite64|truncate|rename|unlink)/;
const CONNECT_FUNCTIONS = /(?:tcp_connect|tcp_sendmsg|udp_sendmsg|connect)/;
const OPEN_FUNCTIONS = /(?:open|file_permission|fd_install|file_open)/;

interface TetragonProcess {
  binary?: string;
  arguments?: string;
  exec_id?: string;
  pod?: { namespace?: string; name?: string; container?: { name?: string; image?: { name?: string } } };
}

/** The fields of a Tetragon process that are read, each of its type or left out. */
function processOf(v: unknown): TetragonProcess | undefined {
  if (!isObj(v)) return undefined;
  const pod = isObj(v.pod) ? v.pod : undefined;
  const container = isObj(pod?.container) ? pod.container : undefined;
  const image = isObj(container?.image) ? container.image : undefined;
  return {
    binary: str(v.binary),
    arguments: str(v.arguments),
    exec_id: str(v.exec_id),
    pod: pod && {
      namespace: str(pod.namespace),
      name: str(pod.name),
      container: container && { name: str(container.name), image: image && { name: str(image.name) } },
    },
  };
}

/** One line of Tetragon's JSON export, or why it is not one. */
export function fromTetragon(v: unknown, line: string): HostEvent | string {
  if (!isObj(v)) return 'not a JSON object';
  const kindKey = Object.keys(v).find((k) => k.startsWith('process_') && isObj(v[k]));
  if (!kindKey) return 'no process_* event';
  const body = v[kindKey] as Obj;
  const proc = processOf(body.process);
  if (!proc) return `${kindKey} has no process`;
  const parent = processOf(body.parent);
  let type: HostEventType = 'other';
  let path: string | undefined;
  let destination: HostEvent['destination'];
  let writeAccess = false;
  const fn = str(body.function_name) ?? '';
  if (kindKey === 'process_exec') type = 'exec';
  else if (kindKey === 'process_kprobe' || kindKey === 'process_tracepoint' || kindKey === 'process_lsm') {
    const args = Array.isArray(body.args) ? body.args.filter(isObj) : [];
    for (const a of args) {
      const file = isObj(a.file_arg) ? a.file_arg : isObj(a.path_arg) ? a.path_arg : undefined;
      if (file && !path) path = str(file.path);
      if (typeof a.string_arg === 'string' && !path && a.string_arg.startsWith('/')) path = a.string_arg;
      const sock = isObj(a.sock_arg) ? a.sock_arg : isObj(a.sockaddr_arg) ? a.sockaddr_arg : undefined;
      if (sock && !destination) {
        const ip = str(sock.daddr) ?? str(sock.addr);
        if (ip) destination = { ip, ...(num(sock.dport ?? sock.port) !== undefined ? { port: num(sock.dport ?? sock.port) } : {}) };
      }
      if (typeof a.int_arg === 'number' && fn.includes('permission') && (a.int_arg & MAY_WRITE) !== 0) writeAccess = true;
      if (typeof a.int_arg === 'number' && fn.includes('open') && (a.int_arg & OPEN_WRITE_FLAGS) !== 0) writeAccess = true;
    }
    if (destination && CONNECT_FUNCTIONS.test(fn)) type = 'connect';
    else if (path && (WRITE_FUNCTIONS.test(fn) || writeAccess)) {
      type = 'write';
      writeAccess = true;
    } else if (path && OPEN_FUNCTIONS.test(fn)) type = 'open';
    else if (destination) type = 'connect';
  }
  const ev: HostEvent = {
    source: 'tetragon',
    id: proc.exec_id ? `${proc.exec_id}${fn ? `/${fn}` : ''}${type === 'exec' ? '' : `/${digest(line).slice(0, 12)}`}` : digest(line),
    time: str(v.time) ?? '',
    type,
  };
  if (proc.binary) ev.binary = proc.binary;
  if (proc.arguments) ev.args = proc.arguments;
  if (parent?.binary) ev.parentBinary = parent.binary;
  const ancestors = Array.isArray(body.ancestors) ? body.ancestors.map(processOf).flatMap((a) => (a?.binary ? [a.binary] : [])) : [];
  if (ancestors.length) ev.ancestors = ancestors;
  const pod = proc.pod;
  if (pod?.namespace) ev.namespace = pod.namespace;
  if (pod?.name) ev.pod = pod.name;
  if (pod?.container?.name) ev.container = pod.container.name;
  if (pod?.container?.image?.name) ev.image = pod.container.image.name;
  const node = str(v.node_name);
  if (node) ev.node = node;
  if (path) ev.path = path;
  if (writeAccess) ev.writeAccess = true;
  if (destination) ev.destination = destination;
  return ev;
}

/** The base name of an executable path. */
export function baseName(path: string | undefined): string {
  if (!path) return '';
  const slash = path.lastIndexOf('/');
  return slash >= 0 ? path.slice(slash + 1) : path;
}
