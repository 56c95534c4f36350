import { testRule } from '../../testing/rule-tester.js';
import rule from './compose-host-network.js';

testRule(rule, {
  valid: [
    {
      path: 'compose.yaml',
      content: 'services:\n  a:\n    image: x:1\n    network_mode: bridge\n  b:\n    image: x:1\n    network_mode: "service:a"\n',
    },
  ],
  invalid: [
    {
      path: 'compose.yaml',
      content: 'services:\n  ray:\n    image: rayproject/ray:2.37.0\n    network_mode: "host"\n',
      findings: [
        {
          startLine: 4,
          startColumn: 5,
          endLine: 4,
          endColumn: 25,
          message: "Service 'ray' uses the host network namespace",
          severity: 'high',
        },
      ],
    },
  ],
});
