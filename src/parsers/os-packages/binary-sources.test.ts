import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../../scan.js';
import { MemoryVulnerabilitySource } from '../../testing/memory-vulnerabilities.js';
import { ImagePackageCollector } from './collector.js';
import { goBinaryManifest } from './go-binary.js';
import { GoBuildInfoError, GoBuildInfoScanner, readGoBuildInfo } from './go-buildinfo.js';
import { osPackagesParser } from './os-packages-parser.js';
import { MemorySourceFile } from '../../core/source-file.js';
import { DEFAULT_LIMITS } from '../../core/parser.js';
import { parseRpmHeaderBlob, parseRpmSqlite, sourceRpmParts } from './rpm.js';
import { SqliteFile, SqliteFormatError } from './sqlite.js';
import { buildGoProgram, goProgramAvailable } from '../../testing/go-program.js';
import { inlineGoElf, legacyGoElf } from '../../testing/go-elf.js';
import { rpmdbSqlite, rpmHeaderBlob, TEST_RPM_PACKAGES } from '../../testing/rpm-db.js';

const has = (cmd: string, args: string[]) => {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const bytesOf = (b: Uint8Array) => ({ size: b.length, read: (o: number, l: number) => b.subarray(o, Math.min(b.length, o + l)) });
const stream = (b: Uint8Array, size: number) => {
  const s = new GoBuildInfoScanner();
  for (let i = 0; i < b.length; i += size) s.push(b.subarray(i, i + size));
  return s.result();
};

async function* chunksOf(b: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'sanctum-ospkgs-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

// ---- rpm: a real rpmdb.sqlite written by Debian's rpm into a temporary root --------------------------

const RPM = has('rpmbuild', ['--version']) && has('rpm', ['--version']);
const SPEC = (name: string, extra: string) => `Name: ${name}
Version: %{v}
Release: %{r}
Summary: Sanctum test fixture
License: %{lic}
BuildArch: x86_64
${extra}
%description
Fixture for Sanctum's rpm database reader.
`;

let rpmRoot: string | undefined;
function buildRpmRoot(): string {
  rpmRoot ??= makeRpmRoot();
  return rpmRoot;
}

function makeRpmRoot(): string {
  const top = join(work, 'rpmbuild');
  for (const d of ['SPECS', 'BUILD', 'RPMS', 'SOURCES', 'SRPMS', 'BUILDROOT']) mkdirSync(join(top, d), { recursive: true });
  // openssl's `libs` subpackage: a binary package whose source RPM has another name, with an epoch.
  writeFileSync(
    join(top, 'SPECS', 'openssl.spec'),
    SPEC('openssl', 'Epoch: 1\n%package libs\nSummary: libs\n%description libs\nlibs\n%files libs\n'),
  );
  writeFileSync(join(top, 'SPECS', 'bash.spec'), SPEC('bash', '%files\n'));
  const build = (spec: string, v: string, r: string, lic: string) =>
    execFileSync(
      'rpmbuild',
      ['--define', `_topdir ${top}`, '--define', `v ${v}`, '--define', `r ${r}`, '--define', `lic ${lic}`, '-bb', join(top, 'SPECS', spec)],
      { stdio: 'ignore' },
    );
  build('openssl.spec', '3.0.7', '24.el9', 'Apache-2.0');
  build('bash.spec', '5.1.8', '6.el9_1', 'GPL-3.0-or-later');
  const root = join(work, 'rocky');
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(
    join(root, 'etc', 'os-release'),
    'NAME="Rocky Linux"\nVERSION="9.3 (Blue Onyx)"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.3"\n',
  );
  const rpms = ['x86_64/openssl-libs-3.0.7-24.el9.x86_64.rpm', 'x86_64/bash-5.1.8-6.el9_1.x86_64.rpm'].map((f) => join(top, 'RPMS', f));
  execFileSync('rpm', ['--root', root, '--dbpath', '/var/lib/rpm', '--initdb'], { stdio: 'ignore' });
  execFileSync('rpm', ['--root', root, '--dbpath', '/var/lib/rpm', '-i', '--nodeps', '--noscripts', '--ignorearch', ...rpms], {
    stdio: 'ignore',
  });
  return root;
}

describe.skipIf(!RPM)(
  `rpm database (rpmdb.sqlite)${RPM ? '' : ' (skipped: rpm and rpmbuild are not installed; .ci/setup.d/41-rpm.sh installs them)'}`,
  () => {
    let root: string;
    beforeAll(() => {
      root = buildRpmRoot();
    }, 120_000);

    it('lists packages with epoch, release, architecture, licence and source RPM', () => {
      const db = readFileSync(join(root, 'var/lib/rpm/rpmdb.sqlite'));
      const m = parseRpmSqlite(bytesOf(db), undefined);
      expect(m.problems).toEqual([]);
      expect(m.binary).toBe(true);
      const rows = m.packages.map((p) => [p.name, p.version, p.os?.arch, p.license, p.os?.sourceName, p.os?.sourceVersion]);
      expect(rows.sort()).toEqual([
        ['bash', '5.1.8-6.el9_1', 'x86_64', 'GPL-3.0-or-later', undefined, undefined],
        ['openssl-libs', '1:3.0.7-24.el9', 'x86_64', 'Apache-2.0', 'openssl', undefined],
      ]);
    });

    it('is scanned in a root filesystem, matched as Rocky Linux 9 under binary and source names, reported on the file', async () => {
      const source = new MemoryVulnerabilitySource([
        {
          // A record written for this test in the shape of Rocky Linux's OSV records.
          id: 'TEST-RLSA-0001',
          summary: 'openssl: test advisory',
          affected: [
            {
              package: { ecosystem: 'Rocky Linux:9', name: 'openssl-libs' },
              ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1:3.0.7-25.el9_3' }] }],
            },
            {
              package: { ecosystem: 'Rocky Linux:8', name: 'openssl-libs' },
              ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1:1.1.1k-12.el8_9' }] }],
            },
          ],
        },
      ]);
      const r = await scan({ targets: [root], cwd: work, scanners: ['deps'], vulnerabilities: source, config: false });
      expect(r.errors).toEqual([]);
      expect(r.findings.map((f) => [f.ruleId, f.location.path, f.location.startLine, f.message, f.package?.purl])).toEqual([
        [
          'SCA-0001',
          'rocky/var/lib/rpm/rpmdb.sqlite',
          undefined,
          'openssl-libs 1:3.0.7-24.el9 (source openssl) is affected by TEST-RLSA-0001: openssl: test advisory; fixed in 1:3.0.7-25.el9_3',
          'pkg:rpm/rocky/openssl-libs@1:3.0.7-24.el9?arch=x86_64&distro=rocky-9.3&upstream=openssl',
        ],
      ]);
    });
  },
);

describe.skipIf(!RPM)(`rpm database through the image collector${RPM ? '' : ' (skipped: rpm is not installed)'}`, () => {
  it('reads the database before the os-release passes, and hands the engine a stand-in reported on the path', async () => {
    const root = buildRpmRoot();
    const c = new ImagePackageCollector();
    expect(c.wants('var/lib/rpm/rpmdb.sqlite', 300_000, 0o644)).toBe(true);
    await c.accept('var/lib/rpm/rpmdb.sqlite', chunksOf(readFileSync(join(root, 'var/lib/rpm/rpmdb.sqlite')), 10_000));
    await c.accept('etc/os-release', readFileSync(join(root, 'etc/os-release')));
    const r = c.result();
    expect(r.manifests.map((m) => [m.path, m.manifest.packages.map((p) => `${p.ecosystem} ${p.name}`).sort()])).toEqual([
      ['var/lib/rpm/rpmdb.sqlite', ['Rocky Linux:9 bash', 'Rocky Linux:9 openssl-libs']],
    ]);
    const source = new MemoryVulnerabilitySource([
      {
        id: 'TEST-RLSA-0002',
        summary: 'bash: test advisory',
        affected: [
          {
            package: { ecosystem: 'Rocky Linux:9', name: 'bash' },
            ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '5.1.8-9.el9' }] }],
          },
        ],
      },
    ]);
    const s = await scan({ targets: ['image'], files: r.files, scanners: ['deps'], vulnerabilities: source, config: false });
    expect(s.errors).toEqual([]);
    expect(s.findings.map((f) => [f.location.path, f.location.startLine, f.message])).toEqual([
      [
        'var/lib/rpm/rpmdb.sqlite',
        undefined,
        'bash 5.1.8-6.el9_1 is affected by TEST-RLSA-0002: bash: test advisory; fixed in 5.1.8-9.el9',
      ],
    ]);
  }, 120_000);
});

