import { afterAll, describe, expect, it } from 'vitest';
import { run, workspace } from './cli-helpers.js';

// Credentials written into a dependency's source URL (a private git host, an alternative registry, a
// tarball) are never printed: not in the SBOM (purl qualifiers, bom-refs, dependency refs, external
// references, SPDX downloadLocation and purl locators) nor in a scan's report. No part of a password
// may show, so the test looks for every 6-character piece of each.
const SECRETS = ['Zq81xYp0Lm7Rt3Kv9Wb2', 'Rg55TtuPq0aZ8kLmN2xC', 'npmTok3nAbCdEf998877', 'lockTok3nQwErTy11223', 'pipTok3nHjKlMn445566', 'uvTok3nZxCvBn7788990', 'cargoTok3nPoIuYt5566', 'idxTok3nLkJhGf334455'];
// In a dependency's name or descriptor rather than its source field: yarn Berry descriptors and
// resolutions (a tarball, git, an npm alias fetched from an archive URL), yarn classic over plain HTTP,
// pnpm keys (v6, v9) and a package-lock v1 version that is a git URL.
const NAME_SECRETS = ['BerryTarTk9XyZ4', 'BerryGitTk7QwE5', 'BerryArcTk5GhJ6', 'YcTkn8MnB77Qwz', 'PnpmSixTk4RtY88', 'PnpmNineTk6PlK9', 'NpmOneGitTk3AsD'];

function leaks(output: string): string[] {
  const found: string[] = [];
  for (const secret of [...SECRETS, ...NAME_SECRETS])
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
    'berry/yarn.lock': [
      '__metadata:',
      '  version: 8',
      '  cacheKey: 10c0',
      '',
      '"aliased@npm:lodash@^4.17.21":',
      '  version: 4.17.21',
      '  resolution: "lodash@npm:4.17.21::__archiveUrl=https%3A%2F%2Fci%3ABerryArcTk5GhJ6%40npm.corp.internal%2Flodash%2F-%2Flodash-4.17.21.tgz"',
      '  languageName: node',
      '  linkType: hard',
      '',
      '"gitpkg@git+https://ci:BerryGitTk7QwE5@git.corp.internal/org/gitpkg.git#v1":',
      '  version: 1.0.0',
      '  resolution: "gitpkg@git+https://ci:BerryGitTk7QwE5@git.corp.internal/org/gitpkg.git#commit=0123456789abcdef0123456789abcdef01234567"',
      '  languageName: node',
      '  linkType: hard',
      '',
      '"tarpkg@https://user:BerryTarTk9XyZ4@npm.corp.internal/tarpkg/-/tarpkg-1.0.0.tgz":',
      '  version: 1.0.0',
      '  resolution: "tarpkg@https://user:BerryTarTk9XyZ4@npm.corp.internal/tarpkg/-/tarpkg-1.0.0.tgz"',
      '  languageName: node',
      '  linkType: hard',
      '',
      '"web@workspace:.":',
      '  version: 0.0.0-use.local',
      '  resolution: "web@workspace:."',
      '  dependencies:',
      '    aliased: "npm:lodash@^4.17.21"',
      '    gitpkg: "git+https://ci:BerryGitTk7QwE5@git.corp.internal/org/gitpkg.git#v1"',
      '    tarpkg: "https://user:BerryTarTk9XyZ4@npm.corp.internal/tarpkg/-/tarpkg-1.0.0.tgz"',
      '  languageName: unknown',
      '  linkType: soft',
      '',
    ].join('\n'),
    'classic/yarn.lock': [
      '# yarn lockfile v1',
      '',
      '"tarpkg@http://user:YcTkn8MnB77Qwz@npm.corp.internal/tarpkg/-/tarpkg-1.0.0.tgz":',
      '  version "1.0.0"',
      '  resolved "http://user:YcTkn8MnB77Qwz@npm.corp.internal/tarpkg/-/tarpkg-1.0.0.tgz#abc"',
      '',
    ].join('\n'),
    'pnpm6/pnpm-lock.yaml': [
      "lockfileVersion: '6.0'",
      '',
      'dependencies:',
      '  gitpkg:',
      '    specifier: git+https://ci:PnpmSixTk4RtY88@git.corp.internal/org/gitpkg.git#v1',
      '    version: git+https://ci:PnpmSixTk4RtY88@git.corp.internal/org/gitpkg.git#0123456789abcdef0123456789abcdef01234567',
      '',
      'packages:',
      '',
      '  git+https://ci:PnpmSixTk4RtY88@git.corp.internal/org/gitpkg.git#0123456789abcdef0123456789abcdef01234567:',
      '    resolution: {commit: 0123456789abcdef0123456789abcdef01234567, repo: git+https://ci:PnpmSixTk4RtY88@git.corp.internal/org/gitpkg.git, type: git}',
      '    version: 1.0.0',
      '    dev: false',
      '',
    ].join('\n'),
    'pnpm9/pnpm-lock.yaml': [
      "lockfileVersion: '9.0'",
      '',
      'importers:',
      '  .:',
      '    dependencies:',
      '      tarpkg:',
      '        specifier: https://user:PnpmNineTk6PlK9@npm.corp.internal/tarpkg/-/tarpkg-1.0.0.tgz',
      '        version: https://user:PnpmNineTk6PlK9@npm.corp.internal/tarpkg/-/tarpkg-1.0.0.tgz',
      '',
      'packages:',
      '  tarpkg@https://user:PnpmNineTk6PlK9@npm.corp.internal/tarpkg/-/tarpkg-1.0.0.tgz:',
      '    resolution: {tarball: https://user:PnpmNineTk6PlK9@npm.corp.internal/tarpkg/-/tarpkg-1.0.0.tgz}',
      '    version: 1.0.0',
      '',
      'snapshots:',
      '  tarpkg@https://user:PnpmNineTk6PlK9@npm.corp.internal/tarpkg/-/tarpkg-1.0.0.tgz: {}',
      '',
    ].join('\n'),
    'npm1/package-lock.json': JSON.stringify({
      name: 'legacy',
      version: '1.0.0',
      lockfileVersion: 1,
      dependencies: {
        legacy: {
          version: 'git+https://ci:NpmOneGitTk3AsD@git.corp.internal/org/legacy.git#0123456789abcdef0123456789abcdef01234567',
          from: 'git+https://ci:NpmOneGitTk3AsD@git.corp.internal/org/legacy.git#v1',
        },
      },
    }),
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
    // Names and versions that held a URL keep it without its userinfo.
    const names = bom.components.map((c: { name: string; version?: string }) => `${c.name}@${c.version ?? ''}`);
    expect(names).toContain('git+https://git.corp.internal/org/gitpkg.git#0123456789abcdef0123456789abcdef01234567@1.0.0');
    expect(names).toContain('tarpkg@1.0.0');
    const v1 = bom.components.find((c: { name: string }) => c.name === 'legacy');
    expect(v1.externalReferences).toEqual([{ type: 'vcs', url: 'git+https://git.corp.internal/org/legacy.git#0123456789abcdef0123456789abcdef01234567' }]);
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
