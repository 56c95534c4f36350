import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { scanCluster } from '../src/scan-cluster.js';
import { ScanSetupError } from '../src/scan.js';
import { KubeApi } from '../src/sources/cluster/api.js';
import { connect } from '../src/sources/cluster/kubeconfig.js';
import { AI_OPERATOR_RESOURCES, FakeApiServer, POLICY_REPORT_RESOURCES } from '../src/testing/fake-apiserver.js';

const deployment = (name: string, ns: string, container: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns, uid: `uid-${ns}-${name}` },
  spec: {
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name, image: `registry.example.com/${name}:1.0`, ...container }] },
    },
  },
});

const inferenceService = {
  apiVersion: 'serving.kserve.io/v1beta1',
  kind: 'InferenceService',
  metadata: { name: 'llama', namespace: 'llm' },
  spec: {
    predictor: { containers: [{ name: 'kserve-container', image: 'vllm/vllm-openai:v0.6.3', securityContext: { privileged: true } }] },
  },
};

/** A Pod its ReplicaSet manages, and that ReplicaSet, which a Deployment manages. */
const managed = [
  {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: 'api-7d9f',
      namespace: 'web',
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'api', uid: 'uid-web-api', controller: true }],
    },
    spec: {
      selector: { matchLabels: { app: 'api' } },
      template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'api:latest' }] } },
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'api-7d9f-x2x1',
      namespace: 'web',
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'api-7d9f', uid: 'u', controller: true }],
    },
    spec: { containers: [{ name: 'api', image: 'api:latest' }] },
  },
];

const secret = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'hf-token', namespace: 'llm' },
  type: 'Opaque',
  data: { HF_TOKEN: Buffer.from('hf_abcdefghijklmnopqrstuvwxyzABCDEFGH').toString('base64') },
};

function capture(): { stream: NodeJS.WriteStream; text: () => string } {
  const s = new PassThrough();
  let out = '';
  s.on('data', (c: Buffer) => (out += c.toString()));
  return { stream: s as unknown as NodeJS.WriteStream, text: () => out };
}

/** Retries of answers 429 and 5xx without their waits (the unavailable API group answers 503 to each). */
const noWait = { sleep: async () => undefined };

