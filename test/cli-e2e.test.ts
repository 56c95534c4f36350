import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoStackTrace, PRIVILEGED_POD, SAFE_POD, workspace } from './cli-helpers.js';

// These run the built executable (bin/sanctum over dist/), as a user would; `npm test` builds first.
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'sanctum');

let ws: ReturnType<typeof workspace>;
beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'bundle', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
  ws = workspace({ 'k8s/pod.yaml': PRIVILEGED_POD, 'ok/pod.yaml': SAFE_POD, 'k8s/broken.yaml': 'kind: [\n' });
});
afterAll(() => ws?.cleanup());

function sanctum(...args: string[]) {
  const env = { ...process.env };
  delete env.FORCE_COLOR;
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ws.dir, encoding: 'utf8', env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('bin/sanctum', () => {
  it('--version prints the package version', () => {
    const r = sanctum('--version');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version + '\n');
  });

  it('exit 1 with a plain table in a pipe: no colours, no progress', () => {
    const r = sanctum('scan', 'k8s', '--rule', 'K8S-0003');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("k8s/pod.yaml\n  11:7  CRITICAL  K8S-0003  Container 'vllm' runs privileged  Pod llm/vllm\n");
    expect(r.stdout).toMatch(/1 finding \(1 critical\) · 2 files · 1 resource · 1 rule · 1 error · \d+ ms\n$/);
    // eslint-disable-next-line no-control-regex
    expect(r.stdout + r.stderr).not.toMatch(/[\u001b\r]/);
    expect(r.stderr).toBe('');
  });

  it('exit 0 on a clean target, and exit 1 with --fail-on-error when a file is broken', () => {
    expect(sanctum('scan', 'ok', '--rule', 'K8S-0003').code).toBe(0);
    expect(sanctum('scan', 'k8s', '--skip-rule', 'K8S-0003', '--fail-on', 'critical', '--fail-on-error', '-f', 'json').code).toBe(1);
  });

  it('exit 2 with one clear line and no stack trace for bad arguments', () => {
    for (const args of [
      ['scan', 'k8s', '-f', 'json', '-o', 'k8s/pod.yaml/x.json'],
      ['scan', 'k8s', '--format', 'pdf'],
      ['scan', 'k8s', '--framework', 'nope'],
      ['scan', 'missing-dir'],
      ['explain', 'NOPE-1'],
    ]) {
      const r = sanctum(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^sanctum: .+\n$/);
      expectNoStackTrace(r.stderr);
    }
  });

  it('writes SARIF and JUnit files from one base name, creating the directory', () => {
    const ok = sanctum('scan', 'k8s', '--rule', 'K8S-0003', '-f', 'sarif,junit', '-o', 'out/report');
    expect(ok.code).toBe(1);
    expect(ok.stdout).toBe('');
    expect(JSON.parse(readFileSync(join(ws.dir, 'out/report.sarif'), 'utf8')).runs[0].results).toHaveLength(1);
    expect(readFileSync(join(ws.dir, 'out/report.xml'), 'utf8')).toContain(
      '<failure message="Container &apos;vllm&apos; runs privileged" type="critical">',
    );
  });
});
