import { testRule } from '../../testing/rule-tester.js';
import rule from './apparmor-unconfined.js';

const pod = (annotations: string, podSc: string, sc: string) => `apiVersion: v1
kind: Pod
metadata:
  name: p
${annotations}spec:
${podSc}  containers:
  - name: app
    image: app:1.0
${sc}`;

testRule(rule, {
  valid: [
    { path: 'pod.yaml', content: pod('', '', '') },
    {
      name: 'RuntimeDefault and Localhost, field and annotation',
      path: 'pod.yaml',
      content: pod(
        '  annotations:\n    container.apparmor.security.beta.kubernetes.io/app: localhost/k8s-apparmor-example\n    container.apparmor.security.beta.kubernetes.io/other: runtime/default\n',
        '  securityContext:\n    appArmorProfile:\n      type: RuntimeDefault\n',
        '    securityContext:\n      appArmorProfile:\n        type: Localhost\n        localhostProfile: k8s-apparmor-example\n',
      ),
    },
  ],
  invalid: [
    {
      name: 'Unconfined at pod and container level',
      path: 'pod.yaml',
      content: pod(
        '',
        '  securityContext:\n    appArmorProfile:\n      type: Unconfined\n',
        '    securityContext:\n      appArmorProfile: {}\n',
      ),
      findings: [
        {
          startLine: 8,
          startColumn: 7,
          endLine: 8,
          endColumn: 23,
          message: "Pod sets AppArmor profile type 'Unconfined'",
          objectPath: '/spec/securityContext/appArmorProfile/type',
        },
        {
          startLine: 13,
          startColumn: 7,
          endLine: 13,
          endColumn: 26,
          message: "Container 'app' sets an AppArmor profile without a type (RuntimeDefault or Localhost)",
        },
      ],
    },
    {
      name: 'legacy annotation on a Deployment template, for any container name',
      path: 'deploy.yaml',
      content: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
  annotations:
    container.apparmor.security.beta.kubernetes.io/app: unconfined
spec:
  template:
    metadata:
      annotations:
        container.apparmor.security.beta.kubernetes.io/app: unconfined
        container.apparmor.security.beta.kubernetes.io/ghost: docker-default
    spec:
      containers:
      - name: app
        image: app:1.0
`,
      findings: [
        {
          startLine: 11,
          startColumn: 9,
          endLine: 11,
          endColumn: 71,
          message: "Annotation sets AppArmor profile 'unconfined' for container 'app'",
          objectPath: '/spec/template/metadata/annotations/container.apparmor.security.beta.kubernetes.io~1app',
        },
        { startLine: 12, startColumn: 9, endLine: 12, endColumn: 77 },
      ],
    },
  ],
});
