import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DeliveryStats } from '../runtime/delivery.js';

/** Prometheus metrics of one gateway (its own registry: several gateways in one process do not mix). */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'endpoint' | 'key' | 'model' | 'status'>;
  readonly duration: Histogram<'endpoint'>;
  readonly overhead: Histogram<'endpoint'>;
  readonly tokens: Counter<'key' | 'model' | 'kind'>;
  readonly refusals: Counter<'reason'>;
  readonly guardrails: Counter<'guardrail' | 'action'>;

  constructor() {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'sanctum_gateway_requests_total',
      help: 'Requests answered, by endpoint, key name, model and HTTP status (499: the client went away)',
      labelNames: ['endpoint', 'key', 'model', 'status'],
      registers,
    });
    this.duration = new Histogram({
      name: 'sanctum_gateway_request_duration_seconds',
      help: 'Time from receiving a request to the end of its response, upstream included',
      labelNames: ['endpoint'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    });
    this.overhead = new Histogram({
      name: 'sanctum_gateway_overhead_seconds',
      help: 'Time the gateway added: the whole request less the time waiting for the upstream',
      labelNames: ['endpoint'],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1],
      registers,
    });
    this.tokens = new Counter({
      name: 'sanctum_gateway_tokens_total',
      help: 'Tokens by key name, model and kind (prompt, completion), as the upstream reported or the gateway estimated them',
      labelNames: ['key', 'model', 'kind'],
      registers,
    });
    this.refusals = new Counter({
      name: 'sanctum_gateway_refusals_total',
      help: 'Requests refused by the gateway, by reason (error code)',
      labelNames: ['reason'],
      registers,
    });
    this.guardrails = new Counter({
      name: 'sanctum_gateway_guardrail_decisions_total',
      help: 'Guardrail decisions by guardrail and action',
      labelNames: ['guardrail', 'action'],
      registers,
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'sanctum_gateway_' });
  }

  /** Exposes the delivery of request records to the store (`audit.store`). */
  watchStoreDelivery(delivery: { readonly stats: DeliveryStats; readonly pending: number }): void {
    const registers = [this.registry];
    new Gauge({
      name: 'sanctum_gateway_audit_store_records',
      help: 'Request records for the store: delivered, dropped (queue full or every attempt failed) and waiting',
      labelNames: ['state'],
      registers,
      collect() {
        this.set({ state: 'delivered' }, delivery.stats.delivered);
        this.set({ state: 'dropped' }, delivery.stats.dropped);
        this.set({ state: 'waiting' }, delivery.pending);
      },
    });
  }
}
