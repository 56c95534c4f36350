import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compilePolicy } from '../../policies/policy.js';
import { httpsRequest } from '../../testing/https-request.js';
import { makeTlsFiles, type TlsFiles } from '../../testing/tls-files.js';
import { startLoopbackWebhook } from '../../testing/loopback-webhook.js';
import { AdmissionEvaluator } from './admission-evaluator.js';
import type { WebhookServer } from './server.js';

/**
 * Authorizer checks of custom policies cannot be decided by the webhook (it does not read the
 * cluster's RBAC): they are skipped visibly, never silently.
 */

const review = (change: (request: Record<string, any>) => void = () => undefined): string => {
  const r = JSON.parse(readFileSync(new URL('./testdata/deployment-create.json', import.meta.url), 'utf8'));
  change(r.request);
  return JSON.stringify(r);
};

const SECRETS_CHECK =
  "!authorizer.serviceAccount(object.metadata.namespace, 'default').group('').resource('secrets').namespace(object.metadata.namespace).check('get').allowed()";

const policies = [
  compilePolicy('sa-cannot-read-secrets', 'test', {
    severity: 'high',
    validations: [{ expression: SECRETS_CHECK, message: 'the default service account can read Secrets' }],
  }),
  // Decided without the authorizer: CEL's || does not need its right side once the left is true.
  compilePolicy('dry-runs-or-owner', 'test', {
    severity: 'high',
    validations: [{ expression: "object.metadata.namespace == 'llm' || authorizer.requestResource.check('create').allowed()" }],
  }),
  compilePolicy('labelled', 'test', {
    severity: 'medium',
    validations: [{ expression: "has(object.metadata.labels) && 'app' in object.metadata.labels", message: 'no app label' }],
  }),
];

describe('authorizer checks at admission, over TLS', () => {
  let tls: TlsFiles;
  let server: WebhookServer;
  const logLines: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    tls = await makeTlsFiles();
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logLines.push(JSON.parse(line));
        done();
      },
    });
    server = await startLoopbackWebhook(tls, new AdmissionEvaluator({ policies }), { logger: pino({ level: 'info' }, sink) });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    tls?.remove();
  });

  const post = (path: string, body: string) => httpsRequest(`https://127.0.0.1:${server.port}${path}`, tls.cert, 'POST', body);

  it('says at startup which policies have checks it cannot decide', () => {
    const line = logLines.find((l) => String(l.msg).startsWith('custom policies with authorizer checks'));
    expect(line).toEqual(
      expect.objectContaining({
        level: 40,
        policies: ['sa-cannot-read-secrets', 'dry-runs-or-owner'],
        msg: expect.stringContaining("the webhook does not read the cluster's RBAC, so those checks are not evaluated"),
      }),
    );
  });

  it('answers a request with an admission warning and an audit annotation for the skipped check, and counts it', async () => {
    const r = await post('/validate', review());
    expect(r.status).toBe(200);
    const res = r.body.response;
    expect(res.uid).toBe('0df28fbd-5f5f-11e8-bc74-36e6bb280816');
    const skipped = (res.warnings as string[]).filter((w) => w.includes('authorizer check was not evaluated'));
    expect(skipped).toEqual([
      expect.stringMatching(
        /^Sanctum policy:sa-cannot-read-secrets: an authorizer check was not evaluated \(the webhook does not read the cluster's RBAC\), so it neither allowed nor denied: !authorizer\.serviceAccount/,
      ),
    ]);
    expect(skipped[0].length).toBeLessThanOrEqual(256);
    expect(JSON.parse(res.auditAnnotations['policy-checks-not-evaluated'])).toEqual([
      { policy: 'sa-cannot-read-secrets', expression: SECRETS_CHECK },
    ]);
    // The skipped check is no finding: neither a denial nor a pass.
    expect(res.status?.message ?? '').not.toContain('sa-cannot-read-secrets');
    const metrics = (await httpsRequest(`https://127.0.0.1:${server.port}/metrics`, tls.cert, 'GET')).text;
    expect(metrics).toMatch(/^sanctum_webhook_policy_checks_not_evaluated_total\{policy="sa-cannot-read-secrets"\} 1$/m);
    expect(metrics).not.toMatch(/policy_checks_not_evaluated_total\{policy="dry-runs-or-owner"\}/);
  });

  it('counts on /validate only, and says nothing when the check is decided without the authorizer', async () => {
    const mutated = await post('/mutate', review());
    expect(mutated.status).toBe(200);
    expect((mutated.body.response.warnings ?? []).join('\n')).not.toContain('authorizer check');
    expect(mutated.body.response.auditAnnotations).toBeUndefined();

    const elsewhere = await post(
      '/validate',
      review((req) => {
        req.namespace = 'batch';
        req.object.metadata.namespace = 'batch';
      }),
    );
    const warnings = (elsewhere.body.response.warnings ?? []) as string[];
    // In another namespace the right side of || runs: that check is skipped too, and said.
    expect(warnings.filter((w) => w.includes('authorizer check was not evaluated')).map((w) => w.split(':')[1])).toEqual([
      'sa-cannot-read-secrets',
      'dry-runs-or-owner',
    ]);
    const metrics = (await httpsRequest(`https://127.0.0.1:${server.port}/metrics`, tls.cert, 'GET')).text;
    expect(metrics).toMatch(/^sanctum_webhook_policy_checks_not_evaluated_total\{policy="sa-cannot-read-secrets"\} 2$/m);
    expect(metrics).toMatch(/^sanctum_webhook_policy_checks_not_evaluated_total\{policy="dry-runs-or-owner"\} 1$/m);
  });
});
