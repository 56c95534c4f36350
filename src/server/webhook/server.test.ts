import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import jsonPatch, { type Operation } from 'fast-json-patch';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SanctumConfig } from '../../core/config.js';
import { httpsRequest, type HttpsReply } from '../../testing/https-request.js';
import { makeTlsFiles, type TlsFiles } from '../../testing/tls-files.js';
import { startLoopbackWebhook } from '../../testing/loopback-webhook.js';
import { compilePolicy, loadPolicies, type Policy } from '../../policies/policy.js';
import { refusedPodSettingsIn } from '../../core/refused-pod-settings.js';
import { AdmissionEvaluator } from './admission-evaluator.js';
import type { WebhookServer } from './server.js';

const testdata = (name: string): Record<string, any> => JSON.parse(readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8'));

function call(
  server: WebhookServer,
  ca: string,
  method: string,
  path: string,
  body?: string | Buffer,
  contentType?: string,
): Promise<HttpsReply> {
  return httpsRequest(`https://127.0.0.1:${server.port}${path}`, ca, method, body, contentType);
}

const review = (name: string, change: (r: Record<string, any>) => void = () => undefined): string => {
  const r = testdata(name);
  change(r.request);
  return JSON.stringify(r);
};

describe('sanctum webhook over TLS', () => {
  let tls: TlsFiles;
  let server: WebhookServer;
  const config: SanctumConfig = {
    webhook: {
      exempt: { namespaces: ['kube-system'], users: ['system:serviceaccount:flux-system:*'], groups: ['platform-admins'] },
      maxRequestBytes: 256 * 1024,
    },
  };
  const post = (path: string, body: string | Buffer, contentType?: string) => call(server, tls.cert, 'POST', path, body, contentType);

  beforeAll(async () => {
    tls = await makeTlsFiles();
    server = await startLoopbackWebhook(tls, new AdmissionEvaluator({ config }), { certificateCheckMs: 50 });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    tls?.remove();
  });

  it('denies a Deployment whose pod template runs privileged, with warnings for medium findings', async () => {
    const r = await post('/validate', review('deployment-create.json'));
    expect(r.status).toBe(200);
    expect(r.body.apiVersion).toBe('admission.k8s.io/v1');
    expect(r.body.kind).toBe('AdmissionReview');
    const res = r.body.response;
    expect(res.uid).toBe('0df28fbd-5f5f-11e8-bc74-36e6bb280816');
    expect(res.allowed).toBe(false);
    expect(res.status.code).toBe(403);
    expect(res.status.message).toContain(
      "[K8S-0003 critical] Container 'vllm' runs privileged (/spec/template/spec/containers/0/securityContext/privileged)",
    );
    expect(res.warnings).toContain(
      "Sanctum K8S-0014 (medium): Container 'vllm' does not set securityContext.allowPrivilegeEscalation: false",
    );
    const audited = JSON.parse(res.auditAnnotations.findings) as Array<{ rule: string; action: string }>;
    expect(audited).toContainEqual(expect.objectContaining({ rule: 'K8S-0101', action: 'audit' }));
    expect(res.patch).toBeUndefined();
  });

  it('allows a hardened Pod without warnings', async () => {
    const r = await post('/validate', review('pod-create-restricted.json'));
    expect(r.body.response).toEqual({ uid: '7b8f1c2e-3a4d-4e5f-9a6b-1c2d3e4f5a6b', allowed: true });
  });

  it("checks the pod templates inside AI operators' resources", async () => {
    const r = await post('/validate', review('inferenceservice-create.json'));
    expect(r.body.response.allowed).toBe(false);
    expect(r.body.response.status.message).toContain('/spec/predictor/containers/0/securityContext/privileged');
  });

  it("answers /mutate with the rules' fixes as a base64 JSON Patch that the rules then accept", async () => {
    const body = review('deployment-create.json');
    const r = await post('/mutate', body);
    const res = r.body.response;
    expect(res.allowed).toBe(true);
    expect(res.patchType).toBe('JSONPatch');
    const patch = JSON.parse(Buffer.from(res.patch, 'base64').toString('utf8')) as Operation[];
    // Not `allowPrivilegeEscalation: false` beside the container's `privileged: true`: the API server rejects the pair.
    expect(patch.map((op) => op.path)).not.toContain('/spec/template/spec/containers/0/securityContext/allowPrivilegeEscalation');
    expect(patch).toContainEqual({
      op: 'add',
      path: '/spec/template/spec/containers/0/securityContext/capabilities',
      value: { drop: ['ALL'] },
    });
    // The patch applies to the object as the API server holds it (managedFields included) and removes those findings.
    const original = JSON.parse(body).request;
    const patched = jsonPatch.applyPatch(jsonPatch.deepClone(original.object), patch, true).newDocument;
    const again = await post(
      '/validate',
      JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { ...original, object: patched } }),
    );
    const warnings: string[] = again.body.response.warnings ?? [];
    expect(warnings.some((w) => w.includes('K8S-0018') || w.includes('K8S-0015'))).toBe(false);
    expect(again.body.response.status.message).toContain('K8S-0003');
  });

  it('holds back fixes that would make the object one the API server rejects or the kubelet cannot start', async () => {
    const body = review('deployment-create.json', (q) => {
      const c = q.object.spec.template.spec.containers[0];
      c.securityContext = { runAsUser: 0 };
    });
    const res = (await post('/mutate', body)).body.response;
    const patch = JSON.parse(Buffer.from(res.patch, 'base64').toString('utf8')) as Operation[];
    const original = JSON.parse(body).request;
    const patched = jsonPatch.applyPatch(jsonPatch.deepClone(original.object), patch, true).newDocument;
    const pod = patched.spec.template.spec;
    // `runAsNonRoot: true` beside `runAsUser: 0`: the kubelet refuses to start the container (CreateContainerConfigError).
    expect(pod.securityContext?.runAsNonRoot).toBeUndefined();
    expect(pod.containers[0].securityContext.runAsNonRoot).toBeUndefined();
    expect(refusedPodSettingsIn(patched)).toEqual([]);
    // The other fixes still apply.
    expect(pod.containers[0].securityContext).toEqual(
      expect.objectContaining({ runAsUser: 0, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } }),
    );
    expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    // The privileged container of the fixture: every fix but allowPrivilegeEscalation.
    const privileged = JSON.parse(review('deployment-create.json')).request;
    const fixed = await post('/mutate', review('deployment-create.json'));
    const applied = jsonPatch.applyPatch(
      jsonPatch.deepClone(privileged.object),
      JSON.parse(Buffer.from(fixed.body.response.patch, 'base64').toString('utf8')) as Operation[],
      true,
    ).newDocument;
    expect(refusedPodSettingsIn(applied)).toEqual([]);
  });

  it('returns no patch when nothing needs fixing', async () => {
    const r = await post('/mutate', review('pod-create-restricted.json'));
    expect(r.body.response).toEqual({ uid: '7b8f1c2e-3a4d-4e5f-9a6b-1c2d3e4f5a6b', allowed: true });
  });

  it('allows exempt namespaces, users and groups unchecked', async () => {
    for (const change of [
      (q: Record<string, any>) => {
        q.namespace = 'kube-system';
        q.object.metadata.namespace = 'kube-system';
      },
      (q: Record<string, any>) =>
        (q.userInfo = { username: 'system:serviceaccount:flux-system:kustomize-controller', groups: ['system:serviceaccounts'] }),
      (q: Record<string, any>) => (q.userInfo = { username: 'alice', groups: ['platform-admins', 'system:authenticated'] }),
    ]) {
      const r = await post('/validate', review('deployment-create.json', change));
      expect(r.body.response).toEqual({ uid: '0df28fbd-5f5f-11e8-bc74-36e6bb280816', allowed: true });
    }
  });

  it('gives a dry-run request the same answer, counted apart', async () => {
    const r = await post(
      '/validate',
      review('deployment-create.json', (q) => (q.dryRun = true)),
    );
    expect(r.body.response.allowed).toBe(false);
    const metrics = await call(server, tls.cert, 'GET', '/metrics');
    expect(metrics.text).toMatch(/sanctum_webhook_decisions_total\{rule="K8S-0003",action="deny",dry_run="true"\} 1/);
  });

  it('allows deletions, status updates and updates of objects being deleted without checking them', async () => {
    const del = await post(
      '/validate',
      review('deployment-create.json', (q) => ((q.operation = 'DELETE'), (q.oldObject = q.object), (q.object = null))),
    );
    expect(del.body.response.allowed).toBe(true);
    const status = await post(
      '/validate',
      review('deployment-create.json', (q) => ((q.operation = 'UPDATE'), (q.subResource = 'status'))),
    );
    expect(status.body.response.allowed).toBe(true);
    // An object being deleted gets its finalizers removed by an UPDATE: denying it would leave the object (and a
    // namespace deleted around it) terminating forever.
    const finalizerRemoved = await post(
      '/validate',
      review('deployment-create.json', (q) => {
        q.operation = 'UPDATE';
        q.userInfo = { username: 'system:serviceaccount:kserve:kserve-controller-manager' };
        q.oldObject = structuredClone(q.object);
        q.oldObject.metadata.finalizers = ['serving.kserve.io/cleanup'];
        q.oldObject.metadata.deletionTimestamp = q.object.metadata.deletionTimestamp = '2026-12-06T23:00:00Z';
      }),
    );
    expect(finalizerRemoved.body.response).toEqual({ uid: '0df28fbd-5f5f-11e8-bc74-36e6bb280816', allowed: true });
    // Only the finalizers (and the API server's bookkeeping) may change unchecked: a spec changed while the object
    // waits for its finalizers is checked (here it makes the container privileged).
    const changedWhileDeleted = await post(
      '/validate',
      review('deployment-create.json', (q) => {
        q.operation = 'UPDATE';
        q.oldObject = structuredClone(q.object);
        q.oldObject.metadata.finalizers = ['example.com/keep'];
        q.oldObject.metadata.resourceVersion = '41';
        q.object.metadata.resourceVersion = '42';
        q.oldObject.metadata.deletionTimestamp = q.object.metadata.deletionTimestamp = '2026-12-06T23:00:00Z';
        delete q.oldObject.spec.template.spec.containers[0].securityContext.privileged;
      }),
    );
    expect(changedWhileDeleted.body.response.allowed).toBe(false);
    // The same update of an object that is not being deleted is checked (here it makes the container privileged).
    const update = await post(
      '/validate',
      review('deployment-create.json', (q) => {
        q.operation = 'UPDATE';
        q.oldObject = structuredClone(q.object);
        delete q.oldObject.spec.template.spec.containers[0].securityContext.privileged;
      }),
    );
    expect(update.body.response.allowed).toBe(false);
  });

  it('answers malformed, wrong-version and oversized bodies with 400/413 and a clear message, and keeps serving', async () => {
    const bad = await post('/validate', '{"apiVersion": "admission.k8s.io/v1", "kind": ');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^the request body is not valid JSON/);

    const v1beta1 = await post(
      '/validate',
      review('deployment-create.json').replace('"admission.k8s.io/v1"', '"admission.k8s.io/v1beta1"'),
    );
    expect(v1beta1.status).toBe(400);
    expect(v1beta1.body.message).toBe(
      'apiVersion "admission.k8s.io/v1beta1" is not served: only admission.k8s.io/v1 (set admissionReviewVersions: ["v1"] in the webhook configuration)',
    );

    const noUid = await post(
      '/validate',
      review('deployment-create.json', (q) => delete q.uid),
    );
    expect(noUid.status).toBe(400);
    expect(noUid.body.message).toMatch(/^invalid AdmissionReview request: request\.uid/);

    const array = await post('/mutate', '[]');
    expect(array.status).toBe(400);
    expect(array.body.message).toBe('the body is not a JSON object (expected an AdmissionReview)');

    const huge = review('deployment-create.json', (q) => (q.object.metadata.annotations.padding = 'x'.repeat(300 * 1024)));
    const tooLarge = await post('/validate', huge);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.message).toBe('the request body is larger than the limit of 256.0 KiB (webhook.maxRequestBytes)');

    const empty = await post('/validate', '');
    expect(empty.status).toBe(400);

    const wrongType = await post('/validate', 'apiVersion: v1', 'application/yaml');
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.message).toBe('content type "application/yaml" is not served: send application/json');

    const after = await post('/validate', review('pod-create-restricted.json'));
    expect(after.body.response.allowed).toBe(true);
    const metrics = await call(server, tls.cert, 'GET', '/metrics');
    expect(metrics.text).toMatch(/sanctum_webhook_requests_total\{endpoint="validate",outcome="bad-request"\} [1-9]/);
  });

  it('serves health, readiness and Prometheus metrics', async () => {
    expect((await call(server, tls.cert, 'GET', '/healthz')).status).toBe(200);
    expect((await call(server, tls.cert, 'GET', '/readyz')).body).toEqual({ status: 'ready' });
    const m = await call(server, tls.cert, 'GET', '/metrics');
    expect(m.status).toBe(200);
    expect(m.text).toMatch(/sanctum_webhook_requests_total\{endpoint="validate",outcome="denied"\} [1-9]/);
    expect(m.text).toMatch(/sanctum_webhook_request_duration_seconds_bucket\{le="0\.01",endpoint="validate"\} [1-9]/);
    expect(m.text).toMatch(/sanctum_webhook_decisions_total\{rule="K8S-0014",action="warn",dry_run="false"\} [1-9]/);
    const notFound = await call(server, tls.cert, 'GET', '/nope');
    expect(notFound.status).toBe(404);
  });

  it('loads a new certificate when the files change, without a restart', async () => {
    const before = await call(server, tls.cert, 'GET', '/healthz');
    expect(before.peerCommonName).toBe('sanctum-webhook-test');
    const next = await tls.rotate();
    const deadline = Date.now() + 20_000;
    let seen: string | undefined;
    while (Date.now() < deadline) {
      try {
        seen = (await call(server, next, 'GET', '/healthz')).peerCommonName;
        if (seen === 'sanctum-webhook-test-1') break;
      } catch {
        // Still the old certificate, which the new CA does not trust.
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(seen).toBe('sanctum-webhook-test-1');
    expect(server.certificateReloads).toBeGreaterThanOrEqual(1);
    tls.cert = next;
  }, 30_000);
});

