// Generates deterministic corpora of Kubernetes manifests for the benchmark: a realistic mix of
// workloads (some hardened, most not), services, config, RBAC and AI operators' resources; and a
// hardened variant of the same shape that draws few findings (`generateHardenedK8sCorpus`).
import { mkdirSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rng } from './seeded-random.mjs';

const IMAGES = [
  'vllm/vllm-openai:v0.6.3',
  'ghcr.io/huggingface/text-generation-inference:2.4.0',
  'jupyter/scipy-notebook:latest',
  'rayproject/ray:2.38.0-gpu',
  'nginx:1.27',
  'python:3.12-slim',
  'registry.example.com/team/api@sha256:' + 'a'.repeat(64),
];

function container(r, i, hardened) {
  const img = IMAGES[Math.floor(r() * IMAGES.length)];
  const sc = hardened
    ? `        securityContext:
          runAsNonRoot: true
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities:
            drop: ["ALL"]
          seccompProfile:
            type: RuntimeDefault
`
    : r() < 0.2
      ? `        securityContext:
          privileged: true
`
      : '';
  const gpu = r() < 0.3 ? `            nvidia.com/gpu: "1"\n` : '';
  return `      - name: c${i}
        image: ${img}
        args: ["--port", "8000", "--max-model-len", "4096"]
        ports:
        - containerPort: 8000
          name: http
        env:
        - name: LOG_LEVEL
          value: info
        - name: MODEL_ID
          value: meta-llama/Llama-3.1-8B-Instruct
        resources:
          requests:
            cpu: "2"
            memory: 8Gi
          limits:
            cpu: "4"
            memory: 16Gi
${gpu}${sc}        volumeMounts:
        - name: cache
          mountPath: /root/.cache
`;
}

function deployment(ns, name, r) {
  const hardened = r() < 0.3;
  const n = 1 + Math.floor(r() * 2);
  let cs = '';
  for (let i = 0; i < n; i++) cs += container(r, i, hardened);
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
  labels:
    app: ${name}
    team: ${ns}
  annotations:
    description: "model server ${name}"
spec:
  replicas: 2
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      serviceAccountName: ${name}
${hardened ? '      automountServiceAccountToken: false\n' : ''}      containers:
${cs}      volumes:
      - name: cache
        emptyDir: {}
`;
}

const service = (ns, name, r) => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  type: ${r() < 0.2 ? 'LoadBalancer' : 'ClusterIP'}
  selector:
    app: ${name}
  ports:
  - name: http
    port: 80
    targetPort: http
`;

const configMap = (ns, name) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}-config
  namespace: ${ns}
data:
  MAX_BATCH: "32"
  TEMPERATURE: "0.7"
  config.yaml: |
    server:
      port: 8000
      workers: 4
`;

const rayCluster = (ns, name) => `apiVersion: ray.io/v1
kind: RayCluster
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  headGroupSpec:
    rayStartParams:
      dashboard-host: 0.0.0.0
    template:
      spec:
        containers:
        - name: ray-head
          image: rayproject/ray:2.38.0
          ports:
          - containerPort: 8265
            name: dashboard
  workerGroupSpecs:
  - groupName: gpu
    replicas: 2
    template:
      spec:
        containers:
        - name: worker
          image: rayproject/ray:2.38.0-gpu
          resources:
            limits:
              nvidia.com/gpu: "1"
`;

const role = (ns, name) => `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: ${name}
  namespace: ${ns}
rules:
- apiGroups: [""]
  resources: ["configmaps", "pods"]
  verbs: ["get", "list", "watch"]
`;

const binding = (ns, name) => `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: ${name}
  namespace: ${ns}
subjects:
- kind: ServiceAccount
  name: ${name}
  namespace: ${ns}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: ${name}
`;

const netpol = (ns) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: ${ns}
spec:
  podSelector: {}
  policyTypes: ["Ingress", "Egress"]
`;

const KINDS = [
  [deployment, 0.3],
  [(ns, n, r) => service(ns, n, r), 0.2],
  [configMap, 0.2],
  [rayCluster, 0.05],
  [role, 0.1],
  [binding, 0.1],
  [netpol, 0.05],
];

/** Writes `files` files of `perFile` objects each under `dir`; returns the object count. */
export function generateK8sCorpus(dir, files = 5000, perFile = 10, seed = 42) {
  const stamp = join(dir, '.complete');
  const want = `${files}x${perFile}@${seed}`;
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return files * perFile;
  rmSync(dir, { recursive: true, force: true });
  const r = rng(seed);
  for (let f = 0; f < files; f++) {
    const ns = `team-${f % 50}`;
    const sub = join(dir, ns);
    if (f < 50) mkdirSync(sub, { recursive: true });
    const docs = [];
    for (let k = 0; k < perFile; k++) {
      const name = `svc-${f}-${k}`;
      let x = r();
      let gen = KINDS[0][0];
      for (const [g, p] of KINDS) {
        if (x < p) {
          gen = g;
          break;
        }
        x -= p;
      }
      docs.push(gen(ns, name, r));
    }
    writeFileSync(join(sub, `app-${f}.yaml`), docs.join('---\n'));
  }
  writeFileSync(stamp, want);
  return files * perFile;
}

// The hardened variant: what a team that follows the rules deploys. Every namespace has its Namespace
// (Pod Security labels), default-deny NetworkPolicies, a ResourceQuota and a LimitRange; workloads run
// pinned images as non-root with a read-only root filesystem, no capabilities, seccomp, probes,
// requests and limits and no API token, under their own ServiceAccount; Services select those pods.

