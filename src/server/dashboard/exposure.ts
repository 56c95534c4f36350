import type { Severity } from '../../core/types.js';
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
  findings: Array<{ id: number; ruleId: string; severity: Severity; message: string }>;
}

export interface ExposurePath {
  targetId: number;
  target: string;
  service: string;
  namespace?: string;
  kind: string;
  hops: ExposureHop[];
}

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
    const own = findings.filter((f) => f.name === item.name && sameNs(f) && !ENTRY_KINDS.has(f.kind) && f.kind !== 'Service');
    hops.push(hop('workload', `${own[0]?.kind ?? 'workload'} '${item.name}'`, own));
    for (const m of d.models ?? []) hops.push(hop('model', m, []));
    paths.push({
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
