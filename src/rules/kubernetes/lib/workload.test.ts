import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RuleExample } from '../../../core/rule.js';
import { severityRank } from '../../../core/types.js';
import { runRule } from '../../../testing/rule-tester.js';
import { allRules } from '../../index.js';
import type { ContainerView } from '../../../parsers/k8s/pod-specs.js';
import { DEFAULT_LIMITS } from '../../../core/parser.js';
import { MemorySourceFile } from '../../../core/source-file.js';
import { k8sClassifier } from '../../../parsers/k8s/k8s-classifier.js';
import type { K8sObjectDocument, PodSpecDocument } from '../../../parsers/k8s/k8s-documents.js';
import { createYamlParser } from '../../../parsers/yaml/yaml-parser.js';
import { flag } from './gpu.js';
import {
  commandLine,
  commandWords,
  envOf,
  envValue,
  parseImage,
  podMemoized,
  redact,
  shellWords,
  tokenMount,
  volumesOf,
} from './workload.js';

describe('container entries', () => {
  const view = (container: Record<string, unknown>): ContainerView => ({
    container,
    path: ['spec', 'containers', 1],
    group: 'containers',
    name: 'c',
    memo: [],
  });

  it('give each env, command and args entry its object path, the same array each time', () => {
    const c = view({
      command: ['vllm', 7],
      args: ['--model=org/m', { not: 'a word' }, 'bash -c "x"'],
      env: [{ name: 'A', value: 'x' }, { value: 'no name' }, { name: 'B', value: 3 }, { name: 'C', valueFrom: { secretKeyRef: {} } }],
    });
    expect(envOf(c).map((e) => [e.name, e.value, e.fromRef, e.path])).toEqual([
      ['A', 'x', false, ['spec', 'containers', 1, 'env', 0]],
      ['B', '3', false, ['spec', 'containers', 1, 'env', 2]],
      ['C', undefined, true, ['spec', 'containers', 1, 'env', 3]],
    ]);
    expect(envValue(c, 'B')?.path).toBe(envOf(c)[1].path);
    expect(commandLine(c).map((t) => [t.value, t.path])).toEqual([
      ['vllm', ['spec', 'containers', 1, 'command', 0]],
      ['7', ['spec', 'containers', 1, 'command', 1]],
      ['--model=org/m', ['spec', 'containers', 1, 'args', 0]],
      ['bash -c "x"', ['spec', 'containers', 1, 'args', 2]],
    ]);
    const model = flag([...commandWords(c)], '--model');
    expect(model).toEqual({ value: 'org/m', path: ['spec', 'containers', 1, 'args', 0], inScript: undefined });
  });
});

describe('pod spec facts', () => {
  const parse = (text: string) =>
    createYamlParser([k8sClassifier]).parse(new MemorySourceFile('deploy.yaml', text), { limits: DEFAULT_LIMITS }).documents;
  const manifest =
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\nspec:\n  template:\n    spec:\n      serviceAccountName: sa\n' +
    '      containers:\n      - name: c\n        image: x:1\n      volumes:\n      - name: v\n        emptyDir: {}\n---\n' +
    'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\nautomountServiceAccountToken: false\n';

  it('are computed once per pod spec view, in a slot of the view', () => {
    const pod = parse(manifest).find((d): d is PodSpecDocument => d.kind === 'k8s-pod')!;
    let computed = 0;
    const count = podMemoized((p) => ({ n: ++computed, origin: p.origin }));
    expect(count(pod)).toBe(count(pod));
    expect(computed).toBe(1);
    const again = parse(manifest).find((d): d is PodSpecDocument => d.kind === 'k8s-pod')!;
    expect(count(again)).toEqual({ n: 2, origin: 'Deployment' });
    expect(volumesOf(pod)).toBe(volumesOf(pod));
    expect(volumesOf(pod).map((v) => [v.name, v.path])).toEqual([['v', ['spec', 'template', 'spec', 'volumes', 0]]]);
  });

  it('decide token mounting again for another set of objects', () => {
    const docs = parse(manifest);
    const pod = docs.find((d): d is PodSpecDocument => d.kind === 'k8s-pod')!;
    const objects = docs.filter((d): d is K8sObjectDocument => d.kind === 'k8s');
    const withAccount = tokenMount(pod, objects);
    expect(withAccount).toMatchObject({ serviceAccount: 'sa', mounted: false });
    expect(tokenMount(pod, objects)).toBe(withAccount);
    expect(tokenMount(pod, [objects[0]])).toMatchObject({ serviceAccount: 'sa', mounted: true, account: undefined });
    expect(tokenMount(pod, objects)).toMatchObject({ mounted: false });
  });
});

