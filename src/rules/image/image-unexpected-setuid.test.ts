import { testRule } from '../../testing/rule-tester.js';
import { imageFactsJson } from './lib/examples.js';
import rule from './image-unexpected-setuid.js';

const none = { startLine: undefined, startColumn: undefined, endLine: undefined, endColumn: undefined };

testRule(rule, {
  valid: [
    {
      path: 'image-facts.json',
      content: imageFactsJson([
        { kind: 'setuid', path: '/usr/bin/su', mode: '4755', layer: 0 },
        { kind: 'setgid', path: '/usr/bin/chage', mode: '2755', layer: 0 },
        { kind: 'world-writable-dir', path: '/tmp/x', mode: '777', layer: 0 },
      ]),
    },
  ],
  invalid: [
    {
      path: 'image-facts.json',
      content: imageFactsJson([
        { kind: 'setuid', path: '/tmp/passwd', mode: '4755', layer: 0 },
        { kind: 'setgid', path: '/usr/bin/bash', mode: '2755', layer: 0 },
      ]),
      findings: [
        { ...none, path: '/tmp/passwd', message: '/tmp/passwd is SUID (mode 4755), outside the set base images ship' },
        { ...none, path: '/usr/bin/bash', message: '/usr/bin/bash is SGID (mode 2755), outside the set base images ship' },
      ],
    },
  ],
});
