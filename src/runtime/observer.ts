/**
 * The state runtime detections need beyond one event: which workloads are AI services, which
 * namespaces ever ran GPU pods, who reads which secret, where model servers connect, and each
 * identity's baseline. It turns every event into `EventFacts` before rules run, then learns from it.
 */
import type { EventFacts } from '../parsers/events/event-documents.js';
import { actorOf, serviceAccountOf, succeeded, timeOf, type AuditEvent } from '../sources/events/audit-event.js';
import type { HostEvent } from '../sources/events/host-event.js';
import { IdentityBaselines, type BaselineOptions, type StoredBaselines } from './baselines.js';
import { BoundedMap, CappedSet } from './bounded.js';
import { isSystemIdentity } from '../rules/runtime/lib/audit.js';
import { podRequestsGpu } from '../rules/runtime/lib/gpu.js';
import { ownerName, podTemplateOf, WorkloadIndex } from './workloads.js';

const HOUR = 3_600_000;

export interface ObserverOptions extends BaselineOptions {
  workloads?: WorkloadIndex;
  /** Baselines learned earlier (`--baselines FILE`): the state starts out learned. */
  stored?: StoredBaselines;
  /** Most secrets and workloads whose readers and destinations are tracked (default 50,000). */
  maxTracked?: number;
}

/** The stages whose events rules see: a request is judged once, when its response starts or completes. */
const JUDGED_STAGES = new Set(['ResponseStarted', 'ResponseComplete', 'Panic']);

export class RuntimeObserver {
  readonly workloads: WorkloadIndex;
  readonly baselines: IdentityBaselines;
  private readonly gpuNamespaces = new Set<string>();
  private readonly secretReaders: BoundedMap<string, CappedSet>;
  private readonly destinations: BoundedMap<string, { since: number; seen: CappedSet }>;
  /** Requests whose ResponseStarted was judged and whose ResponseComplete has not come yet. */
  private readonly started = new BoundedMap<string, true>(8192);
  private readonly warmupMs: number;
  private readonly learnOnly: boolean;
  /** Event time (ms) of the first event; the cluster-wide state is learned one warm-up later. */
  private firstTime = Number.NaN;
  private learnedAtStart: boolean;

  constructor(opts: ObserverOptions = {}) {
    this.workloads = opts.workloads ?? new WorkloadIndex();
    this.baselines = new IdentityBaselines(opts);
    this.warmupMs = opts.warmupMs ?? HOUR;
    this.learnOnly = opts.learnOnly ?? false;
    const cap = opts.maxTracked ?? 50_000;
    this.secretReaders = new BoundedMap(cap);
    this.destinations = new BoundedMap(cap);
    this.learnedAtStart = false;
    if (opts.stored) {
      this.baselines.load(opts.stored);
      for (const ns of opts.stored.gpuNamespaces) this.gpuNamespaces.add(ns);
      for (const [secret, readers] of Object.entries(opts.stored.secretReaders ?? {}))
        this.secretReaders.set(secret, new CappedSet(64, readers));
      this.learnedAtStart = true;
    }
  }

  /**
   * True when the event should be judged: a request is judged once, at the first of its response
   * stages (long-running requests log ResponseStarted, then ResponseComplete under the same auditID).
   */
  admit(ev: AuditEvent): boolean {
    if (!JUDGED_STAGES.has(ev.stage)) return false;
    if (ev.stage === 'ResponseStarted') {
      if (this.started.peek(ev.auditID)) return false;
      this.started.set(ev.auditID, true);
      return true;
    }
    // Most requests are logged at ResponseComplete only: the lookup is skipped while nothing is open.
    if (this.started.size > 0 && this.started.peek(ev.auditID)) {
      this.started.delete(ev.auditID);
      return false;
    }
    return true;
  }

  private clusterLearned(time: number): boolean {
    if (this.learnOnly) return false;
    if (Number.isNaN(this.firstTime)) this.firstTime = time;
    return this.learnedAtStart || time - this.firstTime >= this.warmupMs;
  }

