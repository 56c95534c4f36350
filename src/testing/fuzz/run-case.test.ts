import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imagePathCheck } from './run-case.js';

describe('imagePathCheck: the paths an image case may name in its errors', () => {
  const cwd = join(tmpdir(), 'sanctum-fuzz-case-1');
  const own = imagePathCheck(cwd, 'image.tar', new Set(['example.com/app:1']));

  it('takes the archive, the image, its documents and its own files', () => {
    for (const p of [
      'image.tar',
      'image.tar#1',
      'example.com/app:1',
      '/etc/passwd',
      '/usr/local/bin/server',
      '/tmp/cache.bin',
      'layer 2 (sha256:abc)',
    ])
      expect(own(p)).toBe(true);
  });

  it('refuses paths of this machine: a spool file, the case directory, the working directory', () => {
    for (const p of [
      join(tmpdir(), 'sanctum-image-Ab12Cd', 'spool-3'),
      join(cwd, 'image.tar'),
      cwd,
      join(process.cwd(), 'package.json'),
      'other.tar',
    ])
      expect(own(p)).toBe(false);
  });
});