describe('shellWords', () => {
  it('groups quotes, keeps separators as words and expands nothing', () => {
    expect(shellWords(`vllm serve "org/m" --served-model-name 'a b' && echo $HOME;ls|wc`)).toEqual([
      'vllm',
      'serve',
      'org/m',
      '--served-model-name',
      'a b',
      '&',
      '&',
      'echo',
      '$HOME',
      ';',
      'ls',
      '|',
      'wc',
    ]);
  });
  it('handles escapes, line continuations and empty quotes', () => {
    expect(shellWords('a\\ b c \\\n d "" "x\\"y"')).toEqual(['a b', 'c', 'd', '', 'x"y']);
  });
  it('is linear on long and unbalanced input', () => {
    const words = shellWords('"' + 'a '.repeat(200_000));
    expect(words).toHaveLength(1);
    expect(shellWords('x '.repeat(100_000))).toHaveLength(100_000);
  });
});

describe('parseImage', () => {
  it.each([
    ['nginx', { repository: 'nginx', tag: undefined, digest: undefined }],
    ['registry.local:5000/ml/vllm', { repository: 'registry.local:5000/ml/vllm', tag: undefined, digest: undefined }],
    ['registry.local:5000/ml/vllm:v1', { repository: 'registry.local:5000/ml/vllm', tag: 'v1', digest: undefined }],
    ['a/b:1@sha256:ab', { repository: 'a/b', tag: '1', digest: 'sha256:ab' }],
    ['a/b@sha256:ab', { repository: 'a/b', tag: undefined, digest: 'sha256:ab' }],
  ])('%s', (image, expected) => {
    expect(parseImage(image)).toEqual(expected);
  });
  it('leaves unrendered templates alone', () => {
    expect(parseImage('{{ .Values.image }}')).toBeUndefined();
    expect(parseImage('${IMAGE}')).toBeUndefined();
  });
});

describe('redact', () => {
  it('keeps at most a short prefix', () => {
    expect(redact('hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ')).toBe('hf_a…');
    expect(redact('abcdefgh')).toBe('ab…');
    expect(redact('abc')).toBe('…');
  });
});

describe('K8S-0100…0149 on secure configurations', () => {
  const root = fileURLToPath(new URL('../../../../', import.meta.url));
  const mine = allRules.filter((r) => /^K8S-01[0-4]\d$/.test(r.meta.id));
  const yamlFiles = (dir: string): RuleExample[] =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
      .map((e) => ({ path: join(e.parentPath, e.name), content: readFileSync(join(e.parentPath, e.name), 'utf8') }));
  const findings = (files: RuleExample[]) => mine.flatMap((r) => runRule(r, files).findings);

  const hardened = join(root, 'examples', 'ai-platform-hardened');
  it('report nothing at or above medium on examples/ai-platform-hardened', () => {
    const files = yamlFiles(hardened);
    expect(files.length).toBeGreaterThan(0);
    const found = findings(files).filter((f) => severityRank(f.severity) >= severityRank('medium'));
    expect(found.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine} ${f.message}`)).toEqual([]);
  });

  const pss = join(root, 'test', 'corpora', 'pss');
  it('report only missing hardening on the Pod Security Standards pass fixtures', () => {
    // Those pods run an untagged pause image without resources, read-only root or own account.
    const hygiene = new Set(['K8S-0100', 'K8S-0102', 'K8S-0103', 'K8S-0104', 'K8S-0106']);
    const files = ['baseline', 'restricted'].flatMap((level) => yamlFiles(join(pss, level, 'pass')));
    expect(files.length).toBeGreaterThan(20);
    const found = findings(files).filter((f) => !hygiene.has(f.ruleId));
    expect(found.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine} ${f.message}`)).toEqual([]);
  });
});
