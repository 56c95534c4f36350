import type { ScanDocument } from '../core/document.js';
import { K8sSetDocument, type K8sObjectDocument, type PodSpecDocument } from '../parsers/k8s/k8s-documents.js';
import {
  gpuNode,
  gpuResources,
  gpuSystemComponent,
  hasGpuRuntimeClass,
  isGpuContainer,
  type GpuNode,
} from '../rules/kubernetes/lib/gpu.js';
import { asList, asMapping, envValue } from '../rules/kubernetes/lib/workload.js';
import { exposureGraph, type ExposureEdge } from './exposure-graph.js';
import type { Origin } from './types.js';

/** The Kubernetes object an inventory entry is: findings on that object are findings on the entry. */
export interface ResourceKey {
  kind: string;
  namespace?: string;
  name: string;
}

/** A container of a workload that runs on GPUs, and what it asks for. */
export interface GpuContainer {
  name: string;
  /** Device-plugin resources from the limits (else the requests): `nvidia.com/gpu: "2"`. */
  resources: Record<string, string>;
  /** DRA resource claims the container uses. */
  claims?: string[];
  /** `NVIDIA_VISIBLE_DEVICES` when the container sets it itself. */
  visibleDevices?: string;
}

/** GPUs of a cluster or of manifests: a Node that has them, or a workload that runs on them. */
export type GpuResource = { origin: Origin; resource: ResourceKey } & (
  | ({ role: 'node' } & GpuNode)
  | {
      role: 'workload';
      containers: GpuContainer[];
      /** Total device-plugin resources of one pod (what a replica takes from a node). */
      resources: Record<string, string>;
      runtimeClass?: string;
      /** Set for the GPU stack's own node agents (the device plugin, the GPU Operator's operands). */
      system?: string;
    }
);

function keyOf(doc: K8sObjectDocument): ResourceKey {
  return { kind: doc.resource.kind, ...(doc.resource.namespace ? { namespace: doc.resource.namespace } : {}), name: doc.name };
}

function gpuContainers(pod: PodSpecDocument): GpuContainer[] {
  const out: GpuContainer[] = [];
  for (const c of pod.containers) {
    if (c.group === 'ephemeralContainers' || !isGpuContainer(pod, c)) continue;
    const asked = gpuResources(c);
    const resources: Record<string, string> = {};
    for (const section of ['limits', 'requests'] as const)
      for (const r of asked) if (r.section === section) resources[r.name] ??= String(r.value);
    const claims = asList(asMapping(c.container.resources).claims)
      .map((x) => asMapping(x).name)
      .filter((x): x is string => typeof x === 'string');
    const visible = envValue(c, 'NVIDIA_VISIBLE_DEVICES')?.value;
    out.push({
      name: c.name,
      resources,
      ...(claims.length ? { claims } : {}),
      ...(visible !== undefined && visible.trim() !== '' ? { visibleDevices: visible } : {}),
    });
  }
  return out;
}

/** Sums quantities that are whole numbers (GPU counts); anything else keeps the first value seen. */
function addResources(total: Record<string, string>, add: Record<string, string>): void {
  for (const [k, v] of Object.entries(add)) {
    const a = Number(total[k]);
    const b = Number(v);
    total[k] = total[k] === undefined ? v : Number.isInteger(a) && Number.isInteger(b) ? String(a + b) : total[k];
  }
}

/** The GPU entries of one object: a Node with GPUs, or a workload whose pods run on them. */
export function gpusOf(doc: K8sObjectDocument): GpuResource[] {
  const origin: Origin = { path: doc.file.path };
  const node = gpuNode(doc);
  if (node) return [{ origin, resource: keyOf(doc), role: 'node', ...node }];
  const containers: GpuContainer[] = [];
  const resources: Record<string, string> = {};
  let runtimeClass: string | undefined;
  let system: string | undefined;
  for (const pod of doc.pods) {
    const found = gpuContainers(pod);
    if (found.length === 0) continue;
    for (const item of found) containers.push(item);
    for (const c of found) addResources(resources, c.resources);
    if (hasGpuRuntimeClass(pod)) runtimeClass ??= String(pod.spec.runtimeClassName);
    system ??= gpuSystemComponent(pod);
  }
  if (containers.length === 0) return [];
  return [
    {
      origin,
      resource: keyOf(doc),
      role: 'workload',
      containers,
      resources,
      ...(runtimeClass ? { runtimeClass } : {}),
      ...(system ? { system } : {}),
    },
  ];
}

/**
 * What a scan learns of the Kubernetes objects it reads, for the store: the GPUs (nodes that have
 * them, workloads that run on them) and the exposure graph. It receives each set of objects the cross-object rules see
 * (`ScanOptions.onSet`), so a live cluster's objects are read once, as the rules read them.
 */
export class KubernetesFacts {
  readonly gpus: GpuResource[] = [];
  /** The exposure graph: entries → Services → workloads → models. */
  readonly exposure: ExposureEdge[] = [];
  private readonly seen = new Set<string>();
  private readonly seenEdges = new Set<string>();

  /** Takes what a set of objects says; documents of other kinds are left alone. */
  add(doc: ScanDocument): void {
    if (!(doc instanceof K8sSetDocument)) return;
    for (const o of doc.objects) {
      for (const g of gpusOf(o)) {
        // One object rendered twice (a chart and its overlay) is one entry.
        const key = `${g.resource.kind}\u0000${g.resource.namespace ?? ''}\u0000${g.resource.name}`;
        if (this.seen.has(key)) continue;
        this.seen.add(key);
        this.gpus.push(g);
      }
    }
    for (const e of exposureGraph(doc)) {
      const key = JSON.stringify([e.from, e.to]);
      if (this.seenEdges.has(key)) continue;
      this.seenEdges.add(key);
      this.exposure.push(e);
    }
  }
}
