import { testRule } from '../../testing/rule-tester.js';
import rule from './ld-preload-gpu-container.js';

const pod = (env: string, extra = '') => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
${extra}  containers:
  - name: job
    image: ghcr.io/acme/cuda-job:1.0
    env:
${env}`;
const trainJob = (perNode: string) => `apiVersion: trainer.kubeflow.org/v1alpha1
kind: TrainJob
metadata:
  name: tj
spec:
  runtimeRef:
    name: torch-distributed
  trainer:
    image: ghcr.io/acme/train:1.0
    env:
    - name: LD_PRELOAD
      value: /tmp/x.so
${perNode}`;
const GPU = '    resources:\n      limits:\n        nvidia.com/gpu: 1\n';

testRule(rule, {
  valid: [
    { path: 'pod.yaml', content: pod('    - name: OMP_NUM_THREADS\n      value: "8"\n' + GPU) },
    { name: 'not a GPU container', path: 'pod.yaml', content: pod('    - name: LD_PRELOAD\n      value: /usr/lib/libjemalloc.so.2\n') },
    {
      name: "a TrainJob's trainer without GPUs per node",
      path: 'tj.yaml',
      content: trainJob('    resourcesPerNode:\n      limits:\n        cpu: 4\n'),
    },
    { name: 'empty value', path: 'pod.yaml', content: pod('    - name: LD_PRELOAD\n      value: ""\n' + GPU) },
  ],
  invalid: [
    {
      name: "a TrainJob's trainer: its resourcesPerNode are the trainer node container's resources",
      path: 'tj.yaml',
      content: trainJob('    resourcesPerNode:\n      limits:\n        nvidia.com/gpu: 1\n'),
      findings: [
        {
          startLine: 11,
          startColumn: 7,
          endLine: 12,
          endColumn: 23,
          message: /^Container 'trainer' is a GPU container and sets LD_PRELOAD to '\/tmp\/x\.so'/,
          objectPath: '/spec/trainer/env/0',
        },
      ],
    },
    {
      path: 'pod.yaml',
      content: pod('    - name: LD_PRELOAD\n      value: ./poc.so\n' + GPU),
      findings: [
        {
          startLine: 10,
          startColumn: 7,
          endLine: 11,
          endColumn: 22,
          message:
            "Container 'job' is a GPU container and sets LD_PRELOAD to './poc.so': on NVIDIA Container Toolkit 1.17.7 and earlier the host-side hook loads it as root (CVE-2025-23266)",
          objectPath: '/spec/containers/0/env/0',
          severity: 'high',
        },
      ],
    },
    {
      name: 'GPU runtime class, value from a ConfigMap',
      path: 'pod.yaml',
      content: pod(
        '    - name: LD_PRELOAD\n      valueFrom:\n        configMapKeyRef: {name: x, key: y}\n',
        '  runtimeClassName: nvidia\n',
      ),
      findings: [{ startLine: 11, startColumn: 7, endLine: 13, endColumn: 43, message: /sets LD_PRELOAD from a reference/ }],
    },
    {
      name: 'GPUs selected by environment',
      path: 'pod.yaml',
      content: pod('    - name: NVIDIA_VISIBLE_DEVICES\n      value: all\n    - {name: LD_PRELOAD, value: libx.so}\n'),
      findings: [{ startLine: 12, startColumn: 7, endLine: 12, endColumn: 41, objectPath: '/spec/containers/0/env/1' }],
    },
  ],
});
