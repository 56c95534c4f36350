/**
 * Sizes that a file's headers declare are not allocated before the bytes are there: a small file
 * that declares a huge member makes no huge allocation. Allocations are watched for this file's
 * process only (vitest runs each test file in a process of its own).
 */
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemorySourceFile } from '../../core/source-file.js';
import { osSystemPayload } from '../../rules/models/lib/builders/pickle-builder.js';
import { tarHeader } from '../../rules/models/lib/builders/tar-builder.js';
import { scanSync } from '../../scan.js';
import { takeLargestAllocation, watchAllocations } from '../../testing/fuzz/allocations.js';

const MiB = 1024 * 1024;

beforeAll(() => watchAllocations());

const scanModel = (path: string, bytes: Uint8Array) =>
  scanSync({ targets: [], files: [new MemorySourceFile(path, bytes)], scanners: ['models'], config: false });

describe('sizes declared in headers', () => {
  it('a gzipped tar member that declares 400 MiB and holds a few bytes is not allocated whole', () => {
    const tar = Buffer.concat([Buffer.from(tarHeader('weights.pkl', 400 * MiB)), Buffer.from(osSystemPayload('id')), Buffer.alloc(1024)]);
    const file = new Uint8Array(gzipSync(tar));
    takeLargestAllocation();
    const r = scanModel('model.tar.gz', file);
    expect(takeLargestAllocation()).toBeLessThan(16 * MiB);
    expect(file.length).toBeLessThan(200);
    expect(r.errors).toEqual([]);
    expect(r.findings.map((f) => [f.ruleId, f.location.path, f.message])).toEqual([
      [
        'MDL-0004',
        'model.tar.gz',
        "tar file is malformed: gzipped tar archive: archive is truncated: member 'weights.pkl' needs 419430400 bytes",
      ],
    ]);
  });
});
