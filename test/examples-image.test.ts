import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { scanImage } from '../src/scan-image.js';
import { testVulnerabilities } from '../src/testing/memory-vulnerabilities.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sanctum-example-image-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('examples/insecure-image', () => {
  it('the script writes an image that sanctum image finds insecure in every layer', async () => {
    const archive = join(dir, 'insecure-image.tar');
    execFileSync(process.execPath, [join(root, 'examples/insecure-image/build-image.mjs'), archive]);
    const result = await scanImage({ images: [archive], config: false, today: '2026-06-15', vulnerabilities: testVulnerabilities() });
    expect(result.errors).toEqual([]);
    const found = result.findings.map((f) => `${f.ruleId} ${f.location.path}`);
    for (const expected of [
      'IMG-0001 config.json',
      'IMG-0005 config.json',
      'DF-0006 history.Dockerfile',
      'IMG-0006 /usr/local/bin/sh-root',
      'IMG-0007 /usr/local/bin',
      'IMG-0011 /etc/crontabs/root',
      'MDL-0001 /models/classifier.pkl',
      'SEC-0005 /root/.aws/credentials',
      'SCA-0100 /etc/os-release',
      'SCA-0001 /lib/apk/db/installed',
    ])
      expect(found, expected).toContain(expected);
    const deleted = result.findings.find((f) => f.location.path === '/root/.aws/credentials')!;
    expect(deleted.location.image).toMatchObject({
      ref: 'sanctum-examples/insecure-image:1',
      layer: { index: 1 },
      removedBy: { index: 2 },
    });
  });
});
