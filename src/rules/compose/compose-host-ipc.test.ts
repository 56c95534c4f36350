import { testRule } from '../../testing/rule-tester.js';
import rule from './compose-host-ipc.js';

testRule(rule, {
  valid: [{ path: 'compose.yaml', content: 'services:\n  a:\n    image: x:1\n    ipc: shareable\n    shm_size: 8gb\n' }],
  invalid: [
    {
      path: 'compose.yaml',
      content: 'services:\n  a:\n    image: x:1\n    ipc: host\n',
      findings: [
        {
          startLine: 4,
          startColumn: 5,
          endLine: 4,
          endColumn: 14,
          message: "Service 'a' shares the host IPC namespace",
          severity: 'medium',
        },
      ],
    },
  ],
});
