/** Test helpers for the fixes of the Pod Security Standards rules (imported by tests only). */
import yaml from 'js-yaml';
import { expect } from 'vitest';
import { applyFixes } from '../../../core/apply-fixes.js';
import type { AnyRule } from '../../../core/rule.js';
import { KUBE_SCHEMA } from '../../../parsers/yaml/yaml-parser.js';
import { runRule } from '../../../testing/rule-tester.js';

/**
 * Runs the rule on `content`, applies the fixes of all its findings (identical edits once), checks
 * that the result is valid YAML on which the rule no longer reports, and returns the fixed text.
 */
export function fixAll(rule: AnyRule, content: string, path = 'pod.yaml'): string {
  let text = content;
  // Fixes that insert at the same point are applied one per pass, as an editor would.
  for (let pass = 0; pass < 5; pass++) {
    const { findings } = runRule(rule, { path, content: text });
    const fixes = findings.filter((f) => f.fix).map((f) => ({ tag: f.ruleId, edits: f.fix!.edits }));
    if (fixes.length === 0) break;
    text = applyFixes(text, fixes).text;
    expect(() => yaml.loadAll(text, null, { schema: KUBE_SCHEMA })).not.toThrow();
  }
  expect(runRule(rule, { path, content: text }).findings.map((f) => f.message)).toEqual([]);
  return text;
}

/** Every document of a YAML text, parsed as Kubernetes reads it. */
export function parseAll(text: string): unknown[] {
  return yaml.loadAll(text, null, { schema: KUBE_SCHEMA });
}
