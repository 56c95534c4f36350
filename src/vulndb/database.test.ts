import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { zip } from '../rules/models/lib/builders/zip-builder.js';
import { cacheDir, databaseDisplayPath, DatabaseError, defaultDatabaseDir, VulnerabilityDatabase } from './database.js';
import { importOsv, ImportError } from './import.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'test', 'corpora', 'osv');

let work: string;
let dbDir: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'sanctum-vulndb-'));
  dbDir = join(work, 'cache', 'db');
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

function open(): VulnerabilityDatabase {
  const db = VulnerabilityDatabase.open(dbDir);
  if (!db) throw new Error('no database');
  return db;
}

const record = (id: string, name: string, fixed: string, extra: object = {}) =>
  JSON.stringify({
    id,
    modified: '2024-01-01T00:00:00Z',
    affected: [{ package: { ecosystem: 'PyPI', name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }],
    ...extra,
  });

describe('import of the OSV fixtures and lookups', () => {
  it('finds each advisory by the ecosystem rules, with fixed versions, aliases and severity', () => {
    const r = importOsv(dbDir, [FIXTURES], { now: new Date('2025-01-01T00:00:00Z') });
    expect(r.problems).toEqual([]);
    expect(r.imported).toBe(15);
    const db = open();
    try {
      const torch = db.affecting({ ecosystem: 'PyPI', name: 'torch', version: '2.5.1+cu121' });
      expect(torch).toEqual([
        {
          id: 'GHSA-53q9-r3pm-6pq6',
          aliases: ['CVE-2025-32434'],
          summary: 'PyTorch: `torch.load` with `weights_only=True` leads to remote code execution',
          severity: 'critical',
          cvss: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N',
          fixed: ['2.6.0'],
          references: [
            'https://github.com/pytorch/pytorch/security/advisories/GHSA-53q9-r3pm-6pq6',
            'https://nvd.nist.gov/vuln/detail/CVE-2025-32434',
            'https://github.com/pytorch/pytorch',
          ],
          malicious: false,
        },
      ]);
      expect(db.affecting({ ecosystem: 'PyPI', name: 'Torch', version: '2.6.0' })).toEqual([]);
      expect(db.affecting({ ecosystem: 'pypi', name: 'torch', version: '2.6.0rc1' }).map((m) => m.id)).toEqual(['GHSA-53q9-r3pm-6pq6']);
      // A PyPA record: no severity (medium), a GIT range whose commit is not a fixed version.
      expect(db.affecting({ ecosystem: 'PyPI', name: 'mlflow', version: '2.9.2' }).map((m) => [m.id, m.severity, m.fixed])).toEqual([
        ['PYSEC-2024-51', 'medium', ['2.10.1']],
      ]);

      const lodash = db.affecting({ ecosystem: 'npm', name: 'lodash', version: '4.17.20' });
      expect(lodash.map((m) => [m.id, m.severity, m.fixed])).toEqual([['GHSA-35jh-r3h4-6jhm', 'high', ['4.17.21']]]);
      expect(db.affecting({ ecosystem: 'npm', name: 'lodash', version: '4.17.21' })).toEqual([]);
      expect(db.affecting({ ecosystem: 'npm', name: 'lodash.template', version: '4.5.0' })[0]?.fixed).toEqual([]);
      expect(db.affecting({ ecosystem: 'RubyGems', name: 'lodash-rails', version: '4.17.20' })).toHaveLength(1);

      expect(db.affecting({ ecosystem: 'Go', name: 'golang.org/x/net', version: 'v0.0.0-20230101000000-abcdef123456' })[0]?.fixed).toEqual([
        '0.17.0',
      ]);
      expect(db.affecting({ ecosystem: 'Go', name: 'golang.org/x/net', version: 'v0.17.0' })).toEqual([]);
      expect(db.affecting({ ecosystem: 'Go', name: 'stdlib', version: 'v1.21.2' })[0]?.fixed).toEqual(['1.21.3']);
      expect(db.affecting({ ecosystem: 'Go', name: 'Golang.org/x/net', version: 'v0.1.0' })).toEqual([]);

      const glibc12 = (version: string) => db.affecting({ ecosystem: 'Debian:12', name: 'glibc', version });
      expect(glibc12('2.36-9+deb12u2').map((m) => [m.id, m.fixed])).toEqual([
        ['DSA-5514-1', ['2.36-9+deb12u3']],
        ['DEBIAN-CVE-2010-4756', []],
      ]);
      // Fixed by the DSA; the unfixed low-urgency CVE stays.
      expect(glibc12('2.36-9+deb12u3').map((m) => m.id)).toEqual(['DEBIAN-CVE-2010-4756']);
      expect(db.affecting({ ecosystem: 'Debian:11', name: 'glibc', version: '2.31-13+deb11u6' })[0]?.fixed).toEqual(['2.31-13+deb11u7']);
      expect(db.affecting({ ecosystem: 'Debian:12', name: 'openssl', version: '3.0.11-1~deb12u1' })).toEqual([]);
      expect(db.affecting({ ecosystem: 'Debian:12', name: 'openssl', version: '3.0.9-1' })).toHaveLength(1);

      expect(db.affecting({ ecosystem: 'Alpine:v3.20', name: 'busybox', version: '1.36.1-r1' })[0]).toMatchObject({
        severity: 'critical',
        fixed: ['1.36.1-r2'],
      });
      expect(db.affecting({ ecosystem: 'Alpine:v3.18', name: 'busybox', version: '1.36.1-r1' })).toEqual([]);

      const rh = db.affecting({ ecosystem: 'Red Hat:enterprise_linux:8::baseos', name: 'openssl', version: '1:1.1.1k-7.el8' });
      expect(rh.map((m) => [m.id, m.severity, m.fixed])).toEqual([['RHSA-2023:7877', 'medium', ['1:1.1.1k-12.el8_9']]]);
    } finally {
      db.close();
    }
  });

  it('reports malicious packages whatever the version, and as affecting the listed one', () => {
    importOsv(dbDir, [join(FIXTURES, 'MAL-2024-4720.json')]);
    const db = open();
    expect(db.knownMalicious('PyPI', '1337TEST').map((m) => [m.id, m.severity, m.malicious])).toEqual([
      ['MAL-2024-4720', 'critical', true],
    ]);
    expect(db.affecting({ ecosystem: 'PyPI', name: '1337test', version: '1' })).toHaveLength(1);
    expect(db.affecting({ ecosystem: 'PyPI', name: '1337test', version: '2' })).toEqual([]);
    expect(db.knownMalicious('PyPI', 'torch')).toEqual([]);
    db.close();
  });

  it('normalises PyPI names as PEP 503 does', () => {
    writeFileSync(join(work, 'a.json'), record('PYSEC-1', 'Zope.Interface', '2.0'));
    importOsv(dbDir, [join(work, 'a.json')]);
    const db = open();
    for (const name of ['zope.interface', 'zope-interface', 'ZOPE_INTERFACE', 'zope__interface']) {
      expect(db.affecting({ ecosystem: 'PyPI', name, version: '1.0' }), name).toHaveLength(1);
    }
    db.close();
  });
});

describe('import from archives and repeated imports', () => {
  it('reads an all.zip as OSV publishes it, deflated members and all', () => {
    const archive = zip()
      .add('PYSEC-1.json', record('PYSEC-1', 'a', '2.0'), { method: 'deflate' })
      .add('PYSEC-2.json', record('PYSEC-2', 'b', '3.0'))
      .add('notes.txt', 'ignored')
      .build();
    writeFileSync(join(work, 'all.zip'), archive);
    const r = importOsv(dbDir, [join(work, 'all.zip')]);
    expect(r).toMatchObject({ imported: 2, total: 2, problems: [] });
    const db = open();
    expect(db.affecting({ ecosystem: 'PyPI', name: 'b', version: '2.9' })).toHaveLength(1);
    expect(db.meta.ecosystems.PyPI).toMatchObject({ records: 2, sources: ['all.zip'] });
    db.close();
  });

  it('keeps earlier imports, replaces a record by its id, and drops withdrawn ones', () => {
    writeFileSync(
      join(work, '1.json'),
      JSON.stringify([JSON.parse(record('PYSEC-1', 'a', '2.0')), JSON.parse(record('PYSEC-2', 'b', '2.0'))]),
    );
    importOsv(dbDir, [join(work, '1.json')]);
    writeFileSync(join(work, '2.json'), record('PYSEC-1', 'a', '5.0', { modified: '2024-06-01T00:00:00Z' }));
    writeFileSync(
      join(work, '3.json'),
      record('PYSEC-2', 'b', '2.0', { modified: '2024-06-01T00:00:00Z', withdrawn: '2024-06-01T00:00:00Z' }),
    );
    writeFileSync(join(work, '4.json'), record('GHSA-x', 'c', '1.0'));
    const r = importOsv(dbDir, [join(work, '2.json'), join(work, '3.json'), join(work, '4.json')]);
    expect(r).toMatchObject({ imported: 2, skipped: 1, total: 2 });
    const db = open();
    expect(db.affecting({ ecosystem: 'PyPI', name: 'a', version: '4.0' })[0]?.fixed).toEqual(['5.0']);
    expect(db.affecting({ ecosystem: 'PyPI', name: 'b', version: '1.0' })).toEqual([]);
    expect(db.affecting({ ecosystem: 'PyPI', name: 'c', version: '0.5' })).toHaveLength(1);
    db.close();
    // An older copy of a record does not replace a newer one.
    writeFileSync(join(work, '5.json'), record('PYSEC-1', 'a', '3.0', { modified: '2023-01-01T00:00:00Z' }));
    importOsv(dbDir, [join(work, '5.json')]);
    const again = open();
    expect(again.affecting({ ecosystem: 'PyPI', name: 'a', version: '4.0' })[0]?.fixed).toEqual(['5.0']);
    again.close();
    expect(readdirSync(join(work, 'cache'))).toEqual(['db']);
  });

  it('stores the records of one package together, superseded copies left out', () => {
    // Interleaved as an all.zip lists them (by id), with a newer copy of one record coming later.
    const recs = ['a', 'b', 'a', 'b', 'a'].map((name, i) => JSON.parse(record(`PYSEC-${i}`, name, `${i + 1}.0`)));
    recs.push(JSON.parse(record('PYSEC-1', 'b', '9.0', { modified: '2024-06-01T00:00:00Z' })));
    writeFileSync(join(work, 'all.json'), JSON.stringify(recs));
    importOsv(dbDir, [join(work, 'all.json')]);
    const lines = readFileSync(join(dbDir, 'records.jsonl'), 'utf8').trimEnd().split('\n');
    const stored = lines.map((l) => JSON.parse(l) as { id: string; affected: Array<{ name: string }> });
    expect(stored.map((r) => `${r.affected[0].name}:${r.id}`)).toEqual(['a:PYSEC-0', 'a:PYSEC-2', 'a:PYSEC-4', 'b:PYSEC-3', 'b:PYSEC-1']);
    const db = open();
    expect(db.affecting({ ecosystem: 'PyPI', name: 'a', version: '0.5' }).map((m) => m.id)).toEqual(['PYSEC-0', 'PYSEC-2', 'PYSEC-4']);
    expect(db.affecting({ ecosystem: 'PyPI', name: 'b', version: '5.0' }).map((m) => [m.id, m.fixed])).toEqual([['PYSEC-1', ['9.0']]]);
    db.close();
  });

  it('a full download of an ecosystem replaces its old records, and only its', () => {
    writeFileSync(
      join(work, 'old.json'),
      JSON.stringify([
        JSON.parse(record('PYSEC-OLD', 'a', '2.0')),
        { id: 'GHSA-npm', affected: [{ package: { ecosystem: 'npm', name: 'x' }, versions: ['1.0.0'] }] },
      ]),
    );
    importOsv(dbDir, [join(work, 'old.json')]);
    writeFileSync(join(work, 'new.json'), record('PYSEC-NEW', 'b', '2.0'));
    const r = importOsv(dbDir, [join(work, 'new.json')], { replaceEcosystems: ['PyPI'] });
    expect(r.total).toBe(2);
    const db = open();
    expect(db.affecting({ ecosystem: 'PyPI', name: 'a', version: '1.0' })).toEqual([]);
    expect(db.affecting({ ecosystem: 'npm', name: 'x', version: '1.0.0' })).toHaveLength(1);
    db.close();
  });
});

describe('bad input and bounds', () => {
  it('reports broken files and non-OSV JSON, and imports the rest', () => {
    mkdirSync(join(work, 'in'));
    writeFileSync(join(work, 'in', 'broken.json'), '{ "id": ');
    writeFileSync(join(work, 'in', 'other.json'), '{"name": "not osv"}');
    writeFileSync(join(work, 'in', 'good.json'), record('PYSEC-1', 'a', '2.0'));
    writeFileSync(join(work, 'in', 'empty.zip'), 'PK\u0003\u0004 truncated');
    const r = importOsv(dbDir, [join(work, 'in')]);
    expect(r.imported).toBe(1);
    expect(r.problems.map((p) => p.path.replace(work, ''))).toEqual(['/in/broken.json', '/in/empty.zip', '/in/other.json']);
    expect(r.problems[0].message).toMatch(/^not JSON/);
    expect(r.problems[2].message).toBe('OSV record without an "id"');
  });

  it('refuses a missing input without touching the database', () => {
    writeFileSync(join(work, 'a.json'), record('PYSEC-1', 'a', '2.0'));
    importOsv(dbDir, [join(work, 'a.json')]);
    expect(() => importOsv(dbDir, [join(work, 'missing.zip')])).toThrow(ImportError);
    expect(open().meta.records).toBe(1);
    expect(readdirSync(join(work, 'cache'))).toEqual(['db']);
  });

  it('bounds records, archive entries and decompressed bytes', () => {
    const big = record('PYSEC-BIG', 'a', '2.0', { details: 'x'.repeat(5000) });
    const archive = zip()
      .add('PYSEC-1.json', record('PYSEC-1', 'a', '2.0'))
      .add('PYSEC-BIG.json', big, { method: 'deflate' })
      .add('PYSEC-3.json', record('PYSEC-3', 'c', '2.0'))
      .build();
    writeFileSync(join(work, 'all.zip'), archive);
    const r = importOsv(dbDir, [join(work, 'all.zip')], { limits: { maxRecordBytes: 1000, maxEntries: 2 } });
    expect(r.imported).toBe(1);
    expect(r.problems.map((p) => p.message)).toEqual([
      'zip archive has 3 members, over the limit of 2 members per archive: 1 member(s) not read',
      `record is ${Buffer.byteLength(big)} bytes, over the 1000-byte limit; skipped`,
    ]);
    const bomb = zip()
      .add('PYSEC-1.json', record('PYSEC-1', 'a', '2.0') + ' '.repeat(100_000), { method: 'deflate' })
      .build();
    writeFileSync(join(work, 'bomb.zip'), bomb);
    const b = importOsv(join(work, 'db2'), [join(work, 'bomb.zip')], { limits: { maxDecompressedBytes: 10_000 } });
    expect(b.imported).toBe(0);
    expect(b.problems[0].message).toMatch(/decompress/);
  });

  it('says when the database is damaged, and opens nothing when there is none', () => {
    expect(VulnerabilityDatabase.open(dbDir)).toBeUndefined();
    writeFileSync(join(work, 'a.json'), record('PYSEC-1', 'a', '2.0'));
    importOsv(dbDir, [join(work, 'a.json')]);
    writeFileSync(join(dbDir, 'index.bin'), 'garbage');
    expect(() => VulnerabilityDatabase.open(dbDir)).toThrow(DatabaseError);
    writeFileSync(join(dbDir, 'meta.json'), '{');
    expect(() => VulnerabilityDatabase.open(dbDir)).toThrow(/damaged/);
    // The JSON error without the text V8 quotes from the file.
    writeFileSync(join(dbDir, 'meta.json'), 'sk-hidden-value');
    expect(() => VulnerabilityDatabase.open(dbDir)).toThrow(/meta\.json: Unexpected token 's' \(not valid JSON\)\); import it again$/);
  });
});

