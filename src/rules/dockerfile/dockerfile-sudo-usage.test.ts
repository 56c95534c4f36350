import { testRule } from '../../testing/rule-tester.js';
import rule from './dockerfile-sudo-usage.js';

testRule(rule, {
  valid: [{ path: 'Dockerfile', content: 'FROM ubuntu:24.04\nRUN apt-get install -y sudo-ldap-docs && echo sudo\nUSER app\n' }],
  invalid: [
    {
      path: 'Dockerfile',
      content: 'FROM ubuntu:24.04\nUSER app\nRUN mkdir -p /x && /usr/bin/sudo chown app /x\n',
      findings: [
        { startLine: 3, startColumn: 20, endLine: 3, endColumn: 33, message: '/usr/bin/sudo runs a command as root inside the image' },
      ],
    },
  ],
});