describe('time budget', () => {
  const deployment = testdata('deployment-create.json').request;
  /** A clock that jumps past the budget once the request has been read. */
  const slowClock = (): (() => number) => {
    let t = 0;
    return () => (t += 10_000);
  };

  it('fails open by default: allowed, with a warning saying why', () => {
    const ev = new AdmissionEvaluator({ config: { webhook: { timeoutMs: 500 } } });
    const slow = new AdmissionEvaluator({ config: { webhook: { timeoutMs: 500 } }, now: slowClock() });
    expect(ev.evaluate(deployment, 'validate').response.allowed).toBe(false);
    const d = slow.evaluate(deployment, 'validate', 0);
    expect(d.outcome).toBe('failure-policy');
    expect(d.response.allowed).toBe(true);
    expect(d.response.warnings?.[0]).toMatch(/^Sanctum could not decide: .*more than 500 ms.*; allowed \(failurePolicy Ignore\)$/);
  });

  it('fails closed with failurePolicy Fail', () => {
    const slow = new AdmissionEvaluator({ config: { webhook: { timeoutMs: 500, failurePolicy: 'Fail' } }, now: slowClock() });
    const d = slow.evaluate(deployment, 'validate', 0);
    expect(d.response.allowed).toBe(false);
    expect(d.response.status).toEqual(expect.objectContaining({ code: 503 }));
    expect(d.response.status?.message).toMatch(/\(failurePolicy Fail\)$/);
  });

  it('applies the configured action of each severity', () => {
    const ev = new AdmissionEvaluator({ config: { webhook: { actions: { critical: 'warn', medium: 'audit' } } } });
    const d = ev.evaluate(deployment, 'validate');
    expect(d.response.allowed).toBe(true);
    expect(d.response.warnings).toEqual(["Sanctum K8S-0003 (critical): Container 'vllm' runs privileged"]);
  });

  it('stops honouring a suppression once it expires, without a restart', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date('2026-03-01T23:59:00Z'));
      const ev = new AdmissionEvaluator({
        config: { ignore: [{ rule: 'K8S-0003', resources: ['Deployment/llm/vllm'], reason: 'GPU driver test', expires: '2026-03-01' }] },
      });
      expect(ev.evaluate(deployment, 'validate').response.allowed).toBe(true);
      vi.setSystemTime(new Date('2026-03-02T00:01:00Z'));
      expect(ev.evaluate(deployment, 'validate').response.allowed).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it("honours suppressions of the configuration, and the object's annotation from a trusted requester", () => {
    const ev = new AdmissionEvaluator({
      config: { ignore: [{ rule: 'K8S-0003', resources: ['Deployment/llm/vllm'], reason: 'GPU driver test' }] },
    });
    expect(ev.evaluate(deployment, 'validate').response.allowed).toBe(true);
    const annotated = structuredClone(deployment);
    annotated.object.metadata.annotations['sanctum.dev/ignore'] = 'K8S-0003: needs the device';
    // The request's user (kubernetes-admin) is trusted with the annotation only when configured.
    expect(new AdmissionEvaluator().evaluate(annotated, 'validate').response.allowed).toBe(false);
    const trusted = new AdmissionEvaluator({ config: { webhook: { annotationSuppression: { groups: ['kubeadm:cluster-admins'] } } } });
    expect(trusted.evaluate(annotated, 'validate').response.allowed).toBe(true);
  });
});