describe('sanctum cluster against a fake API server (TLS, bearer token, real client)', () => {
  let srv: FakeApiServer;
  beforeAll(async () => {
    const many = Array.from({ length: 7 }, (_, i) => deployment(`svc-${i}`, 'web'));
    srv = await new FakeApiServer({
      objects: [
        deployment('api', 'web'),
        ...many,
        ...managed,
        inferenceService,
        secret,
        deployment('vllm', 'llm', { securityContext: { privileged: true } }),
      ],
      resources: AI_OPERATOR_RESOURCES,
      forbidden: ['rolebindings.rbac.authorization.k8s.io'],
      unavailableGroups: ['machinelearning.seldon.io'],
    }).start();
  });
  afterAll(async () => {
    await srv.close();
  });

  it('lists every kind the rules read, pages with limit/continue, and feeds each object to the rules', async () => {
    srv.requests.length = 0;
    const r = await scanCluster({ kubeconfig: srv.kubeconfigPath, config: false, retry: noWait, pageSize: 3 });
    const deploymentLists = srv.requests.filter((q) => q.path === '/apis/apps/v1/deployments');
    // 9 Deployments at 3 per page: 3 requests, each with the limit, all but the first with a continue token.
    expect(deploymentLists.map((q) => q.query.limit)).toEqual(['3', '3', '3']);
    expect(deploymentLists.filter((q) => q.query.continue).length).toBe(2);
    expect(r.findings.filter((f) => f.location.resource?.kind === 'Deployment').map((f) => f.location.resource!.name)).toEqual(
      expect.arrayContaining(['api', 'vllm', 'svc-0', 'svc-6']),
    );
    // The AI operator's custom resource is discovered and its pod template checked.
    const kserve = r.findings.find((f) => f.ruleId === 'K8S-0003' && f.location.resource?.kind === 'InferenceService');
    expect(kserve?.location).toMatchObject({
      path: 'llm/InferenceService.serving.kserve.io/llama',
      objectPath: '/spec/predictor/containers/0/securityContext/privileged',
      resource: { apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', namespace: 'llm', name: 'llama' },
      cluster: { context: 'fake', server: srv.url },
    });
    expect(r.cluster.listed).toEqual(
      expect.arrayContaining([
        'inferenceservices.serving.kserve.io',
        'rayclusters.ray.io',
        'pytorchjobs.kubeflow.org',
        'workflows.argoproj.io',
      ]),
    );
  });

  it('is served by the fake server what was written to it and reset since its last list (its lists read an index of the objects by type)', async () => {
    const other = await new FakeApiServer({ objects: [deployment('a', 'web')] }).start();
    const api = new KubeApi(connect({ kubeconfig: other.kubeconfigPath }).kc, { retry: noWait });
    const names = async (): Promise<string[]> => {
      const list = (await api.get('/apis/apps/v1/namespaces/web/deployments')) as { items: Array<{ metadata: { name: string } }> };
      return list.items.map((o) => o.metadata.name);
    };
    try {
      expect(await names()).toEqual(['a']);
      await api.send('PATCH', '/apis/apps/v1/namespaces/web/deployments/b', deployment('b', 'web'), 'application/apply-patch+yaml');
      expect(await names()).toEqual(['a', 'b']);
      await api.delete('/apis/apps/v1/namespaces/web/deployments/a');
      expect(await names()).toEqual(['b']);
      other.reset([deployment('c', 'web')]);
      expect(await names()).toEqual(['c']);
    } finally {
      api.close();
      await other.close();
    }
  });

  it('is told by the fake server what is left of a chunked list as kube-apiserver tells it: on each page but the last, not with a selector', async () => {
    const other = await new FakeApiServer({
      objects: Array.from({ length: 5 }, (_, i) => deployment(`d-${i}`, 'web')),
      remainingItemCount: false,
    }).start();
    // The objects and `remainingItemCount` of each page of a list of Deployments, 3 a page.
    const pages = async (server: FakeApiServer, query: Record<string, string> = {}): Promise<unknown[]> => {
      const api = new KubeApi(connect({ kubeconfig: server.kubeconfigPath }).kc, { retry: noWait });
      const out: unknown[] = [];
      try {
        let token: string | undefined;
        do {
          const list = (await api.get('/apis/apps/v1/deployments', { limit: 3, continue: token, ...query })) as {
            metadata: { continue?: string; remainingItemCount?: number };
            items: unknown[];
          };
          out.push([list.items.length, list.metadata.remainingItemCount]);
          token = list.metadata.continue;
        } while (token);
      } finally {
        api.close();
      }
      return out;
    };
    try {
      // 9 Deployments.
      expect(await pages(srv)).toEqual([
        [3, 6],
        [3, 3],
        [3, undefined],
      ]);
      // 8 in namespace web: not counted with a selector.
      expect(await pages(srv, { fieldSelector: 'metadata.namespace=web' })).toEqual([
        [3, undefined],
        [3, undefined],
        [2, undefined],
      ]);
      // A server that counts nothing.
      expect(await pages(other)).toEqual([
        [3, undefined],
        [2, undefined],
      ]);
    } finally {
      await other.close();
    }
  });

  it('asks for the next list while it reads the current one', async () => {
    srv.requests.length = 0;
    await scanCluster({ kubeconfig: srv.kubeconfigPath, config: false, retry: noWait, pageSize: 3 });
    const paths = srv.requests.map((q) => q.path);
    const lastDeploymentPage = paths.lastIndexOf('/apis/apps/v1/deployments');
    // StatefulSets are listed after Deployments: their first page was on its way before the last page of Deployments was asked for.
    expect(paths.indexOf('/apis/apps/v1/statefulsets')).toBeGreaterThan(-1);
    expect(paths.indexOf('/apis/apps/v1/statefulsets')).toBeLessThan(lastDeploymentPage);
  });

  it('lets the event loop in while it scans a page (the next page is read meanwhile)', async () => {
    const configMaps = Array.from({ length: 1000 }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `settings-${i}`, namespace: 'web' },
      data: { LOG_LEVEL: 'info' },
    }));
    const big = await new FakeApiServer({ objects: configMaps }).start();
    let current = -1;
    const seen: number[] = [];
    const timer = setInterval(() => seen.push(current), 1);
    try {
      await scanCluster({ kubeconfig: big.kubeconfigPath, config: false, pageSize: 1000, onObject: (_name, i) => (current = i) });
    } finally {
      clearInterval(timer);
      await big.close();
    }
    // Timers ran between two objects of the one page of 1,000 ConfigMaps.
    expect(seen.some((i) => i > 0 && i < 999)).toBe(true);
  });

  it('keeps its connection to the API server open from request to request', async () => {
    srv.requests.length = 0;
    const before = srv.connections;
    await scanCluster({ kubeconfig: srv.kubeconfigPath, config: false, retry: noWait, pageSize: 2 });
    expect(srv.requests.length).toBeGreaterThan(20);
    // The next page is asked for while the current one is scanned: at most two at a time.
    expect(srv.connections - before).toBeLessThanOrEqual(2);
  });

  it('gives findings a resource and the cluster instead of lines', async () => {
    const r = await scanCluster({ kubeconfig: srv.kubeconfigPath, config: false, retry: noWait });
    const privileged = r.findings.find((f) => f.ruleId === 'K8S-0003' && f.location.resource?.name === 'vllm')!;
    expect(privileged.location).toEqual({
      path: 'llm/Deployment.apps/vllm',
      objectPath: '/spec/template/spec/containers/0/securityContext/privileged',
      resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'llm', name: 'vllm' },
      cluster: { context: 'fake', server: srv.url },
    });
    for (const f of r.findings) expect(f.location.startLine).toBeUndefined();
  });

  it('locates findings of cross-object rules by object path once the objects keep no text', async () => {
    // K8S-0106 (pods running as the default service account) is a cross-object rule.
    const r = await scanCluster({ kubeconfig: srv.kubeconfigPath, config: false, retry: noWait, rules: ['K8S-0106'] });
    const token = r.findings.find((f) => f.location.resource?.name === 'vllm')!;
    expect(token.location).toMatchObject({ path: 'llm/Deployment.apps/vllm', objectPath: '/spec/template/spec' });
    expect(token.evidence).toBe('"spec": {');
  });

  it('streams the JSON report with the findings and errors of the in-memory scan', async () => {
    const { scanClusterStreamed } = await import('../src/scan-cluster.js');
    const { jsonReporter } = await import('../src/reporters/json.js');
    const { chunkText } = await import('../src/reporters/json-stream.js');
    const plain = await scanCluster({ kubeconfig: srv.kubeconfigPath, config: false, retry: noWait });
    const streamed = await scanClusterStreamed({ kubeconfig: srv.kubeconfigPath, config: false, retry: noWait });
    try {
      let text = '';
      streamed.writeJson((c) => (text += chunkText(c)));
      const a = JSON.parse(text);
      const b = JSON.parse(jsonReporter(plain, { rules: [], color: false, failOn: 'high' }));
      expect(a.findings.length).toBeGreaterThan(10);
      expect(a.findings).toEqual(b.findings);
      expect(a.errors).toEqual(b.errors);
      expect(a.cluster).toEqual(b.cluster);
      expect(streamed.findingCount).toBe(plain.findings.length);
    } finally {
      streamed.dispose();
    }
  });

  it('turns a forbidden list and an unavailable API group into errors and goes on', async () => {
    const r = await scanCluster({ kubeconfig: srv.kubeconfigPath, config: false, retry: noWait });
    expect(r.errors).toEqual(
      expect.arrayContaining([
        {
          path: 'rolebindings.rbac.authorization.k8s.io',
          message: expect.stringMatching(
            /^no permission to list rolebindings\.rbac\.authorization\.k8s\.io in any namespace \(.*cannot list resource "rolebindings"/,
          ),
        },
        {
          path: expect.stringContaining('machinelearning.seldon.io'),
          message: expect.stringMatching(/^cannot discover .*503 ServiceUnavailable/),
        },
      ]),
    );
    expect(r.cluster.listed).not.toContain('rolebindings.rbac.authorization.k8s.io');
    expect(r.findings.length).toBeGreaterThan(0);
  });

  it('skips objects a scanned controller manages (its template is checked once)', async () => {
    const r = await scanCluster({ kubeconfig: srv.kubeconfigPath, config: false, retry: noWait });
    expect(r.cluster.managedSkipped).toBe(2);
    expect(r.findings.some((f) => f.location.resource?.kind === 'Pod' || f.location.resource?.kind === 'ReplicaSet')).toBe(false);
  });

  it('keeps Secret values out of the scan and its output', async () => {
    const r = await scanCluster({ kubeconfig: srv.kubeconfigPath, config: false, retry: noWait });
    expect(JSON.stringify(r)).not.toContain('hf_abcdefghij');
    expect(r.findings.some((f) => f.location.resource?.kind === 'Secret' && f.ruleId === 'SEC-0017')).toBe(false);
  });

  it('lists only the namespaces asked for', async () => {
    srv.requests.length = 0;
    const r = await scanCluster({ kubeconfig: srv.kubeconfigPath, config: false, retry: noWait, namespaces: ['llm'] });
    expect(srv.requests.some((q) => q.path === '/apis/apps/v1/namespaces/llm/deployments')).toBe(true);
    expect(srv.requests.some((q) => q.path === '/apis/apps/v1/deployments')).toBe(false);
    expect(new Set(r.findings.map((f) => f.location.resource?.namespace).filter(Boolean))).toEqual(new Set(['llm']));
  });

  it('refuses a context the kubeconfig does not have, and reports a cluster it cannot reach', async () => {
    await expect(scanCluster({ kubeconfig: srv.kubeconfigPath, context: 'nope' })).rejects.toThrow(
      /no context 'nope' in the kubeconfig \(contexts: fake, other\)/,
    );
    await expect(scanCluster({ kubeconfig: srv.kubeconfigPath, context: 'other' })).rejects.toThrow(ScanSetupError);
    await expect(scanCluster({ kubeconfig: srv.kubeconfigPath, context: 'other' })).rejects.toThrow(
      /cannot read the API of cluster 'other' \(https:\/\/127\.0\.0\.1:1\): cannot reach/,
    );
  });

  it('reports refused credentials clearly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sanctum-kc-'));
    try {
      const file = join(dir, 'kubeconfig');
      writeFileSync(file, srv.kubeconfig('wrong-token'));
      await expect(scanCluster({ kubeconfig: file, config: false })).rejects.toThrow(/401 Unauthorized|Unauthorized/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds the kubeconfig through KUBECONFIG (several files merged) and through the pod service account', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sanctum-kc-'));
    try {
      const empty = join(dir, 'empty');
      writeFileSync(empty, 'apiVersion: v1\nkind: Config\nclusters: []\nusers: []\ncontexts: []\n');
      const c = connect({ env: { KUBECONFIG: `${empty}:${srv.kubeconfigPath}`, HOME: dir } });
      expect(c).toMatchObject({ context: 'fake', server: srv.url });
      const sa = join(dir, 'var/run/secrets/kubernetes.io/serviceaccount');
      mkdirSync(sa, { recursive: true });
      writeFileSync(join(sa, 'token'), srv.token);
      writeFileSync(join(sa, 'ca.crt'), srv.caPem);
      writeFileSync(join(sa, 'namespace'), 'sanctum');
      const port = new URL(srv.url).port;
      const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
      process.env.KUBERNETES_SERVICE_HOST = '127.0.0.1';
      process.env.KUBERNETES_SERVICE_PORT = port;
      try {
        const inCluster = connect({ env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', HOME: dir }, serviceAccountRoot: dir });
        expect(inCluster).toMatchObject({ context: 'in-cluster', server: `https://127.0.0.1:${port}` });
      } finally {
        for (const [k, v] of [
          ['KUBERNETES_SERVICE_HOST', saved.host],
          ['KUBERNETES_SERVICE_PORT', saved.port],
        ] as const) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
      }
      expect(() => connect({ env: { HOME: dir } })).toThrow(/no kubeconfig found/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Secrets, read as a Table of their metadata and types', () => {
  const dockerconfig = Buffer.from('{"auths":{"registry.example.com":{"auth":"cm9ib3Q6czNjcjN0LXB1c2gtdG9rZW4="}}}').toString('base64');
  const objects = [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'registry', namespace: 'llm' },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': dockerconfig },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'builder-token', namespace: 'llm', annotations: { 'kubernetes.io/service-account.name': 'builder' } },
      type: 'kubernetes.io/service-account-token',
      data: { token: Buffer.from('eyJhbGciOiJSUzI1NiJ9.c2VydmljZS1hY2NvdW50LXRva2Vu').toString('base64') },
    },
    deployment('vllm', 'llm', {
      volumeMounts: [{ name: 'creds', mountPath: '/creds' }],
      env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'builder-token', key: 'token' } } }],
    }),
  ];
  (objects[2] as { spec: { template: { spec: Record<string, unknown> } } }).spec.template.spec.volumes = [
    { name: 'creds', secret: { secretName: 'registry' } },
  ];

  const scan = async (tables: boolean) => {
    const srv = await new FakeApiServer({ objects, tables }).start();
    try {
      const r = await scanCluster({ kubeconfig: srv.kubeconfigPath, config: false, rules: ['K8S-0203', 'SEC-0017'] });
      const secretLists = srv.requests.filter((q) => q.path === '/api/v1/secrets');
      return { r, secretLists };
    } finally {
      await srv.close();
    }
  };

  it('asks for Secrets without their values, as kubectl asks for a table, and still joins workloads to their types', async () => {
    const { r, secretLists } = await scan(true);
    expect(secretLists).toEqual([
      {
        method: 'GET',
        path: '/api/v1/secrets',
        query: { limit: '500', includeObject: 'Metadata' },
        accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
      },
    ]);
    expect(r.errors).toEqual([]);
    expect(r.findings.map((f) => [f.ruleId, f.location.path, f.location.objectPath, f.severity])).toEqual([
      ['K8S-0203', 'llm/Deployment.apps/vllm', '/spec/template/spec/containers/0/env/0/valueFrom/secretKeyRef/name', 'high'],
      ['K8S-0203', 'llm/Deployment.apps/vllm', '/spec/template/spec/volumes/0/secret/secretName', 'high'],
    ]);
    expect(r.findings[0].message).toContain("a token of service account 'builder'");
    expect(JSON.stringify(r)).not.toContain(dockerconfig.slice(0, 12));
  });

  it('drops the values of a server that answers with the plain list instead of a table', async () => {
    const { r, secretLists } = await scan(false);
    expect(secretLists).toHaveLength(1);
    expect(r.findings.map((f) => f.location.objectPath)).toEqual([
      '/spec/template/spec/containers/0/env/0/valueFrom/secretKeyRef/name',
      '/spec/template/spec/volumes/0/secret/secretName',
    ]);
    expect(JSON.stringify(r)).not.toContain(dockerconfig.slice(0, 12));
  });
});

