import { describe, expect, it } from 'vitest';
import type { ClusterListing } from '../../core/source-file.js';
import { allRules } from '../../rules/index.js';
import { scanSync } from '../../scan.js';
import { clusterExampleFiles, LISTS_EVERYTHING } from '../../testing/cluster-example.js';
import { KeptValues, setProjection } from './set-projection.js';
import type { K8sObject } from './k8s-documents.js';

const KEEPS_WHOLE: ClusterListing = { ...LISTS_EVERYTHING, keepWholeObjects: true };

function scanAsCluster(content: string, listing: ClusterListing, rule: string): unknown {
  const files = clusterExampleFiles({ path: 'cluster.yaml', content }, listing);
  const r = scanSync({ targets: ['cluster'], files, rules: [rule], config: false, renderers: false, today: '2026-01-01' });
  return { findings: r.findings, errors: r.errors };
}

describe('what a cluster scan keeps of each object for the cross-object rules', () => {
  const setRules = allRules.filter((r) => r.meta.appliesTo.includes('k8s-set'));

  it('covers the cross-object rules', () => {
    expect(setRules.length).toBeGreaterThan(10);
  });

  // Every example of every cross-object rule, read from a cluster: the findings (messages, object paths,
  // evidence, severities) are the same whether the objects are kept whole or as their projections.
  for (const rule of setRules) {
    const examples = [...rule.meta.examples.bad, ...rule.meta.examples.good].filter(
      (ex) => typeof ex.content === 'string' && /\.(ya?ml|json)$/.test(ex.path) && !ex.options,
    );
    it(`${rule.meta.id} ${rule.meta.slug}: projected = whole`, () => {
      for (const ex of examples) {
        const whole = scanAsCluster(ex.content as string, KEEPS_WHOLE, rule.meta.id);
        expect(scanAsCluster(ex.content as string, LISTS_EVERYTHING, rule.meta.id), ex.path).toEqual(whole);
      }
    });
  }

  it('drops scheduling, security contexts, probes, bookkeeping and ConfigMap values, and keeps pod specs where they were', () => {
    const deployment: K8sObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'vllm', namespace: 'llm', uid: 'u-1', resourceVersion: '42', labels: { app: 'vllm' }, annotations: { a: 'b' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'vllm' } },
        template: {
          metadata: { labels: { app: 'vllm' } },
          spec: {
            serviceAccountName: 'llm',
            affinity: { nodeAffinity: {} },
            tolerations: [{ key: 'gpu' }],
            securityContext: { runAsNonRoot: true },
            containers: [
              {
                name: 'vllm',
                image: 'vllm/vllm-openai:v0.6.3',
                args: ['--port', '8000'],
                env: [{ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } } }],
                ports: [{ containerPort: 8000 }],
                resources: { limits: { 'nvidia.com/gpu': '1' } },
                securityContext: { privileged: true },
                livenessProbe: { httpGet: { path: '/health', port: 8000 } },
              },
            ],
          },
        },
      },
    };
    expect(setProjection(deployment)).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'vllm', namespace: 'llm', labels: { app: 'vllm' }, annotations: { a: 'b' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'vllm' } },
        template: {
          metadata: { labels: { app: 'vllm' } },
          spec: {
            serviceAccountName: 'llm',
            containers: [
              {
                name: 'vllm',
                image: 'vllm/vllm-openai:v0.6.3',
                args: ['--port', '8000'],
                env: [{ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } } }],
                ports: [{ containerPort: 8000 }],
                resources: { limits: { 'nvidia.com/gpu': '1' } },
              },
            ],
          },
        },
      },
    });
    // The object itself is not changed.
    expect(deployment.metadata?.uid).toBe('u-1');
    const configMap: K8sObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c' },
      data: { 'config.yaml': 'x'.repeat(1000) },
    };
    expect(setProjection(configMap)).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { 'config.yaml': '' } });
    // The configurations cross-object rules read stay: JupyterHub's authenticator, Kueue's Configuration.
    const kept = {
      'jupyterhub_config.py': 'c.JupyterHub.authenticator_class = "dummy"\n',
      'values.yaml': 'hub: {config: {JupyterHub: {authenticator_class: dummy}}}\n',
      'controller_manager_config.yaml': 'apiVersion: config.kueue.x-k8s.io/v1beta1\nkind: Configuration\n',
    };
    const other = { 'other.py': 'print(1)\n', 'values.yaml2': 'authenticator_class: dummy\n' };
    expect(setProjection({ ...configMap, data: { ...kept, ...other } }).data).toEqual({ ...kept, 'other.py': '', 'values.yaml2': '' });
    // An AI operator's resource: its pod templates are found in the projection where they were.
    const ray: K8sObject = {
      apiVersion: 'ray.io/v1',
      kind: 'RayCluster',
      metadata: { name: 'rc' },
      spec: {
        headGroupSpec: { template: { spec: { containers: [{ name: 'head', image: 'rayproject/ray:2.38.0', readinessProbe: {} }] } } },
        workerGroupSpecs: [
          { groupName: 'gpu', template: { spec: { tolerations: [], containers: [{ name: 'w', image: 'rayproject/ray:2.38.0-gpu' }] } } },
        ],
      },
    };
    expect(setProjection(ray).spec).toEqual({
      headGroupSpec: { template: { spec: { containers: [{ name: 'head', image: 'rayproject/ray:2.38.0' }] } } },
      workerGroupSpecs: [{ groupName: 'gpu', template: { spec: { containers: [{ name: 'w', image: 'rayproject/ray:2.38.0-gpu' }] } } }],
    });
  });
});

