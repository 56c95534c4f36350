import { testRule } from '../../testing/rule-tester.js';
import rule from './helm-values-insecure-setting.js';

// Shaped like the values of the Ollama and Open WebUI charts.
const OLLAMA_VALUES = `image:
  repository: ollama/ollama
  tag: 0.3.12
podSecurityContext:
  runAsNonRoot: false
securityContext:
  privileged: true
  allowPrivilegeEscalation: true
  runAsUser: 0
  capabilities:
    add: [NET_BIND_SERVICE, SYS_ADMIN]
  seccompProfile:
    type: Unconfined
hostNetwork: true
service:
  type: LoadBalancer
  port: 11434
`;

testRule(rule, {
  valid: [
    {
      name: 'safe values',
      path: 'charts/ollama/values.yaml',
      content:
        'securityContext:\n  privileged: false\n  allowPrivilegeEscalation: false\n  runAsNonRoot: true\n  runAsUser: 1000\n  capabilities:\n    add: [NET_BIND_SERVICE]\n  seccompProfile:\n    type: RuntimeDefault\nhostNetwork: false\nservice:\n  type: ClusterIP\n',
    },
    { name: 'not a values file', path: 'charts/ollama/settings.yaml', content: 'securityContext:\n  privileged: true\n' },
    {
      name: 'a type that is no Service type',
      path: 'values.yaml',
      content: 'persistence:\n  type: LoadBalancer\nstrategy:\n  type: NodePort\n',
    },
    {
      name: 'a Kubernetes object named values.yaml is an object',
      path: 'values.yaml',
      content: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: privileged\ndata:\n  privileged: "true"\n',
    },
  ],
  invalid: [
    {
      name: 'every explicit setting at its line',
      path: 'charts/ollama/values.yaml',
      content: OLLAMA_VALUES,
      findings: [
        {
          startLine: 5,
          startColumn: 3,
          endLine: 5,
          endColumn: 22,
          message: 'Chart values allow running as root (runAsNonRoot: false): podSecurityContext.runAsNonRoot: false',
          severity: 'medium',
        },
        {
          startLine: 7,
          startColumn: 3,
          endLine: 7,
          endColumn: 19,
          message: 'Chart values run containers privileged: securityContext.privileged: true',
          severity: 'critical',
          objectPath: '/securityContext/privileged',
        },
        { startLine: 8, startColumn: 3, endLine: 8, endColumn: 33, message: /allow privilege escalation/, severity: 'medium' },
        { startLine: 9, startColumn: 3, endLine: 9, endColumn: 15, message: /run as root \(runAsUser: 0\)/, severity: 'medium' },
        {
          startLine: 11,
          startColumn: 29,
          endLine: 11,
          endColumn: 38,
          message: 'Chart values add the SYS_ADMIN capability: securityContext.capabilities.add',
          severity: 'high',
        },
        { startLine: 13, startColumn: 5, endLine: 13, endColumn: 21, message: /turn seccomp off/, severity: 'medium' },
        { startLine: 14, startColumn: 1, endLine: 14, endColumn: 18, message: /host's network/, severity: 'high' },
        {
          startLine: 16,
          startColumn: 3,
          endLine: 16,
          endColumn: 21,
          message: 'Chart values expose a Service outside the cluster: service.type: LoadBalancer',
          severity: 'medium',
        },
      ],
    },
    {
      name: 'nested component values and a values-<env> file',
      path: 'deploy/values-prod.yaml',
      content: 'vllm:\n  containerSecurityContext:\n    privileged: yes\n  headService:\n    type: NodePort\n',
      findings: [
        {
          startLine: 3,
          startColumn: 5,
          endLine: 3,
          endColumn: 20,
          message: 'Chart values run containers privileged: vllm.containerSecurityContext.privileged: true',
        },
        { startLine: 5, startColumn: 5, endLine: 5, endColumn: 19, message: /expose a Service/ },
      ],
    },
  ],
});
