/**
 * The receiving end of the API server's audit webhook backend (`--audit-webhook-config-file`): it
 * POSTs `EventList`s as JSON. Events wait in a bounded queue; when it is full the request is refused
 * with 429 and the API server's batching backend retries it later (back-pressure, never unbounded memory).
 */
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { jsonErrorMessage } from '../../core/printable.js';

export interface AuditWebhookOptions {
  host: string;
  port: number;
  /** PEM certificate and key: serve HTTPS (the API server's kubeconfig names the CA). */
  tls?: { cert: Buffer | string; key: Buffer | string };
  /** Largest request body (default 64 MiB: a batch of the API server is at most 10 MiB by default). */
  maxBodyBytes?: number;
  /** Most events waiting to be judged (default 200,000). */
  maxQueuedEvents?: number;
}

export interface AuditWebhookStats {
  requests: number;
  /** Events in accepted requests. */
  accepted: number;
  /** Requests refused because the queue was full (429), and the events they carried. */
  refusedRequests: number;
  refusedEvents: number;
  /** Requests that were not an event list (400), too large (413) or not a POST (405). */
  badRequests: number;
}

export interface WebhookBatch {
  items: unknown[];
}

export class AuditWebhookReceiver {
  readonly stats: AuditWebhookStats = { requests: 0, accepted: 0, refusedRequests: 0, refusedEvents: 0, badRequests: 0 };
  private readonly server: Server;
  private readonly queue: WebhookBatch[] = [];
  private queued = 0;
  private wake: (() => void) | undefined;
  private closed = false;
  private readonly maxBody: number;
  private readonly maxQueued: number;

  constructor(private readonly opts: AuditWebhookOptions) {
    this.maxBody = opts.maxBodyBytes ?? 64 * 1024 * 1024;
    this.maxQueued = opts.maxQueuedEvents ?? 200_000;
    const handler = (req: IncomingMessage, res: ServerResponse) => this.handle(req, res);
    this.server = opts.tls ? createHttps({ cert: opts.tls.cert, key: opts.tls.key }, handler) : createHttp(handler);
    this.server.keepAliveTimeout = 65_000;
  }

  /** Events waiting to be judged. */
  get backlog(): number {
    return this.queued;
  }

  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port, this.opts.host, () => resolve(this.server.address() as AddressInfo));
    });
  }

  /** Stops accepting; the batches already queued are still handed out. */
  async close(): Promise<void> {
    this.closed = true;
    this.server.closeAllConnections?.();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.wake?.();
  }

  /** The accepted batches, in order; ends after `close()` once the queue is drained. */
  async *batches(): AsyncGenerator<WebhookBatch> {
    for (;;) {
      const b = this.queue.shift();
      if (b) {
        this.queued -= b.items.length;
        yield b;
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.stats.requests++;
    if (req.method === 'GET' && (req.url === '/healthz' || req.url === '/readyz')) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    if (req.method !== 'POST') {
      this.stats.badRequests++;
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      if (tooLarge) return;
      size += c.length;
      if (size > this.maxBody) {
        tooLarge = true;
        this.stats.badRequests++;
        res.writeHead(413, { connection: 'close' }).end(`body over ${this.maxBody} bytes\n`);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (tooLarge) return;
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks, size).toString('utf8'));
      } catch (e) {
        this.stats.badRequests++;
        res.writeHead(400, { 'content-type': 'text/plain' }).end(`not JSON: ${jsonErrorMessage(e)}\n`);
        return;
      }
      const items = eventsOf(body);
      if (!items) {
        this.stats.badRequests++;
        res.writeHead(400, { 'content-type': 'text/plain' }).end('expected an audit.k8s.io EventList or Event\n');
        return;
      }
      if (this.queued > 0 && this.queued + items.length > this.maxQueued) {
        this.stats.refusedRequests++;
        this.stats.refusedEvents += items.length;
        res.writeHead(429, { 'retry-after': '1', 'content-type': 'text/plain' }).end('queue full, retry later\n');
        return;
      }
      this.queue.push({ items });
      this.queued += items.length;
      this.stats.accepted += items.length;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      this.wake?.();
    });
    req.on('error', () => {
      /* the client went away; nothing was queued */
    });
  }
}

function eventsOf(body: unknown): unknown[] | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return Array.isArray(body) ? body : undefined;
  const o = body as Record<string, unknown>;
  if (o.kind === 'EventList' && Array.isArray(o.items)) return o.items;
  if (o.kind === 'Event') return [o];
  return undefined;
}
