import { replaceSpans } from '../../../core/replace-spans.js';
import { MARKER_DETECTORS } from './detectors.js';
import { findSecrets, KEYWORDS, MARKERS } from './scan.js';
import type { SecretRule } from './types.js';
import { redact } from './values.js';

/**
 * The secret detectors over a plain string that is not a file (a prompt, a model's answer): the
 * same detectors, overlap resolution and known-false list as the secret rules, with the rule id of
 * the rule that would report each hit in a scan.
 */

/** The rule id reporting each family of secrets (checked against the rules' metadata by a test). */
export const SECRET_RULE_IDS: Readonly<Record<SecretRule, string>> = {
  'openai-api-key': 'SEC-0001',
  'anthropic-api-key': 'SEC-0002',
  'huggingface-token': 'SEC-0003',
  'google-cloud-credential': 'SEC-0004',
  'aws-credentials': 'SEC-0005',
  'azure-credential': 'SEC-0006',
  'github-token': 'SEC-0007',
  'gitlab-token': 'SEC-0008',
  'slack-token': 'SEC-0009',
  'llm-provider-api-key': 'SEC-0010',
  'ml-platform-token': 'SEC-0011',
  'stripe-api-key': 'SEC-0012',
  'private-key': 'SEC-0013',
  'jwt-token': 'SEC-0014',
  'credentials-in-url': 'SEC-0015',
  'generic-secret': 'SEC-0016',
};

export interface TextSecret {
  /** UTF-16 span of the secret in the text. */
  start: number;
  end: number;
  ruleId: string;
  rule: SecretRule;
  detector: string;
  label: string;
  /** The label with a short public prefix and the length: never the secret. */
  evidence: string;
}

/** Every secret in `text`, in order, not overlapping. */
export function secretsInPlainText(text: string): TextSecret[] {
  if (text.length < 8) return [];
  return findSecrets(text, { path: 'text', isCode: false }).map((h) => ({
    start: h.start,
    end: h.end,
    ruleId: SECRET_RULE_IDS[h.rule],
    rule: h.rule,
    detector: h.detector,
    label: h.label,
    evidence: redact(h.label, h.value, h.prefix),
  }));
}

/**
 * `text` with every secret in it cut to its redacted evidence (`Anthropic API key sk-ant-ap… (108
 * chars)`): for messages made by the user's own expressions (custom policies, ValidatingAdmissionPolicy
 * messageExpressions), which may quote a value of the object, an env literal that is a key.
 */
export function withoutSecrets(text: string): string {
  return replaceSpans(text, secretsInPlainText(text), (s) => s.evidence);
}

/**
 * The literal markers of the marker-anchored formats, each with whether it must start a word (the
 * character before it is not a letter, digit or `_`), for callers that see text arrive piece by
 * piece and must tell whether its end could still grow into a secret.
 */
export const SECRET_MARKERS: ReadonlyArray<{ marker: string; wordStart: boolean }> = MARKERS.map((marker) => {
  const detectors = MARKER_DETECTORS.filter((d) => d.markers.includes(marker));
  const anywhere = detectors.some((d) => d.wordStart === false || (d.back ?? 0) > 0) || marker === '://';
  return { marker, wordStart: !anywhere };
});

/** The names under which assigned secrets are recognised (`api_key`, `password`…), lower case. */
export const SECRET_KEYWORDS: readonly string[] = KEYWORDS;
