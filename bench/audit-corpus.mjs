// A realistic Kubernetes audit log of an AI platform, generated: controllers, kubelets, the scheduler,
// CI deploys, SREs, data scientists, model servers, notebooks and a gateway doing their usual work over
// several hours, with attacks embedded after the first hours. Deterministic for a seed. Used by the
// precision/recall test (test/runtime-detection.test.ts) and by the audit bench.
import { rng } from './seeded-random.mjs';

const KCM_UA = (c) => `kube-controller-manager/v1.30.2 (linux/amd64) kubernetes/3905d6c/system:serviceaccount:kube-system:${c}`;
const KUBECTL = 'kubectl/v1.30.2 (linux/amd64) kubernetes/3905d6c';

function iso(ms) {
  return new Date(ms).toISOString().replace('Z', '000Z');
}

let seq = 0;
function event(t, s) {
  const ns = s.namespace;
  const base = s.apiGroup ? `/apis/${s.apiGroup}/v1` : '/api/v1';
  const uri =
    s.requestURI ??
    `${base}${ns ? `/namespaces/${ns}` : ''}/${s.resource ?? ''}${s.name ? `/${s.name}` : ''}${s.subresource ? `/${s.subresource}` : ''}`;
  const code = s.code ?? (s.verb === 'create' ? 201 : 200);
  const ev = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: s.requestObject ? 'RequestResponse' : 'Metadata',
    auditID:
      s.auditID ??
      `0b7e${(++seq).toString(16).padStart(8, '0')}-5c1d-4e2f-8a9b-${((seq * 2654435761) >>> 0).toString(16).padStart(12, '0')}`,
    stage: 'ResponseComplete',
    requestURI: uri,
    verb: s.verb,
    user: {
      username: s.user,
      groups: s.user.startsWith('system:serviceaccount:')
        ? ['system:serviceaccounts', 'system:authenticated']
        : s.user.startsWith('system:node:')
          ? ['system:nodes', 'system:authenticated']
          : s.user === 'system:anonymous'
            ? ['system:unauthenticated']
            : ['system:authenticated'],
    },
    sourceIPs: s.sourceIPs,
    userAgent: s.userAgent,
  };
  if (s.resource) {
    ev.objectRef = {
      resource: s.resource,
      ...(ns ? { namespace: ns } : {}),
      ...(s.name ? { name: s.name } : {}),
      ...(s.apiGroup ? { apiGroup: s.apiGroup } : {}),
      apiVersion: 'v1',
      ...(s.subresource ? { subresource: s.subresource } : {}),
    };
  }
  ev.responseStatus = { metadata: {}, code };
  if (s.requestObject) ev.requestObject = s.requestObject;
  ev.requestReceivedTimestamp = iso(t);
  ev.stageTimestamp = iso(t + 3);
  ev.annotations = { 'authorization.k8s.io/decision': code === 403 ? 'forbid' : 'allow', 'authorization.k8s.io/reason': '' };
  return ev;
}

const pod = (name, namespace, spec, labels = {}) => ({ kind: 'Pod', apiVersion: 'v1', metadata: { name, namespace, labels }, spec });
const suffix = (r) =>
  Math.floor(r() * 36 ** 5)
    .toString(36)
    .padStart(5, '0');

/**
 * The scenario: `{ lines, attacks }`, `attacks` mapping the auditID of each attack event to the rules
 * expected to catch it. `eventsPerHour` sets the volume of benign traffic.
 */
