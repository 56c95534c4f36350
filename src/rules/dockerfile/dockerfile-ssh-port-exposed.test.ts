import { describe, expect, it } from 'vitest';
import { runRule, testRule } from '../../testing/rule-tester.js';
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

describe('inline suppression in a Dockerfile', () => {
  it('suppresses the finding on the next line with a reason', () => {
    const { findings } = runRule(rule, {
      path: 'Dockerfile',
      content: 'FROM ubuntu:24.04\n# sanctum:ignore DF-0009 reason="MPI launcher needs sshd" expires=2027-01-31\nEXPOSE 22\n',
    });
    expect(findings.map((f) => [f.status, f.suppression?.reason])).toEqual([['suppressed', 'MPI launcher needs sshd']]);
  });
});
