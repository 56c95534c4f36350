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
    const review = JSON.parse(readFileSync(new URL('./testdata/deployment-create.json', import.meta.url), 'utf8')) as {
      request: AdmissionRequest;
    };
    const decision = new AdmissionEvaluator().evaluate(review.request, 'mutate');
    expect(decision.outcome).toBe('patched');
    const patch = JSON.parse(Buffer.from(decision.response.patch!, 'base64').toString('utf8')) as Array<{ path: string }>;
    // Three fixes insert at one point of the container's securityContext, two replace the pod's empty one: one of
    // each is applied a pass (the third pass applies the last). allowPrivilegeEscalation: false beside privileged: true is refused by the API server.
    expect(patch.map((op) => op.path).sort()).toEqual([
      '/spec/template/spec/containers/0/securityContext/capabilities',
      '/spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem',
      '/spec/template/spec/securityContext/runAsNonRoot',
      '/spec/template/spec/securityContext/seccompProfile',
    ]);
  });
});
