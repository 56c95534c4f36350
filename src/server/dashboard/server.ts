import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { FrameworkCatalogue } from '../../core/framework.js';
import type { AnyRule } from '../../core/rule.js';
import { isSeverity, type Severity } from '../../core/types.js';
import { ingestRun, IngestConflict, type RunMeta } from '../../store/ingest.js';
import {
  compliance,
  findingsOnResources,
  getFinding,
  getRun,
  alertsPerHour,
  listAlerts,
  EXPOSURE_EDGE_LIMIT,
  listExposureEdges,
  listFindings,
  listInventory,
  listRuns,
  listTargets,
  posture,
  type FindingState,
} from '../../store/queries.js';
import { parseRunInput, RunInputError } from '../../store/run-input.js';
import type { TargetKind, TokenScope } from '../../store/schema.js';
import type { Store } from '../../store/store.js';
import { verifyToken } from '../../store/tokens.js';
import { exposurePaths, graphPaths, withResourceFindings, type ExposureCut } from './exposure.js';
import { addGatewayRoutes } from './gateway-routes.js';

export interface DashboardOptions {
  store: Store;
  /** Serve the API without tokens: only allowed when the server listens on loopback. */
  noAuth?: boolean;
  /** Largest request body, in bytes (default 64 MiB): larger uploads get 413. */
  bodyLimit?: number;
  /** The built dashboard (dist/web); the API alone when absent. */
  webRoot?: string;
  frameworks: readonly FrameworkCatalogue[];
  /** Rule metadata for a finding's explanation and fix. */
  lookupRule(idOrSlug: string): AnyRule | undefined;
  logger?: boolean;
  /** Most exposure edges the inventory reads at once (default `EXPOSURE_EDGE_LIMIT`); the answer names the targets past it. */
  exposureEdgeLimit?: number;
}

export const DEFAULT_BODY_LIMIT = 64 * 1024 * 1024;
const TARGET_KINDS: readonly TargetKind[] = ['repository', 'image', 'cluster', 'admission', 'runtime', 'external'];
const FINDING_STATES: readonly FindingState[] = ['open', 'fixed', 'suppressed', 'all'];

/** Loopback addresses only: `--no-auth` is refused anywhere else. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h === '::1' || h === '::ffff:127.0.0.1';
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const int = (v: unknown): number | undefined => {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new HttpError(400, `expected a non-negative integer, got '${String(v)}'`);
  return n;
};
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function parseShard(v: string): { index: number; total: number } {
  const m = /^(\d+)\/(\d+)$/.exec(v);
  const index = m ? Number(m[1]) : NaN;
  const total = m ? Number(m[2]) : NaN;
  if (!m || index < 1 || total < 1 || index > total || total > 10_000)
    throw new HttpError(400, `shard must be I/N with 1 ≤ I ≤ N (got '${v}')`);
  return { index, total };
}

/** `critical,high` → the severities, or 400 naming the unknown one. */
function severities(v: unknown): Severity[] | undefined {
  return str(v)
    ?.split(',')
    .filter(Boolean)
    .map((s) => {
      if (!isSeverity(s)) throw new HttpError(400, `unknown severity '${s}'`);
      return s;
    });
}

function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m?.[1];
}

