import { testRule } from '../../testing/rule-tester.js';
import rule from './restricted-volume-types.js';

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
      name: 'the nine allowed types and a volume without source',
      path: 'pod.yaml',
      content: pod(
        '  - name: a\n  - name: b\n    emptyDir: {}\n  - name: c\n    secret: {secretName: s}\n  - name: d\n    persistentVolumeClaim: {claimName: c}\n  - name: e\n    downwardAPI: {items: []}\n  - name: f\n    configMap: {name: m}\n  - name: g\n    projected: {sources: []}\n  - name: h\n    csi: {driver: x}\n  - name: i\n    ephemeral: {volumeClaimTemplate: {spec: {}}}\n  - name: j\n    image: {reference: "registry.example.com/models/llama:1"}\n',
      ),
    },
    { name: 'hostPath is reported by K8S-0005 only', path: 'pod.yaml', content: pod('  - name: h\n    hostPath: {path: /data}\n') },
  ],
  invalid: [
    {
      path: 'pod.yaml',
      content: pod(
        '  - name: data\n    nfs:\n      server: nfs.example.com\n      path: /data\n  - name: repo\n    gitRepo:\n      repository: https://github.com/example/model.git\n  - name: ok\n    emptyDir: {}\n',
      ),
      findings: [
        {
          startLine: 11,
          startColumn: 5,
          endLine: 13,
          endColumn: 18,
          message: "Volume 'data' uses the nfs volume type, outside the restricted set",
          severity: 'medium',
          objectPath: '/spec/volumes/0/nfs',
        },
        {
          startLine: 15,
          startColumn: 5,
          endLine: 16,
          endColumn: 55,
          message: "Volume 'repo' uses the gitRepo volume type, outside the restricted set",
          severity: 'high',
        },
      ],
    },
  ],
});
