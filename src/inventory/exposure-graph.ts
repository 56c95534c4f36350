import type { K8sObjectDocument, K8sSetDocument, PodSpecDocument } from '../parsers/k8s/k8s-documents.js';
import { hubModels } from '../rules/kubernetes/lib/gpu.js';
import {
  ingressBackends,
  isGatewayRoute,
  isIngress,
  isService,
  networkIndex,
  routeBackends,
  type NetworkIndex,
} from '../rules/kubernetes/lib/network.js';
import { collectStorageUris } from './collect.js';
import type { ExposureEdge, ExposureNode, ExposureRole } from './exposure-types.js';

export type { ExposureEdge, ExposureNode, ExposureRole };

/** Service types that take traffic from outside the cluster themselves. */
const EXTERNAL_SERVICE_TYPES = new Set(['LoadBalancer', 'NodePort']);

function node(o: K8sObjectDocument, role: ExposureRole): ExposureNode {
  return { role, kind: o.resource.kind, ...(o.resource.namespace ? { namespace: o.resource.namespace } : {}), name: o.name };
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The exposure graph of one set of objects, from the same resolution of Ingress backends, route
 * backends and Service selectors the exposure rules use (`NetworkIndex`): Ingresses and Gateway API
 * routes → their backend Services (or InferencePools) → the workloads those select → the models the
 * workloads serve; LoadBalancer and NodePort Services are entries themselves. A backend Service that
 * is not in the set is a hop without a workload behind it.
 */
export function exposureGraph(set: K8sSetDocument): ExposureEdge[] {
  const idx = networkIndex(set);
  const edges = new Map<string, ExposureEdge>();
  const add = (e: ExposureEdge) => {
    const key = [e.from.role, e.from.kind, e.from.namespace, e.from.name, e.to.role, e.to.kind, e.to.namespace, e.to.name].join('\u0000');
    if (!edges.has(key)) edges.set(key, e);
  };
  const workloadsDone = new Set<K8sObjectDocument>();
  const behind = (from: ExposureNode, pods: readonly PodSpecDocument[], how: Record<string, string> = {}) => {
    for (const pod of pods) {
      const owner = pod.owner;
      const services = idx.servicesOf(pod).map((s) => s.service.label);
      const detail = { ...how, ...(services.length ? { runs: [...new Set(services)].join(', ') } : {}) };
      add({ from, to: node(owner, 'workload'), ...(Object.keys(detail).length ? { detail } : {}) });
      if (workloadsDone.has(owner)) continue;
      workloadsDone.add(owner);
      for (const model of modelsOf(owner)) add({ from: node(owner, 'workload'), to: { role: 'model', kind: 'Model', name: model } });
    }
  };
  const toService = (entry: ExposureNode, namespace: string, name: string, detail: Record<string, string>) => {
    const svc = idx.service(namespace, name);
    const to: ExposureNode = svc ? node(svc, 'service') : { role: 'service', kind: 'Service', namespace, name };
    add({ from: entry, to, detail: svc ? detail : { ...detail, missing: 'not in the scan' } });
    if (svc) behind(to, idx.podsOf(svc));
  };
  for (const o of set.objects) {
    if (isIngress(o)) {
      const entry = node(o, 'entry');
      for (const b of ingressBackends(o))
        toService(entry, o.namespace, b.serviceName, {
          ...(b.host ? { host: b.host } : {}),
          ...(b.port !== undefined ? { port: String(b.port) } : {}),
        });
    } else if (isGatewayRoute(o)) {
      const entry = node(o, 'entry');
      for (const b of routeBackends(o)) {
        const detail: Record<string, string> = b.port !== undefined ? { port: String(b.port) } : {};
        if (b.pool) toPool(idx, entry, b.namespace, b.serviceName, add, behind);
        else toService(entry, b.namespace, b.serviceName, detail);
      }
    } else if (isService(o)) {
      const type = o.get(['spec', 'type']);
      if (typeof type !== 'string' || !EXTERNAL_SERVICE_TYPES.has(type)) continue;
      const entry = node(o, 'entry');
      const pods = idx.podsOf(o);
      if (pods.length === 0)
        add({ from: entry, to: { role: 'workload', kind: 'Pod', namespace: o.namespace, name: '(not in the scan)' }, detail: { type } });
      behind(entry, pods, { type });
    }
  }
  return [...edges.values()];
}

/** An InferencePool backend of a route: the pool, then the model servers its selector picks. */
function toPool(
  idx: NetworkIndex,
  entry: ExposureNode,
  namespace: string,
  name: string,
  add: (e: ExposureEdge) => void,
  behind: (from: ExposureNode, pods: readonly PodSpecDocument[]) => void,
): void {
  const pool = idx.inferencePools.get(`${namespace}/${name}`);
  const to: ExposureNode = pool ? node(pool, 'service') : { role: 'service', kind: 'InferencePool', namespace, name };
  add({ from: entry, to, ...(pool ? {} : { detail: { missing: 'not in the scan' } }) });
  if (!pool) return;
  const sel = pool.get(['spec', 'selector']);
  behind(to, idx.podsSelectedBy(pool.namespace, isObj(sel) && isObj(sel.matchLabels) ? sel.matchLabels : sel));
}

/** The models a workload serves: hub models its servers pull when they start, and storage URIs (KServe) of the object. */
function modelsOf(o: K8sObjectDocument): string[] {
  const out = new Set<string>();
  for (const pod of o.pods) for (const c of pod.containers) for (const m of hubModels(c)) out.add(m.model);
  collectStorageUris(o.object, out, 0);
  return [...out];
}
