import { testRule } from '../../testing/rule-tester.js';
import rule from './host-path-volume.js';

const pod = (volumes: string) => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: app
    image: app:1.0
  volumes:
${volumes}`;

testRule(rule, {
  valid: [
    {
      path: 'pod.yaml',
      content: pod('  - name: scratch\n    emptyDir: {}\n  - name: models\n    persistentVolumeClaim:\n      claimName: models\n'),
    },
    { name: 'a null hostPath is not set', path: 'pod.yaml', content: pod('  - name: scratch\n    hostPath:\n    emptyDir: {}\n') },
  ],
  invalid: [
    {
      path: 'pod.yaml',
      content: pod(
        '  - name: scratch\n    emptyDir: {}\n  - name: data\n    hostPath:\n      path: /data/models\n      type: Directory\n  - name: sock\n    hostPath: {path: /var/run/docker.sock}\n  - name: root\n    hostPath:\n      path: /\n',
      ),
      findings: [
        {
          startLine: 13,
          startColumn: 5,
          endLine: 15,
          endColumn: 22,
          message: "Volume 'data' mounts the node's /data/models (hostPath)",
          severity: 'high',
          objectPath: '/spec/volumes/1/hostPath',
          evidence: 'hostPath: /data/models',
        },
        {
          startLine: 17,
          startColumn: 5,
          endLine: 17,
          endColumn: 43,
          severity: 'critical',
          message: "Volume 'sock' mounts the node's /var/run/docker.sock (hostPath)",
        },
        { startLine: 19, startColumn: 5, endLine: 20, endColumn: 14, severity: 'critical' },
      ],
    },
    {
      name: 'parents of sensitive paths are critical, unrelated paths high',
      path: 'pod.yaml',
      content: pod(
        '  - name: a\n    hostPath:\n      path: /var/\n  - name: b\n    hostPath:\n      path: /var/log/pods\n  - name: c\n    hostPath: {}\n',
      ),
      findings: [
        { startLine: 11, startColumn: 5, endLine: 12, endColumn: 18, severity: 'critical' },
        { startLine: 14, startColumn: 5, endLine: 15, endColumn: 26, severity: 'high' },
        { startLine: 17, startColumn: 5, endLine: 17, endColumn: 17, severity: 'high', message: "Volume 'c' is a hostPath volume" },
      ],
    },
  ],
});
