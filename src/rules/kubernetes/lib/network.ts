/**
 * Follows Kubernetes networking objects to the pods they reach: Service selectors (labels ⊆ pod
 * template labels, same namespace), Service ports (targetPort by number or by container port name),
 * Ingress backends and Gateway API route backends (service name and port → Service → pods).
 * Shared by the exposure rules.
 */
import type { ObjectPath, Severity } from '../../../core/types.js';
import type { K8sObjectDocument, K8sSetDocument, PodSpecDocument } from '../../../parsers/k8s/k8s-documents.js';
import type { ContainerView } from '../../../parsers/k8s/pod-specs.js';
import {
  imageRepo,
  JUPYTERHUB_PROXY,
  recogniseAiServices,
  type AiPort,
  type AiService,
  type AuthState,
  type Impact,
} from './ai-services.js';
import { jupyterHubAuth, releaseOf } from './jupyterhub.js';
import { recogniseFromService } from './service-hints.js';
import { objectLabel, podMemoized } from './workload.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function apiGroup(apiVersion: string | undefined): string {
  const v = apiVersion ?? '';
  return v.includes('/') ? v.slice(0, v.lastIndexOf('/')) : '';
}

/** API groups of the Gateway API Inference Extension (`InferencePool`), alpha and GA. */
const INFERENCE_GROUPS = /^inference\.networking\.(?:x-)?k8s\.io$/;

/** A running AI service: the container that runs it, in the pod spec it belongs to. */
export interface PodAiService {
  pod: PodSpecDocument;
  container: ContainerView;
  service: AiService;
}

/** An AI service a network path reaches: in a pod spec of the scan, or recognised from the Service in front of pods the scan does not hold. */
export interface ReachTarget {
  service: AiService;
  pod?: PodSpecDocument;
  /** Where the service runs when its pods are not in the scan: `the pods behind Service 'x' (not in the scan)`. */
  where?: string;
  /** The proxy in front of it that the path goes through: `the Traefik of Deployment 'autohttps'`. */
  via?: string;
}

/** What a network path reaches: one port of an AI service. */
export interface Reach {
  target: ReachTarget;
  port: AiPort;
}

/** `Deployment 'vllm'`, or where a service recognised from its Service runs. */
export function reachOwner(r: Reach): string {
  const pod = r.target.pod;
  const where = pod ? objectLabel(pod) : (r.target.where ?? 'pods outside the scan');
  return r.target.via ? `${where} behind ${r.target.via}` : where;
}

/** A Service port's facts, for recognising what it fronts when the pods are not in the scan. */
function servicePortReach(serviceName: string, selector: unknown, sp: Obj | undefined, port?: number | string, labels?: unknown): Reach[] {
  const portNumber = sp ? Number(sp.port) : typeof port === 'number' ? port : undefined;
  const hit = recogniseFromService({
    serviceName,
    selector: isObj(selector) ? selector : undefined,
    labels: isObj(labels) ? labels : undefined,
    port: Number.isInteger(portNumber) ? portNumber : undefined,
    portName: sp ? (typeof sp.name === 'string' ? sp.name : undefined) : typeof port === 'string' ? port : undefined,
    targetPort:
      sp && (typeof sp.targetPort === 'number' || typeof sp.targetPort === 'string')
        ? /^\d+$/.test(String(sp.targetPort))
          ? Number(sp.targetPort)
          : sp.targetPort
        : undefined,
  });
  if (!hit) return [];
  const why = hit.service.signals.join(', ');
  return [
    {
      target: { service: hit.service, where: `the pods behind Service '${serviceName}' (not in the scan; recognised by ${why})` },
      port: hit.port,
    },
  ];
}

/**
 * The AI services the long-running containers of a pod spec run. An Istio ingress gateway only
 * counts where it fronts Kubeflow, and JupyterHub's proxy by the hub's configuration, which take the
 * whole scan to know; data stores (Redis, vector databases) only where they are exposed: see `NetworkIndex.servicesOf`.
 */
export function aiServicesOfPod(pod: PodSpecDocument): PodAiService[] {
  return allServicesOfPod(pod).filter(
    (s) => s.service.type !== 'istio-ingressgateway' && s.service.type !== 'jupyterhub' && !s.service.dataStore,
  );
}

const allServicesOfPod: (pod: PodSpecDocument) => PodAiService[] = podMemoized((pod) => {
  const out: PodAiService[] = [];
  const rayHead = pod.origin.endsWith('head group');
  const rayToken = rayHead && rayClusterTokenAuth(pod);
  for (const c of pod.containers) {
    if (c.group !== 'containers') continue;
    for (const found of recogniseAiServices(c.container, { rayHead })) {
      const service: AiService =
        rayToken && found.type === 'ray' ? { ...found, auth: 'on', authReason: 'the KubeRay cluster sets authOptions.mode: token' } : found;
      out.push({ pod, container: c, service });
    }
  }
  return out;
});

