import type { IncomingHttpHeaders } from 'node:http';
import { Pool, type Dispatcher } from 'undici';
import type { LoadedGatewayConfig, UpstreamConfig } from './config.js';
import { describeSystemError, systemErrorWords } from '../core/system-error.js';
import { GatewayError } from './errors.js';

/** Where one model name goes. */
export interface Route {
  readonly upstream: Upstream;
  /** The model name sent upstream when it differs from the one the client asked for. */
  readonly upstreamModel?: string;
}

/** Errors raised before any byte of the request reached the upstream: safe to retry. */
const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

export const isConnectError = (e: unknown): boolean => {
  const err = e as { code?: string; cause?: { code?: string } };
  return CONNECT_ERRORS.has(err?.code ?? '') || CONNECT_ERRORS.has(err?.cause?.code ?? '');
};

/** The status line and headers of an upstream's answer; its body follows through the exchange. */
export interface UpstreamResponse {
  readonly statusCode: number;
  readonly headers: IncomingHttpHeaders;
}

/** Where an answer's body goes, piece by piece, once the proxy knows what to do with it. */
export interface BodySink {
  /** A piece of the body; false asks the upstream to wait until `resume()`. */
  data(chunk: Buffer): boolean;
  end(): void;
  /** The upstream failed (or timed out) in the middle of the body, or the exchange was aborted. */
  error(e: unknown): void;
}

/** Raised by an exchange the proxy aborted (its client went away, or a guardrail cut the stream). */
export class ExchangeAborted extends Error {
  constructor() {
    super('the request to the upstream was aborted');
  }
}

/**
 * One request to an upstream, on undici's dispatch API: the answer's status and headers come as a promise,
 * its body is pushed to a sink as it arrives (held until the sink is given). No stream object, abort
 * signal or async iterator per request: each costs allocations and event-loop turns on the path of every
 * answer and of every streamed token. Retries only while the connection could not be made (nothing was
 * sent, so nothing can be completed twice).
 */
export class UpstreamExchange implements Dispatcher.DispatchHandler {
  readonly response: Promise<UpstreamResponse>;
  private resolve!: (r: UpstreamResponse) => void;
  private reject!: (e: unknown) => void;
  private controller?: Dispatcher.DispatchController;
  private started = false;
  private attempt = 0;
  private retryTimer?: NodeJS.Timeout;
  private sink?: BodySink;
  /** Body pieces (then the end, or a failure) that arrived before the sink was given. */
  private held: Buffer[] = [];
  private finished = false;
  private failure?: unknown;
  aborted = false;

  constructor(
    private readonly upstream: Upstream,
    private readonly options: Dispatcher.DispatchOptions,
  ) {
    this.response = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    upstream.dispatch(options, this);
  }

  /** Stops the exchange: an unsent request is not sent, a running one is cut (the upstream sees its connection close). */
  abort(): void {
    if (this.aborted || (this.finished && this.sink)) return;
    this.aborted = true;
    clearTimeout(this.retryTimer);
    if (this.controller && !this.controller.aborted) this.controller.abort(new ExchangeAborted());
    else this.fail(new ExchangeAborted());
  }

  pause(): void {
    this.controller?.pause();
  }

  resume(): void {
    this.controller?.resume();
  }

  /** Sends the body to `sink`: first what already arrived, then the rest as it comes. */
  pipe(sink: BodySink): void {
    this.sink = sink;
    const held = this.held;
    this.held = [];
    for (const chunk of held) if (!sink.data(chunk)) this.pause();
    if (this.failure !== undefined) sink.error(this.failure);
    else if (this.finished) sink.end();
  }

