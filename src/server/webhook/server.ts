import type { Server as TlsServer } from 'node:tls';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { formatBytes } from '../../core/engine.js';
import type { AdmissionEvaluator, Decision, Endpoint } from './admission-evaluator.js';
import { BadReviewError, readAdmissionReview, reviewResponse, type AdmissionRequest } from './admission-review.js';
import { readKeyPair, watchKeyPair } from './certificate-files.js';
import { WebhookMetrics } from './metrics.js';
import { jsonErrorMessage } from '../../core/printable.js';

export interface WebhookServerOptions {
  tlsCert: string;
  tlsKey: string;
  /** Default `0.0.0.0`. */
  host?: string;
  /** Default 8443; 0 picks a free port. */
  port?: number;
  evaluator: AdmissionEvaluator;
  /** A pino logger, or false for none. */
  logger?: Logger | false;
  /** How often the certificate files are checked for changes (default 2000 ms). */
  certificateCheckMs?: number;
  /** Called with each decision once it is made (it must only queue: the request waits for it). */
  onDecision?(endpoint: Endpoint, req: AdmissionRequest, decision: Decision): void;
}

export interface WebhookServer {
  /** `https://host:port` the server listens on. */
  readonly url: string;
  readonly port: number;
  readonly metrics: WebhookMetrics;
  /** How many times a changed certificate was loaded. */
  readonly certificateReloads: number;
  /** Readiness fails from now on (`/readyz` answers 503) while every request is still served. */
  unready(): void;
  /** Stops accepting requests (readiness fails at once), lets requests in flight finish, and stops. */
  close(): Promise<void>;
}

const ENDPOINTS: readonly Endpoint[] = ['validate', 'mutate'];

/** The admission webhook: AdmissionReview v1 on `/validate` and `/mutate` over TLS, with health and metrics endpoints. */
export async function startWebhookServer(opts: WebhookServerOptions): Promise<WebhookServer> {
  const { evaluator } = opts;
  const pair = readKeyPair(opts.tlsCert, opts.tlsKey);
  const metrics = new WebhookMetrics();
  const log = opts.logger || undefined;
  const app = Fastify({
    https: { ...pair, minVersion: 'TLSv1.2' },
    bodyLimit: evaluator.maxRequestBytes,
    // Decisions are logged by us (one line each); per-request lines would double the cost at load.
    logController: new LogController({ disableRequestLogging: true }),
    ...(log ? { loggerInstance: log as unknown as FastifyBaseLogger } : { logger: false }),
    return503OnClosing: true,
  });
  let closing = false;
  let reloads = 0;

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const endpoint = endpointOf(request);
    const { status, message } = describeHttpError(error, evaluator.maxRequestBytes, request.headers['content-type']);
    if (status >= 500) log?.error({ err: error, url: request.url }, 'webhook request failed');
    else log?.warn({ url: request.url, status, reason: message }, 'bad admission request');
    metrics.badRequest(endpoint, reply.elapsedTime / 1000);
    void reply.code(status).send({ error: httpReason(status), message });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .send({ error: 'Not Found', message: `no route ${request.method} ${request.url}: use POST /validate or POST /mutate` });
  });

  for (const endpoint of ENDPOINTS) {
    app.post(`/${endpoint}`, (request: FastifyRequest, reply: FastifyReply) => {
      const receivedAt = performance.now() - reply.elapsedTime;
      let req: AdmissionRequest;
      try {
        req = readAdmissionReview(request.body);
      } catch (e) {
        if (!(e instanceof BadReviewError)) throw e;
        log?.warn({ url: request.url, reason: e.message }, 'bad admission request');
        metrics.badRequest(endpoint, reply.elapsedTime / 1000);
        return reply.code(400).send({ error: 'Bad Request', message: e.message });
      }
      const decision = evaluator.evaluate(req, endpoint, receivedAt);
      metrics.observe(endpoint, decision, (performance.now() - receivedAt) / 1000);
      if (log) logDecision(log, endpoint, req, decision);
      const sent = reply.send(reviewResponse(decision.response));
      // After the answer has gone out: whatever is done with the decision is not the request's wait.
      opts.onDecision?.(endpoint, req, decision);
      return sent;
    });
  }
  app.get('/healthz', (_request, reply) => reply.send({ status: 'ok' }));
  app.get('/readyz', (_request, reply) => (closing ? reply.code(503).send({ status: 'shutting down' }) : reply.send({ status: 'ready' })));
  app.get('/metrics', async (_request, reply) => reply.type(metrics.contentType).send(await metrics.text()));

  await app.listen({ host: opts.host ?? '0.0.0.0', port: opts.port ?? 8443 });
  const unchecked = evaluator.policiesWithAuthorizerChecks;
  if (unchecked.length)
    log?.warn(
      { policies: unchecked },
      "custom policies with authorizer checks: the webhook does not read the cluster's RBAC, so those checks are not evaluated (neither allow nor deny); each request they skip gets an admission warning, the audit annotation policy-checks-not-evaluated and sanctum_webhook_policy_checks_not_evaluated_total",
    );
  const tls = app.server as unknown as TlsServer;
  const stopWatching = watchKeyPair(
    opts.tlsCert,
    opts.tlsKey,
    opts.certificateCheckMs ?? 2000,
    (next) => {
      tls.setSecureContext({ ...next, minVersion: 'TLSv1.2' });
      reloads++;
      log?.info({ cert: opts.tlsCert }, 'TLS certificate reloaded');
    },
    (message) => log?.warn(`${message}; the previous certificate stays in use`),
  );
  const address = tls.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 8443);
  const host = opts.host ?? '0.0.0.0';
  return {
    url: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    metrics,
    get certificateReloads() {
      return reloads;
    },
    unready() {
      closing = true;
    },
    async close() {
      closing = true;
      stopWatching();
      await app.close();
    },
  };
}

