import type { ScanDocument } from '../../../core/document.js';
import type { Severity } from '../../../core/types.js';

/** The rules (by slug) that report secrets found by the shared detectors. */
export type SecretRule =
  | 'openai-api-key'
  | 'anthropic-api-key'
  | 'huggingface-token'
  | 'google-cloud-credential'
  | 'aws-credentials'
  | 'azure-credential'
  | 'github-token'
  | 'gitlab-token'
  | 'slack-token'
  | 'llm-provider-api-key'
  | 'ml-platform-token'
  | 'stripe-api-key'
  | 'private-key'
  | 'jwt-token'
  | 'credentials-in-url'
  | 'generic-secret';

/** A document whose `text` is scanned and whose `locate` maps spans of that text. */
export interface TextLikeDocument extends ScanDocument {
  readonly text: string;
  /** True when the text is program source (unquoted right-hand sides are expressions, not values). */
  readonly isCode?: boolean;
}

export interface SecretHit {
  detector: string;
  rule: SecretRule;
  /** Human name of what was found, e.g. `OpenAI project API key`. */
  label: string;
  severity: Severity;
  /** Span of the secret in the document text. */
  start: number;
  end: number;
  /** The secret itself: used for checks and redaction only, never reported. */
  value: string;
  /** Length of the fixed, public prefix of the format (`sk-proj-`), shown in evidence. */
  prefix: number;
  /** Extra context for the message (never the value). */
  note?: string;
  /** Resolves overlaps: the higher wins. */
  priority: number;
  /** Generic candidates only: the key name and entropy, for the rule's options. */
  key?: string;
  entropy?: number;
}
