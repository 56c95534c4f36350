import { setImmediate } from 'node:timers/promises';
import { findConfigFor } from './core/config.js';
import type { ClusterListing } from './core/source-file.js';
import { KeptValues } from './parsers/k8s/set-projection.js';
import type { ClusterRef, ScanResult } from './core/types.js';
import { scanFiles, scanFilesStreamed, ScanSetupError, type FileSink, type ScanOptions, type StreamedScan } from './scan.js';
import { KubeApi, KubeApiError, type ResponseBody, type RetryPolicy } from './sources/cluster/api.js';
import { discover } from './sources/cluster/discovery.js';
import { apiVersionOf, groupVersionPath, typeName, type ResourceType } from './sources/cluster/kinds.js';
import { ClusterConfigError, connect, type ClusterConnection } from './sources/cluster/kubeconfig.js';
import { listPages, requestFirstPage, type RawObject } from './sources/cluster/list.js';
import {
  asManifest,
  carriesPodSpecs,
  isManagedByScannedController,
  objectName,
  StringPool,
  TEMPLATE_CONTROLLERS,
  TEMPLATE_CUSTOM_RESOURCES,
  type ControllerRef,
} from './sources/cluster/objects.js';
import { ObjectFile } from './sources/object-file.js';
import { NamespaceScope, type ListRequest } from './sources/cluster/scope.js';

export interface ClusterScanOptions extends Omit<
  ScanOptions,
  'targets' | 'files' | 'helmValues' | 'helmSet' | 'renderers' | 'includeIgnored'
> {
  /** A kubeconfig file; else `KUBECONFIG`, `~/.kube/config`, then the pod's service account. */
  kubeconfig?: string;
  /** A kubeconfig context; else the current one. */
  context?: string;
  /** Only these namespaces, and the cluster-scoped objects that act in them (see `NamespaceScope`); default: all. */
  namespaces?: string[];
  /** Objects per list request (`limit`). */
  pageSize?: number;
  /** The environment the kubeconfig is looked up in (default: `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** A connection made already (tests, `--apply` reuses it). */
  connection?: ClusterConnection;
  /** Called for each object as it is scanned. */
  onObject?(name: string, index: number): void;
  /** How GETs answered 429 or 5xx are sent again (default `DEFAULT_RETRY`: 5 tries, `Retry-After` followed up to 10 s). */
  retry?: Partial<RetryPolicy>;
  /** How long a request waits for the API server to answer (default 60 s). */
  requestTimeoutMs?: number;
}

/** What a cluster scan read: where, how many objects, what could not be listed. */
export interface ClusterScanSummary extends ClusterRef {
  /** Resource types listed (e.g. `deployments.apps`), in full or in the namespaces asked for. */
  listed: string[];
  /** Objects made from a pod template a listed controller carries (a Deployment's Pods): the template was scanned in the controller instead. */
  managedSkipped: number;
}

export type ClusterScanResult = ScanResult & { cluster: ClusterScanSummary };

const DEFAULT_PAGE_SIZE = 500;
/** Longest stretch of scanning before the event loop is let in: the bytes of the pages asked for ahead are read meanwhile. */
const SCAN_SLICE_MS = 10;

/** A cluster scan whose findings were spooled to a temporary file (see `scanStreamed`), as `--format json` writes them. */
export type StreamedClusterScan = StreamedScan & { readonly result: ClusterScanResult };

/**
 * Scans a live cluster: lists every kind the rules read, page by page, and hands each object to the
 * engine as its page arrives (memory holds a page and what the cross-object rules keep). Forbidden or
 * unreachable resources become `errors` entries and the scan goes on.
 */
export async function scanCluster(opts: ClusterScanOptions = {}): Promise<ClusterScanResult> {
  const { options, produce, summary } = await openClusterScan(opts);
  const result = await scanFiles(options, produce);
  return { ...result, cluster: summary() };
}

/** `scanCluster` with each object's findings written out as it is done, so that memory does not grow with them. */
export async function scanClusterStreamed(opts: ClusterScanOptions = {}): Promise<StreamedClusterScan> {
  const { options, produce, summary, ref } = await openClusterScan(opts);
  return scanFilesStreamed(options, produce, (result) => ({ ...result, cluster: summary() }), ref);
}

