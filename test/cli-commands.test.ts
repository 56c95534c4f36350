import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixFiles, fixRepeatedly } from '../src/cli/fix.js';
import { Progress } from '../src/cli/progress.js';
import type { Finding } from '../src/core/types.js';
import { getRegistry } from '../src/scan.js';
import { expectNoStackTrace, FakeStream, PRIVILEGED_POD, run, workspace } from './cli-helpers.js';

let ws: ReturnType<typeof workspace>;
const cwd = () => ws.dir;
beforeAll(() => {
  ws = workspace({ 'bad/pod.yaml': PRIVILEGED_POD });
});
afterAll(() => ws.cleanup());

describe('sanctum rules', () => {
  it('lists every rule as a table with id, severity, scanner, title and frameworks', async () => {
    const r = await run(['rules'], { cwd: cwd() });
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+SEVERITY\s+SCANNER\s+TITLE\s+FRAMEWORKS$/);
    expect(r.stdout).toMatch(/\nK8S-0003\s+critical\s+misconfig\s+Privileged container\s+pss:privileged@baseline, cis-k8s:5\.2\.2/);
    expect(lines[lines.length - 1]).toMatch(/^\d+ rules$/);
  });

  it('-f is --format in every command that has one, as in scan: rules, sbom, db status, gateway keys list', async () => {
    expect(JSON.parse((await run(['rules', '-f', 'json'], { cwd: cwd() })).stdout).length).toBeGreaterThan(100);
    expect(JSON.parse((await run(['sbom', '.', '-f', 'spdx'], { cwd: cwd() })).stdout).spdxVersion).toBe('SPDX-2.3');
    expect(JSON.parse((await run(['db', 'status', '-f', 'json'], { cwd: cwd() })).stdout)).toHaveProperty('path');
    writeFileSync(join(cwd(), 'gw.yaml'), "upstreams: [{ name: u, baseURL: 'http://127.0.0.1:1/v1', models: [m] }]\nkeys: []\n");
    expect(JSON.parse((await run(['gateway', 'keys', 'list', '--config', 'gw.yaml', '-f', 'json'], { cwd: cwd() })).stdout)).toEqual([]);
  });

  it('--format json lists the rules with their framework mappings', async () => {
    const rules = JSON.parse((await run(['rules', '--format', 'json'], { cwd: cwd() })).stdout);
    expect(rules.find((x: { id: string }) => x.id === 'K8S-0003')).toEqual({
      id: 'K8S-0003',
      slug: 'privileged-container',
      severity: 'critical',
      scanner: 'misconfig',
      title: 'Privileged container',
      frameworks: expect.arrayContaining([{ id: 'pss', control: 'privileged', level: 'baseline' }]),
    });
    expect(rules.length).toBeGreaterThanOrEqual(getRegistry().rules.filter((x) => x.meta.appliesTo.length > 0).length);
  });

  it('--framework keeps only the rules mapped to it', async () => {
    const rules = JSON.parse((await run(['rules', '--framework', 'pss:baseline', '--format', 'json'], { cwd: cwd() })).stdout);
    expect(rules.map((x: { id: string }) => x.id)).toContain('K8S-0003');
    for (const rule of rules)
      expect(rule.frameworks.some((f: { id: string; level?: string }) => f.id === 'pss' && f.level === 'baseline')).toBe(true);
  });

  it('unknown framework or format is exit 2 with a message', async () => {
    const a = await run(['rules', '--framework', 'nist'], { cwd: cwd() });
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/unknown framework 'nist'/);
    const b = await run(['rules', '--format', 'yaml'], { cwd: cwd() });
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/unknown format 'yaml' for rules \(table or json\)/);
  });
});

