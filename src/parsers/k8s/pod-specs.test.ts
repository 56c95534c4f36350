import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../core/parser.js';
import { MemorySourceFile } from '../../core/source-file.js';
import { pointerFromPath } from '../../core/types.js';
import { createYamlParser } from '../yaml/yaml-parser.js';
import { k8sClassifier } from './k8s-classifier.js';
import type { PodSpecDocument } from './k8s-documents.js';
import { containersOf, findContainerOverrides, findPodSpecs } from './pod-specs.js';

/** `origin [in objectPointer] @ specPointer [metadataPointer]: group name@containerPointer, …` for each pod spec found. */
function specs(manifest: string): string[] {
  const obj = yaml.load(manifest) as Record<string, unknown>;
  return findPodSpecs(obj).map((loc) => {
    const cs = containersOf(obj, loc).map((c) => `${c.group === 'containers' ? '' : c.group + ':'}${c.name}@${pointerFromPath(c.path)}`);
    const md = loc.metadataPath ? ` [${pointerFromPath(loc.metadataPath)}]` : '';
    const within = loc.objectPath ? ` in ${pointerFromPath(loc.objectPath)}` : '';
    return `${loc.origin}${within} @ ${pointerFromPath(loc.specPath)}${md}: ${cs.join(', ')}`;
  });
}

const C = (name: string, indent: number): string => {
  const p = ' '.repeat(indent);
  return `${p}- name: ${name}\n${p}  image: ${name}:1\n`;
};
const podSpec = (indent: number, name = 'main'): string => `${' '.repeat(indent)}containers:\n${C(name, indent)}`;
const tmpl = (indent: number, name = 'main'): string => {
  const p = ' '.repeat(indent);
  return `${p}metadata:\n${p}  labels: {app: x}\n${p}spec:\n${podSpec(indent + 2, name)}`;
};

