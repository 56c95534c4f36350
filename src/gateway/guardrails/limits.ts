import { toolDefinitions, type TextSlot } from './body.js';
import type { GuardrailLimits } from './settings.js';
import type { GatewayEndpoint, GuardrailBlock, GuardrailDecision } from './types.js';

/** The list whose length `maxMessages` bounds, by endpoint. */
function itemsOf(endpoint: GatewayEndpoint, body: Record<string, unknown>): [string, unknown] {
  switch (endpoint) {
    case 'chat.completions':
      return ['messages', body.messages];
    case 'completions':
      return ['prompt', body.prompt];
    case 'responses':
    case 'embeddings':
      return ['input', body.input];
  }
}

function jsonLength(v: unknown): number {
  try {
    return JSON.stringify(v)?.length ?? 0;
  } catch {
    return Infinity;
  }
}

/** The first limit the request exceeds, as a decision and a 400 refusal; undefined when within every limit. */
export function exceededLimit(
  endpoint: GatewayEndpoint,
  body: Record<string, unknown>,
  slots: readonly TextSlot[],
  limits: GuardrailLimits,
): { decision: GuardrailDecision; block: GuardrailBlock } | undefined {
  const refuse = (where: string, detail: string) => ({
    decision: { guardrail: 'limits' as const, action: 'block' as const, where, detail },
    block: { status: 400, code: 'request_too_large', message: `The request exceeds a gateway limit: ${detail} at ${where}.` },
  });
  const [key, items] = itemsOf(endpoint, body);
  if (Array.isArray(items) && items.length > limits.maxMessages)
    return refuse(key, `${items.length} items, more than maxMessages ${limits.maxMessages}`);
  const tools = toolDefinitions(endpoint, body);
  if (tools.length > limits.maxTools) return refuse('tools', `${tools.length} tool definitions, more than maxTools ${limits.maxTools}`);
  for (const t of tools) {
    const n = jsonLength(t.def);
    if (n > limits.maxToolDefinitionChars)
      return refuse(t.where, `tool definition of ${n} characters, more than maxToolDefinitionChars ${limits.maxToolDefinitionChars}`);
  }
  for (const s of slots)
    if (s.text.length > limits.maxMessageChars)
      return refuse(s.where, `${s.text.length} characters, more than maxMessageChars ${limits.maxMessageChars}`);
  return undefined;
}
