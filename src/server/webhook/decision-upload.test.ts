import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type RunningServer } from '../dashboard/start.js';
import { getRun, listAlerts, listRuns, listTargets } from '../../store/queries.js';
import { createToken } from '../../store/tokens.js';
import { AdmissionEvaluator } from './admission-evaluator.js';
import { readAdmissionReview, type AdmissionRequest } from './admission-review.js';
import { DecisionUpload } from './decision-upload.js';

const request = (name: string, change: (r: Record<string, any>) => void = () => undefined): AdmissionRequest => {
  const review = JSON.parse(readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8')) as Record<string, any>;
  change(review.request);
  return readAdmissionReview(review);
};

describe('DecisionUpload: admission decisions into the store', () => {
  let dir: string;
  let server: RunningServer;
  let token: string;
  const evaluator = new AdmissionEvaluator({});
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sanctum-decisions-'));
    server = await startDashboard({ db: `sqlite:${join(dir, 'store.db')}`, host: '127.0.0.1', port: 0, webRoot: join(dir, 'no-web') });
    token = (await createToken(server.store, 'webhook', 'write')).token;
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends decisions in batches as runs of an admission target; each finding is an alert of its request', async () => {
    const upload = new DecisionUpload({ url: server.url, token, target: 'prod (admission)', lingerMs: 20 });
    const denied = request('deployment-create.json');
    const decision = evaluator.evaluate(denied, 'validate');
    expect(decision.outcome).toBe('denied');
    upload.record('validate', denied, decision);
    // The same request on /mutate adds nothing unless it patched the object; a clean object adds nothing.
    upload.record('mutate', denied, { ...decision, outcome: 'allowed' });
    const clean = request('pod-create-restricted.json');
    upload.record('validate', clean, evaluator.evaluate(clean, 'validate'));
    expect(upload.pending).toBe(1);
    await upload.flush(10_000);
    expect(upload.stats).toEqual({ delivered: 1, dropped: 0, retries: 0 });

    const target = (await listTargets(server.store)).find((t) => t.name === 'prod (admission)')!;
    expect(target.kind).toBe('admission');
    const { alerts } = await listAlerts(server.store, { kind: 'admission' });
    expect(alerts).toHaveLength(decision.findings.length);
    const privileged = alerts.find((a) => a.ruleId === 'K8S-0003')!;
    expect(privileged).toMatchObject({
      kind: 'admission',
      target: 'prod (admission)',
      user: 'kubernetes-admin',
      namespace: 'llm',
      resource: { kind: 'Deployment', name: 'vllm' },
      source: 'admission',
      action: 'deny',
    });
    expect(alerts.filter((a) => a.action === 'warn').length).toBeGreaterThan(0);
    // Runtime alerts are another kind.
    expect((await listAlerts(server.store, { kind: 'runtime' })).alerts).toEqual([]);

    // The same request again is another event: its findings are stored again, not merged into the first.
    upload.record('validate', { ...denied, uid: 'second-request' }, decision);
    await upload.flush(10_000);
    expect((await listAlerts(server.store, { kind: 'admission' })).alerts).toHaveLength(2 * decision.findings.length);
  });

  it("records that an UPDATE's denial was excused because the old object had it (allowExistingViolations)", async () => {
    const upload = new DecisionUpload({ url: server.url, token, target: 'restarts', lingerMs: 0 });
    // kubectl rollout restart of the privileged Deployment: its violations were all there before.
    const restart = request('deployment-create.json', (r) => {
      r.operation = 'UPDATE';
      r.oldObject = structuredClone(r.object);
      r.object.spec.template.metadata.annotations = { 'kubectl.kubernetes.io/restartedAt': '2026-12-07T03:00:00Z' };
    });
    const decision = evaluator.evaluate(restart, 'validate');
    expect(decision.outcome).toBe('allowed');
    upload.record('validate', restart, decision);
    await upload.flush(10_000);
    const target = (await listTargets(server.store)).find((t) => t.name === 'restarts')!;
    const { alerts } = await listAlerts(server.store, { targetId: target.id });
    expect(alerts.find((a) => a.ruleId === 'K8S-0003')).toMatchObject({ action: 'warn', preExisting: true });
    // A finding that only warns anyway is not marked.
    const medium = alerts.find((a) => a.ruleId === 'K8S-0014')!;
    expect(medium.action).toBe('warn');
    expect(medium.preExisting).toBeUndefined();
  });

  it('stores a request the failure policy answered as an error of the run', async () => {
    const upload = new DecisionUpload({ url: server.url, token, target: 'failures', lingerMs: 0 });
    const slow = new AdmissionEvaluator({
      config: { webhook: { timeoutMs: 1 } },
      now: (() => {
        let t = 0;
        return () => (t += 10);
      })(),
    });
    const req = request('deployment-create.json');
    const decision = slow.evaluate(req, 'validate');
    expect(decision.outcome).toBe('failure-policy');
    upload.record('validate', req, decision);
    await upload.flush(10_000);
    const run = (await listRuns(server.store)).find((r) => r.target === 'failures')!;
    expect((await getRun(server.store, run.id))!.errorList).toEqual([
      {
        path: 'admission/llm/Deployment/vllm.json',
        message: expect.stringMatching(/^validate: answered by the failure policy: /),
        line: null,
      },
    ]);
  });

  it('keeps a bounded queue and counts what it drops when the store cannot be reached', async () => {
    const errors: string[] = [];
    const upload = new DecisionUpload({
      url: 'http://127.0.0.1:9/',
      target: 'nowhere',
      maxQueue: 2,
      lingerMs: 60_000,
      attempts: 1,
      onError: (m) => errors.push(m),
    });
    const req = request('deployment-create.json');
    const decision = evaluator.evaluate(req, 'validate');
    for (let i = 0; i < 5; i++) upload.record('validate', { ...req, uid: `r${i}` }, decision);
    expect(upload.pending).toBe(2);
    expect(upload.stats.dropped).toBe(3);
    await upload.flush(10_000);
    expect(upload.stats).toMatchObject({ delivered: 0, dropped: 5 });
    expect(errors.join('\n')).toMatch(/127\.0\.0\.1:9/);
    expect(errors.join('\n')).not.toMatch(/Bearer/);
  });
});
