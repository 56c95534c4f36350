import type { z as Zod } from 'zod';
import { describeValue } from '../../core/config-issues.js';
import { zod } from '../../core/zod.js';

// zod loads with this module, which only the commands that need it import (not start-up).
const { z } = zod();

/**
 * The `guardrails:` section of the gateway configuration, global and per key. Each guardrail takes
 * a short form (`secrets: redact`, `injection: block`) or an object with its options; parsing
 * fills what is missing from the defaults (global) or from the global settings (per key).
 */

export const PII_CLASSES = ['email', 'phone', 'credit-card', 'iban', 'us-ssn', 'ip-address'] as const;
export type PiiClass = (typeof PII_CLASSES)[number];

export type SecretsAction = 'redact' | 'block' | 'off';
export type PiiAction = 'redact' | 'block' | 'off';
export type InjectionAction = 'block' | 'flag' | 'off';
export type ExfiltrationAction = 'strip' | 'flag' | 'off';

export interface GuardrailLimits {
  /** Characters of text in one message (or one input item, prompt or embedding input). */
  maxMessageChars: number;
  /** Messages (chat), input items (responses) or inputs (completions, embeddings) in one request. */
  maxMessages: number;
  /** Tool (function) definitions in one request. */
  maxTools: number;
  /** Characters of one tool definition as JSON (name, description, parameters schema). */
  maxToolDefinitionChars: number;
}

export interface GuardrailSettings {
  secrets: SecretsAction;
  /**
   * `holdWords` (default true): in streamed answers, hold back the last word of each chunk until the
   * next chunk shows whether it becomes an email address (see `piiPendingFrom`); false sends it at
   * once, and the local part of an address split before its `@` goes out unredacted.
   */
  pii: { action: PiiAction; classes: PiiClass[]; holdWords?: boolean };
  injection: { action: InjectionAction; blockScore: number; flagScore: number };
  exfiltration: { action: ExfiltrationAction; allowedDomains: string[] };
  /** Tools a model's answer may call; absent: every tool the request defined. */
  tools: { allowed?: string[] };
  limits: GuardrailLimits;
  /** Whether the audit log may hold prompts and answers (always after redaction). */
  logPrompts: boolean;
}

export const DEFAULT_GUARDRAIL_SETTINGS: GuardrailSettings = {
  secrets: 'redact',
  pii: { action: 'redact', classes: ['email', 'credit-card', 'iban', 'us-ssn'] },
  injection: { action: 'flag', blockScore: 0.8, flagScore: 0.5 },
  exfiltration: { action: 'strip', allowedDomains: [] },
  tools: {},
  limits: { maxMessageChars: 200_000, maxMessages: 1_000, maxTools: 128, maxToolDefinitionChars: 32_000 },
  logPrompts: false,
};

const score = z.number().min(0).max(1);
const positive = z.number().int().positive();
/** A host name (`example.com`, `*.example.com` for its subdomains), compared case-insensitively. */
const domain = z
  .string()
  .regex(/^(?:\*\.)?[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/, 'a host name such as example.com or *.example.com')
  .transform((d) => d.toLowerCase());

const secrets = z.enum(['redact', 'block', 'off']);
/** `name: action` is short for `name: { action }`. */
const actionOr = <T extends Zod.ZodRawShape & { action: Zod.ZodOptional<Zod.ZodEnum> }>(shape: T) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? { action: v } : v),
    z.strictObject(shape, {
      error: (issue) =>
        issue.code === 'invalid_type'
          ? `expected an action (${shape.action.unwrap().options.join(', ')}) or a mapping of settings, found ${describeValue(issue.input)}`
          : undefined,
    }),
  );
const pii = actionOr({
  action: z.enum(['redact', 'block', 'off']).optional(),
  classes: z.array(z.enum(PII_CLASSES)).optional(),
  holdWords: z.boolean().optional(),
});
const injection = actionOr({
  action: z.enum(['block', 'flag', 'off']).optional(),
  blockScore: score.optional(),
  flagScore: score.optional(),
});
const exfiltration = actionOr({ action: z.enum(['strip', 'flag', 'off']).optional(), allowedDomains: z.array(domain).optional() });
const tools = z.strictObject({ allowed: z.array(z.string().min(1)).optional() });
const limits = z.strictObject({
  maxMessageChars: positive.optional(),
  maxMessages: positive.optional(),
  maxTools: z.number().int().nonnegative().optional(),
  maxToolDefinitionChars: positive.optional(),
});

/** The `guardrails:` block as written: every field optional; per-key blocks have this shape too. */
export const guardrailOverrideSchema = z.strictObject({
  secrets: secrets.optional(),
  pii: pii.optional(),
  injection: injection.optional(),
  exfiltration: exfiltration.optional(),
  tools: tools.optional(),
  limits: limits.optional(),
  logPrompts: z.boolean().optional(),
});
export type GuardrailOverride = Zod.infer<typeof guardrailOverrideSchema>;

/** The global `guardrails:` block, parsed into complete settings over the defaults. */
export const guardrailSettingsSchema = guardrailOverrideSchema
  .optional()
  .transform((o): GuardrailSettings => mergeGuardrailSettings(DEFAULT_GUARDRAIL_SETTINGS, o));

function expand<T extends object>(base: T, o: Partial<T> | undefined): T {
  if (o === undefined) return base;
  const out = { ...base };
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/**
 * Settings for one key: its `guardrails:` block (already parsed by `guardrailOverrideSchema`) over
 * the global settings. Objects merge field by field; lists replace the global list.
 */
export function mergeGuardrailSettings(base: GuardrailSettings, override: GuardrailOverride | undefined): GuardrailSettings {
  if (!override) return base;
  const definedLimits = Object.fromEntries(Object.entries(override.limits ?? {}).filter(([, v]) => v !== undefined));
  return {
    secrets: override.secrets ?? base.secrets,
    pii: expand(base.pii, override.pii),
    injection: expand(base.injection, override.injection),
    exfiltration: expand(base.exfiltration, override.exfiltration),
    tools: override.tools?.allowed !== undefined ? { allowed: override.tools.allowed } : base.tools,
    limits: { ...base.limits, ...definedLimits },
    logPrompts: override.logPrompts ?? base.logPrompts,
  };
}