/** KubeRay's `authOptions.mode: token` on the cluster spec that holds this head group. */
function rayClusterTokenAuth(pod: PodSpecDocument): boolean {
  const i = pod.specPath.lastIndexOf('headGroupSpec');
  if (i < 0) return false;
  return pod.owner.get([...pod.specPath.slice(0, i), 'authOptions', 'mode']) === 'token';
}

/**
 * Labels of the pods a pod spec creates: its template's, and for the custom resources of AI operators
 * those the operator sets on the pods it makes, which the Services and NetworkPolicies written for
 * them select (see `operatorLabels`).
 */
export const podLabels: (pod: PodSpecDocument) => Record<string, unknown> = podMemoized((pod) => {
  const l = pod.metadata.labels;
  const own = isObj(l) ? l : {};
  return operatorLabels(pod, own) ?? own;
});

/**
 * The labels of an operator's pods, when the pod spec belongs to one of its custom resources.
 * KubeRay: `ray.io/node-type` (`head`, `worker`), `ray.io/group` (`headgroup`, the group's name) and,
 * for a RayCluster, `ray.io/cluster` and `ray.io/identifier` (a RayService's or RayJob's cluster gets
 * a generated name), which the template cannot override, and `ray.io/is-ray-node`,
 * `app.kubernetes.io/name: kuberay`, `app.kubernetes.io/created-by: kuberay-operator`, which it can.
 * The Kubeflow notebook controller: `statefulset` and `notebook-name` (the Notebook's name), then
 * the Notebook's own labels; it drops the labels of `spec.template.metadata`.
 */
function operatorLabels(pod: PodSpecDocument, own: Record<string, unknown>): Record<string, unknown> | undefined {
  // The object the operator reads: the owner itself, or the one an AppWrapper wraps (and creates).
  const { group, kind, name, labels: objectLabels } = pod.belongsTo;
  if (group === 'ray.io') {
    const path = pod.specPath;
    const head = path.indexOf('headGroupSpec');
    const workers = path.indexOf('workerGroupSpecs');
    if (head < 0 && workers < 0) return undefined;
    const type = head >= 0 ? 'head' : 'worker';
    const groupName = head >= 0 ? 'headgroup' : pod.owner.get([...path.slice(0, workers + 2), 'groupName']);
    const cluster = kind === 'RayCluster' && name !== '' ? name : undefined;
    const labels: Record<string, unknown> = {
      'ray.io/is-ray-node': 'yes',
      'app.kubernetes.io/name': 'kuberay',
      'app.kubernetes.io/created-by': 'kuberay-operator',
      ...(cluster ? { 'ray.io/identifier': `${cluster}-${type}` } : {}),
      ...own,
      'ray.io/node-type': type,
    };
    if (typeof groupName === 'string') labels['ray.io/group'] = groupName;
    if (cluster) labels['ray.io/cluster'] = cluster;
    return labels;
  }
  if (group === 'kubeflow.org' && kind === 'Notebook') return { statefulset: name, 'notebook-name': name, ...objectLabels };
  return undefined;
}

/** True when every `key: value` of the selector is among the labels (an empty selector selects nothing here). */
export function selects(selector: unknown, labels: Record<string, unknown>): boolean {
  if (!isObj(selector)) return false;
  const entries = Object.entries(selector);
  if (entries.length === 0) return false;
  return entries.every(([k, v]) => labels[k] !== undefined && String(labels[k]) === String(v));
}

/** Indexes of one scan's objects, built once per set. */
export class NetworkIndex {
  readonly servicesByName = new Map<string, K8sObjectDocument>();
  readonly podsByNamespace = new Map<string, PodSpecDocument[]>();
  /** True when Istio request authentication or an external authorizer (oauth2-proxy) is configured somewhere in the scan. */
  readonly istioAuth: boolean;
  /** Envoy Gateway SecurityPolicies of the scan. */
  readonly securityPolicies: K8sObjectDocument[] = [];
  /** Gateway API Gateways by `namespace/name`. */
  readonly gateways = new Map<string, K8sObjectDocument>();
  /** Gateway API Inference Extension pools by `namespace/name`. */
  readonly inferencePools = new Map<string, K8sObjectDocument>();

  constructor(readonly set: K8sSetDocument) {
    for (const o of set.ofKind('Service'))
      if (apiGroup(o.resource.apiVersion) === '') this.servicesByName.set(`${o.namespace}/${o.name}`, o);
    for (const o of set.ofKind('SecurityPolicy'))
      if (apiGroup(o.resource.apiVersion) === 'gateway.envoyproxy.io') this.securityPolicies.push(o);
    for (const o of set.ofKind('Gateway'))
      if (apiGroup(o.resource.apiVersion) === 'gateway.networking.k8s.io') this.gateways.set(`${o.namespace}/${o.name}`, o);
    for (const o of set.ofKind('InferencePool'))
      if (INFERENCE_GROUPS.test(apiGroup(o.resource.apiVersion))) this.inferencePools.set(`${o.namespace}/${o.name}`, o);
    this.istioAuth = set
      .ofKind('RequestAuthentication', 'AuthorizationPolicy')
      .some(
        (o) =>
          apiGroup(o.resource.apiVersion) === 'security.istio.io' &&
          (o.resource.kind === 'RequestAuthentication' || o.get(['spec', 'action']) === 'CUSTOM'),
      );
    for (const pod of set.pods) {
      const ns = pod.owner.namespace;
      const list = this.podsByNamespace.get(ns);
      if (list) list.push(pod);
      else this.podsByNamespace.set(ns, [pod]);
    }
  }