describe('where the database lives', () => {
  it('is $SANCTUM_CACHE_DIR/db, else the user cache directory', () => {
    expect(defaultDatabaseDir({ SANCTUM_CACHE_DIR: '/x/cache' })).toBe(join('/x/cache', 'db'));
    expect(cacheDir({ XDG_CACHE_HOME: '/home/u/.cache' }, 'linux')).toBe(join('/home/u/.cache', 'sanctum'));
    expect(cacheDir({}, 'darwin')).toMatch(/Library[\\/]Caches[\\/]sanctum$/);
    expect(cacheDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32')).toMatch(/sanctum[\\/]cache$/);
    expect(existsSync(FIXTURES)).toBe(true);
    expect(readFileSync(join(FIXTURES, 'README.md'), 'utf8')).toMatch(/GitHub Advisory Database/);
  });

  it("is named symbolically in results, never by this machine's absolute path", () => {
    const env = { SANCTUM_CACHE_DIR: '/x/cache', HOME: '/home/u' };
    expect(databaseDisplayPath(join('/x/cache', 'db'), env, 'linux')).toBe('$SANCTUM_CACHE_DIR/db');
    expect(databaseDisplayPath(join('/home/u/.cache', 'sanctum', 'db'), { XDG_CACHE_HOME: '/home/u/.cache' }, 'linux')).toBe(
      '$XDG_CACHE_HOME/sanctum/db',
    );
    expect(databaseDisplayPath(defaultDatabaseDir({}), {}, 'linux')).toBe('~/.cache/sanctum/db');
    expect(databaseDisplayPath('/somewhere/else', env, 'linux')).toBe('<vulnerability database>');
  });
});

describe('OS ecosystems and their releases', () => {
  const osv = FIXTURES;
  it('matches a Debian 12 package against Debian:12 records only, by the dpkg scheme', () => {
    const r = importOsv(dbDir, [join(osv, 'DSA-5514-1.json'), join(osv, 'ALPINE-CVE-2021-36159.json')], {
      now: new Date('2025-01-01T00:00:00Z'),
    });
    expect(r.problems).toEqual([]);
    const db = open();
    try {
      const hit = db.affecting({ ecosystem: 'Debian:12', name: 'glibc', version: '2.36-9+deb12u1' });
      expect(hit.map((m) => [m.id, m.aliases, m.fixed])).toEqual([
        ['DSA-5514-1', ['CVE-2023-4911', 'DEBIAN-CVE-2023-4911'], ['2.36-9+deb12u3']],
      ]);
      expect(db.affecting({ ecosystem: 'Debian:12', name: 'glibc', version: '2.36-9+deb12u3' })).toEqual([]);
      // Debian 11's fix is lower than the Debian 12 version: only the Debian:11 entry applies to Debian 11.
      expect(db.affecting({ ecosystem: 'Debian:11', name: 'glibc', version: '2.31-13+deb11u6' }).map((m) => m.fixed)).toEqual([
        ['2.31-13+deb11u7'],
      ]);
      expect(db.affecting({ ecosystem: 'Debian:11', name: 'glibc', version: '2.36-9+deb12u1' })).toEqual([]);
      expect(db.affecting({ ecosystem: 'Debian:13', name: 'glibc', version: '2.36-9' })).toEqual([]);
      // A release unknown: release-specific records do not apply.
      expect(db.affecting({ ecosystem: 'Debian', name: 'glibc', version: '2.36-9' })).toEqual([]);
      expect(db.affecting({ ecosystem: 'Alpine:v3.14', name: 'apk-tools', version: '2.12.5-r1' }).map((m) => m.fixed)).toEqual([
        ['2.12.6-r0'],
      ]);
      expect(db.affecting({ ecosystem: 'Alpine:v3.14', name: 'apk-tools', version: '2.12.6-r0' })).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('ignores Ubuntu’s :LTS and Red Hat’s repository when comparing ecosystems', () => {
    const rec = (id: string, ecosystem: string, name: string, fixed: string) =>
      JSON.stringify({
        id,
        affected: [{ package: { ecosystem, name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }],
      });
    mkdirSync(join(work, 'in'));
    writeFileSync(join(work, 'in', 'a.json'), rec('UBUNTU-CVE-2024-0001', 'Ubuntu:22.04:LTS', 'openssl', '3.0.2-0ubuntu1.15'));
    writeFileSync(
      join(work, 'in', 'b.json'),
      rec('RHSA-2024:0001', 'Red Hat:enterprise_linux:9::baseos', 'openssl-libs', '1:3.0.7-25.el9_3'),
    );
    writeFileSync(join(work, 'in', 'c.json'), rec('UBUNTU-CVE-2024-0002', 'Ubuntu:Pro:22.04:LTS', 'openssl', '3.0.2-0ubuntu1.99+esm1'));
    importOsv(dbDir, [join(work, 'in')]);
    const db = open();
    try {
      expect(db.affecting({ ecosystem: 'Ubuntu:22.04:LTS', name: 'openssl', version: '3.0.2-0ubuntu1.10' }).map((m) => m.id)).toEqual([
        'UBUNTU-CVE-2024-0001',
      ]);
      expect(db.affecting({ ecosystem: 'Ubuntu:22.04', name: 'openssl', version: '3.0.2-0ubuntu1.10' }).map((m) => m.id)).toEqual([
        'UBUNTU-CVE-2024-0001',
      ]);
      expect(
        db.affecting({ ecosystem: 'Red Hat:enterprise_linux:9', name: 'openssl-libs', version: '1:3.0.7-24.el9' }).map((m) => m.id),
      ).toEqual(['RHSA-2024:0001']);
      expect(db.affecting({ ecosystem: 'Red Hat:enterprise_linux:8', name: 'openssl-libs', version: '1:3.0.7-24.el9' })).toEqual([]);
    } finally {
      db.close();
    }
  });
});
