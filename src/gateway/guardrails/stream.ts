import { isObj, responseSlots } from './body.js';
import { exfiltrationPendingFrom } from './exfiltration.js';
import { decisionOf, rewrite, type TextFinding } from './findings.js';
import { piiPendingFrom } from './pii.js';
import { secretPendingFrom } from './secrets.js';
import type { GuardrailSettings } from './settings.js';
import { actionFor, editsOf, findInText } from './text.js';
import { refuseTools, refusalNote, toolRefusal } from './tools.js';
import type { GatewayEndpoint, GuardrailBlock, GuardrailDecision, StreamGuard } from './types.js';
import { withoutTrailing } from '../../core/trim.js';

/**
 * Guards a streamed answer (server-sent events) as it passes. Each choice's text (chat `delta.content`,
 * completions `text`, Responses `response.output_text.delta`) and each tool call's arguments (chat
 * `delta.tool_calls[].function.arguments`, Responses `response.function_call_arguments.delta`) goes
 * through a `HeldText`, which
 * releases at once every character that can no longer become part of a secret, personal data or an
 * image link, checked and redacted, and holds back only the tail that still could. Events are
 * rewritten in place (same shape, text replaced); an event whose text is all held and that carries
 * nothing else is dropped, and the held text goes out with the next event of its choice. Chunk
 * boundaries may fall anywhere: inside a UTF-8 sequence, a line or an event.
 */

/** A held tail longer than this is released (checked) even though it might still grow. */
const MAX_HELD = 70_000;
/** Text already sent that the next check still sees: the last word (an email's local part) and the character before it. */
const CONTEXT = 80;

type Obj = Record<string, unknown>;

/** The end of `text` kept as context: from the whitespace before its last word, at most CONTEXT characters. */
function contextOf(text: string): string {
  const tail = text.length > CONTEXT ? text.slice(-CONTEXT) : text;
  const ws = Math.max(tail.lastIndexOf(' '), tail.lastIndexOf('\n'), tail.lastIndexOf('\t'));
  return ws > 0 ? tail.slice(ws) : tail;
}

class HeldText {
  private pending = '';
  /** The end of what was sent, as the model wrote it: a pattern that began there is still recognised. */
  private sent = '';
  constructor(
    private readonly settings: GuardrailSettings,
    private readonly where: string,
    private readonly out: StreamGuardImpl,
    /** False for tool-call arguments: JSON written by the model, where links are not rendered. */
    private readonly prose: boolean,
  ) {}

  /** Text to send now for `piece` arriving; `final` releases everything. */
  push(piece: string, final = false): string {
    this.pending += piece;
    const text = this.pending;
    if (text === '') return '';
    let hold = text.length;
    if (!final && text.length <= MAX_HELD) {
      const s = this.settings;
      if (s.secrets !== 'off') hold = Math.min(hold, secretPendingFrom(text));
      if (s.pii.action !== 'off' && s.pii.classes.length > 0 && hold > 0)
        hold = Math.min(hold, piiPendingFrom(text.slice(0, hold), s.pii.classes, s.pii.holdWords));
      if (this.prose && s.exfiltration.action !== 'off' && hold > 0) hold = Math.min(hold, exfiltrationPendingFrom(text.slice(0, hold)));
    }
    if (hold === 0) return '';
    const ready = text.slice(0, hold);
    this.pending = text.slice(hold);
    const found = this.check(ready);
    for (const f of found) {
      const action = actionFor(f, this.settings);
      this.out.decide(decisionOf(f, action, this.where));
      if (action === 'block') {
        this.out.cut({
          status: 502,
          code: `guardrail_${f.guardrail}`,
          message: `The model's answer was cut by the gateway: it contained ${f.guardrail === 'secrets' ? 'a secret' : 'personal data'} (${f.detail}).`,
        });
        return '';
      }
    }
    return rewrite(ready, editsOf(found, this.settings));
  }

  /**
   * What the guardrails find in `ready`, read after the end of what was already sent: a finding that
   * began there (an address whose local part went out before its `@` arrived) is cut to the part not
   * sent yet, which is still redacted; one that ended there was decided when it was sent.
   */
  private check(ready: string): TextFinding[] {
    const ctx = this.sent;
    const whole = ctx + ready;
    this.sent = contextOf(whole);
    if (ctx === '') return findInText(ready, this.settings, true, this.prose);
    const n = ctx.length;
    const found: TextFinding[] = [];
    for (const f of findInText(whole, this.settings, true, this.prose)) {
      if (f.end <= n) continue;
      if (f.start >= n) found.push({ ...f, start: f.start - n, end: f.end - n });
      else found.push({ ...f, start: 0, end: f.end - n, detail: `${f.detail}, its first ${n - f.start} characters already sent` });
    }
    return found;
  }

