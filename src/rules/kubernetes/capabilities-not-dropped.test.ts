import { describe, expect, it } from 'vitest';
import { testRule } from '../../testing/rule-tester.js';
import { fixAll } from './lib/pss-testing.js';
import rule from './capabilities-not-dropped.js';

const pod = (sc: string, init = '', spec = '') => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
${spec}  containers:
  - name: app
    image: app:1.0
${sc}  initContainers:
  - name: init
    image: app:1.0
${init}`;

const dropAll = '    securityContext:\n      capabilities:\n        drop: [ALL]\n';

testRule(rule, {
  valid: [
    {
      path: 'pod.yaml',
      content: pod(
        dropAll,
        '    securityContext:\n      capabilities:\n        drop:\n        - ALL\n        add:\n        - NET_BIND_SERVICE\n',
      ),
    },
    { name: 'Windows pods are exempt', path: 'pod.yaml', content: pod('', '', '  os:\n    name: windows\n') },
    {
      name: 'non-baseline additions are K8S-0004, not reported twice',
      path: 'pod.yaml',
      content: pod(dropAll, '    securityContext:\n      capabilities:\n        drop: [ALL]\n        add: [SYS_ADMIN]\n'),
    },
  ],
  invalid: [
    {
      name: 'missing drop, at the nearest existing parent',
      path: 'pod.yaml',
      content: pod('    securityContext:\n      capabilities: {}\n', ''),
      findings: [
        {
          startLine: 10,
          startColumn: 7,
          endLine: 10,
          endColumn: 23,
          message: "Container 'app' does not drop ALL capabilities (securityContext.capabilities.drop)",
          objectPath: '/spec/containers/0/securityContext/capabilities',
          evidence: 'capabilities.drop not set',
        },
        { startLine: 12, startColumn: 5, endLine: 13, endColumn: 19, objectPath: '/spec/initContainers/0' },
      ],
    },
    {
      name: 'dropping each capability by name is not ALL; lower-case all is not ALL',
      path: 'pod.yaml',
      content: pod(
        '    securityContext:\n      capabilities:\n        drop: [NET_RAW, SYS_ADMIN]\n',
        '    securityContext:\n      capabilities:\n        drop: [all]\n',
      ),
      findings: [
        {
          startLine: 11,
          startColumn: 9,
          endLine: 11,
          endColumn: 35,
          objectPath: '/spec/containers/0/securityContext/capabilities/drop',
          evidence: 'drop: [NET_RAW, SYS_ADMIN]',
        },
        { startLine: 17, startColumn: 9, endLine: 17, endColumn: 20 },
      ],
    },
    {
      name: 'baseline capabilities other than NET_BIND_SERVICE',
      path: 'pod.yaml',
      content: pod(
        '    securityContext:\n      capabilities:\n        drop: [ALL]\n        add: [NET_BIND_SERVICE, CHOWN, SETUID]\n',
        dropAll,
      ),
      findings: [
        {
          startLine: 12,
          startColumn: 9,
          endLine: 12,
          endColumn: 47,
          message: "Container 'app' adds CHOWN, SETUID: the restricted level allows adding only NET_BIND_SERVICE",
          objectPath: '/spec/containers/0/securityContext/capabilities/add',
        },
      ],
    },
  ],
});

describe('K8S-0018 fix', () => {
  it('adds ALL to an existing drop list, block or flow, or creates it', () => {
    const content = pod(
      '    securityContext:\n      capabilities:\n        drop:\n        - NET_RAW # raw sockets\n',
      '    securityContext:\n      capabilities: {drop: []}\n',
    );
    expect(fixAll(rule, content)).toBe(
      pod(
        '    securityContext:\n      capabilities:\n        drop:\n        - NET_RAW # raw sockets\n        - ALL\n',
        '    securityContext:\n      capabilities: {drop: [ALL]}\n',
      ),
    );
    expect(fixAll(rule, pod('', ''))).toBe(
      pod(
        '    securityContext:\n      capabilities:\n        drop: [ALL]\n',
        '    securityContext:\n      capabilities:\n        drop: [ALL]\n',
      ),
    );
  });
});
