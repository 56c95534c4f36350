import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the fake upstream received. */
export interface ReceivedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

export interface FakeUpstreamBehaviour {
  /** Words the completion answers with (one streamed chunk each). */
  words: string[];
  /** Report `usage` (non-streamed always; streamed when the client asked with `stream_options.include_usage`). */
  usage: boolean;
  /** Wait this long between streamed chunks (ms). */
  chunkDelayMs: number;
  /** Never answer (the client's disconnect must cancel the request). */
  hang: boolean;
  /** Answer with this status and an OpenAI-shaped error instead. */
  failWith?: number;
  /** Streams: after the first chunk, wait for this before sending the rest. */
  holdAfterFirst?: Promise<void>;
  /** Streams: pad each chunk's content to this many bytes (for back-pressure). */
  chunkBytes?: number;
  /** Answer with a call to this tool instead of text; streamed, its arguments go out in these pieces. */
  toolCall?: { name: string; arguments: string[] };
}

/**
 * A small OpenAI-compatible server for tests: chat completions, completions, responses and embeddings,
 * streamed or not, answering with fixed words and honest `usage`, and recording what it received.
 */
export class FakeUpstream {
  readonly requests: ReceivedRequest[] = [];
  /** Requests whose connection closed before the answer was complete (the gateway cancelled them). */
  cancelled = 0;
  /** Streamed chunks written (before any cancellation). */
  chunksWritten = 0;
  /** True while a stream waits for the gateway to take what was written (back-pressure). */
  waitingForDrain = false;
  behaviour: FakeUpstreamBehaviour = { words: ['Hello', ' from', ' the', ' upstream'], usage: true, chunkDelayMs: 0, hang: false };
  private server!: Server;
  private readonly waiters: Array<() => void> = [];
  port = 0;

