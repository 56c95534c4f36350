import { testRule } from '../../testing/rule-tester.js';
import rule from './compose-gpu-all-devices.js';

const gpu = (count: string) =>
  `services:\n  t:\n    image: x:1\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - driver: nvidia\n              count: ${count}\n              capabilities: [gpu]\n`;

testRule(rule, {
  valid: [
    { path: 'compose.yaml', content: gpu('1') },
    {
      name: 'device ids',
      path: 'compose.yaml',
      content: 'services:\n  t:\n    image: x:1\n    gpus:\n      - driver: nvidia\n        device_ids: ["0"]\n',
    },
  ],
  invalid: [
    {
      path: 'compose.yaml',
      content: gpu('all'),
      findings: [
        {
          startLine: 9,
          startColumn: 15,
          endLine: 9,
          endColumn: 25,
          severity: 'low',
          message: "Service 't' reserves every GPU of the host (count: all)",
        },
      ],
    },
    {
      name: 'gpus: all',
      path: 'compose.yaml',
      content: 'services:\n  t:\n    image: x:1\n    gpus: all\n',
      findings: [{ startLine: 4, startColumn: 5, endLine: 4, endColumn: 14 }],
    },
  ],
});
