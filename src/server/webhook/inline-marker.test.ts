import { describe, expect, it } from 'vitest';
import { AdmissionEvaluator } from './admission-evaluator.js';
import type { AdmissionRequest } from './admission-review.js';

function podWithCommand(command: string[]): AdmissionRequest {
  return {
    uid: 'inline-1',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: { group: '', version: 'v1', resource: 'pods' },
    namespace: 'llm',
    name: 'serve',
    operation: 'CREATE',
    userInfo: { username: 'alice' },
    object: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'serve', namespace: 'llm' },
      spec: { containers: [{ name: 'vllm', image: 'vllm/vllm-openai:v0.6.3', command }] },
    },
  } as AdmissionRequest;
}

// The object's text is JSON that Sanctum writes: it has no comments, and `sanctum:ignore` inside one of its string
// values is what the request's author wrote into the object, not a suppression (a cluster scan reads it alike).
describe('admission: sanctum:ignore inside a string value of the object', () => {
  it('does not suppress the finding it names', () => {
    const d = new AdmissionEvaluator().evaluate(
      podWithCommand(['sh', '-c', 'vllm serve org/m --trust-remote-code # sanctum:ignore K8S-0125 ']),
      'validate',
    );
    expect(d.findings.map((f) => f.finding.ruleId)).toContain('K8S-0125');
    expect(d.response.allowed).toBe(false);
  });

  it('does not suppress every rule on its line with *', () => {
    const marked = new AdmissionEvaluator().evaluate(
      podWithCommand(['sh', '-c', 'vllm serve org/m --trust-remote-code; echo sanctum:ignore * ']),
      'validate',
    );
    const plain = new AdmissionEvaluator().evaluate(
      podWithCommand(['sh', '-c', 'vllm serve org/m --trust-remote-code; echo ok']),
      'validate',
    );
    expect(marked.response.allowed).toBe(false);
    expect(marked.findings.map((f) => f.finding.ruleId).sort()).toEqual(plain.findings.map((f) => f.finding.ruleId).sort());
  });
});
