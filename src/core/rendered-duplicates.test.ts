import { describe, expect, it } from 'vitest';
import { foldRenderedDuplicates } from './rendered-duplicates.js';
import type { Finding } from './types.js';

function finding(
  path: string,
  line: number | undefined,
  renderedBy?: string[],
  ruleId = 'K8S-0003',
  status: Finding['status'] = 'fail',
): Finding {
  return {
    ruleId,
    slug: 'x',
    title: 'x',
    severity: 'high',
    message: 'm',
    location: {
      path,
      ...(line === undefined ? {} : { startLine: line, startColumn: 3, endLine: line, endColumn: 9 }),
      ...(renderedBy ? { renderedBy } : {}),
    },
    frameworks: [],
    status,
    fingerprint: `sha256:${path}${line}${renderedBy?.join()}`,
  };
}

describe('foldRenderedDuplicates', () => {
  it('folds the same rule at the same source range reached through several renders, listing the renders', () => {
    const out = foldRenderedDuplicates([
      finding('base/deploy.yaml', 14, ['kubectl kustomize overlays/prod']),
      finding('base/deploy.yaml', 14, ['kubectl kustomize overlays/dev']),
      finding('base/deploy.yaml', 14, ['kubectl kustomize overlays/dev'], 'K8S-0014'),
      finding('base/deploy.yaml', 15, ['kubectl kustomize overlays/dev']),
      finding('base/deploy.yaml', 14, ['kubectl kustomize overlays/edge'], 'K8S-0003', 'suppressed'),
    ]);
    expect(out.map((f) => [f.ruleId, f.location.startLine, f.status, f.location.renderedBy])).toEqual([
      ['K8S-0003', 14, 'fail', ['kubectl kustomize overlays/dev', 'kubectl kustomize overlays/prod']],
      ['K8S-0014', 14, 'fail', ['kubectl kustomize overlays/dev']],
      ['K8S-0003', 15, 'fail', ['kubectl kustomize overlays/dev']],
      ['K8S-0003', 14, 'suppressed', ['kubectl kustomize overlays/edge']],
    ]);
  });

  it('never folds plain findings, or rendered objects that could not be placed on a line', () => {
    const plain = [finding('a.yaml', 3), finding('a.yaml', 3)];
    expect(foldRenderedDuplicates(plain)).toHaveLength(2);
    const unplaced = [
      finding('overlays/prod/kustomization.yaml', undefined, ['p']),
      finding('overlays/prod/kustomization.yaml', undefined, ['p']),
    ];
    expect(foldRenderedDuplicates(unplaced)).toHaveLength(2);
  });
});
