import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { openAuditLog, type AuditEntry, type AuditLog } from './audit.js';
import { storeAuditLog, teeAuditLog } from './audit-store.js';
import { authenticate, JwtVerifier, type Caller } from './auth.js';
import { Budgets, type BudgetScope } from './budgets.js';
import type { LoadedGatewayConfig } from './config.js';
import { badRequest, GatewayError } from './errors.js';
import { guardrailsFor, type Guardrails } from './guard.js';
import type { GatewayEndpoint, GuardrailBlock, GuardrailDecision, StreamGuard } from './guardrails/types.js';
import { KeyRing, mayUse, type Principal } from './keys.js';
import { GatewayMetrics } from './metrics.js';
import { lazyRequestLogger } from './request-logger.js';
import { estimatedUsage, estimateTokens, StreamTranscript, StreamUsage, usageOf, type TokenCount } from './usage.js';
import { upstreamFailure, Upstreams, type UpstreamExchange, type UpstreamResponse } from './upstreams.js';

export interface GatewayOptions {
  config: LoadedGatewayConfig;
  /** Operational log (listening, reloads, failures); false for none. The audit log is separate. */
  logger?: Logger | false;
  /** Where the audit lines go (default: `audit.file` of the configuration). */
  audit?: AuditLog;
  /** The clock budgets count by (tests move it). */
  now?: () => number;
  /** Default: the guardrails the configuration asks for. */
  guardrails?: Guardrails;
  /** Override `listen` (tests and the bench use port 0). */
  host?: string;
  port?: number;
}

export interface GatewayServer {
  /** `http(s)://host:port`. */
  readonly url: string;
  readonly port: number;
  readonly metrics: GatewayMetrics;
  /**
   * Swaps in a new configuration (keys, upstreams, budgets' limits, guardrails) and reopens the audit
   * file; requests in flight finish on the old configuration. `listen`, `tls` and `audit` are read at start only.
   */
  reload(config: LoadedGatewayConfig): void;
  close(): Promise<void>;
}

const ENDPOINTS: ReadonlyArray<readonly [GatewayEndpoint, string]> = [
  ['chat.completions', '/chat/completions'],
  ['completions', '/completions'],
  ['responses', '/responses'],
  ['embeddings', '/embeddings'],
];

/** Everything derived from one configuration, built once (never per request). */
interface State {
  config: LoadedGatewayConfig;
  keys: KeyRing;
  upstreams: Upstreams;
  teams: Map<string, BudgetScope>;
  jwt?: JwtVerifier;
  guardrails: Guardrails;
  /** Budget scopes and guardrail settings per caller. */
  perCaller: WeakMap<Principal, { scopes: BudgetScope[]; settings: unknown }>;
}

function buildState(config: LoadedGatewayConfig, guardrails: Guardrails | undefined): State {
  return {
    config,
    keys: new KeyRing(config),
    upstreams: new Upstreams(config),
    teams: new Map(config.teams.map((t) => [t.name, { id: `team:${t.name}`, limits: t }])),
    jwt: config.jwt && new JwtVerifier(config.jwt),
    guardrails: guardrails ?? guardrailsFor(config),
    perCaller: new WeakMap(),
  };
}

/** Per-request bookkeeping, for the audit line and the metrics. */
interface Exchange {
  state: State;
  start: number;
  endpoint: AuditEntry['endpoint'];
  caller?: Caller;
  /** A known key refused before it became the caller (revoked). */
  refusedKey?: string;
  model?: string;
  upstream?: string;
  stream?: boolean;
  upstreamMs?: number;
  tokens?: TokenCount;
  decisions: GuardrailDecision[];
  /** Set when bodies go to the audit log (`audit.prompts`, or the caller's guardrail settings ask for it). */
  logPrompts?: boolean;
  logged?: unknown;
  responseLogged?: unknown;
  done: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    gw: Exchange;
  }
}

