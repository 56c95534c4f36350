import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Decision, Endpoint } from './admission-evaluator.js';

/** Prometheus metrics of one webhook server (its own registry: several servers in one process do not mix). */
export class WebhookMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'endpoint' | 'outcome'>;
  private readonly latency: Histogram<'endpoint'>;
  private readonly decisions: Counter<'rule' | 'action' | 'dry_run'>;
  private readonly failures: Counter<'endpoint'>;
  private readonly notEvaluated: Counter<'policy'>;
  private readonly preExisting: Counter<'rule' | 'dry_run'>;

  constructor() {
    this.requests = new Counter({
      name: 'sanctum_webhook_requests_total',
      help: 'Admission requests answered, by endpoint and outcome (allowed, denied, patched, exempt, skipped, failure-policy, bad-request)',
      labelNames: ['endpoint', 'outcome'],
      registers: [this.registry],
    });
    this.latency = new Histogram({
      name: 'sanctum_webhook_request_duration_seconds',
      help: 'Time from receiving an admission request to answering it',
      labelNames: ['endpoint'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    this.decisions = new Counter({
      name: 'sanctum_webhook_decisions_total',
      help: 'Findings on admitted objects by rule and the action taken (deny, warn, audit); dry_run="true" for dry-run requests',
      labelNames: ['rule', 'action', 'dry_run'],
      registers: [this.registry],
    });
    this.failures = new Counter({
      name: 'sanctum_webhook_failure_policy_total',
      help: 'Requests answered by the failure policy (no decision in time, or the check failed)',
      labelNames: ['endpoint'],
      registers: [this.registry],
    });
    this.notEvaluated = new Counter({
      name: 'sanctum_webhook_policy_checks_not_evaluated_total',
      help: "Validations of custom policies the webhook could not decide, by policy: authorizer checks, since it does not read the cluster's RBAC (they neither allow nor deny)",
      labelNames: ['policy'],
      registers: [this.registry],
    });
    this.preExisting = new Counter({
      name: 'sanctum_webhook_existing_violations_total',
      help: 'Findings of UPDATEs that would deny but were already in oldObject (allowExistingViolations): allowed with a warning, by rule; they are also in sanctum_webhook_decisions_total with action="warn"',
      labelNames: ['rule', 'dry_run'],
      registers: [this.registry],
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'sanctum_webhook_' });
  }

  observe(endpoint: Endpoint, decision: Decision, seconds: number): void {
    this.requests.inc({ endpoint, outcome: decision.outcome });
    this.latency.observe({ endpoint }, seconds);
    if (decision.outcome === 'failure-policy') this.failures.inc({ endpoint });
    // The mutating and validating calls see the same findings: decisions are counted once, on /validate.
    if (endpoint !== 'validate') return;
    const dryRun = decision.dryRun ? 'true' : 'false';
    for (const { finding, action, preExisting } of decision.findings) {
      this.decisions.inc({ rule: finding.ruleId, action, dry_run: dryRun });
      if (preExisting) this.preExisting.inc({ rule: finding.ruleId, dry_run: dryRun });
    }
    for (const { policy } of decision.notEvaluated ?? []) this.notEvaluated.inc({ policy });
  }

  /** Decisions sent to the store and dropped on the way (queue full, or every attempt failed), read when scraped. */
  trackUploads(stats: () => Readonly<{ delivered: number; dropped: number }>, pending: () => number): void {
    const counted = { delivered: 0, dropped: 0 };
    new Counter({
      name: 'sanctum_webhook_store_decisions_total',
      help: 'Admission decisions sent to the store (result="delivered") or dropped on the way (result="dropped": queue full or upload failed)',
      labelNames: ['result'],
      registers: [this.registry],
      collect() {
        const now = stats();
        for (const result of ['delivered', 'dropped'] as const) {
          this.inc({ result }, Math.max(0, now[result] - counted[result]));
          counted[result] = Math.max(counted[result], now[result]);
        }
      },
    });
    new Gauge({
      name: 'sanctum_webhook_store_queue',
      help: 'Admission decisions waiting to be sent to the store',
      registers: [this.registry],
      collect() {
        this.set(pending());
      },
    });
  }

  badRequest(endpoint: string, seconds: number): void {
    this.requests.inc({ endpoint, outcome: 'bad-request' });
    if (endpoint === 'validate' || endpoint === 'mutate') this.latency.observe({ endpoint }, seconds);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