describe("rpm database written by SQLite with hand-made headers (the fuzzer's seed)", () => {
  it('lists its packages, overflow pages followed, the imported key left out', () => {
    const db = rpmdbSqlite(
      TEST_RPM_PACKAGES.map(rpmHeaderBlob),
      TEST_RPM_PACKAGES.map((p) => p.name),
    );
    const m = parseRpmSqlite(bytesOf(db), undefined);
    expect(m.problems).toEqual([]);
    expect(m.packages.map((p) => [p.name, p.version, p.os?.arch, p.license, p.os?.sourceName])).toEqual([
      ['bash', '5.1.8-6.el9_1', 'x86_64', 'GPL-3.0-or-later', undefined],
      ['openssl-libs', '1:3.0.7-24.el9', 'x86_64', 'Apache-2.0', 'openssl'],
    ]);
  });
});

describe('rpm database reading is bounded and says what it cannot read', () => {
  it('names the source package of a source RPM file name', () => {
    expect(sourceRpmParts('openssl-3.0.7-24.el9.src.rpm')).toEqual({ name: 'openssl', version: '3.0.7-24.el9' });
    expect(sourceRpmParts('python3.11-3.11.5-1.el9_3.src.rpm')).toEqual({ name: 'python3.11', version: '3.11.5-1.el9_3' });
    expect(sourceRpmParts('nonsense')).toBeUndefined();
  });

  it('refuses a header blob whose sizes do not fit', () => {
    const blob = Buffer.alloc(24);
    blob.writeUInt32BE(1, 0);
    blob.writeUInt32BE(1000, 4);
    expect(parseRpmHeaderBlob(blob)).toBeUndefined();
    expect(parseRpmHeaderBlob(new Uint8Array(3))).toBeUndefined();
  });

  it('reports a file that is not SQLite, and a damaged one, as problems', () => {
    expect(parseRpmSqlite(bytesOf(Buffer.from('not a database at all, just text'.repeat(10))), undefined).problems).toEqual([
      { message: 'rpm database cannot be read: not an SQLite 3 database' },
    ]);
    const head = Buffer.alloc(4096);
    head.write('SQLite format 3\u0000', 0, 'latin1');
    head.writeUInt16BE(4096, 16);
    head[100] = 0x05; // an interior page whose right child is itself: a loop
    head.writeUInt32BE(1, 108);
    expect(() => [...new SqliteFile(bytesOf(head)).rows('Packages')]).toThrow(SqliteFormatError);
    expect(parseRpmSqlite(bytesOf(head), undefined).problems[0].message).toMatch(
      /^rpm database cannot be read: page 1 is referenced twice/,
    );
  });
});

