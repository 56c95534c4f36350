import { testRule } from '../../testing/rule-tester.js';
import rule from './compose-root-user.js';

testRule(rule, {
  valid: [
    { path: 'compose.yaml', content: 'services:\n  a:\n    image: x:1\n    user: "1000:100"\n  b:\n    image: x:1\n    user: rootless\n' },
  ],
  invalid: [
    {
      path: 'compose.yaml',
      content:
        'services:\n  a:\n    image: x:1\n    user: root\n  b:\n    image: x:1\n    user: "0:0"\n  c:\n    image: x:1\n    user: 0\n',
      findings: [
        { startLine: 4, startColumn: 5, endLine: 4, endColumn: 15, message: "Service 'a' runs as root (user: root)" },
        { startLine: 7, startColumn: 5, endLine: 7, endColumn: 16 },
        { startLine: 10, startColumn: 5, endLine: 10, endColumn: 12 },
      ],
    },
  ],
});
