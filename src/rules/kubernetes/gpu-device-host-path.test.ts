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

testRule(rule, {
  valid: [
    { path: 'pod.yaml', content: pod('/var/lib/models') },
    { name: 'other device nodes are not GPUs', path: 'pod.yaml', content: pod('/dev/fuse') },
    { name: 'a prefix that is not the device directory', path: 'pod.yaml', content: pod('/devices') },
  ],
  invalid: [
    {
      path: 'pod.yaml',
      content: pod('/dev/nvidia0'),
      findings: [
        {
          startLine: 15, startColumn: 7, endLine: 15, endColumn: 25,
          message: "Volume 'dev' mounts host path '/dev/nvidia0' (NVIDIA GPU device nodes) into 'infer', outside the GPU device plugin",
          objectPath: '/spec/volumes/0/hostPath/path',
          severity: 'high',
        },
      ],
    },
    { name: 'all of /dev', path: 'pod.yaml', content: pod('/dev/'), findings: [{ startLine: 15, startColumn: 7, endLine: 15, endColumn: 18, message: /every device of the node/ }] },
    { name: 'render nodes', path: 'pod.yaml', content: pod('/dev/dri/renderD128'), findings: [{ startLine: 15, startColumn: 7, endLine: 15, endColumn: 32 }] },
  ],
});
