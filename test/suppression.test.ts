import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../src/cli/main.js';
import type { IgnoreEntry, SanctumConfig } from '../src/core/config.js';
import { matchesGlob } from '../src/core/glob.js';
import { INLINE } from '../src/core/inline-suppression.js';
import { fileLines } from '../src/core/line-index.js';
import { MemorySourceFile, type SourceFile } from '../src/core/source-file.js';
import { ConfigSuppressor, makeBaseline, parseBaseline } from '../src/core/suppression.js';
import type { Finding, ScanResult } from '../src/core/types.js';
import { reporters } from '../src/reporters/index.js';
import { scanSync, ScanSetupError, type ScanOptions } from '../src/scan.js';

const TODAY = '2026-06-15';

/** The whole result of a scan of `files` (K8S-0003 only, on TODAY); no file may fail. */
function scanResult(files: Record<string, string>, opts: Partial<ScanOptions> = {}): ScanResult {
  const r = scanSync({
    targets: ['.'],
    files: Object.entries(files).map(([p, t]) => new MemorySourceFile(p, t)),
    config: false,
    rules: ['K8S-0003'],
    today: TODAY,
    ...opts,
  });
  expect(r.errors).toEqual([]);
  return r;
}

function scan(files: Record<string, string>, opts: Partial<ScanOptions> = {}): Finding[] {
  return scanResult(files, opts).findings;
}

/** Compact view: `RULE status line:col-line:col [kind reason expires]`. */
function show(fs: Finding[]): string[] {
  return fs.map((f) => {
    const l = f.location;
    const s = f.suppression
      ? ` [${f.suppression.kind}${f.suppression.reason ? ` "${f.suppression.reason}"` : ''}${f.suppression.expires ? ` ${f.suppression.expires}` : ''}]`
      : '';
    return `${f.ruleId} ${f.status} ${l.path}:${l.startLine ?? '-'}:${l.startColumn ?? '-'}-${l.endLine ?? '-'}:${l.endColumn ?? '-'}${s}`;
  });
}

/** A pod whose container `c` is privileged at line 10, columns 7-23; `sc` replaces the securityContext lines. */
function pod(opts: { annotations?: string; sc?: string; before?: string } = {}): string {
  const ann = opts.annotations ? `  annotations:\n${opts.annotations}` : '';
  return `${opts.before ?? ''}apiVersion: v1\nkind: Pod\nmetadata:\n  name: gpu\n${ann}spec:\n  containers:\n  - name: c\n    image: nvcr.io/nvidia/cuda:12.4.1-base-ubuntu22.04\n    securityContext:\n${opts.sc ?? '      privileged: true\n'}`;
}