describe('pod-spec discovery', () => {
  it('Pod, with init and ephemeral containers', () => {
    expect(
      specs(
        `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  initContainers:\n${C('init', 2)}  containers:\n${C('app', 2)}${C('side', 2)}  ephemeralContainers:\n${C('debug', 2)}`,
      ),
    ).toEqual([
      'Pod @ /spec [/metadata]: app@/spec/containers/0, side@/spec/containers/1, initContainers:init@/spec/initContainers/0, ephemeralContainers:debug@/spec/ephemeralContainers/0',
    ]);
  });

  it.each([
    ['apps/v1', 'Deployment'],
    ['apps/v1', 'StatefulSet'],
    ['apps/v1', 'DaemonSet'],
    ['apps/v1', 'ReplicaSet'],
    ['batch/v1', 'Job'],
    ['v1', 'ReplicationController'],
    ['extensions/v1beta1', 'Deployment'],
  ])('%s %s pod template', (apiVersion, kind) => {
    expect(specs(`apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: {name: w}\nspec:\n  template:\n${tmpl(4)}`)).toEqual([
      `${kind} @ /spec/template/spec [/spec/template/metadata]: main@/spec/template/spec/containers/0`,
    ]);
  });

  it('CronJob (batch/v1 and v1beta1)', () => {
    for (const v of ['batch/v1', 'batch/v1beta1'])
      expect(
        specs(
          `apiVersion: ${v}\nkind: CronJob\nmetadata: {name: c}\nspec:\n  schedule: "@daily"\n  jobTemplate:\n    spec:\n      template:\n${tmpl(8)}`,
        ),
      ).toEqual([
        'CronJob @ /spec/jobTemplate/spec/template/spec [/spec/jobTemplate/spec/template/metadata]: main@/spec/jobTemplate/spec/template/spec/containers/0',
      ]);
  });

  it('PodTemplate', () => {
    expect(specs(`apiVersion: v1\nkind: PodTemplate\nmetadata: {name: t}\ntemplate:\n${tmpl(2)}`)).toEqual([
      'PodTemplate @ /template/spec [/template/metadata]: main@/template/spec/containers/0',
    ]);
  });

  it('KServe InferenceService: framework model specs, custom containers, transformer, explainer and multi-node workers', () => {
    const isvc = `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: {name: llm}
spec:
  predictor:
    serviceAccountName: sa
    model:
      modelFormat: {name: huggingface}
      storageUri: hf://meta-llama/Llama-3.1-8B-Instruct
    workerSpec:
      tensorParallelSize: 2
      containers:
${C('worker', 6)}  transformer:
    containers:
${C('tx', 4)}  explainer:
    art:
      type: SquareAttack
`;
    expect(specs(isvc)).toEqual([
      'InferenceService predictor @ /spec/predictor: model@/spec/predictor/model',
      'InferenceService transformer @ /spec/transformer: tx@/spec/transformer/containers/0',
      'InferenceService explainer @ /spec/explainer: art@/spec/explainer/art',
      'InferenceService predictor workers @ /spec/predictor/workerSpec: worker@/spec/predictor/workerSpec/containers/0',
    ]);
  });

  it('KServe ServingRuntime and ClusterServingRuntime', () => {
    for (const kind of ['ServingRuntime', 'ClusterServingRuntime'])
      expect(
        specs(
          `apiVersion: serving.kserve.io/v1alpha1\nkind: ${kind}\nmetadata: {name: vllm}\nspec:\n  supportedModelFormats: [{name: huggingface}]\n${podSpec(2, 'kserve-container')}`,
        ),
      ).toEqual([`${kind} @ /spec: kserve-container@/spec/containers/0`]);
  });

  it('KubeRay RayCluster head and worker groups', () => {
    const rc = `apiVersion: ray.io/v1\nkind: RayCluster\nmetadata: {name: r}\nspec:\n  headGroupSpec:\n    rayStartParams: {dashboard-host: 0.0.0.0}\n    template:\n${tmpl(6, 'ray-head')}  workerGroupSpecs:\n  - groupName: gpu\n    template:\n${tmpl(6, 'ray-worker')}  - template:\n${tmpl(6, 'cpu')}`;
    expect(specs(rc)).toEqual([
      'RayCluster head group @ /spec/headGroupSpec/template/spec [/spec/headGroupSpec/template/metadata]: ray-head@/spec/headGroupSpec/template/spec/containers/0',
      "RayCluster worker group 'gpu' @ /spec/workerGroupSpecs/0/template/spec [/spec/workerGroupSpecs/0/template/metadata]: ray-worker@/spec/workerGroupSpecs/0/template/spec/containers/0",
      "RayCluster worker group '1' @ /spec/workerGroupSpecs/1/template/spec [/spec/workerGroupSpecs/1/template/metadata]: cpu@/spec/workerGroupSpecs/1/template/spec/containers/0",
    ]);
  });

  it('KubeRay RayJob (cluster spec and submitter) and RayService', () => {
    const job = `apiVersion: ray.io/v1\nkind: RayJob\nmetadata: {name: j}\nspec:\n  entrypoint: python train.py\n  rayClusterSpec:\n    headGroupSpec:\n      template:\n${tmpl(8, 'head')}  submitterPodTemplate:\n${tmpl(4, 'submit')}`;
    expect(specs(job)).toEqual([
      'RayJob head group @ /spec/rayClusterSpec/headGroupSpec/template/spec [/spec/rayClusterSpec/headGroupSpec/template/metadata]: head@/spec/rayClusterSpec/headGroupSpec/template/spec/containers/0',
      'RayJob submitter @ /spec/submitterPodTemplate/spec [/spec/submitterPodTemplate/metadata]: submit@/spec/submitterPodTemplate/spec/containers/0',
    ]);
    const svc = `apiVersion: ray.io/v1\nkind: RayService\nmetadata: {name: s}\nspec:\n  rayClusterConfig:\n    workerGroupSpecs:\n    - groupName: w\n      template:\n${tmpl(8, 'w')}`;
    expect(specs(svc)).toEqual([
      "RayService worker group 'w' @ /spec/rayClusterConfig/workerGroupSpecs/0/template/spec [/spec/rayClusterConfig/workerGroupSpecs/0/template/metadata]: w@/spec/rayClusterConfig/workerGroupSpecs/0/template/spec/containers/0",
    ]);
  });

  it.each([
    ['PyTorchJob', 'pytorchReplicaSpecs', ['Master', 'Worker']],
    ['TFJob', 'tfReplicaSpecs', ['Chief', 'PS', 'Worker']],
    ['MPIJob', 'mpiReplicaSpecs', ['Launcher', 'Worker']],
  ])('Kubeflow %s replica specs', (kind, key, roles) => {
    const body = roles.map((r) => `    ${r}:\n      replicas: 1\n      template:\n${tmpl(8, r.toLowerCase())}`).join('');
    expect(specs(`apiVersion: kubeflow.org/v1\nkind: ${kind}\nmetadata: {name: t}\nspec:\n  ${key}:\n${body}`)).toEqual(
      roles.map(
        (r) =>
          `${kind} ${r} @ /spec/${key}/${r}/template/spec [/spec/${key}/${r}/template/metadata]: ${r.toLowerCase()}@/spec/${key}/${r}/template/spec/containers/0`,
      ),
    );
  });

  it('Kubeflow Notebook', () => {
    expect(
      specs(`apiVersion: kubeflow.org/v1\nkind: Notebook\nmetadata: {name: nb}\nspec:\n  template:\n    spec:\n${podSpec(6, 'jupyter')}`),
    ).toEqual(['Notebook @ /spec/template/spec [/spec/template/metadata]: jupyter@/spec/template/spec/containers/0']);
  });

  it('Katib Experiment: the trial Job inside, found by the generic search', () => {
    const exp = `apiVersion: kubeflow.org/v1beta1\nkind: Experiment\nmetadata: {name: e}\nspec:\n  trialTemplate:\n    trialSpec:\n      apiVersion: batch/v1\n      kind: Job\n      spec:\n        template:\n          spec:\n${podSpec(12, 'trial')}`;
    expect(specs(exp)).toEqual([
      'Experiment @ /spec/trialTemplate/trialSpec/spec/template/spec [/spec/trialTemplate/trialSpec/spec/template/metadata]: trial@/spec/trialTemplate/trialSpec/spec/template/spec/containers/0',
    ]);
  });

  it('SeldonDeployment component specs', () => {
    const sd = `apiVersion: machinelearning.seldon.io/v1\nkind: SeldonDeployment\nmetadata: {name: s}\nspec:\n  predictors:\n  - name: default\n    graph: {name: clf}\n    componentSpecs:\n    - spec:\n${podSpec(8, 'clf')}    - metadata: {labels: {a: b}}\n      spec:\n${podSpec(8, 'other')}`;
    expect(specs(sd)).toEqual([
      'SeldonDeployment component @ /spec/predictors/0/componentSpecs/0/spec [/spec/predictors/0/componentSpecs/0/metadata]: clf@/spec/predictors/0/componentSpecs/0/spec/containers/0',
      'SeldonDeployment component @ /spec/predictors/0/componentSpecs/1/spec [/spec/predictors/0/componentSpecs/1/metadata]: other@/spec/predictors/0/componentSpecs/1/spec/containers/0',
    ]);
  });

  it('Argo Workflow templates: container, script, containerSet, sidecars, init containers; steps and DAGs have no pod', () => {
    const wf = `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: train-}
spec:
  entrypoint: main
  templates:
  - name: main
    steps: [[{name: a, template: train}]]
  - name: train
    container: {image: "pytorch/pytorch:2.4.0", command: [python]}
    sidecars:
${C('tb', 4)}    initContainers:
${C('fetch', 4)}  - name: eval
    script: {image: "python:3.12", source: "print(1)"}
  - name: multi
    containerSet:
      containers:
${C('a', 6)}${C('b', 6)}  - name: k8s
    resource: {action: create, manifest: "x"}
`;
    expect(specs(wf)).toEqual([
      "Workflow template 'train' @ /spec/templates/1 [/spec/templates/1/metadata]: container@/spec/templates/1/container, tb@/spec/templates/1/sidecars/0, initContainers:fetch@/spec/templates/1/initContainers/0",
      "Workflow template 'eval' @ /spec/templates/2 [/spec/templates/2/metadata]: script@/spec/templates/2/script",
      "Workflow template 'multi' @ /spec/templates/3 [/spec/templates/3/metadata]: a@/spec/templates/3/containerSet/containers/0, b@/spec/templates/3/containerSet/containers/1",
    ]);
  });

  it('Argo WorkflowTemplate, ClusterWorkflowTemplate and CronWorkflow', () => {
    const t = (indent: number): string =>
      `${' '.repeat(indent)}templates:\n${' '.repeat(indent)}- name: t\n${' '.repeat(indent)}  container: {name: c, image: "x:1"}\n`;
    for (const kind of ['WorkflowTemplate', 'ClusterWorkflowTemplate'])
      expect(specs(`apiVersion: argoproj.io/v1alpha1\nkind: ${kind}\nmetadata: {name: w}\nspec:\n${t(2)}`)).toEqual([
        `${kind} template 't' @ /spec/templates/0 [/spec/templates/0/metadata]: c@/spec/templates/0/container`,
      ]);
    expect(
      specs(
        `apiVersion: argoproj.io/v1alpha1\nkind: CronWorkflow\nmetadata: {name: w}\nspec:\n  schedule: "0 * * * *"\n  workflowSpec:\n${t(4)}`,
      ),
    ).toEqual([
      "CronWorkflow template 't' @ /spec/workflowSpec/templates/0 [/spec/workflowSpec/templates/0/metadata]: c@/spec/workflowSpec/templates/0/container",
    ]);
  });

  it('JobSet replicated jobs', () => {
    const js = `apiVersion: jobset.x-k8s.io/v1alpha2\nkind: JobSet\nmetadata: {name: j}\nspec:\n  replicatedJobs:\n  - name: workers\n    replicas: 4\n    template:\n      spec:\n        template:\n${tmpl(10, 'w')}`;
    expect(specs(js)).toEqual([
      'JobSet @ /spec/replicatedJobs/0/template/spec/template/spec [/spec/replicatedJobs/0/template/spec/template/metadata]: w@/spec/replicatedJobs/0/template/spec/template/spec/containers/0',
    ]);
  });

  it("AppWrapper: each wrapped object read as itself, a JobSet's and a RayCluster worker group's templates too", () => {
    const wrapped = (template: string) => `  - template:\n${template}`;
    const aw = `apiVersion: workload.codeflare.dev/v1beta2\nkind: AppWrapper\nmetadata: {name: a}\nspec:\n  components:\n${wrapped(
      `      apiVersion: jobset.x-k8s.io/v1alpha2\n      kind: JobSet\n      metadata: {name: j}\n      spec:\n        replicatedJobs:\n        - name: w\n          template:\n            spec:\n              template:\n${tmpl(16, 'w')}`,
    )}${wrapped(
      `      apiVersion: ray.io/v1\n      kind: RayCluster\n      metadata: {name: r}\n      spec:\n        workerGroupSpecs:\n        - groupName: gpu\n          template:\n${tmpl(12, 'ray')}`,
    )}`;
    expect(specs(aw)).toEqual([
      'JobSet in /spec/components/0/template @ /spec/components/0/template/spec/replicatedJobs/0/template/spec/template/spec [/spec/components/0/template/spec/replicatedJobs/0/template/spec/template/metadata]: w@/spec/components/0/template/spec/replicatedJobs/0/template/spec/template/spec/containers/0',
      "RayCluster worker group 'gpu' in /spec/components/1/template @ /spec/components/1/template/spec/workerGroupSpecs/0/template/spec [/spec/components/1/template/spec/workerGroupSpecs/0/template/metadata]: ray@/spec/components/1/template/spec/workerGroupSpecs/0/template/spec/containers/0",
    ]);
    // AppWrappers wrapped in AppWrappers: read down to the fourth; below it, the generic search's depth bounds the work.
    const nest = (n: number): Record<string, unknown> =>
      n === 0
        ? { apiVersion: 'batch/v1', kind: 'Job', spec: { template: { spec: { containers: [{ name: 'j', image: 'j:1' }] } } } }
        : { apiVersion: 'workload.codeflare.dev/v1beta2', kind: 'AppWrapper', spec: { components: [{ template: nest(n - 1) }] } };
    // Named as itself: the object path says where it is wrapped.
    expect(findPodSpecs(nest(4)).map((l) => [l.origin, pointerFromPath(l.objectPath!)])).toEqual([
      ['Job', '/spec/components/0/template'.repeat(4)],
    ]);
    expect(findPodSpecs(nest(5000))).toEqual([]);
  });

  it("Kubeflow Trainer runtime: its JobSet template's pod spec, found by the generic search (at its depth bound, 8)", () => {
    const rt = `apiVersion: trainer.kubeflow.org/v1alpha1\nkind: ClusterTrainingRuntime\nmetadata: {name: torch-distributed}\nspec:\n  mlPolicy: {numNodes: 1, torch: {numProcPerNode: auto}}\n  template:\n    spec:\n      replicatedJobs:\n      - name: node\n        template:\n          spec:\n            template:\n${tmpl(14, 'node')}`;
    expect(specs(rt)).toEqual([
      'ClusterTrainingRuntime @ /spec/template/spec/replicatedJobs/0/template/spec/template/spec [/spec/template/spec/replicatedJobs/0/template/spec/template/metadata]: node@/spec/template/spec/replicatedJobs/0/template/spec/template/spec/containers/0',
    ]);
  });

  it('LeaderWorkerSet leader and worker templates', () => {
    const lws = `apiVersion: leaderworkerset.x-k8s.io/v1\nkind: LeaderWorkerSet\nmetadata: {name: l}\nspec:\n  leaderWorkerTemplate:\n    size: 4\n    leaderTemplate:\n${tmpl(6, 'leader')}    workerTemplate:\n${tmpl(6, 'worker')}`;
    expect(specs(lws)).toEqual([
      'LeaderWorkerSet leader @ /spec/leaderWorkerTemplate/leaderTemplate/spec [/spec/leaderWorkerTemplate/leaderTemplate/metadata]: leader@/spec/leaderWorkerTemplate/leaderTemplate/spec/containers/0',
      'LeaderWorkerSet worker @ /spec/leaderWorkerTemplate/workerTemplate/spec [/spec/leaderWorkerTemplate/workerTemplate/metadata]: worker@/spec/leaderWorkerTemplate/workerTemplate/spec/containers/0',
    ]);
  });

  it('unknown custom resources with pod templates (Knative, Volcano, OpenShift)', () => {
    expect(specs(`apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: k}\nspec:\n  template:\n${tmpl(4, 'user')}`)).toEqual(
      ['Service @ /spec/template/spec [/spec/template/metadata]: user@/spec/template/spec/containers/0'],
    );
    expect(
      specs(
        `apiVersion: batch.volcano.sh/v1alpha1\nkind: Job\nmetadata: {name: v}\nspec:\n  tasks:\n  - name: a\n    template:\n${tmpl(6, 'a')}  - name: b\n    template:\n${tmpl(6, 'b')}`,
      ),
    ).toEqual([
      'Job @ /spec/tasks/0/template/spec [/spec/tasks/0/template/metadata]: a@/spec/tasks/0/template/spec/containers/0',
      'Job @ /spec/tasks/1/template/spec [/spec/tasks/1/template/metadata]: b@/spec/tasks/1/template/spec/containers/0',
    ]);
  });

  it('finds nothing in objects without pods, in built-in kinds of other groups, and in malformed specs', () => {
    expect(specs('apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{port: 80}]\n')).toEqual([]);
    expect(specs('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  containers: "- image: x"\n')).toEqual([]);
    expect(specs('apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: n}\nspec: {podSelector: {}}\n')).toEqual([]);
    expect(specs('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template: "not a template"\n')).toEqual([]);
    expect(specs('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n')).toEqual([]);
    expect(specs('apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: "nope"\n')).toEqual(['Pod @ /spec [/metadata]: ']);
    expect(specs('apiVersion: example.com/v1\nkind: Thing\nmetadata: {name: t}\nspec:\n  containers: [{name: no-image}]\n')).toEqual([]);
  });
});