describe('failure policy and dry runs', () => {
  const deployment = testdata('deployment-create.json').request;
  /** A clock that is within the budget when the request is first checked and past it once the rules ran. */
  const lateAfterRules = (): (() => number) => {
    let calls = 0;
    return () => (calls++ === 0 ? 0 : 10_000);
  };
  /** A policy whose check throws, as a rule with a bug would: the engine records it as an error of the scan. */
  const broken: Policy = {
    name: 'broken',
    source: 'test',
    severity: 'high',
    matches: (object) => object.kind === 'Deployment',
    evaluate: () => {
      throw new Error('cannot read the model registry');
    },
  };

  it('answers by the failure policy when the rules run past the budget, open or closed', () => {
    const open = new AdmissionEvaluator({ config: { webhook: { timeoutMs: 500 } }, now: lateAfterRules() });
    const d = open.evaluate(deployment, 'validate', 0);
    expect(d.outcome).toBe('failure-policy');
    expect(d.failure).toBe('the rules and policies took more than 500 ms');
    expect(d.response).toEqual({
      uid: deployment.uid,
      allowed: true,
      warnings: ['Sanctum could not decide: the rules and policies took more than 500 ms; allowed (failurePolicy Ignore)'],
    });
    const closed = new AdmissionEvaluator({ config: { webhook: { timeoutMs: 500, failurePolicy: 'Fail' } }, now: lateAfterRules() });
    const m = closed.evaluate(deployment, 'mutate', 0);
    expect(m.response).toEqual({
      uid: deployment.uid,
      allowed: false,
      status: {
        code: 503,
        reason: 'ServiceUnavailable',
        message: 'Sanctum could not decide: the rules and policies took more than 500 ms (failurePolicy Fail)',
      },
    });
  });

  it('answers by the failure policy when a check fails, and names what failed', () => {
    const open = new AdmissionEvaluator({ policies: [broken] }).evaluate(deployment, 'validate');
    expect(open.outcome).toBe('failure-policy');
    expect(open.response.allowed).toBe(true);
    expect(open.response.warnings?.[0]).toMatch(/^Sanctum could not decide: the check failed: .*cannot read the model registry/);
    const closed = new AdmissionEvaluator({ policies: [broken], config: { webhook: { failurePolicy: 'Fail' } } });
    const d = closed.evaluate({ ...deployment, dryRun: true }, 'mutate');
    expect(d.response.allowed).toBe(false);
    expect(d.response.patch).toBeUndefined();
    expect(d.response.status?.message).toMatch(/cannot read the model registry.*\(failurePolicy Fail\)$/);
    expect(d.dryRun).toBe(true);
  });

  it('patches a dry-run request exactly as the real one', () => {
    const ev = new AdmissionEvaluator();
    const real = ev.evaluate(deployment, 'mutate');
    const dry = ev.evaluate({ ...deployment, dryRun: true }, 'mutate');
    expect(real.outcome).toBe('patched');
    expect(dry.dryRun).toBe(true);
    expect(real.dryRun).toBe(false);
    expect(dry.response).toEqual(real.response);
    expect(dry.findings.map((f) => f.finding.ruleId)).toEqual(real.findings.map((f) => f.finding.ruleId));
  });

  it("shows a policy the request's dryRun", () => {
    const probe = compilePolicy('no-dry-runs', 'test', {
      severity: 'high',
      validations: [{ expression: '!request.dryRun', message: 'dry runs are refused here' }],
    });
    const ev = new AdmissionEvaluator({ policies: [probe], config: { webhook: { actions: { critical: 'audit', high: 'audit' } } } });
    const rules = (d: { findings: Array<{ finding: { ruleId: string } }> }) => d.findings.map((f) => f.finding.ruleId);
    expect(rules(ev.evaluate({ ...deployment, dryRun: true }, 'validate'))).toContain('policy:no-dry-runs');
    expect(rules(ev.evaluate(deployment, 'validate'))).not.toContain('policy:no-dry-runs');
    const { dryRun: _, ...withoutDryRun } = deployment;
    expect(rules(ev.evaluate(withoutDryRun as typeof deployment, 'validate'))).not.toContain('policy:no-dry-runs');
    expect(rules(ev.evaluate({ ...deployment, dryRun: undefined }, 'validate'))).not.toContain('policy:no-dry-runs');
  });
});