describe('inline suppression', () => {
  it('on the line before, with reason and expiry', () => {
    const fs = scan({
      'p.yaml': pod({ sc: '      # sanctum:ignore K8S-0003 reason="GPU operator needs it" expires=2027-01-31\n      privileged: true\n' }),
    });
    expect(show(fs)).toEqual(['K8S-0003 suppressed p.yaml:11:7-11:23 [inline "GPU operator needs it" 2027-01-31]']);
    expect(fs[0].suppression).toEqual({ kind: 'inline', reason: 'GPU operator needs it', expires: '2027-01-31' });
  });

  it('on the same line', () => {
    const fs = scan({ 'p.yaml': pod({ sc: "      privileged: true # sanctum:ignore K8S-0003 reason='device plugin'\n" }) });
    expect(show(fs)).toEqual(['K8S-0003 suppressed p.yaml:10:7-10:23 [inline "device plugin"]']);
  });

  it('with several ids (commas or spaces), a slug, or *', () => {
    for (const ids of ['K8S-0001,K8S-0003', 'K8S-0001, K8S-0003', 'K8S-0001 K8S-0003', 'privileged-container', '*']) {
      const fs = scan({ 'p.yaml': pod({ sc: `      # sanctum:ignore ${ids} reason="accepted"\n      privileged: true\n` }) });
      expect(show(fs), ids).toEqual(['K8S-0003 suppressed p.yaml:11:7-11:23 [inline "accepted"]']);
    }
  });

  it('does not apply to other rules, to lines further down, or from a trailing comment on the line before', () => {
    const cases = [
      '      # sanctum:ignore K8S-0001 reason="other rule"\n      privileged: true\n',
      '      # sanctum:ignore K8S-0003 reason="too far"\n\n      privileged: true\n',
      '      allowPrivilegeEscalation: true # sanctum:ignore K8S-0003 reason="trailing"\n      privileged: true\n',
      '      # sanctum:ignoreK8S-0003 reason="no space"\n      privileged: true\n',
      '      # sanctum:ignore reason="no rule"\n      privileged: true\n',
    ];
    for (const sc of cases) {
      const fs = scan({ 'p.yaml': pod({ sc }) });
      expect(
        fs.map((f) => `${f.ruleId} ${f.status}`),
        sc,
      ).toEqual(['K8S-0003 fail']);
    }
  });

  it('without a reason still suppresses, and is reported as SAN-0001 at the comment', () => {
    const fs = scan({ 'p.yaml': pod({ sc: '      # sanctum:ignore K8S-0003\n      privileged: true\n' }) });
    expect(show(fs)).toEqual(['SAN-0001 fail p.yaml:10:9-10:32', 'K8S-0003 suppressed p.yaml:11:7-11:23 [inline]']);
    expect(fs[0].message).toBe('Suppression of K8S-0003 has no reason');
    expect(fs[0].severity).toBe('low');
  });

  it('an empty reason counts as none', () => {
    const fs = scan({ 'p.yaml': pod({ sc: '      # sanctum:ignore K8S-0003 reason=""\n      privileged: true\n' }) });
    expect(fs.map((f) => `${f.ruleId} ${f.status}`)).toEqual(['SAN-0001 fail', 'K8S-0003 suppressed']);
  });

  it('stops suppressing after its expiry date, which is reported as SAN-0002', () => {
    const expired = scan({
      'p.yaml': pod({ sc: '      # sanctum:ignore K8S-0003 reason="temporary" expires=2026-06-14\n      privileged: true\n' }),
    });
    expect(show(expired)).toEqual(['SAN-0002 fail p.yaml:10:9-10:70', 'K8S-0003 fail p.yaml:11:7-11:23']);
    expect(expired[0].message).toBe('Suppression of K8S-0003 expired on 2026-06-14; the finding is reported again');
    const lastDay = scan({
      'p.yaml': pod({ sc: '      # sanctum:ignore K8S-0003 reason="temporary" expires=2026-06-15\n      privileged: true\n' }),
    });
    expect(show(lastDay)).toEqual(['K8S-0003 suppressed p.yaml:11:7-11:23 [inline "temporary" 2026-06-15]']);
  });

  it('is reported once even when it covers several findings', () => {
    const fs = scan({
      'p.yaml':
        pod({ sc: '      privileged: true # sanctum:ignore *\n' }) +
        '  - name: d\n    image: x:1\n    securityContext: {privileged: true} # sanctum:ignore *\n',
    });
    expect(fs.map((f) => `${f.ruleId} ${f.status} ${f.location.startLine}`)).toEqual([
      'K8S-0003 suppressed 10',
      'SAN-0001 fail 10',
      'K8S-0003 suppressed 13',
      'SAN-0001 fail 13',
    ]);
    expect(new Set(fs.map((f) => f.fingerprint)).size).toBe(4);
  });

  it('is read once per file, into a slot of the file, or beside a file of a class without the slot', () => {
    const text = pod({ sc: '      privileged: true # sanctum:ignore K8S-0003 reason="device plugin"\n' });
    const file = new MemorySourceFile('p.yaml', text);
    expect(file[INLINE]).toBeUndefined();
    const opts = { targets: ['.'], config: false as const, rules: ['K8S-0003'], today: TODAY };
    const inSlot = scanSync({ ...opts, files: [file] }).findings;
    expect(show(inSlot)).toEqual(['K8S-0003 suppressed p.yaml:10:7-10:23 [inline "device plugin"]']);
    expect(file[INLINE]?.lines).toBe(fileLines(file));
    expect([...file[INLINE]!.map.keys()]).toEqual([10]);
    // Without a comment: read once too, and remembered as none.
    const plain = new MemorySourceFile('q.yaml', pod());
    scanSync({ ...opts, files: [plain] });
    expect(plain[INLINE]).toBeNull();

    const bytes = Buffer.from(text);
    const literal: SourceFile = {
      path: 'p.yaml',
      size: bytes.length,
      head: () => bytes.subarray(0, 8192),
      bytes: () => bytes,
      read: (offset, length) => bytes.subarray(offset, offset + length),
      text: () => text,
    };
    expect(show(scanSync({ ...opts, files: [literal] }).findings)).toEqual(show(inSlot));
    expect(INLINE in literal).toBe(false);
  });
});

