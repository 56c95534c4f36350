/**
 * Recognises an AI service from the Service (or the Ingress or route backend) in front of it, for
 * when the pods behind it are not in the scan: the labels its selector names (those AI operators and
 * charts set), its port names, its well-known port numbers, and its name.
 */
import type { AiPort, AiService, AiServiceType, AuthState, Impact } from './ai-services.js';

interface Product {
  type: AiServiceType;
  label: string;
  /** Matches a label value, a port name or a Service name that names the product (none: only its operator's labels name it). */
  name?: RegExp;
  /** Default ports; the first non-`info` one is the main port. */
  ports: ReadonlyArray<{ port: number; role: string; impact: Impact; names?: RegExp; auth?: AuthState; authReason?: string }>;
  /** Authentication when the pods cannot be seen: `off` only for products that have none. */
  auth: AuthState;
  authReason: string;
  /** Port numbers that name the product on their own (no other common software listens there). */
  ownPorts?: readonly number[];
  dataStore?: true;
}

const NOT_VISIBLE = 'the pods are not in the scan, so their settings are not visible';

const PRODUCTS: readonly Product[] = [
  {
    type: 'ray',
    label: 'Ray',
    name: /^(?:.+-)?(?:ray-head|raycluster|ray-cluster|kuberay-head)(?:-.+)?$/s,
    ports: [
      { port: 8265, role: 'dashboard and Jobs API (runs code)', impact: 'control', names: /dashboard/ },
      { port: 10001, role: 'client server (runs code)', impact: 'control', names: /client/ },
      { port: 6379, role: 'GCS server', impact: 'control', names: /gcs/ },
      {
        port: 8000,
        role: 'HTTP proxy (the deployed Serve applications)',
        impact: 'access',
        names: /serve/,
        auth: 'unknown',
        authReason: `Ray Serve has no authentication of its own: the applications may check credentials in their code; ${NOT_VISIBLE}`,
      },
    ],
    auth: 'unknown',
    authReason: `Ray has no authentication unless RAY_AUTH_MODE=token is set; ${NOT_VISIBLE}`,
    ownPorts: [8265],
  },
  {
    type: 'kserve',
    label: 'KServe InferenceService',
    // No name pattern: `-predictor`, `-transformer` and `-explainer` name ordinary Services too. KServe's own
    // marks are read instead: the `app` value it selects, and the label it puts on the Service (KSERVE_*).
    ports: [{ port: 8080, role: 'inference API (the model)', impact: 'access' }],
    auth: 'unknown',
    authReason: `KServe predictors have no authentication of their own (only a gateway or mesh policy in front of them checks callers); ${NOT_VISIBLE}`,
  },
  {
    type: 'seldon',
    label: 'Seldon Core deployment',
    ports: [
      { port: 8000, role: 'inference API (the model graph)', impact: 'access', names: /http|rest/ },
      { port: 5001, role: 'gRPC inference API (the model graph)', impact: 'access', names: /grpc/ },
    ],
    auth: 'unknown',
    authReason: `Seldon Core has no authentication of its own (the Istio or Ambassador gateway in front of it may check callers); ${NOT_VISIBLE}`,
  },
  {
    type: 'seldon',
    label: 'Seldon Core v2 inference server',
    ports: [
      { port: 9000, role: 'inference API (every model loaded on the server)', impact: 'access', names: /http|rest/ },
      { port: 9500, role: 'gRPC inference API (every model loaded on the server)', impact: 'access', names: /grpc/ },
    ],
    auth: 'unknown',
    authReason: `Seldon Core v2 servers have no authentication of their own; ${NOT_VISIBLE}`,
  },
  {
    type: 'kubeflow-pipelines',
    label: 'Kubeflow Pipelines',
    name: /^(?:.+-)?ml-pipeline-ui(?:-.+)?$/s,
    ports: [{ port: 3000, role: 'UI and API proxy (creates pipeline runs, which run any image)', impact: 'control' }],
    auth: 'unknown',
    authReason: `Kubeflow Pipelines has no login of its own: standalone, every visitor creates runs; in multi-user Kubeflow it trusts the identity header the gateway sets; ${NOT_VISIBLE}`,
  },
  {
    type: 'kuberay-apiserver',
    label: 'KubeRay API server',
    name: /^(?:.+-)?kuberay-apiserver(?:-.+)?$/s,
    ports: [
      { port: 8888, role: 'HTTP API (creates Ray clusters and jobs)', impact: 'control', names: /http/ },
      { port: 8887, role: 'gRPC API (creates Ray clusters and jobs)', impact: 'control', names: /rpc/ },
    ],
    auth: 'off',
    authReason: 'the KubeRay API server has no authentication of its own',
  },
  {
    type: 'jupyter',
    label: 'Jupyter',
    name: /^(?:.+-)?(?:jupyter|jupyterlab|jupyter-notebook|notebook-server)(?:-.+)?$/s,
    ports: [{ port: 8888, role: 'notebook server (runs code)', impact: 'control' }],
    auth: 'unknown',
    authReason: `Jupyter\u2019s token or password cannot be checked; ${NOT_VISIBLE}`,
  },
  {
    type: 'mlflow',
    label: 'MLflow',
    name: /^(?:.+-)?mlflow(?:-tracking|-server)?(?:-.+)?$/s,
    ports: [{ port: 5000, role: 'tracking server and model registry', impact: 'control' }],
    auth: 'unknown',
    authReason: `mlflow server has no authentication unless started with --app-name basic-auth; ${NOT_VISIBLE}`,
  },
  {
    type: 'ollama',
    label: 'Ollama',
    name: /^(?:.+-)?ollama(?:-.+)?$/s,
    ports: [{ port: 11434, role: 'API (pull, create and delete models)', impact: 'control' }],
    auth: 'off',
    authReason: 'Ollama has no authentication',
    ownPorts: [11434],
  },
  {
    type: 'openai-compatible',
    label: 'vLLM',
    name: /^(?:.+-)?vllm(?:-.+)?$/s,
    ports: [{ port: 8000, role: 'OpenAI-compatible inference API', impact: 'access' }],
    auth: 'unknown',
    authReason: `vLLM runs without an API key unless --api-key is set; ${NOT_VISIBLE}`,
  },
  {
    type: 'openai-compatible',
    label: 'Text Generation Inference',
    name: /^(?:.+-)?(?:tgi|text-generation-inference)(?:-.+)?$/s,
    ports: [{ port: 80, role: 'inference API', impact: 'access' }],
    auth: 'unknown',
    authReason: `TGI runs without an API key unless --api-key is set; ${NOT_VISIBLE}`,
  },
  {
    type: 'triton',
    label: 'Triton Inference Server',
    name: /^(?:.+-)?(?:triton|tritonserver|triton-inference-server)(?:-.+)?$/s,
    ports: [
      { port: 8000, role: 'HTTP API', impact: 'access', names: /http/ },
      { port: 8001, role: 'gRPC API', impact: 'access', names: /grpc/ },
      { port: 8002, role: 'metrics', impact: 'info', names: /metrics/ },
    ],
    auth: 'unknown',
    authReason: `Triton has no authentication unless restricted APIs are configured; ${NOT_VISIBLE}`,
  },
  {
    type: 'tensorboard',
    label: 'TensorBoard',
    name: /^(?:.+-)?tensorboard(?:-.+)?$/s,
    ports: [{ port: 6006, role: 'UI', impact: 'access' }],
    auth: 'off',
    authReason: 'TensorBoard has no authentication',
  },
  {
    type: 'gradio',
    label: 'Gradio',
    name: /^(?:.+-)?gradio(?:-.+)?$/s,
    ports: [{ port: 7860, role: 'app', impact: 'access' }],
    auth: 'unknown',
    authReason: 'Gradio authentication is configured in code',
    ownPorts: [7860],
  },
  {
    type: 'streamlit',
    label: 'Streamlit',
    name: /^(?:.+-)?streamlit(?:-.+)?$/s,
    ports: [{ port: 8501, role: 'app', impact: 'access' }],
    auth: 'unknown',
    authReason: 'Streamlit authentication is configured in code',
    ownPorts: [8501],
  },
  {
    type: 'redis',
    label: 'Redis',
    name: /^(?:.+-)?(?:redis|valkey)(?:-master|-primary|-headless|-replicas)?$/s,
    ports: [{ port: 6379, role: 'data store (CONFIG and MODULE commands run code)', impact: 'control' }],
    auth: 'unknown',
    authReason: `whether requirepass is set cannot be checked; ${NOT_VISIBLE}`,
    dataStore: true,
  },
  {
    type: 'vector-db',
    label: 'Qdrant',
    name: /^(?:.+-)?qdrant(?:-.+)?$/s,
    ports: [
      { port: 6333, role: 'HTTP API (collections and snapshots)', impact: 'access', names: /http|rest/ },
      { port: 6334, role: 'gRPC API', impact: 'access', names: /grpc/ },
    ],
    auth: 'unknown',
    authReason: `Qdrant has no authentication unless an API key is set; ${NOT_VISIBLE}`,
    ownPorts: [6333, 6334],
    dataStore: true,
  },
  {
    type: 'vector-db',
    label: 'Weaviate',
    name: /^(?:.+-)?weaviate(?:-.+)?$/s,
    ports: [
      { port: 8080, role: 'REST and GraphQL API', impact: 'access', names: /http/ },
      { port: 50051, role: 'gRPC API', impact: 'access', names: /grpc/ },
    ],
    auth: 'unknown',
    authReason: `Weaviate allows anonymous access unless authentication is enabled; ${NOT_VISIBLE}`,
    dataStore: true,
  },
  {
    type: 'vector-db',
    label: 'Milvus',
    name: /^(?:.+-)?milvus(?:-.+)?$/s,
    ports: [
      { port: 19530, role: 'gRPC and REST API', impact: 'access', names: /milvus|grpc/ },
      { port: 9091, role: 'metrics and health', impact: 'info', names: /metrics/ },
    ],
    auth: 'unknown',
    authReason: `Milvus authentication is off by default; ${NOT_VISIBLE}`,
    ownPorts: [19530],
    dataStore: true,
  },
  {
    type: 'vector-db',
    label: 'Chroma',
    name: /^(?:.+-)?(?:chroma|chromadb)(?:-.+)?$/s,
    ports: [{ port: 8000, role: 'HTTP API', impact: 'access' }],
    auth: 'unknown',
    authReason: `Chroma has no authentication unless an auth provider is set; ${NOT_VISIBLE}`,
    dataStore: true,
  },
];

