import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { severityRank, type Finding } from '../src/core/types.js';
import { findContainerOverrides, findPodSpecs } from '../src/parsers/k8s/pod-specs.js';
import { scanSync } from '../src/scan.js';
import { WANTED_RESOURCES } from '../src/sources/cluster/kinds.js';
import { TEMPLATE_CONTROLLERS, TEMPLATE_CUSTOM_RESOURCES } from '../src/sources/cluster/objects.js';
import { FakeApiServer, POLICY_REPORT_RESOURCES } from '../src/testing/fake-apiserver.js';
import { realRenderers } from '../src/testing/real-renderers.js';
import { run, workspace } from './cli-helpers.js';

// Sanctum's own deployment (deploy/): its Dockerfile and Helm chart pass Sanctum's own rules.
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const real = realRenderers();
const atOrAboveMedium = (findings: Finding[]) =>
  findings
    .filter((f) => f.status === 'fail' && severityRank(f.severity) >= severityRank('medium'))
    .map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine} ${f.message}`);

describe('deploy/Dockerfile', () => {
  const text = readFileSync(join(ROOT, 'deploy/Dockerfile'), 'utf8');

  it('is multi-stage, pinned by digest, and runs as a non-root user in a distroless final stage', () => {
    const froms = [...text.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const image of froms) expect(image).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect(froms.at(-1)).toMatch(/^gcr\.io\/distroless\/nodejs20-debian12@/);
    expect(text).toMatch(/^USER 65532:65532$/m);
  });

  it('copies into its build stage every file `npm run build` reads', () => {
    const buildStage = text.split(/^FROM /m)[1]!;
    const copied = [...buildStage.matchAll(/^COPY (?!--from)(.+)$/gm)].flatMap((m) => m[1]!.trim().split(/\s+/).slice(0, -1));
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const named = [scripts.build, scripts['build:web']]
      .flatMap((command) => command!.split(/\s+/))
      .filter((word) => /^[\w.-]+(\/[\w.-]+)*\.(json|mjs|js|ts)$/.test(word));
    const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as { extends: string; include: string[] };
    const needed = [
      ...named,
      tsconfig.extends.replace(/^\.\//, ''),
      ...tsconfig.include.map((glob) => glob.split('/')[0]!),
      // Vite builds the whole directory of its configuration (the dashboard's pages).
      ...named.filter((word) => /vite\.config\./.test(word)).map((word) => word.split('/')[0]!),
    ];
    expect(named).toEqual(expect.arrayContaining(['tsconfig.build.json', 'web/vite.config.ts']));
    const covered = (path: string) => copied.some((source) => path === source || path.startsWith(`${source.replace(/\/$/, '')}/`));
    expect(needed.filter((path) => !covered(path))).toEqual([]);
  });

  it("has no finding at or above medium under Sanctum's own rules", () => {
    const r = scanSync({ targets: ['deploy/Dockerfile'], cwd: ROOT, config: false, policies: false });
    expect(r.errors).toEqual([]);
    expect(r.stats.files).toBe(1);
    expect(atOrAboveMedium(r.findings)).toEqual([]);
  });
});

describe("deploy/helm/sanctum's webhook.resources", () => {
  const template = { spec: { containers: [{ name: 'c', image: 'registry.example.com/c:1' }] } };
  const workflow = { templates: [{ name: 'main', container: { image: 'registry.example.com/c:1' } }] };
  const jobSet = { replicatedJobs: [{ name: 'node', template: { spec: { template } } }] };
  /** One object of every kind whose pod specs the scan reads (`findPodSpecs`), as `group/Kind`: its spec (the object for a Pod and a PodTemplate). */
  const kinds: Record<string, Record<string, unknown>> = {
    '/Pod': { spec: template.spec },
    '/PodTemplate': { template },
    '/ReplicationController': { spec: { template } },
    'apps/Deployment': { spec: { template } },
    'apps/StatefulSet': { spec: { template } },
    'apps/DaemonSet': { spec: { template } },
    'apps/ReplicaSet': { spec: { template } },
    'batch/Job': { spec: { template } },
    'batch/CronJob': { spec: { jobTemplate: { spec: { template } } } },
    'ray.io/RayCluster': { spec: { headGroupSpec: { template } } },
    'ray.io/RayJob': { spec: { rayClusterSpec: { headGroupSpec: { template } } } },
    'ray.io/RayService': { spec: { rayClusterConfig: { headGroupSpec: { template } } } },
    'kubeflow.org/Notebook': { spec: { template } },
    'kubeflow.org/PyTorchJob': { spec: { pytorchReplicaSpecs: { Master: { template } } } },
    'kubeflow.org/TFJob': { spec: { tfReplicaSpecs: { Worker: { template } } } },
    'kubeflow.org/MPIJob': { spec: { mpiReplicaSpecs: { Launcher: { template } } } },
    'kubeflow.org/XGBoostJob': { spec: { xgbReplicaSpecs: { Master: { template } } } },
    'kubeflow.org/PaddleJob': { spec: { paddleReplicaSpecs: { Worker: { template } } } },
    'kubeflow.org/JAXJob': { spec: { jaxReplicaSpecs: { Worker: { template } } } },
    'kubeflow.org/MXJob': { spec: { jobMode: 'MXTrain', mxReplicaSpecs: { Worker: { template } } } },
    // Katib: an Experiment's trial template and a Trial's run spec (a Job here), found by their shape.
    'kubeflow.org/Experiment': {
      spec: { objective: { type: 'minimize' }, trialTemplate: { trialSpec: { apiVersion: 'batch/v1', kind: 'Job', spec: { template } } } },
    },
    'kubeflow.org/Trial': { spec: { runSpec: { apiVersion: 'batch/v1', kind: 'Job', spec: { template } } } },
    'batch.volcano.sh/Job': { spec: { minAvailable: 1, tasks: [{ name: 'worker', replicas: 1, template }] } },
    'trainer.kubeflow.org/TrainingRuntime': { spec: { template: { spec: jobSet } } },
    'trainer.kubeflow.org/ClusterTrainingRuntime': { spec: { template: { spec: jobSet } } },
    'serving.kserve.io/InferenceService': { spec: { predictor: { model: { modelFormat: { name: 'sklearn' }, storageUri: 's3://m' } } } },
    'serving.kserve.io/ServingRuntime': { spec: template.spec },
    'serving.kserve.io/ClusterServingRuntime': { spec: template.spec },
    'machinelearning.seldon.io/SeldonDeployment': { spec: { predictors: [{ componentSpecs: [template] }] } },
    'argoproj.io/Rollout': { spec: { template } },
    'argoproj.io/Workflow': { spec: workflow },
    'argoproj.io/WorkflowTemplate': { spec: workflow },
    'argoproj.io/ClusterWorkflowTemplate': { spec: workflow },
    'argoproj.io/CronWorkflow': { spec: { workflowSpec: workflow } },
    'jobset.x-k8s.io/JobSet': { spec: jobSet },
    'leaderworkerset.x-k8s.io/LeaderWorkerSet': { spec: { leaderWorkerTemplate: { workerTemplate: template } } },
    'workload.codeflare.dev/AppWrapper': {
      spec: { components: [{ template: { apiVersion: 'batch/v1', kind: 'Job', spec: { template } } }] },
    },
  };
  const values = yaml.load(readFileSync(join(ROOT, 'deploy/helm/sanctum/values.yaml'), 'utf8')) as {
    webhook: { resources: Array<{ apiGroups: string[]; resources: string[] }> };
  };
  const sent = new Set(values.webhook.resources.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.map((res) => `${g}/${res}`))));

  it('are sent every kind of the objects here, each holding pod specs the scan reads, and the controllers a cluster scan lets stand for what they make', () => {
    for (const [key, object] of Object.entries(kinds)) {
      const [group, kind] = key.split('/');
      expect(findPodSpecs({ apiVersion: group ? `${group}/v1` : 'v1', kind, ...object }).length, key).toBeGreaterThan(0);
      // Each of these kinds' resource is its kind in lower case with an s.
      expect(sent.has(`${group}/${kind.toLowerCase()}s`), `${key} in webhook.resources`).toBe(true);
    }
    // The controllers a cluster scan lets stand for what they make carry pod specs, and are here.
    for (const key of [...TEMPLATE_CONTROLLERS, ...TEMPLATE_CUSTOM_RESOURCES]) expect(Object.keys(kinds), key).toContain(key);
  });

  /** Operator kinds without a pod spec whose containers the scan reads (`findContainerOverrides`): a TrainJob's trainer. */
  const podless: Record<string, Record<string, unknown>> = {
    'trainer.kubeflow.org/TrainJob': {
      spec: {
        runtimeRef: { name: 'torch-distributed' },
        trainer: { image: 'registry.example.com/c:1', resourcesPerNode: { limits: { 'nvidia.com/gpu': 1 } } },
      },
    },
  };

  it("sends an operator resource only where the scan reads pod specs or containers in an object of its kind (a TrainJob's trainer)", () => {
    // A sample of each kind as `group/resource`: the kind in lower case with an s.
    const samples = new Map(
      Object.entries({ ...kinds, ...podless }).map(([key, object]) => {
        const [group, kind] = key.split('/');
        return [`${group}/${kind.toLowerCase()}s`, { apiVersion: group ? `${group}/v1` : 'v1', kind, ...object }];
      }),
    );
    const operator = (r: string) => {
      const group = r.split('/')[0];
      return group.includes('.') && !group.endsWith('.k8s.io');
    };
    for (const r of [...sent].filter(operator)) {
      const sample = samples.get(r);
      expect(sample, `${r}: an object of its kind in this test`).toBeDefined();
      expect(findPodSpecs(sample!).length + findContainerOverrides(sample!).length, r).toBeGreaterThan(0);
    }
    for (const key of Object.keys(podless)) {
      const [group, kind] = key.split('/');
      const sample = samples.get(`${group}/${kind.toLowerCase()}s`)!;
      expect(findPodSpecs(sample), key).toEqual([]);
      expect(findContainerOverrides(sample).length, key).toBeGreaterThan(0);
      expect(sent.has(`${group}/${kind.toLowerCase()}s`), `${key} in webhook.resources`).toBe(true);
    }
  });
});

describe.skipIf(!real.helm)(`deploy/helm/sanctum${real.helm ? '' : ` (skipped: ${real.reason})`}`, () => {
  const variants: Array<[string, string[]]> = [
    ['defaults (generated certificate)', []],
    ['cert-manager and the mutating webhook', ['certificates.certManager.enabled=true', 'webhook.mutating.enabled=true']],
    ['the LLM gateway', ['gateway.enabled=true', 'gateway.modelServers.namespace=llm', 'gateway.envFromSecret=llm-keys']],
    ['the audit receiver (generated certificate)', ['audit.enabled=true']],
    ['Policy Reports written by the cluster scan', ['clusterScan.policyReports=true']],
    [
      'the audit receiver with cert-manager, a fixed ClusterIP, alerts to a URL from a Secret',
      [
        'audit.enabled=true',
        'certificates.certManager.enabled=true',
        'audit.service.clusterIP=10.96.0.50',
        'audit.alerts.webhook.urlFromSecret.name=alerts',
        'audit.alerts.webhook.urlFromSecret.key=url',
      ],
    ],
  ];

  for (const [name, set] of variants) {
    it(`renders with the real Helm and passes Sanctum's scan with nothing at or above medium: ${name}`, () => {
      const r = scanSync({
        targets: ['deploy/helm/sanctum'],
        cwd: ROOT,
        config: false,
        policies: false,
        renderers: { helm: real.helm },
        helmSet: set,
      });
      expect(r.errors).toEqual([]);
      expect(r.stats.resources).toBeGreaterThanOrEqual(12);
      expect(atOrAboveMedium(r.findings)).toEqual([]);
    }, 120_000);
  }

  it('holds the webhook (two replicas, PDB, webhook configurations, TLS) and a read-only cluster scan', () => {
    const rendered = execFileSync(
      real.helm!,
      ['template', 'rel', join(ROOT, 'deploy/helm/sanctum'), '--namespace', 'sanctum-system', '--set', 'webhook.mutating.enabled=true'],
      { encoding: 'utf8' },
    );
    const objects = yaml.loadAll(rendered).filter(Boolean) as Array<Record<string, any>>;
    const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
    const deployment = byKind('Deployment')[0];
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.template.spec.containers[0].args).toEqual(
      expect.arrayContaining(['webhook', '--tls-cert=/tls/tls.crt', '--tls-key=/tls/tls.key']),
    );
    expect(byKind('PodDisruptionBudget')[0].spec.minAvailable).toBe(1);
    for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
      const [hook] = byKind(kind)[0].webhooks;
      expect(hook.admissionReviewVersions).toEqual(['v1']);
      expect(hook.sideEffects).toBe('None');
      expect(hook.clientConfig.caBundle).toMatch(/^[A-Za-z0-9+/=]{100,}$/);
      expect(hook.namespaceSelector.matchExpressions[0].values).toContain('sanctum-system');
    }
    const secret = byKind('Secret')[0];
    const ca = Buffer.from(secret.data['ca.crt'], 'base64').toString();
    expect(Buffer.from(byKind('ValidatingWebhookConfiguration')[0].webhooks[0].clientConfig.caBundle, 'base64').toString()).toBe(ca);
    const role = byKind('ClusterRole')[0];
    const verbs = new Set(role.rules.flatMap((r: { verbs: string[] }) => r.verbs));
    expect([...verbs].sort()).toEqual(['get', 'list']);
    expect(role.rules.some((r: { resources: string[] }) => r.resources.includes('secrets'))).toBe(false);
    // Exactly what `sanctum cluster` lists, Secrets left out; an operator's group read whole is granted whole.
    const granted = new Set<string>();
    for (const r of role.rules as Array<{ apiGroups: string[]; resources: string[] }>)
      for (const g of r.apiGroups) for (const res of r.resources) granted.add(`${g}/${res}`);
    const wanted = new Set<string>();
    for (const [group, resources] of WANTED_RESOURCES)
      if (resources === 'all') wanted.add(`${group}/*`);
      else for (const res of resources) if (`${group}/${res}` !== '/secrets') wanted.add(`${group}/${res}`);
    expect([...granted].sort()).toEqual([...wanted].sort());
    expect(granted.has('/*')).toBe(false);
    expect(byKind('CronJob')[0].spec.jobTemplate.spec.template.spec.serviceAccountName).toBe(
      byKind('ClusterRoleBinding')[0].subjects[0].name,
    );
    // Sanctum's configuration: an UPDATE's violations that oldObject already had warn (docs/admission.md).
    const config = yaml.load(
      byKind('ConfigMap').find((o) => o.data?.['sanctum.yaml'] && o.metadata.name.endsWith('-config'))!.data['sanctum.yaml'],
    );
    expect((config as { webhook: Record<string, unknown> }).webhook.allowExistingViolations).toBe(true);
    // Only the kube-system controllers may suppress with an object's own sanctum.dev/ignore annotation.
    expect((config as { webhook: Record<string, unknown> }).webhook.annotationSuppression).toEqual({
      users: [],
      groups: ['system:serviceaccounts:kube-system'],
    });
  }, 120_000);

  it('lets the cluster scan write Policy Reports when asked: the flags, and the RBAC to apply and prune them', async () => {
    const render = (...set: string[]) =>
      (
        yaml.loadAll(
          execFileSync(
            real.helm!,
            ['template', 'rel', join(ROOT, 'deploy/helm/sanctum'), '--namespace', 'sanctum-system', ...set.flatMap((x) => ['--set', x])],
            { encoding: 'utf8' },
          ),
        ) as Array<Record<string, any>>
      ).filter(Boolean);
    const scan = (objects: Array<Record<string, any>>) => ({
      args: objects.find((o) => o.kind === 'CronJob')!.spec.jobTemplate.spec.template.spec.containers[0].args as string[],
      rules: objects.find((o) => o.kind === 'ClusterRole')!.rules as Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }>,
    });
    const plain = scan(render());
    expect(plain.args).toEqual(['cluster', '--format', 'json', '--fail-on', 'none']);
    expect(plain.rules.some((r) => r.apiGroups.includes('wgpolicyk8s.io'))).toBe(false);
    const reports = scan(render('clusterScan.policyReports=true'));
    expect(reports.args).toEqual(['cluster', '--format', 'json', '--fail-on', 'none', '--format', 'policyreport', '--apply']);
    expect(reports.rules.filter((r) => r.apiGroups.includes('wgpolicyk8s.io'))).toEqual([
      {
        apiGroups: ['wgpolicyk8s.io'],
        resources: ['policyreports', 'clusterpolicyreports'],
        verbs: ['get', 'list', 'create', 'patch', 'delete'],
      },
    ]);
    // The CronJob's arguments as they run: the JSON report, then the Policy Reports, written to the cluster.
    const srv = await new FakeApiServer({
      objects: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'vllm', namespace: 'llm', uid: 'u-vllm' },
          spec: {
            selector: { matchLabels: { app: 'vllm' } },
            template: {
              metadata: { labels: { app: 'vllm' } },
              spec: { containers: [{ name: 'vllm', image: 'vllm/vllm-openai:v0.6.0', securityContext: { privileged: true } }] },
            },
          },
        },
      ],
      resources: POLICY_REPORT_RESOURCES,
    }).start();
    try {
      const r = await run([...reports.args, '--kubeconfig', srv.kubeconfigPath, '--rule', 'K8S-0003'], { cwd: ROOT });
      expect(r.stderr).toMatch(/wrote 2 Policy Reports to the cluster/);
      expect(r.code).toBe(0);
      expect(srv.stored('PolicyReport').map((o) => (o.metadata as { namespace: string }).namespace)).toEqual(['llm']);
      expect(r.stdout).toMatch(/^\{/);
      expect(r.stdout).toContain('kind: PolicyReport');
    } finally {
      await srv.close();
    }
    // Writing is granted on the reports only.
    expect(reports.rules.filter((r) => r.verbs.some((v) => v !== 'get' && v !== 'list')).map((r) => r.apiGroups)).toEqual([
      ['wgpolicyk8s.io'],
    ]);
  }, 120_000);

  it("is the ClusterRole docs/cluster.md gives, Secrets left out (the chart's with Policy Reports)", () => {
    const doc = readFileSync(join(ROOT, 'docs/cluster.md'), 'utf8');
    const block = /A read-only ClusterRole[\s\S]*?```yaml\n([\s\S]*?)```/.exec(doc)![1];
    const documented = yaml.load(block) as { rules: unknown[] };
    const rendered = (
      yaml.loadAll(
        execFileSync(
          real.helm!,
          [
            'template',
            'rel',
            join(ROOT, 'deploy/helm/sanctum'),
            '--namespace',
            'sanctum-system',
            '--set',
            'clusterScan.policyReports=true',
          ],
          { encoding: 'utf8' },
        ),
      ) as Array<Record<string, any>>
    ).filter(Boolean);
    expect(documented.rules).toEqual(rendered.find((o) => o.kind === 'ClusterRole')!.rules);
  }, 120_000);

  it('renders no PodDisruptionBudget for a single replica (minAvailable 1 would block every node drain), and a priority class when given', () => {
    const render = (...set: string[]) =>
      (
        yaml.loadAll(
          execFileSync(
            real.helm!,
            ['template', 'rel', join(ROOT, 'deploy/helm/sanctum'), '--namespace', 'sanctum-system', ...set.flatMap((x) => ['--set', x])],
            { encoding: 'utf8' },
          ),
        ) as Array<Record<string, any>>
      ).filter(Boolean);
    const webhookPdbs = (objects: Array<Record<string, any>>) =>
      objects.filter((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === 'rel-sanctum-webhook');
    expect(webhookPdbs(render())).toHaveLength(1);
    const single = render('webhook.replicas=1');
    expect(webhookPdbs(single)).toEqual([]);
    expect(single.find((o) => o.kind === 'Deployment')!.spec.replicas).toBe(1);
    const deployment = (objects: Array<Record<string, any>>) =>
      objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'rel-sanctum-webhook')!;
    expect(deployment(render()).spec.template.spec.priorityClassName).toBeUndefined();
    expect(deployment(render('webhook.priorityClassName=platform-critical')).spec.template.spec.priorityClassName).toBe(
      'platform-critical',
    );
  }, 120_000);

  it('renders webhook.objectSelector and webhook.matchConditions into both webhook configurations, and neither by default', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sanctum-chart-values-'));
    try {
      const values = join(dir, 'values.yaml');
      // A staged roll-out to the teams that opted in: any label is the object author's, so an objectSelector never
      // bounds what may skip the check (docs/admission.md); the conditions below are the requester-proof part.
      const objectSelector = { matchLabels: { 'sanctum.dev/rollout': 'enforced' } };
      const matchConditions = [
        { name: 'not-leases', expression: "request.resource.resource != 'leases'" },
        { name: 'not-node-users', expression: "!request.userInfo.username.startsWith('system:node:')" },
      ];
      writeFileSync(values, yaml.dump({ webhook: { mutating: { enabled: true }, objectSelector, matchConditions } }));
      const render = (...args: string[]) =>
        (
          yaml.loadAll(
            execFileSync(real.helm!, ['template', 'rel', join(ROOT, 'deploy/helm/sanctum'), '--namespace', 'sanctum-system', ...args], {
              encoding: 'utf8',
            }),
          ) as Array<Record<string, any>>
        ).filter(Boolean);
      const hooks = (objects: Array<Record<string, any>>) =>
        objects
          .filter((o) => o.kind === 'ValidatingWebhookConfiguration' || o.kind === 'MutatingWebhookConfiguration')
          .flatMap((o) => o.webhooks as Array<Record<string, any>>);
      const given = hooks(render('-f', values));
      expect(given.map((h) => h.name).sort()).toEqual(['mutate.sanctum.dev', 'validate.sanctum.dev']);
      for (const hook of given) {
        expect(hook.objectSelector).toEqual(objectSelector);
        expect(hook.matchConditions).toEqual(matchConditions);
        expect(hook.namespaceSelector.matchExpressions[0].values).toContain('sanctum-system');
      }
      for (const hook of hooks(render('--set', 'webhook.mutating.enabled=true'))) {
        expect(hook).not.toHaveProperty('objectSelector');
        expect(hook).not.toHaveProperty('matchConditions');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe.skipIf(!real.helm)(`deploy/helm/sanctum gateway values${real.helm ? '' : ` (skipped: ${real.reason})`}`, () => {
  const render = (...set: string[]) =>
    (
      yaml.loadAll(
        execFileSync(
          real.helm!,
          ['template', 'rel', join(ROOT, 'deploy/helm/sanctum'), '--namespace', 'sanctum-system', ...set.flatMap((s) => ['--set', s])],
          {
            encoding: 'utf8',
          },
        ),
      ) as Array<Record<string, any>>
    ).filter((o) => o?.metadata?.name?.startsWith('rel-sanctum-gateway'));

  it('renders nothing for the gateway by default', () => {
    expect(render()).toEqual([]);
  });

  it('runs `sanctum gateway --config` from a ConfigMap that listens on the pod port, behind a Service', () => {
    const objects = render('gateway.enabled=true', 'gateway.port=9090', 'gateway.envFromSecret=llm-keys');
    const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
    const deployment = byKind('Deployment')[0];
    const container = deployment.spec.template.spec.containers[0];
    expect(container.command).toEqual(['/nodejs/bin/node', '--min-semi-space-size=16', '/app/bin/sanctum']);
    expect(container.args).toEqual(['gateway', '--config', '/config/gateway.yaml']);
    expect(container.envFrom).toEqual([{ secretRef: { name: 'llm-keys' } }]);
    expect(container.ports).toEqual([{ name: 'http', containerPort: 9090, protocol: 'TCP' }]);
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(deployment.spec.template.spec.automountServiceAccountToken).toBe(false);
    const config = yaml.load(byKind('ConfigMap')[0].data['gateway.yaml']) as Record<string, any>;
    expect(config).toEqual({
      listen: '0.0.0.0:9090',
      upstreams: [],
      keys: [],
      guardrails: { secrets: 'redact', injection: 'block', exfiltration: 'strip' },
    });
    expect(byKind('Service')[0].spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }]);
    expect(byKind('PodDisruptionBudget')[0].spec.minAvailable).toBe(1);
  });

  it('takes the configuration from an existing Secret when asked', () => {
    const objects = render('gateway.enabled=true', 'gateway.configSecret=gateway-config');
    expect(objects.filter((o) => o.kind === 'ConfigMap')).toEqual([]);
    const volume = objects
      .find((o) => o.kind === 'Deployment')!
      .spec.template.spec.volumes.find((v: { name: string }) => v.name === 'config');
    expect(volume.secret).toEqual({ secretName: 'gateway-config', items: [{ key: 'gateway.yaml', path: 'gateway.yaml' }] });
  });

  it('lets only the gateway reach the model servers, and the gateway reach only them, DNS and the listed provider ranges', () => {
    const objects = render(
      'gateway.enabled=true',
      'gateway.modelServers.namespace=llm',
      'gateway.modelServers.ports={8000}',
      'gateway.egressCIDRs={203.0.113.0/24}',
    );
    const policies = Object.fromEntries(objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => [o.metadata.name, o]));
    const servers = policies['rel-sanctum-gateway-model-servers'];
    expect(servers.metadata.namespace).toBe('llm');
    expect(servers.spec).toEqual({
      podSelector: { matchLabels: { 'sanctum.dev/model-server': 'true' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'sanctum-system' } },
              podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'rel', 'app.kubernetes.io/component': 'gateway' } },
            },
          ],
          ports: [{ port: 8000, protocol: 'TCP' }],
        },
      ],
    });
    const gateway = policies['rel-sanctum-gateway'];
    expect(gateway.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(gateway.spec.egress).toEqual([
      {
        to: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'llm' } },
            podSelector: { matchLabels: { 'sanctum.dev/model-server': 'true' } },
          },
        ],
        ports: [{ port: 8000, protocol: 'TCP' }],
      },
      {
        to: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
            podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
          },
        ],
        ports: [
          { port: 53, protocol: 'UDP' },
          { port: 53, protocol: 'TCP' },
        ],
      },
      { to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 443, protocol: 'TCP' }] },
    ]);
  });

  it('lets the gateway reach the results store through extraEgress (audit.store)', () => {
    const objects = render(
      'gateway.enabled=true',
      'gateway.extraEgress[0].to[0].podSelector.matchLabels.app=sanctum-serve',
      'gateway.extraEgress[0].ports[0].port=8080',
    );
    const policy = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'rel-sanctum-gateway')!;
    expect(policy.spec.egress.at(-1)).toEqual({
      to: [{ podSelector: { matchLabels: { app: 'sanctum-serve' } } }],
      ports: [{ port: 8080 }],
    });
  });
});

