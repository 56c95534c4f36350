import { describe, expect, it } from 'vitest';
import { Engine } from '../core/engine.js';
import type { Limits } from '../core/parser.js';
import type { AnyRule, RuleExample, ScanSettings } from '../core/rule.js';
import { MemorySourceFile, type SourceFile } from '../core/source-file.js';
import type { Finding, ScanError, Severity } from '../core/types.js';
import { allParsers } from '../parsers/index.js';
import { allRules } from '../rules/index.js';
import { clusterExampleFiles } from './cluster-example.js';

export interface ExpectedFinding {
  /** `undefined` for findings without a position (a file of a container image named by its path). */
  startLine: number | undefined;
  startColumn: number | undefined;
  endLine: number | undefined;
  endColumn: number | undefined;
  /** The location's path, when it is not the case's own file. */
  path?: string;
  message?: string | RegExp;
  objectPath?: string;
  severity?: Severity;
  evidence?: string | RegExp;
}

export interface InvalidCase extends RuleExample {
  name?: string;
  findings: ExpectedFinding[];
  options?: Record<string, unknown>;
  settings?: Partial<ScanSettings>;
  /** Parser limits lower than the defaults, to reach a bound with a small file. */
  limits?: Partial<Limits>;
}

export interface ValidCase extends RuleExample {
  name?: string;
  options?: Record<string, unknown>;
  settings?: Partial<ScanSettings>;
  limits?: Partial<Limits>;
}

export interface RunOptions {
  options?: Record<string, unknown>;
  settings?: Partial<ScanSettings>;
  today?: string;
  limits?: Partial<Limits>;
}

/**
 * Runs one rule over in-memory files, as a scan would (same parsers, same location resolution). A
 * `SourceFile` is scanned as given (a package database tied to its OS, a file on disk).
 */
export function runRule(
  rule: AnyRule,
  files: RuleExample | SourceFile | ReadonlyArray<RuleExample | SourceFile>,
  opts: RunOptions = {},
): { findings: Finding[]; errors: ScanError[] } {
  const byKey = new Map(allRules.map((r) => [r.meta.id, r] as const));
  byKey.set(rule.meta.id, rule);
  const engine = new Engine({
    parsers: allParsers,
    rules: [rule],
    lookup: (k) => byKey.get(k),
    settings: opts.settings,
    ruleConfig: opts.options ? new Map([[rule.meta.id, { options: opts.options }]]) : undefined,
    today: opts.today ?? '2026-01-01',
    limits: opts.limits,
  });
  for (const f of Array.isArray(files) ? files : [files as RuleExample | SourceFile]) {
    if (!('content' in f)) engine.scanFile(f);
    else if (f.cluster) for (const file of clusterExampleFiles(f)) engine.scanFile(file);
    else engine.scanFile(new MemorySourceFile(f.path, f.content));
  }
  const { findings, errors } = engine.finish();
  return { findings: findings.filter((f) => f.ruleId === rule.meta.id), errors };
}

function caseName(c: { name?: string; path: string; content: string | Uint8Array }, i: number): string {
  if (c.name) return c.name;
  const text = typeof c.content === 'string' ? c.content : `${c.content.length} bytes`;
  return `#${i} ${c.path}: ${text.replace(/\s+/g, ' ').slice(0, 60)}`;
}

/**
 * The shared rule tester: every invalid case must produce exactly the listed findings, at exactly
 * the listed locations (1-based, end column exclusive); every valid case must produce none. The
 * rule's own `examples` are checked too.
 */
export function testRule(rule: AnyRule, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  describe(`${rule.meta.id} ${rule.meta.slug}`, () => {
    it('has at least one valid and one invalid case', () => {
      expect(cases.valid.length).toBeGreaterThan(0);
      expect(cases.invalid.length).toBeGreaterThan(0);
    });
    cases.valid.forEach((c, i) => {
      it(`valid ${caseName(c, i)}`, () => {
        const { findings, errors } = runRule(rule, c, c);
        expect(errors).toEqual([]);
        expect(findings.map((f) => `${f.location.startLine}:${f.location.startColumn} ${f.message}`)).toEqual([]);
      });
    });
    cases.invalid.forEach((c, i) => {
      it(`invalid ${caseName(c, i)}`, () => {
        const { findings, errors } = runRule(rule, c, c);
        expect(errors).toEqual([]);
        const got = findings.map((f) => ({
          startLine: f.location.startLine,
          startColumn: f.location.startColumn,
          endLine: f.location.endLine,
          endColumn: f.location.endColumn,
        }));
        expect(got).toEqual(
          c.findings.map((e) => ({ startLine: e.startLine, startColumn: e.startColumn, endLine: e.endLine, endColumn: e.endColumn })),
        );
        c.findings.forEach((e, k) => {
          const f = findings[k];
          if (e.message instanceof RegExp) expect(f.message).toMatch(e.message);
          else if (e.message !== undefined) expect(f.message).toBe(e.message);
          if (e.objectPath !== undefined) expect(f.location.objectPath).toBe(e.objectPath);
          if (e.path !== undefined) expect(f.location.path).toBe(e.path);
          if (e.severity !== undefined) expect(f.severity).toBe(e.severity);
          if (e.evidence instanceof RegExp) expect(f.evidence).toMatch(e.evidence);
          else if (e.evidence !== undefined) expect(f.evidence).toBe(e.evidence);
        });
      });
    });
  });
}