  private kubeflowSeen: boolean | undefined;

  /** True when the scan holds Kubeflow objects: the Istio ingress gateway is then Kubeflow's entry point (read only when a gateway runs). */
  get kubeflow(): boolean {
    this.kubeflowSeen ??= this.set.objects.some((o) => o.namespace === 'kubeflow' || apiGroup(o.resource.apiVersion) === 'kubeflow.org');
    return this.kubeflowSeen;
  }

  /** Pod specs by namespace, label key and label value (as a string). */
  private byLabel: Map<string, Map<string, Map<string, PodSpecDocument[]>>> | undefined;

  /** Pod specs a Service selects: same namespace, selector ⊆ pod template labels. */
  podsOf(service: K8sObjectDocument): PodSpecDocument[] {
    return this.podsSelectedBy(service.namespace, service.get(['spec', 'selector']));
  }

  /** Pod specs of a namespace whose labels include every `key: value` of the selector. */
  podsSelectedBy(namespace: string, selector: unknown): PodSpecDocument[] {
    if (!isObj(selector)) return [];
    let firstKey: string | undefined;
    for (const k in selector) {
      if (!Object.prototype.hasOwnProperty.call(selector, k)) continue;
      firstKey = k;
      break;
    }
    if (firstKey === undefined) return [];
    if (!this.byLabel) {
      this.byLabel = new Map();
      for (const [ns, pods] of this.podsByNamespace) {
        const keys = new Map<string, Map<string, PodSpecDocument[]>>();
        this.byLabel.set(ns, keys);
        for (const p of pods) {
          const labels = podLabels(p);
          for (const k in labels) {
            if (!Object.prototype.hasOwnProperty.call(labels, k)) continue;
            let values = keys.get(k);
            if (!values) keys.set(k, (values = new Map()));
            const v = String(labels[k]);
            const list = values.get(v);
            if (list) list.push(p);
            else values.set(v, [p]);
          }
        }
      }
    }
    const candidates = this.byLabel.get(namespace)?.get(firstKey)?.get(String(selector[firstKey]));
    return candidates ? candidates.filter((p) => selects(selector, podLabels(p))) : [];
  }

  /** AI services of a pod, with the Istio gateway counted only where it fronts Kubeflow and JupyterHub's proxy judged by the hub's authenticator. */
  servicesOf(pod: PodSpecDocument): PodAiService[] {
    return allServicesOfPod(pod)
      .filter((s) => s.service.type !== 'istio-ingressgateway' || this.kubeflow)
      .map((s) => (s.service.type === 'jupyterhub' ? this.withHubAuth(s) : s))
      .map((s) =>
        s.service.type === 'istio-ingressgateway'
          ? {
              ...s,
              service: {
                ...s.service,
                label: 'Kubeflow Istio ingress gateway',
                auth: this.istioAuth ? 'on' : 'unknown',
                authReason: this.istioAuth
                  ? 'Istio RequestAuthentication or an external authorizer is configured'
                  : 'no RequestAuthentication or CUSTOM (oauth2-proxy) AuthorizationPolicy in the scan',
              },
            }
          : s,
      );
  }

  private withHubAuth(s: PodAiService): PodAiService {
    const hub = jupyterHubAuth(this.set, s.pod.owner.namespace, releaseOf(podLabels(s.pod)));
    return hub ? { ...s, service: { ...s.service, auth: hub.auth, authReason: hub.authReason } } : s;
  }

  /** What port `index` of a Service reaches. */
  reachOfServicePort(service: K8sObjectDocument, index: number): Reach[] {
    const sp = service.get(['spec', 'ports', index]);
    if (!isObj(sp)) return [];
    const target = sp.targetPort ?? sp.port;
    const out: Reach[] = [];
    const pods = this.podsOf(service);
    // The pods are elsewhere (another chart, an operator): judge by what the Service itself says.
    if (pods.length === 0)
      return (
        this.z2jhFromService(service, target) ??
        servicePortReach(service.name, service.get(['spec', 'selector']), sp, undefined, service.get(['metadata', 'labels']))
      );
    for (const pod of pods) {
      const traefik = autohttpsTraefik(pod);
      if (traefik) {
        out.push(...this.behindAutohttps(pod, traefik, target));
        continue;
      }
      for (const s of this.servicesOf(pod)) {
        const number = resolveTargetPort(s, target);
        if (number === undefined) continue;
        for (const port of s.service.ports) if (port.port === number) out.push({ target: s, port });
      }
    }
    return out;
  }

