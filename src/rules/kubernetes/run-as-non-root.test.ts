import { describe, expect, it } from 'vitest';
import { testRule } from '../../testing/rule-tester.js';
import { fixAll, parseAll } from './lib/pss-testing.js';
import rule from './run-as-non-root.js';

const pod = (spec: string, sc: string, init = '') => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
${spec}  containers:
  - name: app
    image: app:1.0
${sc}  initContainers:
  - name: init
    image: app:1.0
${init}`;

const podTrue = '  securityContext:\n    runAsNonRoot: true\n';
const cTrue = '    securityContext:\n      runAsNonRoot: true\n';

testRule(rule, {
  valid: [
    { name: 'pod level covers all containers', path: 'pod.yaml', content: pod(podTrue, '') },
    { name: 'every container', path: 'pod.yaml', content: pod('', cTrue, cTrue) },
    { name: 'user-namespaced pods are exempt', path: 'pod.yaml', content: pod('  hostUsers: false\n', '') },
    {
      name: 'Windows pods are not exempt, but this one is fine',
      path: 'pod.yaml',
      content: pod(`  os:\n    name: windows\n${podTrue}`, ''),
    },
    {
      name: 'KServe: the predictor carries the pod-level securityContext',
      path: 'isvc.yaml',
      content: `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: llama
spec:
  predictor:
    securityContext:
      runAsNonRoot: true
    model:
      modelFormat: {name: huggingface}
      storageUri: hf://meta-llama/Llama-3.1-8B-Instruct
`,
    },
    {
      name: 'Argo: the workflow securityContext applies to templates without one',
      path: 'wf.yaml',
      content: `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: train-
spec:
  entrypoint: train
  securityContext:
    runAsNonRoot: true
  templates:
  - name: train
    container:
      image: trainer:1.0
`,
    },
    {
      name: 'Argo: the securityContext of a workflow an AppWrapper wraps applies to its templates without one',
      path: 'aw.yaml',
      content: `apiVersion: workload.codeflare.dev/v1beta2
kind: AppWrapper
metadata: {name: aw}
spec:
  components:
  - template:
      apiVersion: argoproj.io/v1alpha1
      kind: Workflow
      metadata: {name: train}
      spec:
        entrypoint: train
        securityContext:
          runAsNonRoot: true
        templates:
        - name: train
          container:
            image: trainer:1.0
`,
    },
  ],
  invalid: [
    {
      name: 'nothing set: one finding per container',
      path: 'pod.yaml',
      content: pod('', '    securityContext: {}\n'),
      findings: [
        {
          startLine: 9,
          startColumn: 5,
          endLine: 9,
          endColumn: 24,
          message: "Container 'app' may run as root: neither it nor the pod sets securityContext.runAsNonRoot: true",
          objectPath: '/spec/containers/0/securityContext',
        },
        {
          startLine: 11,
          startColumn: 5,
          endLine: 12,
          endColumn: 19,
          message: /^Init container 'init' may run as root/,
          objectPath: '/spec/initContainers/0',
        },
      ],
    },
    {
      name: 'explicit false at pod level is reported once, not per container',
      path: 'pod.yaml',
      content: pod('  securityContext:\n    runAsNonRoot: false\n', ''),
      findings: [
        {
          startLine: 7,
          startColumn: 5,
          endLine: 7,
          endColumn: 24,
          message: 'Pod sets runAsNonRoot: false',
          objectPath: '/spec/securityContext/runAsNonRoot',
        },
      ],
    },
    {
      name: 'explicit false in a container overrides the pod',
      path: 'pod.yaml',
      content: pod(podTrue, '    securityContext:\n      runAsNonRoot: false\n'),
      findings: [{ startLine: 12, startColumn: 7, endLine: 12, endColumn: 26, message: "Container 'app' sets runAsNonRoot: false" }],
    },
    {
      name: 'KubeRay: each group is its own pod spec',
      path: 'ray.yaml',
      content: `apiVersion: ray.io/v1
kind: RayCluster
metadata:
  name: rc
spec:
  headGroupSpec:
    template:
      spec:
        securityContext: {runAsNonRoot: true}
        containers:
        - {name: ray-head, image: rayproject/ray:2.37.0}
  workerGroupSpecs:
  - groupName: gpu
    template:
      spec:
        containers:
        - name: ray-worker
          image: rayproject/ray:2.37.0-gpu
