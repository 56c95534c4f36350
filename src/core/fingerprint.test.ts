import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemorySourceFile } from './source-file.js';
import { prepareScan, scanSync } from '../scan.js';
import type { At } from './document.js';
import { defineRule, type AnyRule, type RuleContext } from './rule.js';
import { fingerprint, fingerprintBytes, fingerprintBytesAt, fingerprintDigest, fingerprintOf, occurrenceScope } from './fingerprint.js';
import type { EventRef, ImageLocation, Location } from './types.js';

const event = (auditID: string, source?: EventRef['source']): EventRef =>
  ({ auditID, time: '2026-12-05T00:00:00Z', user: 'u', sourceIPs: [], ...(source ? { source } : {}) }) as EventRef;
const image = (digest: string, identity?: string): ImageLocation =>
  ({ ref: 'reg/x', digest, ...(identity ? { identity } : {}) }) as ImageLocation;

describe('fingerprint', () => {
  // Fingerprints are stored keys (baselines, suppression files, the store's history): these values must never change
  // (what a scan hashes changed once, deliberately: see 'of a scan' below).
  const cases: Array<[string, string, Location, string, number, string]> = [
    [
      'a file',
      'K8S-0001',
      { path: 'k8s/app.yaml', startLine: 3 },
      '',
      0,
      '1aff7f6bce5121d9deb02cab6cd93279fdf3c30eae8a3c919de5a4f578ad05eb',
    ],
    [
      'a resource',
      'K8S-0014',
      {
        path: 'k8s/app.yaml',
        objectPath: '/spec/containers/0',
        resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ml', name: 'vllm' },
      },
      '',
      0,
      'b2f43c5479e509f9a307b4b63841d24df55d0e87c0a71a41a77cc77d615e869a',
    ],
    [
      'a resource without namespace, a detail, a third occurrence',
      'K8S-0014',
      { path: 'k8s/app.yaml', objectPath: '/spec', detail: 'values.yaml', resource: { kind: 'Pod', name: 'p' } },
      '',
      2,
      'ccbd75005dd0b6d4a1782d231476b1ca244e582fc5f8cf985c05d252f8ceda74',
    ],
    [
      'a text anchor',
      'SEC-0001',
      { path: '.env' },
      'OPENAI_API_KEY=sk-… é',
      1,
      'c37035d8f57293c1b293fec4b67c1d3d5abddb0b2630a6262fabd54e87c7be07',
    ],
    [
      'an audit event',
      'RT-0001',
      { path: 'audit.log', event: event('abc-123') },
      '',
      0,
      '8fc95b5eab4795a29dc1cca59428d06b1ee752e0073897362ee154598e783e18',
    ],
    [
      'a Falco event',
      'RT-0001',
      { path: 'audit.log', event: event('abc-123', 'falco') },
      '',
      0,
      '778f462b7a4c4734f4c91dae02d39677be59b80125d1d99db11cfd64c50d66a0',
    ],
    [
      'an image by name',
      'IMG-0001',
      { path: 'etc/passwd', image: image('sha256:aa', 'reg/x@sha256:aa') },
      '',
      0,
      '014b2cc193254d3644cdaa1de8cbfc2389a888eb9a2e25a25269dfacf3baa3df',
    ],
    [
      'an image by digest',
      'IMG-0001',
      { path: 'etc/passwd', image: image('sha256:aa') },
      'x',
      0,
      '807a671d581fb3bb67876b828977c50225220ca66d64aadafa7153d81feea0d8',
    ],
  ];
  it.each(cases)('of %s stays what it was', (_, ruleId, location, anchor, occurrence, digest) => {
    expect(fingerprint(ruleId, location, anchor, occurrence)).toBe('sha256:' + digest);
    expect(fingerprintDigest(ruleId, location, anchor, occurrence)).toBe(digest);
    // The way a scan makes them: the digest's bytes, counted, then written in hex.
    const bytes = fingerprintBytes(ruleId, location, anchor, occurrence);
    expect(Buffer.from(bytes, 'latin1').toString('hex')).toBe(digest);
    expect(fingerprintOf(bytes)).toBe('sha256:' + digest);
  });

  it('stays what it was for each finding of objects that follow one another (the part an object shares is made once)', () => {
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ml', name: 'vllm' };
    const at = (path: string, resource?: Location['resource']): Location => ({
      path,
      objectPath: '/spec',
      ...(resource ? { resource } : {}),
    });
    const b2f = 'b2f43c5479e509f9a307b4b63841d24df55d0e87c0a71a41a77cc77d615e869a';
    const expected = (loc: Location): string => {
      const r = loc.resource;
      const resource = r ? `${r.apiVersion ?? ''}/${r.kind}/${r.namespace ?? ''}/${r.name ?? ''}` : '';
      return createHash('sha256')
        .update(['K8S-0014', loc.path, resource, loc.objectPath ?? '', '', '', '0'].join('\u0000'))
        .digest('hex');
    };
    const sequence = [
      at('k8s/app.yaml', deployment),
      at('k8s/app.yaml', deployment),
      at('k8s/app.yaml', { ...deployment, name: 'other' }),
      at('k8s/app.yaml', { ...deployment }),
      at('k8s/app.yaml'),
      at('k8s/other.yaml', deployment),
      at('k8s/other.yaml'),
      at('k8s/app.yaml', { kind: 'Pod', name: 'é' }),
      at('k8s/app.yaml', { kind: 'Pod', name: 'é', namespace: '' }),
    ];
    for (const loc of sequence) expect(fingerprintDigest('K8S-0014', loc, '', 0), JSON.stringify(loc)).toBe(expected(loc));
    // A resource changed in place after it was fingerprinted is not taken for the one before.
    const changing = { ...deployment };
    expect(fingerprintDigest('K8S-0014', at('k8s/app.yaml', changing), '', 0)).toBe(expected(at('k8s/app.yaml', deployment)));
    changing.name = 'renamed';
    expect(fingerprintDigest('K8S-0014', at('k8s/app.yaml', changing), '', 0)).toBe(expected(at('k8s/app.yaml', changing)));
    expect(fingerprintDigest('K8S-0014', at('k8s/app.yaml', changing), '', 0)).not.toBe(b2f);
  });

  it("hashes the object path given in place of the location's", () => {
    const loc: Location = { path: 'k8s/app.yaml', objectPath: '/spec/containers/0', resource: { kind: 'Pod', name: 'p' } };
    const moved: Location = { ...loc, objectPath: '/spec/containers/name=api/securityContext' };
    expect(fingerprintBytesAt('K8S-0015', loc, moved.objectPath, '', 1)).toBe(fingerprintBytes('K8S-0015', moved, '', 1));
    expect(fingerprintBytesAt('K8S-0015', loc, undefined, 'x', 0)).toBe(
      fingerprintBytes('K8S-0015', { ...loc, objectPath: undefined }, 'x', 0),
    );
  });

  // The function's values above stay; what a scan hands it changed once, deliberately: the path of the setting a finding
  // is about rather than the deepest node written on the way to it, so that writing a securityContext does not make the
  // container's other findings new. The fingerprints made before (here the second) still match in baselines and ignore
  // entries (`legacyFingerprintOf`).
  it('of a scan: a container setting that is not written, by its path', () => {
    const text =
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: llm\nspec:\n  containers:\n  - name: server\n    image: vllm/vllm-openai:v0.6.0\n';
    const r = scanSync({
      targets: ['.'],
      files: [new MemorySourceFile('p.yaml', text)],
      config: false,
      rules: ['K8S-0015'],
      today: '2026-06-15',
    });
    expect(r.findings.map((f) => [f.location.objectPath, f.fingerprint])).toEqual([
      ['/spec/containers/0', 'sha256:ba0f785128abff398421d78c02c8fb3845dac44c41aa4090d77fd99db8a14b42'],
    ]);
    const resource = { apiVersion: 'v1', kind: 'Pod', name: 'llm' };
    expect(
      fingerprint(
        'K8S-0015',
        { path: 'p.yaml', objectPath: '/spec/containers/0/securityContext/runAsNonRoot\u0001unset', resource },
        '',
        0,
      ),
    ).toBe(r.findings[0].fingerprint);
    // Not the fingerprint of the setting written with a bad value (runAsNonRoot: false, shown at it).
    expect(
      fingerprint('K8S-0015', { path: 'p.yaml', objectPath: '/spec/containers/0/securityContext/runAsNonRoot', resource }, '', 0),
    ).not.toBe(r.findings[0].fingerprint);
    expect(fingerprint('K8S-0015', { path: 'p.yaml', objectPath: '/spec/containers/0', resource }, '', 0)).toBe(
      'sha256:521ff4d58718cf00aebbc24f1e46c9e1d0cc5a67924bc62c7625180f44ec9be3',
    );
  });

  it("of a scan: a subject that the finding's 'at' does not lead to is an error under the tests, naming the rule", () => {
    // ReportInput.subject's contract: `at` is an object path on the way to it. A user's scan hashes `at` (marked as
    // not written); the tests (VITEST set) say which rule broke it.
    const broken = (at: At): AnyRule =>
      defineRule({
        meta: {
          id: 'TEST-0001',
          slug: 'test-subject',
          title: 'test',
          severity: 'low',
          scanner: 'misconfig',
          appliesTo: ['k8s'],
          frameworks: [],
          rationale: '',
          remediation: '',
          references: [],
        },
        check(_doc: unknown, ctx: RuleContext) {
          ctx.report({ message: 'not written', at, subject: ['spec', 'containers', 0, 'securityContext', 'runAsNonRoot'] });
        },
      } as unknown as AnyRule);
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: llm\nspec:\n  containers:\n  - name: server\n';
    const run = (at: At) =>
      prepareScan({ config: false, rules: ['K8S-0015'], today: '2026-06-15' })(
        [new MemorySourceFile('p.yaml', text)],
        ['p.yaml'],
        [broken(at)],
      );
    const message = /TEST-0001: a finding's subject \["spec","containers",0,"securityContext","runAsNonRoot"\] is not led to by its 'at'/;
    // A line span: no object path for the subject to replace a part of.
    let error: string;
    try {
      error = run({ line: 7 })
        .errors.map((e) => e.message)
        .join('\n');
    } catch (e) {
      error = (e as Error).message;
    }
    expect(error).toMatch(message);
    // Led to: no error.
    const r = run(['spec', 'containers', 0]);
    expect(r.errors).toEqual([]);
    expect(r.findings.filter((f) => f.ruleId === 'TEST-0001').map((f) => f.location.objectPath)).toEqual(['/spec/containers/0']);
  });

  it('is counted by file: the text between the first and second NUL of its input, which equal inputs share; events together', () => {
    const resource = { apiVersion: 'v1', kind: 'Pod', name: 'p' };
    expect(occurrenceScope('K8S-0014', { path: 'k8s/app.yaml', objectPath: '/spec', resource })).toBe('k8s/app.yaml');
    // Events are counted in one table (an audit log would otherwise make a scope per event), and so is anything
    // whose file part reads like an event's, so that inputs that could be equal are counted in one place.
    expect(occurrenceScope('RT-0001', { path: 'audit.log', event: event('abc-123', 'falco') })).toBeUndefined();
    expect(occurrenceScope('K8S-0014', { path: 'event:falco:abc-123', objectPath: '/spec' })).toBeUndefined();
    expect(occurrenceScope('IMG-0001', { path: 'etc/passwd', image: image('sha256:aa', 'reg/x@sha256:aa') })).toBe(
      'image:reg/x@sha256:aa:etc/passwd',
    );
    expect(occurrenceScope('X\u0000Y', { path: 'a.yaml' })).toBe('Y');
    expect(occurrenceScope('X\u0000Y\u0000Z', { path: 'a.yaml' })).toBe('Y');
    // Inputs made equal by a NUL in a path and in an object path: one scope, so one count.
    const inPath: Location = { path: 'a\u0000/Pod//p', objectPath: '/spec' };
    const inResource: Location = { path: 'a', resource: { kind: 'Pod', name: 'p' } };
    expect(fingerprintBytesAt('R', inPath, '/spec', '', 0)).toBe(fingerprintBytesAt('R', inResource, '\u0000/spec', '', 0));
    expect(occurrenceScope('R', inPath)).toBe('a');
    expect(occurrenceScope('R', inResource)).toBe('a');
  });

  it('of a scan: equal findings of a file are told apart by their occurrence, file by file', () => {
    const twice = defineRule({
      meta: {
        id: 'TEST-0002',
        slug: 'test-twice',
        title: 'test',
        severity: 'low',
        scanner: 'misconfig',
        appliesTo: ['k8s'],
        frameworks: [],
        rationale: '',
        remediation: '',
        references: [],
      },
      check(_doc: unknown, ctx: RuleContext) {
        ctx.report({ message: 'one', at: ['spec'] });
        ctx.report({ message: 'two', at: ['spec'] });
      },
    } as unknown as AnyRule);
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: []\n';
    const r = prepareScan({ config: false, rules: ['K8S-0015'], today: '2026-06-15' })(
      [new MemorySourceFile('a.yaml', text), new MemorySourceFile('b.yaml', text + '---\n' + text)],
      ['.'],
      [twice],
    );
    const resource = { apiVersion: 'v1', kind: 'Pod', name: 'p' };
    const print = (path: string, occurrence: number): string =>
      fingerprint('TEST-0002', { path, objectPath: '/spec', resource }, '', occurrence);
    expect(r.findings.filter((f) => f.ruleId === 'TEST-0002').map((f) => [f.location.path, f.fingerprint])).toEqual([
      ['a.yaml', print('a.yaml', 0)],
      ['a.yaml', print('a.yaml', 1)],
      ['b.yaml', print('b.yaml', 0)],
      ['b.yaml', print('b.yaml', 1)],
      ['b.yaml', print('b.yaml', 2)],
      ['b.yaml', print('b.yaml', 3)],
    ]);
  });

  it('writes fingerprints only of 32-byte digests', () => {
    expect(() => fingerprintOf('x'.repeat(31))).toThrow(/32 bytes/);
  });
});
