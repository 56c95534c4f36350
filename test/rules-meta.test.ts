import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RuleRegistry } from '../src/core/registry.js';
import type { AnyRule, RuleExample } from '../src/core/rule.js';
import { MemorySourceFile } from '../src/core/source-file.js';
import { allFrameworks } from '../src/frameworks/index.js';
import { allRules } from '../src/rules/index.js';
import { scanSync } from '../src/scan.js';
import { testVulnerabilities } from '../src/testing/memory-vulnerabilities.js';
import { runRule } from '../src/testing/rule-tester.js';

/** Module file of each rule, in the order of the generated index. */
const modules = [
  ...readFileSync(new URL('../src/rules/index.ts', import.meta.url), 'utf8').matchAll(/^import rule\d+ from '(.+)';$/gm),
].map((m) => m[1]);

/** Rules the engine reports itself have no check of their own: their examples need every rule. Supply-chain examples read the OSV fixtures. */
function findingsOf(rule: AnyRule, examples: readonly RuleExample[]): number {
  const settings = { vulnerabilities: testVulnerabilities() };
  if (rule.meta.appliesTo.length > 0)
    return examples.reduce((n, e) => n + runRule(rule, e, { options: e.options, settings }).findings.length, 0);
  const files = examples.map((e) => new MemorySourceFile(e.path, e.content));
  return scanSync({ targets: [], files, config: false, today: '2026-06-01' }).findings.filter((f) => f.ruleId === rule.meta.id).length;
}

describe('every rule', () => {
  it('registers: unique ids and slugs, known scanners, severities and framework controls', () => {
    expect(() => new RuleRegistry(allRules, allFrameworks)).not.toThrow();
    expect(modules.length).toBe(allRules.length);
  });

  allRules.forEach((rule, i) => {
    const m = rule.meta;
    describe(`${m.id} ${m.slug}`, () => {
      it('has a slug equal to its file name and a complete description', () => {
        expect(basename(modules[i], '.js')).toBe(m.slug);
        expect(m.title.length).toBeGreaterThan(5);
        expect(m.rationale.length).toBeGreaterThan(40);
        expect(m.remediation.length).toBeGreaterThan(20);
        expect(m.references.length).toBeGreaterThan(0);
        expect(m.examples.bad.length).toBeGreaterThan(0);
        expect(m.examples.good.length).toBeGreaterThan(0);
      });
      it('reports its bad examples', () => {
        expect(findingsOf(rule, m.examples.bad)).toBeGreaterThan(0);
      });
      it('stays quiet on its good examples', () => {
        expect(findingsOf(rule, m.examples.good)).toBe(0);
      });
    });
  });
});

describe('the registry', () => {
  const [a, b] = allRules.filter((r) => r.meta.appliesTo.length > 0);
  it('rejects a duplicate id', () => {
    expect(() => new RuleRegistry([a, { ...b, meta: { ...b.meta, id: a.meta.id } }], allFrameworks)).toThrow(/duplicate rule id/);
  });
  it('rejects a duplicate slug', () => {
    expect(() => new RuleRegistry([a, { ...b, meta: { ...b.meta, slug: a.meta.slug } }], allFrameworks)).toThrow(/duplicate rule slug/);
  });
  it('rejects an unknown framework control', () => {
    const bad = { ...a, meta: { ...a.meta, frameworks: [{ id: 'pss', control: 'noSuchCheck', level: 'baseline' }] } };
    expect(() => new RuleRegistry([bad], allFrameworks)).toThrow(/unknown control 'noSuchCheck'/);
  });
  it('rejects an unknown framework and a malformed id', () => {
    expect(() => new RuleRegistry([{ ...a, meta: { ...a.meta, frameworks: [{ id: 'iso-42001', control: 'x' }] } }], allFrameworks)).toThrow(
      /unknown framework/,
    );
    expect(() => new RuleRegistry([{ ...a, meta: { ...a.meta, id: 'K8S-1' } }], allFrameworks)).toThrow(/does not match/);
  });
  it('rejects a framework override of an unknown control or level', () => {
    const pssCat = allFrameworks.find((f) => f.id === 'pss')!;
    const withOverrides = (overrides: Record<string, Record<string, string>>) =>
      allFrameworks.map((f) => (f === pssCat ? { ...f, overrides } : f));
    expect(() => new RuleRegistry([a], withOverrides({ restricted: { restrictedVolumes: 'noSuchCheck' } }))).toThrow(
      /unknown control 'noSuchCheck'/,
    );
    expect(() => new RuleRegistry([a], withOverrides({ strict: { restrictedVolumes: 'hostPathVolumes' } }))).toThrow(
      /unknown level 'strict'/,
    );
  });
  it('selects by framework level: pss:restricted includes baseline controls, pss:baseline only those', () => {
    const reg = new RuleRegistry(allRules, allFrameworks);
    const baseline = reg.select({ frameworks: [{ id: 'pss', level: 'baseline' }] });
    const restricted = reg.select({ frameworks: [{ id: 'pss', level: 'restricted' }] });
    expect(baseline.length).toBeGreaterThan(0);
    expect(baseline.every((r) => r.meta.frameworks.some((f) => f.id === 'pss' && f.level === 'baseline'))).toBe(true);
    expect(restricted.length).toBeGreaterThan(baseline.length);
    for (const r of baseline) expect(restricted).toContain(r);
  });
});
