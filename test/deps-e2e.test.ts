/**
 * End to end: OSV fixtures imported with `sanctum db import`, then `sanctum scan` finds the advisories
 * at the manifest lines; without a database, one error says so and the rest of the scan goes on.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run, workspace } from './cli-helpers.js';

const FIXTURES = join(import.meta.dirname, 'corpora', 'osv');

const PROJECT = {
  'requirements.txt': '# inference\ntorch==2.5.1+cu121\n1337test==1\nrequests==2.32.3\n',
  'web/package-lock.json': `{
  "name": "web",
  "lockfileVersion": 3,
  "packages": {
    "": { "name": "web", "dependencies": { "lodash": "^4.17.0" } },
    "node_modules/lodash": {
      "version": "4.17.20",
      "resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.20.tgz"
    }
  }
}
`,
  Dockerfile: 'FROM python:3.12\nRUN pip install -r requirements.txt\nUSER root\n',
  'tokenizer/Cargo.lock': `version = 4

[[package]]
name = "h2"
version = "0.3.16"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "f998fe06afa0cfbe73e0449dc2b1698309e1b5714960f027b2858312b152c275"

[[package]]
name = "tokenizer-server"
version = "0.1.0"
dependencies = [
 "h2",
]
`,
};

let ws: ReturnType<typeof workspace>;
const saved = process.env.SANCTUM_CACHE_DIR;
beforeEach(() => {
  ws = workspace(PROJECT);
  process.env.SANCTUM_CACHE_DIR = join(ws.dir, '.cache');
});
afterEach(() => {
  ws.cleanup();
  if (saved === undefined) delete process.env.SANCTUM_CACHE_DIR;
  else process.env.SANCTUM_CACHE_DIR = saved;
});

describe('db import → scan', () => {
  it('reports each advisory at the line of the dependency, with the advisory and the package', async () => {
    expect((await run(['db', 'import', FIXTURES], { cwd: ws.dir })).code).toBe(0);
    const r = await run(['scan', '.', '--scanners', 'deps', '-f', 'json'], { cwd: ws.dir });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.errors).toEqual([]);
    const sca = out.findings.filter((f: { ruleId: string }) => f.ruleId === 'SCA-0001' || f.ruleId === 'SCA-0002');
    expect(
      sca.map((f: { ruleId: string; location: { path: string; startLine: number }; vulnerability: { id: string; fixed: string[] } }) => [
        f.ruleId,
        f.location.path,
        f.location.startLine,
        f.vulnerability.id,
        f.vulnerability.fixed,
      ]),
    ).toEqual([
      ['SCA-0001', 'requirements.txt', 2, 'GHSA-53q9-r3pm-6pq6', ['2.6.0']],
      ['SCA-0002', 'requirements.txt', 3, 'MAL-2024-4720', []],
      ['SCA-0001', 'tokenizer/Cargo.lock', 4, 'RUSTSEC-2023-0034', ['0.3.17']],
      ['SCA-0001', 'web/package-lock.json', 6, 'GHSA-35jh-r3h4-6jhm', ['4.17.21']],
    ]);
    const torch = sca[0];
    expect(torch.severity).toBe('critical');
    expect(torch.vulnerability).toMatchObject({
      aliases: ['CVE-2025-32434'],
      cvss: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N',
    });
    expect(torch.package).toMatchObject({ ecosystem: 'PyPI', name: 'torch', version: '2.5.1+cu121' });
    expect(sca[1].severity).toBe('critical');
    expect(sca[2].package).toEqual({ ecosystem: 'crates.io', name: 'h2', version: '0.3.16', purl: 'pkg:cargo/h2@0.3.16' });
    expect(sca[3].severity).toBe('high');
  });

  it('without a database: one error says so, and the other scanners still report', async () => {
    const r = await run(['scan', '.', '-f', 'json'], { cwd: ws.dir });
    const out = JSON.parse(r.stdout);
    expect(out.errors).toEqual([
      {
        path: '$SANCTUM_CACHE_DIR/db',
        message:
          'no vulnerability database: dependencies were not matched against advisories. Run `sanctum db update` (downloads from OSV) or `sanctum db import all.zip`',
      },
    ]);
    expect(out.findings.some((f: { location: { path: string } }) => f.location.path === 'Dockerfile')).toBe(true);
    expect(out.findings.some((f: { ruleId: string }) => f.ruleId === 'SCA-0001')).toBe(false);
  });

  it('a damaged database: the error names it symbolically, never by its absolute path', async () => {
    mkdirSync(join(ws.dir, '.cache', 'db'), { recursive: true });
    writeFileSync(join(ws.dir, '.cache', 'db', 'meta.json'), '{');
    const r = await run(['scan', 'requirements.txt', '-f', 'json'], { cwd: ws.dir });
    const errors = JSON.parse(r.stdout).errors as Array<{ path: string; message: string }>;
    expect(errors).toEqual([{ path: '$SANCTUM_CACHE_DIR/db', message: expect.stringMatching(/damaged/) }]);
    expect(errors[0].message).not.toContain(ws.dir);
    expect(errors[0].message).toContain('$SANCTUM_CACHE_DIR/db');
  });

  it('a scan with nothing to match never opens the database nor complains', async () => {
    const r = await run(['scan', 'Dockerfile', '-f', 'json'], { cwd: ws.dir });
    expect(JSON.parse(r.stdout).errors).toEqual([]);
  });
});
