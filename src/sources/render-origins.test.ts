import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KustomizeOrigins, type KustomizationModel } from './render-origins.js';

const N = 400;
let dir: string;
let chain: KustomizationModel[];
let output: string;

const pod = (name: string, i: number): string =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n  - name: c\n    image: img:${i}\n`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sanctum-render-origins-'));
  mkdirSync(join(dir, 'base'));
  mkdirSync(join(dir, 'overlay'));
  const files: string[] = [];
  const rendered: string[] = [];
  for (let i = 0; i < N; i++) {
    const abs = join(dir, 'base', `p${i}.yaml`);
    writeFileSync(abs, pod(`p${i}`, i));
    files.push(abs);
    rendered.push(pod(`x-p${i}`, i));
  }
  // Kustomize keeps a Namespace's name under a prefix: found by its declared name.
  const ns = join(dir, 'base', 'ns.yaml');
  writeFileSync(ns, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n');
  files.push(ns);
  rendered.push('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n');
  writeFileSync(join(dir, 'base', 'kustomization.yaml'), 'resources: []\n');
  writeFileSync(join(dir, 'overlay', 'kustomization.yaml'), 'resources:\n- ../base\nnamePrefix: x-\n');
  const base = { abs: join(dir, 'base', 'kustomization.yaml'), files, patches: [] };
  chain = [base, { abs: join(dir, 'overlay', 'kustomization.yaml'), files: [], patches: [], bases: [base.abs] }];
  output = rendered.join('---\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Calls `fn` while counting the items every `Array.prototype.find` tests. */
function countingFinds<T>(fn: () => T): { result: T; tested: number } {
  const find = Array.prototype.find;
  let tested = 0;
  Array.prototype.find = function (this: unknown[], predicate: (v: unknown, i: number, a: unknown[]) => unknown, thisArg?: unknown) {
    return find.call(this, (v: unknown, i: number, a: unknown[]) => (tested++, predicate.call(thisArg, v, i, a)));
  } as typeof find;
  try {
    return { result: fn(), tested };
  } finally {
    Array.prototype.find = find;
  }
}

describe('KustomizeOrigins', () => {
  it('finds each rendered object’s declaration by kind and name, not by testing every declaration', () => {
    const origins = new KustomizeOrigins(output, chain, dir);
    const { result, tested } = countingFinds(() =>
      Array.from({ length: N + 1 }, (_, doc) =>
        origins.locate(doc, doc < N ? ['spec', 'containers', 0, 'image'] : ['metadata', 'name'], doc < N ? `img:${doc}` : 'team'),
      ),
    );
    expect(result[0]).toMatchObject({ file: { path: 'base/p0.yaml' } });
    expect(result[N - 1]).toMatchObject({ file: { path: `base/p${N - 1}.yaml` }, range: { startLine: 8, startColumn: 5, endLine: 8 } });
    expect(result[N]).toMatchObject({ file: { path: 'base/ns.yaml' }, range: { startLine: 4, startColumn: 3, endLine: 4 } });
    // Testing every declaration for each object is N * N / 2 = 80,000 items.
    expect(tested).toBeLessThan(20 * N);
  });
});
