import { testRule } from '../../testing/rule-tester.js';
import rule from './windows-host-process.js';

const pod = (podSc: string, containerSc: string) => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  os:
    name: windows
${podSc}  containers:
  - name: app
    image: app:1.0
${containerSc}  initContainers:
  - name: init
    image: app:1.0
`;

testRule(rule, {
  valid: [
    { path: 'pod.yaml', content: pod('', '') },
    {
      name: 'hostProcess false and other Windows options',
      path: 'pod.yaml',
      content: pod(
        '  securityContext:\n    windowsOptions:\n      hostProcess: false\n',
        '    securityContext:\n      windowsOptions:\n        runAsUserName: ContainerUser\n',
      ),
    },
  ],
  invalid: [
    {
      name: 'pod level',
      path: 'pod.yaml',
      content: pod(
        '  securityContext:\n    windowsOptions:\n      hostProcess: true\n',
        '    securityContext:\n      windowsOptions: {}\n',
      ),
      findings: [
        {
          startLine: 10,
          startColumn: 7,
          endLine: 10,
          endColumn: 24,
          message: 'Pod runs as a Windows HostProcess (securityContext.windowsOptions.hostProcess: true)',
          objectPath: '/spec/securityContext/windowsOptions/hostProcess',
        },
      ],
    },
    {
      name: 'container level',
      path: 'pod.yaml',
      content: pod('', '    securityContext:\n      windowsOptions:\n        hostProcess: true\n'),
      findings: [
        {
          startLine: 13,
          startColumn: 9,
          endLine: 13,
          endColumn: 26,
          message: "Container 'app' runs as a Windows HostProcess container",
          objectPath: '/spec/containers/0/securityContext/windowsOptions/hostProcess',
        },
      ],
    },
  ],
});