describe.skipIf(!real.helm)(`deploy/helm/sanctum audit receiver${real.helm ? '' : ` (skipped: ${real.reason})`}`, () => {
  const render = (...set: string[]) =>
    (
      yaml.loadAll(
        execFileSync(
          real.helm!,
          ['template', 'rel', join(ROOT, 'deploy/helm/sanctum'), '--namespace', 'sanctum-system', ...set.flatMap((x) => ['--set', x])],
          { encoding: 'utf8' },
        ),
      ) as Array<Record<string, any>>
    ).filter((o) => o && o.metadata?.name?.startsWith('rel-sanctum-audit'));

  it('is off by default', () => {
    expect(render()).toEqual([]);
  });

  it('runs `sanctum audit --listen` over TLS with persisted baselines, no API access, and a kubeconfig for the API server', () => {
    const objects = render('audit.enabled=true');
    const of = (kind: string) => objects.filter((o) => o.kind === kind);
    const pod = of('Deployment')[0].spec.template.spec;
    expect(of('Deployment')[0].spec.replicas).toBe(1);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.containers[0].args).toEqual(
      expect.arrayContaining([
        'audit',
        '--listen=:8443',
        '--tls-cert=/tls/tls.crt',
        '--tls-key=/tls/tls.key',
        '--baselines=/state/baselines.json',
        '--config=/config/sanctum.yaml',
      ]),
    );
    expect(pod.containers[0].readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'https', scheme: 'HTTPS' });
    expect(pod.volumes.find((v: { name: string }) => v.name === 'state').persistentVolumeClaim.claimName).toBe(
      of('PersistentVolumeClaim')[0].metadata.name,
    );
    const secret = of('Secret')[0];
    const kubeconfig = yaml.load(
      of('ConfigMap').find((c) => c.data['audit-webhook.kubeconfig'])!.data['audit-webhook.kubeconfig'],
    ) as Record<string, any>;
    expect(kubeconfig.clusters[0].cluster).toEqual({
      server: 'https://rel-sanctum-audit.sanctum-system.svc:443/',
      'certificate-authority-data': secret.data['ca.crt'],
    });
    const policy = of('NetworkPolicy')[0];
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec.egress).toEqual([]);
  });

  it('takes receiver suppressions from values and the alert URL from a Secret, with egress to it', () => {
    const objects = render(
      'audit.enabled=true',
      'audit.alerts.webhook.urlFromSecret.name=alerts',
      'audit.alerts.webhook.urlFromSecret.key=url',
      'audit.alerts.egress[0].to[0].ipBlock.cidr=10.0.0.0/8',
      'audit.config.ignore[0].rule=RT-0002',
      'audit.config.ignore[0].namespaces[0]=staging',
      'audit.config.ignore[0].reason=on-call runbook',
    );
    const container = objects.find((o) => o.kind === 'Deployment')!.spec.template.spec.containers[0];
    expect(container.env).toEqual([{ name: 'SANCTUM_AUDIT_WEBHOOK', valueFrom: { secretKeyRef: { name: 'alerts', key: 'url' } } }]);
    expect(container.args.some((a: string) => a.startsWith('--webhook='))).toBe(false);
    const config = yaml.load(objects.find((o) => o.kind === 'ConfigMap' && o.data['sanctum.yaml'])!.data['sanctum.yaml']);
    expect(config).toEqual({ ignore: [{ rule: 'RT-0002', namespaces: ['staging'], reason: 'on-call runbook' }] });
    expect(objects.find((o) => o.kind === 'NetworkPolicy')!.spec.egress[0]).toEqual({ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] });
  });
});

