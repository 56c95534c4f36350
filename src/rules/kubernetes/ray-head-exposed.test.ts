import { testRule } from '../../testing/rule-tester.js';
import rule from './ray-head-exposed.js';

const cluster = (head: string, env = '') => `apiVersion: ray.io/v1
kind: RayCluster
metadata:
  name: rc
spec:
  headGroupSpec:
${head}    template:
      spec:
        containers:
        - name: ray-head
          image: rayproject/ray:2.9.0
${env}`;

testRule(rule, {
  valid: [
    { name: 'ClusterIP head service', path: 'r.yaml', content: cluster('    serviceType: ClusterIP\n') },
    { name: 'default head service', path: 'r.yaml', content: cluster('') },
    { name: 'ingress disabled', path: 'r.yaml', content: cluster('    enableIngress: false\n') },
    {
      name: 'not a KubeRay object',
      path: 'r.yaml',
      content: cluster('    serviceType: LoadBalancer\n').replace('ray.io/v1', 'example.com/v1'),
    },
    {
      name: 'a ray.io kind named like an Object property is not a KubeRay head',
      path: 'r.yaml',
      content: cluster('    serviceType: LoadBalancer\n').replace('kind: RayCluster', 'kind: constructor'),
    },
  ],
  invalid: [
    {
      name: 'LoadBalancer head service',
      path: 'r.yaml',
      content: cluster('    serviceType: LoadBalancer\n'),
      findings: [
        {
          startLine: 7,
          startColumn: 5,
          endLine: 7,
          endColumn: 30,
          severity: 'critical',
          objectPath: '/spec/headGroupSpec/serviceType',
          message:
            "RayCluster 'rc' has KubeRay create a LoadBalancer Service for the Ray head: dashboard, Jobs API and client without authentication",
        },
      ],
    },
    {
      name: 'NodePort through headService, and an Ingress',
      path: 'r.yaml',
      content: cluster('    enableIngress: true\n    headService:\n      spec: {type: NodePort}\n'),
      findings: [
        { startLine: 9, startColumn: 14, endLine: 9, endColumn: 28, severity: 'high', message: /create a NodePort Service/ },
        {
          startLine: 7,
          startColumn: 5,
          endLine: 7,
          endColumn: 24,
          severity: 'critical',
          message: /create an Ingress \(no TLS, no authentication\)/,
        },
      ],
    },
    {
      name: 'token authentication lowers the severity',
      path: 'r.yaml',
      content: cluster('    serviceType: LoadBalancer\n', '          env: [{name: RAY_AUTH_MODE, value: token}]\n'),
      findings: [
        { startLine: 7, startColumn: 5, endLine: 7, endColumn: 30, severity: 'medium', message: /protected by token authentication$/ },
      ],
    },
    {
      name: 'KubeRay authOptions token mode lowers the severity',
      path: 'r.yaml',
      content: cluster('    serviceType: NodePort\n').replace(
        'spec:\n  headGroupSpec:',
        'spec:\n  authOptions: {mode: token}\n  headGroupSpec:',
      ),
      findings: [{ startLine: 8, startColumn: 5, endLine: 8, endColumn: 26, severity: 'low' }],
    },
    {
      name: 'RayService',
      path: 'r.yaml',
      content:
        'apiVersion: ray.io/v1\nkind: RayService\nmetadata:\n  name: serve\nspec:\n  rayClusterConfig:\n    headGroupSpec:\n      serviceType: LoadBalancer\n',
      findings: [
        { startLine: 8, startColumn: 7, endLine: 8, endColumn: 32, objectPath: '/spec/rayClusterConfig/headGroupSpec/serviceType' },
      ],
    },
  ],
});
