import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scan } from '../src/scan.js';
import { testVulnerabilities } from '../src/testing/memory-vulnerabilities.js';

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
