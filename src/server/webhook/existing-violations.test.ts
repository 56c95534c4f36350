import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SanctumConfig } from '../../core/config.js';
import { compilePolicy } from '../../policies/policy.js';
import { httpsRequest, type HttpsReply } from '../../testing/https-request.js';
import { makeTlsFiles, type TlsFiles } from '../../testing/tls-files.js';
import { startLoopbackWebhook } from '../../testing/loopback-webhook.js';
import { AdmissionEvaluator, findingSubject } from './admission-evaluator.js';
import type { AdmissionRequest } from './admission-review.js';
import type { WebhookServer } from './server.js';

// On UPDATE, a violation `oldObject` already had warns instead of denying (allowExistingViolations, Kyverno's default):
// `kubectl rollout restart` of a privileged workload admitted before Sanctum was installed must go through.

type Json = Record<string, any>;
const created = (): Json => JSON.parse(readFileSync(new URL('./testdata/deployment-create.json', import.meta.url), 'utf8'));
const clone = <T>(v: T): T => structuredClone(v);

/** An UPDATE AdmissionReview of the test Deployment (privileged container `vllm`): `before` edits oldObject, `after` the new object. */
function update(
  after: (o: Json) => void,
  before: (o: Json) => void = () => undefined,
  change: (r: Json) => void = () => undefined,
): string {
  const review = created();
  const req = review.request;
  req.uid = 'a3c1e0f2-7d44-4b7a-9e0c-2f5d8c1b6e90';
  req.operation = 'UPDATE';
  req.options = { apiVersion: 'meta.k8s.io/v1', kind: 'UpdateOptions' };
  req.object.metadata.generation = 3;
  req.object.metadata.resourceVersion = '81234';
  const old = clone(req.object);
  before(old);
  const object = clone(req.object);
  after(object);
  req.oldObject = old;
  req.object = object;
  change(req);
  return JSON.stringify(review);
}

const restartedAt = (o: Json) => {
  o.spec.template.metadata ??= {};
  o.spec.template.metadata.annotations = { 'kubectl.kubernetes.io/restartedAt': '2026-12-07T01:00:00Z' };
};
const notPrivileged = (o: Json) => delete o.spec.template.spec.containers[0].securityContext.privileged;
const hostPath = (path: string) => (o: Json) => {
  const spec = o.spec.template.spec;
  spec.volumes = [{ name: 'host', hostPath: { path, type: '' } }];
  spec.containers[0].volumeMounts = [{ name: 'host', mountPath: '/host' }];
};

