import type { Severity } from '../../core/types.js';
import type { ExposureEdge, ExposureNode } from '../../inventory/exposure-types.js';
import type { InventoryItem } from '../../store/queries.js';

export type ResourceFinding = {
  id: number;
  ruleId: string;
  severity: Severity;
  title: string;
  message: string;
  kind: string;
  namespace: string | null;
  name: string | null;
};

export interface ExposureHop {
  /** `entry` (Ingress, route, LoadBalancer/NodePort Service), `service`, `workload`, `model`. */
  role: 'entry' | 'service' | 'workload' | 'model';
  label: string;
  /** How the hop is reached from the one before (host, port, Service type; what a workload runs). */
  via?: string;
  findings: Array<{ id: number; ruleId: string; severity: Severity; message: string }>;
}

export interface ExposurePath {
  /** `graph`: built from the run's objects, hop by hop; `findings`: pieced together from exposure findings (runs stored before graphs were). */
  source: 'graph' | 'findings';
  targetId: number;
  target: string;
  service: string;
  namespace?: string;
  kind: string;
  hops: ExposureHop[];
}

/** The targets whose exposure graphs the inventory did not walk: more edges than `limit` in all (their paths come from their findings). */
export interface ExposureCut {
  limit: number;
  targets: string[];
}

/** An AI service whose kind of object neither the upload nor the store's data say (stored before kinds were kept). */
const UNKNOWN_KIND = '(unknown kind)';

const ENTRY_KINDS = new Set(['Ingress', 'HTTPRoute', 'GRPCRoute', 'Gateway', 'IngressRoute', 'VirtualService']);

/**
 * The path from outside to each AI service of the inventory, hop by hop, with the open findings on
 * each: the routes and Services whose exposure findings name the workload, the workload itself, and
 * the models it serves. The exposure rules name what a route reaches (`Deployment 'vllm'`); that is
 * what ties a hop to the service here.
 */
export function exposurePaths(
  items: readonly InventoryItem[],
  onResources: ReadonlyMap<number, readonly ResourceFinding[]>,
): ExposurePath[] {
  const paths: ExposurePath[] = [];
  for (const item of items) {
    if (item.kind !== 'service') continue;
    const d = (item.detail ?? {}) as { namespace?: string; kind?: string; models?: string[] };
    const ns = d.namespace ?? null;
    const findings = onResources.get(item.targetId) ?? [];
    const sameNs = (f: ResourceFinding) => ns === null || f.namespace === null || f.namespace === ns;
    const mentions = (f: ResourceFinding) => f.message.includes(`'${item.name}'`);
    const hop = (role: ExposureHop['role'], label: string, list: ResourceFinding[]): ExposureHop => ({
      role,
      label,
      findings: list.map((f) => ({ id: f.id, ruleId: f.ruleId, severity: f.severity, message: f.message })),
    });
    const hops: ExposureHop[] = [];
    const byResource = new Map<string, ResourceFinding[]>();
    for (const f of findings) {
      if (!sameNs(f) || !mentions(f)) continue;
      if (!ENTRY_KINDS.has(f.kind) && f.kind !== 'Service') continue;
      const key = `${f.kind} '${f.name ?? ''}'`;
      (byResource.get(key) ?? byResource.set(key, []).get(key)!).push(f);
    }
    for (const [label, list] of byResource) hops.push(hop(list[0].kind === 'Service' ? 'service' : 'entry', label, list));
    hops.sort((a, b) => (a.role === b.role ? a.label.localeCompare(b.label) : a.role === 'entry' ? -1 : 1));
    const ownKind = (f: ResourceFinding) =>
      item.resource ? f.kind === item.resource.kind : !ENTRY_KINDS.has(f.kind) && f.kind !== 'Service';
    const own = findings.filter((f) => f.name === item.name && sameNs(f) && ownKind(f));
    hops.push(hop('workload', `${item.resource?.kind ?? own[0]?.kind ?? UNKNOWN_KIND} '${item.name}'`, own));
    for (const m of d.models ?? []) hops.push(hop('model', m, []));
    paths.push({
      source: 'findings',
      targetId: item.targetId,
      target: item.target,
      service: item.name,
      ...(ns ? { namespace: ns } : {}),
      kind: d.kind ?? '',
      hops,
    });
  }
  return paths;
}

