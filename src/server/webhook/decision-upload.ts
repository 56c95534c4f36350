import { createHash } from 'node:crypto';
import type { ScanError, ScanResult } from '../../core/types.js';
import { WebhookDelivery, type DeliveryStats } from '../../runtime/delivery.js';
import { runsEndpoint } from '../../store/upload.js';
import { VERSION } from '../../version.js';
import { objectFilePath, type Decision, type Endpoint } from './admission-evaluator.js';
import type { AdmissionRequest } from './admission-review.js';

export interface DecisionUploadOptions {
  /** The `sanctum serve` to send decisions to (its URL or its `/api/v1/runs`). */
  url: string;
  token?: string;
  /** Name the decisions are stored under (a target of kind `admission`), e.g. the cluster's. */
  target: string;
  /** Most decisions waiting (default 10,000): past it the oldest are dropped and counted. */
  maxQueue?: number;
  /** Most decisions per upload (default 500). */
  batchSize?: number;
  /** How long a decision waits for others to go with it (default 1000 ms). */
  lingerMs?: number;
  attempts?: number;
  backoffMs?: number;
  onError?(message: string): void;
}

/** What of one decision is kept until it is sent: small, with no reference to the request's object. */
interface DecisionRecord {
  at: number;
  endpoint: Endpoint;
  uid: string;
  user?: string;
  operation: string;
  path: string;
  outcome: Decision['outcome'];
  dryRun: boolean;
  failure?: string;
  findings: Decision['findings'];
}

/** A decision is worth storing when it found something, changed the object, or could not be made. */
function worthStoring(endpoint: Endpoint, d: Decision): boolean {
  if (d.outcome === 'failure-policy') return true;
  // The mutating call sees the same findings as the validating one: it adds only the patches it made.
  if (endpoint === 'mutate') return d.outcome === 'patched';
  return d.findings.length > 0;
}

/**
 * A batch of decisions as one run of the admission target: each finding of a decision becomes an
 * alert of that request (`location.event`: the request's uid, its time and who asked; `admission`: what
 * was done, with `preExisting` when an UPDATE's denial was excused as the old object had it), and a request
 * the failure policy answered is an error of the run.
 */
export function decisionsResult(batch: readonly DecisionRecord[], target: string): ScanResult {
  const findings: ScanResult['findings'] = [];
  const errors: ScanError[] = [];
  for (const d of batch) {
    const time = new Date(d.at).toISOString();
    if (d.failure) errors.push({ path: d.path, message: `${d.endpoint}: answered by the failure policy: ${d.failure}` });
    for (const { finding: f, action, preExisting } of d.findings) {
      findings.push({
        ...f,
        fingerprint: 'sha256:' + createHash('sha256').update(`${d.uid}\0${d.endpoint}\0${f.fingerprint}`).digest('hex'),
        location: { ...f.location, event: { auditID: d.uid, time, user: d.user ?? '', sourceIPs: [], source: 'admission' } },
        // A denial excused because oldObject had it too (allowExistingViolations) says so: `warn` alone would not tell why.
        admission: {
          endpoint: d.endpoint,
          operation: d.operation,
          action,
          ...(preExisting ? { preExisting } : {}),
          outcome: d.outcome,
          dryRun: d.dryRun,
        },
      } as ScanResult['findings'][number]);
    }
  }
  return {
    schemaVersion: 1,
    tool: { name: 'sanctum', version: VERSION },
    targets: [target],
    findings,
    errors,
    stats: { files: 0, resources: batch.length, durationMs: 0, rules: 0 },
  };
}

/**
 * Sends the webhook's decisions to the store, off the request path: `record` only queues a small
 * record; batches are built and POSTed later (retried, bounded queue, drops counted).
 */
export class DecisionUpload {
  private readonly delivery: WebhookDelivery<DecisionRecord>;

  constructor(opts: DecisionUploadOptions) {
    const url = runsEndpoint(opts.url);
    url.searchParams.set('kind', 'admission');
    url.searchParams.set('target', opts.target);
    this.delivery = new WebhookDelivery<DecisionRecord>({
      url: url.toString(),
      headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
      encode: (batch) => JSON.stringify(decisionsResult(batch, opts.target)),
      maxQueue: opts.maxQueue ?? 10_000,
      batchSize: opts.batchSize ?? 500,
      lingerMs: opts.lingerMs ?? 1000,
      attempts: opts.attempts,
      backoffMs: opts.backoffMs,
      timeoutMs: 30_000,
      onError: opts.onError,
    });
  }

  /** Decisions (not findings) sent, dropped, and retries. */
  get stats(): Readonly<DeliveryStats> {
    return this.delivery.stats;
  }

  get pending(): number {
    return this.delivery.pending;
  }

  record(endpoint: Endpoint, req: AdmissionRequest, decision: Decision): void {
    if (!worthStoring(endpoint, decision)) return;
    const object = req.object;
    this.delivery.send({
      at: Date.now(),
      endpoint,
      uid: req.uid,
      user: req.userInfo?.username,
      operation: req.operation,
      path:
        object !== null && typeof object === 'object' && !Array.isArray(object)
          ? objectFilePath(object as Record<string, unknown>)
          : `admission/${req.namespace || '_cluster'}/${req.kind.kind}/${req.name || '_unnamed'}`,
      outcome: decision.outcome,
      dryRun: decision.dryRun,
      failure: decision.failure,
      findings: decision.findings,
    });
  }

  /** Sends what is queued (at shutdown); what cannot be sent in `timeoutMs` is counted as dropped. */
  flush(timeoutMs?: number): Promise<void> {
    return this.delivery.flush(timeoutMs);
  }
}
