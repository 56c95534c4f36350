import { testRule } from '../../testing/rule-tester.js';
import rule from './container-runtime-socket-mount.js';

const pod = (hostPath: string) => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: agent
    image: agent:1.0
    volumeMounts:
    - name: host
      mountPath: /host
      readOnly: true
  volumes:
  - name: scratch
    emptyDir: {}
  - name: host
    hostPath:
      path: ${hostPath}
`;

testRule(rule, {
  valid: [
    { path: 'pod.yaml', content: pod('/var/log') },
    { name: 'a file next to the sockets', path: 'pod.yaml', content: pod('/run/xtables.lock') },
    { name: 'a sibling directory', path: 'pod.yaml', content: pod('/var/run/secrets-store') },
    { name: 'a similar name is not a socket', path: 'pod.yaml', content: pod('/var/run/docker.socket-proxy.conf') },
  ],
  invalid: [
    {
      path: 'pod.yaml',
      content: pod('/var/run/docker.sock'),
      findings: [
        {
          startLine: 18,
          startColumn: 7,
          endLine: 18,
          endColumn: 33,
          message: "Volume 'host' mounts the container runtime socket '/var/run/docker.sock' into 'agent'",
          objectPath: '/spec/volumes/1/hostPath/path',
          severity: 'critical',
        },
      ],
    },
    {
      name: 'containerd socket',
      path: 'pod.yaml',
      content: pod('/run/containerd/containerd.sock'),
      findings: [{ startLine: 18, startColumn: 7, endLine: 18, endColumn: 44, severity: 'critical' }],
    },
    {
      name: 'CRI-O socket in a non-standard place',
      path: 'pod.yaml',
      content: pod('/opt/crio/crio.sock'),
      findings: [{ startLine: 18, startColumn: 7, endLine: 18, endColumn: 32, severity: 'critical' }],
    },
    {
      name: 'the directory that holds the sockets',
      path: 'pod.yaml',
      content: pod('/var/run/'),
      findings: [
        {
          startLine: 18,
          startColumn: 7,
          endLine: 18,
          endColumn: 22,
          message:
            "Volume 'host' mounts host directory '/var/run/' into 'agent', which holds the container runtime socket /var/run/docker.sock",
          severity: 'high',
        },
      ],
    },
    {
      name: 'Docker named pipe on Windows',
      path: 'pod.yaml',
      content: pod("'\\\\.\\pipe\\docker_engine'"),
      findings: [{ startLine: 18, startColumn: 7, endLine: 18, endColumn: 37, severity: 'critical' }],
    },
    {
      name: 'the host root',
      path: 'pod.yaml',
      content: pod('/'),
      findings: [{ startLine: 18, startColumn: 7, endLine: 18, endColumn: 14, severity: 'high' }],
    },
  ],
});
