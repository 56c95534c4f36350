import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeConfig } from '@kubernetes/client-node';
import { describeSystemError } from '../../core/system-error.js';

/** A request the API server answered with an error, or could not be sent. */
export class KubeApiError extends Error {
  constructor(
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    /** `Status.reason` (`Forbidden`, `Expired`, `NotFound`…) or the network error code. */
    readonly reason: string,
    message: string,
    /** A `metadata.continue` token the server offered with a 410 (the rest of the list, inconsistently). */
    readonly continueToken?: string,
    /** The `Retry-After` of the answer, in seconds (a 429 of priority and fairness, a 503). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }

  /** How many times the request was sent, answered with this error each time (see `RetryPolicy`). */
  tries = 1;
}

/**
 * How a GET answered `429 Too Many Requests` (priority and fairness, with `Retry-After: 1`) or
 * 500/502/503/504 is sent again, as client-go does: after the `Retry-After` the answer gives, else
 * after an exponential backoff with jitter, up to `tries` times in all.
 */
export interface RetryPolicy {
  /** Times a request is sent at most, the first included. */
  tries: number;
  /** The first backoff without `Retry-After`; it doubles with each try, and each wait is jittered between its half and its whole. */
  baseDelayMs: number;
  /** Longest backoff. */
  maxDelayMs: number;
  /** Longest wait a `Retry-After` is followed for (a longer one is cut to this). */
  maxRetryAfterMs: number;
  /** Waits `ms` (tests give one that does not). */
  sleep(ms: number): Promise<unknown>;
  /** In [0, 1): the jitter. */
  random(): number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  tries: 5,
  baseDelayMs: 250,
  maxDelayMs: 4_000,
  maxRetryAfterMs: 10_000,
  sleep: (ms) => sleep(ms),
  random: Math.random,
};

/** Answers a GET is sent again after (see `RetryPolicy`): the server was busy or failed, and may not be next time. */
const RETRIED_STATUSES = new Set([429, 500, 502, 503, 504]);

export interface KubeApiOptions {
  /** Largest response read, in bytes (one page of a list). */
  maxResponseBytes?: number;
  timeoutMs?: number;
  /** How answers 429 and 5xx to a GET are retried (default `DEFAULT_RETRY`). */
  retry?: Partial<RetryPolicy>;
}

const DEFAULT_MAX_RESPONSE = 256 * 1024 * 1024;

/**
 * JSON requests to the API server with the connection settings of the client library: TLS (CA,
 * client certificates, server name, insecure-skip-tls-verify), proxies, and credentials (tokens,
 * token files, exec plugins, OIDC, basic auth) as the kubeconfig gives them. Objects come back as
 * the server wrote them (no conversion to typed models, which drops fields the models do not know).
 */
export class KubeApi {
  private readonly server: URL;
  private readonly maxBytes: number;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  /** One connection kept open for the requests that share its TLS settings (the client library makes an agent per request). */
  private reused: { key: string; agent: http.Agent } | undefined;
  /** Agents of settings that changed (a rotated client certificate), closed with this client: a request may still be using one. */
  private readonly retired: http.Agent[] = [];

  constructor(
    private readonly kc: KubeConfig,
    opts: KubeApiOptions = {},
  ) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('no current cluster');
    this.server = new URL(cluster.server.endsWith('/') ? cluster.server : cluster.server + '/');
    this.maxBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE;
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
  }

  /** GET `path` (e.g. `/apis/apps/v1/deployments`) with `query`; the parsed JSON body. */
  async get(path: string, query: Record<string, string | number | undefined> = {}, accept = 'application/json'): Promise<unknown> {
    return (await this.getBody(path, query, accept)).json();
  }

  /** GET as `get`, with the body parsed only when its `json()` is asked for (see `ResponseBody`). */
  getBody(path: string, query: Record<string, string | number | undefined> = {}, accept = 'application/json'): Promise<ResponseBody> {
    return this.request('GET', path, query, undefined, accept);
  }

  /** DELETE `path` (one object); the server's answer (the object, or a `Status`). */
  delete(path: string): Promise<unknown> {
    return this.request('DELETE', path, {}, undefined, 'application/json').then((b) => b.json());
  }

  /** A request with a JSON body (`PATCH` with `contentType`, `POST`, `PUT`). */
  send(
    method: string,
    path: string,
    body: unknown,
    contentType = 'application/json',
    query: Record<string, string | undefined> = {},
  ): Promise<unknown> {
    return this.request(method, path, query, { text: JSON.stringify(body), contentType }, 'application/json').then((b) => b.json());
  }

  /**
   * Whether the server answers a `GET /version` (with any status) within the request timeout, sent
   * once: after a request got no answer, whether the server is gone or only what served that request.
   */
  async answers(): Promise<boolean> {
    const opts: https.RequestOptions = { method: 'GET', headers: { Accept: 'application/json', 'User-Agent': 'sanctum' } };
    try {
      await this.kc.applyToHTTPSOptions(opts);
      opts.agent = this.keptAlive(opts.agent);
      await this.send1('GET', new URL('version', this.server), opts, undefined);
      return true;
    } catch (e) {
      return e instanceof KubeApiError && e.status !== 0;
    }
  }