interface OpenClusterScan {
  options: ScanOptions;
  /** The cluster scanned: a worker thread names it in its findings. */
  ref: ClusterRef;
  produce(sink: FileSink): Promise<void>;
  summary(): ClusterScanSummary;
}

/** Connects, reads discovery, and returns what lists the cluster's objects into a scan. */
async function openClusterScan(opts: ClusterScanOptions): Promise<OpenClusterScan> {
  let conn: ClusterConnection;
  try {
    conn = opts.connection ?? connect({ kubeconfig: opts.kubeconfig, context: opts.context, env: opts.env });
  } catch (e) {
    if (e instanceof ClusterConfigError) throw new ScanSetupError(e.message);
    throw e;
  }
  // `sanctum cluster` connects first and says these itself.
  if (!opts.connection) for (const w of conn.warnings) opts.onNotice?.(w);
  const ref: ClusterRef = { context: conn.context, server: conn.server };
  const api = new KubeApi(conn.kc, { retry: opts.retry, timeoutMs: opts.requestTimeoutMs });
  let discovery: Awaited<ReturnType<typeof discover>>;
  try {
    discovery = await discover(api);
  } catch (e) {
    if (e instanceof KubeApiError)
      throw new ScanSetupError(`cannot read the API of cluster '${conn.context}' (${conn.server}): ${e.message}`);
    throw e;
  }
  const namespaces = opts.namespaces?.length ? [...new Set(opts.namespaces)] : undefined;
  const listedKinds = new Set(discovery.types.map((t) => `${t.group}/${t.kind}`));
  const complete = new Map<string, 'all' | Set<string>>();
  // Lists that ended, read in full or not.
  const ended = new Map<string, 'all' | Set<string>>();
  // A controller of a kind the scan lists stands for the objects it manages, unless its list ended unread.
  const controllerScanned = (group: string, kind: string, namespace: string | undefined): boolean =>
    listedKinds.has(`${group}/${kind}`) && (isMarked(complete, group, kind, namespace) || !isMarked(ended, group, kind, namespace));
  // Uids of the custom resources scanned in which the rules read pod specs: they stand for what they control.
  const templateCarriers = new Set<string>();
  // Whether a controller stands for the objects made from its pod template (see `isManagedByScannedController`).
  const standsFor = (c: ControllerRef): boolean => {
    if (!controllerScanned(c.group, c.kind, c.namespace)) return false;
    const key = `${c.group}/${c.kind}`;
    if (TEMPLATE_CONTROLLERS.has(key)) return true;
    if (key === TRAIN_JOB) return trainJobStandsFor(c);
    // Custom resources are listed before the built-in kinds they control; one read already is judged by what it held.
    if (isMarked(ended, c.group, c.kind, c.namespace)) return c.uid !== undefined && templateCarriers.has(c.uid);
    return TEMPLATE_CUSTOM_RESOURCES.has(key);
  };
  // TrainJobs read whose JobSet is their runtime's template and their trainer only (no podTemplateOverrides):
  // by uid, the runtime they name (`runtimeKey`).
  const trainJobs = new Map<string, string>();
  // Trainer runtimes read, by `runtimeKey`.
  const runtimesRead = new Set<string>();
  // A TrainJob stands for the JobSet it makes when the scan reads all that JobSet is made of: the TrainJob (its trainer,
  // as a container override) and the runtime it names (its JobSet template). Taken on trust for lists not read yet.
  const trainJobStandsFor = (c: ControllerRef): boolean => {
    if (!controllerScanned(c.group, c.kind, c.namespace)) return false;
    let runtime: string | undefined;
    if (isMarked(ended, c.group, c.kind, c.namespace)) {
      runtime = c.uid === undefined ? undefined : trainJobs.get(c.uid);
      if (runtime === undefined) return false;
      const [kind] = runtime.split('\0');
      const ns = kind === 'TrainingRuntime' ? c.namespace : undefined;
      if (!controllerScanned(TRAINER_GROUP, kind, ns)) return false;
      return !isMarked(ended, TRAINER_GROUP, kind, ns) || runtimesRead.has(runtime);
    }
    return (
      controllerScanned(TRAINER_GROUP, 'TrainingRuntime', c.namespace) &&
      controllerScanned(TRAINER_GROUP, 'ClusterTrainingRuntime', undefined)
    );
  };
  let admissionPolicyBound = false;
  // Where a ConfigMap value the projections drop is told: the sink, once the listing has begun.
  let noteSink: FileSink | undefined;
  const listing: ClusterListing = {
    ref,
    listed: (group, kind, namespace) => isMarked(complete, group, kind, namespace),
    get keepWholeObjects() {
      return admissionPolicyBound;
    },
    keptValues: new KeptValues((path, message) => noteSink?.error(path, message)),
  };
  let managedSkipped = 0;
  let index = 0;
  const strings = new StringPool();
  const fullyListedTypes = new Set<ResourceType>();
  const cwd = opts.cwd ?? process.cwd();
  let config = opts.config;
  if (config === undefined) {
    try {
      config = findConfigFor(['.'], cwd) ?? false;
    } catch (e) {
      throw new ScanSetupError((e as Error).message);
    }
  }

  async function produce(sink: FileSink): Promise<void> {
    try {
      await listInto(sink);
    } finally {
      api.close();
    }
  }

  async function listInto(sink: FileSink): Promise<void> {
    noteSink = sink;
    for (const p of discovery.problems) sink.error(p.what, `cannot discover ${p.what}: ${describe(p.error)}`);
    const scope = namespaces ? new NamespaceScope(namespaces) : undefined;
    const pageSize = opts.pageSize ?? DEFAULT_PAGE_SIZE;
    const lists = listingOrder(scope ? scope.order(discovery.types) : discovery.types).flatMap((type) =>
      (scope ? scope.requests(type) : [{}]).map((request): ListRequest & { type: ResourceType } => ({ type, ...request })),
    );
    const failed = new Set<ResourceType>();
    // A list's first page asked for before its turn, while the list before it is read and scanned.
    interface Ahead {
      index: number;
      page: Promise<ResponseBody>;
      /** The server answered it (with any status) already. */
      answered: boolean;
    }
    const ask = (i: number): Ahead => {
      const ahead: Ahead = {
        index: i,
        page: requestFirstPage(api, lists[i].type, lists[i].namespace, pageSize, lists[i].selectors),
        answered: false,
      };
      ahead.page.then(
        () => (ahead.answered = true),
        (e: unknown) => (ahead.answered = e instanceof KubeApiError && e.status !== 0),
      );
      return ahead;
    };
    // A list that got no answer within the timeout, by the API group (and version) it is in: what serves the group
    // (an aggregated API server, a CRD's conversion webhook) is hung, and its other lists would wait as long. They
    // are not tried, unless their first page, asked for ahead, answered.
    const silentGroups = new Map<string, Silence>();
    // The same while the server answered nothing else either, not even `GET /version`: it (or the way to it) is
    // gone, and no list after it is tried.
    let gone: Silence | undefined;
    const nextAsked = (after: number): Ahead | undefined => {
      for (let j = after + 1; j < lists.length; j++) if (!silentGroups.has(groupVersionPath(lists[j].type))) return ask(j);
      return undefined;
    };
    let ahead = lists.length > 0 ? ask(0) : undefined;
    for (let i = 0; i < lists.length; i++) {
      const { type, namespace: ns, selectors } = lists[i];
      const asked = ahead?.index === i ? ahead : undefined;
      const silence = gone ?? silentGroups.get(groupVersionPath(type));
      if (silence && !asked?.answered) {
        failed.add(type);
        mark(ended, type, ns);
        sink.error(typeName(type), `did not list ${typeName(type)}${where(type, ns)}: ${silenceText(silence, silence === gone)}`);
        continue;
      }
      const current = asked?.page;
      let scanned = false;
      ahead = gone ? undefined : nextAsked(i);
      try {
        const notObjects = (count: number) =>
          sink.error(
            typeName(type),
            `${count === 1 ? '1 item' : `${count} items`} of the list of ${typeName(type)}${where(type, ns)} ${count === 1 ? 'is not an object' : 'are not objects'}; not scanned`,
          );
        for await (const page of listPages(api, type, ns, pageSize, selectors, current, notObjects)) {
          scanned = true;
          let slice = performance.now();
          for (let k = 0; k < page.length; k++) {
            const item = page[k];
            // Let go of as it is taken: the rest of the page is what lives through the young generation's collections meanwhile.
            (page as Array<RawObject | undefined>)[k] = undefined;
            if (performance.now() - slice > SCAN_SLICE_MS) {
              await setImmediate();
              slice = performance.now();
            }
            if (scope && !scope.keeps(type, item)) continue;
            // Before it may be skipped itself: a RayService's RayCluster stands for its Pods (through the RayService's template).
            if (!BUILTIN_GROUPS.has(type.group) && carriesPodSpecs(item, type)) {
              const uid = (item.metadata as RawObject | undefined)?.uid;
              if (typeof uid === 'string') templateCarriers.add(uid);
            }
            if (type.group === TRAINER_GROUP) noteTrainer(type, item, trainJobs, runtimesRead);
            if (isManagedByScannedController(item, type, standsFor)) {
              managedSkipped++;
              continue;
            }
            if (type.group === ADMISSION_GROUP && type.kind === 'ValidatingAdmissionPolicyBinding') admissionPolicyBound = true;
            const name = objectName(type, item);
            opts.onObject?.(name, index++);
            // Whole objects kept to the end share one copy of each short string; a projection keeps too few to pay for the pool.
            sink.scan(new ObjectFile(name, asManifest(item, type, admissionPolicyBound ? strings : undefined), listing));
          }
        }
        mark(complete, type, ns);
      } catch (e) {
        if (!(e instanceof KubeApiError)) throw e;
        failed.add(type);
        sink.error(typeName(type), listError(type, ns, e, scanned));
        if (e.status === 0 && e.reason === 'Timeout') {
          const silence: Silence = { what: `${typeName(type)}${where(type, ns)}`, group: apiVersionOf(type), error: e };
          // A next list that answered, else a probe of the server, tells a hung group from a server gone silent.
          if (ahead?.answered || (await api.answers())) silentGroups.set(groupVersionPath(type), silence);
          else gone = silence;
        }
      } finally {
        mark(ended, type, ns);
      }
    }
    for (const { type } of lists) if (!failed.has(type)) fullyListedTypes.add(type);
  }
  return {
    options: { ...opts, config, cwd, targets: [`cluster ${conn.context}`] },
    ref,
    produce,
    // In the order of discovery, whatever the order of listing.
    summary: () => ({ ...ref, listed: discovery.types.filter((t) => fullyListedTypes.has(t)).map(typeName), managedSkipped }),
  };
}

