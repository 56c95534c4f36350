import { isTextInValue, type At, type Located, type TextSpan } from '../../core/document.js';
import { MAX_PARAMETER_NESTING, readInterpolation, type BracedParameter } from '../../core/braced-parameter.js';
import type { ObjectPath } from '../../core/types.js';
import { isMapping } from '../yaml/position-table.js';
import type { DotEnvValue, EnvFileVariable } from './env-file.js';
import { YamlValueDocument, type YamlFile } from '../yaml/yaml-document.js';

export type ComposeService = Record<string, unknown>;

/** One service of a compose project, with the object path of its mapping (`['services', name]`). */
export interface ComposeServiceView {
  name: string;
  service: ComposeService;
  path: ObjectPath;
}

/** A published port, short (`"127.0.0.1:8080:80/tcp"`) or long (`{target, published, host_ip}`) syntax. */
export interface ComposePort {
  /** Host address the port binds to; undefined means every interface. */
  hostIp?: string;
  /** Published host port or range (`8080`, `8000-8010`); undefined when Docker picks one. */
  published?: string;
  /** Container port or range. */
  target: string;
  protocol: string;
  /** Object path of the entry in the `ports` list. */
  path: ObjectPath;
  /** True for the short (string or number) syntax. */
  short: boolean;
}

/** A volume or bind mount, short (`/var/run/docker.sock:/var/run/docker.sock:ro`) or long syntax. */
export interface ComposeVolume {
  type: string;
  /** Host path or volume name; undefined for anonymous volumes. */
  source?: string;
  target?: string;
  readOnly: boolean;
  path: ObjectPath;
}

/** One environment variable, from the map (`KEY: value`) or list (`- KEY=value`) form. */
export interface ComposeEnv {
  name: string;
  /** Undefined when only the name is given (the value comes from the shell). */
  value?: string;
  path: ObjectPath;
}

/** The project's `.env` (next to the compose file), as compose reads it to interpolate the file. */
export interface DotEnv {
  /** Its path as findings name it. */
  path: string;
  vars: ReadonlyMap<string, DotEnvValue>;
}

/** The variables `.env` gave to the strings of a substituted project: by container, then by key. */
type Provenance = WeakMap<object, Map<string | number, string[]>>;

/**
 * A compose project (`kind: compose`): a YAML document with a `services` mapping. Object paths are
 * relative to the document, e.g. `['services', 'ollama', 'ports', 0]`. Its `project` is the file
 * with the variables of the project's `.env` substituted (`image: ollama/ollama:${TAG}`,
 * `privileged: ${PRIV}`), as compose interpolates them; `written` is the file as written.
 */
export class ComposeDocument extends YamlValueDocument {
  readonly kind = 'compose';
  readonly project: Record<string, unknown>;
  private readonly provenance: Provenance | undefined;

  constructor(
    source: YamlFile,
    docIndex: number,
    readonly written: Record<string, unknown>,
    /**
     * The env files its services name (`env_file:`), by the path as written: what each says of its
     * variables, or undefined when it was not read (outside the scanned directory, missing, unreadable).
     */
    readonly envFiles: ReadonlyMap<string, ReadonlyMap<string, EnvFileVariable> | undefined> = new Map(),
    /** The project's `.env`, when it was read (see `substituteProject`). */
    readonly dotEnv?: DotEnv,
    substituted?: { project: Record<string, unknown>; provenance: Provenance },
  ) {
    super(source, docIndex, []);
    this.project = substituted?.project ?? written;
    this.provenance = substituted?.provenance;
  }

  /**
   * The variables of `.env` that gave part of the value at `path` or of the values inside it (at
   * most a few, in order of appearance), never their values.
   */
  dotEnvNames(path: ObjectPath): string[] {
    const provenance = this.provenance;
    if (!provenance || path.length === 0) return [];
    let parent: unknown = undefined;
    let value: unknown = this.project;
    for (const seg of path) {
      parent = value;
      value = childOf(value, seg);
      if (value === undefined) return [];
    }
    const names = new Set<string>();
    for (const n of provenance.get(parent as object)?.get(path[path.length - 1]) ?? []) names.add(n);
    if (typeof value === 'object' && value !== null) {
      // A container: the names given to the strings inside it, each container once (aliases share them).
      const seen = new Set<object>();
      const stack: object[] = [value];
      while (stack.length > 0 && names.size <= MAX_NAMED && seen.size < 10_000) {
        const v = stack.pop()!;
        if (seen.has(v)) continue;
        seen.add(v);
        for (const list of provenance.get(v)?.values() ?? []) for (const n of list) names.add(n);
        for (const child of Object.values(v)) if (typeof child === 'object' && child !== null) stack.push(child);
      }
    }
    return [...names];
  }

