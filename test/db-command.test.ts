import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { zip } from '../src/rules/models/lib/builders/zip-builder.js';
import { run, workspace } from './cli-helpers.js';

const FIXTURES = join(import.meta.dirname, 'corpora', 'osv');

let ws: ReturnType<typeof workspace>;
const saved = { cache: process.env.SANCTUM_CACHE_DIR, mirror: process.env.SANCTUM_OSV_MIRROR };
beforeEach(() => {
  ws = workspace({});
  process.env.SANCTUM_CACHE_DIR = join(ws.dir, 'cache');
  delete process.env.SANCTUM_OSV_MIRROR;
});
afterEach(() => {
  ws.cleanup();
  for (const [k, v] of [
    ['SANCTUM_CACHE_DIR', saved.cache],
    ['SANCTUM_OSV_MIRROR', saved.mirror],
  ] as const)
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
});

const pypiRecord = (id: string, name: string, fixed: string) =>
  JSON.stringify({
    id,
    modified: '2025-02-01T00:00:00Z',
    affected: [{ package: { ecosystem: 'PyPI', name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }],
  });

async function serve(routes: Record<string, Uint8Array>): Promise<{ url: string; server: Server; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const body = routes[req.url ?? ''];
    if (!body) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': body.length }).end(Buffer.from(body));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, hits };
}

describe('sanctum db', () => {
  it('status says when there is no database and how to get one', async () => {
    const r = await run(['db', 'status'], { cwd: ws.dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`No vulnerability database in ${join(ws.dir, 'cache', 'db')}`);
    expect(r.stdout).toContain('sanctum db update');
    const j = await run(['db', 'status', '--format', 'json'], { cwd: ws.dir });
    expect(JSON.parse(j.stdout)).toEqual({ path: join(ws.dir, 'cache', 'db'), present: false });
  });

  it('import reads the fixtures; status lists ecosystems, counts and age', async () => {
    const r = await run(['db', 'import', FIXTURES], { cwd: ws.dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^imported 15 records \(Alpine:v3\.10 1, Alpine:v3\.14 1, Alpine:v3\.18 1, Alpine:v3\.20 1, crates\.io 1, Debian:11 1, Debian:12 3, Go 1, npm 2, PyPI 5, Red Hat:enterprise_linux:8::baseos 1, RubyGems 1\); the database in .* holds 15 records\n$/,
    );
    const s = await run(['db', 'status'], { cwd: ws.dir });
    expect(s.code).toBe(0);
    const lines = s.stdout.split('\n');
    expect(lines[1]).toMatch(/^15 records, updated \d{4}-\d\d-\d\d \d\d:\d\d UTC \(less than an hour ago\)$/);
    expect(lines[3]).toMatch(/^ECOSYSTEM +RECORDS +IMPORTED +NEWEST RECORD +SOURCE$/);
    expect(s.stdout).toMatch(/\nPyPI +5 +\d{4}-\d\d-\d\d \(less than an hour ago\) +2025-08-29 +.*osv\n/);
    // GO-2023-2102 carries Go's zero time as its modified date, as the Go database publishes it: no date.
    expect(s.stdout).toMatch(/\nGo +1 +\d{4}-\d\d-\d\d \(less than an hour ago\) +— +.*osv\n/);
    const j = JSON.parse((await run(['db', 'status', '--format', 'json'], { cwd: ws.dir })).stdout);
    expect(j).toMatchObject({ present: true, records: 15, ageDays: 0 });
    expect(j.ecosystems.npm.records).toBe(2);
  });

  it('says "1 record", not "1 records", of one', async () => {
    writeFileSync(join(ws.dir, 'one.json'), pypiRecord('PYSEC-1', 'a', '1.0'));
    const r = await run(['db', 'import', 'one.json'], { cwd: ws.dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^imported 1 record \(PyPI 1\); the database in .* holds 1 record\n$/);
    const s = await run(['db', 'status'], { cwd: ws.dir });
    expect(s.stdout.split('\n')[1]).toMatch(/^1 record, updated /);
  });

  it('import of a missing path or of nothing usable is exit 2 with a message', async () => {
    const r = await run(['db', 'import', 'missing.zip'], { cwd: ws.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^sanctum: cannot read '.*missing\.zip': no such file or directory\n$/);
    writeFileSync(join(ws.dir, 'bad.json'), '{');
    const b = await run(['db', 'import', 'bad.json'], { cwd: ws.dir });
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('bad.json: not JSON');
    expect(b.stderr).toContain('sanctum: no OSV record could be imported; the database was not changed');
    expect(readdirSync(join(ws.dir, 'cache'))).toEqual([]);
  });

  it('import of an empty directory, or one without OSV records, is exit 2 and leaves the database alone', async () => {
    mkdirSync(join(ws.dir, 'empty', 'sub'), { recursive: true });
    const fresh = await run(['db', 'import', 'empty'], { cwd: ws.dir });
    expect(fresh.code).toBe(2);
    expect(fresh.stdout).toBe('');
    expect(fresh.stderr).toBe(
      'sanctum: no OSV record found in empty (records are read from .json files and .zip archives); the database was not changed\n',
    );
    expect(readdirSync(join(ws.dir, 'cache'))).toEqual([]);
    expect(JSON.parse((await run(['db', 'status', '--format', 'json'], { cwd: ws.dir })).stdout).present).toBe(false);

    await run(['db', 'import', FIXTURES], { cwd: ws.dir });
    const before = readFileSync(join(ws.dir, 'cache', 'db', 'meta.json'), 'utf8');
    writeFileSync(join(ws.dir, 'empty', 'sub', 'README.md'), '# advisories\n');
    const r = await run(['db', 'import', 'empty', 'empty/sub'], { cwd: ws.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'sanctum: no OSV record found in empty, empty/sub (records are read from .json files and .zip archives); the database was not changed\n',
    );
    expect(readFileSync(join(ws.dir, 'cache', 'db', 'meta.json'), 'utf8')).toBe(before);
  });

  it('import warns about broken records and imports the rest', async () => {
    writeFileSync(join(ws.dir, 'bad.json'), '[1]');
    writeFileSync(join(ws.dir, 'good.json'), pypiRecord('PYSEC-1', 'a', '1.0'));
    const r = await run(['db', 'import', 'bad.json', 'good.json'], { cwd: ws.dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: .*bad\.json: not an OSV record \(expected a JSON object\)\n$/);
    expect(r.stdout).toMatch(/^imported 1 record \(PyPI 1\)/);
  });

  it('update without a network fails with a clear message, exit 2, and leaves the database alone', async () => {
    await run(['db', 'import', FIXTURES], { cwd: ws.dir });
    const closed = createServer();
    await new Promise<void>((ok) => closed.listen(0, '127.0.0.1', ok));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((ok) => closed.close(ok));
    const r = await run(['db', 'update', '--mirror', `http://127.0.0.1:${port}`], { cwd: ws.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`downloading http://127.0.0.1:${port}/PyPI/all.zip`);
    expect(r.stderr).toMatch(
      /sanctum: cannot download http:\/\/127\.0\.0\.1:\d+\/PyPI\/all\.zip: connection refused \(ECONNREFUSED\)\. No network\? .*sanctum db import all\.zip`; the database was not changed\n$/,
    );
    const s = JSON.parse((await run(['db', 'status', '--format', 'json'], { cwd: ws.dir })).stdout);
    expect(s.records).toBe(15);
    expect(readdirSync(join(ws.dir, 'cache'))).toEqual(['db']);
  });

  it('update downloads each ecosystem zip and replaces what it had of them', async () => {
    const pypi = zip()
      .add('PYSEC-2.json', pypiRecord('PYSEC-2', 'b', '2.0'), { method: 'deflate' })
      .build();
    const npm = zip()
      .add('GHSA-35jh-r3h4-6jhm.json', readFileSync(join(FIXTURES, 'GHSA-35jh-r3h4-6jhm.json')))
      .build();
    const { url, server, hits } = await serve({ '/PyPI/all.zip': pypi, '/npm/all.zip': npm });
    try {
      writeFileSync(join(ws.dir, 'old.json'), pypiRecord('PYSEC-OLD', 'a', '1.0'));
      await run(['db', 'import', 'old.json'], { cwd: ws.dir });
      process.env.SANCTUM_OSV_MIRROR = url;
      const r = await run(['db', 'update', '--ecosystem', 'PyPI,npm'], { cwd: ws.dir });
      expect(r.stderr).toBe(`downloading ${url}/PyPI/all.zip\ndownloading ${url}/npm/all.zip\n`);
      expect(r.code).toBe(0);
      expect(hits).toEqual(['/PyPI/all.zip', '/npm/all.zip']);
      expect(r.stdout).toMatch(/^imported 2 records \(npm 1, PyPI 1, RubyGems 1\); the database in .* holds 2 records\n$/);
      const s = JSON.parse((await run(['db', 'status', '--format', 'json'], { cwd: ws.dir })).stdout);
      expect(s.ecosystems.PyPI).toMatchObject({ records: 1, sources: [`${url}/PyPI/all.zip`] });
      const missing = await run(['db', 'update', '--ecosystem', 'crates.io'], { cwd: ws.dir });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain(
        `sanctum: cannot download ${url}/crates.io/all.zip: HTTP 404 Not Found; the database was not changed`,
      );
      expect(readdirSync(join(ws.dir, 'cache'))).toEqual(['db']);
    } finally {
      server.close();
    }
  });

  it('update without --ecosystem downloads PyPI, npm, Go and crates.io (Cargo.lock is read)', async () => {
    const one = (file: string) =>
      zip()
        .add(file, readFileSync(join(FIXTURES, file)))
        .build();
    const { url, server, hits } = await serve({
      '/PyPI/all.zip': one('GHSA-53q9-r3pm-6pq6.json'),
      '/npm/all.zip': one('GHSA-35jh-r3h4-6jhm.json'),
      '/Go/all.zip': one('GO-2023-2102.json'),
      '/crates.io/all.zip': one('RUSTSEC-2023-0034.json'),
    });
    try {
      process.env.SANCTUM_OSV_MIRROR = url;
      const r = await run(['db', 'update'], { cwd: ws.dir });
      expect(r.code).toBe(0);
      expect(hits).toEqual(['/PyPI/all.zip', '/npm/all.zip', '/Go/all.zip', '/crates.io/all.zip']);
      const s = JSON.parse((await run(['db', 'status', '--format', 'json'], { cwd: ws.dir })).stdout);
      expect(s.ecosystems['crates.io']).toMatchObject({ records: 1, sources: [`${url}/crates.io/all.zip`] });
    } finally {
      server.close();
    }
  });
});
