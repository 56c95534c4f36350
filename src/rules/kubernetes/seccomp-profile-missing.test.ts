import { describe, expect, it } from 'vitest';
import { testRule } from '../../testing/rule-tester.js';
import { fixAll, parseAll } from './lib/pss-testing.js';
import rule from './seccomp-profile-missing.js';

const pod = (spec: string, sc: string, init = '') => `apiVersion: v1
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

const rd = '    securityContext:\n      seccompProfile:\n        type: RuntimeDefault\n';

testRule(rule, {
  valid: [
    { name: 'pod level', path: 'pod.yaml', content: pod('  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n', '') },
    {
      name: 'every container',
      path: 'pod.yaml',
      content: pod('', rd, '    securityContext:\n      seccompProfile: {type: Localhost, localhostProfile: p.json}\n'),
    },
    { name: 'Windows pods are exempt', path: 'pod.yaml', content: pod('  os:\n    name: windows\n', '') },
    {
      name: 'an unconfined pod profile is K8S-0010, not reported twice',
      path: 'pod.yaml',
      content: pod('  securityContext:\n    seccompProfile:\n      type: Unconfined\n', ''),
    },
  ],
  invalid: [
    {
      name: 'nothing set',
      path: 'pod.yaml',
      content: pod('', '', '    securityContext:\n      runAsNonRoot: true\n'),
      findings: [
        {
          startLine: 7,
          startColumn: 5,
          endLine: 8,
          endColumn: 19,
          message:
            "Container 'app' has no seccomp profile: set securityContext.seccompProfile.type to RuntimeDefault or Localhost on the pod or the container",
          objectPath: '/spec/containers/0',
          evidence: 'seccompProfile not set',
        },
        { startLine: 12, startColumn: 5, endLine: 13, endColumn: 25, objectPath: '/spec/initContainers/0/securityContext' },
      ],
    },
    {
      name: 'one container opted in, the other did not',
      path: 'pod.yaml',
      content: pod('  os:\n    name: linux\n', rd),
      findings: [{ startLine: 15, startColumn: 5, endLine: 16, endColumn: 19, message: /^Init container 'init' has no seccomp profile/ }],
    },
  ],
});

describe('K8S-0017 fix', () => {
  it('sets a RuntimeDefault profile on the pod, once', () => {
    const fixed = fixAll(rule, pod('  securityContext:\n    runAsNonRoot: true\n', ''));
    expect(fixed).toBe(pod('  securityContext:\n    runAsNonRoot: true\n    seccompProfile:\n      type: RuntimeDefault\n', ''));
  });

  it('fixes each pod of a List in place', () => {
    const content = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: a}
  spec:
    containers:
    - {name: a, image: a:1}
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: b}
  spec:
    template:
      spec:
        securityContext: {runAsNonRoot: true}
        containers:
        - {name: b, image: b:1}
`;
    const fixed = fixAll(rule, content, 'list.yaml');
    const items = (
      parseAll(fixed)[0] as { items: Array<{ spec: { securityContext?: unknown; template?: { spec: { securityContext: unknown } } } }> }
    ).items;
    expect(items[0].spec.securityContext).toEqual({ seccompProfile: { type: 'RuntimeDefault' } });
    expect(items[1].spec.template?.spec.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  });

  it('adds a pod securityContext when there is none', () => {
    const fixed = fixAll(rule, pod('', ''));
    expect((parseAll(fixed)[0] as { spec: { securityContext: unknown } }).spec.securityContext).toEqual({
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });
});
