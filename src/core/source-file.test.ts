import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DiskSourceFile, FileReadError } from './source-file.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function fileOnDisk(content: string): string {
  dir = mkdtempSync(join(tmpdir(), 'sanctum-source-file-'));
  const path = join(dir, 'pod.yaml');
  writeFileSync(path, content);
  return path;
}

describe('DiskSourceFile: bytes read by another thread', () => {
  it('a file given its bytes scans them and reads nothing from disk', () => {
    const bytes = Buffer.from('kind: Pod\n');
    const file = new DiskSourceFile('pod.yaml', join(tmpdir(), 'sanctum-no-such-dir', 'pod.yaml'), bytes.length, bytes);
    expect(file.text()).toBe('kind: Pod\n');
    expect(file.head()).toEqual(bytes);
    expect(file.read(6, 3)).toEqual(Buffer.from('Pod'));
  });

  it('hands over the bytes the walk read whole and keeps none: asked again, it reads the file anew', () => {
    const path = fileOnDisk('kind: Pod\n');
    const file = DiskSourceFile.opened('pod.yaml', path);
    writeFileSync(path, 'kind: Job\n');
    expect(Buffer.from(file.handOverBytes()!).toString()).toBe('kind: Pod\n');
    expect(file.handOverBytes()).toBeUndefined();
    expect(Buffer.from(file.bytes()).toString()).toBe('kind: Job\n');
  });

  it('a file never read whole (over 64 KiB) has nothing to hand over; read after it is gone, it says so', () => {
    const path = fileOnDisk('x'.repeat(70 * 1024));
    const file = DiskSourceFile.opened('big.txt', path);
    expect(file.handOverBytes()).toBeUndefined();
    rmSync(path);
    expect(() => file.bytes()).toThrow(FileReadError);
  });
});