// ---- Go build information ------------------------------------------------------------------------

const GO = goProgramAvailable();

describe.skipIf(!GO)(
  `a Go executable built by Debian's Go toolchain${GO ? '' : ' (skipped: no go toolchain; .ci/setup.d/41-go.sh installs golang-go)'}`,
  () => {
    let bin: string;
    beforeAll(() => {
      bin = buildGoProgram(work);
    }, 300_000);

    it('gives its modules and Go version by positioned reads and from a stream alike', () => {
      const bytes = readFileSync(bin);
      const info = readGoBuildInfo(bytesOf(bytes));
      expect(info?.goVersion).toMatch(/^go1\.\d+/);
      expect(info?.path).toBe('example.com/sanctum-fixture');
      expect(info?.deps).toEqual([{ path: 'example.com/greeting', version: 'v1.2.3' }]);
      expect(stream(bytes, 4093)).toEqual(info);
      expect(stream(bytes, 65536)).toEqual(info);
    });

    it('is found by content in a directory scan, and its standard library matched', async () => {
      const version = /^go(\d+\.\d+\.\d+)/.exec(readGoBuildInfo(bytesOf(readFileSync(bin)))!.goVersion!)![1];
      const next = version.replace(/\d+$/, (n) => String(Number(n) + 1));
      const source = new MemoryVulnerabilitySource([
        {
          // A record in the shape of the Go vulnerability database's, fixed just above this toolchain.
          id: 'TEST-GO-0001',
          summary: 'test advisory on the standard library',
          affected: [
            { package: { ecosystem: 'Go', name: 'stdlib' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: next }] }] },
          ],
        },
      ]);
      const r = await scan({ targets: [join(bin, '..')], cwd: work, scanners: ['deps'], vulnerabilities: source, config: false });
      expect(r.errors).toEqual([]);
      expect(r.findings.map((f) => [f.location.path, f.location.startLine, f.package?.name, f.package?.version])).toEqual([
        ['go-bin/hello', undefined, 'stdlib', version],
      ]);
    });
  },
);