  get holding(): boolean {
    return this.pending.length > 0;
  }
}

/** A held text, and how to send what it still holds as an event of the stream's own shape. */
interface Held {
  text: HeldText;
  event(text: string): string;
}

interface ParsedEvent {
  raw: string;
  event?: string;
  data?: string;
  /** Lines other than `event:` and `data:` (`id:`, `retry:`, comments), kept as they were. */
  other: string[];
}

function parseEvent(raw: string): ParsedEvent {
  const ev: ParsedEvent = { raw, other: [] };
  const data: string[] = [];
  for (const line of raw.split('\n')) {
    if (line.startsWith('data:')) data.push(line.slice(line[5] === ' ' ? 6 : 5));
    else if (line.startsWith('event:')) ev.event = line.slice(line[6] === ' ' ? 7 : 6);
    else ev.other.push(line);
  }
  if (data.length > 0) ev.data = data.join('\n');
  return ev;
}

function serialise(ev: ParsedEvent, data: unknown): string {
  const lines = [...ev.other];
  if (ev.event !== undefined) lines.push(`event: ${ev.event}`);
  lines.push(`data: ${JSON.stringify(data)}`);
  return lines.join('\n') + '\n\n';
}

class StreamGuardImpl implements StreamGuard {
  readonly decisions: GuardrailDecision[] = [];
  block?: GuardrailBlock;
  private readonly decoder = new TextDecoder('utf-8');
  private readonly encoder = new TextEncoder();
  private buffer = '';
  private ended = false;
  private out = '';
  private readonly texts = new Map<string, Held>();
  /** The last chunk object seen, as the template of a chunk made to carry held text. */
  private template?: Obj;
  /** Per choice, its refused calls: tool calls by index, and the legacy function call. */
  private readonly refusedCalls = new Map<number, Set<number | 'function_call'>>();
  private readonly allowedCalls = new Set<number>();
  private readonly refusedNames = new Map<number, string[]>();
  private readonly refusedOutputs = new Set<number>();
  private sequence = 0;

  constructor(
    private readonly endpoint: GatewayEndpoint,
    private readonly settings: GuardrailSettings,
  ) {}

  decide(d: GuardrailDecision): void {
    this.decisions.push(d);
  }

  cut(block: GuardrailBlock): void {
    if (this.block) return;
    this.block = block;
    const error = { message: block.message, type: 'guardrail_error', code: block.code, param: null };
    if (this.endpoint === 'responses')
      this.out += `event: error\ndata: ${JSON.stringify({ type: 'error', code: block.code, message: block.message, param: null, sequence_number: this.sequence + 1, error })}\n\n`;
    else this.out += `data: ${JSON.stringify({ error })}\n\n`;
    this.ended = true;
  }

  push(chunk: Uint8Array): Uint8Array {
    if (this.ended) return new Uint8Array(0);
    this.buffer += this.decoder.decode(chunk, { stream: true });
    this.drain(false);
    return this.take();
  }

  end(): Uint8Array {
    if (this.ended) return this.take();
    this.buffer += this.decoder.decode();
    this.drain(true);
    if (!this.ended) this.flushAll();
    this.ended = true;
    return this.take();
  }

  private take(): Uint8Array {
    const s = this.out;
    this.out = '';
    return s === '' ? new Uint8Array(0) : this.encoder.encode(s);
  }

  private drain(final: boolean): void {
    if (this.buffer.includes('\r')) this.buffer = this.buffer.replace(/\r\n/g, '\n');
    let at: number;
    while (!this.ended && (at = this.buffer.indexOf('\n\n')) >= 0) {
      const raw = this.buffer.slice(0, at);
      this.buffer = this.buffer.slice(at + 2);
      this.onEvent(raw);
    }
    if (final && !this.ended && this.buffer.trim() !== '') {
      const raw = withoutTrailing(this.buffer, '\n');
      this.buffer = '';
      this.onEvent(raw);
    }
  }