describe('an API server that stops answering', () => {
  it('reports the list it gave no answer to within the request timeout, and tries no list after it (each would wait as long)', async () => {
    const srv = await new FakeApiServer({
      objects: [deployment('vllm', 'llm', { securityContext: { privileged: true } })],
      silentFrom: 'deployments.apps',
    }).start();
    try {
      const r = await scanCluster({ kubeconfig: srv.kubeconfigPath, config: false, requestTimeoutMs: 300, rules: ['K8S-0003'] });
      const silent = `no answer from ${srv.url} within 0.3 s`;
      expect(r.errors).toEqual([
        { path: 'deployments.apps', message: `cannot list deployments.apps in any namespace: ${silent}` },
        ...['statefulsets.apps', 'daemonsets.apps', 'replicasets.apps', 'jobs.batch', 'pods'].map((t) => ({
          path: t,
          message: `did not list ${t} in any namespace: the API server gave no answer to the list of deployments.apps in any namespace (${silent}), nor to GET /version after it`,
        })),
      ]);
      expect(r.cluster.listed).not.toContain('pods');
      expect(r.cluster.listed).toContain('services');
      // Only the next list's first page (asked for ahead) and the probe were sent after the silent list.
      const after = srv.requests.slice(srv.requests.findIndex((q) => q.path === '/apis/apps/v1/deployments') + 1).map((q) => q.path);
      expect(after).toEqual(['/apis/apps/v1/statefulsets', '/version']);
    } finally {
      await srv.close();
    }
  });

  it('goes on past a list that got no answer while the server answers other lists (a hung CRD or aggregated API)', async () => {
    const srv = await new FakeApiServer({
      objects: [deployment('vllm', 'llm', { securityContext: { privileged: true } })],
      resources: AI_OPERATOR_RESOURCES,
      unanswered: ['rayclusters.ray.io'],
    }).start();
    try {
      const r = await scanCluster({ kubeconfig: srv.kubeconfigPath, config: false, requestTimeoutMs: 300, rules: ['K8S-0003'] });
      expect(r.errors).toEqual([
        {
          path: 'rayclusters.ray.io',
          message: `cannot list rayclusters.ray.io in any namespace: no answer from ${srv.url} within 0.3 s`,
        },
      ]);
      expect(r.findings.map((f) => [f.ruleId, f.location.resource?.kind, f.location.resource?.name])).toEqual([
        ['K8S-0003', 'Deployment', 'vllm'],
      ]);
      expect(r.cluster.listed).toEqual(expect.arrayContaining(['rayjobs.ray.io', 'deployments.apps', 'pods']));
      expect(r.cluster.listed).not.toContain('rayclusters.ray.io');
    } finally {
      await srv.close();
    }
  });

  it('skips the other lists of a group that got no answer, unless their first page, asked for ahead, answered', async () => {
    const srv = await new FakeApiServer({
      objects: [deployment('vllm', 'llm', { securityContext: { privileged: true } })],
      resources: AI_OPERATOR_RESOURCES,
      unanswered: ['inferenceservices.serving.kserve.io', 'rayclusters.ray.io', 'rayjobs.ray.io'],
    }).start();
    try {
      const r = await scanCluster({ kubeconfig: srv.kubeconfigPath, config: false, requestTimeoutMs: 300, rules: ['K8S-0003'] });
      const silent = `no answer from ${srv.url} within 0.3 s`;
      expect(r.errors).toEqual([
        {
          path: 'inferenceservices.serving.kserve.io',
          message: `cannot list inferenceservices.serving.kserve.io in any namespace: ${silent}`,
        },
        { path: 'rayclusters.ray.io', message: `cannot list rayclusters.ray.io in any namespace: ${silent}` },
        {
          path: 'rayjobs.ray.io',
          message: `did not list rayjobs.ray.io in any namespace: the list of rayclusters.ray.io in any namespace, in the same API group ray.io/v1, got no answer (${silent}); the server answered other requests`,
        },
      ]);
      expect(r.findings.map((f) => f.ruleId)).toEqual(['K8S-0003']);
      expect(r.cluster.listed).toContain('pytorchjobs.kubeflow.org');
    } finally {
      await srv.close();
    }
  });
});

describe('kinds that could not be listed prove nothing by their absence', () => {
  it('says nothing of missing NetworkPolicies, ResourceQuotas or LimitRanges it may not list, and reports them when it may', async () => {
    const objects = [deployment('vllm', 'llm')];
    const tenancy = ['namespace-without-default-deny-ingress', 'namespace-without-resource-quota', 'namespace-without-limit-range'];
    const blind = await new FakeApiServer({
      objects,
      forbidden: ['networkpolicies.networking.k8s.io', 'resourcequotas', 'limitranges'],
    }).start();
    const seeing = await new FakeApiServer({ objects }).start();
    try {
      const a = await scanCluster({ kubeconfig: blind.kubeconfigPath, config: false, rules: tenancy });
      expect(a.findings).toEqual([]);
      expect(a.errors.map((e) => e.path)).toEqual(['resourcequotas', 'limitranges', 'networkpolicies.networking.k8s.io']);
      const b = await scanCluster({ kubeconfig: seeing.kubeconfigPath, config: false, rules: tenancy });
      expect(b.findings.map((f) => f.slug).sort()).toEqual([...tenancy].sort());
    } finally {
      await blind.close();
      await seeing.close();
    }
  });
});

describe('sanctum cluster --namespace', () => {
  const rbac = 'rbac.authorization.k8s.io/v1';
  const clusterRole = (name: string) => ({
    apiVersion: rbac,
    kind: 'ClusterRole',
    metadata: { name },
    rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }],
  });
  const binding = (kind: string, name: string, role: string, subjects: unknown[], namespace?: string) => ({
    apiVersion: rbac,
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}) },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects,
  });

  it('reads of the cluster-scoped kinds only what acts in the namespaces asked for', async () => {
    const srv = await new FakeApiServer({
      objects: [
        deployment('vllm', 'llm'),
        deployment('api', 'web'),
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'llm' } },
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } },
        { apiVersion: 'v1', kind: 'Node', metadata: { name: 'gpu-1' }, status: { capacity: { 'nvidia.com/gpu': '8' } } },
        clusterRole('llm-secrets'),
        clusterRole('everyone-secrets'),
        clusterRole('llm-local'),
        clusterRole('alice-secrets'),
        clusterRole('web-local'),
        binding('ClusterRoleBinding', 'llm-sa', 'llm-secrets', [{ kind: 'ServiceAccount', name: 'default', namespace: 'llm' }]),
        binding('ClusterRoleBinding', 'all-sa', 'everyone-secrets', [
          { kind: 'Group', name: 'system:serviceaccounts', apiGroup: 'rbac.authorization.k8s.io' },
        ]),
        binding('ClusterRoleBinding', 'alice', 'alice-secrets', [{ kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' }]),
        binding('ClusterRoleBinding', 'web-sa', 'web-local', [{ kind: 'ServiceAccount', name: 'default', namespace: 'web' }]),
        binding('RoleBinding', 'local', 'llm-local', [{ kind: 'ServiceAccount', name: 'default', namespace: 'llm' }], 'llm'),
      ],
    }).start();
    try {
      const scanned: string[] = [];
      const r = await scanCluster({
        kubeconfig: srv.kubeconfigPath,
        config: false,
        namespaces: ['llm'],
        onObject: (name) => scanned.push(name),
      });
      expect(r.errors).toEqual([]);
      expect(scanned.sort()).toEqual([
        'ClusterRole.rbac.authorization.k8s.io/everyone-secrets',
        'ClusterRole.rbac.authorization.k8s.io/llm-local',
        'ClusterRole.rbac.authorization.k8s.io/llm-secrets',
        'ClusterRoleBinding.rbac.authorization.k8s.io/all-sa',
        'ClusterRoleBinding.rbac.authorization.k8s.io/llm-sa',
        'Namespace/llm',
        'llm/Deployment.apps/vllm',
        'llm/RoleBinding.rbac.authorization.k8s.io/local',
      ]);
      const lists = srv.requests.filter((q) => q.method === 'GET' && !q.query.continue);
      expect(lists.some((q) => q.path === '/api/v1/nodes')).toBe(false);
      expect(lists.filter((q) => q.path === '/api/v1/namespaces').map((q) => q.query.fieldSelector)).toEqual(['metadata.name=llm']);
      expect(lists.some((q) => q.path.includes('/namespaces/web/'))).toBe(false);
      // No finding of an object outside the scope: the ClusterRoles bound to alice and to web's service account were not read.
      expect(r.findings.some((f) => /alice|web/.test(f.location.path))).toBe(false);
    } finally {
      await srv.close();
    }
  });
});

