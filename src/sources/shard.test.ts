import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiskSourceFile, MemorySourceFile } from '../core/source-file.js';
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

  it('holds no bytes of the files it collects: walked files read whole as they were opened are read again when scanned', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sanctum-shard-'));
    try {
      const names = Array.from({ length: 8 }, (_, i) => `svc-${i}/deploy.yaml`);
      for (const n of names) writeFileSync(join(dir, n.replace('/', '-')), 'before');
      const walked = names.map((n) => DiskSourceFile.opened(n, join(dir, n.replace('/', '-'))));
      for (const n of names) writeFileSync(join(dir, n.replace('/', '-')), 'after');
      const mine = [...shardFiles(walked, { index: 1, total: 2 })];
      expect(mine.length).toBeGreaterThan(0);
      for (const f of mine) expect(f.text()).toBe('after');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
