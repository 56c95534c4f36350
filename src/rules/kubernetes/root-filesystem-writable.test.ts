import { describe, expect, it } from 'vitest';
import { applyFixes } from '../../core/apply-fixes.js';
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
      content: pod(
        '    securityContext:\n      readOnlyRootFilesystem: true\n  ephemeralContainers:\n  - name: debug\n    image: busybox:1.36\n',
      ),
    },
    {
      name: 'KServe model component: the runtime may set it',
      path: 'isvc.yaml',
      content: `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: llama
spec:
  predictor:
    model:
      modelFormat: {name: huggingface}
      storageUri: hf://meta-llama/Llama-3.1-8B-Instruct:0e9e39f249a16976918f6564b8830bc894c89659
`,
    },
  ],
  invalid: [
    {
      path: 'pod.yaml',
      content: pod(''),
      findings: [
        {
          startLine: 7,
          startColumn: 5,
          endLine: 7,
          endColumn: 14,
          message: "Container 'app' does not set readOnlyRootFilesystem: true",
          severity: 'low',
        },
      ],
    },
    {
      name: 'explicitly false',
      path: 'pod.yaml',
      content: pod('    securityContext:\n      readOnlyRootFilesystem: false\n'),
      findings: [
        {
          startLine: 10,
          startColumn: 7,
          endLine: 10,
          endColumn: 36,
          message: "Container 'app' sets readOnlyRootFilesystem: false",
          objectPath: '/spec/containers/0/securityContext/readOnlyRootFilesystem',
        },
      ],
    },
    {
      name: 'security context without the field, init container too',
      path: 'pod.yaml',
      content: pod(
        '    securityContext:\n      runAsNonRoot: true\n  initContainers:\n  - name: fetch\n    image: fetch:1.0\n    securityContext: {readOnlyRootFilesystem: true}\n',
      ),
      findings: [{ startLine: 9, startColumn: 5, endLine: 10, endColumn: 25, objectPath: '/spec/containers/0/securityContext' }],
    },
  ],
});

describe('K8S-0104 fix', () => {
  const fixed = (content: string): string => {
    const { findings } = runRule(rule, { path: 'pod.yaml', content });
    expect(findings.every((f) => f.fix)).toBe(true);
    const out = applyFixes(
      content,
      findings.map((f) => ({ tag: f.ruleId, edits: f.fix!.edits })),
    );
    expect(out.skipped).toEqual([]);
    return out.text;
  };
  it('adds the field with its parent mapping, keeping comments', () => {
    const content = pod('    # serves the API\n    ports: [{containerPort: 8080}]\n');
    const out = fixed(content);
    expect(out).toContain('# serves the API');
    expect(out).toContain('    securityContext:\n      readOnlyRootFilesystem: true\n');
    expect(runRule(rule, { path: 'pod.yaml', content: out }).findings).toEqual([]);
  });
  it('turns false into true', () => {
    expect(fixed(pod('    securityContext:\n      readOnlyRootFilesystem: false # for now\n'))).toContain(
      'readOnlyRootFilesystem: true # for now',
    );
  });
  it('fixes every container of a pod at once', () => {
    const out = fixed(pod('  initContainers:\n  - name: fetch\n    image: fetch:1.0\n    securityContext: {runAsNonRoot: true}\n'));
    expect(out).toContain('{runAsNonRoot: true, readOnlyRootFilesystem: true}');
    expect(runRule(rule, { path: 'pod.yaml', content: out }).findings).toEqual([]);
  });
});
