/**
 * Per-identity baselines of audit activity: the verbs, resources, namespaces, source networks and
 * client programs each user or service account uses, and how many requests it makes an hour.
 * An identity learns for a warm-up period of event time after its first event; later values it never
 * used are departures. Memory is bounded by the number of identities (least recently seen are
 * forgotten) and by a cap on each identity's values.
 */
import type { BaselineDimension, Departure } from '../parsers/events/event-documents.js';
import { BoundedMap, CappedSet } from './bounded.js';
import { jsonErrorMessage } from '../core/printable.js';

const HOUR = 3_600_000;
const VALUES_PER_DIMENSION = 128;
const SET_DIMENSIONS = ['verb', 'resource', 'namespace', 'sourceIP', 'userAgent'] as const;
type SetDimension = (typeof SET_DIMENSIONS)[number];

export interface BaselineObservation {
  identity: string;
  /** Event time in ms. */
  time: number;
  verb: string;
  resource?: string;
  namespace?: string;
  sourceIPs: readonly string[];
  userAgent?: string;
}

interface IdentityState {
  firstSeen: number;
  lastSeen: number;
  /** End of learning (ms); departures are reported for events after it. */
  learnedUntil: number;
  sets: Record<SetDimension, CappedSet>;
  /** Most requests seen in one hour while learning. */
  maxHourly: number;
  hour: number;
  hourCount: number;
  /** The hour whose rate was already reported. */
  rateReported: number;
  events: number;
}

/** The persisted form of one identity. */
export interface StoredIdentity {
  firstSeen: string;
  lastSeen: string;
  learnedUntil: string;
  events: number;
  maxHourly: number;
  verb: string[];
  resource: string[];
  namespace: string[];
  sourceIP: string[];
  userAgent: string[];
}

export interface StoredBaselines {
  schemaVersion: 1;
  kind: 'sanctum-runtime-baselines';
  identities: Record<string, StoredIdentity>;
  /** Namespaces where GPU pods were created. */
  gpuNamespaces: string[];
  /** Who read each secret (`namespace/name`). */
  secretReaders?: Record<string, string[]>;
}

export interface BaselineOptions {
  /** Learning time of a new identity, in ms of event time (default one hour). */
  warmupMs?: number;
  /** Most identities kept (default 20,000). */
  maxIdentities?: number;
  /** Learn only: never report departures (`--learn`). */
  learnOnly?: boolean;
}

