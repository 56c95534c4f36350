/**
 * `scan --fix` is safe: it never writes into templates through rendered output, never writes a
 * manifest the API server or the kubelet would refuse, never undoes a suppression, and checks each
 * fixed file by parsing and scanning it again before writing it.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixFiles, fixRepeatedly, refusedPodSettings, safeFixCheck } from '../src/cli/fix.js';
import type { Finding } from '../src/core/types.js';
import { run, workspace } from './cli-helpers.js';

const pod = (containerSc: string, podSc = '') => `apiVersion: v1
kind: Pod
metadata:
  name: trainer
spec:
${podSc}  containers:
  - name: trainer
    image: trainer:1.0
    securityContext:
${containerSc}`;

describe('scan --fix', () => {
  it('on rendered output: reports the fix with the source line to change, and leaves the chart alone', async () => {
    const template =
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  containers:\n  - name: app\n    image: "{{ .Values.image }}"\n    securityContext:\n      runAsNonRoot: true\n';
    const rendered =
      '---\n# Source: app/templates/pod.yaml\napiVersion: v1\nkind: Pod\nmetadata:\n  name: release-name\nspec:\n  containers:\n  - name: app\n    image: "app:1.0"\n    securityContext:\n      runAsNonRoot: true\n';
    const w = workspace({
      'app/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 0.1.0\n',
      'app/values.yaml': 'image: app:1.0\n',
      'app/templates/pod.yaml': template,
    });
    const bin = join(w.dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'helm'), `#!${process.execPath}\nprocess.stdout.write(${JSON.stringify(rendered)});\n`);
    chmodSync(join(bin, 'helm'), 0o755);
    const oldPath = process.env.PATH;
    process.env.PATH = `${bin}:${oldPath ?? ''}`;
    try {
      const before = await run(['scan', 'app', '--rule', 'K8S-0014', '-f', 'json', '--fail-on', 'info'], { cwd: w.dir });
      const findings = JSON.parse(before.stdout).findings as Finding[];
      expect(findings.length).toBe(1);
      // Traced to the template line it sits on; the fix is described, with no edit to apply.
      expect([findings[0].location.path, findings[0].location.startLine]).toEqual(['app/templates/pod.yaml', 9]);
      expect(findings[0].fix?.edits).toEqual([]);
      expect(findings[0].fix?.manual).toContain('the finding is on output of `helm template app`, which --fix never writes');
      expect(findings[0].fix?.manual).toContain(
        'make the change by hand in app/templates/pod.yaml:9 (where the value is set): Set securityContext.allowPrivilegeEscalation: false. In the rendered output:\n',
      );
      expect(findings[0].fix?.manual).toMatch(/\n {12}runAsNonRoot: true\n {4}\+ {7}allowPrivilegeEscalation: false$/);
      const r = await run(['scan', 'app', '--rule', 'K8S-0014', '--fix', '--fail-on', 'info'], { cwd: w.dir });
      expect(readFileSync(join(w.dir, 'app/templates/pod.yaml'), 'utf8')).toBe(template);
      expect(r.stderr).toMatch(/^not fixed: K8S-0014 at app\/templates\/pod\.yaml:9: the finding is on output of `helm template app`/);
      expect(r.stderr).not.toContain('nothing to fix');
      expect(r.stderr).not.toContain('fixed 1');
      const table = await run(['scan', 'app', '--rule', 'K8S-0014', '--fail-on', 'info', '--no-color'], { cwd: w.dir });
      expect(table.stdout).not.toContain('(fixable)');
    } finally {
      process.env.PATH = oldPath;
      w.cleanup();
    }
  });

  it.each([
    ['allowPrivilegeEscalation: false beside privileged: true', 'K8S-0014', pod('      privileged: true\n')],
    ['allowPrivilegeEscalation: false beside CAP_SYS_ADMIN', 'K8S-0014', pod('      capabilities:\n        add: ["SYS_ADMIN"]\n')],
    ['runAsNonRoot: true beside runAsUser: 0', 'K8S-0015', pod('      runAsUser: 0\n')],
    [
      'runAsNonRoot: true beside a pod-level runAsUser: 0',
      'K8S-0015',
      pod('      readOnlyRootFilesystem: true\n', '  securityContext:\n    runAsUser: 0\n'),
    ],
  ])('never writes %s', async (_what, rule, text) => {
    const w = workspace({ 'pod.yaml': text });
    try {
      const r = await run(['scan', 'pod.yaml', '--rule', rule, '--fix', '--fail-on', 'info'], { cwd: w.dir });
      const after = readFileSync(join(w.dir, 'pod.yaml'), 'utf8');
      expect(refusedPodSettings(after)).toEqual([]);
      expect(after).toBe(text);
      expect(r.stderr).not.toMatch(/^fixed/m);
    } finally {
      w.cleanup();
    }
  });

  it('applies the fixes that stay valid and holds back the one that would be refused', async () => {
    // Two containers: the privileged one keeps its settings, the other one is fixed.
    const text = `apiVersion: v1
kind: Pod
metadata:
  name: gpu
spec:
  containers:
  - name: driver
    image: driver:1.0
    securityContext:
      privileged: true
  - name: app
    image: app:1.0
    securityContext:
      readOnlyRootFilesystem: true
`;
    const w = workspace({ 'pod.yaml': text });
    try {
      const r = await run(['scan', 'pod.yaml', '--rule', 'K8S-0014', '--fix', '--fail-on', 'info'], { cwd: w.dir });
      const after = readFileSync(join(w.dir, 'pod.yaml'), 'utf8');
      expect(refusedPodSettings(after)).toEqual([]);
      expect(after).toContain(
        '  - name: app\n    image: app:1.0\n    securityContext:\n      readOnlyRootFilesystem: true\n      allowPrivilegeEscalation: false\n',
      );
      expect(after).toContain('  - name: driver\n    image: driver:1.0\n    securityContext:\n      privileged: true\n  - name');
      expect(r.stderr).toContain('fixed 1 finding in pod.yaml: K8S-0014\n');
    } finally {
      w.cleanup();
    }
  });

  it('keeps an inline suppression in force: the suppressed finding is not fixed', async () => {
    const text = pod('      readOnlyRootFilesystem: true\n').replace(
      '    securityContext:',
      '    # sanctum:ignore K8S-0014 reason="the trainer needs setuid helpers"\n    securityContext:',
    );
    const w = workspace({ 'pod.yaml': text });
    try {
      const before = JSON.parse(
        (await run(['scan', 'pod.yaml', '--rule', 'K8S-0014', '-f', 'json', '--fail-on', 'info'], { cwd: w.dir })).stdout,
      );
      expect(before.findings.map((f: Finding) => f.status)).toEqual(['suppressed']);
      const r = await run(['scan', 'pod.yaml', '--rule', 'K8S-0014', '--fix', '--fail-on', 'info'], { cwd: w.dir });
      expect(readFileSync(join(w.dir, 'pod.yaml'), 'utf8')).toBe(text);
      expect(r.stderr).toBe('nothing to fix\n');
    } finally {
      w.cleanup();
    }
  });
});

describe('fix passes', () => {
  const finding = (
    path: string,
    line: number,
    replacement: string,
    ruleId: string,
    fingerprint: string,
    status: Finding['status'] = 'fail',
  ): Finding => ({
    ruleId,
    slug: ruleId.toLowerCase(),
    title: 't',
    severity: 'high',
    message: 'm',
    location: { path, startLine: line },
    frameworks: [],
    status,
    fingerprint,
    fix: { description: 'd', edits: [{ path, range: { startLine: line, startColumn: 1, endLine: line, endColumn: 1 }, replacement }] },
  });

  it('never fixes a finding that was suppressed before the first fix, even when a later pass reports it', () => {
    const w = workspace({ 'a.yaml': 'a: 1\nb: 2\n' });
    try {
      const file = join(w.dir, 'a.yaml');
      // The first fix inserts a line; the rescan reports the suppressed finding as failing (its suppression no longer lines up).
      const first = { findings: [finding('a.yaml', 1, '# moved\n', 'X-1', 'x'), finding('a.yaml', 2, 'b0', 'S-1', 's', 'suppressed')] };
      const rescan = () => ({
        findings: readFileSync(file, 'utf8').includes('# moved') ? [finding('a.yaml', 3, 'b0', 'S-1', 's')] : first.findings,
      });
      const r = fixRepeatedly(first, rescan, (res) => res.findings.filter((f) => f.status === 'fail'), w.dir);
      expect(readFileSync(file, 'utf8')).toBe('# moved\na: 1\nb: 2\n');
      expect([...r.fixed.get('a.yaml')!.rules]).toEqual(['X-1']);
    } finally {
      w.cleanup();
    }
  });

  it('the check sees every fixed text before it is written; rejected fixes are reported with the reason', () => {
    const w = workspace({ 'a.yaml': 'a: 1\nb: 2\n' });
    try {
      const seen: string[] = [];
      const check = (_path: string, _before: string, after: string) => {
        seen.push(after);
        return after.includes('bad') ? 'the fixed file would not parse: bad' : undefined;
      };
      const out = fixFiles([finding('a.yaml', 1, 'ok ', 'A-1', 'a'), finding('a.yaml', 2, 'bad ', 'B-1', 'b')], w.dir, check);
      expect(readFileSync(join(w.dir, 'a.yaml'), 'utf8')).toBe('ok a: 1\nb: 2\n');
      expect(seen[0]).toBe('ok a: 1\nbad b: 2\n');
      expect(out.fixed.map((f) => f.findings.map((x) => x.ruleId))).toEqual([['A-1']]);
      expect(out.skipped.map((s) => `${s.finding.ruleId}: ${s.reason}`)).toEqual(['B-1: the fixed file would not parse: bad']);
    } finally {
      w.cleanup();
    }
  });

  it('safeFixCheck refuses new parse errors, undone suppressions and refused manifests', () => {
    const sup = { ...finding('p.yaml', 1, '', 'S-1', 's'), status: 'suppressed' as const };
    const scans: Record<string, { findings: Finding[]; errors: Array<{ message: string }> }> = {
      before: { findings: [sup], errors: [] },
      broken: { findings: [sup], errors: [{ message: 'YAML syntax error at 2:1' }] },
      moved: { findings: [{ ...sup, status: 'fail' }], errors: [] },
    };
    const check = safeFixCheck((_path, text) => scans[text] ?? scans.before);
    expect(check('p.yaml', 'before', 'broken')).toBe('the fixed file would not parse: YAML syntax error at 2:1');
    expect(check('p.yaml', 'before', 'moved')).toBe('the fix would move S-1 away from its suppression');
    const refused = pod('      privileged: true\n      allowPrivilegeEscalation: false\n');
    expect(check('p.yaml', 'before', refused)).toBe(
      "the fixed manifest would be refused: container 'trainer' sets allowPrivilegeEscalation: false with privileged: true, which the API server rejects",
    );
    // The manifest is read as the scan reads it: YAML 1.1 booleans (`yes`, `no`), as the API server's decoder does.
    expect(refusedPodSettings(pod('      privileged: yes\n      allowPrivilegeEscalation: no\n'))).toEqual([
      "container 'trainer' sets allowPrivilegeEscalation: false with privileged: true, which the API server rejects",
    ]);
    // A manifest that was already refused before the fix does not hold back unrelated fixes.
    expect(safeFixCheck(() => scans.before)('p.yaml', refused, refused + '# fixed\n')).toBeUndefined();
  });

  it('reads a manifest whose sequence keys aliases make heavy within the limits: refused with the line, not built (js-yaml alone took seconds a key)', () => {
    // 305 KB: a sequence of 100,000 aliases to 5,000 characters, used as a key three times (500 MB a key).
    const heavy =
      `s: &s ${'x'.repeat(5000)}\na: &a [${Array.from({ length: 100_000 }, () => '*s').join(',')}]\n` +
      Array.from({ length: 3 }, (_, i) => `m${i}:\n  ? *a\n  : 1\n`).join('');
    expect(refusedPodSettings(heavy)).toEqual([]);
    const clean = { findings: [], errors: [] };
    expect(safeFixCheck(() => clean)('p.yaml', pod('      privileged: false\n'), heavy)).toBe(
      'the fixed file would not parse: YAML sequences hold more than 4194304 items and characters with aliases counted at each use (line 4; a sequence used as a mapping key is copied into a string at each use: an alias bomb?)',
    );
    // Unreadable before and after: the scan's own errors decide.
    expect(safeFixCheck(() => clean)('p.yaml', heavy, heavy + '# fixed\n')).toBeUndefined();
  });
});
