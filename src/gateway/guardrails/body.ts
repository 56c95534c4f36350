import type { GatewayEndpoint } from './types.js';

/** Who wrote a piece of text: the guardrails weigh instructions in tool output higher than in a user turn. */
export type TextSource = 'system' | 'user' | 'assistant' | 'tool' | 'unknown';

/** One piece of text in a request or response body, with a way to replace it. */
export interface TextSlot {
  /** JSON path (`messages[2].content[0].text`). */
  where: string;
  source: TextSource;
  /** Tool-call arguments are JSON written by the model, not prose (no markdown images in them). */
  arguments?: boolean;
  /** Part of a tool definition (a description), which an agent sends again unchanged with every request. */
  definition?: boolean;
  text: string;
  set(text: string): void;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sourceOf(role: unknown): TextSource {
  switch (role) {
    case 'system':
    case 'developer':
      return 'system';
    case 'user':
      return 'user';
    case 'assistant':
      return 'assistant';
    case 'tool':
    case 'function':
      return 'tool';
    default:
      return 'unknown';
  }
}

function slot(out: TextSlot[], holder: Obj, key: string, where: string, source: TextSource, args?: boolean): void {
  const v = holder[key];
  if (typeof v === 'string') out.push({ where, source, text: v, set: (t) => (holder[key] = t), ...(args ? { arguments: true } : {}) });
}

function definitionSlot(out: TextSlot[], holder: Obj, where: string): void {
  const v = holder.description;
  if (typeof v === 'string') out.push({ where, source: 'tool', definition: true, text: v, set: (t) => (holder.description = t) });
}

/** Strings of a `string | string[]` field (completion prompts, embedding inputs); token arrays carry no text. */
function stringOrList(out: TextSlot[], holder: Obj, key: string, source: TextSource): void {
  const v = holder[key];
  if (typeof v === 'string') slot(out, holder, key, key, source);
  else if (Array.isArray(v))
    v.forEach(
      (_, i) => typeof v[i] === 'string' && out.push({ where: `${key}[${i}]`, source, text: v[i] as string, set: (t) => (v[i] = t) }),
    );
}

/** Text of a message `content`: a string, or parts of type text / input_text / output_text. */
function content(out: TextSlot[], holder: Obj, key: string, where: string, source: TextSource): void {
  const v = holder[key];
  if (typeof v === 'string') slot(out, holder, key, where, source);
  else if (Array.isArray(v))
    v.forEach((part, j) => {
      if (!isObj(part)) return;
      if (typeof part.text === 'string') slot(out, part, 'text', `${where}[${j}].text`, source);
      else if (typeof part.refusal === 'string') slot(out, part, 'refusal', `${where}[${j}].refusal`, source);
    });
}

function toolCalls(out: TextSlot[], msg: Obj, where: string): void {
  const calls = msg.tool_calls;
  if (Array.isArray(calls))
    calls.forEach((c, k) => {
      if (isObj(c) && isObj(c.function))
        slot(out, c.function, 'arguments', `${where}.tool_calls[${k}].function.arguments`, 'assistant', true);
    });
  if (isObj(msg.function_call)) slot(out, msg.function_call, 'arguments', `${where}.function_call.arguments`, 'assistant', true);
}

/** Responses API items (request `input` and response `output` share their shapes). */
function responseItems(out: TextSlot[], items: unknown[], key: string, defaultSource: TextSource): void {
  items.forEach((item, i) => {
    if (!isObj(item)) return;
    const where = `${key}[${i}]`;
    const type = item.type ?? 'message';
    if (type === 'message')
      content(out, item, 'content', `${where}.content`, item.role === undefined ? defaultSource : sourceOf(item.role));
    else if (
      type === 'function_call_output' ||
      type === 'custom_tool_call_output' ||
      type === 'mcp_call' ||
      type === 'local_shell_call_output'
    ) {
      content(out, item, 'output', `${where}.output`, 'tool');
    } else if (type === 'mcp_list_tools' && Array.isArray(item.tools))
      item.tools.forEach((t, j) => {
        if (!isObj(t)) return;
        definitionSlot(out, t, `${where}.tools[${j}].description`);
        schemaDescriptions(out, t.input_schema, `${where}.tools[${j}].input_schema`);
      });
    else if (type === 'function_call') slot(out, item, 'arguments', `${where}.arguments`, 'assistant', true);
    else if (type === 'custom_tool_call') slot(out, item, 'input', `${where}.input`, 'assistant', true);
    else if (type === 'reasoning' && Array.isArray(item.summary))
      item.summary.forEach((s, j) => isObj(s) && slot(out, s, 'text', `${where}.summary[${j}].text`, 'assistant'));
  });
}

/** The tool definitions of a request (chat `tools` and legacy `functions`, responses `tools`). */
export function toolDefinitions(endpoint: GatewayEndpoint, body: Obj): Array<{ where: string; def: Obj; fn: Obj }> {
  const out: Array<{ where: string; def: Obj; fn: Obj }> = [];
  if (endpoint !== 'chat.completions' && endpoint !== 'responses') return out;
  if (Array.isArray(body.tools))
    body.tools.forEach((t, i) => {
      if (isObj(t)) out.push({ where: `tools[${i}]`, def: t, fn: isObj(t.function) ? t.function : t });
    });
  if (endpoint === 'chat.completions' && Array.isArray(body.functions))
    body.functions.forEach((f, i) => {
      if (isObj(f)) out.push({ where: `functions[${i}]`, def: f, fn: f });
    });
  return out;
}

/** Between the descriptions of one schema in their joined slot: a line break for the patterns, a mark no rewrite makes. */
const SEPARATOR = '\n\u001f\n';

/**
 * Every object of a JSON Schema that holds a string `description`, at any depth and however many
 * (the size limit on tool definitions bounds the walk): a cap would let text past it go unchecked.
 */
function collectDescriptions(schema: unknown, refs: Obj[]): void {
  const stack: unknown[] = [schema];
  while (stack.length) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push(node[i]);
    } else if (isObj(node)) {
      if (typeof node.description === 'string') refs.push(node);
      const children = Object.values(node);
      for (let i = children.length - 1; i >= 0; i--) if (typeof children[i] === 'object') stack.push(children[i]);
    }
  }
}

