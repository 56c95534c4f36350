import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MemorySourceFile } from '../../core/source-file.js';
import { parseApkInstalled } from './apk.js';
import { ImagePackageCollector } from './collector.js';
import { parseDpkgStatus } from './dpkg.js';
import { gpuFromManifest } from './gpu-stack.js';
import { identifyOs, identifyOsRelease } from './os-release.js';
import { packageDatabaseOf } from './rootfs.js';
import { purlOf } from '../deps/purl.js';

const fixture = (name: string) => readFileSync(new URL(`../../testing/os-packages/${name}`, import.meta.url), 'utf8');
const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

describe('OS identity', () => {
  it('reads Debian 12 from its os-release', () => {
    const os = identifyOsRelease(fixture('debian-12-os-release'), 'usr/lib/os-release');
    expect(os).toEqual({
      id: 'debian',
      versionId: '12',
      name: 'Debian GNU/Linux 12 (bookworm)',
      ecosystem: 'Debian:12',
      matched: true,
      source: 'usr/lib/os-release',
    });
  });

  it.each([
    ['ID=ubuntu\nVERSION_ID="22.04"\nVERSION="22.04.4 LTS (Jammy Jellyfish)"\n', 'Ubuntu:22.04:LTS', true],
    ['ID=ubuntu\nVERSION_ID="24.10"\nVERSION="24.10 (Oracular Oriole)"\n', 'Ubuntu:24.10', true],
    ['ID=alpine\nVERSION_ID=3.20.3\n', 'Alpine:v3.20', true],
    ['ID="rhel"\nVERSION_ID="9.4"\n', 'Red Hat:enterprise_linux:9', true],
    ['ID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.3"\n', 'Rocky Linux:9', true],
    ['ID="almalinux"\nVERSION_ID="8.4"\n', 'AlmaLinux:8', true],
    ['ID="sles"\nVERSION_ID="15.5"\n', 'SUSE:Linux Enterprise Server 15 SP5', true],
    ['ID="opensuse-leap"\nVERSION_ID="15.5"\n', 'openSUSE:Leap 15.5', true],
    ['ID=wolfi\nVERSION_ID="20230201"\n', 'Wolfi', true],
    ['ID=fedora\nVERSION_ID=40\n', 'Fedora:40', false],
    ['ID=debian\n', 'Debian', false],
    ['ID=linuxmint\nID_LIKE="ubuntu debian"\nVERSION_ID="21.3"\n', 'Ubuntu', false],
  ])('%j is %s (matched: %s)', (text, ecosystem, matched) => {
    const os = identifyOsRelease(text, 'etc/os-release');
    expect(os?.ecosystem).toBe(ecosystem);
    expect(os?.matched).toBe(matched);
  });

  it('reads alpine-release, debian_version and redhat-release', () => {
    expect(identifyOs('etc/alpine-release', '3.19.1\n')?.ecosystem).toBe('Alpine:v3.19');
    expect(identifyOs('etc/debian_version', '11.9\n')?.ecosystem).toBe('Debian:11');
    expect(identifyOs('etc/debian_version', 'trixie/sid\n')).toMatchObject({ ecosystem: 'Debian', matched: false });
    expect(identifyOs('etc/redhat-release', 'Rocky Linux release 9.4 (Blue Onyx)\n')?.ecosystem).toBe('Rocky Linux:9');
    expect(identifyOs('etc/os-release', 'NAME=nothing\n')).toBeUndefined();
  });
});

describe('package database paths', () => {
  it.each([
    ['var/lib/dpkg/status', 'dpkg', ''],
    ['rootfs/var/lib/dpkg/status', 'dpkg', 'rootfs/'],
    ['var/lib/dpkg/status.d/libssl3', 'dpkg', ''],
    ['lib/apk/db/installed', 'apk', ''],
    ['var/lib/rpm/rpmdb.sqlite', 'rpm-sqlite', ''],
    ['usr/lib/sysimage/rpm/rpmdb.sqlite', 'rpm-sqlite', ''],
    ['var/lib/rpm/Packages', 'rpm-bdb', ''],
  ])('%s is a %s database', (path, format, root) => {
    expect(packageDatabaseOf(path)).toEqual({ format, root });
  });
  it('ignores the rest', () => {
    expect(packageDatabaseOf('var/lib/dpkg/status.d/libssl3.md5sums')).toBeUndefined();
    expect(packageDatabaseOf('var/lib/dpkg/status-old')).toBeUndefined();
    expect(packageDatabaseOf('docs/status')).toBeUndefined();
  });
});

