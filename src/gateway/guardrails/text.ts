import { findExfiltration } from './exfiltration.js';
import { nonOverlapping, type TextFinding } from './findings.js';
import { findPii } from './pii.js';
import { findSecrets } from './secrets.js';
import type { GuardrailSettings } from './settings.js';
import type { GuardrailAction } from './types.js';

/** What the content guardrails find in one piece of text (possibly overlapping). Exfiltration applies to answers only. */
export function findInText(text: string, settings: GuardrailSettings, answer: boolean, prose = true): TextFinding[] {
  let found: TextFinding[] = [];
  if (answer && prose && settings.exfiltration.action !== 'off')
    found = found.concat(findExfiltration(text, settings.exfiltration.allowedDomains));
  if (settings.secrets !== 'off') found = found.concat(findSecrets(text));
  if (settings.pii.action !== 'off' && settings.pii.classes.length > 0) found = found.concat(findPii(text, settings.pii.classes));
  return found;
}

/**
 * The edits to apply, not overlapping: a stripped image or link goes whole (with any secret in its
 * URL), then secrets, then personal data; flagged links are left as they are.
 */
export function editsOf(findings: readonly TextFinding[], settings: GuardrailSettings): TextFinding[] {
  return nonOverlapping(findings.filter((f) => f.guardrail !== 'exfiltration' || settings.exfiltration.action === 'strip'));
}

/** The action a finding's guardrail takes under `settings`. */
export function actionFor(f: TextFinding, settings: GuardrailSettings): GuardrailAction {
  if (f.guardrail === 'secrets') return settings.secrets === 'block' ? 'block' : 'redact';
  if (f.guardrail === 'pii') return settings.pii.action === 'block' ? 'block' : 'redact';
  return settings.exfiltration.action === 'strip' ? 'strip' : 'flag';
}