/**
 * The `app` value KServe's raw deployment mode selects, `isvc.<Service name>`, for the predictor,
 * transformer or explainer Service (`-default` in releases before 0.7); newer releases select the bare
 * Service name and are known by `KSERVE_SERVICE_LABEL` on the Service.
 */
const KSERVE_APP = /^isvc\..+-(?:predictor|transformer|explainer)(?:-default)?$/s;
/** The label KServe puts on the Services (and pods) of an InferenceService, naming it. */
const KSERVE_SERVICE_LABEL = 'serving.kserve.io/inferenceservice';

/**
 * Longer values are not Kubernetes names (a Service name is at most 63 characters, a label value 63,
 * an object name 253): none is matched, so no pattern runs on a long value.
 */
const MAX_NAME = 253;

/** Selector label keys whose values name the application (Kubernetes recommended labels and common chart conventions). */
const NAME_KEYS = ['app.kubernetes.io/name', 'app.kubernetes.io/component', 'app', 'component', 'name', 'k8s-app', 'run'];

/** Labels that operators set on the pods they create, with what they mean. */
const OPERATOR_LABELS: ReadonlyArray<{ key: string; value?: string; product: string; label?: string }> = [
  { key: 'ray.io/node-type', value: 'head', product: 'Ray' },
  // KubeRay's `<RayService>-serve-svc` selects the pods whose Serve proxy is ready.
  { key: 'ray.io/serve', value: 'true', product: 'Ray', label: 'Ray Serve' },
  { key: 'notebook-name', product: 'Jupyter', label: 'Kubeflow notebook' },
  { key: 'serving.kserve.io/inferenceservice', product: 'KServe InferenceService' },
  { key: 'seldon-app', product: 'Seldon Core deployment' },
  { key: 'seldon-deployment-id', product: 'Seldon Core deployment' },
  { key: 'seldon-server-name', product: 'Seldon Core v2 inference server' },
];