  /** The evidence of a finding on a value `.env` gave part of says which variables, never their values. */
  override locate(at: At | undefined): Located {
    const located = super.locate(at);
    if (!this.provenance || at === undefined || located.snippet === undefined) return located;
    const path = Array.isArray(at) ? at : isTextInValue(at) ? at.path : undefined;
    const names = path ? this.dotEnvNames(path) : [];
    if (names.length === 0) return located;
    const shown = names.length > MAX_NAMED ? `${names.slice(0, MAX_NAMED).join(', ')}, …` : names.join(', ');
    const line = located.snippet.split('\n', 1)[0].trim();
    return { ...located, snippet: `${line} (${shown} from ${this.dotEnv?.path ?? '.env'})` };
  }

  /**
   * What a service's env files say of variable `name`, the last file that names it deciding, as
   * compose reads them: undefined when the service names no env file or every one was read and none
   * sets it; `unknown` when a file that could set it was not read. Never its value.
   */
  envFileVariable(view: ComposeServiceView, name: string): EnvFileVariable | undefined {
    let state: EnvFileVariable | undefined;
    for (const path of envFilePaths(view.service.env_file)) {
      const vars = path === undefined ? undefined : this.envFiles.get(path);
      if (vars === undefined) state = 'unknown';
      else if (vars.has(name)) state = vars.get(name);
    }
    return state;
  }

  get text(): string {
    return this.source.file.text();
  }

  get services(): ComposeServiceView[] {
    const services = this.project.services;
    if (!isMapping(services)) return [];
    return Object.entries(services)
      .filter(([, v]) => isMapping(v))
      .map(([name, service]) => ({ name, service: service as ComposeService, path: ['services', name] }));
  }

  ports(view: ComposeServiceView): ComposePort[] {
    const list = view.service.ports;
    if (!Array.isArray(list)) return [];
    const out: ComposePort[] = [];
    list.forEach((entry, i) => {
      const path = [...view.path, 'ports', i];
      if (typeof entry === 'string' || typeof entry === 'number') {
        const p = parseShortPort(String(entry));
        if (p) out.push({ ...p, path, short: true });
      } else if (isMapping(entry) && entry.target !== undefined) {
        // Interpolated as the short syntax is: `published: ${PORT:-8080}` is 8080.
        const field = (v: unknown): string => interpolateDefaults(String(v));
        const port: ComposePort = { target: field(entry.target), protocol: field(entry.protocol ?? 'tcp'), path, short: false };
        const published = entry.published === undefined || entry.published === null ? '' : field(entry.published);
        if (published !== '') port.published = published;
        if (typeof entry.host_ip === 'string' && field(entry.host_ip) !== '') port.hostIp = field(entry.host_ip);
        out.push(port);
      }
    });
    return out;
  }

  volumes(view: ComposeServiceView): ComposeVolume[] {
    const list = view.service.volumes;
    if (!Array.isArray(list)) return [];
    const out: ComposeVolume[] = [];
    list.forEach((entry, i) => {
      const path = [...view.path, 'volumes', i];
      if (typeof entry === 'string') out.push({ ...parseShortVolume(entry), path });
      else if (isMapping(entry)) {
        const v: ComposeVolume = { type: String(entry.type ?? 'volume'), readOnly: entry.read_only === true, path };
        if (typeof entry.source === 'string') v.source = entry.source;
        if (typeof entry.target === 'string') v.target = entry.target;
        out.push(v);
      }
    });
    return out;
  }

  /** A service as the compose file writes it, before the variables of `.env` are substituted. */
  writtenView(view: ComposeServiceView): ComposeServiceView {
    if (this.written === this.project) return view;
    const service = childAt(this.written, view.path);
    return { ...view, service: isMapping(service) ? service : {} };
  }

  /**
   * A service's environment variables; with `written`, as the compose file writes them (before the
   * variables of `.env` are substituted).
   */
  environment(view: ComposeServiceView, written = false): ComposeEnv[] {
    const service = written ? childAt(this.written, view.path) : view.service;
    const env = isMapping(service) ? service.environment : undefined;
    const base = [...view.path, 'environment'];
    const out: ComposeEnv[] = [];
    if (Array.isArray(env)) {
      env.forEach((item, i) => {
        if (typeof item !== 'string') return;
        const eq = item.indexOf('=');
        if (eq === -1) out.push({ name: item, path: [...base, i] });
        else out.push({ name: item.slice(0, eq), value: item.slice(eq + 1), path: [...base, i] });
      });
    } else if (isMapping(env)) {
      for (const [name, value] of Object.entries(env)) {
        const e: ComposeEnv = { name, path: [...base, name] };
        if (value !== null && value !== undefined) e.value = typeof value === 'string' ? value : String(value);
        out.push(e);
      }
    }
    return out;
  }

