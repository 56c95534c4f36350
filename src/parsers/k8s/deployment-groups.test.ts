import { describe, expect, it } from 'vitest';
import { Engine } from '../../core/engine.js';
import { MemorySourceFile, type SourceFile } from '../../core/source-file.js';
import exposedByService from '../../rules/kubernetes/ai-service-exposed-by-service.js';
import { runRule } from '../../testing/rule-tester.js';
import { allParsers } from '../index.js';
import { deploymentGroup } from './k8s-classifier.js';

const NOTEBOOK = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: nb
spec:
  template:
    metadata:
      labels: {app: nb}
    spec:
      containers:
      - name: nb
        image: quay.io/jupyter/base-notebook:2024-10-07
`;
const LOAD_BALANCER = `apiVersion: v1
kind: Service
metadata:
  name: nb
spec:
  type: LoadBalancer
  selector: {app: nb}
  ports:
  - port: 8888
`;

class Rendered extends MemorySourceFile {
  constructor(
    path: string,
    content: string,
    readonly renderedBy: string,
  ) {
    super(path, content);
  }
}

function findings(files: SourceFile[]): Array<[string, number | undefined]> {
  const engine = new Engine({ parsers: allParsers, rules: [exposedByService], lookup: () => undefined, today: '2026-01-01' });
  for (const f of files) engine.scanFile(f);
  return engine.finish().findings.map((f) => [f.location.path, f.location.startLine]);
}

describe('cross-object rules join objects deployed together', () => {
  it('joins the manifests of one directory', () => {
    const r = runRule(exposedByService, [
      { path: 'deploy/nb.yaml', content: NOTEBOOK },
      { path: 'deploy/svc.yaml', content: LOAD_BALANCER },
    ]);
    expect(r.findings.map((f) => [f.location.path, f.location.startLine, f.location.startColumn])).toEqual([['deploy/svc.yaml', 9, 5]]);
  });

  it('does not join manifests of different directories', () => {
    const r = runRule(exposedByService, [
      { path: 'samples/old-bundle/svc.yaml', content: LOAD_BALANCER },
      { path: 'deploy/nb.yaml', content: NOTEBOOK },
      { path: 'svc.yaml', content: LOAD_BALANCER },
    ]);
    expect(r.findings).toEqual([]);
  });

  it('joins the output of one render wherever its objects are attributed, and never two renders', () => {
    expect(
      findings([
        new Rendered('base/nb.yaml', NOTEBOOK, 'kubectl kustomize prod'),
        new Rendered('other/svc.yaml', LOAD_BALANCER, 'kubectl kustomize prod'),
      ]),
    ).toEqual([['other/svc.yaml', 9]]);
    expect(
      findings([
        new Rendered('base/nb.yaml', NOTEBOOK, 'kubectl kustomize prod'),
        new Rendered('base/svc.yaml', LOAD_BALANCER, 'kubectl kustomize dev'),
      ]),
    ).toEqual([]);
    expect(
      findings([new MemorySourceFile('base/nb.yaml', NOTEBOOK), new Rendered('base/svc.yaml', LOAD_BALANCER, 'helm template base')]),
    ).toEqual([]);
  });

  it('in a depth-first walk, joins a directory as soon as the walk leaves it, with the same findings', () => {
    const files = (): SourceFile[] => [
      new MemorySourceFile('deploy/a/nb.yaml', NOTEBOOK),
      new MemorySourceFile('deploy/a/sub/nb.yaml', NOTEBOOK),
      new MemorySourceFile('deploy/a/svc.yaml', LOAD_BALANCER),
      new MemorySourceFile('deploy/b/nb.yaml', NOTEBOOK),
      new MemorySourceFile('deploy/b/svc.yaml', LOAD_BALANCER),
      new MemorySourceFile('nb.yaml', NOTEBOOK),
      new MemorySourceFile('svc.yaml', LOAD_BALANCER),
    ];
    const arrived: Array<[string, string | undefined]> = [];
    const engine = new Engine({
      parsers: allParsers,
      rules: [exposedByService],
      lookup: () => undefined,
      today: '2026-01-01',
      depthFirst: true,
      onFileFindings: (batch) => arrived.push(...batch.map((f): [string, string | undefined] => [f.location.path, f.location.objectPath])),
    });
    const seen: string[][] = [];
    for (const f of files()) {
      engine.scanFile(f);
      seen.push(arrived.map(([path]) => path));
    }
    // deploy/a is complete once deploy/b/nb.yaml arrives; deploy/b once nb.yaml does; the top directory at the end.
    expect(seen).toEqual([
      [],
      [],
      [],
      ['deploy/a/svc.yaml'],
      ['deploy/a/svc.yaml'],
      ['deploy/a/svc.yaml', 'deploy/b/svc.yaml'],
      ['deploy/a/svc.yaml', 'deploy/b/svc.yaml'],
    ]);
    const rest = engine.finish().findings.map((f) => f.location.path);
    expect([...arrived.map(([path]) => path), ...rest]).toEqual(findings(files()).map(([path]) => path));
    expect(rest).toEqual(['svc.yaml']);
  });

  it('names the group of a file', () => {
    expect(deploymentGroup(new MemorySourceFile('a/b/c.yaml', ''))).toBe('a/b');
    expect(deploymentGroup(new MemorySourceFile('c.yaml', ''))).toBe('.');
    expect(deploymentGroup(new Rendered('a/c.yaml', '', 'helm template a'))).toBe('helm template a');
  });
});