function describeFastifyError(error: FastifyError, maxBody: number): GatewayError {
  if (error instanceof GatewayError) return error;
  const status = error.statusCode ?? 500;
  if (status === 413)
    return new GatewayError(413, 'invalid_request_error', 'request_too_large', `the request body is larger than ${maxBody} bytes`);
  if (status === 415) return new GatewayError(415, 'invalid_request_error', 'unsupported_media_type', 'send the body as application/json');
  if (status >= 400 && status < 500) {
    const reason = error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'the body is empty' : `the body is not valid JSON (${error.message})`;
    return badRequest(reason, null, 'invalid_json');
  }
  return new GatewayError(500, 'server_error', 'internal_error', 'the gateway failed to handle the request');
}

/** An SSE event carrying an error, for a stream already under way (the status line was sent). */
const sseError = (e: GatewayError): string =>
  `data: ${JSON.stringify({ error: { message: e.message, type: e.type, code: e.code, param: null } })}\n\n`;

/** The OpenAI-compatible gateway: authorises, budgets, guards and proxies each request, and logs it. */
export async function startGateway(opts: GatewayOptions): Promise<GatewayServer> {
  let state = buildState(opts.config, opts.guardrails);
  const log = opts.logger || undefined;
  const metrics = new GatewayMetrics();
  const budgets = new Budgets(opts.now);
  const fileAudit =
    opts.audit ??
    openAuditLog(opts.config.audit.file, {
      onError: (message) => (log ? log.error(message) : process.emitWarning(message)),
    });
  const storeConfig = opts.config.audit.store;
  const storeAudit =
    storeConfig &&
    storeAuditLog({
      url: storeConfig.url,
      token: opts.config.storeToken,
      gateway: storeConfig.name ?? hostname(),
      maxQueue: storeConfig.maxQueue,
      batchSize: storeConfig.batchSize,
      onError: (message) => log?.warn({ store: storeConfig.url }, `gateway audit to the store: ${message}`),
    });
  const audit = storeAudit ? teeAuditLog(fileAudit, storeAudit) : fileAudit;
  if (storeAudit) metrics.watchStoreDelivery(storeAudit);
  const tls = opts.config.tls;
  const maxBody = opts.config.limits.maxBodyBytes;
  const app = Fastify({
    ...(tls
      ? {
          https: {
            cert: readFileSync(tls.cert),
            key: readFileSync(tls.key),
            minVersion: 'TLSv1.2' as const,
            ...(tls.clientCA ? { ca: readFileSync(tls.clientCA), requestCert: true, rejectUnauthorized: tls.requireClientCert } : {}),
          },
        }
      : {}),
    bodyLimit: maxBody,
    logController: new LogController({ disableRequestLogging: true }),
    ...(log ? { loggerInstance: log as unknown as FastifyBaseLogger, childLoggerFactory: lazyRequestLogger } : { logger: false }),
    return503OnClosing: true,
    forceCloseConnections: true,
  });
  app.decorateRequest('gw', null as unknown as Exchange);

  function finish(request: FastifyRequest, status: number, error?: string): void {
    const x = request.gw;
    if (!x || x.done) return;
    x.done = true;
    const latencyMs = performance.now() - x.start;
    const key = x.caller?.principal.name ?? x.refusedKey;
    const entry: AuditEntry = {
      time: new Date().toISOString(),
      requestId: request.id,
      endpoint: x.endpoint,
      key,
      team: x.caller?.principal.team,
      auth: x.caller?.method,
      model: x.model,
      upstream: x.upstream,
      stream: x.stream,
      status,
      error,
      latencyMs: Math.round(latencyMs * 100) / 100,
      upstreamMs: x.upstreamMs === undefined ? undefined : Math.round(x.upstreamMs * 100) / 100,
      tokens: x.tokens,
      guardrails: x.decisions.length ? x.decisions : undefined,
      client: request.ip,
    };
    if (x.logPrompts) {
      entry.request = x.logged;
      entry.response = x.responseLogged;
    }
    audit.write(entry);
    metrics.request(x.endpoint, key ?? '', x.model ?? '', status, latencyMs, x.upstreamMs);
    if (error) metrics.refusal(error);
    if (x.tokens && key) metrics.tokensSpent(key, x.model ?? '', x.tokens.prompt, x.tokens.completion);
    for (const d of x.decisions) metrics.guardrailDecision(d.guardrail, d.action);
  }

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const e = describeFastifyError(error, maxBody);
    if (e.status >= 500) log?.error({ err: error, url: request.url }, 'gateway request failed');
    if (e.keyName && request.gw) request.gw.refusedKey = e.keyName;
    void reply.code(e.status).headers(e.headers).send(e.toJSON());
    finish(request, e.status, e.code);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .send(new GatewayError(404, 'invalid_request_error', 'unknown_url', `no route ${request.method} ${request.url}`).toJSON());
  });

  app.get('/healthz', (_request, reply) => reply.send({ status: 'ok' }));
  app.get('/metrics', async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));

  /** Authenticates before the body is read: an unknown caller never makes the gateway parse anything. */
  function onRequest(endpoint: AuditEntry['endpoint']) {
    return (request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void): void => {
      const current = state;
      request.gw = { state: current, start: performance.now(), endpoint, decisions: [], done: false };
      let caller: Caller | Promise<Caller>;
      try {
        caller = authenticate(request.headers.authorization, request.raw.socket, current.keys, current.jwt);
      } catch (e) {
        done(e as Error);
        return;
      }
      if (caller instanceof Promise)
        caller.then(
          (c) => {
            request.gw.caller = c;
            done();
          },
          (e: Error) => done(e),
        );
      else {
        request.gw.caller = caller;
        done();
      }
    };
  }

  function perCaller(s: State, p: Principal): { scopes: BudgetScope[]; settings: unknown } {
    let c = s.perCaller.get(p);
    if (!c) {
      const scopes: BudgetScope[] = [{ id: `key:${p.name}`, limits: p.budget }];
      const team = p.team && s.teams.get(p.team);
      if (team) scopes.push(team);
      c = {
        scopes: scopes.filter((x) => Object.values(x.limits).some((v) => typeof v === 'number')),
        settings: s.guardrails.settingsFor(p),
      };
      s.perCaller.set(p, c);
    }
    return c;
  }

  app.get('/v1/models', { onRequest: onRequest('models') }, (request, reply) => {
    const x = request.gw;
    const data = [...x.state.upstreams.routes]
      .filter(([model]) => mayUse(x.caller!.principal, model))
      .map(([id, r]) => ({ id, object: 'model', created: 0, owned_by: r.upstream.name }));
    finish(request, 200);
    return reply.send({ object: 'list', data });
  });

  app.get('/v1/models/:model', { onRequest: onRequest('models') }, (request, reply) => {
    const x = request.gw;
    const id = (request.params as { model: string }).model;
    const route = x.state.upstreams.routes.get(id);
    if (!route || !mayUse(x.caller!.principal, id))
      throw new GatewayError(
        404,
        'invalid_request_error',
        'model_not_found',
        `the model '${id}' does not exist or this key may not use it`,
        'model',
      );
    finish(request, 200);
    return reply.send({ id, object: 'model', created: 0, owned_by: route.upstream.name });
  });

  for (const [endpoint, path] of ENDPOINTS)
    app.post(`/v1${path}`, { onRequest: onRequest(endpoint) }, (request, reply) => proxy(endpoint, path, request, reply));

  async function proxy(endpoint: GatewayEndpoint, path: string, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    const x = request.gw;
    const s = x.state;
    const principal = x.caller!.principal;
    const body = request.body as Record<string, unknown> | null;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('the body must be a JSON object');
    const model = body.model;
    if (typeof model !== 'string' || model === '') throw badRequest('you must give a model', 'model', 'missing_model');
    x.model = model;
    x.stream = body.stream === true;
    if (!mayUse(principal, model))
      throw new GatewayError(
        403,
        'permission_error',
        'model_not_allowed',
        `the key '${principal.name}' may not use the model '${model}'`,
        'model',
      );
    const route = s.upstreams.routes.get(model);
    if (!route) throw new GatewayError(404, 'invalid_request_error', 'model_not_found', `no upstream serves the model '${model}'`, 'model');
    x.upstream = route.upstream.name;
    const { scopes, settings } = perCaller(s, principal);
    if (scopes.length) {
      const refusal = budgets.admit(scopes);
      if (refusal) {
        const tokens = refusal.limit.startsWith('tokens');
        throw new GatewayError(
          429,
          tokens ? 'tokens' : 'requests',
          'rate_limit_exceeded',
          `${refusal.scope.replace(':', " '")}' is over its ${refusal.limit} budget: retry in ${refusal.retryAfterSeconds} s`,
          null,
          { 'retry-after': String(refusal.retryAfterSeconds) },
        );
      }
    }
    const verdict = s.guardrails.request(endpoint, body, settings);
    for (const d of verdict.decisions) x.decisions.push(d);
    if (verdict.block) throw new GatewayError(verdict.block.status, 'invalid_request_error', verdict.block.code, verdict.block.message);
    let forward = verdict.body as Record<string, unknown>;
    if (route.upstreamModel) forward = { ...forward, model: route.upstreamModel };
    const payload = JSON.stringify(forward);
    x.logPrompts = s.config.audit.prompts || s.guardrails.logPrompts(settings);
    if (x.logPrompts) x.logged = s.guardrails.forLog(endpoint, 'request', verdict.body, settings);

    const raw = reply.raw;
    const sent = performance.now();
    const exchange = route.upstream.post(path, payload, x.stream ? 'text/event-stream' : 'application/json');
    const onClose = (): void => {
      if (!raw.writableFinished) exchange.abort();
    };
    raw.on('close', onClose);
    let res: UpstreamResponse;
    try {
      res = await exchange.response;
    } catch (e) {
      x.upstreamMs = performance.now() - sent;
      if (exchange.aborted) return clientGone(request, reply);
      throw e instanceof GatewayError ? e : upstreamFailure(route.upstream.name, e);
    }
    const contentType = String(res.headers['content-type'] ?? 'application/json');
    if (contentType.startsWith('text/event-stream'))
      return relayStream(request, reply, exchange, res.statusCode, contentType, {
        guard: s.guardrails.stream(endpoint, settings),
        scopes,
        requestBytes: payload.length,
        sent,
        settings,
      });

    let text: string;
    try {
      text = await exchange.text();
    } catch (e) {
      x.upstreamMs = performance.now() - sent;
      if (exchange.aborted) return clientGone(request, reply);
      throw upstreamFailure(route.upstream.name, e);
    }
    x.upstreamMs = performance.now() - sent;
    raw.off('close', onClose);
    let out = text;
    if (res.statusCode < 300 && contentType.includes('json')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new GatewayError(
          502,
          'upstream_error',
          'upstream_bad_response',
          `upstream '${route.upstream.name}' answered with invalid JSON`,
        );
      }
      x.tokens = usageOf(parsed) ?? estimatedUsage(payload.length, estimateTokens(text.length));
      budgets.spend(scopes, x.tokens.total);
      const checked = s.guardrails.response(endpoint, parsed, settings);
      for (const d of checked.decisions) x.decisions.push(d);
      if (checked.block) throw new GatewayError(checked.block.status, 'invalid_request_error', checked.block.code, checked.block.message);
      if (checked.body !== parsed) out = JSON.stringify(checked.body);
      if (x.logPrompts) x.responseLogged = s.guardrails.forLog(endpoint, 'response', checked.body, settings);
    }
    // The answer leaves first; the audit line and the metrics are written after it.
    void reply.code(res.statusCode).type(contentType).send(out);
    finish(request, res.statusCode, res.statusCode >= 400 ? 'upstream_error' : undefined);
    return reply;
  }

  function clientGone(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    finish(request, 499, 'client_closed_request');
    return reply.hijack();
  }

  /**
   * Passes the upstream's server-sent events on chunk by chunk, as fast as the client takes them: each
   * piece is written to the client in the turn of the event loop that read it from the upstream, and the
   * upstream is paused while the client's socket is full.
   */
  function relayStream(
    request: FastifyRequest,
    reply: FastifyReply,
    exchange: UpstreamExchange,
    statusCode: number,
    contentType: string,
    o: { guard?: StreamGuard; scopes: BudgetScope[]; requestBytes: number; sent: number; settings: unknown },
  ): Promise<void> {
    const x = request.gw;
    const guard = o.guard;
    const transcript = x.logPrompts ? new StreamTranscript() : undefined;
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(statusCode, { 'content-type': contentType, 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
    const usage = new StreamUsage();
    // Waiting on a slow client is not upstream time, and not gateway overhead either.
    let waited = 0;
    let drainFrom = 0;
    const onDrain = (): void => {
      if (!drainFrom) return;
      waited += performance.now() - drainFrom;
      drainFrom = 0;
      exchange.resume();
    };
    raw.on('drain', onDrain);
    return new Promise<void>((settled) => {
      let over = false;
      let firstSent = false;
      const conclude = (status: number, error?: string): void => {
        over = true;
        raw.off('drain', onDrain);
        if (drainFrom) waited += performance.now() - drainFrom;
        x.upstreamMs = performance.now() - o.sent - waited;
        x.tokens = usage.usage ?? estimatedUsage(o.requestBytes, usage.events);
        budgets.spend(o.scopes, x.tokens.total);
        if (guard) for (const d of guard.decisions) x.decisions.push(d);
        if (transcript) x.responseLogged = x.state.guardrails.forLog(x.endpoint as GatewayEndpoint, 'stream', transcript.text, o.settings);
        finish(request, status, error);
        settled();
      };
      const clientGone = (): void => {
        conclude(499, 'client_closed_request');
        exchange.abort();
      };
      exchange.pipe({
        data(chunk) {
          if (over) return false;
          if (raw.destroyed) {
            clientGone();
            return false;
          }
          const out = guard ? guard.push(chunk) : chunk;
          const flowing = out.length === 0 || raw.write(out);
          // Node sends what a response writes once the current tick is over (it corks the socket): the
          // status line and the first piece leave now instead, before the bookkeeping below and the
          // settling of the request's promises. Later pieces that arrive together still go out together.
          if (!firstSent && out.length > 0) {
            firstSent = true;
            raw.socket?.uncork();
          }
          // Counted once the piece is on its way: the client does not wait for the bookkeeping.
          usage.push(chunk);
          transcript?.push(out);
          // The guard cut the stream: what it returned ends with its own error event.
          if (guard?.block) {
            raw.end();
            conclude(statusCode, guard.block.code);
            exchange.abort();
            return false;
          }
          if (!flowing) drainFrom = performance.now();
          return flowing;
        },
        end() {
          if (over) return;
          if (raw.destroyed) return clientGone();
          let error: string | undefined;
          if (guard) {
            const rest = guard.end();
            transcript?.push(rest);
            if (rest.length) raw.write(rest);
            // end() may cut the stream too (what it held back is checked last), its error event included.
            const cut = guard.block as GuardrailBlock | undefined;
            if (cut) error = cut.code;
          }
          raw.end();
          conclude(statusCode, error);
        },
        error(e) {
          if (over) return;
          if (exchange.aborted || raw.destroyed) return clientGone();
          const failure = upstreamFailure(x.upstream ?? '', e);
          // What the guard held back is checked by end(): it goes out before the error.
          const rest = guard ? guard.end() : undefined;
          if (rest?.length) raw.write(rest);
          if (!guard?.block) raw.write(sseError(failure));
          raw.end();
          conclude(statusCode, guard?.block?.code ?? failure.code);
        },
      });
    });
  }

  const [host, portText] = splitListen(opts.config.listen);
  await app.listen({ host: opts.host ?? host, port: opts.port ?? Number(portText) });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const shownHost = (opts.host ?? host).includes(':') ? `[${opts.host ?? host}]` : (opts.host ?? host);
  return {
    url: `${tls ? 'https' : 'http'}://${shownHost}:${port}`,
    port,
    metrics,
    reload(config) {
      const old = state;
      state = buildState(config, opts.guardrails);
      void old.upstreams.close().catch(() => undefined);
      audit.reopen?.();
      log?.info({ keys: config.keys.length, upstreams: config.upstreams.map((u) => u.name) }, 'gateway configuration reloaded');
    },
    async close() {
      await app.close();
      await state.upstreams.close().catch(() => undefined);
      await audit.close();
    },
  };
}

function splitListen(listen: string): [string, string] {
  const i = listen.lastIndexOf(':');
  return [listen.slice(0, i).replace(/^\[(.*)\]$/, '$1'), listen.slice(i + 1)];
}
