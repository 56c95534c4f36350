import { describe, expect, it } from 'vitest';
import { applyFixes } from '../../core/apply-fixes.js';
import { runRule, testRule } from '../../testing/rule-tester.js';
import rule from './gpu-request-limit-mismatch.js';

const pod = (resources: string) => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: train
    image: nvcr.io/nvidia/pytorch:24.10-py3
    resources:
${resources}`;

testRule(rule, {
  valid: [
    { path: 'pod.yaml', content: pod('      limits:\n        nvidia.com/gpu: 2\n') },
    {
      name: 'equal, as number and string',
      path: 'pod.yaml',
      content: pod('      requests:\n        nvidia.com/gpu: "2"\n      limits:\n        nvidia.com/gpu: 2\n'),
    },
    { name: 'CPU may differ', path: 'pod.yaml', content: pod('      requests: {cpu: "1"}\n      limits: {cpu: "2"}\n') },
  ],
  invalid: [
    {
      path: 'pod.yaml',
      content: pod('      requests:\n        nvidia.com/gpu: 1\n      limits:\n        nvidia.com/gpu: 2\n'),
      findings: [
        {
          startLine: 11,
          startColumn: 9,
          endLine: 11,
          endColumn: 26,
          message: "Container 'train' requests 1 nvidia.com/gpu but limits it to 2; extended resources cannot be overcommitted",
          objectPath: '/spec/containers/0/resources/requests/nvidia.com~1gpu',
          severity: 'low',
        },
      ],
    },
    {
      name: 'request without a limit',
      path: 'pod.yaml',
      content: pod('      requests:\n        nvidia.com/mig-3g.40gb: 1\n'),
      findings: [
        {
          startLine: 11,
          startColumn: 9,
          endLine: 11,
          endColumn: 34,
          message: "Container 'train' requests 1 nvidia.com/mig-3g.40gb without a limit; extended resources need limits equal to requests",
        },
      ],
    },
  ],
});

describe('K8S-0123 fix', () => {
  const fixed = (content: string): string => {
    const { findings } = runRule(rule, { path: 'pod.yaml', content });
    return applyFixes(
      content,
      findings.map((f) => ({ tag: f.ruleId, edits: f.fix!.edits })),
    ).text;
  };
  it('sets the request to the limit', () => {
    const out = fixed(pod('      requests:\n        nvidia.com/gpu: 1 # one is enough\n      limits:\n        nvidia.com/gpu: 2\n'));
    expect(out).toContain('        nvidia.com/gpu: 2 # one is enough\n');
    expect(runRule(rule, { path: 'pod.yaml', content: out }).findings).toEqual([]);
  });
  it('adds the missing limit', () => {
    const out = fixed(pod('      requests:\n        nvidia.com/gpu: "1"\n        memory: 8Gi\n'));
    expect(out).toContain('      limits:\n        nvidia.com/gpu: "1"\n');
    expect(runRule(rule, { path: 'pod.yaml', content: out }).findings).toEqual([]);
  });
});
