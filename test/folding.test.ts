import { describe, expect, it } from 'vitest';
import { foldSuperseded } from '../src/core/fold.js';
import { RuleRegistry } from '../src/core/registry.js';
import type { RuleMeta } from '../src/core/rule.js';
import { MemorySourceFile } from '../src/core/source-file.js';
import type { Finding, Location } from '../src/core/types.js';
import { allFrameworks } from '../src/frameworks/index.js';
import { allRules } from '../src/rules/index.js';
import { fakes } from '../src/rules/secrets/lib/fakes.js';
import { SECRET_VALUE_RULE_IDS } from '../src/rules/secrets/lib/value-rules.js';
import { TEXT_KINDS } from '../src/rules/secrets/lib/report.js';
import { scanSync, type ScanOptions } from '../src/scan.js';

const TODAY = '2026-06-15';
const HF = fakes.huggingface();

function scan(files: Record<string, string>, opts: Partial<ScanOptions> = {}): Finding[] {
  const r = scanSync({
    targets: ['.'],
    files: Object.entries(files).map(([p, t]) => new MemorySourceFile(p, t)),
    config: false,
    today: TODAY,
    ...opts,
  });
  expect(r.errors).toEqual([]);
  return r.findings;
}

const show = (fs: Finding[]) =>
  fs.map(
    (f) =>
      `${f.ruleId} ${f.severity} ${f.status} ${f.location.startLine}:${f.location.startColumn}${f.folded ? ` folds ${f.folded.map((x) => x.ruleId).join(',')}` : ''}`,
  );

const pod = (env: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    image: app:1.0\n    env:\n${env}`;

describe('the engine folds a superseded finding on the same value into the specific one', () => {
  it('a Kubernetes env literal: K8S-0108 stands, the provider rule is folded', () => {
    const fs = scan({ 'pod.yaml': pod(`    - name: HF_TOKEN\n      value: ${HF}\n`) }, { rules: ['K8S-0108', 'SEC-0003', 'SEC-0016'] });
    expect(show(fs)).toEqual(['K8S-0108 high fail 11:7 folds SEC-0003']);
    expect(fs[0].folded![0]).toMatchObject({ ruleId: 'SEC-0003', slug: 'huggingface-token', severity: expect.any(String) });
    expect(fs[0].folded![0].fingerprint).toMatch(/^sha256:/);
    expect(JSON.stringify(fs)).not.toContain(HF);
  });

  it('each rule alone still reports: folding needs both', () => {
    expect(show(scan({ 'pod.yaml': pod(`    - name: HF_TOKEN\n      value: ${HF}\n`) }, { rules: ['SEC-0003'] }))).toEqual([
      'SEC-0003 high fail 11:14',
    ]);
    expect(show(scan({ 'pod.yaml': pod(`    - name: HF_TOKEN\n      value: ${HF}\n`) }, { rules: ['K8S-0108'] }))).toEqual([
      'K8S-0108 high fail 11:7',
    ]);
  });

  it('a value on another line is not folded', () => {
    const text = pod(`    - name: HF_TOKEN\n      valueFrom: {secretKeyRef: {name: hf, key: t}}\n`) + `    args: ["--note", "${HF}"]\n`;
    const fs = scan({ 'pod.yaml': text }, { rules: ['K8S-0108', 'SEC-0003'] });
    expect(show(fs)).toEqual(['SEC-0003 high fail 12:23']);
  });

  it('compose environment and Dockerfile ENV fold the provider rule the same way', () => {
    const compose = `services:\n  ui:\n    image: ghcr.io/open-webui/open-webui:v0.3.32\n    environment:\n      HF_TOKEN: ${HF}\n`;
    expect(show(scan({ 'compose.yaml': compose }, { rules: ['CMP-0009', 'SEC-0003'] }))).toEqual(['CMP-0009 high fail 5:7 folds SEC-0003']);
    const dockerfile = `FROM python:3.12-slim\nENV HF_TOKEN=${HF}\n`;
    const fs = scan({ Dockerfile: dockerfile }, { rules: ['DF-0004', 'SEC-0003'] });
    expect(fs.map((f) => f.ruleId)).toEqual(['DF-0004']);
    expect(fs[0].folded?.map((x) => x.ruleId)).toEqual(['SEC-0003']);
  });

  it('a suppression naming the folded rule still covers the value', () => {
    const text = pod(`    - name: HF_TOKEN\n      # sanctum:ignore SEC-0003 reason="revoked sample token"\n      value: ${HF}\n`);
    const fs = scan({ 'pod.yaml': text }, { rules: ['K8S-0108', 'SEC-0003'] });
    expect(show(fs)).toEqual(['K8S-0108 high suppressed 12:7 folds SEC-0003']);
    const viaConfig = scan(
      { 'pod.yaml': pod(`    - name: HF_TOKEN\n      value: ${HF}\n`) },
      {
        rules: ['K8S-0108', 'SEC-0003'],
        config: { ignore: [{ rule: 'huggingface-token', reason: 'sample' }] },
      },
    );
    expect(show(viaConfig)).toEqual(['K8S-0108 high suppressed 11:7 folds SEC-0003']);
  });

  it('a baseline holding the folded finding still matches', () => {
    const text = pod(`    - name: HF_TOKEN\n      value: ${HF}\n`);
    const before = scan({ 'pod.yaml': text }, { rules: ['SEC-0003'] });
    const after = scan({ 'pod.yaml': text }, { rules: ['K8S-0108', 'SEC-0003'], baseline: new Set([before[0].fingerprint]) });
    expect(show(after)).toEqual(['K8S-0108 high suppressed 11:7 folds SEC-0003']);
    expect(after[0].suppression?.kind).toBe('baseline');
  });
});

