import { findConfigFor } from './core/config.js';
import type { ClusterListing } from './core/source-file.js';
import type { ClusterRef, ScanError, ScanResult } from './core/types.js';
import { scanFiles, ScanSetupError, type ScanOptions } from './scan.js';
import { KubeApi, KubeApiError } from './sources/cluster/api.js';
import { discover } from './sources/cluster/discovery.js';
import { typeName, type ResourceType } from './sources/cluster/kinds.js';
import { ClusterConfigError, connect, type ClusterConnection } from './sources/cluster/kubeconfig.js';
import { listPages } from './sources/cluster/list.js';
import { asManifest, ClusterObjectFile, isManagedByListedController, objectName } from './sources/cluster/objects.js';

export interface ClusterScanOptions extends Omit<
  ScanOptions,
  'targets' | 'files' | 'helmValues' | 'helmSet' | 'renderers' | 'includeIgnored'
> {
  /** A kubeconfig file; else `KUBECONFIG`, `~/.kube/config`, then the pod's service account. */
  kubeconfig?: string;
  /** A kubeconfig context; else the current one. */
  context?: string;
  /** Only these namespaces (cluster-scoped objects are scanned too); default: all. */
  namespaces?: string[];
  /** Objects per list request (`limit`). */
  pageSize?: number;
  /** The environment the kubeconfig is looked up in (default: `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** A connection made already (tests, `--apply` reuses it). */
  connection?: ClusterConnection;
  /** Called for each object as it is scanned. */
  onObject?(name: string, index: number): void;
}

/** What a cluster scan read: where, how many objects, what could not be listed. */
export interface ClusterScanSummary extends ClusterRef {
  /** Resource types listed (e.g. `deployments.apps`), in full or in the namespaces asked for. */
  listed: string[];
  /** Objects a listed controller manages (a Deployment's Pods): their controller was scanned instead. */
  managedSkipped: number;
}

export type ClusterScanResult = ScanResult & { cluster: ClusterScanSummary };

const DEFAULT_PAGE_SIZE = 500;

/**
 * Scans a live cluster: lists every kind the rules read, page by page, and hands each object to the
 * engine as its page arrives (memory holds a page and what the cross-object rules keep). Forbidden or
 * unreachable resources become `errors` entries and the scan goes on.
 */
export async function scanCluster(opts: ClusterScanOptions = {}): Promise<ClusterScanResult> {
  let conn: ClusterConnection;
  try {
    conn = opts.connection ?? connect({ kubeconfig: opts.kubeconfig, context: opts.context, env: opts.env });
  } catch (e) {
    if (e instanceof ClusterConfigError) throw new ScanSetupError(e.message);
    throw e;
  }
  const ref: ClusterRef = { context: conn.context, server: conn.server };
  const api = new KubeApi(conn.kc);
  let discovery: Awaited<ReturnType<typeof discover>>;
  try {
    discovery = await discover(api);
  } catch (e) {
    if (e instanceof KubeApiError)
      throw new ScanSetupError(`cannot read the API of cluster '${conn.context}' (${conn.server}): ${e.message}`);
    throw e;
  }
  const errors: ScanError[] = discovery.problems.map((p) => ({ path: p.what, message: `cannot discover ${p.what}: ${describe(p.error)}` }));
  const namespaces = opts.namespaces?.length ? [...new Set(opts.namespaces)] : undefined;
  const listedKinds = new Set(discovery.types.map((t) => `${t.group}/${t.kind}`));
  const complete = new Map<string, 'all' | Set<string>>();
  const listing: ClusterListing = {
    ref,
    listed(group, kind, namespace) {
      const c = complete.get(`${group}/${kind}`);
      return c === 'all' || (c !== undefined && namespace !== undefined && c.has(namespace));
    },
  };
  let managedSkipped = 0;
  let index = 0;
  const listedTypes: string[] = [];
  const cwd = opts.cwd ?? process.cwd();
  let config = opts.config;
  if (config === undefined) {
    try {
      config = findConfigFor(['.'], cwd) ?? false;
    } catch (e) {
      throw new ScanSetupError((e as Error).message);
    }
  }

  const result = await scanFiles({ ...opts, config, cwd, targets: [`cluster ${conn.context}`] }, async (sink) => {
    for (const type of discovery.types) {
      const scopes: Array<string | undefined> = type.namespaced && namespaces ? namespaces : [undefined];
      let fullyListed = true;
      for (const ns of scopes) {
        try {
          for await (const page of listPages(api, type, ns, opts.pageSize ?? DEFAULT_PAGE_SIZE)) {
            for (const item of page) {
              if (type.kind === 'Namespace' && type.group === '' && namespaces && !namespaces.includes(nameOf(item))) continue;
              if (isManagedByListedController(item, listedKinds)) {
                managedSkipped++;
                continue;
              }
              const name = objectName(type, item);
              opts.onObject?.(name, index++);
              sink.scan(new ClusterObjectFile(name, asManifest(item, type), listing));
            }
          }
          markListed(complete, type, ns);
        } catch (e) {
          if (!(e instanceof KubeApiError)) throw e;
          fullyListed = false;
          errors.push({ path: typeName(type), message: listError(type, ns, e) });
        }
      }
      if (fullyListed) listedTypes.push(typeName(type));
    }
  });
  return {
    ...result,
    errors: [...errors, ...result.errors],
    cluster: { ...ref, listed: listedTypes, managedSkipped },
  };
}

function markListed(complete: Map<string, 'all' | Set<string>>, type: ResourceType, ns: string | undefined): void {
  const key = `${type.group}/${type.kind}`;
  if (ns === undefined) {
    complete.set(key, 'all');
    return;
  }
  const c = complete.get(key);
  if (c === 'all') return;
  if (c) c.add(ns);
  else complete.set(key, new Set([ns]));
}

function nameOf(item: Record<string, unknown>): string {
  const md = item.metadata as Record<string, unknown> | undefined;
  return typeof md?.name === 'string' ? md.name : '';
}

function describe(e: KubeApiError): string {
  return e.status ? `${e.status} ${e.reason}: ${e.message}` : e.message;
}

function listError(type: ResourceType, ns: string | undefined, e: KubeApiError): string {
  const where = type.namespaced ? (ns === undefined ? ' in any namespace' : ` in namespace ${ns}`) : '';
  if (e.status === 401) return `not authorized to list ${typeName(type)}${where}: the credentials were refused (${e.message})`;
  if (e.status === 403) return `no permission to list ${typeName(type)}${where} (${e.message}); objects of this kind were not scanned`;
  if (e.status === 410) return `the list of ${typeName(type)}${where} kept expiring (410 Gone); objects of this kind were scanned in part`;
  return `cannot list ${typeName(type)}${where}: ${describe(e)}`;
}
