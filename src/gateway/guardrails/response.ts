import { isObj, responseSlots } from './body.js';
import { decisionOf, rewrite, type TextFinding } from './findings.js';
import type { GuardrailSettings } from './settings.js';
import { actionFor, editsOf, findInText } from './text.js';
import { refuseTools } from './tools.js';
import type { GatewayEndpoint, GuardrailDecision, GuardrailVerdict } from './types.js';

/**
 * Checks a non-streamed answer before it reaches the client: secrets and personal data redacted
 * (or the answer refused), images and links to hosts outside the allow-list stripped or flagged,
 * calls to tools outside the allow-list removed.
 */
export function guardResponse(endpoint: GatewayEndpoint, body: unknown, settings: GuardrailSettings): GuardrailVerdict {
  if (!isObj(body)) return { body, decisions: [] };
  const decisions: GuardrailDecision[] = [];
  const slots = responseSlots(endpoint, body);
  const edits: TextFinding[][] = [];
  let anyEdit = false;
  for (const slot of slots) {
    const found = findInText(slot.text, settings, true, !slot.arguments);
    for (const f of found) {
      const action = actionFor(f, settings);
      decisions.push(decisionOf(f, action, slot.where));
      if (action === 'block')
        return {
          body,
          decisions,
          block: {
            status: 502,
            code: `guardrail_${f.guardrail}`,
            message: `The model's answer was withheld by the gateway: it contained ${f.guardrail === 'secrets' ? 'a secret' : 'personal data'} (${f.detail}).`,
          },
        };
    }
    const e = editsOf(found, settings);
    edits.push(e);
    if (e.length > 0) anyEdit = true;
  }
  const allowed = settings.tools.allowed;
  const refusesTools = allowed !== undefined && hasToolCalls(endpoint, body);
  if (!anyEdit && !refusesTools) return { body, decisions };
  const copy = structuredClone(body);
  responseSlots(endpoint, copy).forEach((s, i) => {
    if (edits[i].length > 0) s.set(rewrite(s.text, edits[i]));
  });
  if (refusesTools) refuseTools(endpoint, copy, allowed, decisions);
  return { body: copy, decisions };
}

function hasToolCalls(endpoint: GatewayEndpoint, body: Record<string, unknown>): boolean {
  if (endpoint === 'chat.completions')
    return (
      Array.isArray(body.choices) &&
      body.choices.some((c) => isObj(c) && isObj(c.message) && (Array.isArray(c.message.tool_calls) || isObj(c.message.function_call)))
    );
  if (endpoint === 'responses')
    return Array.isArray(body.output) && body.output.some((o) => isObj(o) && (o.type === 'function_call' || o.type === 'custom_tool_call'));
  return false;
}
