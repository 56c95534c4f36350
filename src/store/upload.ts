import type { ScanResult } from '../core/types.js';
import type { GpuResource, KubernetesFacts } from '../inventory/kubernetes-facts.js';
import type { Inventory } from '../inventory/types.js';
import type { IngestResult } from './ingest.js';
import type { InventoryEntry } from './run-input.js';
import type { TargetKind } from './schema.js';
import { describeSystemError } from '../core/system-error.js';
import { urlForMessage } from '../core/printable.js';

export interface UploadOptions {
  /** The server (`https://sanctum.example.com`) or its runs endpoint (`…/api/v1/runs`). */
  url: string;
  token?: string;
  /** Name the run is stored under (a repository, an image reference, a cluster). */
  target?: string;
  kind?: TargetKind;
  /** Shared by the shards of one run. */
  runKey?: string;
  shard?: { index: number; total: number };
  inventory?: Inventory;
  /** What the scan learnt of the Kubernetes objects it read (GPU nodes and workloads). */
  kubernetes?: KubernetesFacts;
  timeoutMs?: number;
}

/** The upload failed: the server's answer or the network error, never the token. */
export class UploadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UploadError';
  }
}

/** The inventory as the store keeps it: one entry per package, model, downloaded model, dataset and AI service. */
export function inventoryEntries(inv: Inventory): InventoryEntry[] {
  return [
    // The store knows a service as the Kubernetes object that deploys it; compose services are in the SBOM only.
    ...inv.services
      .filter((s) => s.objectKind)
      .map((s) => ({
        kind: 'service' as const,
        name: s.name,
        path: s.origin.path,
        // The object it is: the findings on that object are the service's.
        ...(s.objectKind ? { resource: { kind: s.objectKind, ...(s.namespace ? { namespace: s.namespace } : {}), name: s.name } } : {}),
        detail: { ...s },
      })),
    ...inv.models.map((m) => ({ kind: 'model' as const, name: m.name, path: m.origin.path, detail: { ...m } })),
    ...inv.remoteModels.map((m) => ({
      kind: 'remote-model' as const,
      name: m.name,
      ...(m.revision ? { version: m.revision } : {}),
      path: m.origin.path,
      detail: { ...m },
    })),
    ...inv.datasets.map((d) => ({
      kind: 'dataset' as const,
      name: d.name,
      ...(d.revision ? { version: d.revision } : {}),
      path: d.origin.path,
      detail: { ...d },
    })),
    ...inv.packages.map((p) => ({
      kind: 'package' as const,
      name: p.name,
      ...(p.version ? { version: String(p.version) } : {}),
      path: p.origin.path,
      detail: { ecosystem: p.ecosystem, purl: p.purl, manifest: p.manifest, line: p.origin.line },
    })),
  ];
}

/** GPU nodes and the workloads that run on GPUs, as inventory entries of the objects they are. */
export function gpuEntries(gpus: readonly GpuResource[]): InventoryEntry[] {
  return gpus.map((g) => ({
    kind: 'gpu' as const,
    name: g.resource.name,
    ...(g.role === 'node' && g.product ? { version: g.product } : {}),
    path: g.origin.path,
    resource: g.resource,
    detail: { ...g },
  }));
}

export function runsEndpoint(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UploadError(`--upload must be an http(s) URL (got '${urlForMessage(url)}')`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UploadError(`--upload must be an http(s) URL (got '${urlForMessage(url)}')`);
  if (!u.pathname.endsWith('/api/v1/runs')) u.pathname = u.pathname.replace(/\/+$/, '') + '/api/v1/runs';
  return u;
}

/**
 * Where a stream of runtime alerts goes in `sanctum serve`, for a batching delivery (retries, bounded
 * queue) that POSTs JSON arrays of findings: each batch is stored as a run of a `runtime` target.
 */
export function alertsEndpoint(opts: { url: string; token?: string; target: string }): {
  url: string;
  headers: Record<string, string>;
} {
  const u = runsEndpoint(opts.url);
  u.searchParams.set('kind', 'runtime');
  u.searchParams.set('target', opts.target);
  return { url: u.toString(), headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {} };
}

/** Sends a result to `sanctum serve` (`POST /api/v1/runs`); any entry point (scan, image, cluster) can call it. */
export async function uploadResult(result: ScanResult, opts: UploadOptions): Promise<IngestResult> {
  const u = runsEndpoint(opts.url);
  if (opts.target) u.searchParams.set('target', opts.target);
  if (opts.kind) u.searchParams.set('kind', opts.kind);
  if (opts.runKey) u.searchParams.set('run', opts.runKey);
  if (opts.shard) u.searchParams.set('shard', `${opts.shard.index}/${opts.shard.total}`);
  const inventory = [
    ...(opts.inventory ? inventoryEntries(opts.inventory) : []),
    ...(opts.kubernetes ? gpuEntries(opts.kubernetes.gpus) : []),
  ];
  const exposure = opts.kubernetes?.exposure ?? [];
  const body = JSON.stringify({ ...result, ...(inventory.length ? { inventory } : {}), ...(exposure.length ? { exposure } : {}) });
  let res: Response;
  try {
    res = await fetch(u, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) },
      body,
      signal: AbortSignal.timeout(opts.timeoutMs ?? 120_000),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new UploadError(`cannot reach ${u.origin}: ${describeSystemError(cause ?? e)}`);
  }
  const text = await res.text();
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    answer = undefined;
  }
  if (!res.ok) {
    const why = (answer as { error?: string } | undefined)?.error ?? text.slice(0, 200);
    throw new UploadError(`${u.origin} refused the upload: ${res.status} ${why}`);
  }
  return answer as IngestResult;
}