export interface ServicePortFacts {
  /** The Service's name (or the backend's service name). */
  serviceName: string;
  /** The Service selector, when the Service is in the scan. */
  selector?: Record<string, unknown>;
  /** The Service's own labels, when the Service is in the scan. */
  labels?: Record<string, unknown>;
  /** The Service port: number, name, target port (number or name). */
  port?: number;
  portName?: string;
  targetPort?: number | string;
}

function productByLabel(label: string): Product {
  return PRODUCTS.find((p) => p.label === label)!;
}

/** The first product whose name pattern matches the name, lower-cased once (a loop: an arrow capturing the name was compiled again and again). */
function productNamed(name: string): Product | undefined {
  if (name.length > MAX_NAME) return undefined;
  const lower = name.toLowerCase();
  for (const x of PRODUCTS) if (x.name?.test(lower)) return x;
  return undefined;
}

/** The first product that alone uses port `n` (a loop: an arrow capturing `n` was compiled again and again). */
function productOwningPort(n: number): Product | undefined {
  for (const x of PRODUCTS) if (x.ownPorts?.includes(n)) return x;
  return undefined;
}

/** Which product the Service names, and what gave it away. */
function productOf(f: ServicePortFacts): { product: Product; signal: string; label?: string } | undefined {
  const selector = f.selector ?? {};
  for (const o of OPERATOR_LABELS) {
    const v = selector[o.key];
    if (v !== undefined && (o.value === undefined || String(v) === o.value))
      return { product: productByLabel(o.product), signal: `selector ${o.key}: ${String(v)}`, label: o.label };
  }
  const app = selector.app;
  if (typeof app === 'string' && app.length <= MAX_NAME && KSERVE_APP.test(app))
    return { product: productByLabel('KServe InferenceService'), signal: `selector app: ${app}` };
  const own = f.labels?.[KSERVE_SERVICE_LABEL];
  if (typeof own === 'string')
    return { product: productByLabel('KServe InferenceService'), signal: `Service label ${KSERVE_SERVICE_LABEL}: ${own}` };
  for (const key of NAME_KEYS) {
    const v = selector[key];
    if (typeof v !== 'string') continue;
    const p = productNamed(v);
    if (p) return { product: p, signal: `selector ${key}: ${v}` };
  }
  const names = [f.portName, typeof f.targetPort === 'string' ? f.targetPort : undefined].filter((n): n is string => !!n);
  for (const n of names) {
    const p = productNamed(n);
    if (p) return { product: p, signal: `port name '${n}'` };
  }
  const numbers = [typeof f.targetPort === 'number' ? f.targetPort : undefined, f.port].filter((n): n is number => n !== undefined);
  for (const n of numbers) {
    const p = productOwningPort(n);
    if (p) return { product: p, signal: `port ${n}` };
  }
  const p = productNamed(f.serviceName);
  if (p) return { product: p, signal: `Service name '${f.serviceName}'` };
  return undefined;
}

