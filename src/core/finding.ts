import type { ReportInput, RuleMeta } from './rule.js';
import type { Finding, FrameworkRef, Location, Severity } from './types.js';

/** What configuration changes in a rule's findings: its severity and the framework references they carry. */
export interface FindingSettings {
  ruleConfig?: ReadonlyMap<string, { severity?: Severity; options?: Record<string, unknown> }>;
  frameworksOf?(meta: RuleMeta): FrameworkRef[];
}

/** A failing finding of `meta` at `location`, with the severity and frameworks configuration gives it. */
export function failingFinding(
  meta: RuleMeta,
  input: Pick<ReportInput, 'message' | 'severity'>,
  location: Location,
  fingerprint: string,
  settings: FindingSettings,
): Finding {
  return {
    ruleId: meta.id,
    slug: meta.slug,
    title: meta.title,
    severity: input.severity ?? settings.ruleConfig?.get(meta.id)?.severity ?? meta.severity,
    message: input.message,
    location,
    frameworks: settings.frameworksOf?.(meta) ?? (meta.frameworks as FrameworkRef[]),
    status: 'fail',
    fingerprint,
  };
}

/**
 * The order of findings in a report: by file, line, column, rule id and message. A line or column
 * that is missing or not a number (NaN, which JSON writes as `null`) counts as 0, so that the order
 * is total and the JSON report's spool, which compares these keys with `===`, ties what this ties.
 */
export function compareFindings(a: Finding, b: Finding): number {
  const l = a.location;
  const m = b.location;
  return (
    compareText(l.path, m.path) ||
    positionKey(l.startLine) - positionKey(m.startLine) ||
    positionKey(l.startColumn) - positionKey(m.startColumn) ||
    compareText(a.ruleId, b.ruleId) ||
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
