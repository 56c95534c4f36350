import { testRule } from '../../testing/rule-tester.js';
import rule from './compose-privileged.js';

testRule(rule, {
  valid: [
    { path: 'compose.yaml', content: 'services:\n  a:\n    image: x:1\n    privileged: false\n  b:\n    image: y:1\n' },
    {
      name: 'not a compose file: a Kubernetes object',
      path: 'compose.yaml',
      content: 'apiVersion: v1\nkind: ConfigMap\ndata:\n  privileged: "true"\n',
    },
  ],
  invalid: [
    {
      path: 'docker-compose.yml',
      content: 'services:\n  vllm:\n    image: vllm/vllm-openai:v0.6.3\n    privileged: true # GPU access\n',
      findings: [
        {
          startLine: 4,
          startColumn: 5,
          endLine: 4,
          endColumn: 21,
          message: "Service 'vllm' runs privileged",
          objectPath: '/services/vllm/privileged',
          severity: 'critical',
        },
      ],
    },
    {
      name: 'flow mapping and anchors',
      path: 'compose.yaml',
      content: 'x-gpu: &gpu\n  privileged: true\nservices:\n  a: {image: x:1, privileged: true}\n  b:\n    <<: *gpu\n    image: y:1\n',
      findings: [
        { startLine: 4, startColumn: 19, endLine: 4, endColumn: 35, objectPath: '/services/a/privileged' },
        { startLine: 6, startColumn: 5, endLine: 6, endColumn: 13, objectPath: '/services/b/privileged' },
      ],
    },
  ],
});