/** `10.2.3.4` → `10.2.3.0/24`; IPv6 to its /64: pods and nodes move within their networks. */
export function networkOf(ip: string): string {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/.exec(ip);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0/24`;
  if (ip.includes(':')) {
    const groups = ip.split(':').slice(0, 4);
    if (groups.length === 4 && !ip.includes('::')) return `${groups.join(':')}::/64`;
  }
  return ip;
}

/** `kubectl/v1.30.1 (linux/amd64) kubernetes/abc` → `kubectl`: versions change without anything being wrong. */
export function clientOf(userAgent: string): string {
  const m = /^[^/\s]+/.exec(userAgent.trim());
  return m ? m[0].toLowerCase() : userAgent;
}

export class IdentityBaselines {
  private readonly identities: BoundedMap<string, IdentityState>;
  private readonly warmupMs: number;
  private readonly learnOnly: boolean;

  constructor(opts: BaselineOptions = {}) {
    this.identities = new BoundedMap(opts.maxIdentities ?? 20_000);
    this.warmupMs = opts.warmupMs ?? HOUR;
    this.learnOnly = opts.learnOnly ?? false;
  }

  get size(): number {
    return this.identities.size;
  }

  /** Learns a value while learning; afterwards a value never held is a departure, reported once. */
  private value(s: IdentityState, d: SetDimension, v: string, learning: boolean, out: Departure[]): void {
    const set = s.sets[d];
    if (set.has(v)) return;
    if (!learning && !set.full) out.push({ dimension: d, value: v, baseline: set.sample() });
    // Reported once: the same value again is the identity's new normal, not a new alert.
    set.add(v);
  }

  // The same few addresses and clients come again and again: their reductions are kept (bounded).
  private readonly networks = new BoundedMap<string, string>(4096);
  private readonly clients = new BoundedMap<string, string>(1024);

  private network(ip: string): string {
    let n = this.networks.peek(ip);
    if (n === undefined) this.networks.set(ip, (n = networkOf(ip)));
    return n;
  }

  private client(ua: string): string {
    let c = this.clients.peek(ua);
    if (c === undefined) this.clients.set(ua, (c = clientOf(ua)));
    return c;
  }

  /** Learns from the observation, and returns its departures when the identity has finished learning. */
  observe(o: BaselineObservation): Departure[] {
    let s = this.identities.get(o.identity);
    if (!s) {
      s = newState(o.time, o.time + this.warmupMs);
      this.identities.set(o.identity, s);
    }
    s.events++;
    if (o.time > s.lastSeen) s.lastSeen = o.time;
    const learning = this.learnOnly || o.time < s.learnedUntil;
    const hour = Math.floor(o.time / HOUR);
    if (hour !== s.hour) {
      s.hour = hour;
      s.hourCount = 0;
    }
    s.hourCount++;
    if (learning && s.hourCount > s.maxHourly) s.maxHourly = s.hourCount;
    const out: Departure[] = [];
    this.value(s, 'verb', o.verb, learning, out);
    if (o.resource) this.value(s, 'resource', o.resource, learning, out);
    if (o.namespace) this.value(s, 'namespace', o.namespace, learning, out);
    for (const ip of o.sourceIPs) this.value(s, 'sourceIP', this.network(ip), learning, out);
    if (o.userAgent) this.value(s, 'userAgent', this.client(o.userAgent), learning, out);
    if (learning) return out;
    if (s.rateReported !== hour && s.hourCount > rateLimit(s.maxHourly)) {
      s.rateReported = hour;
      out.push({
        dimension: 'rate',
        value: `over ${rateLimit(s.maxHourly)} requests this hour`,
        baseline: [`at most ${s.maxHourly} an hour`],
      });
    }
    return out;
  }

  toJSON(gpuNamespaces: Iterable<string> = []): StoredBaselines {
    const identities: Record<string, StoredIdentity> = {};
    for (const [name, s] of this.identities.entries()) {
      identities[name] = {
        firstSeen: iso(s.firstSeen),
        lastSeen: iso(s.lastSeen),
        learnedUntil: iso(this.learnOnly ? Math.min(s.learnedUntil, s.lastSeen) : s.learnedUntil),
        events: s.events,
        maxHourly: s.maxHourly,
        verb: [...s.sets.verb.values],
        resource: [...s.sets.resource.values],
        namespace: [...s.sets.namespace.values],
        sourceIP: [...s.sets.sourceIP.values],
        userAgent: [...s.sets.userAgent.values],
      };
    }
    return { schemaVersion: 1, kind: 'sanctum-runtime-baselines', identities, gpuNamespaces: [...gpuNamespaces].sort() };
  }

  /** Loads identities learned earlier; they count as fully learned. */
  load(stored: StoredBaselines): void {
    for (const [name, id] of Object.entries(stored.identities)) {
      const first = Date.parse(id.firstSeen) || 0;
      const s = newState(first, Math.min(Date.parse(id.learnedUntil) || first, Date.parse(id.lastSeen) || first));
      s.lastSeen = Date.parse(id.lastSeen) || first;
      s.events = id.events ?? 0;
      s.maxHourly = id.maxHourly ?? 0;
      for (const d of SET_DIMENSIONS) for (const v of id[d] ?? []) s.sets[d].add(v);
      this.identities.set(name, s);
    }
  }
}

/** Well above the busiest learned hour: bursts of two or three times are ordinary (a rollout, a CI run). */
function rateLimit(maxHourly: number): number {
  return Math.max(maxHourly * 4, maxHourly + 200);
}

function newState(first: number, learnedUntil: number): IdentityState {
  const sets = {} as Record<SetDimension, CappedSet>;
  for (const d of SET_DIMENSIONS) sets[d] = new CappedSet(VALUES_PER_DIMENSION);
  return { firstSeen: first, lastSeen: first, learnedUntil, sets, maxHourly: 0, hour: -1, hourCount: 0, rateReported: -1, events: 0 };
}

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : '';
}

/** Reads a baselines file written by `toJSON`, or says why it is not one. */
export function parseBaselines(text: string, path: string): StoredBaselines {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: not a baselines file: ${jsonErrorMessage(e)}`, { cause: e });
  }
  const b = v as Partial<StoredBaselines>;
  if (b?.kind !== 'sanctum-runtime-baselines' || typeof b.identities !== 'object' || b.identities === null)
    throw new Error(`${path}: not a baselines file (written by sanctum audit --baselines)`);
  return {
    schemaVersion: 1,
    kind: 'sanctum-runtime-baselines',
    identities: b.identities,
    gpuNamespaces: Array.isArray(b.gpuNamespaces) ? b.gpuNamespaces : [],
    ...(typeof b.secretReaders === 'object' && b.secretReaders !== null ? { secretReaders: b.secretReaders } : {}),
  };
}

export type { BaselineDimension };
