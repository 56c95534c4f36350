import { testRule } from '../../testing/rule-tester.js';
import rule from './host-namespaces.js';

const pod = (spec: string) => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
${spec}  containers:
  - name: app
    image: app:1.0
`;

testRule(rule, {
  valid: [
    { path: 'pod.yaml', content: pod('') },
    { name: 'explicitly false', path: 'pod.yaml', content: pod('  hostPID: false\n  hostIPC: false\n  hostNetwork: false\n') },
  ],
  invalid: [
    {
      name: 'each namespace is its own finding',
      path: 'pod.yaml',
      content: pod('  hostNetwork: true\n  hostPID: true\n  hostIPC: yes\n'),
      findings: [
        {
          startLine: 7,
          startColumn: 3,
          endLine: 7,
          endColumn: 16,
          message: /process ID namespace.*\(hostPID: true\)$/,
          objectPath: '/spec/hostPID',
          evidence: 'hostPID: true',
        },
        { startLine: 8, startColumn: 3, endLine: 8, endColumn: 15, message: /IPC namespace/, objectPath: '/spec/hostIPC' },
        { startLine: 6, startColumn: 3, endLine: 6, endColumn: 20, message: /network namespace/, objectPath: '/spec/hostNetwork' },
      ],
    },
    {
      name: 'CronJob pod template',
      path: 'cron.yaml',
      content: `apiVersion: batch/v1
kind: CronJob
metadata:
  name: eval
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          hostNetwork: true
          containers:
          - name: eval
            image: eval:1
`,
      findings: [
        { startLine: 11, startColumn: 11, endLine: 11, endColumn: 28, objectPath: '/spec/jobTemplate/spec/template/spec/hostNetwork' },
      ],
    },
  ],
});