  private onEvent(raw: string): void {
    const ev = parseEvent(raw);
    if (ev.data === undefined) {
      this.out += raw + '\n\n';
      return;
    }
    if (ev.data.trim() === '[DONE]') {
      this.flushAll();
      if (!this.ended) this.out += raw + '\n\n';
      return;
    }
    let data: unknown;
    try {
      data = JSON.parse(ev.data);
    } catch {
      this.out += raw + '\n\n';
      return;
    }
    if (!isObj(data)) {
      this.out += raw + '\n\n';
      return;
    }
    if (typeof data.sequence_number === 'number') this.sequence = data.sequence_number;
    const rewritten = this.endpoint === 'responses' ? this.onResponsesEvent(data) : this.onChunk(data);
    if (this.ended) return;
    if (rewritten === 'same') this.out += raw + '\n\n';
    else if (rewritten !== 'drop') this.out += serialise(ev, rewritten);
  }

  /** The held text of `key`, made on first use with the event that carries what it still holds at the end. */
  private held(key: string, where: string, event: (text: string) => string, prose = true): HeldText {
    let h = this.texts.get(key);
    if (!h) this.texts.set(key, (h = { text: new HeldText(this.settings, where, this, prose), event }));
    return h.text;
  }

  /** A chat or completions chunk like the stream's (without its usage) carrying one choice. */
  private chunkWith(choice: Obj): string {
    const { usage: _usage, ...template } = this.template ?? {};
    return `data: ${JSON.stringify({ ...template, choices: [choice] })}\n\n`;
  }

  /** A Responses API event like the stream's. */
  private responsesEvent(type: string, fields: Obj): string {
    return `event: ${type}\ndata: ${JSON.stringify({ ...this.template, type, ...fields })}\n\n`;
  }

  /** chat.completions and completions chunks. */
  private onChunk(chunk: Obj): Obj | 'same' | 'drop' {
    if (!Array.isArray(chunk.choices)) return 'same';
    this.template = chunk;
    let changed = false;
    let keep = chunk.choices.length === 0 || chunk.usage != null;
    const choices = chunk.choices.map((c: unknown) => {
      if (!isObj(c)) return c;
      const index = typeof c.index === 'number' ? c.index : 0;
      const finished = c.finish_reason != null;
      const choice = { ...c };
      if (this.endpoint === 'completions') {
        const text = typeof c.text === 'string' ? c.text : '';
        const h = this.held(`c${index}`, `choices[${index}].text`, (t) =>
          this.chunkWith({ index, text: t, logprobs: null, finish_reason: null }),
        );
        const out = h.push(text, finished);
        if (out !== text) changed = true;
        choice.text = out;
        if (out !== '' || finished || (text === '' && !h.holding) || c.logprobs != null) keep = true;
        return choice;
      }
      const delta = isObj(c.delta) ? { ...c.delta } : undefined;
      if (delta) {
        if (typeof delta.content === 'string' || finished) {
          const text = typeof delta.content === 'string' ? delta.content : '';
          const out = this.held(`c${index}`, `choices[${index}].delta.content`, (t) =>
            this.chunkWith({ index, delta: { content: t }, finish_reason: null }),
          ).push(text, finished);
          if (out !== text) {
            changed = true;
            if (out !== '' || typeof delta.content === 'string') delta.content = out;
          }
          if (out !== '' || (typeof delta.content === 'string' && text === '')) keep = true;
        }
        if (Array.isArray(delta.tool_calls)) {
          const allowed = this.filterToolCalls(index, delta.tool_calls);
          const calls = this.guardToolCalls(index, allowed, finished);
          if (calls !== delta.tool_calls) {
            changed = true;
            if (calls.length > 0) delta.tool_calls = calls;
            else delete delta.tool_calls;
          }
          if (calls.length > 0) keep = true;
        } else if (finished) {
          const rest = this.releaseToolCalls(index);
          if (rest.length > 0) {
            delta.tool_calls = rest;
            changed = true;
          }
        }
        if (
          isObj(delta.function_call) &&
          this.refusesCall(index, 'function_call', delta.function_call.name, `choices[${index}].delta.function_call`)
        ) {
          delete delta.function_call;
          changed = true;
        }
        if (isObj(delta.function_call) || finished) {
          const fn = isObj(delta.function_call) ? { ...delta.function_call } : {};
          const args = typeof fn.arguments === 'string' ? fn.arguments : '';
          const h = this.texts.get(`f${index}`)?.text;
          if (typeof fn.arguments === 'string' || h?.holding) {
            const out = this.held(
              `f${index}`,
              `choices[${index}].delta.function_call.arguments`,
              (t) => this.chunkWith({ index, delta: { function_call: { arguments: t } }, finish_reason: null }),
              false,
            ).push(args, finished);
            if (out !== args) {
              changed = true;
              fn.arguments = out;
              if (Object.keys(fn).some((k) => k !== 'arguments') || out !== '') delta.function_call = fn;
              else delete delta.function_call;
            }
          }
        }
        for (const k of Object.keys(delta)) if (k !== 'content' && delta[k] != null) keep = true;
        choice.delta = delta;
      }
      if (finished) {
        keep = true;
        const names = this.refusedNames.get(index);
        if (names && !this.allowedCalls.has(index) && (c.finish_reason === 'tool_calls' || c.finish_reason === 'function_call')) {
          choice.finish_reason = 'stop';
          if (delta) delta.content = (typeof delta.content === 'string' ? delta.content : '') + refusalNote(names);
          changed = true;
        }
      }
      return choice;
    });
    if (!keep) return 'drop';
    return changed ? { ...chunk, choices } : 'same';
  }