describe('dpkg status', () => {
  const text = fixture('debian-12.1-status');
  const os = identifyOsRelease(fixture('debian-12-os-release'), 'usr/lib/os-release');
  const m = parseDpkgStatus(text, os);

  it('lists installed packages with their source packages, at their Package line', () => {
    expect(m.problems).toEqual([]);
    expect(m.packages.map((p) => [p.name, p.version, p.os?.sourceName, p.os?.sourceVersion, lineOf(text, p.span.start)])).toEqual([
      ['base-files', '12.4+deb12u15', undefined, undefined, 1],
      ['bash', '5.2.15-2+b13', undefined, '5.2.15-2', 28],
      ['libc-bin', '2.36-9+deb12u1', 'glibc', undefined, 62],
      ['libc6', '2.36-9+deb12u1', 'glibc', undefined, 93],
      ['zlib1g', '1:1.2.13.dfsg-1', 'zlib', undefined, 115],
    ]);
    expect(text.slice(m.packages[3].span.start, m.packages[3].span.end)).toBe('Package: libc6');
  });

  it('gives each package its OS ecosystem, architecture, dependencies and purl', () => {
    const libc6 = m.packages[3];
    expect(libc6.ecosystem).toBe('Debian:12');
    expect(libc6.os).toEqual({ format: 'deb', vendor: 'debian', distro: 'debian-12', arch: 'amd64', sourceName: 'glibc' });
    expect(libc6.dependsOn).toEqual(['libgcc-s1']);
    expect(purlOf(libc6)).toBe('pkg:deb/debian/libc6@2.36-9+deb12u1?arch=amd64&distro=debian-12&upstream=glibc');
    expect(purlOf(m.packages[1])).toBe('pkg:deb/debian/bash@5.2.15-2+b13?arch=amd64&distro=debian-12&upstream=bash%405.2.15-2');
  });

  it('reads a distroless status.d stanza (no Status field) and reports unreadable versions', () => {
    const d = parseDpkgStatus(
      'Package: libssl3\nVersion: 3.0.11-1~deb12u2\nArchitecture: amd64\nSource: openssl\n\nPackage: broken\nVersion: not a version\n',
      os,
    );
    expect(d.packages.map((p) => [p.name, p.version, p.os?.sourceName])).toEqual([['libssl3', '3.0.11-1~deb12u2', 'openssl']]);
    expect(d.problems).toEqual([{ message: "package broken has an unreadable version 'not a version'; not matched" }]);
  });
});

describe('apk installed', () => {
  const text = fixture('alpine-3.14-installed');
  const os = identifyOsRelease(fixture('alpine-3.14-os-release'), 'etc/os-release');
  const m = parseApkInstalled(text, os);

  it('lists packages with their origin, licence and dependencies, at their P: line', () => {
    expect(m.problems).toEqual([]);
    expect(m.packages.map((p) => [p.name, p.version, p.ecosystem, p.os?.sourceName, p.license, lineOf(text, p.span.start)])).toEqual([
      ['musl', '1.2.2-r3', 'Alpine:v3.14', undefined, 'MIT', 1],
      ['libcrypto1.1', '1.1.1k-r0', 'Alpine:v3.14', 'openssl', 'OpenSSL', 15],
      ['apk-tools', '2.12.5-r1', 'Alpine:v3.14', undefined, 'GPL-2.0-only', 26],
    ]);
    expect(m.packages[2].dependsOn).toEqual(['musl', 'ca-certificates-bundle']);
    expect(purlOf(m.packages[1])).toBe('pkg:apk/alpine/libcrypto1.1@1.1.1k-r0?arch=x86_64&distro=alpine-3.14.0&upstream=openssl');
  });

  it('keeps the control checksum as a SHA-1 hash', () => {
    const c = parseApkInstalled('P:zlib\nV:1.2.11-r3\nC:Q1Lx3zU3dcCqhChvnWjOdZ4fWpHLM=\n', os);
    expect(c.packages[0].hashes).toEqual(['sha1-Lx3zU3dcCqhChvnWjOdZ4fWpHLM=']);
  });
});

