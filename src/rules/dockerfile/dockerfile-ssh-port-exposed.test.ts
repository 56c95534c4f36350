import { testRule } from '../../testing/rule-tester.js';
import rule from './dockerfile-ssh-port-exposed.js';

testRule(rule, {
  valid: [{ path: 'Dockerfile', content: 'FROM ubuntu:24.04\nEXPOSE 8888 2222 22/udp 220\n' }],
  invalid: [
    {
      path: 'Dockerfile',
      content: 'FROM ubuntu:24.04\nEXPOSE 8888 22/tcp\nEXPOSE 20-30\n',
      findings: [
        { startLine: 2, startColumn: 13, endLine: 2, endColumn: 19, message: 'EXPOSE 22/tcp publishes the SSH port' },
        { startLine: 3, startColumn: 8, endLine: 3, endColumn: 13 },
      ],
    },
  ],
});
