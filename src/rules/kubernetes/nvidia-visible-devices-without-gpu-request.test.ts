import { testRule } from '../../testing/rule-tester.js';
import rule from './nvidia-visible-devices-without-gpu-request.js';

const pod = (env: string, resources = '') => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: train
    image: nvcr.io/nvidia/pytorch:24.10-py3
    env:
${env}${resources}`;
const dcgm = (image: string, kind = 'DaemonSet') => `apiVersion: apps/v1
kind: ${kind}
metadata:
  name: dcgm-exporter
  namespace: gpu-operator
spec:
  selector: {matchLabels: {app: dcgm-exporter}}
  template:
    metadata: {labels: {app: dcgm-exporter}}
    spec:
      containers:
      - name: exporter
        image: ${image}
        env:
        - name: NVIDIA_VISIBLE_DEVICES
          value: all
`;
const operand = (image: string) =>
  dcgm(image).replace('    spec:\n', '    spec:\n      nodeSelector:\n        nvidia.com/gpu.deploy.device-plugin: "true"\n');
const GPU = '    resources:\n      limits:\n        nvidia.com/gpu: 1\n';

testRule(rule, {
  valid: [
    { path: 'pod.yaml', content: pod('    - name: NVIDIA_VISIBLE_DEVICES\n      value: all\n', GPU) },
    {
      name: 'void disables the runtime',
      path: 'pod.yaml',
      content: pod('    - name: NVIDIA_VISIBLE_DEVICES\n      value: void\n    - name: NVIDIA_DRIVER_CAPABILITIES\n      value: all\n'),
    },
    {
      name: 'a MIG slice is a GPU request',
      path: 'pod.yaml',
      content: pod(
        '    - name: NVIDIA_DRIVER_CAPABILITIES\n      value: compute,utility\n',
        '    resources:\n      limits:\n        nvidia.com/mig-1g.10gb: 1\n',
      ),
    },
    {
      name: 'a DRA claim is a GPU request',
      path: 'pod.yaml',
      content: pod('    - name: NVIDIA_VISIBLE_DEVICES\n      value: all\n', '    resources:\n      claims:\n      - name: gpu\n'),
    },
    {
      name: 'the DCGM exporter DaemonSet of the GPU Operator',
      path: 'ds.yaml',
      content: dcgm('nvcr.io/nvidia/k8s/dcgm-exporter:3.3.9-3.6.1-ubuntu22.04'),
    },
    { name: 'the NVIDIA device plugin DaemonSet', path: 'ds.yaml', content: dcgm('nvcr.io/nvidia/k8s-device-plugin:v0.17.0') },
    {
      name: 'an operand manifest of the GPU Operator (the operator fills in the image)',
      path: 'ds.yaml',
      content: operand('FILLED BY THE OPERATOR'),
    },
    { name: 'unrelated variables', path: 'pod.yaml', content: pod('    - name: CUDA_VISIBLE_DEVICES\n      value: "0"\n') },
  ],
  invalid: [
    {
      name: 'a DaemonSet that only looks like the GPU stack',
      path: 'ds.yaml',
      content: dcgm('docker.io/acme/dcgm-exporter:1.0'),
      findings: [{ startLine: 16, startColumn: 11, endLine: 16, endColumn: 21, message: /Container 'exporter' selects every GPU/ }],
    },
    {
      name: "the GPU Operator's node selector does not vouch for another image",
      path: 'ds.yaml',
      content: operand('docker.io/acme/dcgm-exporter:1.0'),
      findings: [{ startLine: 18, startColumn: 11, endLine: 18, endColumn: 21, message: /Container 'exporter' selects every GPU/ }],
    },
    {
      path: 'pod.yaml',
      content: pod('    - name: NVIDIA_VISIBLE_DEVICES\n      value: all\n'),
      findings: [
        {
          startLine: 11,
          startColumn: 7,
          endLine: 11,
          endColumn: 17,
          message:
            "Container 'train' selects every GPU of the node through NVIDIA_VISIBLE_DEVICES without requesting nvidia.com/gpu, bypassing the device plugin",
          objectPath: '/spec/containers/0/env/0/value',
          severity: 'high',
        },
      ],
    },
    {
      name: 'device UUIDs; a zero GPU limit is no request',
      path: 'pod.yaml',
      content: pod(
        '    - name: NVIDIA_VISIBLE_DEVICES\n      value: "GPU-3a5e,GPU-77c1"\n',
        '    resources:\n      limits:\n        nvidia.com/gpu: 0\n',
      ),
      findings: [
        {
          startLine: 11,
          startColumn: 7,
          endLine: 11,
          endColumn: 33,
          message: /selects GPU\(s\) GPU-3a5e,GPU-77c1 through/,
          severity: 'high',
        },
      ],
    },
    {
      name: 'none: libraries only, low',
      path: 'pod.yaml',
      content: pod('    - name: NVIDIA_VISIBLE_DEVICES\n      value: none\n'),
      findings: [{ startLine: 11, startColumn: 7, endLine: 11, endColumn: 18, severity: 'low' }],
    },
    {
      name: 'driver capabilities alone: medium',
      path: 'pod.yaml',
      content: pod('    - name: NVIDIA_DRIVER_CAPABILITIES\n      value: compute,utility\n'),
      findings: [
        { startLine: 11, startColumn: 7, endLine: 11, endColumn: 29, severity: 'medium', objectPath: '/spec/containers/0/env/0/value' },
      ],
    },
    {
      name: 'PyTorchJob worker replica',
      path: 'job.yaml',
      content: `apiVersion: kubeflow.org/v1
kind: PyTorchJob
metadata:
  name: ft
spec:
  pytorchReplicaSpecs:
    Worker:
      replicas: 2
      template:
        spec:
          containers:
          - name: pytorch
            image: nvcr.io/nvidia/pytorch:24.10-py3
            env:
            - {name: NVIDIA_VISIBLE_DEVICES, value: "0,1"}
`,
      findings: [
        {
          startLine: 15,
          startColumn: 46,
          endLine: 15,
          endColumn: 58,
          objectPath: '/spec/pytorchReplicaSpecs/Worker/template/spec/containers/0/env/0/value',
          message: /selects GPU\(s\) 0,1/,
        },
      ],
    },
  ],
});