describe('objects kept for the cross-object rules', () => {
  // A policy reading a field the cross-object rules do not (tolerations), bound to every namespace.
  const policy = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: 'no-gpu-tolerations' },
    spec: {
      matchConstraints: {
        resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE'], resources: ['deployments'] }],
      },
      validations: [{ expression: '!has(object.spec.template.spec.tolerations)', message: 'no tolerations' }],
    },
  };
  const binding = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: 'no-gpu-tolerations' },
    spec: { policyName: 'no-gpu-tolerations', validationActions: ['Deny'] },
  };
  const tolerating = deployment('vllm', 'llm');
  (tolerating.spec.template.spec as Record<string, unknown>).tolerations = [{ key: 'nvidia.com/gpu', operator: 'Exists' }];

  it('keeps objects whole when the cluster binds admission policies, whose CEL may read any field', async () => {
    const srv = await new FakeApiServer({ objects: [tolerating, policy, binding] }).start();
    try {
      const r = await scanCluster({ kubeconfig: srv.kubeconfigPath, config: false, rules: ['K8S-0190'] });
      expect(r.findings.map((f) => [f.location.resource?.name, f.message])).toEqual([['vllm', expect.stringContaining('no tolerations')]]);
    } finally {
      await srv.close();
    }
  });

  it("gives a policy the namespace's creationTimestamp as a timestamp, as the API server does", async () => {
    const frozen = {
      ...policy,
      metadata: { name: 'frozen-namespaces' },
      spec: {
        ...policy.spec,
        validations: [
          {
            expression: "namespaceObject.metadata.creationTimestamp >= timestamp('2024-01-01T00:00:00Z')",
            message: 'namespaces created before 2024 are frozen',
          },
        ],
      },
    };
    const frozenBinding = {
      ...binding,
      metadata: { name: 'frozen-namespaces' },
      spec: { ...binding.spec, policyName: 'frozen-namespaces' },
    };
    const namespaces = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'llm', creationTimestamp: '2023-03-01T09:30:00Z' } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web', creationTimestamp: '2024-11-20T08:00:00Z' } },
    ];
    const srv = await new FakeApiServer({
      objects: [...namespaces, deployment('vllm', 'llm'), deployment('api', 'web'), frozen, frozenBinding],
    }).start();
    try {
      const r = await scanCluster({ kubeconfig: srv.kubeconfigPath, config: false, rules: ['K8S-0190'] });
      expect(r.errors).toEqual([]);
      expect(r.findings.map((f) => [f.location.resource?.namespace, f.location.resource?.name, f.message])).toEqual([
        [
          'llm',
          'vllm',
          'ValidatingAdmissionPolicy frozen-namespaces (binding frozen-namespaces, Deny): namespaces created before 2024 are frozen',
        ],
      ]);
    } finally {
      await srv.close();
    }
  });

  it('gives the same findings of the cross-object rules from projected objects as from whole ones', async () => {
    const objects = [tolerating, deployment('api', 'web', { ports: [{ containerPort: 8888 }] }), secret, inferenceService];
    const plain = await new FakeApiServer({ objects }).start();
    // An unbound policy changes nothing but what is kept; its binding matches no namespace that exists.
    const bound = await new FakeApiServer({
      objects: [
        ...objects,
        policy,
        { ...binding, spec: { ...binding.spec, matchResources: { namespaceSelector: { matchLabels: { none: 'x' } } } } },
      ],
    }).start();
    try {
      const setRules = ['K8S-0105', 'K8S-0106', 'K8S-0150'];
      const a = await scanCluster({ kubeconfig: plain.kubeconfigPath, config: false, rules: setRules });
      const b = await scanCluster({ kubeconfig: bound.kubeconfigPath, config: false, rules: setRules });
      expect(a.findings.length).toBeGreaterThan(0);
      const strip = (r: typeof a) => r.findings.map(({ location: { cluster: _c, ...location }, ...f }) => ({ ...f, location }));
      expect(strip(a)).toEqual(strip(b));
    } finally {
      await plain.close();
      await bound.close();
    }
  });
});

describe('objects named like files of other formats', () => {
  it('reads a ConfigMap named like a pickle as the object it is, not as a model', async () => {
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'weights.pkl', namespace: 'llm' }, data: { note: 'x' } };
    const srv = await new FakeApiServer({ objects: [configMap] }).start();
    try {
      const r = await scanCluster({ kubeconfig: srv.kubeconfigPath, config: false });
      expect(r.errors).toEqual([]);
      expect(r.findings.filter((f) => f.location.path === 'llm/ConfigMap/weights.pkl' && !f.location.resource)).toEqual([]);
      expect(r.stats.resources).toBe(1);
    } finally {
      await srv.close();
    }
  });

  it('reads ConfigMaps named like code, dependency manifests, Dockerfiles and notebooks as objects only', async () => {
    const named = (name: string, data: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: 'llm' },
      data,
    });
    const objects = [
      named('app.py', { main: 'import pickle' }),
      named('package.json', { dependencies: 'left-pad' }),
      named('requirements.txt', { torch: '1.0' }),
      named('Dockerfile', { from: 'ubuntu' }),
      named('cells.ipynb', { notes: 'aws_secret_access_key = 9dKx2Lq8ZpT4vWm7Rb1Ns6Yc3Hf0Ju5Ge8Ao2Qi' }),
    ];
    const srv = await new FakeApiServer({ objects }).start();
    try {
      const r = await scanCluster({ kubeconfig: srv.kubeconfigPath, config: false });
      expect(r.errors).toEqual([]);
      expect(r.stats.resources).toBe(objects.length);
      const byFileRules = r.findings
        .filter((f) => !f.location.resource && !/^SEC-/.test(f.ruleId))
        .map((f) => `${f.ruleId} ${f.location.path}`);
      expect(byFileRules).toEqual([]);
      // The notebook-named object is still read as text: the token in it is found.
      expect(r.findings.some((f) => /^SEC-/.test(f.ruleId) && f.location.path === 'llm/ConfigMap/cells.ipynb')).toBe(true);
    } finally {
      await srv.close();
    }
  });
});

describe('objects a controller manages', () => {
  const kindsFound = async (forbidden: string[]) => {
    const srv = await new FakeApiServer({ objects: [deployment('api', 'web'), ...managed], forbidden }).start();
    try {
      const r = await scanCluster({ kubeconfig: srv.kubeconfigPath, config: false });
      const kinds = [...new Set(r.findings.map((f) => f.location.resource?.kind))].sort();
      return { kinds, managedSkipped: r.cluster.managedSkipped, errors: r.errors.map((e) => e.path) };
    } finally {
      await srv.close();
    }
  };

  it('are skipped when their controllers were listed', async () => {
    expect(await kindsFound([])).toEqual({ kinds: ['Deployment'], managedSkipped: 2, errors: [] });
  });

  it('are scanned when their controller could not be listed (its template was not checked)', async () => {
    // The Deployment's list is refused: its ReplicaSet stands for it; the Pod the ReplicaSet manages is still skipped.
    expect(await kindsFound(['deployments.apps'])).toEqual({ kinds: ['ReplicaSet'], managedSkipped: 1, errors: ['deployments.apps'] });
    // The ReplicaSets' list is refused: the Pod is scanned (it comes first in discovery, before ReplicaSets are listed).
    expect(await kindsFound(['replicasets.apps'])).toEqual({
      kinds: ['Deployment', 'Pod'],
      managedSkipped: 0,
      errors: ['replicasets.apps'],
    });
  });
});