describe('failure policy over TLS', () => {
  let tls: TlsFiles;
  let server: WebhookServer;

  beforeAll(async () => {
    tls = await makeTlsFiles();
    server = await startLoopbackWebhook(
      tls,
      // Every request looks as if it had waited a minute before it could be checked.
      new AdmissionEvaluator({ config: { webhook: { timeoutMs: 1000, failurePolicy: 'Fail' } }, now: () => performance.now() + 60_000 }),
    );
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    tls?.remove();
  });

  it('answers HTTP 200 with the failure policy, and counts it', async () => {
    const r = await call(server, tls.cert, 'POST', '/validate', review('pod-create-restricted.json'));
    expect(r.status).toBe(200);
    expect(r.body.response).toEqual({
      uid: '7b8f1c2e-3a4d-4e5f-9a6b-1c2d3e4f5a6b',
      allowed: false,
      status: {
        code: 503,
        reason: 'ServiceUnavailable',
        message: 'Sanctum could not decide: the request waited more than 1000 ms before it could be checked (failurePolicy Fail)',
      },
    });
    const metrics = (await call(server, tls.cert, 'GET', '/metrics')).text;
    expect(metrics).toMatch(/^sanctum_webhook_failure_policy_total\{endpoint="validate"\} 1$/m);
    expect(metrics).toMatch(/^sanctum_webhook_requests_total\{endpoint="validate",outcome="failure-policy"\} 1$/m);
  });
});