describe('the standard library version of a Go toolchain', () => {
  it('is written as OSV writes it: a release candidate before its release', () => {
    const stdlib = (goVersion: string) =>
      goBinaryManifest({ goVersion, path: 'x', deps: [], settings: [] }).packages.find((p) => p.name === 'stdlib')?.version;
    expect(stdlib('go1.22.1')).toBe('1.22.1');
    expect(stdlib('go1.20')).toBe('1.20.0');
    expect(stdlib('go1.22rc1')).toBe('1.22.0-rc.1');
    expect(stdlib('go1.21rc2 X:boringcrypto')).toBe('1.21.0-rc.2');
    expect(stdlib('go1.20.5 X:boringcrypto')).toBe('1.20.5');
    expect(stdlib('devel go1.23-abcdef')).toBeUndefined();
  });
});

describe('Go >= 1.18 build information (inline layout)', () => {
  const modinfo =
    'path\texample.com/new\nmod\texample.com/new\tv1.2.0\th1:abc=\ndep\tgolang.org/x/net\tv0.17.0\th1:def=\nbuild\tCGO_ENABLED=0\n';

  it('reads the version and modules after the header, in the section or at the start of the writable segment', () => {
    for (const elf of [inlineGoElf('go1.22.1', modinfo), inlineGoElf('go1.22.1', modinfo, { sections: false })]) {
      const info = readGoBuildInfo(bytesOf(elf));
      expect(info).toEqual({
        goVersion: 'go1.22.1',
        path: 'example.com/new',
        main: { path: 'example.com/new', version: 'v1.2.0', sum: 'h1:abc=' },
        deps: [{ path: 'golang.org/x/net', version: 'v0.17.0', sum: 'h1:def=' }],
        settings: [['CGO_ENABLED', '0']],
      });
      expect(stream(elf, 13)).toEqual(info);
    }
  });
});