describe('sanctum explain', () => {
  it('shows a rule by id or slug with rationale, remediation, examples and references', async () => {
    for (const key of ['K8S-0003', 'privileged-container', 'k8s-0003']) {
      const r = await run(['explain', key], { cwd: cwd() });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^K8S-0003 privileged-container {2}\(critical, misconfig\)\nPrivileged container\n/);
      for (const section of ['Why', 'Fix', 'Frameworks', 'Bad example (pod.yaml)', 'Good example (pod.yaml)', 'References'])
        expect(r.stdout).toContain(`\n${section}\n`);
      expect(r.stdout).toContain('privileged: true');
    }
  });

  it('an unknown rule is exit 2 with a hint and no stack trace', async () => {
    const r = await run(['explain', 'K8S-9999'], { cwd: cwd() });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("sanctum: unknown rule 'K8S-9999' (see `sanctum rules`)\n");
    expectNoStackTrace(r.stderr);
  });

  it('--help and --version exit 0', async () => {
    const help = await run(['--help'], { cwd: cwd() });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: sanctum/);
    expect(help.stdout).toMatch(/scan \[options\] \[paths\.\.\.\]/);
    const v = await run(['--version'], { cwd: cwd() });
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it("every command's help names its repeatable options without an empty '(default: [])'", async () => {
    const commands = [...(await run(['--help'], { cwd: cwd() })).stdout.matchAll(/^ {2}([a-z-]+) /gm)]
      .map((m) => m[1]!)
      .filter((c) => c !== 'help');
    expect(commands).toEqual(expect.arrayContaining(['scan', 'cluster', 'audit', 'image']));
    for (const command of commands) {
      const help = await run([command, '--help'], { cwd: cwd() });
      expect(help.code, command).toBe(0);
      expect(help.stdout, command).not.toContain('(default: [])');
    }
    expect((await run(['scan', '--help'], { cwd: cwd() })).stdout).toMatch(/--rule <id> +only this rule \(repeatable\)\n/);
  });
});