/** A list that got no answer within the request timeout. */
interface Silence {
  /** The list: `rayclusters.ray.io in any namespace`. */
  what: string;
  /** Its group and version: `ray.io/v1`. */
  group: string;
  error: KubeApiError;
}

/** Why a list was not tried: `everything`, the server answered nothing after `s`; else only `s`'s group was silent. */
function silenceText(s: Silence, everything: boolean): string {
  return everything
    ? `the API server gave no answer to the list of ${s.what} (${s.error.message}), nor to GET /version after it`
    : `the list of ${s.what}, in the same API group ${s.group}, got no answer (${s.error.message}); the server answered other requests`;
}

const ADMISSION_GROUP = 'admissionregistration.k8s.io';
const TRAINER_GROUP = 'trainer.kubeflow.org';
const TRAIN_JOB = `${TRAINER_GROUP}/TrainJob`;

/** `TrainingRuntime\0ns/name`, `ClusterTrainingRuntime\0/name`: a Trainer runtime, as a TrainJob's `runtimeRef` names it. */
function runtimeKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}\0${kind === 'TrainingRuntime' ? (namespace ?? '') : ''}/${name}`;
}

/** Keeps, of a Trainer object listed, what tells whether a TrainJob stands for its JobSet. */
function noteTrainer(type: ResourceType, item: RawObject, trainJobs: Map<string, string>, runtimesRead: Set<string>): void {
  const md = item.metadata as RawObject | undefined;
  const ns = typeof md?.namespace === 'string' ? md.namespace : undefined;
  if (type.kind === 'TrainingRuntime' || type.kind === 'ClusterTrainingRuntime') {
    if (typeof md?.name === 'string') runtimesRead.add(runtimeKey(type.kind, ns, md.name));
    return;
  }
  if (type.kind !== 'TrainJob' || typeof md?.uid !== 'string') return;
  const spec = item.spec as RawObject | undefined;
  // Overrides of the JobSet's pods are no pod spec the rules read: only the JobSet shows them.
  const overrides = spec?.podTemplateOverrides;
  if (Array.isArray(overrides) && overrides.length > 0) return;
  const ref = spec?.runtimeRef as RawObject | undefined;
  if (typeof ref?.name !== 'string') return;
  if (ref.apiGroup !== undefined && ref.apiGroup !== TRAINER_GROUP) return;
  const kind = typeof ref.kind === 'string' ? ref.kind : 'ClusterTrainingRuntime';
  if (kind !== 'TrainingRuntime' && kind !== 'ClusterTrainingRuntime') return;
  trainJobs.set(md.uid, runtimeKey(kind, ns, ref.name));
}
/** Groups whose controllers are judged by kind (`TEMPLATE_CONTROLLERS`), not object by object. */
const BUILTIN_GROUPS = new Set(['', 'apps', 'batch']);

/** Kinds that other kinds' controllers manage, listed last in this order: each after the kinds that control it. */
const MANAGED_LAST = ['apps/Deployment', 'apps/StatefulSet', 'apps/DaemonSet', 'apps/ReplicaSet', 'batch/Job', '/Pod'];

/**
 * Admission policies first: when the cluster binds any, its objects are kept whole for them (see
 * `ClusterListing.keepWholeObjects`), which must be known before the first workload arrives. The
 * kinds controllers manage last, after their controllers (`MANAGED_LAST`): an object is skipped for
 * its controller only once that controller's list was read, or before its list was tried (a custom
 * resource's, listed later), never when it could not be read.
 */
function listingOrder(types: readonly ResourceType[]): ResourceType[] {
  const rank = (t: ResourceType) => (t.group === ADMISSION_GROUP ? 0 : 2 + MANAGED_LAST.indexOf(`${t.group}/${t.kind}`));
  // A stable sort: discovery order within a rank.
  return [...types].sort((a, b) => rank(a) - rank(b));
}

function mark(lists: Map<string, 'all' | Set<string>>, type: ResourceType, ns: string | undefined): void {
  const key = `${type.group}/${type.kind}`;
  if (ns === undefined) {
    lists.set(key, 'all');
    return;
  }
  const c = lists.get(key);
  if (c === 'all') return;
  if (c) c.add(ns);
  else lists.set(key, new Set([ns]));
}

/** Whether `mark` was called for the kind in every namespace, or in `namespace`. */
function isMarked(lists: ReadonlyMap<string, 'all' | Set<string>>, group: string, kind: string, namespace: string | undefined): boolean {
  const c = lists.get(`${group}/${kind}`);
  return c === 'all' || (c !== undefined && namespace !== undefined && c.has(namespace));
}

function describe(e: KubeApiError): string {
  const what = e.status ? `${e.status} ${e.reason}: ${e.message}` : e.message;
  return e.tries > 1 ? `${what} (after ${e.tries} tries)` : what;
}

/** ` in namespace llm`, ` in any namespace`, or nothing for a cluster-scoped kind. */
function where(type: ResourceType, ns: string | undefined): string {
  return type.namespaced ? (ns === undefined ? ' in any namespace' : ` in namespace ${ns}`) : '';
}

/** `scanned`: some of the list's objects were scanned before it failed. */
function listError(type: ResourceType, ns: string | undefined, e: KubeApiError, scanned: boolean): string {
  const at = where(type, ns);
  if (e.tries > 1)
    return `cannot list ${typeName(type)}${at}: the API server still answered ${e.status} ${e.reason} at the last of ${e.tries} tries (${e.message}); objects of this kind were ${scanned ? 'scanned in part' : 'not scanned'}`;
  if (e.status === 401) return `not authorized to list ${typeName(type)}${at}: the credentials were refused (${e.message})`;
  if (e.status === 403) return `no permission to list ${typeName(type)}${at} (${e.message}); objects of this kind were not scanned`;
  if (e.status === 410) return `the list of ${typeName(type)}${at} kept expiring (410 Gone); objects of this kind were scanned in part`;
  return `cannot list ${typeName(type)}${at}: ${describe(e)}`;
}
