import { isObj, requestSlots } from './body.js';
import { decisionOf, rewrite, type TextFinding } from './findings.js';
import { scoreHiddenInjection, scoreInjection, type InjectionScore } from './injection.js';
import { exceededLimit } from './limits.js';
import type { GuardrailSettings } from './settings.js';
import { actionFor, editsOf, findInText } from './text.js';
import type { GatewayEndpoint, GuardrailBlock, GuardrailDecision, GuardrailVerdict } from './types.js';

const NAMES = { secrets: 'a secret', pii: 'personal data' } as const;

/** Tool definitions remembered per settings object (built once per configuration), at most this many texts each. */
const MAX_DEFINITIONS = 1024;
interface Checked {
  found: TextFinding[];
  score?: InjectionScore;
}
const definitions = new WeakMap<GuardrailSettings, Map<string, Checked>>();

/**
 * What the guardrails find in a tool definition's text. An agent sends the same tools with every
 * request, so the result is remembered (by the text, per settings) instead of computed again; the
 * oldest is forgotten past MAX_DEFINITIONS.
 */
function checkDefinition(text: string, settings: GuardrailSettings): Checked {
  let seen = definitions.get(settings);
  if (!seen) definitions.set(settings, (seen = new Map()));
  let c = seen.get(text);
  if (c) return c;
  c = { found: findInText(text, settings, false), ...(settings.injection.action !== 'off' ? { score: scoreInjection(text, true) } : {}) };
  if (seen.size >= MAX_DEFINITIONS) seen.delete(seen.keys().next().value!);
  seen.set(text, c);
  return c;
}

/**
 * Checks a request before it leaves for the model: limits first, then each piece of text for
 * secrets and personal data (redacted or refused) and, in user and tool text, for prompt injection
 * (flagged or refused by score). The body returned is a rewritten copy when anything was redacted.
 */
export function guardRequest(endpoint: GatewayEndpoint, body: unknown, settings: GuardrailSettings): GuardrailVerdict {
  if (!isObj(body)) return { body, decisions: [] };
  const slots = requestSlots(endpoint, body);
  const limit = exceededLimit(endpoint, body, slots, settings.limits);
  if (limit) return { body, decisions: [limit.decision], block: limit.block };

  const decisions: GuardrailDecision[] = [];
  const edits: TextFinding[][] = [];
  let anyEdit = false;
  const injection = settings.injection;
  for (const slot of slots) {
    const definition = slot.definition ? checkDefinition(slot.text, settings) : undefined;
    const found = definition ? definition.found : findInText(slot.text, settings, false);
    for (const f of found) {
      const action = actionFor(f, settings);
      decisions.push(decisionOf(f, action, slot.where));
      if (action === 'block' && (f.guardrail === 'secrets' || f.guardrail === 'pii')) {
        const block: GuardrailBlock = {
          status: 400,
          code: `guardrail_${f.guardrail}`,
          message: `The request was refused by the gateway: ${NAMES[f.guardrail]} (${f.detail}) at ${slot.where}.`,
        };
        return { body, decisions, block };
      }
    }
    const e = editsOf(found, settings);
    edits.push(e);
    if (e.length > 0) anyEdit = true;

    const scored = slot.source !== 'system' && slot.source !== 'assistant';
    if (injection.action !== 'off' && (scored || slot.text.includes('\udb40'))) {
      const { score, signals } = scored
        ? (definition?.score ?? scoreInjection(slot.text, slot.source === 'tool'))
        : scoreHiddenInjection(slot.text);
      if (score >= injection.flagScore || (injection.action === 'block' && score >= injection.blockScore)) {
        const blocks = injection.action === 'block' && score >= injection.blockScore;
        const detail = `prompt injection suspected in ${slot.source === 'tool' ? 'tool or document text' : `${slot.source} text`}: ${signals.map((s) => s.family).join(', ')}`;
        decisions.push({ guardrail: 'injection', action: blocks ? 'block' : 'flag', where: slot.where, detail, score });
        if (blocks)
          return {
            body,
            decisions,
            block: {
              status: 400,
              code: 'guardrail_injection',
              message: `The request was refused by the gateway: ${detail} (score ${score}) at ${slot.where}.`,
            },
          };
      }
    }
  }
  if (!anyEdit) return { body, decisions };
  const copy = structuredClone(body);
  requestSlots(endpoint, copy).forEach((s, i) => {
    if (edits[i].length > 0) s.set(rewrite(s.text, edits[i]));
  });
  return { body: copy, decisions };
}