const PRIVILEGED = `apiVersion: v1
kind: Pod
metadata: { name: p }
spec:
  containers:
    - name: c
      image: nginx:1.27
      securityContext: { privileged: true }
`;

describe('action.yml and .pre-commit-hooks.yaml', () => {
  it('run sanctum scan', () => {
    const action = yaml.load(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Record<string, any>;
    expect(action.runs.using).toBe('composite');
    expect(JSON.stringify(action.runs.steps)).toContain('sanctum-scanner');
    const hooks = yaml.load(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Array<Record<string, any>>;
    expect(hooks[0]).toEqual(expect.objectContaining({ id: 'sanctum-scan', entry: 'sanctum scan', language: 'node' }));
  });

  it('.pre-commit-hooks.yaml: model files, which the text hook never gets (pre-commit tags them binary), go to sanctum-scan-models; each name it takes is scanned, never exit 2', async () => {
    const hooks = yaml.load(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Array<Record<string, any>>;
    const models = hooks.find((h) => h.id === 'sanctum-scan-models')!;
    expect(models).toEqual(expect.objectContaining({ entry: 'sanctum scan', language: 'node', types: ['file'] }));
    // pre-commit reads `files` with Python's re: (?i) becomes the i flag here.
    const files = new RegExp(String(models.files).replace(/^\(\?i\)/, ''), 'i');
    const names = [
      'm.pkl',
      'm.pickle',
      'm.pk',
      'm.joblib',
      'm.pt',
      'm.pth',
      'm.safetensors',
      'm.gguf',
      'm.onnx',
      'm.h5',
      'm.hdf5',
      'm.keras',
      'm.npy',
      'm.npz',
      'M.PT',
    ];
    for (const n of [...names, 'models/pytorch_model.bin', 'pytorch_model-00001-of-00002.bin', 'adapter_model.bin'])
      expect(files.test(n)).toBe(true);
    for (const n of ['logo.png', 'firmware.bin', 'notes.txt', 'x.pt.txt']) expect(files.test(n)).toBe(false);
    const ws = workspace(Object.fromEntries(names.map((n) => [n, 'not a model \u0000\u00ff\u0001 at all'])));
    try {
      writeFileSync(join(ws.dir, 'pytorch_model.bin'), readFileSync(join(ROOT, 'examples/ai-platform/models/classifier.pt')));
      for (const n of [...names, 'pytorch_model.bin']) {
        const r = await run(['scan', ...models.args, n], { cwd: ws.dir });
        expect([n, r.code, r.stderr]).toEqual([n, n === 'pytorch_model.bin' ? 1 : 0, '']);
      }
    } finally {
      ws.cleanup();
    }
  });

  it("action.yml: the scan step's script as the runner runs it writes the SARIF, prints the table, sets exit-code; the upload runs after a failing scan, not after exit 2", () => {
    const action = yaml.load(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Record<string, any>;
    const steps = action.runs.steps as Array<Record<string, any>>;
    const scan = steps.find((s) => s.id === 'scan')!;
    expect(action.outputs['exit-code'].value).toBe('${{ steps.scan.outputs.exit-code }}');
    const dir = mkdtempSync(join(tmpdir(), 'sanctum-action-'));
    try {
      mkdirSync(join(dir, 'bin'));
      mkdirSync(join(dir, 'repo'));
      writeFileSync(join(dir, 'repo', 'pod.yaml'), PRIVILEGED);
      // npx --yes sanctum-scanner@VERSION ARGS... runs the built CLI of this checkout.
      writeFileSync(join(dir, 'bin', 'npx'), `#!/bin/sh\nshift 2\nexec "${process.execPath}" "${join(ROOT, 'bin', 'sanctum')}" "$@"\n`, {
        mode: 0o755,
      });
      const runStep = (path: string) => {
        const output = join(dir, `output-${path}`);
        writeFileSync(output, '');
        const inputs: Record<string, string> = { path, 'fail-on': 'high', policy: '', sarif: 'out/sanctum.sarif', version: 'latest' };
        const env = Object.fromEntries(
          Object.entries(scan.env as Record<string, string>).map(([k, v]) => [k, inputs[/inputs\.([\w-]+)/.exec(v)![1]!]!]),
        );
        const r = spawnSync('bash', ['-e', '-c', scan.run], {
          cwd: join(dir, 'repo'),
          encoding: 'utf8',
          env: { PATH: `${join(dir, 'bin')}:${process.env.PATH}`, RUNNER_TEMP: dir, GITHUB_OUTPUT: output, ...env },
        });
        return { ...r, output: readFileSync(output, 'utf8') };
      };
      const failing = runStep('pod.yaml');
      expect(failing.status).toBe(1);
      expect(failing.output).toBe('exit-code=1\n');
      expect(failing.stdout).toContain('CRITICAL  K8S-0003');
      const sarif = JSON.parse(readFileSync(join(dir, 'repo', 'out', 'sanctum.sarif'), 'utf8'));
      expect(sarif.runs[0].results.some((r: { ruleId: string }) => r.ruleId === 'K8S-0003')).toBe(true);
      const missing = runStep('no-such-dir');
      expect(missing.status).toBe(2);
      expect(missing.output).toBe('exit-code=2\n');
      // No table of an earlier run is printed again.
      expect(missing.stdout).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const upload = steps.find((s) => String(s.uses).startsWith('github/codeql-action/upload-sarif@'))!;
    expect(upload.if).toContain('always()');
    expect(upload.if).toContain("inputs.upload-sarif == 'true'");
    expect(upload.if).toContain("steps.scan.outputs.exit-code == '1'");
    expect(upload.if).not.toContain("exit-code == '2'");
    expect(upload.with).toEqual({ sarif_file: '${{ inputs.sarif }}', category: '${{ inputs.category }}' });
    expect(action.inputs['upload-sarif'].default).toBe('false');
  });
});
