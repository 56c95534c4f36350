import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, type Dispatcher } from 'undici';
import type { LoadedGatewayConfig, UpstreamConfig } from './config.js';
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

/** One OpenAI-compatible server, with its connection pool. */
export class Upstream {
  readonly name: string;
  private readonly pool: Pool;
  private readonly basePath: string;
  /** The request headers by `accept` (JSON answers, event streams): built once, not per request. */
  private readonly headers: Record<string, Record<string, string>>;

  constructor(
    private readonly config: UpstreamConfig,
    apiKey: string | undefined,
  ) {
    this.name = config.name;
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

  /**
   * POSTs a JSON body to `basePath + path`. Retries only when the connection could not be made (nothing
   * was sent, so nothing can be completed twice); any other failure is final.
   */
  async post(
    path: string,
    body: string,
    signal: AbortSignal,
    accept: 'application/json' | 'text/event-stream',
  ): Promise<Dispatcher.ResponseData> {
    const headers = this.headers[accept];
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.pool.request({ path: this.basePath + path, method: 'POST', headers, body, signal });
      } catch (e) {
        if (signal.aborted) throw e;
        if (isConnectError(e) && attempt < this.config.retries) {
          await sleep(Math.min(1000, 50 * 2 ** attempt), undefined, { signal }).catch(() => undefined);
          continue;
        }
        throw upstreamFailure(this.name, e);
      }
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** An upstream that could not be reached (502) or did not answer in time (504). */
export function upstreamFailure(upstream: string, e: unknown): GatewayError {
  const code = (e as { code?: string })?.code ?? '';
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')
    return new GatewayError(504, 'upstream_error', 'upstream_timeout', `upstream '${upstream}' did not answer in time`);
  const reason = isConnectError(e) ? 'cannot connect' : 'connection failed';
  return new GatewayError(
    502,
    'upstream_error',
    'upstream_unavailable',
    `upstream '${upstream}': ${reason} (${code || (e as Error)?.message})`,
  );
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