const DIGEST = '@sha256:' + 'b'.repeat(64);
const HARDENED_IMAGES = [
  'vllm/vllm-openai:v0.6.3' + DIGEST,
  'ghcr.io/huggingface/text-generation-inference:2.4.0' + DIGEST,
  'registry.example.com/team/api:1.4.2' + DIGEST,
  'python:3.12-slim' + DIGEST,
];

function hardenedContainer(r, i) {
  const img = HARDENED_IMAGES[Math.floor(r() * HARDENED_IMAGES.length)];
  const gpu = r() < 0.3 ? `            nvidia.com/gpu: "1"\n` : '';
  return `      - name: c${i}
        image: ${img}
        args: ["--port", "8000", "--max-model-len", "4096"]
        ports:
        - containerPort: 8000
          name: http
        env:
        - name: LOG_LEVEL
          value: info
        - name: MODEL_ID
          value: meta-llama/Llama-3.1-8B-Instruct
        resources:
          requests:
            cpu: "2"
            memory: 8Gi
${gpu.replace('limits', 'requests')}          limits:
            cpu: "4"
            memory: 16Gi
${gpu}        securityContext:
          runAsNonRoot: true
          runAsUser: 10001
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities:
            drop: ["ALL"]
          seccompProfile:
            type: RuntimeDefault
        livenessProbe:
          httpGet:
            path: /health
            port: http
        readinessProbe:
          httpGet:
            path: /health
            port: http
        volumeMounts:
        - name: cache
          mountPath: /cache
        - name: tmp
          mountPath: /tmp
`;
}

function hardenedDeployment(ns, name, r) {
  const n = 1 + Math.floor(r() * 2);
  let cs = '';
  for (let i = 0; i < n; i++) cs += hardenedContainer(r, i);
  return `apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${name}
  namespace: ${ns}
automountServiceAccountToken: false
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
  labels:
    app: ${name}
    team: ${ns}
  annotations:
    description: "model server ${name}"
spec:
  replicas: 2
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      serviceAccountName: ${name}
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        fsGroup: 10001
        seccompProfile:
          type: RuntimeDefault
      containers:
${cs}      volumes:
      - name: cache
        emptyDir:
          sizeLimit: 20Gi
      - name: tmp
        emptyDir:
          sizeLimit: 1Gi
---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  type: ClusterIP
  selector:
    app: ${name}
  ports:
  - name: http
    port: 80
    targetPort: http
`;
}

const hardenedRbac = (ns, name) => `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: ${name}
  namespace: ${ns}
rules:
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["get", "list", "watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: ${name}
  namespace: ${ns}
subjects:
- kind: ServiceAccount
  name: ${name}
  namespace: ${ns}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: ${name}
`;

const allowFromGateway = (ns, name) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}-from-gateway
  namespace: ${ns}
spec:
  podSelector:
    matchLabels:
      app: ${name}
  policyTypes: ["Ingress"]
  ingress:
  - from:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: gateway
    ports:
    - port: 8000
      protocol: TCP
`;

/** What every namespace of the hardened corpus holds once (written to its first file). */
const tenancy = (ns) => `apiVersion: v1
kind: Namespace
metadata:
  name: ${ns}
  labels:
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/warn: restricted
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: ${ns}
spec:
  podSelector: {}
  policyTypes: ["Ingress", "Egress"]
---
apiVersion: v1
kind: ResourceQuota
metadata:
  name: quota
  namespace: ${ns}
spec:
  hard:
    requests.cpu: "200"
    requests.memory: 800Gi
    requests.nvidia.com/gpu: "16"
    limits.nvidia.com/gpu: "16"
---
apiVersion: v1
kind: LimitRange
metadata:
  name: limits
  namespace: ${ns}
spec:
  limits:
  - type: Container
    default:
      cpu: "1"
      memory: 1Gi
    defaultRequest:
      cpu: 250m
      memory: 256Mi
`;

/** Objects each generator writes (a hardened workload is its ServiceAccount, Deployment and Service). */
const HARDENED_KINDS = [
  [hardenedDeployment, 0.5, 3],
  [configMap, 0.25, 1],
  [hardenedRbac, 0.15, 2],
  [allowFromGateway, 0.1, 1],
];

/**
 * Writes the hardened corpus: `files` files of about `perFile` objects each under `dir`, over 50
 * namespaces; returns the object count.
 */
export function generateHardenedK8sCorpus(dir, files = 5000, perFile = 10, seed = 42) {
  const stamp = join(dir, '.complete');
  const want = `hardened ${files}x${perFile}@${seed}`;
  if (existsSync(stamp)) {
    const [done, count] = readFileSync(stamp, 'utf8').split('=');
    if (done === want) return Number(count);
  }
  rmSync(dir, { recursive: true, force: true });
  const r = rng(seed);
  let objects = 0;
  for (let f = 0; f < files; f++) {
    const ns = `team-${f % 50}`;
    const sub = join(dir, ns);
    const docs = [];
    let count = 0;
    if (f < 50) {
      mkdirSync(sub, { recursive: true });
      docs.push(tenancy(ns));
      count += 4;
    }
    for (let k = 0; count < perFile; k++) {
      const name = `svc-${f}-${k}`;
      let x = r();
      let pick = HARDENED_KINDS[0];
      for (const kind of HARDENED_KINDS) {
        if (x < kind[1]) {
          pick = kind;
          break;
        }
        x -= kind[1];
      }
      docs.push(pick[0](ns, name, r));
      count += pick[2];
    }
    objects += count;
    writeFileSync(join(sub, `app-${f}.yaml`), docs.join('---\n'));
  }
  writeFileSync(stamp, `${want}=${objects}`);
  return objects;
}
