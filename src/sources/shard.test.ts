import { describe, expect, it } from 'vitest';
import { MemorySourceFile } from '../core/source-file.js';
import { parseShardSpec, shardFiles } from './shard.js';

const files = (paths: string[]) => paths.map((p) => new MemorySourceFile(p, ''));

describe('shardFiles', () => {
  const paths = [
    'charts/app/Chart.yaml',
    'charts/app/values.yaml',
    'charts/app/templates/deploy.yaml',
    'charts/app/charts/redis/Chart.yaml',
    'charts/app/charts/redis/templates/sts.yaml',
    'deploy/overlays/prod/kustomization.yaml',
    'deploy/overlays/prod/patch.yaml',
    ...Array.from({ length: 40 }, (_, i) => `svc-${i}/k8s/deploy.yaml`),
    'Dockerfile',
  ];

  it('puts every file in exactly one shard, charts and overlays whole', () => {
    const parts = [1, 2, 3].map((index) => [...shardFiles(files(paths), { index, total: 3 })].map((f) => f.path));
    expect(parts.flat().sort()).toEqual([...paths].sort());
    expect(parts.every((p) => p.length > 0)).toBe(true);
    const chart = parts.find((p) => p.includes('charts/app/Chart.yaml'))!;
    for (const p of paths.filter((x) => x.startsWith('charts/app/'))) expect(chart).toContain(p);
    const overlay = parts.find((p) => p.includes('deploy/overlays/prod/kustomization.yaml'))!;
    expect(overlay).toContain('deploy/overlays/prod/patch.yaml');
  });

  it('is the same split on every run, whatever the file order', () => {
    const a = [...shardFiles(files(paths), { index: 2, total: 4 })].map((f) => f.path);
    const b = [...shardFiles(files([...paths].reverse()), { index: 2, total: 4 })].map((f) => f.path);
    expect(b.sort()).toEqual(a.sort());
  });

  it('reads I/N and refuses anything else', () => {
    expect(parseShardSpec('2/4')).toEqual({ index: 2, total: 4 });
    for (const bad of ['0/2', '3/2', '1', 'a/b', '1/0']) expect(() => parseShardSpec(bad), bad).toThrow(/--shard must be I\/N/);
  });
});
