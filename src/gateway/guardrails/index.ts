export type * from './types.js';
export {
  guardrailSettingsSchema,
  guardrailOverrideSchema,
  mergeGuardrailSettings,
  DEFAULT_GUARDRAIL_SETTINGS,
  PII_CLASSES,
  type GuardrailSettings,
  type GuardrailOverride,
  type GuardrailLimits,
  type PiiClass,
} from './settings.js';
export { guardRequest } from './request.js';
export { guardResponse } from './response.js';
export { scoreInjection, decodeTagCharacters, type InjectionScore } from './injection.js';
export { createStreamGuard } from './stream.js';
export { redactForLog, redactText, streamNeedsGuard } from './log.js';
