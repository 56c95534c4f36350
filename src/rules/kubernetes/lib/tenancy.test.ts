import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RuleExample } from '../../../core/rule.js';
import { severityRank } from '../../../core/types.js';
import { runRule } from '../../../testing/rule-tester.js';
import { allRules } from '../../index.js';
import resourceQuota from '../namespace-without-resource-quota.js';

describe('K8S-0150…0199 on secure configurations', () => {
  const root = fileURLToPath(new URL('../../../../', import.meta.url));
  const mine = allRules.filter((r) => /^K8S-01[5-9]\d$/.test(r.meta.id));
  const yamlFiles = (dir: string): RuleExample[] =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
      .map((e) => ({ path: join(e.parentPath, e.name), content: readFileSync(join(e.parentPath, e.name), 'utf8') }));
  const findings = (files: RuleExample[]) => mine.flatMap((r) => runRule(r, files).findings);

  it('are all in the catalogue', () => {
    expect(mine.map((r) => r.meta.id).sort()).toEqual([
      'K8S-0150',
      'K8S-0151',
      'K8S-0152',
      'K8S-0153',
      'K8S-0154',
      'K8S-0155',
      'K8S-0156',
      'K8S-0160',
      'K8S-0161',
      'K8S-0162',
      'K8S-0163',
      'K8S-0164',
      'K8S-0165',
      'K8S-0190',
      'K8S-0199',
    ]);
  });

  const hardened = join(root, 'examples', 'ai-platform-hardened');
  it('report nothing at all on examples/ai-platform-hardened', () => {
    const files = yamlFiles(hardened);
    expect(files.length).toBeGreaterThan(0);
    expect(findings(files).map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine} ${f.message}`)).toEqual([]);
  });

  const insecure = join(root, 'examples', 'ai-platform');
  it('report the exposure of the insecure example', () => {
    const ids = new Set(
      findings(yamlFiles(insecure))
        .filter((f) => severityRank(f.severity) >= severityRank('high'))
        .map((f) => f.ruleId),
    );
    expect([...ids]).toEqual(expect.arrayContaining(['K8S-0150', 'K8S-0153', 'K8S-0154']));
  });

  const pss = join(root, 'test', 'corpora', 'pss');
  it('report only missing namespace isolation on the Pod Security Standards pass fixtures', () => {
    // Bare pods in the default namespace, with no NetworkPolicy, ResourceQuota or LimitRange around them.
    const tenancy = new Set(['K8S-0160', 'K8S-0162', 'K8S-0164']);
    const files = ['baseline', 'restricted'].flatMap((level) => yamlFiles(join(pss, level, 'pass')));
    expect(files.length).toBeGreaterThan(20);
    const found = findings(files).filter((f) => !tenancy.has(f.ruleId));
    expect(found.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine} ${f.message}`)).toEqual([]);
  });
});

describe('tenants: templates known by group and kind', () => {
  const object = (apiVersion: string, kind: string, spec: string) =>
    `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: {name: t, namespace: ml}\n${spec}`;
  const containers = 'spec:\n  containers:\n  - {name: c, image: registry.example.com/c:1}\n';
  const template = 'template:\n  spec:\n    containers:\n    - {name: c, image: registry.example.com/c:1}\n';
  const workflow = 'spec:\n  templates:\n  - name: main\n    container: {image: registry.example.com/c:1}\n';
  const jobSet =
    'spec:\n  template:\n    spec:\n      replicatedJobs:\n      - name: node\n        template:\n          spec:\n            template:\n              spec:\n                containers:\n                - {name: c, image: registry.example.com/c:1}\n';
  /** Whether the namespace `ml` is a tenant (runs a workload): K8S-0162 then reports its missing ResourceQuota. */
  const tenant = (content: string) => runRule(resourceQuota, { path: 'a.yaml', content }).findings.length > 0;

  it('are no workload: a PodTemplate, a KServe ServingRuntime, an Argo WorkflowTemplate, a Trainer TrainingRuntime', () => {
    expect(tenant(object('v1', 'PodTemplate', template))).toBe(false);
    expect(tenant(object('serving.kserve.io/v1alpha1', 'ServingRuntime', containers))).toBe(false);
    expect(tenant(object('argoproj.io/v1alpha1', 'WorkflowTemplate', workflow))).toBe(false);
    expect(tenant(object('trainer.kubeflow.org/v1alpha1', 'TrainingRuntime', jobSet))).toBe(false);
  });

  it("are no workload: KServe's LLMInferenceServiceConfig (well-known presets LLMInferenceServices merge in), with a GPU container", () => {
    const config =
      'apiVersion: serving.kserve.io/v1alpha1\nkind: LLMInferenceServiceConfig\nmetadata: {name: kserve-config-llm-template, namespace: kserve}\n' +
      'spec:\n  template:\n    containers:\n    - {name: main, image: vllm/vllm-openai:v0.9.2, resources: {limits: {nvidia.com/gpu: 1}}}\n';
    expect(tenant(config)).toBe(false);
    expect(tenant(config.replace('serving.kserve.io', 'example.com'))).toBe(true);
  });

  it('are not lookalike kinds of other groups, whose pod specs (found by their shape) are a workload', () => {
    expect(tenant(object('example.com/v1', 'ServingRuntime', containers))).toBe(true);
    expect(tenant(object('example.com/v1', 'WorkflowTemplate', containers))).toBe(true);
    expect(tenant(object('example.com/v1', 'PodTemplate', containers))).toBe(true);
    expect(tenant(object('example.com/v1', 'TrainingRuntime', jobSet))).toBe(true);
  });
});
