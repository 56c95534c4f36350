import { testRule } from '../../testing/rule-tester.js';
import rule from './probes-missing.js';

const workload = (kind: string, container: string) => `apiVersion: ${kind === 'Job' ? 'batch/v1' : 'apps/v1'}
kind: ${kind}
metadata:
  name: w
spec:
  template:
    spec:
      containers:
      - name: server
        image: server:1.0
${container}`;

testRule(rule, {
  valid: [
    {
      path: 'deploy.yaml',
      content: workload(
        'Deployment',
        '        ports: [{containerPort: 8000}]\n        readinessProbe: {httpGet: {path: /health, port: 8000}}\n        livenessProbe: {httpGet: {path: /health, port: 8000}}\n',
      ),
    },
    { name: 'no ports: not a server', path: 'deploy.yaml', content: workload('Deployment', '') },
    { name: 'a Job is batch work', path: 'job.yaml', content: workload('Job', '        ports: [{containerPort: 8000}]\n') },
    {
      name: 'a bare Pod is not managed',
      path: 'pod.yaml',
      content:
        'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: s\n    image: s:1.0\n    ports: [{containerPort: 80}]\n',
    },
    {
      name: 'a Deployment of another API group is no Kubernetes Deployment',
      path: 'deploy.yaml',
      content: workload('Deployment', '        ports: [{containerPort: 8000}]\n').replace('apps/v1', 'example.com/v1'),
    },
  ],
  invalid: [
    {
      name: 'a Deployment an AppWrapper wraps',
      path: 'aw.yaml',
      content:
        'apiVersion: workload.codeflare.dev/v1beta2\nkind: AppWrapper\nmetadata: {name: aw}\nspec:\n  components:\n  - template:\n' +
        workload('Deployment', '        ports: [{containerPort: 8000}]\n').replace(/^/gm, '      '),
      findings: [
        {
          startLine: 15,
          startColumn: 15,
          endLine: 15,
          endColumn: 27,
          message: "Container 'server' serves ports but has no readinessProbe or livenessProbe",
          objectPath: '/spec/components/0/template/spec/template/spec/containers/0/name',
        },
      ],
    },
    {
      path: 'deploy.yaml',
      content: workload('Deployment', '        ports:\n        - containerPort: 8000\n'),
      findings: [
        {
          startLine: 9,
          startColumn: 9,
          endLine: 9,
          endColumn: 21,
          message: "Container 'server' serves ports but has no readinessProbe or livenessProbe",
          objectPath: '/spec/template/spec/containers/0/name',
          severity: 'low',
        },
      ],
    },
    {
      name: 'StatefulSet with a readiness probe only',
      path: 'sts.yaml',
      content: workload(
        'StatefulSet',
        '        ports: [{containerPort: 8000}]\n        readinessProbe: {httpGet: {path: /health, port: 8000}}\n',
      ),
      findings: [
        { startLine: 9, startColumn: 9, endLine: 9, endColumn: 21, message: "Container 'server' serves ports but has no livenessProbe" },
      ],
    },
    {
      name: 'an OpenKruise Advanced StatefulSet (apps.kruise.io) keeps servers as the apps one does',
      path: 'sts.yaml',
      content: workload('StatefulSet', '        ports: [{containerPort: 8000}]\n').replace('apps/v1', 'apps.kruise.io/v1beta1'),
      findings: [
        {
          startLine: 9,
          startColumn: 9,
          endLine: 9,
          endColumn: 21,
          message: "Container 'server' serves ports but has no readinessProbe or livenessProbe",
        },
      ],
    },
  ],
});
