import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../src/core/parser.js';
import { severityRank, type ScanResult } from '../src/core/types.js';
import { k8sClassifier } from '../src/parsers/k8s/k8s-classifier.js';
import { createYamlParser } from '../src/parsers/yaml/yaml-parser.js';
import { scanSync } from '../src/scan.js';
import { walkTargets } from '../src/sources/directory.js';
import { VulnerabilityDatabase } from '../src/vulndb/database.js';
import { importOsv } from '../src/vulndb/import.js';
import { run } from './cli-helpers.js';

const root = fileURLToPath(new URL('..', import.meta.url));
// The examples are matched against the OSV fixtures, not whatever database this machine has.
const dbDir = join(mkdtempSync(join(tmpdir(), 'sanctum-examples-')), 'db');
importOsv(dbDir, [join(root, 'test', 'corpora', 'osv')]);
const scanExample = (name: string): ScanResult =>
  scanSync({
    targets: [`examples/${name}`],
    cwd: root,
    config: false,
    today: '2026-06-15',
    vulnerabilities: VulnerabilityDatabase.open(dbDir),
  });

describe('examples/ai-platform (insecure)', () => {
  const result = scanExample('ai-platform');
  const failing = result.findings.filter((f) => f.status === 'fail');

  it('scans cleanly: no errors, every manifest read', () => {
    expect(result.errors).toEqual([]);
    expect(result.stats.resources).toBeGreaterThanOrEqual(10);
  });

  it('draws at least 10 findings, from many different rules', () => {
    expect(failing.length).toBeGreaterThanOrEqual(10);
    expect(new Set(failing.map((f) => f.ruleId)).size).toBeGreaterThanOrEqual(10);
  });

  it('has a finding at or above medium in each component of the platform', () => {
    const medium = severityRank('medium');
    for (const path of [
      'examples/ai-platform/k8s/llm-serving.yaml',
      'examples/ai-platform/k8s/notebook.yaml',
      'examples/ai-platform/k8s/ray-cluster.yaml',
      'examples/ai-platform/k8s/training-job.yaml',
      'examples/ai-platform/compose/docker-compose.yaml',
      'examples/ai-platform/training/Dockerfile',
    ])
      expect(
        failing.some((f) => f.location.path === path && severityRank(f.severity) >= medium),
        path,
      ).toBe(true);
  });

  it('reports the privileged containers where they are', () => {
    const privileged = failing
      .filter((f) => f.ruleId === 'K8S-0003')
      .map(
        (f) =>
          `${f.location.path}:${f.location.startLine}:${f.location.startColumn} ${f.location.resource?.kind}/${f.location.resource?.name} ${f.location.objectPath}`,
      );
    expect(privileged).toEqual([
      'examples/ai-platform/k8s/llm-serving.yaml:44:11 Deployment/vllm /spec/template/spec/containers/0/securityContext/privileged',
      'examples/ai-platform/k8s/training-job.yaml:51:15 PyTorchJob/llama-finetune /spec/pytorchReplicaSpecs/Worker/template/spec/containers/0/securityContext/privileged',
    ]);
  });

  it('judges code by the library versions its project pins and locks', () => {
    const versionAware = failing
      .filter((f) => ['LLM-0002', 'LLM-0009'].includes(f.ruleId) && !f.message.includes('(weights_only=False)'))
      .map((f) => `${f.location.path}:${f.location.startLine} ${f.ruleId} ${f.severity}`);
    expect(versionAware).toEqual([
      // langchain 0.0.131 (app/requirements.txt) unpickles a FAISS index without asking.
      'examples/ai-platform/app/assistant.py:20 LLM-0009 high',
      // torch 2.5.1, locked by the training job's compiled requirements, defaults to weights_only=False.
      'examples/ai-platform/training/train.py:13 LLM-0002 high',
    ]);
    expect(failing.find((f) => f.ruleId === 'LLM-0002' && f.location.path.endsWith('train.py'))?.message).toContain(
      'torch 2.5.1 (pinned in examples/ai-platform/training/requirements.txt:160)',
    );
  });

  it('matches the locked AI libraries against the advisories', () => {
    const vulnerable = failing
      .filter((f) => f.ruleId === 'SCA-0001')
      .map((f) => `${f.location.path}:${f.location.startLine} ${f.package?.name}@${f.package?.version}`);
    expect(vulnerable).toContain('examples/ai-platform/training/requirements.txt:160 torch@2.5.1');
    expect(vulnerable).toContain('examples/ai-platform/app/requirements.txt:6 torch@2.1.0');
  });

  it('finds the pod specs inside the AI operators’ custom resources', () => {
    const kinds = new Set(failing.map((f) => f.location.resource?.kind));
    for (const kind of ['Deployment', 'RayCluster', 'PyTorchJob']) expect(kinds.has(kind), kind).toBe(true);
  });
});

describe('examples/ai-platform-hardened', () => {
  const result = scanExample('ai-platform-hardened');

  it('scans cleanly and reads the same platform', () => {
    expect(result.errors).toEqual([]);
    expect(result.stats.resources).toBeGreaterThanOrEqual(20);
    const kinds = new Set<string>();
    const parser = createYamlParser([k8sClassifier]);
    for (const file of walkTargets(['examples/ai-platform-hardened'], { cwd: root, onError: () => {} }))
      if (parser.matches(file))
        for (const d of parser.parse(file, { limits: DEFAULT_LIMITS }).documents) if (d.resource) kinds.add(d.resource.kind);
    // The same workloads as the insecure platform, plus the guard rails that make them safe.
    for (const kind of [
      'Deployment',
      'Notebook',
      'RayCluster',
      'PyTorchJob',
      'Service',
      'Ingress',
      'NetworkPolicy',
      'ResourceQuota',
      'LimitRange',
    ])
      expect(kinds.has(kind), kind).toBe(true);
  });

  it('has no finding at or above medium', () => {
    const medium = severityRank('medium');
    const serious = result.findings.filter((f) => f.status === 'fail' && severityRank(f.severity) >= medium);
    expect(serious.map((f) => `${f.ruleId} ${f.severity} ${f.location.path}:${f.location.startLine} ${f.message}`)).toEqual([]);
  });
});

describe("the README's first-run sample", () => {
  it('shows lines the scan of examples/ai-platform prints today, under the file they belong to', async () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const start = readme.indexOf('```text\n$ npm start -- scan examples/ai-platform\n');
    const sample = readme
      .slice(start, readme.indexOf('```\n', start + 8))
      .split('\n')
      .slice(2);
    const out = (await run(['scan', 'examples/ai-platform', '--no-color', '--no-progress'], { cwd: root })).stdout.split('\n');
    let file = '';
    for (const line of sample) {
      if (/^\S/.test(line) && line.startsWith('examples/')) file = line;
      if (!/^ {2}\d+:\d+ /.test(line)) continue;
      const at = out.indexOf(file);
      expect(at, file).toBeGreaterThanOrEqual(0);
      const end = out.indexOf('', at);
      expect(out.slice(at, end), `${file}\n${line}`).toContain(line);
    }
    const withoutDuration = (line: string | undefined) => line?.replace(/ · \d+ ms$/, '');
    const summary = (lines: string[]) => withoutDuration(lines.find((line) => /^\d+ findings \(/.test(line)));
    expect(summary(sample)).toBeDefined();
    expect(summary(sample)).toBe(summary(out));
  });
});