  /** The whole body as text. */
  text(): Promise<string> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      this.pipe({
        data: (chunk) => chunks.push(chunk) > 0,
        end: () => resolve(chunks.length === 1 ? chunks[0].toString() : Buffer.concat(chunks).toString()),
        error: reject,
      });
    });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.aborted) controller.abort(new ExchangeAborted());
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    // 1xx informational answers come before the real one.
    if (statusCode < 200) return;
    this.started = true;
    this.resolve({ statusCode, headers });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.sink) this.held.push(chunk);
    else if (!this.sink.data(chunk)) controller.pause();
  }

  onResponseEnd(): void {
    this.finished = true;
    this.sink?.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (!this.started) {
      if (!this.aborted && isConnectError(error) && this.attempt < this.upstream.retries) {
        this.controller = undefined;
        const delay = Math.min(1000, 50 * 2 ** this.attempt++);
        this.retryTimer = setTimeout(() => this.upstream.dispatch(this.options, this), delay);
        return;
      }
      this.fail(this.aborted ? new ExchangeAborted() : upstreamFailure(this.upstream.name, error));
      return;
    }
    this.fail(this.aborted ? new ExchangeAborted() : error);
  }

  private fail(e: unknown): void {
    if (!this.started) {
      this.started = true;
      this.reject(e);
      return;
    }
    if (this.failure !== undefined || (this.finished && this.sink)) return;
    this.failure = e;
    this.sink?.error(e);
  }
}

/** One OpenAI-compatible server, with its connection pool. */
export class Upstream {
  readonly name: string;
  readonly retries: number;
  private readonly pool: Pool;
  private readonly basePath: string;
  /** The request headers by `accept` (JSON answers, event streams): built once, not per request. */
  private readonly headers: Record<string, Record<string, string>>;

  constructor(config: UpstreamConfig, apiKey: string | undefined) {
    this.name = config.name;
    this.retries = config.retries;
    const url = new URL(config.baseURL);
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.pool = new Pool(url.origin, {
      connections: config.connections,
      connect: { timeout: config.connectTimeoutMs },
      headersTimeout: config.timeoutMs,
      bodyTimeout: config.idleTimeoutMs,
      keepAliveTimeout: 30_000,
      pipelining: 1,
    });
    const headers = { ...config.headers, 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) };
    this.headers = {
      'application/json': { ...headers, accept: 'application/json' },
      'text/event-stream': { ...headers, accept: 'text/event-stream' },
    };
  }

  /** POSTs a JSON body to `basePath + path`; the exchange is under way when this returns. */
  post(path: string, body: string, accept: 'application/json' | 'text/event-stream'): UpstreamExchange {
    return new UpstreamExchange(this, { path: this.basePath + path, method: 'POST', headers: this.headers[accept], body });
  }

  /** @internal */
  dispatch(options: Dispatcher.DispatchOptions, exchange: UpstreamExchange): void {
    this.pool.dispatch(options, exchange);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** undici's own codes, where its messages ("Connect Timeout Error", "other side closed") say less. */
const UNDICI_WORDS: Readonly<Record<string, string>> = {
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'the connection closed unexpectedly',
  UND_ERR_CLOSED: 'the connection was closed',
  UND_ERR_DESTROYED: 'the connection was closed',
};

/** Why a connection failed, in words: the system error (`ECONNREFUSED` → "connection refused") of the error or its cause. */
function failureWords(e: unknown): string {
  const err = e as { code?: unknown; cause?: { code?: unknown } } | undefined;
  for (const code of [err?.code, err?.cause?.code])
    if (typeof code === 'string') {
      const words = systemErrorWords(code) ?? UNDICI_WORDS[code];
      if (words) return words;
    }
  return describeSystemError(e);
}

/** An upstream that could not be reached (502) or did not answer in time (504). */
export function upstreamFailure(upstream: string, e: unknown): GatewayError {
  const code = (e as { code?: string })?.code ?? '';
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')
    return new GatewayError(504, 'upstream_error', 'upstream_timeout', `upstream '${upstream}' did not answer in time`);
  const reason = isConnectError(e) ? 'cannot connect' : 'connection failed';
  return new GatewayError(502, 'upstream_error', 'upstream_unavailable', `upstream '${upstream}': ${reason} (${failureWords(e)})`);
}

/** The upstreams of one configuration and the model → upstream table. */
export class Upstreams {
  readonly routes = new Map<string, Route>();
  readonly all: Upstream[];

  constructor(config: Pick<LoadedGatewayConfig, 'upstreams' | 'upstreamKeys'>) {
    this.all = config.upstreams.map((u) => new Upstream(u, config.upstreamKeys.get(u.name)));
    config.upstreams.forEach((u, i) => {
      for (const m of u.models) {
        if (typeof m === 'string') this.routes.set(m, { upstream: this.all[i] });
        else this.routes.set(m.name, { upstream: this.all[i], upstreamModel: m.upstreamModel });
      }
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((u) => u.close()));
  }
}