/** The dashboard's HTTP API (and its static UI): `POST /api/v1/runs` to store results, `GET /api/v1/…` to read them. */
export async function createDashboardServer(opts: DashboardOptions): Promise<FastifyInstance> {
  const { store } = opts;
  const app = Fastify({ logger: opts.logger ?? false, bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT });

  const need = (scope: TokenScope) => async (req: FastifyRequest, reply: FastifyReply) => {
    if (opts.noAuth) return;
    const token = bearer(req);
    const found = token ? await verifyToken(store, token) : undefined;
    if (!found) {
      await reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="sanctum"')
        .send({ error: 'a valid token is needed (Authorization: Bearer …)' });
      return reply;
    }
    if (scope === 'write' && found.scope !== 'write') {
      await reply.code(403).send({ error: 'this token may read but not upload' });
      return reply;
    }
  };
  const read = { preHandler: need('read') };

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
    if (err instanceof HttpError) return reply.code(err.status).send({ error: err.message });
    if (err instanceof RunInputError) return reply.code(400).send({ error: err.message });
    if (err instanceof IngestConflict) return reply.code(409).send({ error: err.message });
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return reply.code(413).send({ error: `the body is larger than ${opts.bodyLimit ?? DEFAULT_BODY_LIMIT} bytes` });
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return reply.code(err.statusCode).send({ error: err.message });
    app.log.error(err);
    return reply.code(500).send({ error: 'internal error' });
  });

  app.get('/healthz', async () => ({ ok: true }));
  // Whether this browser's token is good, without a 401 (the dashboard asks for a token when it is not).
  app.get('/api/v1/session', async (req) => {
    if (opts.noAuth) return { authRequired: false, authenticated: true, scope: 'write' };
    const token = bearer(req);
    const found = token ? await verifyToken(store, token) : undefined;
    return { authRequired: true, authenticated: Boolean(found), ...(found ? { scope: found.scope } : {}) };
  });

  app.post('/api/v1/runs', { preHandler: need('write') }, async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const kind = str(q.kind);
    if (kind !== undefined && !TARGET_KINDS.includes(kind as TargetKind))
      throw new HttpError(400, `kind must be one of ${TARGET_KINDS.join(', ')}`);
    const meta: RunMeta = {
      target: str(q.target),
      kind: kind as TargetKind | undefined,
      runKey: str(q.run),
      shard: str(q.shard) ? parseShard(str(q.shard)!) : undefined,
    };
    if (meta.runKey && meta.runKey.length > 200) throw new HttpError(400, 'run key is longer than 200 characters');
    const input = parseRunInput(req.body);
    const r = await ingestRun(store, input, meta);
    return reply.code(201).send(r);
  });

  app.get('/api/v1/targets', read, async () => ({ targets: await listTargets(store) }));
  app.get('/api/v1/runs', read, async (req) => {
    const q = req.query as Record<string, unknown>;
    return { runs: await listRuns(store, { targetId: int(q.target), limit: int(q.limit) }) };
  });
  app.get('/api/v1/runs/:id', read, async (req) => {
    const run = await getRun(store, int((req.params as { id: string }).id)!);
    if (!run) throw new HttpError(404, 'no such run');
    return run;
  });
  app.get('/api/v1/posture', read, async (req) => {
    const q = req.query as Record<string, unknown>;
    return posture(store, { targetId: int(q.target), days: int(q.days) });
  });
  app.get('/api/v1/compliance', read, async (req) => {
    const q = req.query as Record<string, unknown>;
    return { frameworks: await compliance(store, opts.frameworks, { targetId: int(q.target) }) };
  });
  app.get('/api/v1/findings', read, async (req) => {
    const q = req.query as Record<string, unknown>;
    const severity = severities(q.severity);
    const state = str(q.state) ?? 'open';
    if (!FINDING_STATES.includes(state as FindingState)) throw new HttpError(400, `state must be one of ${FINDING_STATES.join(', ')}`);
    return listFindings(store, {
      targetId: int(q.target),
      severity,
      state: state as FindingState,
      ruleId: str(q.rule),
      framework: str(q.framework),
      text: str(q.q)?.slice(0, 200),
      limit: int(q.limit),
      offset: int(q.offset),
    });
  });
  app.get('/api/v1/findings/:id', read, async (req) => {
    const f = await getFinding(store, int((req.params as { id: string }).id)!);
    if (!f) throw new HttpError(404, 'no such finding');
    const rule = opts.lookupRule(f.ruleId);
    return {
      ...f,
      rule: rule
        ? {
            id: rule.meta.id,
            title: rule.meta.title,
            rationale: rule.meta.rationale,
            remediation: rule.meta.remediation,
            references: rule.meta.references,
            docs: `https://sanctum.dev/docs/rules/${rule.meta.slug}`,
          }
        : undefined,
    };
  });
  /** The alert filters of the alerts page (its list and its chart), checked. */
  const alertFilter = (q: Record<string, unknown>) => {
    const kind = str(q.kind);
    if (kind !== undefined && kind !== 'runtime' && kind !== 'admission') throw new HttpError(400, 'kind must be runtime or admission');
    return {
      ruleId: str(q.rule),
      namespace: str(q.namespace),
      user: str(q.user),
      severity: severities(q.severity),
      kind,
      targetId: int(q.target),
    };
  };
  const time = (q: Record<string, unknown>, name: string) => {
    const v = str(q[name]);
    if (v !== undefined && Number.isNaN(Date.parse(v))) throw new HttpError(400, `${name} must be an ISO 8601 time (got '${v}')`);
    return v;
  };
  app.get('/api/v1/alerts', read, async (req) => {
    const q = req.query as Record<string, unknown>;
    return listAlerts(store, { ...alertFilter(q), since: time(q, 'since'), limit: int(q.limit) });
  });
  // Alerts per hour for the page's chart, counted over the whole range (default: the last 24 hours).
  app.get('/api/v1/alerts/hourly', read, async (req) => {
    const q = req.query as Record<string, unknown>;
    const since = time(q, 'since') ?? new Date(Date.now() - 86_400_000).toISOString();
    return alertsPerHour(store, { ...alertFilter(q), since, until: time(q, 'until') });
  });
  addGatewayRoutes(app, store, { read: need('read'), write: need('write') });
  app.get('/api/v1/inventory', read, async (req) => {
    const q = req.query as Record<string, unknown>;
    const items = await listInventory(store, { targetId: int(q.target), kind: str(q.kind) });
    const { edges, cut } = await listExposureEdges(store, { targetId: int(q.target), limit: opts.exposureEdgeLimit });
    const graphed = new Set(edges.map((e) => e.targetId));
    const targets = [...new Set([...items.filter((i) => i.kind === 'service' || i.resource).map((i) => i.targetId), ...graphed])];
    const onResources = new Map(await Promise.all(targets.map(async (t) => [t, await findingsOnResources(store, t)] as const)));
    // Runs stored with their exposure graph are walked on it; older ones keep the paths read from their
    // findings, and so do targets whose graphs were not read (too many edges), which the answer names.
    const exposure = [
      ...graphPaths(edges, items, onResources),
      ...exposurePaths(
        items.filter((i) => !graphed.has(i.targetId)),
        onResources,
      ),
    ];
    const exposureCut: ExposureCut | undefined = cut.length
      ? { limit: opts.exposureEdgeLimit ?? EXPOSURE_EDGE_LIMIT, targets: cut.map((c) => c.target) }
      : undefined;
    return { items: withResourceFindings(items, onResources), exposure, ...(exposureCut ? { exposureCut } : {}) };
  });

  if (opts.webRoot && existsSync(join(opts.webRoot, 'index.html'))) {
    const { default: fastifyStatic } = await import('@fastify/static');
    await app.register(fastifyStatic, { root: opts.webRoot, index: 'index.html', wildcard: false });
    // Client-side routes (/findings/12) load the app; unknown API paths stay 404.
    app.setNotFoundHandler((req, reply) => {
      if (req.method === 'GET' && !req.url.startsWith('/api/')) return reply.type('text/html').sendFile('index.html');
      return reply.code(404).send({ error: 'not found' });
    });
  } else {
    app.get('/', async (_req, reply) =>
      reply.type('text/plain').send('Sanctum API: the dashboard is not built (npm run build:web); the API is under /api/v1/\n'),
    );
  }
  return app;
}