describe('foldSuperseded', () => {
  const meta = (id: string, supersedes?: string[]) => ({ id, supersedes }) as unknown as RuleMeta;
  const finding = (ruleId: string, severity: Finding['severity'], location: Partial<Location>): Finding => ({
    ruleId,
    slug: ruleId.toLowerCase(),
    title: ruleId,
    severity,
    message: ruleId,
    location: { path: 'a.yaml', ...location },
    frameworks: [],
    status: 'fail',
    fingerprint: `sha256:${ruleId}`,
  });
  const span = (startLine: number, startColumn: number, endLine: number, endColumn: number) => ({
    startLine,
    startColumn,
    endLine,
    endColumn,
  });

  it('folds overlapping spans only, keeps the higher severity, and follows chains', () => {
    const fs = [
      finding('A-1', 'medium', span(3, 5, 3, 40)),
      finding('B-1', 'critical', span(3, 12, 3, 30)),
      finding('B-1', 'low', span(3, 40, 3, 50)), // starts where A ends (exclusive): not the same value
      finding('C-1', 'low', { ...span(3, 12, 3, 30), path: 'b.yaml' }), // another file
    ];
    const metas = [meta('A-1', ['B-1', 'C-1']), meta('B-1'), meta('B-1'), meta('C-1')];
    const out = foldSuperseded(fs, (i) => metas[i]);
    expect([...out]).toEqual([1]);
    expect(fs[0].severity).toBe('critical');
    expect(fs[0].folded).toEqual([{ ruleId: 'B-1', slug: 'b-1', severity: 'critical', fingerprint: 'sha256:B-1' }]);
    const chain = [
      finding('A-1', 'high', span(1, 1, 1, 9)),
      finding('B-1', 'high', span(1, 1, 1, 9)),
      finding('C-1', 'low', span(1, 2, 1, 5)),
    ];
    const chainMetas = [meta('A-1', ['B-1']), meta('B-1', ['C-1']), meta('C-1')];
    // B folds C first, then A folds B with what B had folded: A stands alone over both.
    const order = [1, 2, 0];
    const reordered = order.map((i) => chain[i]);
    const folded = foldSuperseded(reordered, (i) => chainMetas[order[i]]);
    expect([...folded].sort()).toEqual([0, 1]);
    expect(reordered[2].folded?.map((x) => x.ruleId)).toEqual(['B-1', 'C-1']);
  });

  it('without spans, the same object path of the same resource is the same value', () => {
    const res = { kind: 'Pod', name: 'p' };
    const fs = [
      finding('A-1', 'high', { objectPath: '/spec/volumes/0', resource: res }),
      finding('B-1', 'high', { objectPath: '/spec/volumes/0', resource: res }),
      finding('B-1', 'high', { objectPath: '/spec/volumes/1', resource: res }),
    ];
    expect([...foldSuperseded(fs, (i) => meta(fs[i].ruleId, i === 0 ? ['B-1'] : undefined))]).toEqual([1]);
  });

  it('looks at the findings near each superseding one, not at every finding of the scan', () => {
    // A ConfigMap of n secret keys: n superseding findings, each over its own line, with n findings of the rule it supersedes.
    const n = 2000;
    const fs: Finding[] = [];
    for (let line = 1; line <= n; line++)
      fs.push(finding('A-1', 'high', span(line, 3, line, 60)), finding('B-1', 'medium', span(line, 20, line, 60)));
    fs.push(finding('A-1', 'high', { objectPath: '/data/k', resource: { kind: 'ConfigMap', name: 'cm' } }));
    let reads = 0;
    const counted = new Proxy(fs, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
        return Reflect.get(target, key, receiver);
      },
    });
    const out = foldSuperseded(counted, (i) => meta(fs[i].ruleId, fs[i].ruleId === 'A-1' ? ['B-1'] : undefined));
    expect(out.size).toBe(n);
    expect(fs[2 * n - 2].folded?.map((x) => x.ruleId)).toEqual(['B-1']);
    expect(reads).toBeLessThan(10 * fs.length);
  });
});

describe('supersedes metadata', () => {
  it('the registry rejects an unknown or self reference', () => {
    const [a, b] = allRules.filter((r) => r.meta.appliesTo.length > 0);
    expect(() => new RuleRegistry([a, { ...b, meta: { ...b.meta, supersedes: ['SEC-9999'] } }], allFrameworks)).toThrow(
      /supersedes unknown rule 'SEC-9999'/,
    );
    expect(() => new RuleRegistry([{ ...a, meta: { ...a.meta, supersedes: [a.meta.id] } }], allFrameworks)).toThrow(
      /supersedes unknown rule/,
    );
  });

  it('the list of secret value rules is every secret rule that scans text', () => {
    const textRules = allRules.filter(
      (r) => r.meta.id.startsWith('SEC-') && r.meta.appliesTo.some((k) => (TEXT_KINDS as readonly string[]).includes(k)),
    );
    expect([...SECRET_VALUE_RULE_IDS].sort()).toEqual(textRules.map((r) => r.meta.id).sort());
  });
});
