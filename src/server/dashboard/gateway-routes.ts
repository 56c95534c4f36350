import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import {
  gatewayUsage,
  GatewayRecordsError,
  ingestGatewayRequests,
  listGatewayRequests,
  parseGatewayRequests,
} from '../../store/gateway-requests.js';
import type { Store } from '../../store/store.js';

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const GATEWAY_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$/;

/**
 * The store's side of `sanctum gateway`'s audit: `POST /api/v1/gateway/requests?gateway=NAME` takes
 * a JSON array of request records (write token); `GET /api/v1/gateway/requests` lists them newest
 * first and `GET /api/v1/gateway/usage` sums them per gateway, key and model, and per hour or day with
 * `by` (read token).
 */
export function addGatewayRoutes(
  app: FastifyInstance,
  store: Store,
  guard: { read: preHandlerAsyncHookHandler; write: preHandlerAsyncHookHandler },
): void {
  app.post('/api/v1/gateway/requests', { preHandler: guard.write }, async (req, reply) => {
    const gateway = text((req.query as Record<string, unknown>).gateway) ?? 'gateway';
    if (!GATEWAY_NAME.test(gateway))
      return reply.code(400).send({ error: `gateway must be a name such as prod-eu/gateway-1 (got '${gateway}')` });
    try {
      const stored = await ingestGatewayRequests(store, gateway, parseGatewayRequests(req.body));
      return reply.code(201).send({ stored });
    } catch (e) {
      if (e instanceof GatewayRecordsError) return reply.code(400).send({ error: e.message });
      throw e;
    }
  });

  app.get('/api/v1/gateway/requests', { preHandler: guard.read }, async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const since = text(q.since);
    if (since !== undefined && Number.isNaN(Date.parse(since)))
      return reply.code(400).send({ error: `since must be an ISO 8601 time (got '${since}')` });
    const numbers: Record<string, number | undefined> = {};
    for (const k of ['limit', 'before']) {
      const v = text(q[k]);
      if (v === undefined) continue;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) return reply.code(400).send({ error: `${k} must be a non-negative integer (got '${v}')` });
      numbers[k] = n;
    }
    return listGatewayRequests(store, {
      gateway: text(q.gateway),
      key: text(q.key),
      model: text(q.model),
      failed: q.failed === 'true' || q.failed === '1',
      guarded: q.guarded === 'true' || q.guarded === '1',
      since,
      before: numbers.before,
      limit: numbers.limit,
    });
  });

  app.get('/api/v1/gateway/usage', { preHandler: guard.read }, async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const since = text(q.since);
    if (since !== undefined && Number.isNaN(Date.parse(since)))
      return reply.code(400).send({ error: `since must be an ISO 8601 time (got '${since}')` });
    const by = text(q.by);
    if (by !== undefined && by !== 'hour' && by !== 'day') return reply.code(400).send({ error: `by must be hour or day (got '${by}')` });
    return gatewayUsage(store, { gateway: text(q.gateway), key: text(q.key), model: text(q.model), since, by });
  });
}
