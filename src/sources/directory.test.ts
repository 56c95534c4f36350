import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiskSourceFile } from '../core/source-file.js';
import { scanSync } from '../scan.js';
import { walkTargets } from './directory.js';

let base: string;

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'sanctum-walk-'));
});
afterEach(() => {
  chmodSync(base, 0o755);
  rmSync(base, { recursive: true, force: true });
});

function write(files: Record<string, string>): void {
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(dirname(join(base, p)), { recursive: true });
    writeFileSync(join(base, p), content);
  }
}

function walk(targets: string[], exclude?: string[]): { files: string[]; errors: string[] } {
  const errors: string[] = [];
  const files = [...walkTargets(targets, { cwd: base, exclude, onError: (p, m) => errors.push(`${p}: ${m}`) })].map((f) => f.path);
  return { files, errors };
}

describe('directory walker', () => {
  it('yields every file in a stable order with cwd-relative, /-separated paths and sizes', () => {
    write({ 'proj/b.yaml': 'b: 1\n', 'proj/a/z.yaml': 'z', 'proj/a/y/x.json': '{}' });
    const errors: string[] = [];
    const files = [...walkTargets(['proj'], { cwd: base, onError: (p, m) => errors.push(`${p}: ${m}`) })];
    expect(files.map((f) => [f.path, f.size])).toEqual([
      ['proj/a/y/x.json', 2],
      ['proj/a/z.yaml', 1],
      ['proj/b.yaml', 5],
    ]);
    expect(errors).toEqual([]);
  });

  it('looks ahead by names (kustomizations) among named file targets too, not only in directories', () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostNetwork: true\n  containers:\n  - name: c\n    image: ollama/ollama:0.3.12\n';
    write({ 'b.yaml': pod, 'notes.yaml': 'patches:\n- path: b.yaml\n', 'k/kustomization.yaml': 'resources: []\n' });
    const named = [...walkTargets(['b.yaml', 'notes.yaml', 'k'], { cwd: base, names: new Set(['kustomization.yaml']), onError: () => {} })];
    expect(named.map((f) => f.path)).toEqual(['k/kustomization.yaml']);
    // A file that only looks like a kustomization, named beside a manifest, does not hide the manifest's findings.
    const paths = (targets: string[]) =>
      scanSync({ targets, cwd: base }).findings.filter((f) => f.location.path === 'b.yaml').map((f) => f.ruleId).sort();
    expect(paths(['b.yaml', 'notes.yaml'])).toEqual(paths(['b.yaml']));
    expect(paths(['b.yaml']).length).toBeGreaterThan(0);
  });

  it('names files relative to the current directory when the target lies above it', () => {
    write({ 'proj/a.yaml': '', 'proj/sub/b.yaml': '', 'proj/sub/deeper/c.yaml': '', 'proj/subway/d.yaml': '' });
    const errors: string[] = [];
    const cwd = join(base, 'proj/sub');
    const files = [...walkTargets(['..'], { cwd, onError: (p, m) => errors.push(`${p}: ${m}`) })].map((f) => f.path);
    expect(files).toEqual(['../a.yaml', 'b.yaml', 'deeper/c.yaml', '../subway/d.yaml']);
    expect(errors).toEqual([]);
  });

  it('respects nested .gitignore files, with deeper files and negations taking precedence', () => {
    write({
      'proj/.gitignore': '*.log\nbuild/\n/top-only.yaml\n',
      'proj/app.yaml': '',
      'proj/debug.log': '',
      'proj/top-only.yaml': '',
      'proj/build/out.yaml': '',
      'proj/sub/top-only.yaml': '',
      'proj/sub/build/out.yaml': '',
      'proj/sub/.gitignore': 'secret*.yaml\n!keep.log\n',
      'proj/sub/secret-1.yaml': '',
      'proj/sub/keep.log': '',
      'proj/sub/other.log': '',
      'proj/sibling/secret-1.yaml': '',
    });
    expect(walk(['proj'])).toEqual({
      files: ['proj/app.yaml', 'proj/sibling/secret-1.yaml', 'proj/sub/keep.log', 'proj/sub/top-only.yaml'],
      errors: [],
    });
  });

  it('honours the ignore files of the repository above a target, unless the target itself is ignored', () => {
    write({
      'repo/.git/HEAD': 'ref: refs/heads/main\n',
      'repo/.gitignore': '*.log.yaml\nbuild/\nrendered/\n',
      'repo/k8s/.sanctumignore': 'tmp/\n',
      'repo/k8s/app/deploy.yaml': '',
      'repo/k8s/app/debug.log.yaml': '',
      'repo/k8s/app/tmp/x.yaml': '',
      'repo/k8s/app/build/out.yaml': '',
      'repo/rendered/all.yaml': '',
    });
    expect(walk(['repo/k8s/app']).files).toEqual(['repo/k8s/app/deploy.yaml']);
    expect(walk(['repo/rendered']).files).toEqual(['repo/rendered/all.yaml']);
    expect(walk(['repo']).files).toEqual(['repo/k8s/app/deploy.yaml']);
  });

  it('reads no ignore file above a target outside a repository', () => {
    write({ '.gitignore': '*.yaml\n', 'proj/a.yaml': '' });
    expect(walk(['proj']).files).toEqual(['proj/a.yaml']);
  });

  it('never lets an ignore file re-include what the configuration excludes', () => {
    write({ 'proj/.gitignore': '!vendor/\n!*.yaml\n', 'proj/vendor/v.yaml': '', 'proj/a.yaml': '' });
    expect(walk(['proj'], ['vendor/']).files).toEqual(['proj/a.yaml']);
  });

  it('respects .sanctumignore, which overrides .gitignore in the same directory', () => {
    write({
      'proj/.gitignore': 'generated/\n',
      'proj/.sanctumignore': 'fixtures/\n!generated/\n',
      'proj/generated/crd.yaml': '',
      'proj/fixtures/bad.yaml': '',
      'proj/deploy.yaml': '',
    });
    expect(walk(['proj']).files).toEqual(['proj/deploy.yaml', 'proj/generated/crd.yaml']);
  });

  it('tells, once per file, that rule ids in .sanctumignore ignore no rule (it holds paths), and goes on', () => {
    write({
      'proj/.sanctumignore': 'fixtures/\nK8S-0003\r\n  AVD-KSV-0001\nCKV_K8S_20\nKSV001\nC-0017\nK8S-0003.yaml\n',
      'proj/.gitignore': 'K8S-0014\n',
      'proj/fixtures/bad.yaml': '',
      'proj/a.yaml': '',
      'proj/sub/.sanctumignore': 'DF-0001\n',
      'proj/sub/b.yaml': '',
    });
    const { files, errors } = walk(['proj']);
    expect(files).toEqual(['proj/a.yaml', 'proj/sub/b.yaml']);
    expect(errors).toEqual([
      "proj/.sanctumignore: line 2: 'K8S-0003' looks like a rule id (and 4 more lines like it), but .sanctumignore lists paths (gitignore syntax) and ignores no rule; to suppress a rule use 'ignore:' in .sanctum.yaml or a 'sanctum:ignore' comment (docs/configuration.md)",
      "proj/sub/.sanctumignore: line 1: 'DF-0001' looks like a rule id, but .sanctumignore lists paths (gitignore syntax) and ignores no rule; to suppress a rule use 'ignore:' in .sanctum.yaml or a 'sanctum:ignore' comment (docs/configuration.md)",
    ]);
  });

  it('does not yield the ignore files themselves', () => {
    write({ 'proj/.gitignore': 'x\n', 'proj/.sanctumignore': 'y\n', 'proj/a.yaml': '' });
    expect(walk(['proj']).files).toEqual(['proj/a.yaml']);
  });

  it('applies configured excludes relative to the scanned directory, wherever the command runs', () => {
    write({ 'proj/charts/tests/t.yaml': '', 'proj/charts/c.yaml': '', 'proj/vendor/v.yaml': '', 'proj/x/vendor/v.yaml': '' });
    expect(walk(['proj'], ['/vendor/', '**/tests/**']).files).toEqual(['proj/charts/c.yaml', 'proj/x/vendor/v.yaml']);
    expect(walk(['proj'], ['vendor/']).files).toEqual(['proj/charts/c.yaml', 'proj/charts/tests/t.yaml']);
    expect(walk(['proj/charts'], ['/tests']).files).toEqual(['proj/charts/c.yaml']);
    // A pattern written from the current directory does not reach into the scanned one.
    expect(walk(['proj'], ['/proj/vendor/']).files).toContain('proj/vendor/v.yaml');
  });

  it('applies excludes relative to a target outside the current directory', () => {
    write({ 'other/vendor/v.yaml': '', 'other/a.yaml': '', 'here/.keep': '' });
    const errors: string[] = [];
    const files = [
      ...walkTargets(['../other'], { cwd: join(base, 'here'), exclude: ['/vendor/'], onError: (p, m) => errors.push(`${p}: ${m}`) }),
    ];
    expect(files.map((f) => f.path)).toEqual(['../other/a.yaml']);
    expect(errors).toEqual([]);
  });

  it('skips node_modules and VCS directories, unless given as the target', () => {
    write({
      'proj/node_modules/pkg/deploy.yaml': '',
      'proj/.git/config.yaml': '',
      'proj/.hg/x.yaml': '',
      'proj/.svn/x.yaml': '',
      'proj/src/node_modules/x.yaml': '',
      'proj/src/app.yaml': '',
    });
    expect(walk(['proj']).files).toEqual(['proj/src/app.yaml']);
    expect(walk(['proj/node_modules']).files).toEqual(['proj/node_modules/pkg/deploy.yaml']);
    expect(walk(['proj/.git']).files).toEqual(['proj/.git/config.yaml']);
    expect(walk(['proj/node_modules/pkg/deploy.yaml']).files).toEqual(['proj/node_modules/pkg/deploy.yaml']);
  });

  it('scans an explicitly named file even when it is ignored', () => {
    write({ 'proj/.gitignore': '*.yaml\n', 'proj/a.yaml': '' });
    expect(walk(['proj']).files).toEqual([]);
    expect(walk(['proj/a.yaml']).files).toEqual(['proj/a.yaml']);
  });

  it('yields a file once when targets overlap', () => {
    write({ 'proj/a.yaml': '', 'proj/sub/b.yaml': '' });
    expect(walk(['proj/sub/b.yaml', 'proj', 'proj/sub', './proj/a.yaml']).files).toEqual(['proj/sub/b.yaml', 'proj/a.yaml']);
  });

  it('reports a missing target and goes on with the others', () => {
    write({ 'proj/a.yaml': '' });
    expect(walk(['nope', 'proj'])).toEqual({ files: ['proj/a.yaml'], errors: ['nope: cannot read target: no such file or directory'] });
  });

  it('never follows a symbolic link out of the target, and reports it', () => {
    write({ 'outside/secret.yaml': 'x', 'proj/a.yaml': '' });
    symlinkSync(join(base, 'outside'), join(base, 'proj/out-dir'));
    symlinkSync(join(base, 'outside/secret.yaml'), join(base, 'proj/out-file.yaml'));
    symlinkSync('../../etc', join(base, 'proj/relative-out'));
    const r = walk(['proj']);
    expect(r.files).toEqual(['proj/a.yaml']);
    expect(r.errors).toEqual([
      'proj/out-dir: symbolic link points outside the scanned directory; not followed',
      'proj/out-file.yaml: symbolic link points outside the scanned directory; not followed',
      expect.stringMatching(/^proj\/relative-out: (symbolic link points outside the scanned directory; not followed|broken symbolic link)/),
    ]);
  });

  it('survives symbolic link loops and reports them', () => {
    write({ 'proj/a/deploy.yaml': '' });
    symlinkSync('..', join(base, 'proj/a/up'));
    symlinkSync('.', join(base, 'proj/a/self'));
    symlinkSync('ping', join(base, 'proj/pong'));
    symlinkSync('pong', join(base, 'proj/ping'));
    symlinkSync('me', join(base, 'proj/me'));
    const r = walk(['proj']);
    expect(r.files).toEqual(['proj/a/deploy.yaml']);
    expect(r.errors).toEqual([
      'proj/a/self: symbolic link loop (it points to a directory that contains it); not followed',
      'proj/a/up: symbolic link loop (it points to a directory that contains it); not followed',
      'proj/me: symbolic link loop; not followed',
      'proj/ping: symbolic link loop; not followed',
      'proj/pong: symbolic link loop; not followed',
    ]);
  });

  it('reports broken symbolic links', () => {
    write({ 'proj/a.yaml': '' });
    symlinkSync('missing.yaml', join(base, 'proj/dangling.yaml'));
    expect(walk(['proj'])).toEqual({
      files: ['proj/a.yaml'],
      errors: ['proj/dangling.yaml: broken symbolic link (its destination does not exist); not scanned'],
    });
  });

  it('does not scan a file or directory twice through a link to a sibling inside the target', () => {
    write({ 'proj/real/deploy.yaml': '', 'proj/values.yaml': '' });
    symlinkSync('real', join(base, 'proj/alias'));
    symlinkSync('values.yaml', join(base, 'proj/values-link.yaml'));
    expect(walk(['proj'])).toEqual({ files: ['proj/real/deploy.yaml', 'proj/values.yaml'], errors: [] });
  });

  it('walks a target that is itself a symbolic link to a directory', () => {
    write({ 'real/deploy.yaml': '' });
    symlinkSync('real', join(base, 'link'));
    expect(walk(['link'])).toEqual({ files: ['link/deploy.yaml'], errors: [] });
  });

  it.skipIf(process.getuid?.() === 0)('reports unreadable directories and goes on', () => {
    write({ 'proj/locked/a.yaml': '', 'proj/open/b.yaml': '' });
    chmodSync(join(base, 'proj/locked'), 0o000);
    try {
      expect(walk(['proj'])).toEqual({ files: ['proj/open/b.yaml'], errors: ['proj/locked: cannot read directory: permission denied'] });
    } finally {
      chmodSync(join(base, 'proj/locked'), 0o755);
    }
  });

  it('reports a directory that cannot be read when the walk reaches it, and goes on', () => {
    write({ 'proj/a.yaml': '', 'proj/b/c.yaml': '', 'proj/d/e.yaml': '' });
    const errors: string[] = [];
    const walker = walkTargets(['proj'], { cwd: base, onError: (p, m) => errors.push(`${p}: ${m}`) });
    const files = [walker.next().value!.path];
    // The directory listing of proj is taken; b is replaced by a file before the walk enters it.
    rmSync(join(base, 'proj/b'), { recursive: true });
    writeFileSync(join(base, 'proj/b'), '');
    for (const f of walker) files.push(f.path);
    expect(files).toEqual(['proj/a.yaml', 'proj/d/e.yaml']);
    expect(errors).toEqual(['proj/b: cannot read directory: not a directory']);
  });

  it('reports a file or directory whose name is not valid UTF-8, and goes on', () => {
    write({ 'proj/ok.yaml': 'a: 1\n', 'proj/\uFFFD.yaml': 'a real U+FFFD in a name is read\n' });
    const latin1 = (name: string) => Buffer.concat([Buffer.from(join(base, 'proj') + '/'), Buffer.from(name, 'latin1')]);
    writeFileSync(latin1('caf\u00e9.yaml'), 'a: 1\n');
    mkdirSync(latin1('d\u00e9p\u00f4t'));
    writeFileSync(Buffer.concat([latin1('d\u00e9p\u00f4t'), Buffer.from('/x.yaml')]), 'a: 1\n');
    const why = 'name is not valid UTF-8, so it cannot be opened by it; not scanned (rename it to scan it)';
    expect(walk(['proj'])).toEqual({
      files: ['proj/ok.yaml', 'proj/\uFFFD.yaml'],
      errors: [`proj/caf\uFFFD.yaml: ${why}`, `proj/d\uFFFDp\uFFFDt: ${why}`],
    });
  });

  it('reports a target that is neither a file nor a directory', () => {
    const r = walk(['/dev/null']);
    expect(r.files).toEqual([]);
    expect(r.errors).toEqual([expect.stringMatching(/dev\/null: not a regular file or directory; not scanned$/)]);
  });
});