describe("a cluster scan's budget for the ConfigMap values it keeps", () => {
  const hubData = (chars: number): Record<string, string> => ({
    'jupyterhub_config.py': 'c.JupyterHub.authenticator_class = "dummy"\n#'.padEnd(chars, '#'),
    'notes.txt': 'x',
  });
  const hubConfigMap = (name: string, chars: number): K8sObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'jhub' },
    data: hubData(chars),
  });

  it('keeps values while they fit, in characters and in count, and tells each one dropped', () => {
    const notes: string[] = [];
    const budget = new KeptValues((path, message) => notes.push(`${path}: ${message}`), 250, 3);
    const project = (o: K8sObject) =>
      setProjection(o, undefined, { budget, path: `jhub/ConfigMap/${o.metadata!.name as string}` }).data as Record<string, string>;
    expect(project(hubConfigMap('a', 100))).toEqual({ ...hubData(100), 'notes.txt': '' });
    expect(project(hubConfigMap('b', 100))).toEqual({ ...hubData(100), 'notes.txt': '' });
    // 300 characters would pass 250: dropped, and told.
    expect(project(hubConfigMap('c', 100))).toEqual({ 'jupyterhub_config.py': '', 'notes.txt': '' });
    expect(notes).toEqual([
      "jhub/ConfigMap/c: the value of key 'jupyterhub_config.py' (100 characters; K8S-0150/0151 (JupyterHub) read it) not kept for the cross-object rules, which judge without it: the scan keeps at most 3 ConfigMap values of 250 characters in all for them",
    ]);
    // A short one still fits in characters; then the count is spent.
    expect(project(hubConfigMap('d', 45))['jupyterhub_config.py']).toHaveLength(45);
    expect(project(hubConfigMap('e', 45))['jupyterhub_config.py']).toBe('');
    expect(notes).toHaveLength(2);
  });

  it("keeps all of one ConfigMap's values or none, and tells each one dropped", () => {
    const notes: string[] = [];
    const budget = new KeptValues((path, message) => notes.push(`${path}: ${message}`), 250, 4);
    const project = (o: K8sObject) =>
      setProjection(o, undefined, { budget, path: `jhub/ConfigMap/${o.metadata!.name as string}` }).data as Record<string, string>;
    expect(project(hubConfigMap('a', 100))['jupyterhub_config.py']).toHaveLength(100);
    // values.yaml (200) no longer fits, auth.py (45) would: kept alone, it would be judged without the extraConfig run after it.
    const values = 'hub:\n  extraConfig: {auth: "c.JupyterHub.authenticator_class = \'github\'"}\n#'.padEnd(200, '#');
    const hub: K8sObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'hub', namespace: 'jhub' },
      data: { 'values.yaml': values, 'auth.py': 'c.JupyterHub.authenticator_class = "dummy"'.padEnd(45) },
    };
    expect(project(hub)).toEqual({ 'values.yaml': '', 'auth.py': '' });
    expect(notes.map((n) => n.slice(0, n.indexOf(')') + 1))).toEqual([
      "jhub/ConfigMap/hub: the value of key 'values.yaml' (200 characters; K8S-0150/0151 (JupyterHub)",
      "jhub/ConfigMap/hub: the value of key 'auth.py' (45 characters; K8S-0150/0151 (JupyterHub)",
    ]);
    // The budget is left as it was: the next ConfigMap that fits is kept.
    expect(project(hubConfigMap('b', 150))['jupyterhub_config.py']).toHaveLength(150);
  });

  it('tells the first ten values dropped, then once that more were', () => {
    const notes: string[] = [];
    const budget = new KeptValues((path) => notes.push(path), 0, 0);
    for (let i = 0; i < 50; i++) setProjection(hubConfigMap(`m${i}`, 60), undefined, { budget, path: `m${i}` });
    expect(notes).toEqual([...Array.from({ length: 11 }, (_, i) => `m${i}`)]);
  });

  it("keeps of the owner references only a TrainJob's controller reference (K8S-0163 reads it), as apiVersion, kind, name", () => {
    const owner = (apiVersion: string, kind: string, controller: boolean) => ({
      apiVersion,
      kind,
      name: 'llama',
      uid: 'u-1',
      controller,
      blockOwnerDeletion: true,
    });
    const jobSet = (refs: unknown[]): K8sObject => ({
      apiVersion: 'jobset.x-k8s.io/v1alpha2',
      kind: 'JobSet',
      metadata: { name: 'llama', namespace: 'research', ownerReferences: refs },
      spec: {},
    });
    expect(setProjection(jobSet([owner('trainer.kubeflow.org/v1alpha1', 'TrainJob', true)])).metadata).toEqual({
      name: 'llama',
      namespace: 'research',
      ownerReferences: [{ apiVersion: 'trainer.kubeflow.org/v1alpha1', kind: 'TrainJob', name: 'llama', controller: true }],
    });
    for (const refs of [
      [owner('trainer.kubeflow.org/v1alpha1', 'TrainJob', false)],
      [owner('apps/v1', 'Deployment', true)],
      'x' as unknown as unknown[],
    ])
      expect(setProjection(jobSet(refs)).metadata).toEqual({ name: 'llama', namespace: 'research' });
  });
});