  /**
   * What the `autohttps` pod of zero-to-jupyterhub (`proxy.https.type: letsencrypt`) reaches on a
   * target port: its Traefik terminates TLS on the `https` port and sends every request to the
   * `proxy-http` Service, which selects the chart's `proxy` pods of the same release (its
   * `component: proxy` and the `app` and `release` labels the autohttps pod carries); the `http` port
   * only redirects to https and answers ACME challenges.
   */
  private behindAutohttps(pod: PodSpecDocument, traefik: ContainerView, target: unknown): Reach[] {
    const https = containerPortOf(traefik.container, 'https');
    if (https === undefined || containerPortOf(traefik.container, target) !== https) return [];
    const via = `the Traefik of ${objectLabel(pod)} (zero-to-jupyterhub's autohttps)`;
    return this.proxyReaches(pod.owner.namespace, podLabels(pod), via) ?? [];
  }

  /**
   * The JupyterHub proxy ports of the chart's `proxy` pods of the release `labels` name (their `app`
   * and `release`), reached `via` the autohttps Traefik; undefined when no such pod is in the scan.
   */
  private proxyReaches(namespace: string, labels: Obj, via: string): Reach[] | undefined {
    const selector: Obj = { component: 'proxy' };
    for (const k of ['app', 'release']) if (labels[k] !== undefined) selector[k] = labels[k];
    const pods = this.podsSelectedBy(namespace, selector);
    if (pods.length === 0) return undefined;
    const out: Reach[] = [];
    for (const proxy of pods)
      for (const s of this.servicesOf(proxy))
        if (s.service.type === 'jupyterhub') for (const port of s.service.ports) out.push({ target: { ...s, via }, port });
    return out;
  }

  /**
   * What a port of zero-to-jupyterhub's `proxy-public` reaches when the pods it selects are not in
   * the scan: its selector names the chart's `proxy` (configurable-http-proxy: its `http` port, 8000,
   * or `https`, 8443) or `autohttps` component (Traefik: its `https` port leads to the proxy pods of
   * the release, found in the scan when they are there; its `http` port only redirects). Undefined
   * for any other Service; the hub's configuration in the scan decides authentication, as for the pods.
   */
  private z2jhFromService(service: K8sObjectDocument, target: unknown): Reach[] | undefined {
    const selector = service.get(['spec', 'selector']);
    if (!isObj(selector) || (selector.component !== 'proxy' && selector.component !== 'autohttps')) return undefined;
    // The chart's name tells only where the selector names no app: `app: envoy` is another product's proxy.
    if (selector.app !== 'jupyterhub' && (selector.app !== undefined || !/(?:^|-)proxy-public$/.test(service.name))) return undefined;
    const signal = `selector component: ${selector.component}`;
    let port: number | undefined;
    let via: string | undefined;
    if (selector.component === 'autohttps') {
      if (target !== 'https' && target !== 8443 && target !== '8443') return [];
      via = `the autohttps Traefik Service '${service.name}' selects (not in the scan; recognised by ${signal})`;
      // The release's proxy pods in the scan say what they are, even when it is no JupyterHub proxy.
      const found = this.proxyReaches(service.namespace, selector, via);
      if (found) return found;
      port = 8000;
    } else {
      port = target === 'http' ? 8000 : target === 'https' ? 8443 : /^\d+$/.test(String(target)) ? Number(target) : undefined;
      // The proxy's API port (8001, `api`) takes the hub's token: proxy-api, not proxy-public.
      if (port === undefined || port === 8001) return undefined;
    }
    const hub = jupyterHubAuth(this.set, service.namespace, releaseOf(selector));
    const ai: AiService = {
      type: 'jupyterhub',
      label: JUPYTERHUB_PROXY.label,
      ports: [{ port, role: JUPYTERHUB_PROXY.role, impact: 'control' }],
      auth: hub?.auth ?? 'on',
      authReason: hub?.authReason ?? JUPYTERHUB_PROXY.authReason,
      signals: [signal],
    };
    const where = via
      ? "zero-to-jupyterhub's proxy pods (not in the scan)"
      : `zero-to-jupyterhub's proxy pods behind Service '${service.name}' (not in the scan; recognised by ${signal})`;
    return [{ target: { service: ai, where, ...(via ? { via } : {}) }, port: ai.ports[0] }];
  }

  /** Finds a Service port by number or name; returns its index. */
  servicePortIndex(service: K8sObjectDocument, port: unknown): number | undefined {
    const ports = service.get(['spec', 'ports']);
    if (!Array.isArray(ports)) return undefined;
    if (port === undefined) return ports.length === 1 ? 0 : undefined;
    const i = ports.findIndex((p) => isObj(p) && (typeof port === 'number' ? Number(p.port) === port : p.name === port));
    return i >= 0 ? i : undefined;
  }