  /**
   * The tool-call deltas of one choice with their arguments checked as they grow (held like text, no
   * link stripping: arguments are JSON, not rendered). A delta left with nothing to say is dropped;
   * at the choice's finish, what each call still holds goes out in the same chunk.
   */
  private guardToolCalls(choice: number, calls: unknown[], finished: boolean): unknown[] {
    let changed = false;
    const out: unknown[] = [];
    const seen = new Set<number>();
    for (const call of calls) {
      if (!isObj(call) || !isObj(call.function) || typeof call.function.arguments !== 'string') {
        out.push(call);
        continue;
      }
      const k = typeof call.index === 'number' ? call.index : 0;
      seen.add(k);
      const args = call.function.arguments;
      const text = this.held(
        `t${choice}:${k}`,
        `choices[${choice}].delta.tool_calls[${k}].function.arguments`,
        (t) => this.toolCallChunk(choice, k, t),
        false,
      ).push(args, finished);
      if (text === args) {
        out.push(call);
        continue;
      }
      changed = true;
      const fn = { ...call.function, arguments: text };
      if (text === '' && Object.keys(call).every((key) => key === 'index' || key === 'function') && Object.keys(fn).length === 1) continue;
      out.push({ ...call, function: fn });
    }
    if (finished)
      for (const rest of this.releaseToolCalls(choice, seen)) {
        out.push(rest);
        changed = true;
      }
    return changed ? out : calls;
  }

  private toolCallChunk(choice: number, call: number, args: string): string {
    return this.chunkWith({ index: choice, delta: { tool_calls: [{ index: call, function: { arguments: args } }] }, finish_reason: null });
  }

  /** What the tool calls of a finishing choice still hold, checked, as tool-call deltas. */
  private releaseToolCalls(choice: number, except?: Set<number>): Obj[] {
    const out: Obj[] = [];
    const prefix = `t${choice}:`;
    for (const [key, h] of this.texts) {
      if (!key.startsWith(prefix) || !h.text.holding) continue;
      const call = Number(key.slice(prefix.length));
      if (except?.has(call)) continue;
      const text = h.text.push('', true);
      if (this.ended) return [];
      if (text !== '') out.push({ index: call, function: { arguments: text } });
    }
    return out;
  }

  /**
   * Whether a call of a choice (a tool call by its index, or the legacy `function_call`) is refused by the
   * allow-list. Its first delta names the function: that one decides, and the call's later deltas follow.
   */
  private refusesCall(choice: number, call: number | 'function_call', name: unknown, where: string): boolean {
    const allowed = this.settings.tools.allowed;
    if (allowed === undefined) return false;
    let refused = this.refusedCalls.get(choice);
    if (typeof name === 'string') {
      if (allowed.includes(name)) this.allowedCalls.add(choice);
      else {
        if (!refused) this.refusedCalls.set(choice, (refused = new Set()));
        refused.add(call);
        this.refusedNames.set(choice, [...(this.refusedNames.get(choice) ?? []), name]);
        this.decide(toolRefusal(name, where));
      }
    }
    return refused?.has(call) ?? false;
  }

  private filterToolCalls(choice: number, calls: unknown[]): unknown[] {
    if (this.settings.tools.allowed === undefined) return calls;
    return calls.filter((call) => {
      if (!isObj(call)) return true;
      const k = typeof call.index === 'number' ? call.index : 0;
      const name = isObj(call.function) ? call.function.name : undefined;
      return !this.refusesCall(choice, k, name, `choices[${choice}].delta.tool_calls[${k}]`);
    });
  }

  /** Releases what `key` holds, checked, as an event of its own (before the event that ends its text). */
  private release(key: string): void {
    const h = this.texts.get(key);
    if (!h?.text.holding) return;
    const text = h.text.push('', true);
    if (!this.ended && text !== '') this.out += h.event(text);
  }

