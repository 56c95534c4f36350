import { createHash } from 'node:crypto';
import { releaseFile, type SourceFile } from '../core/source-file.js';

/** One of N equal parts of a scan: `index` is 1-based (`--shard 2/4`). */
export interface Shard {
  index: number;
  total: number;
}

export function parseShardSpec(spec: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(spec.trim());
  const index = m ? Number(m[1]) : NaN;
  const total = m ? Number(m[2]) : NaN;
  if (!m || index < 1 || total < 1 || index > total || total > 10_000)
    throw new Error(`--shard must be I/N with 1 ≤ I ≤ N (got '${spec}')`);
  return { index, total };
}

const SET_ROOT_FILES = new Set(['Chart.yaml', 'kustomization.yaml', 'kustomization.yml', 'Kustomization']);

const dirOf = (path: string): string => {
  const i = path.lastIndexOf('/');
  return i === -1 ? '' : path.slice(0, i);
};

/**
 * The files of one shard. What is judged together stays together: files are split by directory, and
 * everything under a Helm chart or a Kustomize overlay goes with it, so cross-object rules see the
 * same set in a sharded scan as in a whole one. Every file is in exactly one shard, the same one on
 * every machine (a hash of the directory, not an order).
 */
export function* shardFiles(files: Iterable<SourceFile>, shard: Shard): Generator<SourceFile> {
  if (shard.total === 1) {
    yield* files;
    return;
  }
  const all: SourceFile[] = [];
  // The other shards' files are never scanned here; this shard's are read again when scanned.
  for (const f of files) {
    releaseFile(f);
    all.push(f);
  }
  const roots = new Set<string>();
  for (const f of all) if (SET_ROOT_FILES.has(f.path.slice(f.path.lastIndexOf('/') + 1))) roots.add(dirOf(f.path));
  const unitOf = (path: string): string => {
    let best = dirOf(path);
    // The outermost chart or overlay above the file owns it (a chart's templates/, its charts/ subcharts).
    for (let d = best; ; d = dirOf(d)) {
      if (roots.has(d)) best = d;
      if (d === '') break;
    }
    return best;
  };
  const cache = new Map<string, number>();
  for (const f of all) {
    const unit = unitOf(f.path);
    let n = cache.get(unit);
    if (n === undefined) {
      n = createHash('sha256').update(unit).digest().readUInt32BE(0) % shard.total;
      cache.set(unit, n);
    }
    if (n === shard.index - 1) yield f;
  }
}