  service(namespace: string, name: string): K8sObjectDocument | undefined {
    return this.servicesByName.get(`${namespace}/${name}`);
  }
}

/** The Traefik container of zero-to-jupyterhub's `autohttps` pod (`component: autohttps`, its chart's component label), or undefined for another pod. */
function autohttpsTraefik(pod: PodSpecDocument): ContainerView | undefined {
  if (podLabels(pod).component !== 'autohttps') return undefined;
  return pod.containers.find((c) => c.group === 'containers' && isTraefik(c.container));
}

function isTraefik(container: Obj): boolean {
  return typeof container.image === 'string' && /(?:^|\/)traefik$/.test(imageRepo(container.image));
}

/** The container port a target port (a number, or a port name) means for one container, or undefined. */
function containerPortOf(container: Obj, target: unknown): number | undefined {
  if (typeof target === 'number') return target;
  if (typeof target !== 'string') return undefined;
  if (/^\d+$/.test(target)) return Number(target);
  const ports = container.ports;
  if (!Array.isArray(ports)) return undefined;
  for (const p of ports) if (isObj(p) && p.name === target && typeof p.containerPort === 'number') return p.containerPort;
  return undefined;
}

/** The container port a targetPort means for one AI service: a number, the number of the Service port or of the container port it names. */
function resolveTargetPort(s: PodAiService, target: unknown): number | undefined {
  const own = typeof target === 'string' && !/^\d+$/.test(target) ? s.service.ports.find((p) => p.name === target) : undefined;
  return own ? own.port : containerPortOf(s.container.container, target);
}

const indexCache = new WeakMap<K8sSetDocument, NetworkIndex>();

export function networkIndex(set: K8sSetDocument): NetworkIndex {
  let idx = indexCache.get(set);
  if (!idx) {
    idx = new NetworkIndex(set);
    indexCache.set(set, idx);
  }
  return idx;
}

export interface IngressBackend {
  /** Object path of the backend (relative to the Ingress). */
  path: ObjectPath;
  serviceName: string;
  /** Port number or name; undefined when not given. */
  port: number | string | undefined;
  /** Host of the rule, when the backend belongs to a rule with a host. */
  host?: string;
}

function backendOf(b: unknown, path: ObjectPath, host: string | undefined): IngressBackend | undefined {
  if (!isObj(b)) return undefined;
  const withHost = (x: IngressBackend): IngressBackend => (host !== undefined ? { ...x, host } : x);
  if (isObj(b.service) && typeof b.service.name === 'string') {
    const p = isObj(b.service.port) ? b.service.port : {};
    const port = typeof p.number === 'number' ? p.number : typeof p.name === 'string' ? p.name : undefined;
    return withHost({ path, serviceName: b.service.name, port });
  }
  if (typeof b.serviceName === 'string') {
    const sp = b.servicePort;
    const port = typeof sp === 'number' ? sp : typeof sp === 'string' ? (/^\d+$/.test(sp) ? Number(sp) : sp) : undefined;
    return withHost({ path, serviceName: b.serviceName, port });
  }
  return undefined;
}

/** Every Service backend of an Ingress (networking.k8s.io/v1 and the older extensions/v1beta1 form). */
export function ingressBackends(ingress: K8sObjectDocument): IngressBackend[] {
  const out: IngressBackend[] = [];
  for (const key of ['defaultBackend', 'backend']) {
    const b = backendOf(ingress.get(['spec', key]), ['spec', key], undefined);
    if (b) out.push(b);
  }
  const rules = ingress.get(['spec', 'rules']);
  if (Array.isArray(rules)) {
    rules.forEach((r, i) => {
      if (!isObj(r) || !isObj(r.http) || !Array.isArray(r.http.paths)) return;
      const host = typeof r.host === 'string' ? r.host : undefined;
      r.http.paths.forEach((p, j) => {
        if (!isObj(p)) return;
        const b = backendOf(p.backend, ['spec', 'rules', i, 'http', 'paths', j, 'backend'], host);
        if (b) out.push(b);
      });
    });
  }
  return out;
}

export function isIngress(o: K8sObjectDocument): boolean {
  return o.resource.kind === 'Ingress' && ['networking.k8s.io', 'extensions'].includes(apiGroup(o.resource.apiVersion));
}

export function isService(o: K8sObjectDocument): boolean {
  return o.resource.kind === 'Service' && apiGroup(o.resource.apiVersion) === '';
}

/** What an Ingress backend reaches, through its Service. */
export function reachOfBackend(idx: NetworkIndex, ingress: K8sObjectDocument, b: IngressBackend): Reach[] {
  const svc = idx.service(ingress.namespace, b.serviceName);
  if (!svc) return servicePortReach(b.serviceName, undefined, undefined, b.port);
  const i = idx.servicePortIndex(svc, b.port);
  return i === undefined ? [] : idx.reachOfServicePort(svc, i);
}