function endpointOf(request: FastifyRequest): string {
  const path = request.url.split('?')[0].replace(/^\//, '');
  return (ENDPOINTS as readonly string[]).includes(path) ? path : 'other';
}

function describeHttpError(error: FastifyError, maxBytes: number, contentType: string | undefined): { status: number; message: string } {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, message: `the request body is larger than the limit of ${formatBytes(maxBytes)} (webhook.maxRequestBytes)` };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, message: 'the request body is empty (expected an AdmissionReview)' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        // Fastify's message is only 'Unsupported Media Type': the type is the request's header.
        message: contentType
          ? `content type ${JSON.stringify(contentType.slice(0, 100))} is not served: send application/json`
          : 'the request has no content type: send application/json',
      };
  }
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY')
    return { status: 400, message: `the request body is not valid JSON: ${jsonErrorMessage(error)}` };
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
  return { status, message: status >= 500 ? 'internal error; see the webhook log' : error.message };
}

function httpReason(status: number): string {
  return (
    ({ 400: 'Bad Request', 413: 'Payload Too Large', 415: 'Unsupported Media Type' } as Record<number, string>)[status] ??
    (status >= 500 ? 'Internal Server Error' : 'Error')
  );
}

function logDecision(log: Logger, endpoint: Endpoint, req: AdmissionRequest, d: Decision): void {
  const fields = {
    endpoint,
    uid: req.uid,
    operation: req.operation,
    kind: req.kind.kind,
    namespace: req.namespace,
    name: req.name,
    user: req.userInfo?.username,
    outcome: d.outcome,
    dryRun: d.dryRun,
    ...(d.failure ? { failure: d.failure } : {}),
    findings: d.findings.map(({ finding: f, action, preExisting }) => ({
      rule: f.ruleId,
      severity: f.severity,
      action,
      ...(preExisting ? { preExisting } : {}),
      path: f.location.objectPath,
    })),
  };
  if (d.outcome === 'failure-policy') log.warn(fields, 'admission answered by the failure policy');
  else if (d.findings.length && endpoint === 'validate') log.info(fields, `admission ${d.outcome}`);
  else log.debug(fields, `admission ${d.outcome}`);
}
