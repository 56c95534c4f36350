// Generates a deterministic corpus of Kubernetes manifests for the benchmark: a realistic mix of
// workloads (some hardened, most not), services, config, RBAC and AI operators' resources.
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
