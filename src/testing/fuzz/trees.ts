/**
 * Directory cases of the fuzzer: a Helm chart or Kustomize tree of `test/corpora/real-trees` copied
 * to a temporary directory with some of its files mutated, and sometimes links that loop or lead
 * to devices, scanned from disk with the real renderers.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { rng } from '../../../bench/seeded-random.mjs';
import { below, mutate } from './mutate.js';

/** Trees by format: each is scanned as one target. */
export const TREES: Record<string, readonly string[]> = {
  'tree-helm': ['ollama-helm', 'kuberay/helm-chart/kuberay-operator', 'open-webui-helm/charts/open-webui', 'vllm-production-stack/helm'],
  'tree-kustomize': [
    'kubeflow-manifests/apps/training-operator/upstream',
    'kubeflow-manifests/apps/jupyter/notebook-controller/upstream',
    'kubeflow-manifests/common',
  ],
};

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** Writes case `index` of `format` under `work` and returns the target directory, relative to `work`. */
export function writeTreeCase(root: string, work: string, format: string, seed: number, index: number): string {
  const trees = TREES[format];
  const r = rng((seed * 0x9e3779b1 + index * 0x85ebca6b + format.length) >>> 0);
  const tree = trees[below(r, trees.length)];
  const target = 'tree';
  const dir = join(work, target);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(join(root, 'test', 'corpora', 'real-trees', tree), dir, { recursive: true });
  const files = filesUnder(dir);
  const texts = files.map((f) => new Uint8Array(readFileSync(f)));
  for (let n = 1 + below(r, 3); n > 0; n--) {
    const i = below(r, files.length);
    writeFileSync(files[i], mutate(texts[i], r, texts));
  }
  if (r() < 0.3) {
    const at = relative(work, files[below(r, files.length)]).split('/').slice(1, -1);
    const parent = join(dir, ...at);
    switch (below(r, 5)) {
      case 0:
        symlinkSync('.', join(parent, 'loop'));
        break;
      case 1:
        symlinkSync('..', join(parent, 'up'));
        break;
      case 2:
        symlinkSync('b.yaml', join(parent, 'a.yaml'));
        symlinkSync('a.yaml', join(parent, 'b.yaml'));
        break;
      case 3:
        symlinkSync('/dev/zero', join(parent, 'zero.yaml'));
        break;
      default:
        symlinkSync('missing/values.yaml', join(parent, 'values-dangling.yaml'));
    }
  }
  return target;
}