describe("objects an operator's custom resource controls", () => {
  const owner = (apiVersion: string, kind: string, name: string, uid: string) => ({
    ownerReferences: [{ apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true }],
  });
  const pod = (name: string, ns: string, labels: Record<string, string>, ownedBy: Record<string, unknown>) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels, ...ownedBy },
    spec: { containers: [{ name: 'main', image: 'rayproject/ray:2.9.0', securityContext: { privileged: true } }] },
  });
  const workload = (kind: string, name: string, ns: string, ownedBy: Record<string, unknown>) => ({
    ...deployment(name, ns, { securityContext: { privileged: true } }),
    kind,
    metadata: { name, namespace: ns, ...ownedBy },
  });
  const service = (name: string, ns: string, ownedBy: Record<string, unknown>, spec: Record<string, unknown>, status?: unknown) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns, ...ownedBy },
    spec,
    ...(status ? { status } : {}),
  });
  const rayTemplate = {
    spec: { containers: [{ name: 'ray-head', image: 'rayproject/ray:2.9.0', securityContext: { privileged: true } }] },
  };
  const rayCluster = (name: string, uid: string, ownedBy: Record<string, unknown> = {}) => ({
    apiVersion: 'ray.io/v1',
    kind: 'RayCluster',
    metadata: { name, namespace: 'ray', uid, ...ownedBy },
    spec: { headGroupSpec: { rayStartParams: { 'dashboard-host': '0.0.0.0' }, template: rayTemplate } },
  });
  const headLabels = (cluster: string) => ({ 'ray.io/cluster': cluster, 'ray.io/node-type': 'head' });

  const objects = [
    // KubeRay: the head Service it made (a LoadBalancer, as the head Service's type was changed in the cluster) and the head Pod.
    rayCluster('train', 'uid-ray'),
    service(
      'train-head-svc',
      'ray',
      owner('ray.io/v1', 'RayCluster', 'train', 'uid-ray'),
      {
        type: 'LoadBalancer',
        selector: headLabels('train'),
        ports: [
          { name: 'dashboard', port: 8265, targetPort: 8265 },
          { name: 'client', port: 10001, targetPort: 10001 },
        ],
      },
      { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } },
    ),
    pod('train-head-x7k2p', 'ray', headLabels('train'), owner('ray.io/v1', 'RayCluster', 'train', 'uid-ray')),
    // A RayService (listed after RayCluster), its RayCluster and that RayCluster's head Pod.
    {
      apiVersion: 'ray.io/v1',
      kind: 'RayService',
      metadata: { name: 'serve', namespace: 'ray', uid: 'uid-serve' },
      spec: { rayClusterConfig: { headGroupSpec: { template: rayTemplate } } },
    },
    rayCluster('serve-raycluster-q8zt4', 'uid-serve-rc', owner('ray.io/v1', 'RayService', 'serve', 'uid-serve')),
    pod(
      'serve-raycluster-q8zt4-head-m2n4x',
      'ray',
      headLabels('serve-raycluster-q8zt4'),
      owner('ray.io/v1', 'RayCluster', 'serve-raycluster-q8zt4', 'uid-serve-rc'),
    ),
    // KServe in raw deployment mode: the predictor Deployment, its ReplicaSet, its ClusterIP Service.
    { ...inferenceService, metadata: { ...inferenceService.metadata, uid: 'uid-isvc' } },
    workload('Deployment', 'llama-predictor', 'llm', owner('serving.kserve.io/v1beta1', 'InferenceService', 'llama', 'uid-isvc')),
    service('llama-predictor', 'llm', owner('serving.kserve.io/v1beta1', 'InferenceService', 'llama', 'uid-isvc'), {
      type: 'ClusterIP',
      selector: { app: 'isvc.llama-predictor' },
      ports: [{ name: 'http', port: 80, targetPort: 8080 }],
    }),
    // An InferenceGraph carries no pod template: the router Deployment KServe makes for it is the only place its pods are seen.
    {
      apiVersion: 'serving.kserve.io/v1alpha1',
      kind: 'InferenceGraph',
      metadata: { name: 'graph', namespace: 'llm', uid: 'uid-graph' },
      spec: { nodes: { root: { routerType: 'Sequence', steps: [{ serviceName: 'llama' }] } } },
    },
    workload('Deployment', 'graph', 'llm', owner('serving.kserve.io/v1alpha1', 'InferenceGraph', 'graph', 'uid-graph')),
    // Kubeflow: a Notebook's StatefulSet and its Pod; a Profile's Namespace and RoleBinding.
    {
      apiVersion: 'kubeflow.org/v1',
      kind: 'Notebook',
      metadata: { name: 'nb', namespace: 'alice', uid: 'uid-nb' },
      spec: { template: { spec: { containers: [{ name: 'nb', image: 'kubeflownotebookswg/jupyter-scipy:v1.9.0' }] } } },
    },
    workload('StatefulSet', 'nb', 'alice', owner('kubeflow.org/v1', 'Notebook', 'nb', 'uid-nb')),
    pod('nb-0', 'alice', { statefulset: 'nb' }, owner('apps/v1', 'StatefulSet', 'nb', 'uid-sts')),
    {
      apiVersion: 'kubeflow.org/v1',
      kind: 'Profile',
      metadata: { name: 'alice', uid: 'uid-profile' },
      spec: { owner: { kind: 'User', name: 'alice@example.com' } },
    },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'alice', ...owner('kubeflow.org/v1', 'Profile', 'alice', 'uid-profile') } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'namespaceAdmin', namespace: 'alice', ...owner('kubeflow.org/v1', 'Profile', 'alice', 'uid-profile') },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kubeflow-admin' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice@example.com' }],
    },
    // A static Pod's mirror, whose controller is its Node.
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'cp-1', uid: 'uid-node' } },
    pod('etcd-cp-1', 'kube-system', { component: 'etcd' }, owner('v1', 'Node', 'cp-1', 'uid-node')),
  ];
  const resources = [
    ...AI_OPERATOR_RESOURCES,
    { group: 'ray.io', version: 'v1', name: 'rayservices', kind: 'RayService', namespaced: true, custom: true },
    { group: 'serving.kserve.io', version: 'v1alpha1', name: 'inferencegraphs', kind: 'InferenceGraph', namespaced: true, custom: true },
    { group: 'kubeflow.org', version: 'v1', name: 'profiles', kind: 'Profile', namespaced: false, custom: true },
  ];
  let srv: FakeApiServer;
  beforeAll(async () => {
    srv = await new FakeApiServer({ objects, resources }).start();
  });
  afterAll(async () => {
    await srv.close();
  });

  it('are skipped when they are made from a pod template the scan checks in their controller, and scanned otherwise', async () => {
    const scanned: string[] = [];
    const r = await scanCluster({ kubeconfig: srv.kubeconfigPath, config: false, onObject: (name) => scanned.push(name) });
    expect(r.errors).toEqual([]);
    // Made from a template the scan checks in their controller: the head Pods, the RayService's RayCluster, the predictor
    // Deployment, the Notebook's StatefulSet and its Pod.
    expect(r.cluster.managedSkipped).toBe(6);
    for (const skipped of [
      'ray/Pod/train-head-x7k2p',
      'ray/RayCluster.ray.io/serve-raycluster-q8zt4',
      'ray/Pod/serve-raycluster-q8zt4-head-m2n4x',
      'llm/Deployment.apps/llama-predictor',
      'alice/StatefulSet.apps/nb',
      'alice/Pod/nb-0',
    ])
      expect(scanned).not.toContain(skipped);
    // No pod template of theirs is read in their controller: what the operator made is checked as itself.
    expect(scanned).toEqual(
      expect.arrayContaining([
        'ray/Service/train-head-svc',
        'llm/Service/llama-predictor',
        'llm/Deployment.apps/graph',
        'Namespace/alice',
        'alice/RoleBinding.rbac.authorization.k8s.io/namespaceAdmin',
        'kube-system/Pod/etcd-cp-1',
      ]),
    );
    const privileged = r.findings.filter((f) => f.ruleId === 'K8S-0003').map((f) => f.location.path);
    expect([...new Set(privileged)].sort()).toEqual([
      'kube-system/Pod/etcd-cp-1',
      'llm/Deployment.apps/graph',
      'llm/InferenceService.serving.kserve.io/llama',
      'ray/RayCluster.ray.io/train',
      'ray/RayService.ray.io/serve',
    ]);
  });

  it('reports the LoadBalancer Service KubeRay made for a Ray head, with its address', async () => {
    const r = await scanCluster({ kubeconfig: srv.kubeconfigPath, config: false, rules: ['K8S-0150', 'K8S-0154'] });
    const found = r.findings.map((f) => ({ rule: f.ruleId, path: f.location.path, objectPath: f.location.objectPath, message: f.message }));
    expect(found.sort((a, b) => a.objectPath!.localeCompare(b.objectPath!))).toEqual([
      {
        rule: 'K8S-0150',
        path: 'ray/Service/train-head-svc',
        objectPath: '/spec/ports/0',
        message: expect.stringMatching(/^Service 'train-head-svc' exposes .*through a LoadBalancer at 203\.0\.113\.10$/),
      },
      {
        rule: 'K8S-0150',
        path: 'ray/Service/train-head-svc',
        objectPath: '/spec/ports/1',
        message: expect.stringMatching(/^Service 'train-head-svc' exposes .*through a LoadBalancer at 203\.0\.113\.10$/),
      },
    ]);
  });
});

describe('kinds Kueue admits: an AppWrapper and a Kubeflow Trainer TrainJob', () => {
  const owner = (apiVersion: string, kind: string, name: string, uid: string) => ({
    ownerReferences: [{ apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true }],
  });
  const privileged = { name: 'train', image: 'pytorch/pytorch:2.7.1-cuda12.8-cudnn9-runtime', securityContext: { privileged: true } };
  const pytorchJob = (ownedBy: Record<string, unknown> = {}) => ({
    apiVersion: 'kubeflow.org/v1',
    kind: 'PyTorchJob',
    metadata: { name: 'wrapped', namespace: 'ml', ...ownedBy },
    spec: { pytorchReplicaSpecs: { Master: { replicas: 1, template: { spec: { containers: [privileged] } } } } },
  });
  const objects = [
    // Listed before what it controls: the AppWrapper stands for the PyTorchJob it made from its component.
    {
      apiVersion: 'workload.codeflare.dev/v1beta2',
      kind: 'AppWrapper',
      metadata: { name: 'aw', namespace: 'ml', uid: 'uid-aw' },
      spec: { components: [{ template: { ...pytorchJob(), metadata: { name: 'wrapped' } } }] },
    },
    pytorchJob(owner('workload.codeflare.dev/v1beta2', 'AppWrapper', 'aw', 'uid-aw')),
    // A TrainJob's overrides hold no pod spec the rules read: the JobSet the trainer made from its runtime is checked itself.
    {
      apiVersion: 'trainer.kubeflow.org/v1alpha1',
      kind: 'TrainJob',
      metadata: { name: 'tj', namespace: 'ml', uid: 'uid-tj' },
      spec: {
        runtimeRef: { name: 'torch-distributed' },
        trainer: { image: privileged.image, numNodes: 2, resourcesPerNode: { limits: { 'nvidia.com/gpu': 1 } } },
        podTemplateOverrides: [
          { targetJobs: [{ name: 'node' }], spec: { containers: [{ name: 'node', env: [{ name: 'A', value: '1' }] }] } },
        ],
      },
    },
    {
      apiVersion: 'jobset.x-k8s.io/v1alpha2',
      kind: 'JobSet',
      metadata: { name: 'tj', namespace: 'ml', ...owner('trainer.kubeflow.org/v1alpha1', 'TrainJob', 'tj', 'uid-tj') },
      spec: { replicatedJobs: [{ name: 'node', template: { spec: { template: { spec: { containers: [privileged] } } } } }] },
    },
  ];
  const resources = [
    { group: 'workload.codeflare.dev', version: 'v1beta2', name: 'appwrappers', kind: 'AppWrapper', namespaced: true, custom: true },
    { group: 'trainer.kubeflow.org', version: 'v1alpha1', name: 'trainjobs', kind: 'TrainJob', namespaced: true, custom: true },
    { group: 'kubeflow.org', version: 'v1', name: 'pytorchjobs', kind: 'PyTorchJob', namespaced: true, custom: true },
    { group: 'jobset.x-k8s.io', version: 'v1alpha2', name: 'jobsets', kind: 'JobSet', namespaced: true, custom: true },
  ];

  it('are listed; what an AppWrapper wraps is checked in it once, a TrainJob stands for nothing', async () => {
    const srv = await new FakeApiServer({ objects, resources }).start();
    try {
      const scanned: string[] = [];
      const r = await scanCluster({ kubeconfig: srv.kubeconfigPath, config: false, onObject: (name) => scanned.push(name) });
      expect(r.errors).toEqual([]);
      expect(r.cluster.listed).toEqual(expect.arrayContaining(['appwrappers.workload.codeflare.dev', 'trainjobs.trainer.kubeflow.org']));
      expect(scanned).toEqual(
        expect.arrayContaining([
          'ml/AppWrapper.workload.codeflare.dev/aw',
          'ml/TrainJob.trainer.kubeflow.org/tj',
          'ml/JobSet.jobset.x-k8s.io/tj',
        ]),
      );
      expect(scanned).not.toContain('ml/PyTorchJob.kubeflow.org/wrapped');
      expect(r.cluster.managedSkipped).toBe(1);
      const found = r.findings.filter((f) => f.ruleId === 'K8S-0003').map((f) => `${f.location.path} ${f.location.objectPath}`);
      expect(found.sort()).toEqual([
        'ml/AppWrapper.workload.codeflare.dev/aw /spec/components/0/template/spec/pytorchReplicaSpecs/Master/template/spec/containers/0/securityContext/privileged',
        'ml/JobSet.jobset.x-k8s.io/tj /spec/replicatedJobs/0/template/spec/template/spec/containers/0/securityContext/privileged',
      ]);
    } finally {
      await srv.close();
    }
  });
});