  /** Closes the connections kept open. */
  close(): void {
    for (const agent of [...this.retired.splice(0), ...(this.reused ? [this.reused.agent] : [])]) agent.destroy();
    this.reused = undefined;
  }

  /**
   * An agent made for one request is replaced by one kept alive for the next requests with the same
   * connection settings: a scan lists a hundred pages, each a TLS handshake otherwise, and through
   * the kubeconfig's `proxy-url` (an HTTP CONNECT proxy) a tunnel too, as kubectl does not. SOCKS
   * proxy agents are left as they are.
   */
  private keptAlive(agent: https.RequestOptions['agent']): https.RequestOptions['agent'] {
    if (!(agent instanceof http.Agent)) return agent;
    const Agent = agent.constructor as new (options: Record<string, unknown>) => http.Agent;
    const tunnel = connectProxyOf(agent);
    if (!tunnel && Agent !== https.Agent && Agent !== http.Agent) return agent;
    const options = (agent as http.Agent & { options: Record<string, unknown> }).options;
    const key = `${tunnel?.proxy.href ?? ''} ${connectionKey(options)}`;
    if (this.reused?.key !== key || this.reused.agent.constructor !== Agent) {
      if (this.reused) this.retired.push(this.reused.agent);
      const { keepAlive: _k, ...rest } = options;
      this.reused = { key, agent: new Agent({ ...rest, ...tunnel, keepAlive: true }) };
    }
    agent.destroy();
    return this.reused.agent;
  }

  private async request(
    method: string,
    path: string,
    query: Record<string, string | number | undefined>,
    body: { text: string; contentType: string } | undefined,
    accept: string,
  ): Promise<ResponseBody> {
    const url = new URL(path.replace(/^\//, ''), this.server);
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
    const opts: https.RequestOptions = { method, headers: { Accept: accept, 'User-Agent': 'sanctum' } };
    try {
      await this.kc.applyToHTTPSOptions(opts);
    } catch (e) {
      throw new KubeApiError(0, 'Unauthorized', `cannot get credentials for the cluster: ${firstLine(e)}`);
    }
    if (body) {
      opts.headers = { ...opts.headers, 'Content-Type': body.contentType, 'Content-Length': Buffer.byteLength(body.text) };
    }
    opts.agent = this.keptAlive(opts.agent);
    // A GET the server answered 429 or 5xx is sent again, after the wait it asks for or a backoff (see `RetryPolicy`).
    for (let tries = 1; ; tries++) {
      try {
        return await this.send1(method, url, opts, body);
      } catch (e) {
        if (method !== 'GET' || !(e instanceof KubeApiError) || !RETRIED_STATUSES.has(e.status)) throw e;
        if (tries >= this.retry.tries) {
          e.tries = tries;
          throw e;
        }
        await this.retry.sleep(this.waitBefore(tries + 1, e.retryAfterSeconds));
      }
    }
  }

  /** Milliseconds to wait before try `next` (2 for the first retry): the `Retry-After` asked for, else a jittered exponential backoff. */
  private waitBefore(next: number, retryAfterSeconds: number | undefined): number {
    const r = this.retry;
    if (retryAfterSeconds !== undefined) return Math.min(retryAfterSeconds * 1000, r.maxRetryAfterMs);
    const backoff = Math.min(r.baseDelayMs * 2 ** (next - 2), r.maxDelayMs);
    return Math.round(backoff / 2 + (r.random() * backoff) / 2);
  }

  /** One request. */
  private async send1(
    method: string,
    url: URL,
    opts: https.RequestOptions,
    body: { text: string; contentType: string } | undefined,
  ): Promise<ResponseBody> {
    // A kept-alive connection the server closed while idle, met by the next request: a GET is sent again. The agent
    // drops the closed connection, and may hand out another idle one the server closed too, so it goes on until a
    // request meets a live or a new connection (which cannot be stale), within a bound.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.exchange(url, opts, body);
      } catch (e) {
        if (!(e instanceof StaleConnection)) throw e;
        if (method !== 'GET' || attempt === MAX_STALE_RETRIES + 1) throw e.error;
      }
    }
  }

