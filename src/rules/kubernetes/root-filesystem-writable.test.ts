import { describe, expect, it } from 'vitest';
import { applyEdits } from '../../parsers/yaml/yaml-edit.js';
import { runRule, testRule } from '../../testing/rule-tester.js';
import rule from './root-filesystem-writable.js';

const pod = (sc: string) => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: app
    image: app:1.0
${sc}`;

testRule(rule, {
  valid: [
    { path: 'pod.yaml', content: pod('    securityContext:\n      readOnlyRootFilesystem: true\n') },
    { name: 'YAML 1.1 boolean', path: 'pod.yaml', content: pod('    securityContext: {readOnlyRootFilesystem: yes}\n') },
    {
      name: 'ephemeral debug container',
      path: 'pod.yaml',
      content: pod('    securityContext:\n      readOnlyRootFilesystem: true\n  ephemeralContainers:\n  - name: debug\n    image: busybox:1.36\n'),
    },
  ],
  invalid: [
    {
      path: 'pod.yaml',
      content: pod(''),
      findings: [{ startLine: 7, startColumn: 5, endLine: 7, endColumn: 14, message: "Container 'app' does not set readOnlyRootFilesystem: true", severity: 'low' }],
    },
    {
      name: 'explicitly false',
      path: 'pod.yaml',
      content: pod('    securityContext:\n      readOnlyRootFilesystem: false\n'),
      findings: [{ startLine: 10, startColumn: 7, endLine: 10, endColumn: 36, message: "Container 'app' sets readOnlyRootFilesystem: false", objectPath: '/spec/containers/0/securityContext/readOnlyRootFilesystem' }],
    },
    {
      name: 'security context without the field, init container too',
      path: 'pod.yaml',
      content: pod('    securityContext:\n      runAsNonRoot: true\n  initContainers:\n  - name: fetch\n    image: fetch:1.0\n    securityContext: {readOnlyRootFilesystem: true}\n'),
      findings: [{ startLine: 9, startColumn: 5, endLine: 10, endColumn: 25, objectPath: '/spec/containers/0/securityContext' }],
    },
  ],
});

describe('K8S-0104 fix', () => {
  const fixed = (content: string): string => {
    const { findings } = runRule(rule, { path: 'pod.yaml', content });
    const f = findings[0];
    expect(f.fix).toBeDefined();
    const lines = content.split('\n');
    const offset = (line: number, col: number) => lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + col - 1;
    return applyEdits(
      content,
      f.fix!.edits.map((e) => ({ span: { start: offset(e.range.startLine, e.range.startColumn), end: offset(e.range.endLine, e.range.endColumn) }, replacement: e.replacement })),
    );
  };
  it('adds the field with its parent mapping, keeping comments', () => {
    const content = pod('    # serves the API\n    ports: [{containerPort: 8080}]\n');
    const out = fixed(content);
    expect(out).toContain('# serves the API');
    expect(runRule(rule, { path: 'pod.yaml', content: out }).findings).toEqual([]);
  });
  it('turns false into true', () => {
    const out = fixed(pod('    securityContext:\n      readOnlyRootFilesystem: false # for now\n'));
    expect(out).toContain('readOnlyRootFilesystem: true # for now');
  });
});