  /** Text span of the value node at `path`, when the path exists. */
  valueSpan(path: ObjectPath): TextSpan | undefined {
    const hit = this.node(path);
    if (!hit?.found) return undefined;
    const t = this.source.table;
    return { start: t.start(hit.node), end: t.end(hit.node) };
  }

  /** Text span of a mapping entry `key: value` at `path` (the key's start to the value's end). */
  entrySpan(path: ObjectPath): TextSpan | undefined {
    const hit = this.node(path);
    if (!hit?.found || hit.key < 0) return undefined;
    const t = this.source.table;
    return { start: t.start(hit.key), end: t.end(hit.node) };
  }

  private node(path: ObjectPath): { node: number; key: number; found: boolean } | undefined {
    const t = this.source.table;
    const root = t.roots[this.docIndex];
    return root === undefined ? undefined : t.find(root, path);
  }
}

/**
 * The paths of a service's `env_file`, in order: a string, a list of strings, or a list of the long
 * form `{path, required}`. Undefined for an entry whose path is not known from the file alone (an
 * interpolated variable, a path that is not a string).
 */
export function envFilePaths(value: unknown): Array<string | undefined> {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((entry) => {
    const path = isMapping(entry) ? entry.path : entry;
    if (typeof path !== 'string' || path === '') return undefined;
    let known = true;
    const text = interpolate(path, () => {
      known = false;
      return '';
    });
    return known ? text : undefined;
  });
}

/** `[HOST_IP:][PUBLISHED:]TARGET[/PROTOCOL]`; IPv6 host addresses in brackets. */
export function parseShortPort(spec: string): Omit<ComposePort, 'path' | 'short'> | undefined {
  let s = interpolateDefaults(spec.trim());
  let protocol = 'tcp';
  const slash = s.lastIndexOf('/');
  if (slash !== -1) {
    protocol = s.slice(slash + 1);
    s = s.slice(0, slash);
  }
  let hostIp: string | undefined;
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close === -1) return undefined;
    hostIp = s.slice(1, close);
    s = s.slice(close + 1).replace(/^:/, '');
  }
  const parts = s.split(':');
  if (parts.some((p) => p === '') && parts.length > 1 && !(parts.length === 3 && parts[1] === '')) return undefined;
  let published: string | undefined;
  let target: string;
  if (parts.length === 1) target = parts[0];
  else if (parts.length === 2) [published, target] = parts;
  else if (parts.length === 3 && hostIp === undefined) {
    hostIp = parts[0];
    published = parts[1] === '' ? undefined : parts[1];
    target = parts[2];
  } else if (hostIp === undefined && parts.length > 3) {
    // Unbracketed IPv6 host address: the last two parts are the ports.
    target = parts[parts.length - 1];
    published = parts[parts.length - 2] || undefined;
    hostIp = parts.slice(0, -2).join(':');
  } else return undefined;
  if (target === '') return undefined;
  const out: Omit<ComposePort, 'path' | 'short'> = { target, protocol };
  if (published !== undefined && published !== '') out.published = published;
  if (hostIp !== undefined && hostIp !== '') out.hostIp = hostIp;
  return out;
}

/**
 * Compose interpolation as far as the file alone tells: `${VAR:-default}` and `${VAR-default}` become
 * the default; `${VAR}` and `$VAR` become `$VAR` (a value only known at run time, without colons).
 */
export function interpolateDefaults(value: string): string {
  return interpolate(value, (name) => `$${name}`);
}

/**
 * Compose interpolation as far as the file alone tells (the compose specification's grammar): `$$`
 * is a `$`, `${VAR:-default}` and `${VAR-default}` become the default, itself interpolated
 * (`${A:-${B:-}}` is empty); a variable whose value only the environment of `docker compose` (its
 * shell, the `.env` file) gives, `${VAR}`, `$VAR`, `${VAR:?error}` or `${VAR:+alternative}`, becomes
 * what `notKnown` returns, and so does a form compose does not define (`${#VAR}`, `${VAR/a/b}`). The
 * service's `environment` plays no part: it is the container's.
 */