describe('Go build information behind damaged headers (the fuzzer hid it from the section and segment lookups)', () => {
  const modinfo = 'path\texample.com/app\nmod\texample.com/app\tv1.0.0\t\ndep\tgolang.org/x/net\tv0.17.0\th1:def=\n';
  const parse = (bytes: Buffer) => osPackagesParser.parse(new MemorySourceFile('bin/app', bytes), { limits: DEFAULT_LIMITS });
  /** The program built, its one segment made read-only: Go's reader has no writable segment to look at. */
  const readOnly = () => {
    const elf = inlineGoElf('go1.22.1', modinfo);
    elf.writeUInt32LE(4, 68);
    return elf;
  };
  /** The `.go.buildinfo` entry of the section table pointed at an empty name. */
  const unnamed = () => {
    const elf = readOnly();
    elf.writeUInt32LE(0, Number(elf.readBigUInt64LE(40)) + 2 * 64);
    return elf;
  };
  /** The section table offset pointed past the end of the file. */
  const noSections = () => {
    const elf = readOnly();
    elf.writeBigUInt64LE(0xffffffn, 40);
    return elf;
  };

  it('finds the header by a search of the whole file when the section table is gone or names .go.buildinfo for no section', () => {
    for (const elf of [unnamed(), noSections()]) {
      expect(readGoBuildInfo(bytesOf(elf))?.deps).toEqual([{ path: 'golang.org/x/net', version: 'v0.17.0', sum: 'h1:def=' }]);
      expect(parse(elf).documents).toHaveLength(1);
    }
  });

  it('says a header off its 16-byte alignment, or a section name without any header, is damaged', () => {
    const moved = noSections();
    moved.copy(moved, 129, 128, 160);
    moved[128] = 0;
    expect(parse(moved)).toEqual({
      documents: [],
      errors: [
        {
          message:
            'Go build information cannot be read: a build information header lies at byte 129, off the 16-byte alignment Go writes it at: the file is damaged',
        },
      ],
    });
    const erased = unnamed();
    erased[128] = 0;
    const name = erased.indexOf('.go.buildinfo');
    expect(parse(erased)).toEqual({
      documents: [],
      errors: [
        {
          message: `Go build information cannot be read: the file names a .go.buildinfo section (byte ${name}) but holds no build information header: it is damaged`,
        },
      ],
    });
  });

  it('says a header off its alignment where Go looks is damaged, in an intact file without a .go.buildinfo section, without searching further', () => {
    const other = inlineGoElf('go1.22.1', modinfo);
    // Its header moved off its alignment inside the writable segment's first 64 KiB, where Go's reader looks.
    other.copy(other, 129, 128, 160);
    other[128] = 0;
    const name = other.indexOf('.go.buildinfo');
    other.write('.data.notmine', name, 'latin1');
    const reads: Array<[number, number]> = [];
    expect(() => readGoBuildInfo({ size: other.length, read: (o, l) => (reads.push([o, l]), other.subarray(o, o + l)) })).toThrow(
      new GoBuildInfoError('a build information header lies at byte 129, off the 16-byte alignment Go writes it at: the file is damaged'),
    );
    // The headers, the section names and the writable segment's first 64 KiB (here the whole file, once): no search after them.
    expect(reads.filter(([o, l]) => o === 0 && l >= other.length)).toHaveLength(1);
  });

  it('does not search an intact ELF file without a .go.buildinfo section past the 64 KiB Go looks at', () => {
    const elf = inlineGoElf('go1.22.1', modinfo);
    elf.write('.data.notmine', elf.indexOf('.go.buildinfo'), 'latin1');
    // The file's one writable segment made to start at the header's byte 16: it lies before Go's window.
    elf.writeBigUInt64LE(144n, 72);
    elf.copy(elf, 129, 128, 160);
    elf[128] = 0;
    expect(readGoBuildInfo(bytesOf(elf))).toBeUndefined();
  });
});