export type HopFinding = ExposureHop['findings'][number];

/** An inventory entry with the open findings on the Kubernetes object it is (a GPU node, a GPU workload). */
export type InventoryItemWithFindings = InventoryItem & { findings?: HopFinding[] };

/** The open findings on each entry's object (same kind, namespace and name, in the entry's target). */
export function withResourceFindings(
  items: readonly InventoryItem[],
  onResources: ReadonlyMap<number, readonly ResourceFinding[]>,
): InventoryItemWithFindings[] {
  const index = new Map<string, HopFinding[]>();
  const key = (target: number, kind: string, namespace: string | null | undefined, name: string | null | undefined) =>
    `${target}\u0000${kind}\u0000${namespace ?? ''}\u0000${name ?? ''}`;
  for (const [target, list] of onResources)
    for (const f of list) {
      const k = key(target, f.kind, f.namespace, f.name);
      const hit = { id: f.id, ruleId: f.ruleId, severity: f.severity, message: f.message };
      const at = index.get(k);
      if (at) at.push(hit);
      else index.set(k, [hit]);
    }
  return items.map((i) =>
    i.resource ? { ...i, findings: index.get(key(i.targetId, i.resource.kind, i.resource.namespace, i.resource.name)) ?? [] } : i,
  );
}

/** Most paths shown per target: a cluster with many routes to one model server repeats its tail. */
const MAX_PATHS = 500;
/** Most hops a path follows (entry, Service or pool, workload, model, and room for a route through a gateway). */
const MAX_HOPS = 6;

const nodeKey = (n: Pick<ExposureNode, 'kind' | 'namespace' | 'name'>) => `${n.kind}\u0000${n.namespace ?? ''}\u0000${n.name}`;

function via(detail: Record<string, string> | undefined): string | undefined {
  if (!detail) return undefined;
  // The Service type belongs to the entry (see `graphPaths`), not to the hop after it.
  const parts: string[] = [];
  if (detail.host) parts.push(`host ${detail.host}`);
  if (detail.port) parts.push(`port ${detail.port}`);
  if (detail.runs) parts.push(`runs ${detail.runs}`);
  if (detail.missing) parts.push(detail.missing);
  return parts.length ? parts.join(', ') : undefined;
}

/**
 * Exposure paths walked on the stored graph of each target's newest run: from every entry (an
 * Ingress, a route, a LoadBalancer or NodePort Service) through Services to the workloads that run
 * AI services and the models they serve, each hop with the open findings on its object. AI services
 * of those targets that no entry reaches are listed with their workload alone.
 */
