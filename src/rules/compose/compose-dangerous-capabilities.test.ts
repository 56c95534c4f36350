import { testRule } from '../../testing/rule-tester.js';
import rule from './compose-dangerous-capabilities.js';

testRule(rule, {
  valid: [
    { path: 'compose.yaml', content: 'services:\n  a:\n    image: x:1\n    cap_drop: [ALL]\n    cap_add:\n      - NET_BIND_SERVICE\n' },
  ],
  invalid: [
    {
      path: 'compose.yaml',
      content:
        'services:\n  a:\n    image: x:1\n    cap_add:\n      - NET_ADMIN\n      - CAP_SYS_ADMIN\n  b:\n    image: y:1\n    cap_add: [ALL]\n',
      findings: [
        {
          startLine: 6,
          startColumn: 9,
          endLine: 6,
          endColumn: 22,
          message: "Service 'a' adds capability CAP_SYS_ADMIN",
          objectPath: '/services/a/cap_add/1',
        },
        { startLine: 9, startColumn: 15, endLine: 9, endColumn: 18, message: "Service 'b' adds capability ALL" },
      ],
    },
  ],
});
