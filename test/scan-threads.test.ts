import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../src/core/fingerprint.js';
import type { Finding } from '../src/core/types.js';
import { PRIVILEGED_POD, workspace } from './cli-helpers.js';

// The worker thread is the built one (dist/bundle/scan-worker.js, the bundle's entry beside the chunk
// that starts it): these run bin/sanctum, as cli-e2e does,
// after scripts/ensure-ready.mjs has built dist/ again if a source file is newer (as `npm test` does
// first), so that a focused run never tests a stale build.
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'sanctum');

const pod = (name: string, namespace: string): string =>
  PRIVILEGED_POD.replace('name: vllm\n  namespace: llm', `name: ${name}\n  namespace: ${namespace}`);

const service = (namespace: string): string => `apiVersion: v1
kind: Service
metadata:
  name: ui
  namespace: ${namespace}
spec:
  type: LoadBalancer
  selector:
    app: jupyter
  ports:
  - name: jupyter
    port: 8888
`;

let ws: ReturnType<typeof workspace>;
/** Reports go outside the scanned tree. */
let out: string;
beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'sanctum-threads-'));
  const ready = spawnSync(process.execPath, [join(ROOT, 'scripts', 'ensure-ready.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (ready.status !== 0) throw new Error(`building dist/ failed:\n${ready.stderr}`);
  if (!existsSync(join(ROOT, 'dist', 'bundle', 'scan-worker.js'))) throw new Error('dist/bundle/scan-worker.js is missing after the build');
  ws = workspace({
    // An ignore entry without a reason, used only by files of some directories: its hygiene finding comes once.
    '.sanctum.yaml': 'ignore:\n  - rule: K8S-0003\n    paths: ["apps/b/**"]\n',
    'top.yaml': pod('top', 'default'),
    'apps/a/pod.yaml': `${pod('a1', 'team-a')}---\n${pod('a2', 'team-a')}`,
    'apps/a/service.yaml': service('team-a'),
    'apps/a/sub/pod.yaml': pod('sub', 'team-a'),
    'apps/a/z.yaml': pod('a3', 'team-a'),
    'apps/b/pod.yaml': `# sanctum:ignore K8S-0003\n${pod('b1', 'team-b')}`,
    'apps/b/dup.yaml': `${pod('same', 'team-b')}---\n${pod('same', 'team-b')}`,
    'apps/c/broken.yaml': 'kind: [\n',
    'apps/c/pod.yaml': pod('c1', 'team-c'),
    'apps/c/requirements.txt': 'requests==2.19.0\n',
    'apps/d/requirements.txt': 'urllib3==1.24.1\n',
    'apps/d/Dockerfile': 'FROM python:3.11\nRUN pip install torch\n',
    'apps/e/config.yaml':
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: creds\n  namespace: team-e\ndata:\n  OPENAI_API_KEY: changeme\n',
  });
}, 15 * 60_000);
afterAll(() => {
  ws?.cleanup();
  if (out) rmSync(out, { recursive: true, force: true });
});

function scan(threads: string, target = '.', extra: string[] = []): { code: number | null; report: string; stderr: string } {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SANCTUM_SCAN_THREADS: threads,
    // No vulnerability database: each thread meets its absence, the report names it once.
    SANCTUM_CACHE_DIR: join(out, 'no-cache'),
    NODE_DEBUG: 'sanctum',
  };
  delete env.FORCE_COLOR;
  // Unset: the default.
  if (threads === '') delete env.SANCTUM_SCAN_THREADS;
  const file = join(out, `report-${threads}.json`);
  const r = spawnSync(process.execPath, [BIN, 'scan', target, '--format', 'json', '--output', file, '--no-progress', ...extra], {
    cwd: ws.dir,
    encoding: 'utf8',
    env,
  });
  const report = readFileSync(file, 'utf8').replace(/"durationMs": \d+/, '"durationMs": 0');
  return { code: r.status, report, stderr: r.stderr };
}