describe('pod-spec documents', () => {
  it('are produced for every pod spec of an object and locate container paths in the owner file', () => {
    const text = `apiVersion: ray.io/v1\nkind: RayCluster\nmetadata: {name: r, namespace: ml}\nspec:\n  headGroupSpec:\n    template:\n      spec:\n        containers:\n        - name: head\n          image: rayproject/ray:2.9.0\n          securityContext: {privileged: true}\n  workerGroupSpecs:\n  - groupName: gpu\n    template:\n      spec:\n        containers:\n        - name: worker\n          image: rayproject/ray:2.9.0-gpu\n`;
    const file = new MemorySourceFile('ray.yaml', text);
    const docs = createYamlParser([k8sClassifier]).parse(file, { limits: DEFAULT_LIMITS }).documents;
    expect(docs.map((d) => d.kind)).toEqual(['k8s', 'k8s-pod', 'k8s-pod']);
    const pods = docs.filter((d): d is PodSpecDocument => d.kind === 'k8s-pod');
    expect(pods.map((p) => [p.origin, p.resource.name, p.resource.namespace, p.derived])).toEqual([
      ['RayCluster head group', 'r', 'ml', true],
      ["RayCluster worker group 'gpu'", 'r', 'ml', true],
    ]);
    const head = pods[0];
    expect(head.containers[0].name).toBe('head');
    expect(head.locate([...head.containers[0].path, 'securityContext', 'privileged']).range).toEqual({
      startLine: 11,
      startColumn: 29,
      endLine: 11,
      endColumn: 45,
    });
    expect(head.at('securityContext')).toEqual(['spec', 'headGroupSpec', 'template', 'spec', 'securityContext']);
    expect(pods[1].spec).toEqual({ containers: [{ name: 'worker', image: 'rayproject/ray:2.9.0-gpu' }] });
    expect(pods[1].metadata).toEqual({});
  });

  it("give a Kubeflow Trainer TrainJob's trainer as a container override, not a pod spec", () => {
    const text =
      'apiVersion: trainer.kubeflow.org/v1alpha1\nkind: TrainJob\nmetadata: {name: llama, namespace: research}\nspec:\n  runtimeRef: {name: torch-distributed}\n  trainer:\n    image: docker.io/kubeflow/pytorch-llama:v2.1\n    env: [{name: A, value: b}]\n';
    const docs = createYamlParser([k8sClassifier]).parse(new MemorySourceFile('tj.yaml', text), { limits: DEFAULT_LIMITS }).documents;
    expect(docs.map((d) => d.kind)).toEqual(['k8s', 'k8s-container-override']);
    const trainer = docs[1] as PodSpecDocument;
    expect(trainer.containers.map((c) => [c.name, c.group, pointerFromPath(c.path)])).toEqual([['trainer', 'containers', '/spec/trainer']]);
    expect(trainer.origin).toBe('TrainJob trainer');
    expect((docs[0] as unknown as { pods: unknown[] }).pods).toEqual([]);
    // Another group's TrainJob, or one without a trainer: none.
    expect(findContainerOverrides({ apiVersion: 'example.com/v1', kind: 'TrainJob', spec: { trainer: { image: 'x' } } })).toEqual([]);
    expect(
      findContainerOverrides({ apiVersion: 'trainer.kubeflow.org/v1alpha1', kind: 'TrainJob', spec: { runtimeRef: { name: 'r' } } }),
    ).toEqual([]);
  });
});