/** The product port a Service port leads to: by number, then by name, then the main port of a single-port product. */
function portOf(product: Product, f: ServicePortFacts): Product['ports'][number] | undefined {
  const numbers = [typeof f.targetPort === 'number' ? f.targetPort : undefined, f.port].filter((n): n is number => n !== undefined);
  for (const n of numbers) {
    const p = product.ports.find((x) => x.port === n);
    if (p) return p;
  }
  const names = [f.portName, typeof f.targetPort === 'string' ? f.targetPort : undefined]
    .filter((n): n is string => !!n)
    .map((n) => n.toLowerCase());
  for (const n of names) {
    const p = product.ports.find((x) => x.names?.test(n));
    if (p) return p;
  }
  const main = product.ports.filter((x) => x.impact !== 'info');
  return main.length === 1 ? main[0] : undefined;
}

/**
 * The AI service and port behind a Service port whose pods are not in the scan, or undefined. The
 * port number is the one the Service sends traffic to (its target port when numeric).
 */
export function recogniseFromService(f: ServicePortFacts): { service: AiService; port: AiPort } | undefined {
  const found = productOf(f);
  if (!found) return undefined;
  const port = portOf(found.product, f);
  if (!port) return undefined;
  const number = typeof f.targetPort === 'number' ? f.targetPort : port.port;
  const p = found.product;
  const service: AiService = {
    type: p.type,
    label: found.label ?? p.label,
    ports: [{ port: number, role: port.role, impact: port.impact }],
    auth: port.auth ?? p.auth,
    authReason: port.authReason ?? p.authReason,
    signals: [found.signal],
  };
  if (p.dataStore) service.dataStore = true;
  return { service, port: service.ports[0] };
}