describe('annotation suppression', () => {
  it('suppresses the findings of the annotated object', () => {
    const fs = scan({ 'p.yaml': pod({ annotations: '    sanctum.dev/ignore: "K8S-0003: GPU operator needs host devices"\n' }) });
    expect(show(fs)).toEqual(['K8S-0003 suppressed p.yaml:12:7-12:23 [annotation "GPU operator needs host devices"]']);
  });

  it('accepts slugs, several entries and an expiry date', () => {
    const fs = scan({
      'p.yaml': pod({
        annotations:
          '    sanctum.dev/ignore: "K8S-0001: other; privileged-container, K8S-0005: accepted until the driver upgrade expires=2027-03-01"\n',
      }),
    });
    expect(show(fs)).toEqual(['K8S-0003 suppressed p.yaml:12:7-12:23 [annotation "accepted until the driver upgrade" 2027-03-01]']);
  });

  it('reports a missing reason as SAN-0001 at the annotation', () => {
    const fs = scan({ 'p.yaml': pod({ annotations: '    team: ml\n    sanctum.dev/ignore: K8S-0003\n' }) });
    expect(show(fs)).toEqual(['SAN-0001 fail p.yaml:7:5-7:33', 'K8S-0003 suppressed p.yaml:13:7-13:23 [annotation]']);
    expect(fs[0].message).toBe('Suppression of K8S-0003 in an annotation has no reason');
    expect(fs[0].location.objectPath).toBe('/metadata/annotations/sanctum.dev~1ignore');
    expect(fs[0].location.resource).toEqual({ apiVersion: 'v1', kind: 'Pod', name: 'gpu' });
  });

  it('stops suppressing once expired, reported as SAN-0002 at the annotation', () => {
    const fs = scan({ 'p.yaml': pod({ annotations: '    sanctum.dev/ignore: "K8S-0003: until the upgrade expires=2026-01-01"\n' }) });
    expect(show(fs)).toEqual(['SAN-0002 fail p.yaml:6:5-6:73', 'K8S-0003 fail p.yaml:12:7-12:23']);
  });

  it('on a pod template suppresses that template only', () => {
    const deploy = (ann: string): string =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    metadata:\n${ann}    spec:\n      containers:\n      - name: c\n        image: x:1\n        securityContext: {privileged: true}\n`;
    expect(show(scan({ 'd.yaml': deploy('      annotations:\n        sanctum.dev/ignore: "K8S-0003: node agent"\n') }))).toEqual([
      'K8S-0003 suppressed d.yaml:14:27-14:43 [annotation "node agent"]',
    ]);
    expect(show(scan({ 'd.yaml': deploy('      labels: {app: d}\n') }))).toEqual(['K8S-0003 fail d.yaml:13:27-13:43']);
  });

  it('does not leak to the next object of the file', () => {
    const fs = scan({ 'p.yaml': pod({ annotations: '    sanctum.dev/ignore: "K8S-0003: ok"\n' }) + '---\n' + pod() });
    expect(fs.map((f) => `${f.status} ${f.location.startLine}`)).toEqual(['suppressed 12', 'fail 23']);
  });
});

describe('configuration ignore entries and baselines', () => {
  const files = { 'k8s/a.yaml': pod(), 'k8s/b.yaml': pod(), 'other/c.yaml': pod() };

  function withConfig(config: SanctumConfig, baseline?: ReadonlySet<string>): string[] {
    return show(scan(files, { config, baseline }));
  }

  it('by rule and path glob', () => {
    expect(withConfig({ ignore: [{ rule: 'K8S-0003', paths: ['k8s/**'], reason: 'lab cluster' }] })).toEqual([
      'K8S-0003 suppressed k8s/a.yaml:10:7-10:23 [config "lab cluster"]',
      'K8S-0003 suppressed k8s/b.yaml:10:7-10:23 [config "lab cluster"]',
      'K8S-0003 fail other/c.yaml:10:7-10:23',
    ]);
    expect(
      withConfig({ ignore: [{ rule: 'privileged-container', paths: ['k8s/b.yaml', 'other/'], reason: 'x' }] }).map((s) => s.split(' ')[1]),
    ).toEqual(['fail', 'suppressed', 'suppressed']);
  });

  it('by resource glob (kind/namespace/name) and by fingerprint', () => {
    const all = scan(files);
    expect(withConfig({ ignore: [{ resources: ['Pod/default/g*'], reason: 'r' }] }).every((s) => s.includes('suppressed'))).toBe(true);
    expect(withConfig({ ignore: [{ resources: ['Pod/kube-system/*'], reason: 'r' }] }).every((s) => s.includes(' fail '))).toBe(true);
    expect(withConfig({ ignore: [{ fingerprints: [all[1].fingerprint], reason: 'reviewed' }] }).map((s) => s.split(' ')[1])).toEqual([
      'fail',
      'suppressed',
      'fail',
    ]);
  });

  it('by fingerprint, among entries of other kinds: the first entry that matches and has not expired, in the order written', () => {
    const all = scan(files);
    const fs = scan(files, {
      config: {
        ignore: [
          { fingerprints: [all[0].fingerprint], reason: 'old', expires: '2026-01-31' },
          { rule: 'K8S-0003', paths: ['k8s/a.yaml'], reason: 'by path' },
          { fingerprints: ['sha256:other', all[0].fingerprint, all[2].fingerprint], reason: 'reviewed' },
          { rule: 'K8S-0003', reason: 'the rest' },
          { fingerprints: [all[2].fingerprint] },
        ],
      },
    });
    expect(show(fs)).toEqual([
      'SAN-0002 fail .sanctum.yaml:-:---:-',
      'K8S-0003 suppressed k8s/a.yaml:10:7-10:23 [config "by path"]',
      'K8S-0003 suppressed k8s/b.yaml:10:7-10:23 [config "the rest"]',
      'K8S-0003 suppressed other/c.yaml:10:7-10:23 [config "reviewed"]',
    ]);
  });

  it('match a finding by fingerprint without reading every entry, nor every fingerprint of an entry', () => {
    const n = 2000;
    let reads = 0;
    const counted = <T extends object>(o: T): T =>
      new Proxy(o, {
        get(t, k, r) {
          reads++;
          return Reflect.get(t, k, r) as unknown;
        },
      });
    const finding = (i: number) =>
      ({ ruleId: 'K8S-0003', slug: 'privileged-container', status: 'fail', fingerprint: `sha256:${i}`, location: { path: `p${i}.yaml` } }) as Finding;
    const run = (entries: IgnoreEntry[]) => {
      reads = 0;
      const suppressor = new ConfigSuppressor(entries, undefined, TODAY);
      const fs = Array.from({ length: n }, (_, i) => finding(i));
      for (const f of fs) suppressor.apply(f);
      expect(fs.filter((f) => f.status === 'suppressed')).toHaveLength(n);
      expect(suppressor.usedPositions()).toHaveLength(entries.length);
      return reads;
    };
    // An entry per finding: 22,031,000 reads before at n = 2,000, 44,000 now.
    expect(run(Array.from({ length: n }, (_, i) => counted({ fingerprints: counted([`sha256:${i}`]), reason: 'r' })))).toBeLessThan(40 * n);
    // One entry naming every finding: 2,041,000 reads before, 32,006 now.
    expect(run([counted({ fingerprints: counted(Array.from({ length: n }, (_, i) => `sha256:${i}`)), reason: 'r' })])).toBeLessThan(40 * n);
  });

  it('an entry without any selector suppresses nothing', () => {
    expect(withConfig({ ignore: [{ reason: 'everything?' }] }).every((s) => s.includes(' fail '))).toBe(true);
  });

  it('reports entries without a reason (SAN-0001) and expired ones (SAN-0002) at the configuration file', () => {
    const fs = scan(files, {
      config: {
        ignore: [
          { rule: 'K8S-0003', paths: ['k8s/a.yaml'] },
          { rule: 'K8S-0003', paths: ['k8s/b.yaml'], reason: 'old', expires: '2026-01-31' },
        ],
      },
    });
    expect(show(fs.filter((f) => f.ruleId === 'K8S-0003'))).toEqual([
      'K8S-0003 suppressed k8s/a.yaml:10:7-10:23 [config]',
      'K8S-0003 fail k8s/b.yaml:10:7-10:23',
      'K8S-0003 fail other/c.yaml:10:7-10:23',
    ]);
    expect(fs.filter((f) => f.ruleId.startsWith('SAN')).map((f) => `${f.ruleId} ${f.location.path} ${f.message}`)).toEqual([
      'SAN-0001 .sanctum.yaml Ignore entry for K8S-0003 has no reason',
      'SAN-0002 .sanctum.yaml Ignore entry for K8S-0003 expired on 2026-01-31; its findings are reported again',
    ]);
  });

  it('reports each entry without a reason', () => {
    const fs = scan(files, {
      config: {
        ignore: [
          { rule: 'K8S-0003', paths: ['k8s/a.yaml'] },
          { rule: 'K8S-0003', paths: ['other/**'] },
        ],
      },
    });
    expect(fs.filter((f) => f.ruleId === 'SAN-0001')).toHaveLength(2);
    expect(new Set(fs.map((f) => f.fingerprint)).size).toBe(fs.length);
  });

  it('reads entries from a .sanctum.yaml file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sanctum-cfg-'));
    try {
      writeFileSync(
        join(dir, '.sanctum.yaml'),
        'ignore:\n  - rule: K8S-0003\n    paths: ["k8s/*.yaml"]\n    reason: lab\n    expires: 2027-01-01\n',
      );
      const fs = scan(files, { config: join(dir, '.sanctum.yaml') });
      expect(fs.map((f) => f.suppression ?? null)).toEqual([
        { kind: 'config', reason: 'lab', expires: '2027-01-01' },
        { kind: 'config', reason: 'lab', expires: '2027-01-01' },
        null,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a baseline suppresses the findings it lists and no new ones', () => {
    const first = scanResult(files);
    const baseline = makeBaseline(first.findings);
    expect(baseline.fingerprints).toHaveLength(3);
    const fs = show(scan({ ...files, 'new.yaml': pod() }, { baseline: new Set(baseline.fingerprints) }));
    expect(fs).toEqual([
      'K8S-0003 suppressed k8s/a.yaml:10:7-10:23 [baseline "in baseline"]',
      'K8S-0003 suppressed k8s/b.yaml:10:7-10:23 [baseline "in baseline"]',
      'K8S-0003 fail new.yaml:10:7-10:23',
      'K8S-0003 suppressed other/c.yaml:10:7-10:23 [baseline "in baseline"]',
    ]);
  });

  it('reads baseline files and rejects what is not one', () => {
    expect(parseBaseline('{"schemaVersion": 1, "fingerprints": ["sha256:a"]}', 'b.json')).toEqual(new Set(['sha256:a']));
    expect(() => parseBaseline('{"findings": []}', 'b.json')).toThrow(
      'b.json: not a baseline file: no "fingerprints" list, nor the findings of a sanctum JSON report',
    );
    expect(() => parseBaseline('nope', 'b.json')).toThrow(/^b\.json: not a baseline file: /);
    // The text JSON.parse quotes from the file stays out: control characters, a secret pasted in by mistake.
    expect(() => parseBaseline('\x1b]0;pw-Xy7!qwerTY\x07', 'b.json')).toThrow(
      "b.json: not a baseline file: Unexpected token '\\x1b' (not valid JSON)",
    );
    const dir = mkdtempSync(join(tmpdir(), 'sanctum-bl-'));
    try {
      writeFileSync(join(dir, 'bad.json'), '[');
      expect(() => scanSync({ targets: ['.'], files: [], config: false, baseline: join(dir, 'bad.json') })).toThrow(ScanSetupError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a JSON report of sanctum scan is a baseline too (gitleaks --baseline-path): its failing and baseline-suppressed findings', () => {
    const files = { 'k8s/a.yaml': pod(), 'k8s/b.yaml': pod({ sc: '      privileged: true # sanctum:ignore K8S-0003 reason="inline"\n' }) };
    const first = scanResult(files);
    const report = reporters.json(first, { rules: [], color: false, failOn: 'high' });
    const fromReport = parseBaseline(report, 'report.json');
    // The inline-suppressed finding is not recorded, as `sanctum baseline` leaves it out.
    expect([...fromReport]).toEqual(makeBaseline(first.findings).fingerprints);
    expect(fromReport.size).toBe(1);
    // A report made with that baseline carries it on.
    const second = scan({ ...files, 'new.yaml': pod() }, { baseline: fromReport });
    const again = parseBaseline(
      reporters.json({ ...first, findings: second }, { rules: [], color: false, failOn: 'high' }),
      'report2.json',
    );
    expect(again.size).toBe(2);
    expect(() => parseBaseline('{"tool": {"name": "gitleaks"}, "findings": []}', 'x.json')).toThrow(/not a baseline file/);
  });

  it('inline suppressions win over configuration entries', () => {
    const fs = scan(
      { 'p.yaml': pod({ sc: '      privileged: true # sanctum:ignore K8S-0003 reason="inline"\n' }) },
      { config: { ignore: [{ rule: 'K8S-0003', reason: 'config' }] } },
    );
    expect(fs[0].suppression).toEqual({ kind: 'inline', reason: 'inline' });
  });
});

describe('suppressed findings and the exit code', () => {
  it('stay in the result and do not count for the exit code', () => {
    const r = scanSync({
      targets: ['.'],
      files: [new MemorySourceFile('p.yaml', pod({ sc: '      privileged: true # sanctum:ignore K8S-0003 reason="accepted"\n' }))],
      config: false,
      rules: ['K8S-0003'],
      today: TODAY,
    });
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.status])).toEqual([['K8S-0003', 'critical', 'suppressed']]);
    expect(exitCodeFor(r, 'high', false)).toBe(0);
    // Nothing at all could be scanned (no file reached the scanners, and something failed): exit 2.
    const nothing = {
      ...r,
      findings: [],
      errors: [{ path: 'charts/x/Chart.yaml', message: 'not rendered', notRendered: 'chart' as const }],
      stats: { ...r.stats, files: 0 },
    };
    expect(exitCodeFor(nothing, 'high', false)).toBe(2);
    expect(exitCodeFor({ ...nothing, errors: [] }, 'high', false)).toBe(0);
    expect(exitCodeFor({ ...r, findings: r.findings.map((f) => ({ ...f, status: 'fail' as const })) }, 'high', false)).toBe(1);
  });
});

describe('fingerprints', () => {
  it('do not change when lines shift, and differ between equal findings', () => {
    const text = pod() + '  - name: d\n    image: x:1\n    securityContext: {privileged: true}\n';
    const a = scan({ 'p.yaml': text });
    const b = scan({
      'p.yaml':
        pod({ before: '# a new comment\n\n# and another\n' }) + '  - name: d\n    image: x:1\n    securityContext: {privileged: true}\n',
    });
    expect(a.map((f) => f.location.startLine)).toEqual([10, 13]);
    expect(b.map((f) => f.location.startLine)).toEqual([13, 16]);
    expect(b.map((f) => f.fingerprint)).toEqual(a.map((f) => f.fingerprint));
    expect(a[0].fingerprint).not.toBe(a[1].fingerprint);
    expect(a[0].fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('change with the file, the resource and the rule', () => {
    const [a] = scan({ 'p.yaml': pod() });
    const [b] = scan({ 'q.yaml': pod() });
    const [c] = scan({ 'p.yaml': pod().replace('name: gpu', 'name: cpu') });
    expect(new Set([a.fingerprint, b.fingerprint, c.fingerprint]).size).toBe(3);
  });
});

describe('fingerprints of settings that are not written', () => {
  // Settings of a container that the rules ask for: capabilities.drop, runAsNonRoot, seccompProfile, allowPrivilegeEscalation, readOnlyRootFilesystem.
  const SETTINGS = ['K8S-0014', 'K8S-0015', 'K8S-0017', 'K8S-0018', 'K8S-0104'];
  const server = '  - name: server\n    image: vllm/vllm-openai:v0.6.0\n';
  const podOf = (containers: string): string => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: llm\nspec:\n  containers:\n${containers}`;
  const settings = (text: string, opts: Partial<ScanOptions> = {}) => scan({ 'p.yaml': text }, { rules: SETTINGS, ...opts });
  const shown = (fs: Finding[]): string[] => fs.map((f) => `${f.ruleId} ${f.status} ${f.location.objectPath}`);

  it('stay when a securityContext is written beside them: a baseline made before keeps them, the setting written is fixed', () => {
    const before = settings(podOf(server));
    expect(shown(before)).toEqual([
      'K8S-0014 fail /spec/containers/0',
      'K8S-0015 fail /spec/containers/0',
      'K8S-0017 fail /spec/containers/0',
      'K8S-0018 fail /spec/containers/0',
      'K8S-0104 fail /spec/containers/0/name',
    ]);
    const baseline = new Set(makeBaseline(before).fingerprints);
    const after = settings(podOf(server + '    securityContext:\n      runAsNonRoot: true\n'), { baseline });
    // Shown at the securityContext now, which exists; the same findings, none new; K8S-0015 is fixed.
    expect(shown(after)).toEqual([
      'K8S-0014 suppressed /spec/containers/0/securityContext',
      'K8S-0017 suppressed /spec/containers/0/securityContext',
      'K8S-0018 suppressed /spec/containers/0/securityContext',
      'K8S-0104 suppressed /spec/containers/0/securityContext',
    ]);
    expect(after.map((f) => f.fingerprint)).toEqual(before.filter((f) => f.ruleId !== 'K8S-0015').map((f) => f.fingerprint));
  });

  it('tell a setting not written from the same setting written with a bad value, and which resources are missing', () => {
    const print = (text: string, rules = SETTINGS) =>
      new Map(scan({ 'p.yaml': text }, { rules }).map((f) => [f.ruleId, f.fingerprint] as const));
    const unset = print(podOf(server));
    const written = print(
      podOf(
        server +
          '    securityContext:\n      allowPrivilegeEscalation: true\n      runAsNonRoot: false\n' +
          '      readOnlyRootFilesystem: false\n      capabilities:\n        drop: [NET_RAW]\n',
      ),
    );
    // The seccomp profile is not written in either: the same finding. Every other setting is written with a bad value.
    for (const rule of SETTINGS) {
      expect(written.get(rule), rule).toBeDefined();
      if (rule === 'K8S-0017') expect(written.get(rule)).toBe(unset.get(rule));
      else expect(written.get(rule), rule).not.toBe(unset.get(rule));
    }
    // A container without a CPU limit (low) and one without any limit (medium) are two findings.
    const limits = (resources: string) => print(podOf(server + resources), ['K8S-0102']).get('K8S-0102');
    const noCpu = limits('    resources:\n      limits:\n        memory: 1Gi\n');
    expect(noCpu).toBeDefined();
    expect(limits('    resources:\n      limits: {}\n')).not.toBe(noCpu);
    expect(limits('')).not.toBe(noCpu);
    expect(limits('    resources:\n      limits: {}\n')).toBe(limits(''));
  });

  it('tell a token mounted by default from one asked for with automountServiceAccountToken: true (default service account)', () => {
    const pod = (extra: string) => podOf(server).replace('spec:\n', `spec:\n${extra}`);
    const prints = (text: string) => scan({ 'p.yaml': text }, { rules: ['K8S-0106'] }).map((f) => f.fingerprint);
    const unset = prints(pod(''));
    const written = prints(pod('  automountServiceAccountToken: true\n'));
    expect(unset).toHaveLength(1);
    expect(written).toHaveLength(1);
    expect(written[0]).not.toBe(unset[0]);
  });

  // What a scan made before fingerprints hashed the setting's path (the deepest node that exists): baselines and
  // ignore entries written then still match.
  const LEGACY = [
    'sha256:30125ab7a5916f99391faba2e0ef3e5750619065301fa49b63c22179a5b60e7b',
    'sha256:521ff4d58718cf00aebbc24f1e46c9e1d0cc5a67924bc62c7625180f44ec9be3',
    'sha256:d39cf760859aa63030a9d8ad4dda47cef7232296f1743cc33b270a15d0d4bff1',
    'sha256:bcd9337c4682dcaeaef8dad1dda8869691456f0b05e70166f994ba67d74b7e55',
    'sha256:2b3bd2866fa09b26bd1266c91c4491094e1fd5ea6325f0dc447e75e419e977cf',
  ];

  it('written before (a baseline, a JSON report as baseline, ignore entries) still suppress', () => {
    const fresh = settings(podOf(server));
    expect(fresh.map((f) => f.fingerprint).filter((p) => LEGACY.includes(p))).toEqual([]);
    const old = settings(podOf(server), { baseline: new Set(LEGACY) });
    expect(old.map((f) => f.suppression?.kind)).toEqual(Array(5).fill('baseline'));
    // The legacy fingerprints are nowhere in the findings: a report written with the old baseline carries the new ones.
    expect(old.map((f) => f.fingerprint)).toEqual(fresh.map((f) => f.fingerprint));
    expect(JSON.stringify(old)).not.toContain(LEGACY[0].slice(7));
    const report = JSON.stringify({ tool: { name: 'sanctum' }, findings: LEGACY.map((fingerprint) => ({ status: 'fail', fingerprint })) });
    const fromReport = settings(podOf(server), { baseline: parseBaseline(report, 'old.json') });
    expect(fromReport.map((f) => f.status)).toEqual(Array(5).fill('suppressed'));
    const ignored = settings(podOf(server), { config: { ignore: [{ fingerprints: [LEGACY[1]], reason: 'reviewed' }] } });
    expect(ignored.map((f) => `${f.ruleId} ${f.status}`)).toEqual([
      'K8S-0014 fail',
      'K8S-0015 suppressed',
      'K8S-0017 fail',
      'K8S-0018 fail',
      'K8S-0104 fail',
    ]);
  });

  it('written before match the findings as they were (a container is still known by its index)', () => {
    const after = settings(podOf('  - name: proxy\n    image: envoyproxy/envoy:v1.30.0\n' + server), { baseline: new Set(LEGACY) });
    // Index 0 is the proxy now: its legacy fingerprints are the server's of before. What was, matches; nothing more.
    expect(after.filter((f) => f.status === 'suppressed').map((f) => f.location.objectPath)).toEqual([
      '/spec/containers/0',
      '/spec/containers/0',
      '/spec/containers/0',
      '/spec/containers/0',
      '/spec/containers/0/name',
    ]);
  });
});

describe('path globs', () => {
  it.each([
    ['k8s/a.yaml', 'k8s/**', true],
    ['k8s/deep/a.yaml', 'k8s/**/*.yaml', true],
    ['k8s/a.yaml', 'k8s/**/*.yaml', true],
    ['k8s/a.yml', 'k8s/*.{yaml,yml}', true],
    ['k8s/deep/a.yaml', 'k8s/*.yaml', false],
    ['k8s/deep/a.yaml', 'k8s', true],
    ['k8s/deep/a.yaml', 'k8s/', true],
    ['k8s2/a.yaml', 'k8s', false],
    ['./k8s/a.yaml', 'k8s/a.yaml', true],
    ['a.yaml', '?.yaml', true],
    ['ab.yaml', '?.yaml', false],
    ['a.yaml', '[ab].yaml', true],
    ['c.yaml', '[!ab].yaml', true],
    ['axyaml', 'a.yaml', false],
    ['Pod/default/gpu', 'Pod/*/g*', true],
  ])('%s ~ %s = %s', (path, glob, want) => {
    expect(matchesGlob(path, glob)).toBe(want);
  });

  it('match in linear time on adversarial input', () => {
    const path = 'a/'.repeat(5000) + 'b';
    expect(matchesGlob(path, '**/a/**/a/**/a/**/c')).toBe(false);
    expect(matchesGlob('a'.repeat(20000), '*a*a*a*a*a*b')).toBe(false);
  });
});

describe('path globs, more', () => {
  it.each([
    ['charts/x/templates/a.yaml', '{charts,helm}/**/templates/*.yaml', true],
    ['helm/templates/a.yaml', '{charts,helm}/**/templates/*.yaml', true],
    ['k8s/a.yaml', '{charts,helm}/**', false],
    ['a-1.yaml', '[a-c]-[0-9].yaml', true],
    ['d-1.yaml', '[a-c]-[0-9].yaml', false],
    ['a/b/c', '**', true],
    ['a/b/c', 'a/**/c', true],
    ['a/c', 'a/**/c', true],
    ['a/b/c/d', 'a/*/d', false],
  ])('%s ~ %s = %s', (path, glob, want) => {
    expect(matchesGlob(path, glob)).toBe(want);
  });
});

describe('expiry dates that are not dates', () => {
  it('stop an inline suppression and are reported', () => {
    for (const [value, shown] of [
      ['soon', "'soon'"],
      ['2027-02-30', "'2027-02-30'"],
      ['31/01/2027', "'31/01/2027'"],
    ]) {
      const fs = scan({
        'p.yaml': pod({ sc: `      # sanctum:ignore K8S-0003 reason="temporary" expires=${value}\n      privileged: true\n` }),
      });
      expect(
        fs.map((f) => `${f.ruleId} ${f.status}`),
        value,
      ).toEqual(['SAN-0002 fail', 'K8S-0003 fail']);
      expect(fs[0].message).toBe(
        `Suppression of K8S-0003 has an expiry date that is not a date as YYYY-MM-DD (${shown}); the finding is reported again`,
      );
    }
  });

  it('stop an annotation suppression and are reported', () => {
    const fs = scan({ 'p.yaml': pod({ annotations: '    sanctum.dev/ignore: "K8S-0003: driver expires=next-week"\n' }) });
    expect(fs.map((f) => `${f.ruleId} ${f.status}`)).toEqual(['SAN-0002 fail', 'K8S-0003 fail']);
    expect(fs[0].message).toBe(
      "Suppression of K8S-0003 in an annotation has an expiry date that is not a date as YYYY-MM-DD ('next-week'); the finding is reported again",
    );
  });

  it('stop a configuration entry', () => {
    const fs = scan({ 'p.yaml': pod() }, { config: { ignore: [{ rule: 'K8S-0003', reason: 'r', expires: '2027-02-30' }] } });
    expect(fs.map((f) => `${f.ruleId} ${f.status}`)).toEqual(['SAN-0002 fail', 'K8S-0003 fail']);
  });
});
