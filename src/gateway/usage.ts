import { StringDecoder } from 'node:string_decoder';

/** Tokens of one request, from the upstream's `usage` or, when it sent none, estimated. */
export interface TokenCount {
  prompt: number;
  completion: number;
  total: number;
  /** True when the upstream reported no usage and the gateway estimated it. */
  estimated: boolean;
}

/** Reads `usage` as chat/completions/embeddings (`prompt_tokens`…) and responses (`input_tokens`…) report it. */
export function usageOf(body: unknown): TokenCount | undefined {
  const u = (body as { usage?: Record<string, unknown> } | null)?.usage;
  if (!u || typeof u !== 'object') return undefined;
  const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);
  const prompt = num(u.prompt_tokens) ?? num(u.input_tokens) ?? 0;
  const completion = num(u.completion_tokens) ?? num(u.output_tokens) ?? 0;
  const total = num(u.total_tokens) ?? prompt + completion;
  return { prompt, completion, total, estimated: false };
}

/** About four bytes of English text per token: the estimate used when an upstream reports no usage. */
export const estimateTokens = (bytes: number): number => Math.ceil(bytes / 4);

export function estimatedUsage(requestBytes: number, completion: number): TokenCount {
  const prompt = estimateTokens(requestBytes);
  return { prompt, completion, total: prompt + completion, estimated: true };
}

const MAX_LINE = 1 << 20;

/** Splits server-sent-event bytes into the data of each `data:` line, across chunk boundaries. */
class SseData {
  private readonly decoder = new StringDecoder('utf8');
  private tail = '';

  push(chunk: Uint8Array, onData: (data: string) => void): void {
    const text = this.tail + this.decoder.write(chunk as Buffer);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      if (text.startsWith('data:', start)) {
        const data = text.slice(start + 5, nl).trim();
        if (data !== '[DONE]' && data !== '') onData(data);
      }
      start = nl + 1;
    }
    this.tail = text.length - start > MAX_LINE ? '' : text.slice(start);
  }
}

/**
 * Watches a server-sent-event stream go by for its usage: the final chunk of a chat completion streamed
 * with `stream_options.include_usage`, or the `response.completed` event of the Responses API. Counts
 * the data events too: one event carries about one token, the estimate when no usage comes.
 */
export class StreamUsage {
  private readonly sse = new SseData();
  events = 0;
  usage?: TokenCount;

  push(chunk: Uint8Array): void {
    this.sse.push(chunk, (data) => {
      this.events++;
      if (!data.includes('"usage"')) return;
      try {
        const event = JSON.parse(data) as { usage?: unknown; response?: { usage?: unknown } };
        const found = usageOf(event) ?? usageOf(event.response);
        if (found) this.usage = found;
      } catch {
        // Not JSON: not a usage event.
      }
    });
  }
}

const MAX_TRANSCRIPT = 64 * 1024;

/** The text a stream carried (chat deltas, completion text, Responses text deltas), for the audit log; at most 64 KiB. */
export class StreamTranscript {
  private readonly sse = new SseData();
  text = '';

  push(chunk: Uint8Array): void {
    if (this.text.length >= MAX_TRANSCRIPT) return;
    this.sse.push(chunk, (data) => {
      try {
        const e = JSON.parse(data) as {
          type?: string;
          delta?: unknown;
          choices?: Array<{ delta?: { content?: unknown }; text?: unknown }>;
        };
        const c = e.choices?.[0];
        const piece = c ? (c.delta?.content ?? c.text) : e.type === 'response.output_text.delta' ? e.delta : undefined;
        if (typeof piece === 'string') this.text = (this.text + piece).slice(0, MAX_TRANSCRIPT);
      } catch {
        // Not JSON: nothing to transcribe.
      }
    });
  }
}