  auditFacts(ev: AuditEvent): EventFacts {
    const facts: EventFacts = {};
    const time = Date.parse(timeOf(ev));
    const t = Number.isNaN(time) ? (Number.isNaN(this.firstTime) ? 0 : this.firstTime) : time;
    const learned = this.clusterLearned(t);
    const actor = actorOf(ev);
    const ref = ev.objectRef;
    const ok = succeeded(ev);
    // Workloads: what the request created or returned teaches which pods are AI services.
    if (ok && ref && (ev.verb === 'create' || ev.verb === 'update' || ev.verb === 'patch')) {
      const obj = ev.responseObject ?? ev.requestObject;
      if (!ref.subresource) this.workloads.observeObject(ref.namespace, obj);
    }
    if (ref?.resource === 'pods' && ref.name) {
      const target = this.workloads.pod(ref.namespace, ref.name);
      if (target) facts.target = target;
    }
    const sa = serviceAccountOf(actor);
    if (sa) {
      const w = this.workloads.serviceAccount(sa.namespace, sa.name);
      if (w) facts.actor = w;
    }
    // GPU use by namespace.
    if (ok && ref?.resource === 'pods' && !ref.subresource && ev.verb === 'create') {
      const tpl = podTemplateOf(ev.requestObject ?? ev.responseObject);
      if (tpl && podRequestsGpu(tpl.spec)) {
        const ns = ref.namespace ?? 'default';
        if (learned && !this.gpuNamespaces.has(ns)) facts.firstGpuInNamespace = true;
        this.gpuNamespaces.add(ns);
      }
    }
    // Readers of each secret.
    if (ok && ref?.resource === 'secrets' && ref.name && (ev.verb === 'get' || ev.verb === 'watch')) {
      const key = `${ref.namespace ?? ''}/${ref.name}`;
      let readers = this.secretReaders.get(key);
      if (!readers) {
        readers = new CappedSet(64);
        this.secretReaders.set(key, readers);
      }
      if (learned && !readers.has(actor) && !readers.full) facts.firstReadOfSecret = true;
      readers.add(actor);
    }
    const departures = this.baselines.observe({
      identity: actor,
      time: t,
      verb: ev.verb,
      resource: ref?.resource ? (ref.subresource ? `${ref.resource}/${ref.subresource}` : ref.resource) : undefined,
      // Controllers of the control plane work in every namespace: a new one says nothing about them.
      namespace: isSystemIdentity(actor) ? undefined : ref?.namespace,
      sourceIPs: ev.sourceIPs ?? [],
      userAgent: ev.userAgent,
    });
    if (departures.length) facts.departures = departures;
    return facts;
  }

  hostFacts(ev: HostEvent): EventFacts {
    const facts: EventFacts = {};
    if (ev.pod) {
      const target = this.workloads.pod(ev.namespace, ev.pod, ev.image);
      if (target) facts.target = target;
    }
    const time = Date.parse(ev.time);
    const t = Number.isNaN(time) ? 0 : time;
    this.clusterLearned(t);
    if (ev.type === 'connect' && ev.destination && ev.pod && facts.target) {
      const key = `${ev.namespace ?? 'default'}/${ownerName(ev.pod)}`;
      let d = this.destinations.get(key);
      if (!d) {
        d = { since: t, seen: new CappedSet(512) };
        this.destinations.set(key, d);
      }
      // Destinations are not persisted: each workload learns its own for a warm-up after it is first seen.
      const learned = !this.learnOnly && t - d.since >= this.warmupMs;
      if (learned && !d.seen.has(ev.destination.ip) && !d.seen.full) facts.newDestination = true;
      d.seen.add(ev.destination.ip);
    }
    return facts;
  }

  /** Everything worth keeping across runs. */
  toJSON(): StoredBaselines {
    const stored = this.baselines.toJSON(this.gpuNamespaces);
    stored.secretReaders = {};
    for (const [secret, readers] of this.secretReaders.entries()) stored.secretReaders[secret] = [...readers.values];
    return stored;
  }
}
