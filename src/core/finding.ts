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