describe('UPDATE of an object that already broke a rule (allowExistingViolations)', () => {
  let tls: TlsFiles;
  const servers: WebhookServer[] = [];
  let on: WebhookServer;
  let off: WebhookServer;

  const start = async (config: SanctumConfig) => {
    const s = await startLoopbackWebhook(tls, new AdmissionEvaluator({ config }));
    servers.push(s);
    return s;
  };
  const post = (s: WebhookServer, body: string): Promise<HttpsReply> =>
    httpsRequest(`https://127.0.0.1:${s.port}/validate`, tls.cert, 'POST', body);

  beforeAll(async () => {
    tls = await makeTlsFiles();
    on = await start({});
    off = await start({ webhook: { allowExistingViolations: false } });
  }, 60_000);

  afterAll(async () => {
    for (const s of servers) await s.close();
    tls?.remove();
  });

  it('allows a rollout restart of a privileged Deployment, with a warning that the violation pre-existed', async () => {
    const r = await post(on, update(restartedAt));
    const res = r.body.response;
    expect(res.uid).toBe('a3c1e0f2-7d44-4b7a-9e0c-2f5d8c1b6e90');
    expect(res.allowed).toBe(true);
    expect(res.status).toBeUndefined();
    expect(res.warnings[0]).toBe(
      "Sanctum K8S-0003 (critical): Container 'vllm' runs privileged (pre-existing: in the object before this update, so not denied)",
    );
    // Findings that only warned anyway say nothing more.
    expect(res.warnings).toContain(
      "Sanctum K8S-0014 (medium): Container 'vllm' does not set securityContext.allowPrivilegeEscalation: false",
    );
    const audited = JSON.parse(res.auditAnnotations.findings) as Array<Record<string, unknown>>;
    expect(audited).toContainEqual({
      rule: 'K8S-0003',
      severity: 'critical',
      action: 'warn',
      preExisting: true,
      path: '/spec/template/spec/containers/0/securityContext/privileged',
      message: "Container 'vllm' runs privileged",
    });
    const metrics = await httpsRequest(`https://127.0.0.1:${on.port}/metrics`, tls.cert, 'GET');
    expect(metrics.text).toMatch(/sanctum_webhook_existing_violations_total\{rule="K8S-0003",dry_run="false"\} 1\n/);
    expect(metrics.text).toMatch(/sanctum_webhook_decisions_total\{rule="K8S-0003",action="warn",dry_run="false"\} 1\n/);
    expect(metrics.text).not.toMatch(/sanctum_webhook_decisions_total\{rule="K8S-0003",action="deny"/);
  });

  it('denies an UPDATE that adds privileged: true', async () => {
    const r = await post(
      on,
      update(() => undefined, notPrivileged),
    );
    const res = r.body.response;
    expect(res.allowed).toBe(false);
    expect(res.status.code).toBe(403);
    expect(res.status.message).toContain(
      "[K8S-0003 critical] Container 'vllm' runs privileged (/spec/template/spec/containers/0/securityContext/privileged)",
    );
    expect(res.warnings.join('\n')).not.toContain('pre-existing');
  });

  it('keys findings by container name, not list position: a sidecar put first neither excuses nor shifts them', async () => {
    const sidecar = (privileged: boolean) => (o: Json) =>
      o.spec.template.spec.containers.unshift({ name: 'log-shipper', image: 'fluent/fluent-bit:3.1', securityContext: { privileged } });
    // vllm moves from containers/0 to containers/1: still the same violation.
    const quiet = (await post(on, update(sidecar(false)))).body.response;
    expect(quiet.allowed).toBe(true);
    expect(quiet.warnings[0]).toBe(
      "Sanctum K8S-0003 (critical): Container 'vllm' runs privileged (pre-existing: in the object before this update, so not denied)",
    );
    // A new privileged container is a new violation of the same rule.
    const loud = (await post(on, update(sidecar(true)))).body.response;
    expect(loud.allowed).toBe(false);
    expect(loud.status.message).toContain(
      "[K8S-0003 critical] Container 'log-shipper' runs privileged (/spec/template/spec/containers/0/securityContext/privileged)",
    );
    // vllm's own violation is not repeated in the denial.
    expect(loud.status.message).not.toContain("Container 'vllm' runs privileged");
  });

  it('treats a changed value under the same rule and subject as pre-existing; a change that breaks another rule denies', async () => {
    // Another hostPath for the same volume: K8S-0005 on volume 'host' before and after.
    const moved = (await post(on, update(hostPath('/data/models'), hostPath('/var/log')))).body.response;
    expect(moved.allowed).toBe(true);
    expect(moved.warnings).toContain(
      "Sanctum K8S-0005 (high): Volume 'host' mounts the node's /data/models (hostPath) (pre-existing: in the object before this update, so not denied)",
    );
    // The runtime socket is another rule (K8S-0107): new, so denied.
    const socket = (await post(on, update(hostPath('/var/run/docker.sock'), hostPath('/var/log')))).body.response;
    expect(socket.allowed).toBe(false);
    expect(socket.status.message).toContain(
      "[K8S-0107 critical] Volume 'host' mounts the container runtime socket '/var/run/docker.sock' into 'vllm' (/spec/template/spec/volumes/0/hostPath/path)",
    );
  });

  it('runs on oldObject the rules that supersede a denying one: a finding folded away there did not pre-exist', async () => {
    // oldObject's runtime socket is K8S-0107, which folds K8S-0005 on the same volume into itself: oldObject has no
    // K8S-0005 finding, so the new hostPath's K8S-0005 is new (K8S-0107 is not among the new object's findings).
    const res = (await post(on, update(hostPath('/data/models'), hostPath('/var/run/docker.sock')))).body.response;
    expect(res.allowed).toBe(false);
    expect(res.status.message).toContain(
      "[K8S-0005 high] Volume 'host' mounts the node's /data/models (hostPath) (/spec/template/spec/volumes/0/hostPath)",
    );
  });

  it('allowExistingViolations: false denies the rollout restart as before', async () => {
    const res = (await post(off, update(restartedAt))).body.response;
    expect(res.allowed).toBe(false);
    expect(res.status.message).toContain("[K8S-0003 critical] Container 'vllm' runs privileged");
  });

  it('leaves CREATE and dry runs as they were: a CREATE has no oldObject to excuse it', async () => {
    const create = (
      await post(
        on,
        update(
          restartedAt,
          () => undefined,
          (r) => ((r.operation = 'CREATE'), delete r.oldObject),
        ),
      )
    ).body.response;
    expect(create.allowed).toBe(false);
    const dry = (
      await post(
        on,
        update(
          restartedAt,
          () => undefined,
          (r) => (r.dryRun = true),
        ),
      )
    ).body.response;
    expect(dry.allowed).toBe(true);
    const metrics = await httpsRequest(`https://127.0.0.1:${on.port}/metrics`, tls.cert, 'GET');
    expect(metrics.text).toMatch(/sanctum_webhook_existing_violations_total\{rule="K8S-0003",dry_run="true"\} 1\n/);
  });
});

describe('the time budget covers the evaluation of oldObject', () => {
  const request = (operation: 'CREATE' | 'UPDATE'): AdmissionRequest => {
    const req = JSON.parse(update(restartedAt)).request as AdmissionRequest;
    return operation === 'UPDATE' ? req : { ...req, operation, oldObject: undefined };
  };
  // The clock reads 0 when the request is taken up and after the object's rules, then 5 s: after oldObject's rules.
  const clock = () => {
    const times = [0, 0];
    return () => times.shift() ?? 5000;
  };

  it('keeps the denial when the second evaluation ends past the budget: it can only relax the answer', () => {
    for (const failurePolicy of ['Fail', 'Ignore'] as const) {
      const evaluator = new AdmissionEvaluator({ config: { webhook: { timeoutMs: 3000, failurePolicy } }, now: clock() });
      const d = evaluator.evaluate(request('UPDATE'), 'validate', 0);
      expect(d.outcome).toBe('denied');
      expect(d.response.allowed).toBe(false);
      expect(d.findings.some((f) => f.preExisting)).toBe(false);
    }
    // Within the budget the same update is allowed (the violation pre-existed).
    const within = new AdmissionEvaluator().evaluate(request('UPDATE'), 'validate');
    expect(within.outcome).not.toBe('failure-policy');
    expect(within.response.allowed).toBe(true);
  });
});

describe('rules a denying rule supersedes', () => {
  it('run on oldObject too: a suppression there of a rule folded into the denying one silenced it, so it did not pre-exist', () => {
    // oldObject mounts the runtime socket with `sanctum.dev/ignore: K8S-0005`: K8S-0005 folds into K8S-0107 on the
    // same volume and the suppression answers to the folded rule, so a full scan of oldObject has no K8S-0107. The
    // update drops the annotation (and restarts): its K8S-0107 is new and denies.
    const sock = (o: Json) => (hostPath('/var/run/docker.sock')(o), notPrivileged(o));
    const ignored = (o: Json) => (o.metadata.annotations = { ...o.metadata.annotations, 'sanctum.dev/ignore': 'K8S-0005' });
    const req = JSON.parse(
      update(
        (o) => (sock(o), restartedAt(o)),
        (o) => (sock(o), ignored(o)),
      ),
    ).request as AdmissionRequest;
    // The request's user may suppress with the annotation (webhook.annotationSuppression).
    const d = new AdmissionEvaluator({ config: { webhook: { annotationSuppression: { users: ['kubernetes-admin'] } } } }).evaluate(
      req,
      'validate',
    );
    const socket = d.findings.filter((f) => f.finding.ruleId === 'K8S-0107');
    expect(socket.map((f) => [f.finding.severity, f.finding.location.objectPath, f.action, f.preExisting])).toEqual([
      ['critical', '/spec/template/spec/volumes/0/hostPath/path', 'deny', undefined],
    ]);
    expect(d.response.allowed).toBe(false);
  });
});

describe('findings of the engine itself', () => {
  it('are excused as pre-existing when oldObject had them: every rule runs on it, as the hygiene follows their findings', () => {
    // A suppression without a reason (SAN-0001, low) is reported once a finding it suppresses is found: it denies here.
    const unreasoned = (o: Json) => (o.metadata.annotations = { 'sanctum.dev/ignore': 'K8S-0003' });
    const req = JSON.parse(update((o) => (restartedAt(o), unreasoned(o)), unreasoned)).request as AdmissionRequest;
    const evaluator = new AdmissionEvaluator({
      config: { webhook: { actions: { low: 'deny' }, annotationSuppression: { users: ['kubernetes-admin'] } } },
    });
    const d = evaluator.evaluate(req, 'validate');
    const hygiene = d.findings.filter((f) => f.finding.ruleId === 'SAN-0001');
    expect(hygiene.map((f) => [f.action, f.preExisting])).toEqual([['warn', true]]);
    expect(d.response.allowed).toBe(true);
  });
});

describe('custom policies that judge the request', () => {
  it('are never excused: a change freeze on request.operation denies an UPDATE though the old object fails it too', () => {
    const freeze = compilePolicy('freeze', 'test', {
      severity: 'critical',
      validations: [{ expression: "request.operation != 'UPDATE'", message: 'changes are frozen' }],
    });
    const req = JSON.parse(update(restartedAt)).request as AdmissionRequest;
    const d = new AdmissionEvaluator({ policies: [freeze] }).evaluate(req, 'validate');
    expect(d.response.allowed).toBe(false);
    expect(d.findings.filter((f) => f.finding.ruleId === 'policy:freeze').map((f) => [f.action, f.preExisting ?? false])).toEqual([
      ['deny', false],
    ]);
    // The built-in rule's pre-existing violation is still excused.
    expect(d.findings.some((f) => f.finding.ruleId === 'K8S-0003' && f.preExisting)).toBe(true);
  });
});

describe('findingSubject', () => {
  const pod = {
    spec: {
      containers: [{ name: 'vllm', securityContext: { privileged: true } }, { image: 'unnamed' }],
      volumes: [{ name: 'a/b', hostPath: { path: '/' } }],
      securityContext: {},
    },
  };

  it('names the deepest named list item, whatever setting under it the finding points at', () => {
    expect(findingSubject(pod, '/spec/containers/0')).toBe('"spec"/"containers"/["vllm"]');
    expect(findingSubject(pod, '/spec/containers/0/securityContext/privileged')).toBe('"spec"/"containers"/["vllm"]');
    expect(findingSubject(pod, '/spec/volumes/0/hostPath/path')).toBe('"spec"/"volumes"/["a/b"]');
  });

  it('is the whole object for a finding with no named item on its path', () => {
    expect(findingSubject(pod, '/spec/securityContext')).toBe('');
    expect(findingSubject(pod, '/spec/containers/1/image')).toBe('');
    expect(findingSubject(pod, undefined)).toBe('');
  });
});
