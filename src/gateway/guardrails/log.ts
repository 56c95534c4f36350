import { isObj, requestSlots, responseSlots } from './body.js';
import { nonOverlapping, rewrite } from './findings.js';
import { findPii } from './pii.js';
import { findSecrets } from './secrets.js';
import { PII_CLASSES, type GuardrailSettings } from './settings.js';
import type { GatewayEndpoint } from './types.js';

/** Every secret and every class of personal data redacted from `text`, whatever a caller's settings let through. */
export function redactText(text: string): string {
  return rewrite(text, nonOverlapping([...findSecrets(text), ...findPii(text, PII_CLASSES)]));
}

/**
 * A request body, an answer body, or the text a stream carried, as an audit log may keep it: a copy
 * with secrets and personal data of every class redacted (the settings' own choices only decide
 * what reaches the model and the client; a log keeps no secret whatever they say).
 */
export function redactForLog(
  endpoint: GatewayEndpoint,
  what: 'request' | 'response' | 'stream',
  body: unknown,
  settings?: GuardrailSettings,
): unknown {
  void settings;
  if (typeof body === 'string') return redactText(body);
  if (!isObj(body)) return body;
  const copy = structuredClone(body);
  for (const slot of what === 'request' ? requestSlots(endpoint, copy) : responseSlots(endpoint, copy)) {
    const redacted = redactText(slot.text);
    if (redacted !== slot.text) slot.set(redacted);
  }
  return copy;
}

/** Whether a streamed answer needs a stream guard at all under these settings. */
export function streamNeedsGuard(settings: GuardrailSettings): boolean {
  return (
    settings.secrets !== 'off' ||
    (settings.pii.action !== 'off' && settings.pii.classes.length > 0) ||
    settings.exfiltration.action !== 'off' ||
    settings.tools.allowed !== undefined
  );
}
