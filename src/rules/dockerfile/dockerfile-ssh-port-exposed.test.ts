import { describe, expect, it } from 'vitest';
import { runRule, testRule } from '../../testing/rule-tester.js';
import rule from './dockerfile-ssh-port-exposed.js';

testRule(rule, {
  valid: [
    { path: 'Dockerfile', content: 'FROM ubuntu:24.04\nEXPOSE 8888 2222 22/udp 220\n' },
    {
      name: 'EXPOSE 22 in the body of a here-document opened with a descriptor (0<<EOF)',
      path: 'Dockerfile',
      content: 'FROM ubuntu:24.04\nRUN cat 0<<EOF > /etc/motd\nEXPOSE 22 is closed here\nEOF\n',
    },
  ],
  invalid: [
    {
      path: 'Dockerfile',
      content: 'FROM ubuntu:24.04\nEXPOSE 8888 22/tcp\nEXPOSE 20-30\n',
      findings: [
        { startLine: 2, startColumn: 13, endLine: 2, endColumn: 19, message: 'EXPOSE 22/tcp publishes the SSH port' },
        { startLine: 3, startColumn: 8, endLine: 3, endColumn: 13 },
      ],
    },
    {
      name: 'after a RUN whose << is inside quotes (no here-document)',
      path: 'Dockerfile',
      content: 'FROM ubuntu\nRUN echo "use <<EOF to start a heredoc"\nUSER root\nEXPOSE 22\nRUN curl https://x | sh\n',
      findings: [{ startLine: 4, startColumn: 8, endLine: 4, endColumn: 10 }],
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