export function interpolate(value: string, notKnown: (name: string) => string, depth = 0): string {
  if (!value.includes('$')) return value;
  let out = '';
  readInterpolation(value, (part) => {
    if (part.kind === 'text') out += part.text;
    else if (part.kind === 'dollar') out += '$';
    else if (part.kind === 'unclosed') out += part.rest;
    else if (part.kind === 'name') out += notKnown(part.name);
    else {
      const p = part.parameter;
      // Compose has no `${VAR=word}`: like `${#VAR}`, a form it does not define.
      if (p.name === undefined || p.operator === '=' || p.operator === ':=') out += notKnown(p.body);
      else if (p.operator === '-' || p.operator === ':-')
        out += depth < MAX_PARAMETER_NESTING ? interpolate(p.word!, notKnown, depth + 1) : notKnown(p.name);
      else out += notKnown(p.name);
    }
  });
  return out;
}

/** `SOURCE:TARGET[:MODE]`, `TARGET` (anonymous volume). */
export function parseShortVolume(spec: string): Omit<ComposeVolume, 'path'> {
  const parts = spec.split(':');
  // Windows drive letters (`C:\data:/data`) keep their colon.
  if (parts.length > 2 && /^[A-Za-z]$/.test(parts[0]) && /^[\\/]/.test(parts[1])) parts.splice(0, 2, `${parts[0]}:${parts[1]}`);
  if (parts.length === 1) return { type: 'volume', target: parts[0], readOnly: false };
  const [source, target, mode = ''] = parts;
  const bind = /^(\.{0,2}\/|~|[A-Za-z]:[\\/]|\$)/.test(source);
  return { type: bind ? 'bind' : 'volume', source, target, readOnly: mode.split(',').includes('ro') };
}

/** What a variable is in the project's `.env`: its value, null when set to a value the file does not tell, undefined when not set there. */
export type KnownVariable = (name: string) => string | null | undefined;

/** The text of `substituteKnown`, and the variables whose values it took. */
export interface Substituted {
  text: string;
  used: string[];
  /** True when a value taken holds a brace: put inside a `${…}` kept as written, it would end it early. */
  braces?: boolean;
  /** True when the substitution would have added more than its limit: the text is then the value as written. */
  overflow?: boolean;
}

/**
 * The most characters an interpolation adds to one string (the values of `.env` and env files, each
 * string of a project): `.env` values may use the variables above them, so that a few lines would
 * otherwise grow to gigabytes (`B=${A}${A}…`, `C=${B}${B}…`). Past it, the value is as written.
 */
export const MAX_INTERPOLATED = 64 * 1024;

/** The most characters `substituteProject` adds to a project over all its strings; the strings after it stay as written. */
export const MAX_PROJECT_SUBSTITUTED = 4 * 1024 * 1024;

/**
 * Compose interpolation of the variables `known` tells (the project's `.env`), every other part kept
 * as written so that `interpolate` still reads it: a value taken is written with its `$` doubled
 * (read back literally), `${VAR:-default}` of a variable set to a value gives the value or, when it
 * is empty, the default (itself substituted), `${VAR:+alternative}` the alternative or nothing,
 * `${VAR:?error}` the value when it is not empty. A variable set to a value the file does not tell
 * becomes `${VAR}` (known only at run time). A variable not set there, and a form compose does not
 * define, stay as written, the defaults in them substituted. When that would add more than `limit`
 * characters to the string, it is kept as written (`overflow`).
 */
