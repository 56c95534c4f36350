/**
 * Every command that writes a file (-o/--output, --baselines) makes its missing directories the same
 * way and says in words why it cannot: a file where a directory should be, a directory where the
 * file should be, a path under /proc (where Node 20's recursive mkdir never returns) are each one
 * clear line and exit 2, never a hang or an error code.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeApiServer } from '../src/testing/fake-apiserver.js';
import { dockerSave } from '../src/testing/images.js';
import { expectNoStackTrace, PRIVILEGED_POD, run, workspace } from './cli-helpers.js';

const ws = workspace({
  'k8s/pod.yaml': PRIVILEGED_POD,
  'a-file': '',
  'audit.log':
    JSON.stringify({
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      stage: 'ResponseComplete',
      auditID: 'a',
      verb: 'get',
      user: { username: 'alice' },
      objectRef: { resource: 'pods', namespace: 'x', name: 'p' },
      responseStatus: { code: 200 },
      requestReceivedTimestamp: '2026-01-01T00:00:00Z',
    }) + '\n',
});
mkdirSync(join(ws.dir, 'a-dir'));
let srv: FakeApiServer;

beforeAll(async () => {
  srv = await new FakeApiServer({ objects: [] }).start();
  await dockerSave(join(ws.dir, 'app.tar'), { config: {}, layers: [{ entries: [{ name: 'app/README', content: 'hello\n' }] }] });
});
afterAll(async () => {
  await srv?.close();
  ws.cleanup();
});

/** Each command with the flag that names its output file. */
const commands = (): Array<[string, (out: string) => string[]]> => [
  ['scan (table)', (o) => ['scan', 'k8s', '-o', o]],
  ['scan (json, streamed)', (o) => ['scan', 'k8s', '-f', 'json', '-o', o]],
  ['baseline', (o) => ['baseline', 'k8s', '-o', o]],
  ['cluster (table)', (o) => ['cluster', '--kubeconfig', srv.kubeconfigPath, '-o', o]],
  ['cluster (json, streamed)', (o) => ['cluster', '--kubeconfig', srv.kubeconfigPath, '-f', 'json', '-o', o]],
  ['image', (o) => ['image', 'app.tar', '--no-progress', '-f', 'sarif', '-o', o]],
  ['image (SBOM)', (o) => ['image', 'app.tar', '--no-progress', '-f', 'cyclonedx', '-o', o]],
  ['sbom', (o) => ['sbom', 'k8s', '-o', o]],
  ['audit', (o) => ['audit', 'audit.log', '-o', o]],
];

describe('output files that cannot be written', () => {
  const where: Array<[string, string, string]> = [
    ['a file where a directory should be', 'a-file/report.out', 'not a directory'],
    ['a directory where the file should be', 'a-dir', 'is a directory'],
  ];
  // Under /proc, mkdir with { recursive: true } never returns (Node 20): each command must make its directories one at a time.
  if (existsSync('/proc/self')) where.push(['a path under /proc', '/proc/no-such-dir/report.out', 'no such file or directory']);

  for (const [name, args] of commands())
    for (const [what, out, words] of where)
      it(`${name}: ${what} is one line and exit 2`, async () => {
        const r = await run(args(out), { cwd: ws.dir });
        expectNoStackTrace(r.stderr);
        expect(r.stderr.split('\n').filter((l) => l.startsWith('sanctum: cannot'))).toEqual([`sanctum: cannot write ${out}: ${words}`]);
        expect(r.code).toBe(2);
      });

  it.skipIf(!existsSync('/proc/self'))('audit --baselines under /proc: read as none yet, then said in words when written', async () => {
    const r = await run(['audit', 'audit.log', '--baselines', '/proc/no-such-dir/baselines.json'], { cwd: ws.dir });
    expectNoStackTrace(r.stderr);
    expect(r.stderr).toContain('sanctum: cannot write /proc/no-such-dir/baselines.json: no such file or directory\n');
    expect(r.code).toBe(0);
  });

  it('a report file is still written where its missing directories can be made', async () => {
    const r = await run(['scan', 'k8s', '-f', 'json', '-o', 'new/dir/report.json'], { cwd: ws.dir });
    expect(r.code).toBe(1);
    expect(existsSync(join(ws.dir, 'new/dir/report.json'))).toBe(true);
  });
});

describe('-o - is stdout, as in Trivy and Checkov', () => {
  for (const [name, args] of commands())
    it(`${name}: writes to stdout, and no file named -`, async () => {
      const r = await run(args('-'), { cwd: ws.dir });
      expectNoStackTrace(r.stderr);
      expect(r.code).not.toBe(2);
      expect(existsSync(join(ws.dir, '-'))).toBe(false);
      expect(r.stdout.length).toBeGreaterThan(0);
      if (/json|SBOM|sbom|baseline/.test(name)) expect(() => JSON.parse(r.stdout) as unknown).not.toThrow();
    });

  it('one format to stdout and another to a file', async () => {
    const r = await run(['scan', 'k8s', '-f', 'json', '-o', '-', '-f', 'sarif', '-o', 'out/r.sarif'], { cwd: ws.dir });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toHaveProperty('findings');
    expect(existsSync(join(ws.dir, 'out/r.sarif'))).toBe(true);
    expect(existsSync(join(ws.dir, '-'))).toBe(false);
  });

  it.each([
    [
      ['scan', 'k8s', '-f', 'json', '-f', 'sarif', '-o', '-'],
      'sanctum: several formats cannot all go to stdout (-o -): give one --output per --format\n',
    ],
    [['scan', 'k8s', '-f', 'json', '-f', 'sarif', '-o', '-', '-o', '-'], 'sanctum: only one --output can be - (stdout)\n'],
  ])('%j is one clear line and exit 2', async (args, message) => {
    const r = await run(args, { cwd: ws.dir });
    expect(r.stderr).toBe(message);
    expect(r.code).toBe(2);
  });
});

describe('files that cannot be read', () => {
  it.each([
    [['cluster', '--kubeconfig', 'a-dir'], 'sanctum: cannot read the kubeconfig a-dir: is a directory\n'],
    [['cluster', '--kubeconfig', 'nowhere'], 'sanctum: kubeconfig nowhere does not exist\n'],
    [['audit', 'a-dir'], 'sanctum: cannot read a-dir: is a directory\n'],
    [['audit', 'audit.log', '--baselines', 'a-dir'], 'sanctum: cannot read a-dir: is a directory\n'],
    [['scan', 'k8s', '--config', 'a-dir'], 'sanctum: cannot read configuration a-dir: is a directory\n'],
    [['scan', 'k8s', '--baseline', 'a-file/x'], 'sanctum: cannot read baseline a-file/x: not a directory\n'],
  ])('%j', async (args, message) => {
    const r = await run(args, { cwd: ws.dir });
    expect(r.stderr).toBe(message);
    expect(r.code).toBe(2);
  });

  it('an image that is not one is named as given', async () => {
    const r = await run(['image', 'a-dir', '--no-progress', '-f', 'json'], { cwd: ws.dir });
    expect(JSON.parse(r.stdout).errors).toEqual([
      { path: 'a-dir', message: 'neither a docker save archive (no manifest.json) nor an OCI image layout (no index.json)' },
    ]);
  });
});