const AUTH_ANNOTATIONS = [
  'nginx.ingress.kubernetes.io/auth-url',
  'nginx.ingress.kubernetes.io/auth-type',
  'ingress.kubernetes.io/auth-url',
  'ingress.kubernetes.io/auth-type',
  'haproxy.org/auth-type',
  'haproxy-ingress.github.io/auth-type',
  'haproxy-ingress.github.io/auth-url',
  'traefik.ingress.kubernetes.io/router.middlewares',
  'konghq.com/plugins',
  'nginx.org/basic-auth-secret',
  'nginx.com/jwt-key',
];

/** The annotation or mechanism that authenticates requests through an Ingress, if any is visible. */
export function ingressAuth(idx: NetworkIndex, ingress: K8sObjectDocument): string | undefined {
  const a = ingress.annotations;
  for (const k of AUTH_ANNOTATIONS) {
    const v = a[k];
    if (typeof v === 'string' && v.trim() !== '') return `${k}: ${v}`;
  }
  const alb = a['alb.ingress.kubernetes.io/auth-type'];
  if (alb === 'cognito' || alb === 'oidc') return `alb.ingress.kubernetes.io/auth-type: ${alb}`;
  const mtls = a['nginx.ingress.kubernetes.io/auth-tls-verify-client'];
  if (mtls === 'on') return 'nginx.ingress.kubernetes.io/auth-tls-verify-client: on';
  if (ingressClass(ingress) === 'istio' && idx.istioAuth) return 'Istio RequestAuthentication/AuthorizationPolicy';
  return undefined;
}

export function ingressClass(ingress: K8sObjectDocument): string | undefined {
  const c = ingress.get(['spec', 'ingressClassName']);
  if (typeof c === 'string') return c;
  const a = ingress.annotations['kubernetes.io/ingress.class'];
  return typeof a === 'string' ? a : undefined;
}

/** Annotations with which a cloud load balancer terminates TLS for an Ingress (no `tls` entry needed). */
const LOAD_BALANCER_TLS = [
  'alb.ingress.kubernetes.io/certificate-arn',
  'ingress.gcp.kubernetes.io/pre-shared-cert',
  'networking.gke.io/managed-certificates',
  'appgw.ingress.kubernetes.io/appgw-ssl-certificate',
];

/** True when TLS covers a host of the Ingress (a TLS entry without hosts covers every host, as does a load balancer certificate). */
export function tlsCovers(ingress: K8sObjectDocument, host: string | undefined): boolean {
  if (LOAD_BALANCER_TLS.some((k) => typeof ingress.annotations[k] === 'string' && ingress.annotations[k].trim() !== '')) return true;
  const tls = ingress.get(['spec', 'tls']);
  if (!Array.isArray(tls) || tls.length === 0) return false;
  for (const t of tls) {
    if (!isObj(t)) continue;
    if (!Array.isArray(t.hosts) || t.hosts.length === 0) return true;
    if (host === undefined) continue;
    for (const h of t.hosts) {
      if (h === host) return true;
      if (typeof h === 'string' && h.startsWith('*.') && host.endsWith(h.slice(1)) && !host.slice(0, -h.length + 1).includes('.'))
        return true;
    }
  }
  return false;
}

const ORDER: Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

export function lower(s: Severity, steps = 1): Severity {
  return ORDER[Math.max(1, ORDER.indexOf(s) - steps)];
}

/** Severity of reaching a port from outside, before any discount for how far the exposure goes. */
export function exposureSeverity(auth: AuthState, impact: Impact): Severity | undefined {
  if (auth === 'on') return undefined;
  if (impact === 'info') return 'low';
  if (auth === 'off') return impact === 'control' ? 'critical' : 'high';
  return 'medium';
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b;
}

/** The worst reach of a list (by severity), with its severity. */
export function worstReach(reaches: readonly Reach[]): { reach: Reach; severity: Severity } | undefined {
  let best: { reach: Reach; severity: Severity } | undefined;
  for (const r of reaches) {
    const s = exposureSeverity(r.target.service.auth, r.port.impact);
    if (!s) continue;
    if (!best || ORDER.indexOf(s) > ORDER.indexOf(best.severity)) best = { reach: r, severity: s };
  }
  return best;
}

/** `Jupyter notebook server (runs code) on port 8888 of Deployment 'nb' (authentication off: …)`. */
export function describeReach(r: Reach): string {
  const auth =
    r.target.service.auth === 'off'
      ? `authentication off: ${r.target.service.authReason}`
      : `authentication not visible: ${r.target.service.authReason}`;
  return `${r.target.service.label} ${r.port.role} on port ${r.port.port} of ${reachOwner(r)} (${auth})`;
}

