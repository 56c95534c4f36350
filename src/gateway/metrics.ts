import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DeliveryStats } from '../runtime/delivery.js';

type LabelValue = string | number;

/** One label set of a counter: what was counted since the counter was last read. */
interface Cell {
  readonly labels: Record<string, LabelValue>;
  pending: number;
  /** In the counter already (it may hold a zero). */
  added: boolean;
  /** Counted a fraction once: from then on each increment goes to the counter at once, in order. */
  direct: boolean;
}

/**
 * Increments of a counter, counted in a cell per label set that a request reaches through one map per
 * label (no label object, no hash string: prom-client builds both on every `inc`) and added to the
 * counter whenever it is read. Cells are added in the order they were first counted, so the counter
 * lists its label sets in the same order as if each increment had gone to it at once; whole numbers
 * add up to the same total in any grouping. A label set that counts a fraction (a token count no
 * upstream sends) goes to the counter at once from then on, so that its additions happen in the same order.
 */
class CounterCells<L extends string> {
  private readonly root = new Map<LabelValue, unknown>();
  private readonly order: Cell[] = [];
  private counter?: Counter<L>;

  constructor(private readonly names: readonly L[]) {}

  attach(counter: Counter<L>): void {
    this.counter = counter;
  }

  /** Counts `n` for the label values `a`, `b`, `c`, `d` (as many as the counter has labels, in its order). */
  add(n: number, a: LabelValue, b?: LabelValue, c?: LabelValue, d?: LabelValue): void {
    const last = this.names.length - 1;
    let map = this.root;
    for (let i = 0; i < last; i++) {
      const v = (i === 0 ? a : i === 1 ? b : c) as LabelValue;
      let next = map.get(v) as Map<LabelValue, unknown> | undefined;
      if (!next) map.set(v, (next = new Map()));
      map = next;
    }
    const v = (last === 0 ? a : last === 1 ? b : last === 2 ? c : d) as LabelValue;
    let cell = map.get(v) as Cell | undefined;
    if (!cell) {
      const values = [a, b, c, d];
      const labels: Record<string, LabelValue> = {};
      this.names.forEach((name, i) => (labels[name] = values[i] as LabelValue));
      cell = { labels, pending: 0, added: false, direct: false };
      map.set(v, cell);
      this.order.push(cell);
    }
    if (!cell.direct && Number.isInteger(n)) {
      cell.pending += n;
      return;
    }
    // Earlier label sets go in first (this one with them, at zero), so that the order stays.
    if (!cell.added) this.flush();
    cell.direct = true;
    this.counter!.inc(cell.labels as Partial<Record<L, LabelValue>>, n);
  }

  /** Adds what was counted to the counter. */
  flush(): void {
    for (const cell of this.order)
      if (cell.pending !== 0 || !cell.added) {
        this.counter!.inc(cell.labels as Partial<Record<L, LabelValue>>, cell.pending);
        cell.pending = 0;
        cell.added = true;
      }
  }
}

/** A counter that takes its increments through `CounterCells` (read: the cells' counts are added first). */
function cellCounter<L extends string>(config: {
  name: string;
  help: string;
  labelNames: L[];
  registers: Registry[];
}): { counter: Counter<L>; cells: CounterCells<L> } {
  const cells = new CounterCells<L>(config.labelNames);
  const counter = new Counter<L>({ ...config, collect: () => cells.flush() });
  cells.attach(counter);
  return { counter, cells };
}

/** Prometheus metrics of one gateway (its own registry: several gateways in one process do not mix). */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'endpoint' | 'key' | 'model' | 'status'>;
  readonly duration: Histogram<'endpoint'>;
  readonly overhead: Histogram<'endpoint'>;
  readonly tokens: Counter<'key' | 'model' | 'kind'>;
  readonly refusals: Counter<'reason'>;
  readonly guardrails: Counter<'guardrail' | 'action'>;
  private readonly requestCells: CounterCells<'endpoint' | 'key' | 'model' | 'status'>;
  private readonly tokenCells: CounterCells<'key' | 'model' | 'kind'>;
  private readonly refusalCells: CounterCells<'reason'>;
  private readonly guardrailCells: CounterCells<'guardrail' | 'action'>;
  /** The histograms' label object of each endpoint, made once. */
  private readonly endpointLabels = new Map<string, { endpoint: string }>();

  constructor() {
    const registers = [this.registry];
    ({ counter: this.requests, cells: this.requestCells } = cellCounter({
      name: 'sanctum_gateway_requests_total',
      help: 'Requests answered, by endpoint, key name, model and HTTP status (499: the client went away)',
      labelNames: ['endpoint', 'key', 'model', 'status'],
      registers,
    }));
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
    ({ counter: this.tokens, cells: this.tokenCells } = cellCounter({
      name: 'sanctum_gateway_tokens_total',
      help: 'Tokens by key name, model and kind (prompt, completion), as the upstream reported or the gateway estimated them',
      labelNames: ['key', 'model', 'kind'],
      registers,
    }));
    ({ counter: this.refusals, cells: this.refusalCells } = cellCounter({
      name: 'sanctum_gateway_refusals_total',
      help: 'Requests refused by the gateway, by reason (error code)',
      labelNames: ['reason'],
      registers,
    }));
    ({ counter: this.guardrails, cells: this.guardrailCells } = cellCounter({
      name: 'sanctum_gateway_guardrail_decisions_total',
      help: 'Guardrail decisions by guardrail and action',
      labelNames: ['guardrail', 'action'],
      registers,
    }));
    collectDefaultMetrics({ register: this.registry, prefix: 'sanctum_gateway_' });
  }

  /** One request answered: its count, duration and overhead (`upstreamMs` undefined: it never reached the upstream). */
  request(endpoint: string, key: string, model: string, status: number, latencyMs: number, upstreamMs: number | undefined): void {
    this.requestCells.add(1, endpoint, key, model, status);
    let labels = this.endpointLabels.get(endpoint);
    if (!labels) this.endpointLabels.set(endpoint, (labels = { endpoint }));
    this.duration.observe(labels, latencyMs / 1000);
    if (upstreamMs !== undefined) this.overhead.observe(labels, Math.max(0, latencyMs - upstreamMs) / 1000);
  }

  refusal(reason: string): void {
    this.refusalCells.add(1, reason);
  }

  tokensSpent(key: string, model: string, prompt: number, completion: number): void {
    this.tokenCells.add(prompt, key, model, 'prompt');
    this.tokenCells.add(completion, key, model, 'completion');
  }

  guardrailDecision(guardrail: string, action: string): void {
    this.guardrailCells.add(1, guardrail, action);
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