describe('custom policies at admission', () => {
  const deployment = testdata('deployment-create.json').request;
  const policies = [
    ...loadPolicies([fileURLToPath(new URL('../../../examples/policies', import.meta.url))]),
    compilePolicy('ci-deploys-only', 'test', {
      severity: 'high',
      match: { namespaces: ['llm'] },
      validations: [{ expression: "request.userInfo.username.startsWith('system:serviceaccount:ci:')", message: 'only CI deploys to llm' }],
    }),
  ];

  it('run with the rules, bound to the request, with the same severities and actions', () => {
    const ev = new AdmissionEvaluator({ policies, config: { webhook: { actions: { critical: 'warn' } } } });
    const req = structuredClone(deployment);
    req.object.spec.template.spec.containers[0].env = [{ name: 'VLLM_TRUST_REMOTE_CODE', value: 'true' }];
    const d = ev.evaluate(req, 'validate');
    expect(d.response.allowed).toBe(false);
    expect(d.response.status?.message).toContain('[policy:ci-deploys-only high] only CI deploys to llm (/metadata/name)');
    expect(d.response.warnings).toContain(
      'Sanctum policy:forbid-trust-remote-code (critical): trust_remote_code turned on by the environment of vllm',
    );
    const ci = structuredClone(req);
    ci.userInfo = { username: 'system:serviceaccount:ci:deployer', groups: [] };
    expect(ev.evaluate(ci, 'validate').response.status?.message ?? '').not.toContain('ci-deploys-only');
  });
});
