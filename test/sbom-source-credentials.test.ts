import { afterAll, describe, expect, it } from 'vitest';
import { run, workspace } from './cli-helpers.js';

// Credentials written into a dependency's source URL (a private git host, an alternative registry, a
// tarball) are never printed: not in the SBOM (purl qualifiers, bom-refs, dependency refs, external
// references, SPDX downloadLocation and purl locators) nor in a scan's report. No part of a password
// may show, so the test looks for every 6-character piece of each.
const SECRETS = ['Zq81xYp0Lm7Rt3Kv9Wb2', 'Rg55TtuPq0aZ8kLmN2xC', 'npmTok3nAbCdEf998877', 'lockTok3nQwErTy11223', 'pipTok3nHjKlMn445566', 'uvTok3nZxCvBn7788990', 'cargoTok3nPoIuYt5566', 'idxTok3nLkJhGf334455'];

function leaks(output: string): string[] {
  const found: string[] = [];
  for (const secret of SECRETS)
    for (let i = 0; i + 6 <= secret.length; i++) if (output.includes(secret.slice(i, i + 6))) found.push(`${secret} (${secret.slice(i, i + 6)})`);
  return found;
}

describe('credentials in dependency source URLs', () => {
  const ws = workspace({
    'rust/Cargo.lock': [
      'version = 3',
      '',
      '[[package]]',
      'name = "app"',
      'version = "0.1.0"',
      'dependencies = ["mygit", "private"]',
      '',
      '[[package]]',
      'name = "mygit"',
      'version = "0.2.0"',
      'source = "git+https://deploy:Zq81xYp0Lm7Rt3Kv9Wb2@git.corp.internal/org/mygit?branch=main#0123456789abcdef0123456789abcdef01234567"',
      '',
      '[[package]]',
      'name = "private"',
      'version = "1.0.0"',
      'source = "sparse+https://ci:Rg55TtuPq0aZ8kLmN2xC@crates.corp.internal/index/"',
      'checksum = "0000000000000000000000000000000000000000000000000000000000000000"',
      '',
    ].join('\n'),
    'web/package.json': JSON.stringify({
      name: 'web',
      version: '1.0.0',
      dependencies: { lib: 'git+https://builder:npmTok3nAbCdEf998877@git.corp.internal/org/lib.git#v1' },
    }),
    'web/package-lock.json': JSON.stringify({
      name: 'web',
      version: '1.0.0',
      lockfileVersion: 3,
      packages: {
        '': { name: 'web', version: '1.0.0', dependencies: { lib: 'git+https://builder:npmTok3nAbCdEf998877@git.corp.internal/org/lib.git#v1' } },
        'node_modules/lib': {
          version: '1.0.0',
          resolved: 'git+https://builder:lockTok3nQwErTy11223@git.corp.internal/org/lib.git#0123456789abcdef0123456789abcdef01234567',
        },
      },
    }),
    'crate/Cargo.toml': [
      '[package]',
      'name = "crate"',
      '',
      '[dependencies]',
      'gitdep = { git = "https://deploy:cargoTok3nPoIuYt5566@git.corp.internal/org/gitdep", tag = "v1" }',
      'mirrored = { version = "1", registry-index = "sparse+https://ci:idxTok3nLkJhGf334455@crates.corp.internal/index/" }',
      '',
    ].join('\n'),
    'py/requirements.txt': 'tool @ git+https://ci:pipTok3nHjKlMn445566@git.corp.internal/org/tool.git@v2\n',
    'uv/uv.lock': [
      'version = 1',
      '',
      '[[package]]',
      'name = "tool"',
      'version = "2.0.0"',
      'source = { git = "https://ci:uvTok3nZxCvBn7788990@git.corp.internal/org/tool.git?rev=v2#0123456789abcdef0123456789abcdef01234567" }',
      '',
    ].join('\n'),
  });
  afterAll(() => ws.cleanup());

  it('CycloneDX keeps the sources without their userinfo', async () => {
    const r = await run(['sbom', '.'], { cwd: ws.dir });
    expect(r.code).toBe(0);
    expect(leaks(r.stdout + r.stderr)).toEqual([]);
    const bom = JSON.parse(r.stdout);
    const mygit = bom.components.find((c: { name: string }) => c.name === 'mygit');
    expect(mygit.purl).toBe('pkg:cargo/mygit@0.2.0?vcs_url=git%2Bhttps%3A%2F%2Fgit.corp.internal%2Forg%2Fmygit%400123456789abcdef0123456789abcdef01234567');
    expect(mygit.externalReferences).toEqual([
      { type: 'vcs', url: 'git+https://git.corp.internal/org/mygit?branch=main#0123456789abcdef0123456789abcdef01234567' },
    ]);
    const gitdep = bom.components.find((c: { name: string }) => c.name === 'gitdep');
    expect([gitdep.purl, gitdep.externalReferences]).toEqual([
      'pkg:cargo/gitdep?vcs_url=git%2Bhttps%3A%2F%2Fgit.corp.internal%2Forg%2Fgitdep',
      [{ type: 'vcs', url: 'git+https://git.corp.internal/org/gitdep?tag=v1' }],
    ]);
    const mirrored = bom.components.find((c: { name: string }) => c.name === 'mirrored');
    expect(mirrored.purl).toBe('pkg:cargo/mirrored?repository_url=https%3A%2F%2Fcrates.corp.internal%2Findex%2F');
    const lib = bom.components.find((c: { name: string }) => c.name === 'lib');
    expect(lib.externalReferences[0].url).toMatch(/^git\+https:\/\/git\.corp\.internal\/org\/lib\.git#/);
  });

  it('SPDX and the scan report carry no part of a password', async () => {
    const spdx = await run(['sbom', '.', '--format', 'spdx'], { cwd: ws.dir });
    expect(spdx.code).toBe(0);
    expect(leaks(spdx.stdout + spdx.stderr)).toEqual([]);
    expect(spdx.stdout).toContain('"downloadLocation": "git+https://git.corp.internal/org/mygit?branch=main#');
    for (const format of ['json', 'sarif', 'table']) {
      const scan = await run(['scan', '.', '--format', format], { cwd: ws.dir });
      expect(leaks(scan.stdout + scan.stderr)).toEqual([]);
    }
  });
});
