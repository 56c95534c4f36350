import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { SourceFile } from '../../core/source-file.js';
import { ImagePackageCollector } from '../../parsers/os-packages/collector.js';
import { layerTar, sha256 } from '../../testing/images.js';
import type { ImageDescription } from './image-source.js';
import { walkImage } from './image-walker.js';

const MiB = 1024 * 1024;

/** One gzip layer served in 64 KiB pieces, counting how many stored bytes the walker has pulled. */
function countedImage(blob: Buffer): { image: ImageDescription; pulled: () => number } {
  let pulled = 0;
  const image: ImageDescription = {
    ref: 'test/pulled:1',
    digest: sha256(blob),
    configBytes: Buffer.from('{}'),
    config: {},
    warnings: [],
    layers: [
      {
        index: 0,
        digest: sha256(blob),
        open: async () =>
          Readable.from(
            (function* () {
              for (let at = 0; at < blob.length; at += 64 * 1024) {
                const piece = blob.subarray(at, at + 64 * 1024);
                pulled += piece.length;
                yield piece;
              }
            })(),
          ),
      },
    ],
  };
  return { image, pulled: () => pulled };
}

describe('walkImage reads a layer no faster than the scan takes its files', () => {
  it('keeps the layer read ahead of the file offered within a few MiB (back-pressure from the scan to the decompressor)', async () => {
    // 48 files of 1 MiB that do not compress: stored offsets follow the tar's.
    const files = Array.from({ length: 48 }, (_, i) => ({ name: `data/f${String(i).padStart(2, '0')}.bin`, content: randomBytes(MiB) }));
    const { image, pulled } = countedImage(gzipSync(await layerTar(files), { level: 1 }));
    const ahead: number[] = [];
    let offered = 0;
    const sink = {
      wants() {
        offered++;
        // Stored bytes pulled beyond the end of this file (gzip of random bytes keeps the tar offsets).
        ahead.push(pulled() - offered * (MiB + 512));
        return false;
      },
      scan() {},
    };
    const walk = await walkImage(image, { sink });
    expect(walk.errors).toEqual([]);
    expect(offered).toBe(48);
    expect(pulled()).toBeGreaterThan(48 * MiB);
    expect(Math.max(...ahead)).toBeLessThan(4 * MiB);
  });
});

describe('walkImage gives the files it hands on bytes of their own', () => {
  it('neither the scan nor the package collector keeps the decompressed chunk a small file arrived in', async () => {
    // Small manifests between binaries that do not compress: each arrives as a view into its own chunk.
    const entries = Array.from({ length: 8 }, (_, i) => [
      { name: `srv/deploy/d${i}.yaml`, content: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\n` },
      { name: `usr/lib/node_modules/p${i}/package.json`, content: JSON.stringify({ name: `p${i}`, version: '1.0.0' }) },
      { name: `usr/lib/node_modules/p${i}/addon.node`, content: randomBytes(300 * 1024) },
    ]).flat();
    const { image } = countedImage(gzipSync(await layerTar(entries), { level: 1 }));
    const kept: SourceFile[] = [];
    const sink = { wants: (file: SourceFile) => file.path.endsWith('.yaml'), scan: (file: SourceFile) => void kept.push(file) };
    const walk = await walkImage(image, { sink, packages: new ImagePackageCollector() });
    const manifests = walk.packages!.files.filter((f) => f.path.endsWith('package.json'));
    expect(kept).toHaveLength(8);
    expect(manifests).toHaveLength(8);
    for (const file of [...kept, ...manifests]) expect(file.bytes().buffer.byteLength).toBeLessThan(8 * 1024);
  });
});