  /** Responses API events. */
  private onResponsesEvent(ev: Obj): Obj | 'same' | 'drop' {
    const type = ev.type;
    const outputIndex = typeof ev.output_index === 'number' ? ev.output_index : -1;
    if (this.refusedOutputs.has(outputIndex) && type !== 'response.completed') return 'drop';
    switch (type) {
      case 'response.output_text.delta': {
        this.template = ev;
        const delta = typeof ev.delta === 'string' ? ev.delta : '';
        const contentIndex = ev.content_index ?? 0;
        const out = this.held(
          `r${outputIndex}:${String(contentIndex)}`,
          `output[${outputIndex}].content[${String(contentIndex)}].text`,
          (t) =>
            this.responsesEvent('response.output_text.delta', {
              output_index: outputIndex,
              content_index: contentIndex,
              item_id: ev.item_id,
              delta: t,
            }),
        ).push(delta);
        if (out === delta) return 'same';
        return out === '' ? 'drop' : { ...ev, delta: out };
      }
      case 'response.output_text.done':
        this.release(`r${outputIndex}:${String(ev.content_index ?? 0)}`);
        if (this.ended) return 'drop';
        return typeof ev.text === 'string' ? { ...ev, text: this.quietly(ev.text) } : 'same';
      case 'response.function_call_arguments.delta':
      case 'response.custom_tool_call_input.delta': {
        this.template ??= ev;
        const delta = typeof ev.delta === 'string' ? ev.delta : '';
        const field = type === 'response.function_call_arguments.delta' ? 'arguments' : 'input';
        const out = this.held(
          `a${outputIndex}`,
          `output[${outputIndex}].${field}`,
          (t) => this.responsesEvent(type, { output_index: outputIndex, item_id: ev.item_id, delta: t }),
          false,
        ).push(delta);
        if (out === delta) return 'same';
        return out === '' ? 'drop' : { ...ev, delta: out };
      }
      case 'response.function_call_arguments.done':
      case 'response.custom_tool_call_input.done': {
        this.release(`a${outputIndex}`);
        if (this.ended) return 'drop';
        const field = type === 'response.function_call_arguments.done' ? 'arguments' : 'input';
        return typeof ev[field] === 'string' ? { ...ev, [field]: this.quietly(ev[field], false) } : 'same';
      }
      case 'response.output_item.added': {
        const item = ev.item;
        const allowed = this.settings.tools.allowed;
        if (
          allowed &&
          isObj(item) &&
          (item.type === 'function_call' || item.type === 'custom_tool_call') &&
          typeof item.name === 'string' &&
          !allowed.includes(item.name)
        ) {
          this.refusedOutputs.add(outputIndex);
          this.decide(toolRefusal(item.name, `output[${outputIndex}]`));
          return 'drop';
        }
        return 'same';
      }
      case 'response.content_part.done':
        return isObj(ev.part) && typeof ev.part.text === 'string'
          ? { ...ev, part: { ...ev.part, text: this.quietly(ev.part.text) } }
          : 'same';
      case 'response.output_item.done':
        this.release(`a${outputIndex}`);
        if (this.ended) return 'drop';
        return isObj(ev.item) ? { ...ev, item: this.quietlyOutput([ev.item])[0] } : 'same';
      case 'response.completed':
      case 'response.incomplete':
      case 'response.failed':
        if (isObj(ev.response) && Array.isArray(ev.response.output)) {
          this.flushAll();
          const response = { ...ev.response, output: this.quietlyOutput(ev.response.output) };
          if (this.settings.tools.allowed) refuseTools('responses', response, this.settings.tools.allowed, []);
          return { ...ev, response };
        }
        return 'same';
      default:
        return 'same';
    }
  }

  /** The full text a summary event repeats, rewritten as the streamed pieces were (decisions already taken). */
  private quietly(text: string, prose = true): string {
    return rewrite(text, editsOf(findInText(text, this.settings, true, prose), this.settings));
  }

  private quietlyOutput(items: unknown[]): unknown[] {
    const copy = structuredClone({ output: items });
    for (const s of responseSlots('responses', copy))
      s.set(rewrite(s.text, editsOf(findInText(s.text, this.settings, true, !s.arguments), this.settings)));
    return copy.output;
  }

  /** Releases every held tail, checked, in events shaped like the stream's. */
  private flushAll(): void {
    for (const key of this.texts.keys()) {
      this.release(key);
      if (this.ended) return;
    }
  }
}

export function createStreamGuard(endpoint: GatewayEndpoint, settings: GuardrailSettings): StreamGuard {
  return new StreamGuardImpl(endpoint, settings);
}