export function graphPaths(
  edges: ReadonlyArray<{ targetId: number; target: string; edge: ExposureEdge }>,
  items: readonly InventoryItem[],
  onResources: ReadonlyMap<number, readonly ResourceFinding[]>,
): ExposurePath[] {
  const byTarget = new Map<number, { target: string; edges: ExposureEdge[] }>();
  for (const e of edges)
    (byTarget.get(e.targetId) ?? byTarget.set(e.targetId, { target: e.target, edges: [] }).get(e.targetId)!).edges.push(e.edge);
  const paths: ExposurePath[] = [];
  for (const [targetId, { target, edges: list }] of byTarget) {
    const findings = new Map<string, ExposureHop['findings']>();
    for (const f of onResources.get(targetId) ?? []) {
      const k = nodeKey({ kind: f.kind, namespace: f.namespace ?? undefined, name: f.name ?? '' });
      (findings.get(k) ?? findings.set(k, []).get(k)!).push({ id: f.id, ruleId: f.ruleId, severity: f.severity, message: f.message });
    }
    const out = new Map<string, ExposureEdge[]>();
    for (const e of list) (out.get(nodeKey(e.from)) ?? out.set(nodeKey(e.from), []).get(nodeKey(e.from))!).push(e);
    const hop = (n: ExposureNode, how?: string): ExposureHop => ({
      role: n.role,
      label: n.role === 'model' ? n.name : `${n.kind} '${n.name}'`,
      ...(how ? { via: how } : {}),
      findings: n.role === 'model' ? [] : (findings.get(nodeKey(n)) ?? []),
    });
    const reached = new Set<string>();
    let count = 0;
    const walk = (trail: ExposureEdge[]) => {
      if (count >= MAX_PATHS) return;
      const last = trail[trail.length - 1].to;
      // One object can be an entry and a hop (a LoadBalancer Service behind an Ingress): its edges onward count once.
      const onward = new Map<string, ExposureEdge>();
      if (trail.length < MAX_HOPS)
        for (const e of out.get(nodeKey(last)) ?? [])
          if (!trail.some((t) => nodeKey(t.from) === nodeKey(e.to)) && !onward.has(nodeKey(e.to))) onward.set(nodeKey(e.to), e);
      const next = [...onward.values()];
      if (next.length) {
        for (const e of next) walk([...trail, e]);
        return;
      }
      const workload = trail.find((e) => e.to.role === 'workload');
      const runs = trail.find((e) => e.to.role === 'workload' && e.detail?.runs)?.detail?.runs;
      // Only paths to AI services (or to the models a workload serves) are exposure paths of the AI inventory.
      if (!runs && last.role !== 'model') return;
      count++;
      if (workload) reached.add(nodeKey(workload.to));
      const entry = trail[0].from;
      paths.push({
        source: 'graph',
        targetId,
        target,
        service: workload?.to.name ?? last.name,
        ...((workload?.to.namespace ?? entry.namespace) ? { namespace: workload?.to.namespace ?? entry.namespace } : {}),
        kind: runs ?? workload?.to.kind ?? '',
        hops: [hop(entry, trail[0].detail?.type), ...trail.map((e) => hop(e.to, via(e.detail)))],
      });
    };
    const entries = new Map<string, ExposureEdge[]>();
    for (const e of list)
      if (e.from.role === 'entry') (entries.get(nodeKey(e.from)) ?? entries.set(nodeKey(e.from), []).get(nodeKey(e.from))!).push(e);
    for (const first of entries.values()) for (const e of first) walk([e]);
    // The target's AI services that nothing from outside reaches.
    for (const item of items) {
      if (item.targetId !== targetId || item.kind !== 'service') continue;
      const d = (item.detail ?? {}) as { namespace?: string; kind?: string };
      const workload = list.find(
        (e) => e.to.role === 'workload' && e.to.name === item.name && (d.namespace === undefined || e.to.namespace === d.namespace),
      )?.to;
      if (workload && reached.has(nodeKey(workload))) continue;
      if (!workload && [...reached].some((k) => k.endsWith(`\u0000${item.name}`))) continue;
      // The findings on the service's object: its own kind's when the store knows it, else those of any kind of that name.
      const own = item.resource
        ? ([nodeKey(item.resource), findings.get(nodeKey(item.resource)) ?? []] as const)
        : [...findings.entries()].find(([k]) => k.endsWith(`\u0000${d.namespace ?? ''}\u0000${item.name}`));
      paths.push({
        source: 'graph',
        targetId,
        target,
        service: item.name,
        ...(d.namespace ? { namespace: d.namespace } : {}),
        kind: d.kind ?? '',
        hops: [
          {
            role: 'workload',
            label: `${workload?.kind ?? own?.[0].split('\u0000')[0] ?? UNKNOWN_KIND} '${item.name}'`,
            via: 'not reachable from outside the cluster in the scan',
            findings: own?.[1] ?? [],
          },
        ],
      });
    }
  }
  return paths;
}