export function substituteKnown(value: string, known: KnownVariable, depth = 0, limit = MAX_INTERPOLATED): Substituted {
  if (!value.includes('$')) return { text: value, used: [] };
  const max = value.length + limit;
  const used: string[] = [];
  let braces = false;
  let overflow = false;
  let out = '';
  const take = (v: string, name: string): string => {
    used.push(name);
    if (/[{}]/.test(v)) braces = true;
    return v.replaceAll('$', '$$$$');
  };
  /** The word of a parameter substituted, added to `out`; false when it overflowed. */
  const addWord = (word: string): boolean => {
    if (depth >= MAX_PARAMETER_NESTING) {
      out += word;
      return true;
    }
    const w = substituteKnown(word, known, depth + 1, limit);
    if (w.overflow) return false;
    if (w.braces) braces = true;
    out += w.text;
    for (const item of w.used) used.push(item);
    return true;
  };
  const braced = (p: BracedParameter, written: string): boolean => {
    const v = p.name === undefined ? undefined : known(p.name);
    const op = p.operator;
    if (p.name === undefined || op === '=' || op === ':=') out += written;
    else if (v === undefined || (v === null && (op === '+' || op === ':+'))) {
      // Kept: its default may still hold variables the file tells.
      if (p.word === undefined) out += written;
      else {
        const w = depth >= MAX_PARAMETER_NESTING ? undefined : substituteKnown(p.word, known, depth + 1, limit);
        if (w?.overflow) return false;
        if (!w || w.used.length === 0 || w.braces) out += written;
        else {
          out += `\${${p.name}${op}${w.text}}`;
          for (const item of w.used) used.push(item);
        }
      }
    } else if (v === null) out += `\${${p.name}}`;
    else if (op === undefined || op === '-' || op === '?') out += take(v, p.name);
    else if (op === ':-') {
      if (v !== '') out += take(v, p.name);
      else {
        used.push(p.name);
        return addWord(p.word!);
      }
    } else if (op === ':?') out += v !== '' ? take(v, p.name) : written;
    else {
      // `+` (set) or `:+` (set and not empty): the alternative, else nothing.
      used.push(p.name);
      if (op === '+' || v !== '') return addWord(p.word!);
    }
    return true;
  };
  readInterpolation(value, (part) => {
    if (part.kind === 'text') out += part.text;
    else if (part.kind === 'dollar') out += '$$';
    else if (part.kind === 'unclosed') out += part.rest;
    else if (part.kind === 'name') {
      const v = known(part.name);
      out += typeof v === 'string' ? take(v, part.name) : part.written;
    } else if (!braced(part.parameter, part.written)) overflow = true;
    if (out.length > max) overflow = true;
    return !overflow;
  });
  if (overflow) return { text: value, used: [], overflow: true };
  return braces ? { text: out, used, braces } : { text: out, used };
}

/** How many `.env` variables the evidence of one finding names. */
const MAX_NAMED = 3;

function childOf(v: unknown, seg: string | number): unknown {
  if (Array.isArray(v)) return typeof seg === 'number' ? v[seg] : undefined;
  if (isMapping(v) && Object.prototype.hasOwnProperty.call(v, seg)) return v[seg];
  return undefined;
}

function childAt(v: unknown, path: ObjectPath): unknown {
  for (const seg of path) v = childOf(v, seg);
  return v;
}

/**
 * The project with the variables `known` tells substituted in its strings (see `substituteKnown`),
 * keys left as written (compose interpolates values only); containers without a substitution are
 * shared with the file's, and a container an alias repeats is substituted once. The strings substituted
 * add at most `MAX_PROJECT_SUBSTITUTED` characters in all (each at most `MAX_INTERPOLATED`); those
 * after stay as written. Undefined when nothing was substituted.
 */
export function substituteProject(
  project: Record<string, unknown>,
  known: KnownVariable,
): { project: Record<string, unknown>; provenance: Provenance } | undefined {
  const provenance: Provenance = new WeakMap();
  const done = new Map<object, unknown>();
  let budget = MAX_PROJECT_SUBSTITUTED;
  const visit = (v: unknown, depth: number): unknown => {
    if (typeof v !== 'object' || v === null || depth > 1000) return v;
    const memo = done.get(v);
    if (memo !== undefined) return memo;
    // Set first: a container that holds itself (none should) keeps its value.
    done.set(v, v);
    let changed = false;
    const given = new Map<string | number, string[]>();
    const one = (child: unknown, key: string | number): unknown => {
      if (typeof child === 'string') {
        if (!child.includes('$') || budget <= 0) return child;
        const s = substituteKnown(child, known, 0, Math.min(MAX_INTERPOLATED, budget));
        if (s.text === child) return child;
        budget -= Math.max(0, s.text.length - child.length);
        if (s.used.length > 0) given.set(key, [...new Set(s.used)]);
        changed = true;
        return s.text;
      }
      const out = visit(child, depth + 1);
      if (out !== child) changed = true;
      return out;
    };
    let result: unknown;
    if (Array.isArray(v)) {
      const items = v.map((item, i) => one(item, i));
      result = changed ? items : v;
    } else if (isMapping(v)) {
      const entries = Object.entries(v).map(([k, child]) => [k, one(child, k)] as const);
      result = changed ? Object.fromEntries(entries) : v;
    } else result = v;
    if (given.size > 0) provenance.set(result as object, given);
    done.set(v, result);
    return result;
  };
  const out = visit(project, 0);
  return out === project ? undefined : { project: out as Record<string, unknown>, provenance };
}