describe('the search of a file whose headers cannot be trusted is bounded', () => {
  const modinfo = 'path\texample.com/app\nmod\texample.com/app\tv1.0.0\t\n';
  /**
   * An ELF file of `size` bytes without a section table or a writable segment (as a core dump or a
   * packed executable may be), all zeros but for `placed` bytes; the reads made of it are counted.
   */
  const sparse = (size: number, placed: Array<[number, Buffer]>) => {
    const head = inlineGoElf('go1.22.1', modinfo).subarray(0, 128);
    head.writeUInt32LE(4, 68);
    head.writeBigUInt64LE(0n, 40);
    const parts: Array<[number, Buffer]> = [[0, head], ...placed];
    let read = 0;
    let end = 0;
    const file = {
      size,
      read: (o: number, l: number) => {
        const out = Buffer.alloc(Math.max(0, Math.min(l, size - o)));
        for (const [at, b] of parts) if (at < o + out.length && at + b.length > o) b.copy(out, Math.max(0, at - o), Math.max(0, o - at));
        read += out.length;
        end = Math.max(end, o + out.length);
        return out;
      },
    };
    return { file, counts: () => ({ read, end }) };
  };
  const header = inlineGoElf('go1.22.1', modinfo).subarray(128, 1024);

  it('reads a header in the first 64 MiB, and reads no byte past 64 MiB (and a header) for one beyond', () => {
    const near = sparse(100 << 20, [[(64 << 20) - 1024, header]]);
    expect(readGoBuildInfo(near.file)?.main).toEqual({ path: 'example.com/app', version: 'v1.0.0' });
    const far = sparse(100 << 20, [[(64 << 20) + 1024, header]]);
    expect(readGoBuildInfo(far.file)).toBeUndefined();
    expect(far.counts().end).toBeLessThan((64 << 20) + 64);
    expect(far.counts().read).toBeLessThan((64 << 20) + 4096);
  });

  it('takes the magic off its alignment for a moved header only when a pointer size and flags follow it, not as a string a program holds', () => {
    const text = Buffer.concat([Buffer.from('\xff Go buildinf:', 'latin1'), Buffer.alloc(2)]);
    expect(readGoBuildInfo(sparse(4096, [[1001, text]]).file)).toBeUndefined();
    const moved = Buffer.from(header.subarray(0, 32));
    expect(() => readGoBuildInfo(sparse(4096, [[1001, moved]]).file)).toThrow(
      new GoBuildInfoError('a build information header lies at byte 1001, off the 16-byte alignment Go writes it at: the file is damaged'),
    );
  });
});

describe('Go < 1.18 build information (pointer layout)', () => {
  const modinfo =
    'path\texample.com/old\nmod\texample.com/old\tv1.0.0\th1:abc=\ndep\tgolang.org/x/text\tv0.3.5\th1:def=\n=>\tgolang.org/x/text\tv0.3.7\th1:ghi=\ndep\texample.com/local\tv0.0.0\n=>\t../local\t\n';
  const elf = legacyGoElf('go1.16.15', modinfo);

  it('follows the pointers to the version and module strings', () => {
    const info = readGoBuildInfo(bytesOf(elf));
    expect(info?.goVersion).toBe('go1.16.15');
    expect(info?.main).toEqual({ path: 'example.com/old', version: 'v1.0.0', sum: 'h1:abc=' });
    expect(goBinaryManifest(info!).packages.map((p) => `${p.name}@${p.version}`)).toEqual([
      'example.com/old@v1.0.0',
      'golang.org/x/text@v0.3.7',
      'stdlib@1.16.15',
    ]);
  });

  it('gives the module list from a stream too (without the version string, which lies before the header), whatever the chunk seams', () => {
    for (const size of [7, 13, 64, 100, 165, 168, 1000, 1030, 4096]) {
      const info = stream(elf, size);
      expect(info?.goVersion).toBeUndefined();
      expect(info?.deps.map((d) => d.replacedBy?.version ?? d.version)).toEqual(['v0.3.7', '']);
    }
  });

  it('finds nothing in an ELF file that is not a Go program', () => {
    const other = Buffer.from(elf);
    other.fill(0, 1024, 1040);
    const name = other.indexOf('.go.buildinfo');
    other.write('.data.notmine', name, 'latin1');
    expect(readGoBuildInfo(bytesOf(other))).toBeUndefined();
    expect(stream(other, 64)).toBeUndefined();
  });

  it('says a .go.buildinfo section without its header is damaged build information (found by the fuzzer: a byte inserted before it)', () => {
    const damaged = Buffer.from(elf);
    damaged.copy(damaged, 1025, 1024, 1024 + 32);
    damaged[1024] = 0;
    expect(() => readGoBuildInfo(bytesOf(damaged))).toThrow(
      new GoBuildInfoError('the .go.buildinfo section holds no build information header'),
    );
    expect(osPackagesParser.parse(new MemorySourceFile('bin/tool', damaged), { limits: DEFAULT_LIMITS })).toEqual({
      documents: [],
      errors: [{ message: 'Go build information cannot be read: the .go.buildinfo section holds no build information header' }],
    });
  });
});
