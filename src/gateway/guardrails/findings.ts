import { replaceSpans } from '../../core/replace-spans.js';
import type { GuardrailAction, GuardrailDecision, GuardrailName } from './types.js';

/** Something a guardrail found in one piece of text, with what replaces it when it is rewritten. */
export interface TextFinding {
  start: number;
  end: number;
  guardrail: GuardrailName;
  /** What was found, never the value in full. */
  detail: string;
  ruleId?: string;
  /** The text that takes its place when the action rewrites (`[REDACTED:SEC-0001]`, `` for a stripped image). */
  replacement: string;
}

/**
 * Keeps the findings that do not overlap an earlier-listed one (callers list the more important
 * guardrail first), sorted by position.
 */
export function nonOverlapping(findings: TextFinding[]): TextFinding[] {
  if (findings.length <= 1) return findings;
  const kept: TextFinding[] = [];
  for (const f of findings) if (!kept.some((k) => k.start < f.end && f.start < k.end)) kept.push(f);
  return kept.sort((a, b) => a.start - b.start);
}

/** `text` with each finding replaced by its replacement; findings sorted and not overlapping. */
export function rewrite(text: string, findings: readonly TextFinding[]): string {
  return replaceSpans(text, findings, (f) => f.replacement);
}

export function decisionOf(f: TextFinding, action: GuardrailAction, where: string): GuardrailDecision {
  return { guardrail: f.guardrail, action, where, detail: f.detail, ...(f.ruleId ? { ruleId: f.ruleId } : {}) };
}
