import { describe, expect, it } from 'vitest';
import { runRule, testRule } from '../../testing/rule-tester.js';
import { fixAll, parseAll } from './lib/pss-testing.js';
import rule from './privilege-escalation-allowed.js';

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

const ok = '    securityContext:\n      allowPrivilegeEscalation: false\n';

testRule(rule, {
  valid: [
    { path: 'pod.yaml', content: pod(ok, ok) },
    { name: 'Windows pods are exempt', path: 'pod.yaml', content: pod('', '', '  os:\n    name: windows\n') },
  ],
  invalid: [
    {
      name: 'explicit true, and unset in an init container without securityContext',
      path: 'pod.yaml',
      content: pod('    securityContext:\n      allowPrivilegeEscalation: true\n', ''),
      findings: [
        {
          startLine: 10,
          startColumn: 7,
          endLine: 10,
          endColumn: 37,
          message: "Container 'app' allows privilege escalation (allowPrivilegeEscalation: true)",
          objectPath: '/spec/containers/0/securityContext/allowPrivilegeEscalation',
        },
        {
          startLine: 12,
          startColumn: 5,
          endLine: 13,
          endColumn: 19,
          message: "Init container 'init' does not set securityContext.allowPrivilegeEscalation: false",
          objectPath: '/spec/initContainers/0',
          evidence: 'allowPrivilegeEscalation not set',
        },
      ],
    },
    {
      name: 'unset: points at the securityContext',
      path: 'pod.yaml',
      content: pod('    securityContext:\n      runAsNonRoot: true\n', ok, '  os:\n    name: linux\n'),
      findings: [{ startLine: 11, startColumn: 5, endLine: 12, endColumn: 25, objectPath: '/spec/containers/0/securityContext' }],
    },
    {
      name: 'ephemeral containers too',
      path: 'pod.yaml',
      content: `${pod(ok, ok)}  ephemeralContainers:\n  - name: debug\n    image: busybox:1.36\n    securityContext: {}\n`,
      findings: [
        {
          startLine: 19,
          startColumn: 5,
          endLine: 19,
          endColumn: 24,
          message: "Ephemeral container 'debug' does not set securityContext.allowPrivilegeEscalation: false",
        },
      ],
    },
  ],
});

describe('K8S-0014 fix', () => {
  it('sets allowPrivilegeEscalation: false, inserting or replacing, keeping the rest', () => {
    const content = pod('    securityContext:\n      allowPrivilegeEscalation: true # why?\n', '', '  # the pod\n');
    const fixed = fixAll(rule, content);
    expect(fixed).toBe(
      pod(
        '    securityContext:\n      allowPrivilegeEscalation: false # why?\n',
        '    securityContext:\n      allowPrivilegeEscalation: false\n',
        '  # the pod\n',
      ),
    );
  });

  it('fills a flow securityContext and a Deployment template', () => {
    const content = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers:
      - name: app
        image: app:1.0
        securityContext: {runAsNonRoot: true}
`;
    const fixed = fixAll(rule, content);
    expect(fixed).toContain('securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false}');
    const obj = parseAll(fixed)[0] as { spec: { template: { spec: { containers: Array<{ securityContext: unknown }> } } } };
    expect(obj.spec.template.spec.containers[0].securityContext).toEqual({ runAsNonRoot: true, allowPrivilegeEscalation: false });
  });

  it('keeps JSON manifests JSON', () => {
    const content = JSON.stringify(
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p' },
        spec: {
          containers: [
            { name: 'a', image: 'a:1', securityContext: {} },
            { name: 'b', image: 'b:1' },
          ],
        },
      },
      null,
      2,
    );
    const fixed = fixAll(rule, content, 'pod.json');
    const spec = (JSON.parse(fixed) as { spec: { containers: Array<{ securityContext?: unknown }> } }).spec;
    expect(spec.containers.map((c) => c.securityContext)).toEqual([
      { allowPrivilegeEscalation: false },
      { allowPrivilegeEscalation: false },
    ]);
  });

  it('describes the fix on the finding', () => {
    const { findings } = runRule(rule, { path: 'pod.yaml', content: pod('', ok) });
    expect(findings[0].fix?.description).toBe('Set securityContext.allowPrivilegeEscalation: false');
    expect(findings[0].fix?.edits[0].range).toEqual({ startLine: 9, startColumn: 1, endLine: 9, endColumn: 1 });
    expect(findings[0].fix?.edits[0].replacement).toBe('    securityContext:\n      allowPrivilegeEscalation: false\n');
  });
});
