import { isObj } from './body.js';
import type { GatewayEndpoint, GuardrailDecision } from './types.js';

/**
 * Tool calls in a model's answer to tools outside `allowed` are removed, each with a `refuse`
 * decision. A chat message whose every call was refused, and that has no text, gets a short note in
 * its content so the client sees an answer; its `finish_reason` becomes `stop`.
 */
export function refuseTools(
  endpoint: GatewayEndpoint,
  body: Record<string, unknown>,
  allowed: readonly string[],
  decisions: GuardrailDecision[],
): void {
  const ok = new Set(allowed);
  if (endpoint === 'chat.completions' && Array.isArray(body.choices)) {
    body.choices.forEach((c, i) => {
      if (!isObj(c) || !isObj(c.message)) return;
      const msg = c.message;
      const refused: string[] = [];
      if (Array.isArray(msg.tool_calls)) {
        const kept = msg.tool_calls.filter((call, k) => {
          const name =
            isObj(call) && isObj(call.function) ? call.function.name : isObj(call) && isObj(call.custom) ? call.custom.name : undefined;
          if (typeof name !== 'string' || ok.has(name)) return true;
          refused.push(name);
          decisions.push(toolRefusal(name, `choices[${i}].message.tool_calls[${k}]`));
          return false;
        });
        if (refused.length > 0) {
          if (kept.length > 0) msg.tool_calls = kept;
          else delete msg.tool_calls;
        }
      }
      if (isObj(msg.function_call) && typeof msg.function_call.name === 'string' && !ok.has(msg.function_call.name)) {
        refused.push(msg.function_call.name);
        decisions.push(toolRefusal(msg.function_call.name, `choices[${i}].message.function_call`));
        delete msg.function_call;
      }
      if (refused.length > 0 && !msg.tool_calls && !msg.function_call) {
        if (typeof msg.content !== 'string' || msg.content === '') msg.content = refusalNote(refused);
        if (c.finish_reason === 'tool_calls' || c.finish_reason === 'function_call') c.finish_reason = 'stop';
      }
    });
  } else if (endpoint === 'responses' && Array.isArray(body.output)) {
    const refused: string[] = [];
    body.output = body.output.filter((item, i) => {
      if (
        !isObj(item) ||
        (item.type !== 'function_call' && item.type !== 'custom_tool_call') ||
        typeof item.name !== 'string' ||
        ok.has(item.name)
      )
        return true;
      refused.push(item.name);
      decisions.push(toolRefusal(item.name, `output[${i}]`));
      return false;
    });
    if (refused.length > 0 && !(body.output as unknown[]).some((it) => isObj(it) && it.type === 'message'))
      (body.output as unknown[]).push({
        type: 'message',
        id: 'msg_guardrail_refusal',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: refusalNote(refused), annotations: [] }],
      });
  }
}

/** The decision that refuses a call to tool `name` found at `where`. */
export function toolRefusal(name: string, where: string): GuardrailDecision {
  return { guardrail: 'tools', action: 'refuse', where, detail: `call to tool '${name.slice(0, 64)}' is not allowed` };
}

export function refusalNote(names: readonly string[]): string {
  return `[The gateway refused a call to ${names.map((n) => `'${n.slice(0, 64)}'`).join(', ')}: not an allowed tool.]`;
}