/**
 * The `description`s inside a tool's JSON Schema (its properties, items, definitions…), as one slot
 * of tool text: the model reads them as it reads the tool's own description, so instructions hidden
 * there count as tool text. One slot per schema keeps a request with many tools cheap to check.
 */
function schemaDescriptions(out: TextSlot[], schema: unknown, where: string): void {
  const refs: Obj[] = [];
  collectDescriptions(schema, refs);
  if (refs.length === 0) return;
  out.push({
    where: `${where} (descriptions)`,
    source: 'tool',
    definition: true,
    text: refs.map((r) => r.description as string).join(SEPARATOR),
    set: (text) => {
      const parts = text.split(SEPARATOR);
      refs.forEach((r, i) => (r.description = parts.length === refs.length ? parts[i] : i === 0 ? parts.join('\n') : ''));
    },
  });
}

/** Every piece of text a request carries to the model, tool descriptions included (they are read as instructions). */
export function requestSlots(endpoint: GatewayEndpoint, body: Obj): TextSlot[] {
  const out: TextSlot[] = [];
  for (const t of toolDefinitions(endpoint, body)) {
    const where = `${t.where}${t.fn === t.def ? '' : '.function'}`;
    definitionSlot(out, t.fn, `${where}.description`);
    schemaDescriptions(out, t.fn.parameters, `${where}.parameters`);
  }
  switch (endpoint) {
    case 'chat.completions':
      if (Array.isArray(body.messages))
        body.messages.forEach((m, i) => {
          if (!isObj(m)) return;
          const where = `messages[${i}]`;
          content(out, m, 'content', `${where}.content`, sourceOf(m.role));
          toolCalls(out, m, where);
        });
      break;
    case 'completions':
      stringOrList(out, body, 'prompt', 'user');
      slot(out, body, 'suffix', 'suffix', 'user');
      break;
    case 'responses':
      slot(out, body, 'instructions', 'instructions', 'system');
      if (typeof body.input === 'string') slot(out, body, 'input', 'input', 'user');
      else if (Array.isArray(body.input)) responseItems(out, body.input, 'input', 'user');
      break;
    case 'embeddings':
      stringOrList(out, body, 'input', 'user');
      break;
  }
  return out;
}

/** Every piece of text a (non-streamed) response carries to the client. */
export function responseSlots(endpoint: GatewayEndpoint, body: Obj): TextSlot[] {
  const out: TextSlot[] = [];
  if (endpoint === 'chat.completions' || endpoint === 'completions') {
    if (Array.isArray(body.choices))
      body.choices.forEach((c, i) => {
        if (!isObj(c)) return;
        if (endpoint === 'completions') slot(out, c, 'text', `choices[${i}].text`, 'assistant');
        else if (isObj(c.message)) {
          content(out, c.message, 'content', `choices[${i}].message.content`, 'assistant');
          toolCalls(out, c.message, `choices[${i}].message`);
        }
      });
  } else if (endpoint === 'responses') {
    if (Array.isArray(body.output)) responseItems(out, body.output, 'output', 'assistant');
    slot(out, body, 'output_text', 'output_text', 'assistant');
  }
  return out;
}

export { isObj };