describe('sanctum scan with a worker thread', () => {
  it('writes the report of one thread byte for byte: findings, fingerprints, errors, suppressions and their hygiene', () => {
    const one = scan('1');
    const two = scan('2');
    expect(one.stderr).not.toMatch(/worker thread/);
    const scanned = /the worker thread scanned (\d+) files, (\d+) findings spooled/.exec(two.stderr);
    expect(scanned, two.stderr).not.toBeNull();
    expect(Number(scanned![1])).toBeGreaterThan(0);
    expect(Number(scanned![2])).toBeGreaterThan(0);

    const report = JSON.parse(one.report);
    const rules = new Set(report.findings.map((f: { ruleId: string }) => f.ruleId));
    // The tree exercises what the threads must merge: cross-object findings, suppressions and their hygiene, errors.
    expect(rules).toContain('SAN-0001');
    expect(report.findings.some((f: { status: string }) => f.status === 'suppressed')).toBe(true);
    expect(report.findings.some((f: { location: { path: string } }) => f.location.path === 'top.yaml')).toBe(true);
    expect(report.errors.map((e: { message: string }) => e.message).join('\n')).toMatch(/no vulnerability database/);
    expect(report.errors.filter((e: { message: string }) => /no vulnerability database/.test(e.message))).toHaveLength(1);
    expect(report.errors.some((e: { path: string }) => e.path === 'apps/c/broken.yaml')).toBe(true);
    const prints = report.findings.map((f: { fingerprint: string }) => f.fingerprint);
    expect(new Set(prints).size).toBe(prints.length);

    expect(two.report).toBe(one.report);
    expect(two.code).toBe(one.code);
  });

  it('never judges a patch file outside its overlay alone, in the main thread or beside files the worker scans', () => {
    const patch = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ollama
spec:
  template:
    spec:
      containers:
      - name: ollama
        image: ollama/ollama:0.3.13
`;
    const files: Record<string, string> = {
      // Before the overlay in the walk, and after it; each beside plain manifests.
      'kust/deploy/common/p.yaml': patch,
      'kust/deploy/common/pod.yaml': pod('common', 'team-k'),
      'kust/deploy/overlays/prod/kustomization.yaml':
        'resources:\n- pod.yaml\npatches:\n- path: ../../common/p.yaml\n- path: ../../patches/p.yaml\n',
      'kust/deploy/overlays/prod/pod.yaml': pod('prod', 'team-k'),
      'kust/deploy/patches/p.yaml': patch,
      'kust/deploy/patches/pod.yaml': pod('patches', 'team-k'),
    };
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(join(ws.dir, name, '..'), { recursive: true });
      writeFileSync(join(ws.dir, name), content);
    }
    try {
      const one = scan('1');
      const two = scan('2');
      expect(two.stderr).toMatch(/the worker thread scanned [1-9]/);
      const report = JSON.parse(one.report);
      const paths = new Set(report.findings.map((f: Finding) => f.location.path));
      expect(paths).toContain('kust/deploy/common/pod.yaml');
      expect(paths).toContain('kust/deploy/patches/pod.yaml');
      expect(paths).not.toContain('kust/deploy/common/p.yaml');
      expect(paths).not.toContain('kust/deploy/patches/p.yaml');
      // Kustomize refuses files outside the overlay's directory (or is not installed): the overlay is reported.
      expect(report.errors.map((e: { path: string }) => e.path)).toContain('kust/deploy/overlays/prod/kustomization.yaml');
      expect(two.report).toBe(one.report);
    } finally {
      rmSync(join(ws.dir, 'kust'), { recursive: true, force: true });
    }
  });

  it('tells of --helm-values with no chart to render from the main thread, the worker running', () => {
    const two = scan('2', '.', ['--helm-values', 'values-prod.yaml']);
    expect(two.stderr).toMatch(/the worker thread scanned [1-9]/);
    expect(two.stderr).toContain(
      'sanctum: --helm-values not used: no Helm chart (a directory with a Chart.yaml) is among the files scanned\n',
    );
    expect(two.report).toBe(scan('1').report);
  });

  it('matches a baseline of fingerprints made before they hashed the setting (legacy ones) in the worker as in the main thread', () => {
    // The legacy fingerprint of a Kubernetes object's finding hashed the path shown (the deepest node written), its first occurrence.
    const findings: Finding[] = JSON.parse(scan('1').report).findings;
    const legacy = findings
      .filter((f) => f.status === 'fail' && f.location.resource && f.location.path !== 'apps/b/dup.yaml')
      .map((f) => ({ f, print: fingerprint(f.ruleId, f.location, '', 0) }))
      .filter(({ f, print }) => print !== f.fingerprint);
    expect(legacy.length).toBeGreaterThan(4);
    const baseline = join(out, 'legacy-baseline.json');
    writeFileSync(
      baseline,
      JSON.stringify({ tool: { name: 'sanctum' }, findings: legacy.map(({ print }) => ({ status: 'fail', fingerprint: print })) }),
    );
    const one = scan('1', '.', ['--baseline', baseline]);
    const two = scan('2', '.', ['--baseline', baseline]);
    expect(two.stderr).toMatch(/the worker thread scanned [1-9]/);
    const suppressed = (r: string) =>
      (JSON.parse(r).findings as Finding[]).filter((f) => f.suppression?.kind === 'baseline').map((f) => f.fingerprint);
    expect(suppressed(one.report).sort()).toEqual(legacy.map(({ f }) => f.fingerprint).sort());
    expect(two.report).toBe(one.report);
  });

  it('by default, scans a tree of less than 4 MiB in one thread', () => {
    const byDefault = scan('');
    expect(byDefault.stderr).not.toMatch(/worker thread/);
    expect(JSON.parse(byDefault.report).findings.length).toBeGreaterThan(0);
    expect(byDefault.report).toBe(scan('1').report);
  });
});

/**
 * A tree in `dir` with errors of the walk in its first directories (a broken link, a link out of the
 * tree, a name that is not UTF-8), a parse error, pods in every directory, an over-size file of
 * `hugeBytes` (over the 10 MiB limit; 0 for none) in `b/`, and errors of the walk after it in `c/`.
 */
function treeWithWalkErrors(dir: string, hugeBytes: number): void {
  const file = (name: string, text: string): void => {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  };
  for (const d of ['a', 'b', 'c', 'd']) for (let i = 0; i < 3; i++) file(`${d}/pod-${i}.yaml`, pod(`${d}${i}`, `team-${d}`));
  symlinkSync('nowhere.yaml', join(dir, 'a', 'broken.yaml'));
  symlinkSync('/etc/hostname', join(dir, 'a', 'outside.yaml'));
  writeFileSync(Buffer.concat([Buffer.from(join(dir, 'a', 'bad-')), Buffer.from([0xff]), Buffer.from('.yaml')]), pod('bad', 'team-a'));
  file('a/zz/broken.yaml', 'kind: [\n');
  if (hugeBytes > 0) file('b/huge.yaml', `# ${'x'.repeat(hugeBytes)}\n`);
  symlinkSync('nowhere.yaml', join(dir, 'c', 'broken.yaml'));
  symlinkSync('/etc/hostname', join(dir, 'c', 'outside.yaml'));
}

describe('sanctum scan by default: the look-ahead in the walk', () => {
  const walkErrors = [
    ['a/bad-\ufffd.yaml', 'name is not valid UTF-8'],
    ['a/broken.yaml', 'broken symbolic link'],
    ['a/outside.yaml', 'symbolic link points outside'],
    ['a/zz/broken.yaml', 'YAML parse error'],
  ];
  const lateErrors = [
    ['c/broken.yaml', 'broken symbolic link'],
    ['c/outside.yaml', 'symbolic link points outside'],
  ];
  const errorsOf = (report: string, tree: string): string[][] =>
    (JSON.parse(report) as { errors: { path: string; message: string }[] }).errors.map((e) => [
      e.path.slice(e.path.indexOf(`${tree}/`) + tree.length + 1),
      e.message,
    ]);

  it('starts the worker with the first directory in a tree of 8 MiB or more; the walk errors keep their order', () => {
    const tree = join(out, 'large');
    treeWithWalkErrors(tree, 11 * 1024 * 1024);
    const byDefault = scan('', tree);
    expect(byDefault.stderr).toMatch(/looked ahead \d+ files of the walk, \d+ KiB for a worker \(it starts with the first directory\)/);
    expect(byDefault.stderr).toMatch(/a worker thread takes whole directories of the walk, after 0 KiB the main thread took alone/);
    expect(byDefault.stderr).toMatch(/the worker thread scanned [1-9]/);
    const errors = errorsOf(byDefault.report, 'large');
    const expected = [...walkErrors, ['b/huge.yaml', 'over the 10.0 MiB limit'], ...lateErrors];
    expect(errors.map(([path]) => path)).toEqual(expected.map(([path]) => path));
    errors.forEach(([, message], i) => expect(message).toContain(expected[i][1]));
    expect(byDefault.report).toBe(scan('1', tree).report);
  });

  it('scans a tree of less than 8 MiB as before (here under 4 MiB: one thread), the walk errors in their order', () => {
    const tree = join(out, 'small');
    treeWithWalkErrors(tree, 0);
    const byDefault = scan('', tree);
    expect(byDefault.stderr).toMatch(/looked ahead \d+ files of the walk, \d+ KiB for a worker \(the whole walk\)/);
    expect(byDefault.stderr).not.toMatch(/worker thread takes/);
    // The parse error of a/zz (the scan's) comes after the walk's errors of a/ and before those of c/.
    expect(errorsOf(byDefault.report, 'small').map(([path]) => path)).toEqual([...walkErrors, ...lateErrors].map(([path]) => path));
    expect(byDefault.report).toBe(scan('1', tree).report);
  });
});
