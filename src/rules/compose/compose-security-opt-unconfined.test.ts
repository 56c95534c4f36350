import { testRule } from '../../testing/rule-tester.js';
import rule from './compose-security-opt-unconfined.js';

testRule(rule, {
  valid: [
    {
      path: 'compose.yaml',
      content:
        'services:\n  a:\n    image: x:1\n    security_opt:\n      - no-new-privileges:true\n      - seccomp=./profile.json\n      - apparmor=docker-default\n',
    },
  ],
  invalid: [
    {
      path: 'compose.yaml',
      content:
        'services:\n  a:\n    image: x:1\n    security_opt:\n      - seccomp:unconfined\n      - "apparmor=unconfined"\n      - no-new-privileges:true\n  b:\n    image: x:1\n    security_opt: [seccomp=unconfined, apparmor:unconfined, label:disable]\n',
      findings: [
        { startLine: 5, startColumn: 9, endLine: 5, endColumn: 27, message: "Service 'a' disables seccomp with 'seccomp:unconfined'" },
        { startLine: 6, startColumn: 9, endLine: 6, endColumn: 30, message: "Service 'a' disables AppArmor with 'apparmor=unconfined'" },
        { startLine: 10, startColumn: 20, endLine: 10, endColumn: 38, message: "Service 'b' disables seccomp with 'seccomp=unconfined'" },
        { startLine: 10, startColumn: 40, endLine: 10, endColumn: 59, message: "Service 'b' disables AppArmor with 'apparmor:unconfined'" },
        {
          startLine: 10,
          startColumn: 61,
          endLine: 10,
          endColumn: 74,
          message: "Service 'b' disables SELinux labelling with 'label:disable'",
        },
      ],
    },
  ],
});