/** A backend of a Gateway API route (HTTPRoute, GRPCRoute): a Service, or an InferencePool of model servers. */
export interface RouteBackend {
  path: ObjectPath;
  namespace: string;
  /** The Service's name, or the InferencePool's. */
  serviceName: string;
  port: number | undefined;
  /** Index of the route rule the backend belongs to. */
  rule: number;
  /** True when the backend is an InferencePool (Gateway API Inference Extension). */
  pool?: true;
}

export function isGatewayRoute(o: K8sObjectDocument): boolean {
  return (
    (o.resource.kind === 'HTTPRoute' || o.resource.kind === 'GRPCRoute') && apiGroup(o.resource.apiVersion) === 'gateway.networking.k8s.io'
  );
}

/** Every Service backend of a Gateway API route. */
export function routeBackends(route: K8sObjectDocument): RouteBackend[] {
  const out: RouteBackend[] = [];
  const rules = route.get(['spec', 'rules']);
  if (!Array.isArray(rules)) return out;
  rules.forEach((r, i) => {
    if (!isObj(r) || !Array.isArray(r.backendRefs)) return;
    r.backendRefs.forEach((b, j) => {
      if (!isObj(b) || typeof b.name !== 'string') return;
      const pool = b.kind === 'InferencePool' && typeof b.group === 'string' && INFERENCE_GROUPS.test(b.group);
      if (!pool && ((b.kind !== undefined && b.kind !== 'Service') || (b.group !== undefined && b.group !== ''))) return;
      out.push({
        ...(pool ? { pool: true as const } : {}),
        path: ['spec', 'rules', i, 'backendRefs', j],
        namespace: typeof b.namespace === 'string' ? b.namespace : route.namespace,
        serviceName: b.name,
        port: typeof b.port === 'number' ? b.port : undefined,
        rule: i,
      });
    });
  });
  return out;
}

/** What a route backend reaches, through its Service. */
export function reachOfRouteBackend(idx: NetworkIndex, b: RouteBackend): Reach[] {
  if (b.pool) return reachOfInferencePool(idx, b);
  const svc = idx.service(b.namespace, b.serviceName);
  if (!svc) return servicePortReach(b.serviceName, undefined, undefined, b.port);
  const i = idx.servicePortIndex(svc, b.port);
  return i === undefined ? [] : idx.reachOfServicePort(svc, i);
}

/** The model server ports an InferencePool sends requests to: `targetPorts[].number` (v1) or `targetPortNumber` (v1alpha2). */
function poolPorts(pool: K8sObjectDocument): number[] {
  const many = pool.get(['spec', 'targetPorts']);
  const ports = Array.isArray(many)
    ? many.map((p) => (isObj(p) ? Number(p.number) : NaN))
    : [Number(pool.get(['spec', 'targetPortNumber']))];
  return ports.filter((n) => Number.isInteger(n) && n > 0);
}

/**
 * What an InferencePool backend reaches: the model servers its selector picks (`selector.matchLabels`
 * in v1, a label map in v1alpha2) on its target ports. A pool fronts model servers by definition, so
 * one whose pool or pods are not in the scan is an inference API whose authentication is not visible.
 */
function reachOfInferencePool(idx: NetworkIndex, b: RouteBackend): Reach[] {
  const pool = idx.inferencePools.get(`${b.namespace}/${b.serviceName}`);
  const unseen = (why: string): Reach[] => {
    const port: AiPort = { port: (pool && poolPorts(pool)[0]) ?? 8000, role: 'inference API', impact: 'access' };
    const service: AiService = {
      type: 'openai-compatible',
      label: 'model servers',
      ports: [port],
      auth: 'unknown',
      authReason: `model servers run without an API key unless one is configured; ${why}`,
      signals: [`InferencePool '${b.serviceName}'`],
    };
    return [{ target: { service, where: `InferencePool '${b.serviceName}'` }, port }];
  };
  if (!pool) return unseen('the InferencePool is not in the scan');
  const sel = pool.get(['spec', 'selector']);
  const selector = isObj(sel) && isObj(sel.matchLabels) ? sel.matchLabels : sel;
  const pods = idx.podsSelectedBy(pool.namespace, selector);
  if (pods.length === 0) return unseen('its pods are not in the scan');
  const ports = poolPorts(pool);
  const out: Reach[] = [];
  for (const pod of pods)
    for (const s of idx.servicesOf(pod)) for (const port of s.service.ports) if (ports.includes(port.port)) out.push({ target: s, port });
  return out;
}

/** Annotations and classes that keep a Gateway's load balancer on the internal network. */
const INTERNAL_GATEWAY_ANNOTATIONS: Record<string, (v: string) => boolean> = {
  'networking.gke.io/load-balancer-type': (v) => v.toLowerCase() === 'internal',
  'service.beta.kubernetes.io/aws-load-balancer-scheme': (v) => v === 'internal',
  'service.beta.kubernetes.io/aws-load-balancer-internal': (v) => v !== 'false',
  'service.beta.kubernetes.io/azure-load-balancer-internal': (v) => v === 'true',
};

