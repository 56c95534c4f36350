/**
 * Delivers detections to a webhook (a SIEM, falcosidekick, a chat bridge): in order, in batches,
 * with retries and backoff, through a bounded queue. When the receiver is down for long, the oldest
 * alerts are dropped and counted, never held without limit.
 */
import type { Finding } from '../core/types.js';
import { falcoAlert } from '../reporters/event-stream.js';

export interface DeliveryOptions<T = Finding> {
  url: string;
  /** The body of one POST for a batch (default: a JSON array; other items than findings need it with the `json` format). */
  encode?(batch: T[]): string;
  /** `json`: a JSON array of findings per POST; `falco`: one Falco-shaped alert per POST (falcosidekick's input). */
  format?: 'json' | 'falco';
  /** Most findings waiting (default 10,000). */
  maxQueue?: number;
  /** Most findings per POST in the `json` format (default 100). */
  batchSize?: number;
  /**
   * Wait this long after an item arrives before sending, so that items sent in a burst go together
   * and `send` never does more than queue (default 0: sending starts at once).
   */
  lingerMs?: number;
  /** Attempts per batch before it is dropped (default 6). */
  attempts?: number;
  /** First retry delay (ms, doubled each retry; default 500). */
  backoffMs?: number;
  headers?: Record<string, string>;
  timeoutMs?: number;
  onError?(message: string): void;
}

export interface DeliveryStats {
  delivered: number;
  /** Dropped because the queue was full, or after every attempt failed. */
  dropped: number;
  retries: number;
}

export class WebhookDelivery<T = Finding> {
  readonly stats: DeliveryStats = { delivered: 0, dropped: 0, retries: 0 };
  private readonly queue: T[] = [];
  /** Items pushed out of the front of the queue while it was full. */
  private evicted = 0;
  private running: Promise<void> | undefined;
  private lingering: NodeJS.Timeout | undefined;
  private readonly maxQueue: number;
  private readonly batchSize: number;

  constructor(private readonly opts: DeliveryOptions<T>) {
    this.maxQueue = opts.maxQueue ?? 10_000;
    this.batchSize = opts.format === 'falco' ? 1 : (opts.batchSize ?? 100);
  }

  get pending(): number {
    return this.queue.length;
  }

  send(f: T): void {
    if (this.queue.length >= this.maxQueue) {
      this.queue.shift();
      this.evicted++;
      this.stats.dropped++;
    }
    this.queue.push(f);
    if (this.running) return;
    if (!this.opts.lingerMs || this.queue.length >= this.batchSize) this.start();
    else
      this.lingering ??= setTimeout(() => {
        this.lingering = undefined;
        this.start();
      }, this.opts.lingerMs).unref();
  }

  /** Waits until the queue is empty (or `timeoutMs` passed); what is left is counted as dropped. */
  async flush(timeoutMs = 10_000): Promise<void> {
    this.start();
    const deadline = Date.now() + timeoutMs;
    while ((this.running || this.queue.length) && Date.now() < deadline) {
      await Promise.race([this.running ?? Promise.resolve(), new Promise((r) => setTimeout(r, 50))]);
    }
    this.stats.dropped += this.queue.length;
    this.queue.length = 0;
  }

  private start(): void {
    if (this.lingering) clearTimeout(this.lingering);
    this.lingering = undefined;
    if (this.queue.length) this.running ??= this.drain().finally(() => (this.running = undefined));
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.slice(0, this.batchSize);
      const body =
        this.opts.format === 'falco'
          ? JSON.stringify(falcoAlert(batch[0] as Finding))
          : this.opts.encode
            ? this.opts.encode(batch)
            : JSON.stringify(batch);
      const evictedBefore = this.evicted;
      const ok = await this.post(body);
      // Taken off the queue only now: new items may have pushed the oldest (of this batch) out meanwhile.
      const sent = Math.max(0, batch.length - (this.evicted - evictedBefore));
      this.queue.splice(0, sent);
      if (ok) this.stats.delivered += sent;
      else this.stats.dropped += sent;
    }
  }

  private async post(body: string): Promise<boolean> {
    const attempts = this.opts.attempts ?? 6;
    let delay = this.opts.backoffMs ?? 500;
    for (let i = 0; i < attempts; i++) {
      if (i > 0) {
        this.stats.retries++;
        await new Promise((r) => setTimeout(r, delay));
        delay *= 2;
      }
      try {
        const res = await fetch(this.opts.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...this.opts.headers },
          body,
          signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return true;
        // A request the receiver will never accept is not retried.
        if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
          this.opts.onError?.(`webhook ${this.opts.url} refused the alert: HTTP ${res.status}`);
          return false;
        }
      } catch (e) {
        if (i === attempts - 1) this.opts.onError?.(`webhook ${this.opts.url}: ${(e as Error).message}`);
      }
    }
    return false;
  }
}
