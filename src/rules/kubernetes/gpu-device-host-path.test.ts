import { testRule } from '../../testing/rule-tester.js';
import rule from './gpu-device-host-path.js';

const pod = (path: string) => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: infer
    image: nvcr.io/nvidia/tritonserver:24.10-py3
    volumeMounts:
    - name: dev
      mountPath: /dev/x
  volumes:
  - name: dev
    hostPath:
      path: ${path}
`;

const daemonSet = (image: string) => `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: gpu-agent
spec:
  selector: {matchLabels: {app: gpu-agent}}
  template:
    metadata: {labels: {app: gpu-agent}}
    spec:
      containers:
      - name: agent
        image: ${image}
        volumeMounts: [{name: dev, mountPath: /dev}]
      volumes:
      - name: dev
        hostPath:
          path: /dev
`;

/** An AppWrapper wrapping `daemonSet(image)` (what it wraps, each line indented under `template:`). */
const wrapped = (image: string) =>
  'apiVersion: workload.codeflare.dev/v1beta2\nkind: AppWrapper\nmetadata: {name: aw}\nspec:\n  components:\n  - template:\n' +
  daemonSet(image).replace(/^(?=.)/gm, '      ');

testRule(rule, {
  valid: [
    { path: 'pod.yaml', content: pod('/var/lib/models') },
    { name: 'other device nodes are not GPUs', path: 'pod.yaml', content: pod('/dev/fuse') },
    { name: 'a prefix that is not the device directory', path: 'pod.yaml', content: pod('/devices') },
    { name: 'the NVIDIA device plugin DaemonSet', path: 'ds.yaml', content: daemonSet('nvcr.io/nvidia/k8s-device-plugin:v0.17.0') },
    {
      name: 'the GPU Operator validator',
      path: 'ds.yaml',
      content: daemonSet('nvcr.io/nvidia/cloud-native/gpu-operator-validator:v24.9.0'),
    },
    { name: 'the NVIDIA device plugin DaemonSet an AppWrapper wraps', path: 'aw.yaml', content: wrapped('nvcr.io/nvidia/k8s-device-plugin:v0.17.0') },
  ],
  invalid: [
    {
      name: 'a DaemonSet with another image is not the GPU stack',
      path: 'ds.yaml',
      content: daemonSet('ghcr.io/acme/gpu-miner:1.0'),
      findings: [{ startLine: 17, startColumn: 11, endLine: 17, endColumn: 21, message: /Volume 'dev' mounts host path '\/dev'/ }],
    },
    {
      name: 'a DaemonSet with another image an AppWrapper wraps is not the GPU stack',
      path: 'aw.yaml',
      content: wrapped('ghcr.io/acme/gpu-miner:1.0'),
      findings: [{ startLine: 23, startColumn: 17, endLine: 23, endColumn: 27 }],
    },
    {
      name: 'a Deployment with the device plugin image is not the DaemonSet',
      path: 'deploy.yaml',
      content: daemonSet('nvcr.io/nvidia/k8s-device-plugin:v0.17.0').replace('kind: DaemonSet', 'kind: Deployment'),
      findings: [{ startLine: 17, startColumn: 11, endLine: 17, endColumn: 21 }],
    },
    {
      path: 'pod.yaml',
      content: pod('/dev/nvidia0'),
      findings: [
        {
          startLine: 15,
          startColumn: 7,
          endLine: 15,
          endColumn: 25,
          message: "Volume 'dev' mounts host path '/dev/nvidia0' (NVIDIA GPU device nodes) into 'infer', outside the GPU device plugin",
          objectPath: '/spec/volumes/0/hostPath/path',
          severity: 'high',
        },
      ],
    },
    {
      name: 'all of /dev',
      path: 'pod.yaml',
      content: pod('/dev/'),
      findings: [{ startLine: 15, startColumn: 7, endLine: 15, endColumn: 18, message: /every device of the node/ }],
    },
    {
      name: 'render nodes',
      path: 'pod.yaml',
      content: pod('/dev/dri/renderD128'),
      findings: [{ startLine: 15, startColumn: 7, endLine: 15, endColumn: 32 }],
    },
  ],
});
