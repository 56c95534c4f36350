import type { ReportInput, RuleMeta } from './rule.js';
import type { Finding, FixSuggestion, FrameworkRef, Location, Severity } from './types.js';

/** What configuration changes in a rule's findings: its severity and the framework references they carry. */
export interface FindingSettings {
  ruleConfig?: ReadonlyMap<string, { severity?: Severity; options?: Record<string, unknown> }>;
  frameworksOf?(meta: RuleMeta): FrameworkRef[];
}

/**
 * A failing finding of `meta` at `location`, with the severity and frameworks configuration gives it,
 * and its `evidence` and `fix` when given (an empty evidence is left out). Each combination is written
 * as one literal: a finding is made in its final shape, where properties added after it is made
 * would go to a second block of memory.
 */
export function failingFinding(
  meta: RuleMeta,
  input: Pick<ReportInput, 'message' | 'severity'>,
  location: Location,
  fingerprint: string,
  settings: FindingSettings,
  evidence?: string,
  fix?: FixSuggestion,
): Finding {
  const ruleId = meta.id;
  const slug = meta.slug;
  const title = meta.title;
  const severity = input.severity ?? settings.ruleConfig?.get(meta.id)?.severity ?? meta.severity;
  const message = input.message;
  const frameworks = settings.frameworksOf?.(meta) ?? (meta.frameworks as FrameworkRef[]);
  const status = 'fail';
  if (evidence === undefined || evidence === '') {
    if (fix === undefined) return { ruleId, slug, title, severity, message, location, frameworks, status, fingerprint };
    return { ruleId, slug, title, severity, message, location, frameworks, status, fingerprint, fix };
  }
  if (fix === undefined) return { ruleId, slug, title, severity, message, location, frameworks, status, fingerprint, evidence };
  return { ruleId, slug, title, severity, message, location, frameworks, status, fingerprint, evidence, fix };
}

/**
 * The order of findings in a report: by file, line, column, rule id and message. A line or column
 * that is missing or not a number (NaN, which JSON writes as `null`) counts as 0, so that the order
 * is total and the JSON report's spool, which compares these keys with `===`, ties what this ties.
 */
export function compareFindings(a: Finding, b: Finding): number {
  const l = a.location;
  const m = b.location;
  // Findings sorted together mostly share their path (one file's) and often their rule: equal strings are not compared twice.
  return (
    (l.path === m.path ? 0 : compareText(l.path, m.path)) ||
    positionKey(l.startLine) - positionKey(m.startLine) ||
    positionKey(l.startColumn) - positionKey(m.startColumn) ||
    (a.ruleId === b.ruleId ? 0 : compareText(a.ruleId, b.ruleId)) ||
    compareText(a.message, b.message)
  );
}

/** A line or column as `compareFindings` orders it: 0 when missing or NaN. */
export function positionKey(n: number | undefined): number {
  return n === undefined || n !== n ? 0 : n;
}

/** Strings by UTF-16 code units, as `<` compares them. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
