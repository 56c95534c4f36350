import { describe, expect, it } from 'vitest';
import { testRule } from '../../testing/rule-tester.js';
import rule, { worldWritable } from './dockerfile-world-writable-permissions.js';

testRule(rule, {
  valid: [
    {
      path: 'Dockerfile',
      content:
        'FROM alpine:3.20\nRUN chmod 755 /app && chmod 1777 /scratch && chmod +x /entry.sh && chmod o-w /data\nCOPY --chmod=644 a /a\n',
    },
  ],
  invalid: [
    {
      path: 'Dockerfile',
      content: 'FROM alpine:3.20\nRUN mkdir /models && chmod -R 777 /models\nCOPY --chmod=0666 cfg /cfg\nRUN chmod a+rwx /x\n',
      findings: [
        { startLine: 2, startColumn: 22, endLine: 2, endColumn: 42, message: 'chmod 777 makes files writable by every user' },
        { startLine: 3, startColumn: 6, endLine: 3, endColumn: 18, message: 'COPY --chmod=0666 makes files writable by every user' },
        { startLine: 4, startColumn: 5, endLine: 4, endColumn: 19 },
      ],
    },
  ],
});

describe('worldWritable', () => {
  it('reads octal and symbolic modes', () => {
    expect(['777', '0777', '666', '772', 'o+w', 'a=rwx', 'u+x,o+w'].map(worldWritable)).toEqual([true, true, true, true, true, true, true]);
    expect(['755', '1777', '644', '+x', 'u+w', 'o-w', 'go=rx'].map(worldWritable)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