describe('--fix', () => {
  const finding = (path: string, line: number, col: number, endCol: number, replacement: string, ruleId = 'K8S-0003'): Finding => ({
    ruleId,
    slug: 's',
    title: 't',
    severity: 'high',
    message: 'm',
    location: { path, startLine: line },
    frameworks: [],
    status: 'fail',
    fingerprint: `sha256:${path}${line}${col}`,
    fix: {
      description: 'd',
      edits: [{ path, range: { startLine: line, startColumn: col, endLine: line, endColumn: endCol }, replacement }],
    },
  });

  it('writes each file once with every non-overlapping fix, keeps a BOM, and reports conflicts and unreadable files', () => {
    writeFileSync(join(cwd(), 'fix-a.yaml'), '\uFEFFa: 1\nb: 2\n');
    writeFileSync(join(cwd(), 'fix-latin1.yaml'), Buffer.from([0x61, 0x3a, 0x20, 0xe9, 0x0a]));
    const out = fixFiles(
      [
        finding('fix-a.yaml', 1, 4, 5, '10'),
        finding('fix-a.yaml', 2, 4, 5, '20'),
        finding('fix-a.yaml', 2, 1, 5, 'c: 3'),
        finding('fix-latin1.yaml', 1, 4, 5, 'x'),
        finding('gone.yaml', 1, 1, 2, 'x'),
      ],
      cwd(),
    );
    expect(readFileSync(join(cwd(), 'fix-a.yaml'), 'utf8')).toBe('\uFEFFa: 10\nb: 20\n');
    expect(readFileSync(join(cwd(), 'fix-latin1.yaml'))).toEqual(Buffer.from([0x61, 0x3a, 0x20, 0xe9, 0x0a]));
    expect(out.fixed.map((f) => [f.path, f.findings.length])).toEqual([['fix-a.yaml', 2]]);
    expect(out.skipped.map((s) => s.reason)).toEqual([
      'overlaps another fix',
      'cannot read fix-latin1.yaml: not valid UTF-8',
      'cannot read gone.yaml: no such file or directory',
    ]);
  });

  it('repeats until stable: a fix that overlapped one pass applies in the next; a fix that does not help is applied once', () => {
    const file = join(cwd(), 'passes.yaml');
    writeFileSync(file, 'a: 1\n');
    const scanFile = () => {
      const text = readFileSync(file, 'utf8');
      const findings: Finding[] = [];
      if (!text.includes('x')) findings.push({ ...finding('passes.yaml', 1, 1, 2, 'ax', 'X-1'), fingerprint: 'x' });
      if (!text.includes('y')) findings.push({ ...finding('passes.yaml', 1, 1, 2, 'ay', 'Y-1'), fingerprint: 'y' });
      findings.push({ ...finding('passes.yaml', 2, 1, 1, '# z\n', 'Z-1'), fingerprint: 'z' });
      return { findings };
    };
    const run = fixRepeatedly(scanFile(), scanFile, (r) => r.findings, cwd());
    expect(readFileSync(file, 'utf8')).toBe('ayx: 1\n# z\n');
    expect(run.fixed.get('passes.yaml')).toEqual({ count: 3, rules: new Set(['X-1', 'Z-1', 'Y-1']) });
    expect(run.skipped).toEqual([]);
    expect(run.result.findings.map((f) => f.ruleId)).toEqual(['Z-1']);
  });

  // Every rule that can fix: its bad example, fixed by `scan --fix`, no longer draws the finding.
  const fixable = getRegistry().rules.filter((r) => r.meta.fixable);
  it('at least one rule offers fixes', () => {
    expect(fixable.length).toBeGreaterThan(0);
  });
  for (const rule of fixable) {
    it(`scan --fix resolves the bad example of ${rule.meta.id} ${rule.meta.slug}`, async () => {
      const ex = rule.meta.examples.bad.find((e) => typeof e.content === 'string')!;
      const file = ex.path.replace(/\//g, '_');
      const w = workspace({ [file]: ex.content as string });
      try {
        const before = JSON.parse(
          (await run(['scan', file, '--rule', rule.meta.id, '--fail-on', 'info', '-f', 'json'], { cwd: w.dir })).stdout,
        );
        expect(before.findings.some((f: Finding) => f.fix)).toBe(true);
        const r = await run(['scan', file, '--rule', rule.meta.id, '--fail-on', 'info', '--fix', '-f', 'json'], { cwd: w.dir });
        expect(r.stderr).toMatch(new RegExp(`^fixed \\d+ findings? in ${file.replace(/\./g, '\\.')}: ${rule.meta.id}\\n`));
        const after = JSON.parse(r.stdout);
        const fixedPrints = new Set(before.findings.filter((f: Finding) => f.fix).map((f: Finding) => f.fingerprint));
        expect(after.findings.filter((f: Finding) => fixedPrints.has(f.fingerprint))).toEqual([]);
        expect(readFileSync(join(w.dir, file), 'utf8')).not.toBe(ex.content);
      } finally {
        w.cleanup();
      }
    });
  }

  it('says when there is nothing to fix', async () => {
    const r = await run(['scan', 'bad', '--rule', 'K8S-0003', '--fix'], { cwd: cwd() });
    expect(r.stderr).toBe('nothing to fix\n');
    expect(r.code).toBe(1);
    expect(readFileSync(join(cwd(), 'bad/pod.yaml'), 'utf8')).toBe(PRIVILEGED_POD);
  });
});

describe('progress', () => {
  it('shows only on a TTY, and not with --no-progress, --quiet or in CI', () => {
    const saved = process.env.CI;
    delete process.env.CI;
    try {
      const tty = new FakeStream(true) as unknown as NodeJS.WriteStream;
      const pipe = new FakeStream(false) as unknown as NodeJS.WriteStream;
      expect(Progress.enabled(tty, {})).toBe(true);
      expect(Progress.enabled(pipe, {})).toBe(false);
      expect(Progress.enabled(tty, { progress: false })).toBe(false);
      expect(Progress.enabled(tty, { quiet: true })).toBe(false);
      process.env.CI = 'true';
      expect(Progress.enabled(tty, {})).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.CI;
      else process.env.CI = saved;
    }
  });

  it('draws nothing in the first second, then one line it rewrites, and clears it at the end', () => {
    let now = 1_000_000;
    const stream = new FakeStream(true, 40);
    const p = new Progress(stream as unknown as NodeJS.WriteStream, () => now);
    p.tick('a.yaml', 0);
    now += 900;
    p.tick('b.yaml', 1);
    expect(stream.data).toBe('');
    now += 200;
    p.tick('deploy/very/long/path/to/some/manifest.yaml', 2);
    // eslint-disable-next-line no-control-regex
    expect(stream.data).toMatch(/^\r. scanning: 3 files {2}….*manifest\.yaml\u001b\[K$/);
    // eslint-disable-next-line no-control-regex
    expect(stream.data.replace(/\u001b\[K$/, '').length).toBeLessThanOrEqual(41);
    const drawn = stream.data;
    now += 50;
    p.tick('c.yaml', 3);
    expect(stream.data).toBe(drawn);
    p.done();
    expect(stream.data.endsWith('\r\u001b[K')).toBe(true);
  });

  it('a short scan on a TTY leaves stderr empty', async () => {
    const r = await run(['scan', 'bad', '--rule', 'K8S-0003'], { cwd: cwd(), tty: true });
    expect(r.stderr).toBe('');
  });
});