describe("a RayCluster an AppWrapper wraps, behind a LoadBalancer Service selecting KubeRay's head labels", () => {
  const owner = (apiVersion: string, kind: string, name: string, uid: string) => ({
    ownerReferences: [{ apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true }],
  });
  const rayCluster = (ns: string, token: boolean, ownedBy: Record<string, unknown> = {}) => ({
    apiVersion: 'ray.io/v1',
    kind: 'RayCluster',
    metadata: { name: 'rc', namespace: ns, ...ownedBy },
    spec: {
      ...(token ? { authOptions: { mode: 'token' } } : {}),
      headGroupSpec: {
        rayStartParams: { 'dashboard-host': '0.0.0.0' },
        template: { spec: { containers: [{ name: 'ray-head', image: 'rayproject/ray:2.9.0', ports: [{ containerPort: 8265 }] }] } },
      },
    },
  });
  // In namespace 'open' without authentication, in 'tok' with KubeRay's token authentication.
  const objects = [
    ...['open', 'tok'].flatMap((ns) => [
      {
        apiVersion: 'workload.codeflare.dev/v1beta2',
        kind: 'AppWrapper',
        metadata: { name: 'aw', namespace: ns, uid: `uid-aw-${ns}` },
        spec: { components: [{ template: { ...rayCluster(ns, ns === 'tok'), metadata: { name: 'rc' } } }] },
      },
      rayCluster(ns, ns === 'tok', owner('workload.codeflare.dev/v1beta2', 'AppWrapper', 'aw', `uid-aw-${ns}`)),
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'rc-head-svc', namespace: ns },
        spec: {
          type: 'LoadBalancer',
          selector: { 'ray.io/cluster': 'rc', 'ray.io/node-type': 'head' },
          ports: [{ name: 'dashboard', port: 8265, targetPort: 8265 }],
        },
      },
    ]),
  ];
  const resources = [
    ...AI_OPERATOR_RESOURCES,
    { group: 'workload.codeflare.dev', version: 'v1beta2', name: 'appwrappers', kind: 'AppWrapper', namespaced: true, custom: true },
  ];

  it('finds the head in the AppWrapper (the RayCluster it made is skipped): critical without token auth, nothing with it', async () => {
    const srv = await new FakeApiServer({ objects, resources }).start();
    try {
      const scanned: string[] = [];
      const r = await scanCluster({
        kubeconfig: srv.kubeconfigPath,
        config: false,
        rules: ['K8S-0150'],
        onObject: (name) => scanned.push(name),
      });
      expect(r.errors).toEqual([]);
      expect(scanned).not.toContain('open/RayCluster.ray.io/rc');
      expect(r.cluster.managedSkipped).toBe(2);
      expect(
        r.findings.map((f) => ({ path: f.location.path, objectPath: f.location.objectPath, severity: f.severity, message: f.message })),
      ).toEqual([
        {
          path: 'open/Service/rc-head-svc',
          objectPath: '/spec/ports/0',
          severity: 'critical',
          message: expect.stringMatching(
            /exposes Ray dashboard and Jobs API \(runs code\) on port 8265 of RayCluster 'rc' in AppWrapper 'aw' \(authentication off/,
          ),
        },
      ]);
    } finally {
      await srv.close();
    }
  });
});

describe('a hostile cluster: ConfigMaps that each hold a MiB naming an authenticator', () => {
  it('keeps 16 Mi characters of them for the cross-object rules, and tells the one past it in errors', async () => {
    const value = 'c.JupyterHub.authenticator_class = "dummy"\n#'.padEnd(1_000_000, '#');
    const objects = Array.from({ length: 17 }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `hub-${String(i).padStart(2, '0')}`, namespace: 'jhub' },
      data: { 'jupyterhub_config.py': value },
    }));
    const srv = await new FakeApiServer({ objects }).start();
    try {
      const r = await scanCluster({ kubeconfig: srv.kubeconfigPath, config: false, rules: ['K8S-0150'] });
      expect(r.errors).toEqual([
        {
          path: 'jhub/ConfigMap/hub-16',
          message: expect.stringMatching(
            /^the value of key 'jupyterhub_config\.py' \(1000000 characters; K8S-0150\/0151 \(JupyterHub\) read it\) not kept .*at most 4096 ConfigMap values of 16777216 characters/,
          ),
        },
      ]);
    } finally {
      await srv.close();
    }
  });
});

describe('expired continue tokens (410 Gone)', () => {
  const objects = Array.from({ length: 9 }, (_, i) => deployment(`d${i}`, 'web', { securityContext: { privileged: true } }));

  async function privilegedNames(
    opts: ConstructorParameters<typeof FakeApiServer>[0],
    pageSize = 4,
  ): Promise<{ names: string[]; expired: number }> {
    const srv = await new FakeApiServer({ objects, ...opts }).start();
    try {
      const r = await scanCluster({ kubeconfig: srv.kubeconfigPath, config: false, pageSize, rules: ['K8S-0003'] });
      expect(r.errors).toEqual([]);
      const expired = srv.requests.filter((q) => q.path === '/apis/apps/v1/deployments' && q.query.continue).length;
      return { names: r.findings.map((f) => f.location.resource!.name!).sort(), expired };
    } finally {
      await srv.close();
    }
  }

  it('starts the list again and skips what it has scanned', async () => {
    const { names } = await privilegedNames({ expireContinue: 1 });
    expect(names).toEqual(objects.map((o) => o.metadata.name).sort());
  });

  it('goes on from the token the server offers with the 410', async () => {
    const { names } = await privilegedNames({ expireContinue: 1, offerInconsistentContinue: true });
    expect(names).toEqual(objects.map((o) => o.metadata.name).sort());
  });

  it('goes on through a long list whose tokens expire again and again, as long as each 410 offers a token', async () => {
    // Pages of 2: each of the four pages after the first expires once before the offered token reads it.
    const { names, expired } = await privilegedNames({ expireEachPosition: true, offerInconsistentContinue: true }, 2);
    expect(names).toEqual(objects.map((o) => o.metadata.name).sort());
    // Requests with a continue token: four refused, four answered.
    expect(expired).toBe(8);
  });

  it('gives up after repeated expiries with an error, keeping what it scanned', async () => {
    const srv = await new FakeApiServer({ objects, expireContinue: 100 }).start();
    try {
      const r = await scanCluster({ kubeconfig: srv.kubeconfigPath, config: false, pageSize: 4, rules: ['K8S-0003'] });
      expect(r.errors).toEqual([{ path: 'deployments.apps', message: expect.stringMatching(/kept expiring \(410 Gone\)/) }]);
      expect(r.findings.length).toBe(4);
    } finally {
      await srv.close();
    }
  });
});

describe('kept-alive connections the API server closed', () => {
  it('lists every object when the server closes its kept-alive connections in the middle of the scan', async () => {
    const objects = Array.from({ length: 9 }, (_, i) => deployment(`d${i}`, 'web', { securityContext: { privileged: true } }));
    const srv = await new FakeApiServer({ objects }).start();
    try {
      const open: number[] = [];
      const r = await scanCluster({
        kubeconfig: srv.kubeconfigPath,
        config: false,
        pageSize: 2,
        rules: ['K8S-0003'],
        // Twice: with the next page and the next list's first page asked for ahead, two connections are open.
        onObject: (_name, i) => void (i % 4 === 1 && open.push(srv.closeKeptAlive())),
      });
      expect(r.errors).toEqual([]);
      expect(r.findings.map((f) => f.location.resource!.name).sort()).toEqual(objects.map((o) => o.metadata.name));
      expect(open.every((n) => n >= 1)).toBe(true);
      expect(srv.staleRequests).toBeGreaterThanOrEqual(open.length);
      expect(srv.connections).toBeGreaterThan(open.length);
    } finally {
      await srv.close();
    }
  });
});

describe('an API server that is busy (429) or failing (5xx)', () => {
  const objects = [
    ...Array.from({ length: 5 }, (_, i) => deployment(`d${i}`, 'web', { securityContext: { privileged: true } })),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'lb', namespace: 'web' },
      spec: { type: 'LoadBalancer', ports: [{ port: 80 }] },
    },
  ];

  async function scanWith(failing: NonNullable<ConstructorParameters<typeof FakeApiServer>[0]>['failing']) {
    const srv = await new FakeApiServer({ objects, failing }).start();
    const sleeps: number[] = [];
    try {
      const r = await scanCluster({
        kubeconfig: srv.kubeconfigPath,
        config: false,
        pageSize: 2,
        rules: ['K8S-0003'],
        retry: { sleep: async (ms) => void sleeps.push(ms) },
      });
      const deploymentLists = srv.requests.filter((q) => q.path === '/apis/apps/v1/deployments').length;
      return { r, sleeps, deploymentLists, names: r.findings.map((f) => f.location.resource!.name!).sort() };
    } finally {
      await srv.close();
    }
  }

  it('lists what priority and fairness throttles once it lets the scan in, after the Retry-After it asks for', async () => {
    const { r, sleeps, names, deploymentLists } = await scanWith({
      '/apis': { status: 429, times: 1 },
      'deployments.apps': { status: 429, times: 2 },
    });
    expect(r.errors).toEqual([]);
    expect(names).toEqual(['d0', 'd1', 'd2', 'd3', 'd4']);
    expect(r.cluster.listed).toContain('deployments.apps');
    // Three pages, the first sent three times.
    expect(deploymentLists).toBe(5);
    expect(sleeps).toEqual([1000, 1000, 1000]);
  });

  it('goes on with a list whose later page meets a 504 or a 500, and with a group whose discovery met a 503', async () => {
    const { r, sleeps, names } = await scanWith({
      'deployments.apps': { status: 504, times: 1, continued: true },
      '/apis/apps/v1': { status: 503, times: 2 },
      services: { status: 500, times: 4 },
    });
    expect(r.errors).toEqual([]);
    expect(names).toEqual(['d0', 'd1', 'd2', 'd3', 'd4']);
    expect(r.cluster.listed).toEqual(expect.arrayContaining(['deployments.apps', 'services']));
    expect(sleeps.length).toBe(7);
  });

  it('reports a kind whose list keeps failing after the last try, with its status and namespace, and scans the rest', async () => {
    const { r, sleeps, names } = await scanWith({ services: { status: 503, times: Infinity } });
    expect(r.errors).toEqual([
      {
        path: 'services',
        message:
          'cannot list services in any namespace: the API server still answered 503 ServiceUnavailable at the last of 5 tries (/api/v1/services: the server is currently unable to handle the request); objects of this kind were not scanned',
      },
    ]);
    expect(names).toEqual(['d0', 'd1', 'd2', 'd3', 'd4']);
    expect(r.cluster.listed).not.toContain('services');
    expect(sleeps.length).toBe(4);
  });

  it('says a kind was scanned in part when a later page keeps failing', async () => {
    const { r, names } = await scanWith({ 'deployments.apps': { status: 429, times: Infinity, continued: true } });
    expect(r.errors).toEqual([
      {
        path: 'deployments.apps',
        message:
          'cannot list deployments.apps in any namespace: the API server still answered 429 Too Many Requests at the last of 5 tries (/apis/apps/v1/deployments: Too many requests, please try again later.); objects of this kind were scanned in part',
      },
    ]);
    expect(names).toEqual(['d0', 'd1']);
  });

  it('names the namespace of a list that keeps failing in a --namespace scan, and a group whose discovery does', async () => {
    const srv = await new FakeApiServer({
      objects,
      failing: { 'deployments.apps': { status: 502, times: Infinity }, '/apis/batch/v1': { status: 503, times: Infinity } },
    }).start();
    try {
      const r = await scanCluster({
        kubeconfig: srv.kubeconfigPath,
        config: false,
        namespaces: ['web'],
        rules: ['K8S-0003'],
        retry: { sleep: async () => undefined },
      });
      expect(r.errors).toEqual(
        expect.arrayContaining([
          {
            path: 'deployments.apps',
            message: expect.stringMatching(
              /^cannot list deployments\.apps in namespace web: the API server still answered 502 BadGateway at the last of 5 tries \(\/apis\/apps\/v1\/namespaces\/web\/deployments: error trying to reach service/,
            ),
          },
          {
            path: 'the resources of batch v1',
            message: expect.stringMatching(/^cannot discover the resources of batch v1: 503 ServiceUnavailable: .* \(after 5 tries\)$/),
          },
        ]),
      );
    } finally {
      await srv.close();
    }
  });
});