export function auditScenario({
  hours = 6,
  seed = 7,
  start = Date.parse('2026-03-02T06:00:00Z'),
  eventsPerHour = 6000,
  identities = 40,
} = {}) {
  const r = rng(seed);
  seq = seed * 1_000_000;
  const out = [];
  const attacks = new Map();
  const pick = (a) => a[Math.floor(r() * a.length)];
  const nodes = ['gpu-node-1', 'gpu-node-2', 'cpu-node-1', 'cpu-node-2', 'cpu-node-3'];
  const nodeIp = (n) => `10.0.1.${10 + nodes.indexOf(n)}`;
  const apps = [
    { ns: 'shop', name: 'checkout', image: 'registry.example.com/shop/checkout:4.2.1' },
    { ns: 'shop', name: 'catalog', image: 'registry.example.com/shop/catalog:2.0.7' },
    {
      ns: 'llm',
      name: 'vllm',
      image: 'vllm/vllm-openai:v0.6.3',
      sa: 'vllm',
      gpu: true,
      args: ['--model', 'meta-llama/Llama-3.1-8B-Instruct'],
    },
    { ns: 'llm', name: 'gateway', image: 'ghcr.io/berriai/litellm:main-v1.50.2', sa: 'gateway' },
    { ns: 'ml', name: 'jupyter-bob', image: 'quay.io/jupyter/pytorch-notebook:2024-10-07', sa: 'notebook-bob', sts: true },
  ];
  const podNames = apps.map((a) => (a.sts ? `${a.name}-0` : `${a.name}-7d4b9c6f8-${suffix(r)}`));
  const humans = Array.from({ length: Math.max(3, Math.floor(identities / 4)) }, (_, i) => ({
    user: i === 0 ? 'alice@example.com' : i === 1 ? 'bob@example.com' : `dev${i}@example.com`,
    ip: `10.0.12.${20 + (i % 200)}`,
    ns: i % 3 === 0 ? 'shop' : 'ml',
  }));
  const sas = Array.from({ length: Math.max(2, identities - humans.length) }, (_, i) => ({
    user: `system:serviceaccount:apps:worker-${i}`,
    ip: `10.244.${2 + (i % 4)}.${10 + (i % 200)}`,
    ns: 'apps',
  }));
  const emit = (t, s) => out.push(JSON.stringify(event(t, s)));
  const attack = (t, s, rules) => {
    const ev = event(t, { ...s, auditID: `a77ac000-0000-4000-8000-${String(attacks.size + 1).padStart(12, '0')}` });
    attacks.set(ev.auditID, rules);
    out.push(JSON.stringify(ev));
  };
  const createPod = (t, app, name) =>
    emit(t, {
      verb: 'create',
      resource: 'pods',
      namespace: app.ns,
      name,
      user: `system:serviceaccount:kube-system:${app.sts ? 'statefulset' : 'replicaset'}-controller`,
      sourceIPs: ['10.0.0.2'],
      userAgent: KCM_UA(app.sts ? 'statefulset-controller' : 'replicaset-controller'),
      requestObject: pod(name, app.ns, {
        ...(app.sa ? { serviceAccountName: app.sa } : {}),
        containers: [
          {
            name: app.name.replace(/-.*/, ''),
            image: app.image,
            ...(app.args ? { args: app.args } : {}),
            ...(app.gpu ? { resources: { limits: { 'nvidia.com/gpu': '1' } } } : {}),
          },
        ],
      }),
    });

  // The workloads exist from the start.
  apps.forEach((a, i) => createPod(start + i * 1000, a, podNames[i]));
  const total = Math.floor(hours * eventsPerHour);
  const step = (hours * 3_600_000) / total;
  const attackAt = new Map();
  const plan = [
    'anonymous',
    'exec-model-server',
    'notebook-lists-secrets',
    'notebook-creates-pod',
    'privileged-hostpath-pod',
    'cluster-admin-binding',
    'new-reader-openai-key',
    'gpu-new-namespace',
    'nvidia-visible-devices',
    'ephemeral-container',
    'stolen-ci-token',
    'wildcard-role',
    'configmap-aws-key',
  ];
  plan.forEach((name, i) => attackAt.set(Math.floor(total * (0.4 + (0.55 * i) / plan.length)), name));
  for (let i = 0; i < total; i++) {
    const t = start + 10_000 + i * step;
    const name = attackAt.get(i);
    if (name) injectAttack(name, t);
    const x = r();
    if (x < 0.3) {
      const n = pick(nodes);
      const k = Math.floor(r() * podNames.length);
      if (r() < 0.5)
        emit(t, {
          verb: 'patch',
          resource: 'pods',
          subresource: 'status',
          namespace: apps[k].ns,
          name: podNames[k],
          user: `system:node:${n}`,
          sourceIPs: [nodeIp(n)],
          userAgent: 'kubelet/v1.30.2 (linux/amd64) kubernetes/3905d6c',
        });
      else
        emit(t, {
          verb: 'get',
          resource: r() < 0.5 ? 'configmaps' : 'secrets',
          namespace: apps[k].ns,
          name: r() < 0.5 ? 'kube-root-ca.crt' : `${apps[k].name}-config`,
          user: `system:node:${n}`,
          sourceIPs: [nodeIp(n)],
          userAgent: 'kubelet/v1.30.2 (linux/amd64) kubernetes/3905d6c',
        });
    } else if (x < 0.45) {
      const c = pick([
        'endpointslice-controller',
        'replicaset-controller',
        'deployment-controller',
        'horizontal-pod-autoscaler',
        'job-controller',
      ]);
      emit(t, {
        verb: pick(['get', 'update', 'list']),
        resource: pick(['endpointslices', 'replicasets', 'deployments', 'pods']),
        namespace: pick(['shop', 'llm', 'ml']),
        user: `system:serviceaccount:kube-system:${c}`,
        sourceIPs: ['10.0.0.2'],
        userAgent: KCM_UA(c),
      });
    } else if (x < 0.55) {
      emit(t, {
        verb: pick(['list', 'watch']),
        resource: pick(['pods', 'endpoints', 'services', 'nodes']),
        user: 'system:serviceaccount:monitoring:prometheus',
        sourceIPs: ['10.244.1.15'],
        userAgent: 'prometheus/2.54.1',
      });
    } else if (x < 0.58) {
      emit(t, {
        verb: 'patch',
        resource: 'deployments',
        apiGroup: 'apps',
        namespace: 'shop',
        name: pick(['checkout', 'catalog']),
        user: 'system:serviceaccount:ci:deployer',
        sourceIPs: [`10.0.4.${21 + Math.floor(r() * 4)}`],
        userAgent: 'argocd-application-controller/v2.12.3',
      });
    } else if (x < 0.6) {
      emit(t, {
        verb: 'get',
        resource: 'secrets',
        namespace: 'llm',
        name: 'openai-api-key',
        user: 'system:serviceaccount:llm:gateway',
        sourceIPs: ['10.244.3.40'],
        userAgent: 'litellm/1.50.2',
      });
    } else if (x < 0.62) {
      // Training jobs in ml use GPUs all day.
      const name = `train-${suffix(r)}`;
      emit(t, {
        verb: 'create',
        resource: 'pods',
        namespace: 'ml',
        name,
        user: 'system:serviceaccount:kube-system:job-controller',
        sourceIPs: ['10.0.0.2'],
        userAgent: KCM_UA('job-controller'),
        requestObject: pod(name, 'ml', {
          containers: [
            { name: 'train', image: 'pytorch/pytorch:2.4.0-cuda12.1-cudnn9-runtime', resources: { limits: { 'nvidia.com/gpu': '2' } } },
          ],
        }),
      });
    } else if (x < 0.8) {
      const h = pick(humans);
      const k = Math.floor(r() * podNames.length);
      const what = r();
      if (what < 0.0015) {
        // Ordinary work that is still worth a look: an SRE's shell, a data scientist's port-forward to
        // their own notebook, a pod deleted, a secret read by hand. Counted as false alerts.
        const kind = Math.floor(r() * 4);
        if (kind === 0)
          emit(t, {
            verb: 'create',
            resource: 'pods',
            subresource: 'exec',
            namespace: 'shop',
            name: podNames[0],
            code: 101,
            user: 'alice@example.com',
            sourceIPs: ['10.0.12.20'],
            userAgent: KUBECTL,
            requestURI: `/api/v1/namespaces/shop/pods/${podNames[0]}/exec?command=sh&container=checkout`,
          });
        else if (kind === 1)
          emit(t, {
            verb: 'create',
            resource: 'pods',
            subresource: 'portforward',
            namespace: 'ml',
            name: podNames[4],
            code: 101,
            user: 'bob@example.com',
            sourceIPs: ['10.0.12.21'],
            userAgent: KUBECTL,
            requestURI: `/api/v1/namespaces/ml/pods/${podNames[4]}/portforward?ports=8888`,
          });
        else if (kind === 2)
          emit(t, {
            verb: 'delete',
            resource: 'pods',
            namespace: h.ns,
            name: `stuck-${suffix(r)}`,
            user: h.user,
            sourceIPs: [h.ip],
            userAgent: KUBECTL,
          });
        else
          emit(t, {
            verb: 'get',
            resource: 'secrets',
            namespace: h.ns,
            name: 'registry-credentials',
            user: h.user,
            sourceIPs: [h.ip],
            userAgent: KUBECTL,
          });
      } else if (what < 0.6)
        emit(t, { verb: pick(['get', 'list']), resource: 'pods', namespace: h.ns, user: h.user, sourceIPs: [h.ip], userAgent: KUBECTL });
      else if (what < 0.9)
        emit(t, {
          verb: 'get',
          resource: 'pods',
          subresource: 'log',
          namespace: apps[k].ns,
          name: podNames[k],
          user: h.user,
          sourceIPs: [h.ip],
          userAgent: KUBECTL,
        });
      else
        emit(t, {
          verb: 'get',
          resource: 'configmaps',
          namespace: h.ns,
          name: 'settings',
          user: h.user,
          sourceIPs: [h.ip],
          userAgent: KUBECTL,
        });
    } else {
      const s = pick(sas);
      emit(t, {
        verb: pick(['get', 'list', 'watch']),
        resource: pick(['configmaps', 'leases', 'pods']),
        namespace: s.ns,
        user: s.user,
        sourceIPs: [s.ip],
        userAgent: 'Go-http-client/2.0',
      });
    }
  }

  function injectAttack(name, t) {
    const vllmPod = podNames[2];
    switch (name) {
      case 'anonymous':
        return attack(
          t,
          {
            verb: 'list',
            resource: 'secrets',
            user: 'system:anonymous',
            sourceIPs: ['198.51.100.77'],
            userAgent: 'python-requests/2.31.0',
          },
          ['RT-0001', 'RT-0011'],
        );
      case 'exec-model-server':
        return attack(
          t,
          {
            verb: 'create',
            resource: 'pods',
            subresource: 'exec',
            namespace: 'llm',
            name: vllmPod,
            code: 101,
            user: 'bob@example.com',
            sourceIPs: ['10.0.12.21'],
            userAgent: KUBECTL,
            requestURI: `/api/v1/namespaces/llm/pods/${vllmPod}/exec?command=bash&container=vllm&stdin=true&tty=true`,
          },
          ['RT-0015'],
        );
      case 'notebook-lists-secrets':
        return attack(
          t,
          {
            verb: 'list',
            resource: 'secrets',
            namespace: 'ml',
            user: 'system:serviceaccount:ml:notebook-bob',
            sourceIPs: ['10.244.2.31'],
            userAgent: 'python-requests/2.32.3',
          },
          ['RT-0016'],
        );
      case 'notebook-creates-pod':
        return attack(
          t,
          {
            verb: 'create',
            resource: 'pods',
            namespace: 'ml',
            name: 'helper',
            user: 'system:serviceaccount:ml:notebook-bob',
            sourceIPs: ['10.244.2.31'],
            userAgent: 'python-requests/2.32.3',
            requestObject: pod('helper', 'ml', { containers: [{ name: 'x', image: 'alpine:3.20', command: ['sh', '-c', 'sleep 1d'] }] }),
          },
          ['RT-0017'],
        );
      case 'privileged-hostpath-pod':
        return attack(
          t,
          {
            verb: 'create',
            resource: 'pods',
            namespace: 'shop',
            name: 'debug-node',
            user: 'dev3@example.com',
            sourceIPs: ['10.0.12.23'],
            userAgent: KUBECTL,
            requestObject: pod('debug-node', 'shop', {
              hostPID: true,
              containers: [{ name: 'x', image: 'alpine:3.20', securityContext: { privileged: true } }],
              volumes: [{ name: 'host', hostPath: { path: '/' } }],
            }),
          },
          ['RT-0005', 'RT-0006', 'RT-0007'],
        );
      case 'cluster-admin-binding':
        return attack(
          t,
          {
            verb: 'create',
            resource: 'clusterrolebindings',
            apiGroup: 'rbac.authorization.k8s.io',
            name: 'backup-admin',
            user: 'dev3@example.com',
            sourceIPs: ['10.0.12.23'],
            userAgent: KUBECTL,
            requestObject: {
              kind: 'ClusterRoleBinding',
              apiVersion: 'rbac.authorization.k8s.io/v1',
              metadata: { name: 'backup-admin' },
              roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
              subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'shop' }],
            },
          },
          ['RT-0008'],
        );
      case 'new-reader-openai-key':
        return attack(
          t,
          {
            verb: 'get',
            resource: 'secrets',
            namespace: 'llm',
            name: 'openai-api-key',
            user: 'system:serviceaccount:apps:worker-0',
            sourceIPs: ['10.244.2.10'],
            userAgent: 'Go-http-client/2.0',
          },
          ['RT-0019'],
        );
      case 'gpu-new-namespace':
        return attack(
          t,
          {
            verb: 'create',
            resource: 'pods',
            namespace: 'shop',
            name: 'batch-x',
            user: 'system:serviceaccount:kube-system:job-controller',
            sourceIPs: ['10.0.0.2'],
            userAgent: KCM_UA('job-controller'),
            requestObject: pod('batch-x', 'shop', {
              containers: [{ name: 'x', image: 'nvidia/cuda:12.4.1-base-ubuntu22.04', resources: { limits: { 'nvidia.com/gpu': '8' } } }],
            }),
          },
          ['RT-0018'],
        );
      case 'nvidia-visible-devices':
        return attack(
          t,
          {
            verb: 'create',
            resource: 'pods',
            namespace: 'ml',
            name: 'sneaky',
            user: 'bob@example.com',
            sourceIPs: ['10.0.12.21'],
            userAgent: KUBECTL,
            requestObject: pod('sneaky', 'ml', {
              containers: [
                { name: 'x', image: 'nvcr.io/nvidia/pytorch:24.08-py3', env: [{ name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' }] },
              ],
            }),
          },
          ['RT-0020'],
        );
      case 'ephemeral-container':
        return attack(
          t,
          {
            verb: 'patch',
            resource: 'pods',
            subresource: 'ephemeralcontainers',
            namespace: 'llm',
            name: vllmPod,
            user: 'alice@example.com',
            sourceIPs: ['10.0.12.20'],
            userAgent: KUBECTL,
          },
          ['RT-0004'],
        );
      case 'stolen-ci-token':
        return attack(
          t,
          {
            verb: 'list',
            resource: 'secrets',
            user: 'system:serviceaccount:ci:deployer',
            sourceIPs: ['203.0.113.66'],
            userAgent: 'curl/8.5.0',
          },
          ['RT-0026', 'RT-0011'],
        );
      case 'wildcard-role':
        return attack(
          t,
          {
            verb: 'create',
            resource: 'clusterroles',
            apiGroup: 'rbac.authorization.k8s.io',
            name: 'ops-all',
            user: 'dev3@example.com',
            sourceIPs: ['10.0.12.23'],
            userAgent: KUBECTL,
            requestObject: {
              kind: 'ClusterRole',
              apiVersion: 'rbac.authorization.k8s.io/v1',
              metadata: { name: 'ops-all' },
              rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
            },
          },
          ['RT-0009'],
        );
      case 'configmap-aws-key':
        return attack(
          t,
          {
            verb: 'create',
            resource: 'configmaps',
            namespace: 'shop',
            name: 'backup',
            user: 'dev3@example.com',
            sourceIPs: ['10.0.12.23'],
            userAgent: KUBECTL,
            requestObject: {
              kind: 'ConfigMap',
              apiVersion: 'v1',
              metadata: { name: 'backup' },
              data: { AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
            },
          },
          ['RT-0013'],
        );
    }
  }
  return { lines: out, attacks };
}
