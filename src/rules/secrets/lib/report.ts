import type { RuleContext, RuleMeta } from '../../../core/rule.js';
import { secretsIn } from './scan.js';
import type { SecretHit, SecretRule, TextLikeDocument } from './types.js';
import { redact } from './values.js';

/** Document kinds whose text the secret rules scan: plain text files and notebook cells/outputs. */
export const TEXT_KINDS = ['text', 'notebook-text'] as const;

export const DETECTOR_OPTION = {
  disabledDetectors: { description: 'Detector ids (see the rule description) that stay quiet', default: [] as string[] },
};

export function evidenceFor(h: SecretHit): string {
  return redact(h.label, h.value, h.prefix);
}

export function messageFor(h: SecretHit): string {
  return `${h.label} in plain text${h.note ? ` (${h.note})` : ''}`;
}

/** Reports the secrets of `doc` that belong to `rule`. Messages and evidence never hold the value. */
export function reportSecrets(
  doc: TextLikeDocument,
  ctx: RuleContext,
  meta: RuleMeta & { slug: SecretRule },
  keep: (h: SecretHit) => boolean = () => true,
): void {
  const off = ctx.options.disabledDetectors;
  const disabled = new Set(Array.isArray(off) ? off.map(String) : []);
  for (const h of secretsIn(doc)) {
    if (h.rule !== meta.slug || disabled.has(h.detector) || !keep(h)) continue;
    ctx.report({
      message: messageFor(h),
      at: { start: h.start, end: h.end },
      evidence: evidenceFor(h),
      ...(h.severity !== meta.severity ? { severity: h.severity } : {}),
    });
  }
}