/**
 * True when every Gateway the route attaches to is in the scan and internal: an internal class
 * (`gke-l7-rilb`, a class named `…internal…`) or an internal load balancer annotation on the Gateway
 * or its `spec.infrastructure`.
 */
export function routeOnInternalGateways(idx: NetworkIndex, route: K8sObjectDocument): boolean {
  const parents = route.get(['spec', 'parentRefs']);
  if (!Array.isArray(parents) || parents.length === 0) return false;
  return parents.every((p) => {
    if (!isObj(p) || typeof p.name !== 'string' || (p.kind !== undefined && p.kind !== 'Gateway')) return false;
    const gw = idx.gateways.get(`${typeof p.namespace === 'string' ? p.namespace : route.namespace}/${p.name}`);
    if (!gw) return false;
    const cls = gw.get(['spec', 'gatewayClassName']);
    if (typeof cls === 'string' && (/internal/i.test(cls) || /^gke-l7-rilb/.test(cls))) return true;
    const infra = gw.get(['spec', 'infrastructure', 'annotations']);
    const annotations = { ...gw.annotations, ...(isObj(infra) ? infra : {}) };
    return Object.entries(INTERNAL_GATEWAY_ANNOTATIONS).some(([k, test]) => typeof annotations[k] === 'string' && test(annotations[k]));
  });
}

const ENVOY_GATEWAY_AUTH = ['basicAuth', 'jwt', 'oidc', 'extAuth', 'apiKeyAuth'];

/** The mechanism that authenticates requests through a route, if any is visible in the scan. */
export function routeAuth(idx: NetworkIndex, route: K8sObjectDocument, rule: number): string | undefined {
  const plugins = route.annotations['konghq.com/plugins'];
  if (typeof plugins === 'string' && plugins.trim() !== '') return `konghq.com/plugins: ${plugins}`;
  const filters = route.get(['spec', 'rules', rule, 'filters']);
  if (Array.isArray(filters) && filters.some((f) => isObj(f) && f.type === 'ExtensionRef')) return 'an ExtensionRef filter';
  if (idx.istioAuth) return 'Istio RequestAuthentication/AuthorizationPolicy';
  const parents = route.get(['spec', 'parentRefs']);
  const gateways = new Set<string>();
  if (Array.isArray(parents))
    for (const p of parents)
      if (isObj(p) && typeof p.name === 'string' && (p.kind === undefined || p.kind === 'Gateway'))
        gateways.add(`${typeof p.namespace === 'string' ? p.namespace : route.namespace}/${p.name}`);
  for (const sp of idx.securityPolicies) {
    if (!ENVOY_GATEWAY_AUTH.some((k) => sp.get(['spec', k]) !== undefined)) continue;
    const single = sp.get(['spec', 'targetRef']);
    const many = sp.get(['spec', 'targetRefs']);
    const targets = [...(Array.isArray(many) ? many : []), ...(isObj(single) ? [single] : [])];
    for (const t of targets) {
      if (!isObj(t) || typeof t.name !== 'string') continue;
      if (t.kind === route.resource.kind && t.name === route.name && sp.namespace === route.namespace) return `SecurityPolicy '${sp.name}'`;
      if (t.kind === 'Gateway' && gateways.has(`${sp.namespace}/${t.name}`)) return `SecurityPolicy '${sp.name}' on Gateway '${t.name}'`;
    }
  }
  return undefined;
}

/**
 * The listeners of the scan's Gateways a route attaches to, or undefined when a parent Gateway is
 * not in the scan (nothing can be said about its TLS then).
 */
export function routeListeners(
  idx: NetworkIndex,
  route: K8sObjectDocument,
): Array<{ gateway: string; name: string; protocol: string }> | undefined {
  const parents = route.get(['spec', 'parentRefs']);
  if (!Array.isArray(parents) || parents.length === 0) return undefined;
  const out: Array<{ gateway: string; name: string; protocol: string }> = [];
  for (const p of parents) {
    if (!isObj(p) || typeof p.name !== 'string' || (p.kind !== undefined && p.kind !== 'Gateway')) return undefined;
    const ns = typeof p.namespace === 'string' ? p.namespace : route.namespace;
    const gw = idx.gateways.get(`${ns}/${p.name}`);
    if (!gw) return undefined;
    const listeners = gw.get(['spec', 'listeners']);
    if (!Array.isArray(listeners)) return undefined;
    for (const l of listeners) {
      if (!isObj(l) || typeof l.protocol !== 'string') continue;
      if (typeof p.sectionName === 'string' && l.name !== p.sectionName) continue;
      if (typeof p.port === 'number' && l.port !== p.port) continue;
      out.push({ gateway: gw.name, name: typeof l.name === 'string' ? l.name : '', protocol: l.protocol });
    }
  }
  return out.length ? out : undefined;
}
