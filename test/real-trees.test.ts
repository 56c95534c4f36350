/**
 * Issue 9's gate on realistic trees shaped like public AI-platform repositories
 * (test/corpora/real-trees, see its README): scanned with the real helm and kubectl renderers, every
 * finding sits on a line that holds what it names (or names the rendered object and its renders),
 * no problem is reported twice, no patch of a kustomization is judged alone, and every cross-object
 * finding is found again when its own render or directory is scanned alone.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding, ScanResult } from '../src/core/types.js';
import { allRules } from '../src/rules/index.js';
import { scanSync } from '../src/scan.js';
import { realRenderers } from '../src/testing/real-renderers.js';
import { checkTrust } from '../src/testing/trust-check.js';

const real = realRenderers();
const corpus = join(import.meta.dirname, 'corpora', 'real-trees');
const trees = readdirSync(corpus, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);
const crossObjectRules = new Set(allRules.filter((r) => r.meta.appliesTo.includes('k8s-set')).map((r) => r.meta.id));

describe.skipIf(!real.helm || !real.kubectl)(
  `real trees through helm and kubectl${real.reason ? ` (skipped: ${real.reason})` : ''}`,
  () => {
    const renderers = { helm: real.helm!, kubectl: real.kubectl!, kustomize: false as const };
    it.each(trees)('%s: right lines, no duplicates, no patch judged alone, cross-object rules within their group', (tree) => {
      const root = join(corpus, tree);
      const result = scanSync({ targets: ['.'], cwd: root, config: false, renderers });
      expect(result.errors).toEqual([]);
      expect(result.findings.length).toBeGreaterThan(10);
      const report = checkTrust({
        root,
        result,
        renderers: real,
        crossObjectRules,
        scanGroup: (target) => scanSync({ targets: [target], cwd: root, config: false, renderers, rules: [...crossObjectRules] }),
      });
      expect(report.violations).toEqual({ location: [], duplicate: [], 'patch-fragment': [], 'cross-group': [] });
    });
  },
);

describe('the trust checker', () => {
  it('flags a finding on the wrong line, a duplicate, a patch judged alone and a cross-object finding joined across groups', () => {
    const root = join(corpus, 'kubeflow-manifests');
    const base = 'apps/training-operator/upstream/base/deployment.yaml';
    const resource = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'training-operator' };
    const finding = (ruleId: string, path: string, startLine: number, objectPath: string): Finding => ({
      ruleId,
      slug: ruleId.toLowerCase(),
      title: ruleId,
      severity: 'high',
      message: `${ruleId} message`,
      location: { path, startLine, startColumn: 1, endLine: startLine, endColumn: 2, objectPath, resource },
      frameworks: [],
      status: 'fail',
      fingerprint: `sha256:${ruleId}${startLine}`,
    });
    const wrongLine = finding('K8S-0105', base, 3, '/spec/template/spec/serviceAccountName');
    const right = finding('K8S-0104', base, 23, '/spec/template/spec/containers/0/name');
    const patch = finding(
      'K8S-0102',
      'apps/training-operator/upstream/overlays/kubeflow/patch-resources.yaml',
      9,
      '/spec/template/spec/containers/0/name',
    );
    const joined = finding('K8S-0117', base, 58, '/spec/template/spec/serviceAccountName');
    const result = { findings: [wrongLine, right, { ...right }, patch, joined], errors: [] } as unknown as ScanResult;
    const report = checkTrust({
      root,
      result,
      renderers: {},
      crossObjectRules: new Set(['K8S-0117']),
      scanGroup: () => ({ findings: [], errors: [] }) as unknown as ScanResult,
    });
    expect(Object.fromEntries(Object.entries(report.violations).map(([k, v]) => [k, v.map((x) => x.finding)]))).toEqual({
      location: [`K8S-0105 ${base}:3 /spec/template/spec/serviceAccountName Deployment/training-operator`],
      duplicate: [`K8S-0104 ${base}:23 /spec/template/spec/containers/0/name Deployment/training-operator`],
      'patch-fragment': [
        'K8S-0102 apps/training-operator/upstream/overlays/kubeflow/patch-resources.yaml:9 /spec/template/spec/containers/0/name Deployment/training-operator',
      ],
      'cross-group': [`K8S-0117 ${base}:58 /spec/template/spec/serviceAccountName Deployment/training-operator`],
    });
  });
});
