import { WebhookDelivery, type DeliveryStats } from '../runtime/delivery.js';
import type { AuditEntry, AuditLog } from './audit.js';

export interface StoreAuditOptions {
  /** `sanctum serve`'s address (`https://sanctum.example.com`). */
  url: string;
  /** A write token of the store (`sanctum serve token create --scope write`). */
  token?: string;
  /** This gateway's name in the store. */
  gateway: string;
  /** Most records waiting while the store is slow or away (default 10,000): the oldest go first. */
  maxQueue?: number;
  /** Most records per upload (default 500). */
  batchSize?: number;
  onError?(message: string): void;
}

/** The store's endpoint for a gateway's request records. */
export function gatewayRequestsEndpoint(url: string, gateway: string): string {
  const u = new URL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`the store must be an http(s) URL (got '${url}')`);
  u.pathname = u.pathname.replace(/\/+$/, '').replace(/\/api\/v1\/gateway\/requests$/, '') + '/api/v1/gateway/requests';
  u.searchParams.set('gateway', gateway);
  return u.toString();
}

/** A record as it leaves for the store: no bodies, even when the audit file keeps them. */
function forStore(e: AuditEntry): AuditEntry {
  if (e.request === undefined && e.response === undefined) return e;
  const { request: _request, response: _response, ...rest } = e;
  return rest;
}

/**
 * Sends each request record to `sanctum serve`, off the request path: `write` only queues it; one
 * upload at a time sends what has gathered (up to `batchSize`), retrying with backoff, and a full
 * queue drops its oldest records (counted in `stats`) rather than grow or slow the gateway.
 */
export function storeAuditLog(opts: StoreAuditOptions): AuditLog & { readonly stats: DeliveryStats; readonly pending: number } {
  const delivery = new WebhookDelivery<AuditEntry>({
    url: gatewayRequestsEndpoint(opts.url, opts.gateway),
    headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
    maxQueue: opts.maxQueue ?? 10_000,
    batchSize: opts.batchSize ?? 500,
    encode: (batch) => JSON.stringify(batch.map(forStore)),
    onError: opts.onError,
  });
  let closed = false;
  return {
    stats: delivery.stats,
    get pending() {
      return delivery.pending;
    },
    write(entry) {
      if (!closed) delivery.send(entry);
    },
    /** Sends what is queued (for up to 5 s; what is left is counted as dropped). */
    async close() {
      closed = true;
      await delivery.flush(5_000);
    },
  };
}

/** Every line to each log. */
export function teeAuditLog(...logs: AuditLog[]): AuditLog {
  return {
    write: (e) => logs.forEach((l) => l.write(e)),
    reopen: () => logs.forEach((l) => l.reopen?.()),
    close: async () => {
      await Promise.all(logs.map((l) => l.close()));
    },
  };
}