`,
      findings: [
        {
          startLine: 17,
          startColumn: 11,
          endLine: 18,
          endColumn: 43,
          message: "Container 'ray-worker' may run as root: neither it nor the pod sets securityContext.runAsNonRoot: true",
          objectPath: '/spec/workerGroupSpecs/0/template/spec/containers/0',
        },
      ],
    },
    {
      name: 'Argo: a template securityContext replaces the workflow one',
      path: 'wf.yaml',
      content: `apiVersion: argoproj.io/v1alpha1
kind: CronWorkflow
metadata:
  name: nightly
spec:
  schedule: "0 2 * * *"
  workflowSpec:
    entrypoint: eval
    securityContext:
      runAsNonRoot: false
    templates:
    - name: eval
      securityContext:
        runAsUser: 1000
      container:
        image: eval:1.0
    - name: report
      container:
        image: report:1.0
`,
      findings: [
        {
          startLine: 15,
          startColumn: 7,
          endLine: 16,
          endColumn: 24,
          message: "Container 'container' may run as root: neither it nor the pod sets securityContext.runAsNonRoot: true",
          objectPath: '/spec/workflowSpec/templates/0/container',
        },
        {
          startLine: 10,
          startColumn: 7,
          endLine: 10,
          endColumn: 26,
          message: 'Pod sets runAsNonRoot: false',
          objectPath: '/spec/workflowSpec/securityContext/runAsNonRoot',
        },
      ],
    },
    {
      name: 'Argo: two workflows an AppWrapper wraps, each inherited securityContext reported once for its own templates',
      path: 'aw.yaml',
      content: `apiVersion: workload.codeflare.dev/v1beta2
kind: AppWrapper
metadata: {name: aw}
spec:
  components:
  - template:
      apiVersion: argoproj.io/v1alpha1
      kind: Workflow
      metadata: {name: a}
      spec:
        securityContext: {runAsNonRoot: false}
        templates:
        - {name: a1, container: {image: a:1}}
        - {name: a2, container: {image: a:1}}
  - template:
      apiVersion: argoproj.io/v1alpha1
      kind: Workflow
      metadata: {name: b}
      spec:
        securityContext: {runAsNonRoot: false}
        templates:
        - {name: b1, container: {image: b:1}}
        - {name: b2, container: {image: b:1}}
`,
      findings: [
        {
          startLine: 11,
          startColumn: 27,
          endLine: 11,
          endColumn: 46,
          message: 'Pod sets runAsNonRoot: false',
          objectPath: '/spec/components/0/template/spec/securityContext/runAsNonRoot',
        },
        {
          startLine: 20,
          startColumn: 27,
          endLine: 20,
          endColumn: 46,
          message: 'Pod sets runAsNonRoot: false',
          objectPath: '/spec/components/1/template/spec/securityContext/runAsNonRoot',
        },
      ],
    },
    {
      name: 'only the container that does not opt in',
      path: 'pod.yaml',
      content: pod('', cTrue),
      findings: [{ startLine: 12, startColumn: 5, endLine: 13, endColumn: 19, message: /^Init container 'init'/ }],
    },
  ],
});

describe('K8S-0015 fix', () => {
  it('sets runAsNonRoot: true once at pod level for all containers', () => {
    const fixed = fixAll(rule, pod('', ''));
    expect(fixed).toBe(`${pod('', '')}  securityContext:\n    runAsNonRoot: true\n`);
  });

  it('flips explicit false values', () => {
    const fixed = fixAll(
      rule,
      pod('  securityContext:\n    runAsNonRoot: false # legacy\n', '', '    securityContext:\n      runAsNonRoot: false\n'),
    );
    const spec = (parseAll(fixed)[0] as { spec: { securityContext: unknown; initContainers: Array<{ securityContext: unknown }> } }).spec;
    expect(spec.securityContext).toEqual({ runAsNonRoot: true });
    expect(spec.initContainers[0].securityContext).toEqual({ runAsNonRoot: true });
    expect(fixed).toContain('runAsNonRoot: true # legacy');
  });
});