describe('sanctum cluster (CLI)', () => {
  let srv: FakeApiServer;
  beforeAll(async () => {
    srv = await new FakeApiServer({
      objects: [deployment('vllm', 'llm', { securityContext: { privileged: true } }), deployment('ok', 'web')],
      resources: POLICY_REPORT_RESOURCES,
    }).start();
  });
  afterAll(async () => {
    await srv.close();
  });

  it('prints the JSON report and exits 1 on findings at or above --fail-on', async () => {
    const out = capture();
    const err = capture();
    const code = await main(['node', 'sanctum', 'cluster', '--kubeconfig', srv.kubeconfigPath, '--format', 'json', '--rule', 'K8S-0003'], {
      stdout: out.stream,
      stderr: err.stream,
    });
    expect(code).toBe(1);
    const report = JSON.parse(out.text());
    expect(report.targets).toEqual(['cluster fake']);
    expect(report.findings.map((f: { location: { path: string } }) => f.location.path)).toEqual(['llm/Deployment.apps/vllm']);
    expect(err.text()).toMatch(/cluster 'fake' \(https:\/\/127\.0\.0\.1:\d+\): 2 objects of \d+ resource types scanned/);
  });

  it('runs custom CEL policies given with --policy on the cluster objects', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sanctum-cluster-policy-'));
    try {
      writeFileSync(
        join(dir, 'no-privileged.yaml'),
        [
          'apiVersion: policies.sanctum.dev/v1',
          'kind: SanctumPolicy',
          'metadata: {name: no-privileged-in-llm}',
          'spec:',
          '  severity: high',
          '  match: {kinds: [Deployment], namespaces: [llm]}',
          '  validations:',
          '  - expression: "!object.spec.template.spec.containers.exists(c, has(c.securityContext) && has(c.securityContext.privileged) && c.securityContext.privileged)"',
          '    message: no privileged containers in llm',
          '',
        ].join('\n'),
      );
      const out = capture();
      const code = await main(
        [
          'node',
          'sanctum',
          'cluster',
          '--kubeconfig',
          srv.kubeconfigPath,
          '--format',
          'json',
          '--policy',
          join(dir, 'no-privileged.yaml'),
          '--fail-on',
          'none',
        ],
        { stdout: out.stream, stderr: capture().stream, cwd: dir },
      );
      expect(code).toBe(0);
      const report = JSON.parse(out.text());
      const hits = report.findings.filter((f: { slug: string }) => f.slug === 'no-privileged-in-llm');
      expect(hits.map((f: { location: { path: string } }) => f.location.path)).toEqual(['llm/Deployment.apps/vllm']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes wg-policy reports and applies them to the cluster with --apply', async () => {
    const out = capture();
    const code = await main(
      [
        'node',
        'sanctum',
        'cluster',
        '--kubeconfig',
        srv.kubeconfigPath,
        '--format',
        'policyreport',
        '--apply',
        '--rule',
        'K8S-0003',
        '--fail-on',
        'none',
      ],
      { stdout: out.stream, stderr: capture().stream },
    );
    expect(code).toBe(0);
    const docs = yaml.loadAll(out.text()) as Array<Record<string, any>>;
    expect(docs.map((d) => `${d.kind} ${d.metadata.namespace ?? ''}/${d.metadata.name}`)).toEqual([
      'PolicyReport llm/sanctum',
      'ClusterPolicyReport /sanctum-cluster',
    ]);
    expect(docs[0].results[0]).toMatchObject({
      source: 'sanctum',
      policy: 'K8S-0003',
      rule: 'privileged-container',
      severity: 'critical',
      result: 'fail',
      resources: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'vllm', namespace: 'llm' }],
    });
    expect(docs[0].summary).toEqual({ pass: 0, fail: 1, warn: 0, error: 0, skip: 0 });
    const stored = srv.stored('PolicyReport');
    expect(stored.map((o) => (o.metadata as { namespace: string }).namespace)).toEqual(['llm']);
    expect(srv.requests.some((q) => q.method === 'PATCH' && q.query.fieldManager === 'sanctum')).toBe(true);
  });

  it('exits 2 with a clear message when the PolicyReport CRDs are missing', async () => {
    const bare = await new FakeApiServer({ objects: [deployment('vllm', 'llm', { securityContext: { privileged: true } })] }).start();
    try {
      const err = capture();
      const code = await main(
        [
          'node',
          'sanctum',
          'cluster',
          '--kubeconfig',
          bare.kubeconfigPath,
          '--format',
          'policyreport',
          '--apply',
          '-o',
          join(tmpdir(), `sanctum-pr-${process.pid}.yaml`),
        ],
        {
          stdout: capture().stream,
          stderr: err.stream,
        },
      );
      expect(code).toBe(2);
      expect(err.text()).toMatch(/does not serve wgpolicyk8s\.io\/v1alpha2 PolicyReport \(install the wg-policy PolicyReport CRDs\)/);
    } finally {
      rmSync(join(tmpdir(), `sanctum-pr-${process.pid}.yaml`), { force: true });
      await bare.close();
    }
  });

  it('rejects bad flags with exit 2', async () => {
    const err = capture();
    expect(
      await main(['node', 'sanctum', 'cluster', '--kubeconfig', srv.kubeconfigPath, '-n', 'a', '-A'], {
        stdout: capture().stream,
        stderr: err.stream,
      }),
    ).toBe(2);
    expect(
      await main(['node', 'sanctum', 'cluster', '--kubeconfig', srv.kubeconfigPath, '--apply'], {
        stdout: capture().stream,
        stderr: err.stream,
      }),
    ).toBe(2);
    expect(
      await main(['node', 'sanctum', 'cluster', '--kubeconfig', '/nonexistent/kubeconfig'], {
        stdout: capture().stream,
        stderr: err.stream,
      }),
    ).toBe(2);
    expect(err.text()).toMatch(/--all-namespaces and --namespace exclude each other/);
    expect(err.text()).toMatch(/--apply writes Policy Reports/);
    expect(err.text()).toMatch(/kubeconfig \/nonexistent\/kubeconfig does not exist/);
    expect(
      await main(['node', 'sanctum', 'cluster', '--kubeconfig', srv.kubeconfigPath, '--request-timeout', '0'], {
        stdout: capture().stream,
        stderr: err.stream,
      }),
    ).toBe(2);
    expect(err.text()).toMatch(/--request-timeout must be a positive number of seconds \(got '0'\)/);
  });

  it('exits 2 naming the cluster when its server takes the connection and never answers, after --request-timeout', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((s) => sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const server = `https://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const dir = mkdtempSync(join(tmpdir(), 'sanctum-kc-'));
    try {
      const file = join(dir, 'kubeconfig');
      writeFileSync(file, srv.kubeconfig().replace(srv.url, server));
      const err = capture();
      const code = await main(['node', 'sanctum', 'cluster', '--kubeconfig', file, '--request-timeout', '0.5'], {
        stdout: capture().stream,
        stderr: err.stream,
      });
      expect(code).toBe(2);
      expect(err.text()).toContain(`cannot read the API of cluster 'fake' (${server}): no answer from ${server} within 0.5 s`);
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sanctum cluster --apply replaces its earlier reports', () => {
  const report = (
    kind: string,
    name: string,
    namespace?: string,
    labels: Record<string, string> = { 'app.kubernetes.io/managed-by': 'sanctum' },
  ) => ({
    apiVersion: 'wgpolicyk8s.io/v1alpha2',
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}), labels },
    results: [],
  });
  const names = (srv: FakeApiServer) =>
    [...srv.stored('PolicyReport'), ...srv.stored('ClusterPolicyReport')]
      .map((o) => {
        const md = o.metadata as { name: string; namespace?: string };
        return `${String(o.kind)} ${md.namespace ?? ''}/${md.name}`;
      })
      .sort();
  const apply = async (srv: FakeApiServer, ...more: string[]) => {
    const err = capture();
    const code = await main(
      [
        'node',
        'sanctum',
        'cluster',
        '--kubeconfig',
        srv.kubeconfigPath,
        '--format',
        'policyreport',
        '--apply',
        '--rule',
        'K8S-0003',
        '--fail-on',
        'none',
        ...more,
      ],
      { stdout: capture().stream, stderr: err.stream },
    );
    return { code, err: err.text() };
  };

  it('deletes the reports of earlier scans it did not write again, and only its own', async () => {
    const srv = await new FakeApiServer({
      objects: [
        deployment('vllm', 'llm', { securityContext: { privileged: true } }),
        deployment('api', 'web'),
        // An earlier scan found something in `web` (fixed since) and split the cluster report in two.
        report('PolicyReport', 'sanctum', 'web'),
        report('PolicyReport', 'sanctum-2', 'llm'),
        report('ClusterPolicyReport', 'sanctum-cluster-2'),
        // Another tool's reports stay.
        report('PolicyReport', 'kyverno-polr', 'web', { 'app.kubernetes.io/managed-by': 'kyverno' }),
        report('ClusterPolicyReport', 'kube-bench', undefined, {}),
      ],
      resources: POLICY_REPORT_RESOURCES,
    }).start();
    try {
      const { code, err } = await apply(srv);
      expect(code).toBe(0);
      expect(err).toMatch(/wrote 2 Policy Reports to the cluster, deleted 3 stale ones/);
      expect(names(srv)).toEqual([
        'ClusterPolicyReport /kube-bench',
        'ClusterPolicyReport /sanctum-cluster',
        'PolicyReport llm/sanctum',
        'PolicyReport web/kyverno-polr',
      ]);
      expect(srv.requests.filter((q) => q.method === 'DELETE').map((q) => q.path)).toEqual([
        '/apis/wgpolicyk8s.io/v1alpha2/namespaces/web/policyreports/sanctum',
        '/apis/wgpolicyk8s.io/v1alpha2/namespaces/llm/policyreports/sanctum-2',
        '/apis/wgpolicyk8s.io/v1alpha2/clusterpolicyreports/sanctum-cluster-2',
      ]);
      expect(srv.requests.some((q) => q.query.labelSelector === 'app.kubernetes.io/managed-by=sanctum')).toBe(true);
    } finally {
      await srv.close();
    }
  });

  it('leaves the reports of namespaces a --namespace scan did not read', async () => {
    const srv = await new FakeApiServer({
      objects: [deployment('api', 'web'), report('PolicyReport', 'sanctum', 'web'), report('PolicyReport', 'sanctum', 'llm')],
      resources: POLICY_REPORT_RESOURCES,
    }).start();
    try {
      const { code } = await apply(srv, '--namespace', 'llm');
      expect(code).toBe(0);
      // `llm` has no finding left: its report goes; `web` was not scanned: its report stays.
      expect(names(srv)).toEqual(['ClusterPolicyReport /sanctum-cluster', 'PolicyReport web/sanctum']);
    } finally {
      await srv.close();
    }
  });
});

describe('a Kubeflow Trainer TrainJob, its runtime and the JobSet it makes', () => {
  const owner = {
    ownerReferences: [{ apiVersion: 'trainer.kubeflow.org/v1alpha1', kind: 'TrainJob', name: 'tj', uid: 'uid-tj', controller: true }],
  };
  const trainer = { image: 'ghcr.io/acme/train:latest', env: [{ name: 'HF_TOKEN', value: 'hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ01234567' }] };
  const runtime = {
    apiVersion: 'trainer.kubeflow.org/v1alpha1',
    kind: 'ClusterTrainingRuntime',
    metadata: { name: 'torch-distributed' },
    spec: {
      template: {
        spec: {
          replicatedJobs: [
            {
              name: 'node',
              template: { spec: { template: { spec: { containers: [{ name: 'node', image: 'pytorch/pytorch:latest' }] } } } },
            },
          ],
        },
      },
    },
  };
  const trainJob = {
    apiVersion: 'trainer.kubeflow.org/v1alpha1',
    kind: 'TrainJob',
    metadata: { name: 'tj', namespace: 'ml', uid: 'uid-tj' },
    spec: { runtimeRef: { name: 'torch-distributed' }, trainer },
  };
  // The runtime's template with the trainer's image and env merged into its node container.
  const jobSet = {
    apiVersion: 'jobset.x-k8s.io/v1alpha2',
    kind: 'JobSet',
    metadata: { name: 'tj', namespace: 'ml', uid: 'uid-js', ...owner },
    spec: {
      replicatedJobs: [{ name: 'node', template: { spec: { template: { spec: { containers: [{ name: 'node', ...trainer }] } } } } }],
    },
  };
  const jobSets = { group: 'jobset.x-k8s.io', version: 'v1alpha2', name: 'jobsets', kind: 'JobSet', namespaced: true, custom: true };
  const trainJobs = {
    group: 'trainer.kubeflow.org',
    version: 'v1alpha1',
    name: 'trainjobs',
    kind: 'TrainJob',
    namespaced: true,
    custom: true,
  };
  const runtimes = [
    {
      group: 'trainer.kubeflow.org',
      version: 'v1alpha1',
      name: 'trainingruntimes',
      kind: 'TrainingRuntime',
      namespaced: true,
      custom: true,
    },
    {
      group: 'trainer.kubeflow.org',
      version: 'v1alpha1',
      name: 'clustertrainingruntimes',
      kind: 'ClusterTrainingRuntime',
      namespaced: false,
      custom: true,
    },
  ];
  const found = async (objects: object[], resources: object[]) => {
    const srv = await new FakeApiServer({ objects, resources } as ConstructorParameters<typeof FakeApiServer>[0]).start();
    try {
      const r = await scanCluster({ kubeconfig: srv.kubeconfigPath, config: false, rules: ['K8S-0100', 'K8S-0108'] });
      expect(r.errors).toEqual([]);
      return r.findings.map((f) => `${f.ruleId} ${f.location.path} ${f.location.objectPath}`).sort();
    } finally {
      await srv.close();
    }
  };

  it('reads the trainer in the TrainJob and the template in the runtime, not again in the JobSet (either listing order)', async () => {
    const expected = [
      'K8S-0100 ClusterTrainingRuntime.trainer.kubeflow.org/torch-distributed /spec/template/spec/replicatedJobs/0/template/spec/template/spec/containers/0/image',
      'K8S-0100 ml/TrainJob.trainer.kubeflow.org/tj /spec/trainer/image',
      'K8S-0108 ml/TrainJob.trainer.kubeflow.org/tj /spec/trainer/env/0/value',
    ];
    expect(await found([trainJob, runtime, jobSet], [trainJobs, ...runtimes, jobSets])).toEqual(expected);
    expect(await found([trainJob, runtime, jobSet], [jobSets, ...runtimes, trainJobs])).toEqual(expected);
  });

  it('scans the JobSet when the TrainJob, its runtime, or its pod overrides are not read', async () => {
    const inJobSet = [
      'K8S-0100 ml/JobSet.jobset.x-k8s.io/tj /spec/replicatedJobs/0/template/spec/template/spec/containers/0/image',
      'K8S-0108 ml/JobSet.jobset.x-k8s.io/tj /spec/replicatedJobs/0/template/spec/template/spec/containers/0/env/0/value',
    ];
    // The TrainJob not listed.
    expect(await found([runtime, jobSet], [...runtimes, jobSets])).toEqual(expect.arrayContaining(inJobSet));
    // The runtime it names not in the cluster.
    expect(await found([trainJob, jobSet], [trainJobs, ...runtimes, jobSets])).toEqual(expect.arrayContaining(inJobSet));
    // Pod overrides, which only the JobSet shows.
    const overridden = {
      ...trainJob,
      spec: { ...trainJob.spec, podTemplateOverrides: [{ targetJobs: [{ name: 'node' }], spec: { serviceAccountName: 'x' } }] },
    };
    expect(await found([overridden, runtime, jobSet], [trainJobs, ...runtimes, jobSets])).toEqual(expect.arrayContaining(inJobSet));
  });
});

describe('a Volcano batch Job', () => {
  it('is listed and read, and its Pods are skipped for it', async () => {
    const container = { name: 'w', image: 'registry.example.com/w:1', securityContext: { privileged: true } };
    const objects = [
      {
        apiVersion: 'batch.volcano.sh/v1alpha1',
        kind: 'Job',
        metadata: { name: 'vj', namespace: 'ml', uid: 'uid-vj' },
        spec: { schedulerName: 'volcano', tasks: [{ name: 'worker', replicas: 1, template: { spec: { containers: [container] } } }] },
      },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'vj-worker-0',
          namespace: 'ml',
          ownerReferences: [{ apiVersion: 'batch.volcano.sh/v1alpha1', kind: 'Job', name: 'vj', uid: 'uid-vj', controller: true }],
        },
        spec: { containers: [container] },
      },
    ];
    const resources = [{ group: 'batch.volcano.sh', version: 'v1alpha1', name: 'jobs', kind: 'Job', namespaced: true, custom: true }];
    const srv = await new FakeApiServer({ objects, resources }).start();
    try {
      const r = await scanCluster({ kubeconfig: srv.kubeconfigPath, config: false, rules: ['K8S-0003'] });
      expect(r.errors).toEqual([]);
      expect(r.cluster.listed).toContain('jobs.batch.volcano.sh');
      expect(r.findings.map((f) => `${f.location.path} ${f.location.objectPath}`)).toEqual([
        'ml/Job.batch.volcano.sh/vj /spec/tasks/0/template/spec/containers/0/securityContext/privileged',
      ]);
      expect(r.cluster.managedSkipped).toBe(1);
    } finally {
      await srv.close();
    }
  });
});
