import { testRule } from '../../testing/rule-tester.js';
import rule from './compose-host-pid.js';

testRule(rule, {
  valid: [{ path: 'compose.yaml', content: 'services:\n  a:\n    image: x:1\n    pid: "service:b"\n' }],
  invalid: [
    {
      path: 'compose.yaml',
      content: 'services:\n  a:\n    image: x:1\n    pid: host\n',
      findings: [{ startLine: 4, startColumn: 5, endLine: 4, endColumn: 14, message: "Service 'a' shares the host PID namespace" }],
    },
  ],
});