describe('ImagePackageCollector', () => {
  async function* chunks(text: string, size: number): AsyncIterable<Uint8Array> {
    const b = Buffer.from(text);
    for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
  }

  it('ties an apk database seen before the os-release to that OS, from streamed chunks', async () => {
    const c = new ImagePackageCollector();
    expect(c.wants('/lib/apk/db/installed', 100, 0o100644)).toBe(true);
    await c.accept('/lib/apk/db/installed', chunks(fixture('alpine-3.14-installed'), 7));
    expect(c.wants('etc/os-release', 10, 0o120777)).toBe(false); // a symbolic link
    expect(c.wants('./usr/lib/os-release', 100, 0o644)).toBe(true);
    await c.accept('./usr/lib/os-release', Buffer.from(fixture('alpine-3.14-os-release')));
    expect(c.wants('usr/bin/env', 100, 0o755)).toBe(false); // too small to be a Go program
    const r = c.result();
    expect(r.os?.ecosystem).toBe('Alpine:v3.14');
    expect(r.endOfLife).toEqual({ date: '2023-05-01', ended: true });
    expect(r.errors).toEqual([]);
    expect(r.files.map((f) => f.path)).toEqual(['lib/apk/db/installed', 'usr/lib/os-release']);
    expect(r.manifests[0].manifest.packages.map((p) => `${p.ecosystem} ${p.name}`)).toEqual([
      'Alpine:v3.14 musl',
      'Alpine:v3.14 libcrypto1.1',
      'Alpine:v3.14 apk-tools',
    ]);
  });

  it('keeps the last layer’s copy, forgets deleted paths, bounds entries, and collects installed language packages', async () => {
    const c = new ImagePackageCollector({ maxEntryBytes: 1000 });
    await c.accept('var/lib/dpkg/status', Buffer.from('Package: a\nStatus: install ok installed\nVersion: 1.0-1\n'));
    await c.accept('var/lib/dpkg/status', Buffer.from('Package: b\nStatus: install ok installed\nVersion: 2.0-1\n'));
    await c.accept('var/lib/dpkg/status.d/gone', Buffer.from('Package: gone\nVersion: 1.0\n'));
    c.forget('var/lib/dpkg/status.d/gone');
    expect(c.wants('usr/lib/python3/site-packages/torch-2.1.0.dist-info/METADATA', 5000, 0o644)).toBe(false);
    expect(c.wants('usr/lib/python3/site-packages/numpy-1.26.0.dist-info/METADATA', 100, 0o644)).toBe(true);
    await c.accept(
      'usr/lib/python3/site-packages/numpy-1.26.0.dist-info/METADATA',
      Buffer.from('Metadata-Version: 2.1\nName: numpy\nVersion: 1.26.0\n'),
    );
    expect(c.wants('app/node_modules/@scope/pkg/package.json', 100, 0o644)).toBe(true);
    expect(c.wants('app/node_modules/pkg/lib/package.json', 100, 0o644)).toBe(false);
    expect(c.wants('var/lib/rpm/Packages', 100, 0o644)).toBe(false);
    const r = c.result();
    expect(r.os).toBeUndefined();
    expect(r.manifests.map((m) => [m.path, m.manifest.packages.map((p) => `${p.name}@${p.version}`)])).toEqual([
      ['usr/lib/python3/site-packages/numpy-1.26.0.dist-info/METADATA', ['numpy@1.26.0']],
      ['var/lib/dpkg/status', ['b@2.0-1']],
    ]);
    expect(r.errors).toEqual([
      {
        path: 'usr/lib/python3/site-packages/torch-2.1.0.dist-info/METADATA',
        message: '5000 bytes, over the 1000-byte limit for a package database or metadata file; not read',
      },
      {
        path: 'var/lib/rpm/Packages',
        message:
          'rpm BerkeleyDB database (var/lib/rpm/Packages: RHEL/CentOS ≤ 8, Amazon Linux 2, older Fedora and SUSE) is not read: its packages are not inventoried or matched',
      },
    ]);
  });

  it('tells the GPU stack from version files, headers, library names and NVIDIA packages', async () => {
    const c = new ImagePackageCollector({ today: '2026-12-04' });
    await c.accept('etc/os-release', Buffer.from('ID=ubuntu\nVERSION_ID="22.04"\nVERSION="22.04.4 LTS (Jammy Jellyfish)"\n'));
    expect(c.wants('usr/local/cuda-12.4/version.json', 2000, 0o644)).toBe(true);
    await c.accept(
      'usr/local/cuda-12.4/version.json',
      Buffer.from('{"cuda": {"name": "CUDA SDK", "version": "12.4.1"}, "cuda_cudart": {"version": "12.4.127"}}'),
    );
    await c.accept(
      'usr/include/x86_64-linux-gnu/cudnn_version_v9.h',
      Buffer.from('#define CUDNN_MAJOR 9\n#define CUDNN_MINOR 1\n#define CUDNN_PATCHLEVEL 0\n'),
    );
    expect(c.wants('usr/lib/x86_64-linux-gnu/libnccl.so.2.21.5', 200_000_000, 0o644)).toBe(false);
    expect(c.wants('usr/lib/x86_64-linux-gnu/libcudnn.so.9', 20, 0o120777)).toBe(false);
    await c.accept(
      'var/lib/dpkg/status',
      Buffer.from(
        'Package: libcudnn9-cuda-12\nStatus: install ok installed\nArchitecture: amd64\nVersion: 9.1.0.70-1\n\nPackage: libnccl2\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.21.5-1+cuda12.4\n',
      ),
    );
    const r = c.result();
    expect(r.endOfLife).toEqual({ date: '2027-06-01', ended: false });
    expect(r.gpu.cuda).toEqual({ name: 'cuda', version: '12.4.1', source: 'usr/local/cuda-12.4/version.json', evidence: 'version-file' });
    expect(r.gpu.cudnn).toEqual({
      name: 'cudnn',
      version: '9.1.0',
      source: 'usr/include/x86_64-linux-gnu/cudnn_version_v9.h',
      evidence: 'header',
    });
    expect(r.gpu.nccl).toEqual({ name: 'nccl', version: '2.21.5', source: 'var/lib/dpkg/status:6', evidence: 'package' });
    expect(r.gpu.components.map((g) => `${g.name} ${g.version} ${g.evidence}`)).toEqual([
      'cuda 12.4.1 version-file',
      'cudnn 9.1.0 header',
      'cudnn 9.1.0.70 package',
      'nccl 2.21.5 library',
      'nccl 2.21.5 package',
    ]);
  });

  it('hands the engine files tied to the OS', async () => {
    const c = new ImagePackageCollector();
    await c.accept('etc/os-release', Buffer.from(fixture('debian-12-os-release')));
    await c.accept('var/lib/dpkg/status', Buffer.from(fixture('debian-12.1-status')));
    const { files, manifests } = c.result();
    expect(files[0]).toBeInstanceOf(MemorySourceFile);
    expect(manifests[0].manifest.os?.ecosystem).toBe('Debian:12');
    expect(manifests[0].manifest.packages[0].ecosystem).toBe('Debian:12');
  });
});

describe('GPU components of a package database', () => {
  it('are placed on their lines in one pass over the text (each package counted the lines before it from the start)', () => {
    const stanza = (i: number) => `Package: libnccl${i}\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.21.${i}-1\n`;
    const text = Array.from({ length: 60_000 }, (_, i) => stanza(i)).join('\n');
    const gpu = gpuFromManifest('var/lib/dpkg/status', parseDpkgStatus(text, identifyOs('etc/debian_version', '12.5\n')), text);
    expect(gpu).toHaveLength(60_000);
    expect(gpu[0]).toEqual({ name: 'nccl', version: '2.21.0', source: 'var/lib/dpkg/status:1', evidence: 'package' });
    expect(gpu[59_999]).toEqual({ name: 'nccl', version: '2.21.59999', source: 'var/lib/dpkg/status:299996', evidence: 'package' });
  });
});