describe('directory scan', () => {
  const pod = (name: string): string =>
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n    securityContext:\n      privileged: true\n`;

  it('reports a file over the size limit as an error and scans the rest', () => {
    write({ 'proj/big.yaml': pod('big') + '# ' + 'x'.repeat(4096) + '\n', 'proj/small.yaml': pod('small') });
    const r = scanSync({ targets: ['proj'], cwd: base, config: false, rules: ['K8S-0003'], limits: { maxFileBytes: 2048 } });
    expect(r.errors).toEqual([
      { path: 'proj/big.yaml', message: 'file is 4.1 KiB, over the 2.0 KiB limit of the yaml parser; not scanned' },
    ]);
    expect(r.findings.map((f) => `${f.location.path}:${f.location.startLine}`)).toEqual(['proj/small.yaml:10']);
  });

  it('says once that a file is over the size limit, though several parsers read it (yaml, text)', () => {
    write({ 'once/big.yaml': pod('big') + '# ' + 'x'.repeat(4096) + '\n' });
    const r = scanSync({ targets: ['once'], cwd: base, config: false, limits: { maxFileBytes: 2048 } });
    expect(r.errors).toEqual([
      { path: 'once/big.yaml', message: 'file is 4.1 KiB, over the 2.0 KiB limit of the yaml parser; not scanned' },
    ]);
  });

  it("reports a file that vanished (or became a directory) after the walk once each, without the machine's absolute path", () => {
    // Listed by the walk, gone when read: whether a parser takes it by its name or by sniffing its first bytes, no silent skip.
    const names = ['gone.yaml', 'Dockerfile', 'gone.pkl', 'app.py', 'model.safetensors', 'noext', '.env'];
    mkdirSync(join(base, 'now-a-dir.py'));
    const files = [...names, 'now-a-dir.py'].map((n) => new DiskSourceFile(n, join(base, n), 120));
    write({ 'ok.yaml': pod('ok') });
    files.push(new DiskSourceFile('ok.yaml', join(base, 'ok.yaml'), pod('ok').length));
    const r = scanSync({ targets: [], cwd: base, config: false, files });
    expect(r.errors).toEqual([
      ...names.map((path) => ({ path, message: 'file vanished during the scan' })),
      { path: 'now-a-dir.py', message: 'cannot read file: it is a directory now' },
    ]);
    expect(JSON.stringify(r.errors)).not.toContain(base);
    expect(r.findings.map((f) => f.location.path)).toContain('ok.yaml');
  });

  it.skipIf(process.platform === 'win32')('reports a file that became a pipe after the walk instead of waiting for a writer', () => {
    execFileSync('mkfifo', [join(base, 'pipe.yaml')]);
    write({ 'ok.yaml': pod('ok') });
    const message = 'cannot read file: it is no longer a regular file (a pipe, socket or device now)';
    expect(() => DiskSourceFile.opened('pipe.yaml', join(base, 'pipe.yaml'))).toThrow(message);
    const files = [new DiskSourceFile('pipe.yaml', join(base, 'pipe.yaml'), 120), DiskSourceFile.opened('ok.yaml', join(base, 'ok.yaml'))];
    const r = scanSync({ targets: [], cwd: base, config: false, files, rules: ['K8S-0003'] });
    expect(r.errors).toEqual([{ path: 'pipe.yaml', message }]);
    expect(r.findings.map((f) => f.location.path)).toEqual(['ok.yaml']);
  });

  it('reports a file that vanishes while the walk is under way, and scans the rest', () => {
    write({ 'proj/a.yaml': pod('a'), 'proj/b.py': 'import os\n', 'proj/c.yaml': pod('c') });
    const r = scanSync({
      targets: ['proj'],
      cwd: base,
      config: false,
      rules: ['K8S-0003', 'LLM-0011'],
      onFile: (path) => {
        if (path === 'proj/a.yaml') rmSync(join(base, 'proj/b.py'));
      },
    });
    expect(r.errors).toEqual([{ path: 'proj/b.py', message: 'file vanished during the scan' }]);
    expect(r.findings.map((f) => f.location.path)).toEqual(['proj/a.yaml', 'proj/c.yaml']);
  });

  it.skipIf(process.getuid?.() === 0)(
    'reports a file without read permission when the walk reaches it (root reads every file: skipped as root)',
    () => {
      write({ 'proj/model.pkl': 'x', 'proj/ok.yaml': pod('ok') });
      chmodSync(join(base, 'proj/model.pkl'), 0);
      try {
        const r = scanSync({ targets: ['proj'], cwd: base, config: false, rules: ['K8S-0003', 'MDL-0004'] });
        expect(r.errors).toEqual([{ path: 'proj/model.pkl', message: 'cannot read file: permission denied' }]);
        expect(r.findings).toHaveLength(1);
      } finally {
        chmodSync(join(base, 'proj/model.pkl'), 0o644);
      }
    },
  );

  it('reports walker errors in the scan result', () => {
    write({ 'proj/ok.yaml': pod('ok') });
    symlinkSync(join(base, 'proj'), join(base, 'proj/loop'));
    const r = scanSync({ targets: ['proj'], cwd: base, config: false, rules: ['K8S-0003'] });
    expect(r.errors).toEqual([
      { path: 'proj/loop', message: 'symbolic link loop (it points to a directory that contains it); not followed' },
    ]);
    expect(r.findings).toHaveLength(1);
    expect(r.stats.files).toBe(1);
  });

  describe('inside a Git work tree', () => {
    const git = (...args: string[]) =>
      execFileSync('git', ['-C', join(base, 'repo'), ...args], {
        stdio: 'ignore',
        env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' },
      });
    let hasGit = true;
    try {
      execFileSync('git', ['--version'], { stdio: 'ignore' });
    } catch {
      hasGit = false;
    }

    it.skipIf(!hasGit)('scans files Git tracks even when .gitignore matches them; untracked ignored files stay out', () => {
      write({
        'repo/.gitignore': '*.env\ngenerated/\n',
        'repo/deploy.yaml': '',
        'repo/prod.env': 'TOKEN=x\n',
        'repo/generated/crd.yaml': '',
        'repo/generated/sub/more.yaml': '',
      });
      git('init', '-q');
      git('add', '.gitignore', 'deploy.yaml');
      git('add', '-f', 'prod.env', 'generated/crd.yaml');
      write({ 'repo/local.env': 'TOKEN=y\n', 'repo/generated/untracked.yaml': '' });
      expect(walk(['repo']).files).toEqual(['repo/deploy.yaml', 'repo/generated/crd.yaml', 'repo/prod.env']);
      // A subdirectory of the work tree as the target: the same rule.
      expect(walk(['repo/generated']).files).toEqual([
        'repo/generated/crd.yaml',
        'repo/generated/sub/more.yaml',
        'repo/generated/untracked.yaml',
      ]);
      // Configured excludes still leave tracked files out.
      expect(walk(['repo'], ['*.env']).files).toEqual(['repo/deploy.yaml', 'repo/generated/crd.yaml']);
    });
  });

  it('--include-ignored scans what ignore files leave out (a Docker build context); excludes and node_modules still apply', () => {
    write({
      'ctx/.gitignore': '*.env\n',
      'ctx/.sanctumignore': 'models/\n',
      'ctx/app.env': 'K=v\n',
      'ctx/models/m.pkl': '',
      'ctx/Dockerfile': '',
      'ctx/node_modules/x/a.js': '',
      'ctx/tmp/t': '',
    });
    const files = [...walkTargets(['ctx'], { cwd: base, includeIgnored: true, exclude: ['tmp/'], onError: () => {} })].map((f) => f.path);
    expect(files).toEqual(['ctx/Dockerfile', 'ctx/app.env', 'ctx/models/m.pkl']);
    expect(walk(['ctx']).files).toEqual(['ctx/Dockerfile', 'ctx/tmp/t']);
  });
});
