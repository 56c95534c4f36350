import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MemorySourceFile } from '../../core/source-file.js';
import { scanSync } from '../../scan.js';
import { AdmissionEvaluator, withoutIgnoreAnnotations } from './admission-evaluator.js';
import type { AdmissionRequest } from './admission-review.js';

// The object's own `sanctum.dev/ignore` annotation suppresses findings on admission only for requesters trusted with it
// (`webhook.annotationSuppression`; by default the kube-system controllers): whoever may create a Pod must not be able
// to opt it out of the rules that deny it.

type Json = Record<string, any>;
const testdata = (name: string): Json => JSON.parse(readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8'));

/** The restricted Pod, made privileged, annotated `*: mine`, requested by `userInfo`. */
function privilegedPod(userInfo: Json): AdmissionRequest {
  const req = testdata('pod-create-restricted.json').request;
  req.object.metadata.annotations = { 'sanctum.dev/ignore': '*: mine' };
  req.object.spec.containers[0].securityContext = { privileged: true };
  req.userInfo = userInfo;
  return req as AdmissionRequest;
}

const ci = {
  username: 'system:serviceaccount:ci:deployer',
  groups: ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated'],
};
const replicasetController = {
  username: 'system:serviceaccount:kube-system:replicaset-controller',
  groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
};
const NOT_HONOURED = /sanctum\.dev\/ignore annotation was not honoured for user system:serviceaccount:ci:deployer/;

describe('the sanctum.dev/ignore annotation on admission', () => {
  it('is not honoured for an untrusted user: the privileged Pod is denied, and a warning says why', () => {
    const d = new AdmissionEvaluator().evaluate(privilegedPod(ci), 'validate');
    expect(d.response.allowed).toBe(false);
    expect(d.findings.find((f) => f.finding.ruleId === 'K8S-0003')?.action).toBe('deny');
    expect(d.response.warnings?.[0]).toMatch(NOT_HONOURED);
    expect(d.annotationNotHonoured).toBe(true);
  });

  it('is honoured for a configured group or user', () => {
    const platform = { username: 'alice', groups: ['ml-platform', 'system:authenticated'] };
    const byGroup = new AdmissionEvaluator({ config: { webhook: { annotationSuppression: { groups: ['ml-platform'] } } } });
    const d = byGroup.evaluate(privilegedPod(platform), 'validate');
    expect(d.response.allowed).toBe(true);
    expect(d.response.warnings ?? []).not.toContainEqual(expect.stringMatching(/not honoured/));
    expect(d.annotationNotHonoured).toBeUndefined();
    const byUser = new AdmissionEvaluator({ config: { webhook: { annotationSuppression: { users: ['system:serviceaccount:ci:*'] } } } });
    expect(byUser.evaluate(privilegedPod(ci), 'validate').response.allowed).toBe(true);
  });

  it("is honoured by default for the kube-system controllers that create pods from an admitted owner's template", () => {
    const d = new AdmissionEvaluator().evaluate(privilegedPod(replicasetController), 'validate');
    expect(d.response.allowed).toBe(true);
    // Configured groups replace the default.
    const replaced = new AdmissionEvaluator({ config: { webhook: { annotationSuppression: { groups: ['ml-platform'] } } } });
    expect(replaced.evaluate(privilegedPod(replicasetController), 'validate').response.allowed).toBe(false);
  });

  it("is not honoured on a Deployment's pod template for an untrusted user", () => {
    const req = testdata('deployment-create.json').request;
    req.object.spec.template.metadata.annotations = { 'sanctum.dev/ignore': 'K8S-0003: needs the device' };
    req.userInfo = ci;
    const d = new AdmissionEvaluator().evaluate(req as AdmissionRequest, 'validate');
    expect(d.response.allowed).toBe(false);
    expect(d.response.warnings?.[0]).toMatch(NOT_HONOURED);
  });

  it('not honoured, the mutating call still patches what it suppressed, and leaves the annotation in place', () => {
    const req = privilegedPod(ci);
    (req.object as Json).spec.containers[0].securityContext = {};
    const d = new AdmissionEvaluator().evaluate(req, 'mutate');
    expect(d.outcome).toBe('patched');
    const patch = JSON.parse(Buffer.from(d.response.patch!, 'base64').toString()) as Array<{ path: string }>;
    expect(patch.some((op) => op.path.startsWith('/metadata/annotations'))).toBe(false);
  });

  it('keeps being honoured by a scan of the same object as a file', () => {
    const object = privilegedPod(ci).object;
    const r = scanSync({
      targets: ['pod.json'],
      files: [new MemorySourceFile('pod.json', JSON.stringify(object, null, 2))],
      config: {},
      policies: false,
    });
    expect(r.findings.filter((f) => f.ruleId === 'K8S-0003').map((f) => f.status)).toEqual(['suppressed']);
  });

  it('excuses nothing as pre-existing on an untrusted UPDATE that adds the annotation to a pod template', () => {
    const old = testdata('deployment-create.json').request.object;
    old.spec.template.spec.containers[0].securityContext = { privileged: true };
    const object = structuredClone(old);
    object.spec.template.metadata = { ...(object.spec.template.metadata ?? {}), annotations: { 'sanctum.dev/ignore': '*: mine' } };
    const update = (o: Json) =>
      ({ ...testdata('deployment-create.json').request, operation: 'UPDATE', object: o, oldObject: old, userInfo: ci }) as AdmissionRequest;
    const evaluator = new AdmissionEvaluator();
    // The same update without the annotation: the privileged container was there before, so it is excused.
    expect(evaluator.evaluate(update(structuredClone(old)), 'validate').response.allowed).toBe(true);
    const d = evaluator.evaluate(update(object), 'validate');
    expect(d.response.allowed).toBe(false);
    expect(d.findings.find((f) => f.finding.ruleId === 'K8S-0003')?.action).toBe('deny');
  });
});

describe('withoutIgnoreAnnotations', () => {
  it('removes the annotation from every metadata without changing the object, and returns an object without it as is', () => {
    const req = testdata('deployment-create.json').request;
    const object = req.object as Json;
    expect(withoutIgnoreAnnotations(object)).toBe(object);
    object.metadata.annotations = { 'sanctum.dev/ignore': '*: x', keep: 'y' };
    object.spec.template.metadata.annotations = { 'sanctum.dev/ignore': '*: x' };
    const before = structuredClone(object);
    const stripped = withoutIgnoreAnnotations(object) as Json;
    expect(object).toEqual(before);
    expect(stripped.metadata.annotations).toEqual({ keep: 'y' });
    expect(stripped.spec.template.metadata.annotations).toEqual({});
    expect(stripped.spec.template.spec).toBe(object.spec.template.spec);
  });
});
