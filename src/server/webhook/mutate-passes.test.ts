import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MemorySourceFile } from '../../core/source-file.js';
import { getRegistry, scanSync } from '../../scan.js';
import { AdmissionEvaluator } from './admission-evaluator.js';
import type { AdmissionRequest } from './admission-review.js';

// /mutate checks the object again after each pass of fixes with only the fixable rules (and their fold groups):
// that holds only while no other rule attaches a fix.

const singleObjectRules = getRegistry().rules.filter((r) => r.meta.appliesTo.some((k) => k === 'k8s' || k === 'k8s-pod'));

describe('/mutate passes of fixes', () => {
  it('no single-object Kubernetes rule that is not marked fixable attaches a fix to a finding of its examples', () => {
    const withFix: string[] = [];
    for (const rule of singleObjectRules) {
      for (const ex of [...rule.meta.examples.bad, ...rule.meta.examples.good]) {
        if (typeof ex.content !== 'string' || !/\.(ya?ml|json)$/.test(ex.path)) continue;
        const r = scanSync({ targets: [ex.path], files: [new MemorySourceFile(ex.path, ex.content)], config: false, policies: false });
        for (const f of r.findings)
          if (f.fix?.edits.length && !getRegistry().get(f.ruleId)?.meta.fixable) withFix.push(`${f.ruleId} (${ex.path})`);
      }
    }
    expect(withFix).toEqual([]);
  });

  it('fixes that share an insertion point are applied over several passes, a refused one held back', () => {
    const patch = patchedPaths(new AdmissionEvaluator());
    // Three fixes insert at one point of the container's securityContext, two replace the pod's empty one: one of
    // each is applied a pass (the third pass applies the last). allowPrivilegeEscalation: false beside privileged: true is refused by the API server.
    expect(patch).toEqual([
      '/spec/template/spec/containers/0/securityContext/capabilities',
      '/spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem',
      '/spec/template/spec/securityContext/runAsNonRoot',
      '/spec/template/spec/securityContext/seccompProfile',
    ]);
  });

  it('the first pass takes fixes only from the rules later passes check again (fixable ones)', () => {
    // K8S-0015 (runAsNonRoot) as if it were not marked fixable: its finding still carries a fix, which the first pass
    // would apply (it wins the pod's empty securityContext over K8S-0017's).
    const meta = getRegistry().get('K8S-0015')!.meta as { fixable?: boolean };
    const fixable = meta.fixable;
    meta.fixable = false;
    try {
      expect(patchedPaths(new AdmissionEvaluator())).toEqual([
        '/spec/template/spec/containers/0/securityContext/capabilities',
        '/spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem',
        '/spec/template/spec/securityContext/seccompProfile',
      ]);
    } finally {
      meta.fixable = fixable;
    }
  });
});

function patchedPaths(evaluator: AdmissionEvaluator): string[] {
  const review = JSON.parse(readFileSync(new URL('./testdata/deployment-create.json', import.meta.url), 'utf8')) as {
    request: AdmissionRequest;
  };
  const decision = evaluator.evaluate(review.request, 'mutate');
  expect(decision.outcome).toBe('patched');
  const patch = JSON.parse(Buffer.from(decision.response.patch!, 'base64').toString('utf8')) as Array<{ path: string }>;
  return patch.map((op) => op.path).sort();
}
