import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemorySourceFile } from '../src/core/source-file.js';
import { buildSbom as sbom } from '../src/inventory/sbom.js';
import { scan } from '../src/scan.js';
import { testVulnerabilities } from '../src/testing/memory-vulnerabilities.js';
import { cyclonedx16Problems } from './cyclonedx16.js';

const FIXED = { timestamp: new Date('2026-01-01T00:00:00Z'), serialNumber: 'urn:uuid:00000000-0000-4000-8000-000000000000' };

const schemaErrors = (bom: unknown): string => cyclonedx16Problems(bom, 3);

// A real Debian 12 root filesystem made by `debootstrap --variant=minbase bookworm` (.ci/setup.d/40-debian-rootfs.sh).
const ROOTFS = process.env.SANCTUM_TEST_DEBIAN_ROOTFS;
const why = 'SANCTUM_TEST_DEBIAN_ROOTFS is not set (.ci/setup.d/40-debian-rootfs.sh makes it with debootstrap)';

describe.skipIf(!ROOTFS)(`a Debian root filesystem scanned as a directory${ROOTFS ? '' : ` (skipped: ${why})`}`, () => {
  it('reads dpkg status with the release from os-release, and reports advisories at each package’s line', async () => {
    const status = readFileSync(join(ROOTFS!, 'var/lib/dpkg/status'), 'utf8');
    const lineOfPackage = (name: string) => status.split('\n').indexOf(`Package: ${name}`) + 1;
    const result = await scan({ targets: [ROOTFS!], scanners: ['deps'], vulnerabilities: testVulnerabilities(), config: false });
    // The directory walker names each absolute symbolic link of the root filesystem (`dev/fd`, `etc/alternatives/*`) it does not follow.
    expect(result.errors.filter((e) => !e.message.startsWith('symbolic link points outside'))).toEqual([]);
    const sca = result.findings.filter((f) => f.ruleId === 'SCA-0001');
    // glibc's binaries (libc6, libc-bin) carry the unfixed DEBIAN-CVE-2010-4756; DSA-5514-1 is fixed in this release.
    expect(
      sca.map((f) => [f.location.path.slice(-19), f.location.startLine, f.package?.name, f.package?.ecosystem, f.vulnerability?.id]),
    ).toEqual(
      [
        ['var/lib/dpkg/status', lineOfPackage('libc-bin'), 'libc-bin', 'Debian:12', 'DEBIAN-CVE-2010-4756'],
        ['var/lib/dpkg/status', lineOfPackage('libc6'), 'libc6', 'Debian:12', 'DEBIAN-CVE-2010-4756'],
      ].sort((a, b) => (a[1] as number) - (b[1] as number)),
    );
    expect(sca[0].location.startColumn).toBe(1);
  });
});

describe.skipIf(!ROOTFS)(`the SBOM of a Debian root filesystem${ROOTFS ? '' : ` (skipped: ${why})`}`, () => {
  it('lists its dpkg packages with deb purls, valid against the CycloneDX 1.6 schema', () => {
    const { bom } = sbom([ROOTFS!], {
      timestamp: new Date('2026-01-01T00:00:00Z'),
      serialNumber: 'urn:uuid:00000000-0000-4000-8000-000000000000',
    });
    expect(schemaErrors(bom)).toBe('');
    const purls = ((bom.components as Array<{ purl?: string }>) ?? []).map((c) => c.purl ?? '');
    const libc6 = purls.find((p) => p.startsWith('pkg:deb/debian/libc6@'));
    expect(libc6).toMatch(/^pkg:deb\/debian\/libc6@2\.36-9\+deb12u\d+\?arch=amd64&distro=debian-12&upstream=glibc$/);
    expect(purls.filter((p) => p.startsWith('pkg:deb/')).length).toBeGreaterThan(50);
  });
});

describe('the GPU stack in an SBOM', () => {
  it('gives CUDA, cuDNN and NCCL as NVIDIA library components with where each was read', () => {
    const files = [
      new MemorySourceFile('rootfs/usr/local/cuda-12.4/version.json', '{"cuda": {"name": "CUDA SDK", "version": "12.4.1"}}'),
      new MemorySourceFile(
        'rootfs/usr/include/cudnn_version.h',
        '#define CUDNN_MAJOR 9\n#define CUDNN_MINOR 1\n#define CUDNN_PATCHLEVEL 0\n',
      ),
      new MemorySourceFile('rootfs/usr/lib/x86_64-linux-gnu/libnccl.so.2.21.5', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0])),
    ];
    const { bom, errors } = sbom(['rootfs'], { ...FIXED, files });
    expect(errors).toEqual([]);
    expect(schemaErrors(bom)).toBe('');
    const gpu = (
      bom.components as Array<{ name: string; group?: string; version?: string; properties?: Array<{ name: string; value: string }> }>
    )
      .filter((c) => c.group === 'nvidia')
      .map((c) => [c.name, c.version, c.properties?.find((p) => p.name === 'sanctum:location')?.value]);
    expect(gpu).toEqual([
      ['CUDA', '12.4.1', 'rootfs/usr/local/cuda-12.4/version.json'],
      ['cuDNN', '9.1.0', 'rootfs/usr/include/cudnn_version.h'],
      ['NCCL', '2.21.5', 'rootfs/usr/lib/x86_64-linux-gnu/libnccl.so.2.21.5'],
    ]);
  });
});