  private exchange(url: URL, opts: https.RequestOptions, body: { text: string; contentType: string } | undefined): Promise<ResponseBody> {
    const client = url.protocol === 'http:' ? http : https;
    return new Promise((settle, fail) => {
      let answered = false;
      let size = 0;
      const resolve = (body: ResponseBody) => {
        clearTimeout(deadline);
        settle(body);
      };
      const reject = (e: unknown) => {
        clearTimeout(deadline);
        fail(e);
      };
      const req = client.request(url, opts, (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > this.maxBytes) {
            req.destroy(new KubeApiError(0, 'TooLarge', `response to GET ${url.pathname} is larger than ${this.maxBytes} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on('error', (e) => reject(networkError(e, url)));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            resolve(new ResponseBody(Buffer.concat(chunks, size), status, url.pathname));
            return;
          }
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text === '' ? undefined : JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          reject(statusError(status, parsed, text, url, retryAfter(res.headers['retry-after'])));
        });
      });
      // A deadline for the whole exchange, as kubectl's --request-timeout (Go's http.Client.Timeout): an answer
      // that trickles in never leaves the socket idle long enough for an idle timeout.
      const deadline = setTimeout(() => {
        const seconds = this.timeoutMs / 1000;
        const e = answered
          ? new KubeApiError(
              0,
              'Incomplete',
              `the answer of ${url.origin} to ${opts.method ?? 'GET'} ${url.pathname} was not complete within ${seconds} s (${size} bytes read)`,
            )
          : new KubeApiError(0, 'Timeout', `no answer from ${url.origin} within ${seconds} s`);
        reject(e);
        req.destroy(e);
      }, this.timeoutMs);
      req.on('error', (e) => {
        const error = networkError(e, url);
        const code = (e as NodeJS.ErrnoException).code;
        reject(!answered && req.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE') ? new StaleConnection(error) : error);
      });
      if (body) req.write(body.text);
      req.end();
    });
  }
}

/** GETs sent again after meeting a kept-alive connection the server had closed (one per idle connection at most). */
const MAX_STALE_RETRIES = 8;

/** A request failed on a kept-alive connection before any answer: the server had closed it (see `KubeApi.request`). */
class StaleConnection extends Error {
  constructor(readonly error: KubeApiError) {
    super(error.message);
  }
}

/**
 * A successful answer's body as received. A page of a list asked for ahead arrives while the page
 * before it is scanned: kept as bytes (outside the JavaScript heap) until its turn, rather than as
 * the objects of 500 items, which would outlive the young generation's collections meanwhile and be
 * copied into the old generation only to die there.
 */
export class ResponseBody {
  private bytes: Buffer | undefined;

  constructor(
    bytes: Buffer,
    private readonly status: number,
    private readonly pathname: string,
  ) {
    this.bytes = bytes;
  }

  /** The parsed JSON (undefined for an empty body); its bytes are let go. */
  json(): unknown {
    const bytes = this.bytes;
    if (bytes === undefined) throw new Error(`the body of ${this.pathname} was read already`);
    this.bytes = undefined;
    if (bytes.length === 0) return undefined;
    try {
      return JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new KubeApiError(this.status, 'BadResponse', `${this.pathname} answered with something that is not JSON`);
    }
  }
}

/**
 * The proxy of an agent the client library made for a kubeconfig's HTTP(S) `proxy-url` (hpagent's,
 * which open a CONNECT tunnel per connection), with the options of its CONNECT requests.
 */
function connectProxyOf(agent: http.Agent): { proxy: URL; proxyRequestOptions: object } | undefined {
  const { proxy, proxyRequestOptions } = agent as { proxy?: unknown; proxyRequestOptions?: unknown };
  return proxy instanceof URL && typeof proxyRequestOptions === 'object' && proxyRequestOptions !== null
    ? { proxy, proxyRequestOptions }
    : undefined;
}

/** What decides the connection an agent makes: TLS material and settings (a rotated client certificate makes a new one). */
const CONNECTION_OPTIONS = [
  'ca',
  'cert',
  'key',
  'pfx',
  'passphrase',
  'rejectUnauthorized',
  'servername',
  'ciphers',
  'honorCipherOrder',
  'ecdhCurve',
  'crl',
  'dhparam',
  'secureOptions',
  'secureProtocol',
  'sessionIdContext',
] as const;

function connectionKey(options: Record<string, unknown>): string {
  return JSON.stringify(
    CONNECTION_OPTIONS.map((k) => (Buffer.isBuffer(options[k]) ? (options[k] as Buffer).toString('base64') : (options[k] ?? null))),
  );
}

/** A `Retry-After` in seconds, the form the API server writes (client-go reads no other); an HTTP date is not followed. */
function retryAfter(header: string | undefined): number | undefined {
  return header !== undefined && /^\s*\d{1,9}\s*$/.test(header) ? Number(header) : undefined;
}

function statusError(status: number, parsed: unknown, text: string, url: URL, retryAfterSeconds?: number): KubeApiError {
  const s = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  // An answer that is not a `Status` (priority and fairness's 429 is plain text, a proxy's 502 HTML) is named by its status line.
  const reason = typeof s.reason === 'string' && s.reason ? s.reason : (http.STATUS_CODES[status] ?? `HTTP ${status}`);
  const message = typeof s.message === 'string' && s.message ? s.message : text.trim().slice(0, 200) || `HTTP ${status}`;
  const md = typeof s.metadata === 'object' && s.metadata !== null ? (s.metadata as Record<string, unknown>) : {};
  const cont = typeof md.continue === 'string' && md.continue ? md.continue : undefined;
  return new KubeApiError(status, reason, `${url.pathname}: ${message}`, cont, retryAfterSeconds);
}

function networkError(e: unknown, url: URL): KubeApiError {
  if (e instanceof KubeApiError) return e;
  return new KubeApiError(0, (e as NodeJS.ErrnoException).code ?? 'Error', `cannot reach ${url.origin}: ${describeSystemError(e)}`);
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}