  get baseURL(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Resolves when the next request arrives (or at once if `count` were already received). */
  received(count: number): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.requests.length >= count) resolve();
        else this.waiters.push(check);
      };
      this.waiters.push(check);
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    this.requests.push({ path: req.url ?? '', headers: req.headers, body });
    for (const w of this.waiters.splice(0)) w();
    let finished = false;
    res.on('close', () => {
      if (!finished) this.cancelled++;
    });
    res.on('finish', () => (finished = true));
    const b = this.behaviour;
    if (b.hang) return;
    if (b.failWith) {
      res.writeHead(b.failWith, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'upstream refused', type: 'server_error', code: 'upstream_says_no', param: null } }));
      return;
    }
    const path = (req.url ?? '').replace(/^\/v1/, '');
    const model = String(body.model);
    const promptTokens = 7;
    const completionTokens = b.words.length;
    const text = b.words.join('');
    if (path === '/embeddings') {
      return json(res, {
        object: 'list',
        data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2, 0.3] }],
        model,
        usage: b.usage ? { prompt_tokens: promptTokens, total_tokens: promptTokens } : undefined,
      });
    }
    const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
    const responsesUsage = { input_tokens: promptTokens, output_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
    if (body.stream === true) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      let sentHere = 0;
      const send = async (event: unknown, name?: string): Promise<void> => {
        if (b.chunkDelayMs) await new Promise((r) => setTimeout(r, b.chunkDelayMs));
        if (res.destroyed) return;
        const written = res.write(
          `${name ? `event: ${name}\n` : ''}data: ${typeof event === 'string' ? event : JSON.stringify(event)}\n\n`,
        );
        this.chunksWritten++;
        if (++sentHere === 1 && b.holdAfterFirst) await b.holdAfterFirst;
        if (!written && !res.destroyed) {
          this.waitingForDrain = true;
          await new Promise((r) => {
            res.once('drain', r);
            res.once('close', r);
          });
          this.waitingForDrain = false;
        }
      };
      const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
      if (b.toolCall && path === '/responses') {
        const call = functionCallItem(b.toolCall);
        await send(
          { type: 'response.output_item.added', output_index: 0, item: { ...call, arguments: '' }, sequence_number: 0 },
          'response.output_item.added',
        );
        for (const [i, piece] of b.toolCall.arguments.entries())
          await send(
            { type: 'response.function_call_arguments.delta', item_id: call.id, output_index: 0, delta: piece, sequence_number: 1 + i },
            'response.function_call_arguments.delta',
          );
        const seq = 1 + b.toolCall.arguments.length;
        await send(
          {
            type: 'response.function_call_arguments.done',
            item_id: call.id,
            output_index: 0,
            arguments: call.arguments,
            sequence_number: seq,
          },
          'response.function_call_arguments.done',
        );
        await send(
          { type: 'response.output_item.done', output_index: 0, item: call, sequence_number: seq + 1 },
          'response.output_item.done',
        );
        await send(
          {
            type: 'response.completed',
            sequence_number: seq + 2,
            response: { ...responseObject(model, '', b.usage ? responsesUsage : undefined), output: [call] },
          },
          'response.completed',
        );
      } else if (b.toolCall) {
        const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
          id: 'chatcmpl-1',
          object: 'chat.completion.chunk',
          created: 1,
          model,
          choices: [{ index: 0, delta, finish_reason: finish }],
        });
        await send(
          chunk({
            role: 'assistant',
            content: null,
            tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: b.toolCall.name, arguments: '' } }],
          }),
        );
        for (const piece of b.toolCall.arguments) await send(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }));
        await send(chunk({}, 'tool_calls'));
        await send('[DONE]');
      } else if (path === '/responses') {
        for (const [i, w] of b.words.entries())
          await send(
            { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: w, sequence_number: i },
            'response.output_text.delta',
          );
        await send(
          {
            type: 'response.completed',
            sequence_number: b.words.length,
            response: responseObject(model, text, b.usage ? responsesUsage : undefined),
          },
          'response.completed',
        );
      } else {
        for (const w of b.words) {
          const piece = b.chunkBytes ? w.padEnd(b.chunkBytes, '.') : w;
          const choice =
            path === '/completions'
              ? { index: 0, text: piece, finish_reason: null }
              : { index: 0, delta: { role: 'assistant', content: piece }, finish_reason: null };
          await send({
            id: 'chatcmpl-1',
            object: path === '/completions' ? 'text_completion' : 'chat.completion.chunk',
            created: 1,
            model,
            choices: [choice],
            ...(includeUsage ? { usage: null } : {}),
          });
        }
        if (includeUsage && b.usage)
          await send({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model, choices: [], usage });
        await send('[DONE]');
      }
      if (!res.destroyed) res.end();
      return;
    }
    if (path === '/responses' && b.toolCall)
      return json(res, { ...responseObject(model, '', b.usage ? responsesUsage : undefined), output: [functionCallItem(b.toolCall)] });
    if (path === '/responses') return json(res, responseObject(model, text, b.usage ? responsesUsage : undefined));
    if (path === '/chat/completions' && b.toolCall) {
      const call = { id: 'call_1', type: 'function', function: { name: b.toolCall.name, arguments: b.toolCall.arguments.join('') } };
      return json(res, {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1,
        model,
        choices: [
          { index: 0, message: { role: 'assistant', content: null, tool_calls: [call] }, finish_reason: 'tool_calls', logprobs: null },
        ],
        usage: b.usage ? usage : undefined,
      });
    }
    if (path === '/completions')
      return json(res, {
        id: 'cmpl-1',
        object: 'text_completion',
        created: 1,
        model,
        choices: [{ index: 0, text, finish_reason: 'stop', logprobs: null }],
        usage: b.usage ? usage : undefined,
      });
    return json(res, {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, finish_reason: 'stop', logprobs: null }],
      usage: b.usage ? usage : undefined,
    });
  }
}

function responseObject(model: string, text: string, usage: unknown): Record<string, unknown> {
  return {
    id: 'resp_1',
    object: 'response',
    created_at: 1,
    status: 'completed',
    model,
    output: [
      { type: 'message', id: 'msg_1', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] },
    ],
    usage,
  };
}

function functionCallItem(call: { name: string; arguments: string[] }) {
  return { id: 'fc_1', type: 'function_call', status: 'completed', call_id: 'call_1', name: call.name, arguments: call.arguments.join('') };
}

function json(res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
