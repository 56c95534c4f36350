import { describe, expect, it } from 'vitest';
import type { Finding } from '../core/types.js';
import { FindingBytesWriter } from './finding-bytes.js';
import { freezeData, isFrozenData } from '../core/frozen-data.js';

/** `JSON.stringify(value, null, 2)` of `value` as it reads nested at `indent` (what the writer must give). */
function stringified(value: unknown, indent: number): string {
  return JSON.stringify(value, null, 2).replaceAll('\n', '\n' + ' '.repeat(indent));
}

/** Each finding written by one writer (one after another, as the spool writes them), as text. */
function writtenEach(findings: readonly unknown[], indent: number): string[] {
  const w = new FindingBytesWriter(64);
  return findings.map((f) => {
    const start = w.length;
    w.finding(f as Finding, indent);
    return w.buffer.subarray(start, w.length).toString('utf8');
  });
}

function expectSameAsStringify(findings: readonly unknown[], indent = 4): void {
  const texts = writtenEach(findings, indent);
  findings.forEach((f, i) => expect(texts[i], `finding ${i}`).toBe(stringified(f, indent)));
}

const FRAMEWORKS = [
  { id: 'cis-k8s', control: '5.1.6' },
  { id: 'nsa-cisa', control: 'service-account-tokens' },
];
const RESOURCE = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'team-0', name: 'svc-0-3' };

function finding(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ruleId: 'K8S-0105',
    slug: 'service-account-token-automounted',
    title: 'Service account token mounted into the pod',
    severity: 'low',
    message: "Deployment 'svc-0-3' gets an API token",
    location: {
      path: 'team-0/app-0.yaml',
      startLine: 61,
      startColumn: 7,
      endLine: 61,
      endColumn: 34,
      objectPath: '/spec/template/spec/serviceAccountName',
      resource: RESOURCE,
    },
    frameworks: FRAMEWORKS,
    status: 'fail',
    fingerprint: 'sha256:63b705765e17108db7282e72a9cd29e4daaedcb135893eee4b5d42a80fb65d1a',
    evidence: 'serviceAccountName: svc-0-3',
    fix: {
      description: 'Set automountServiceAccountToken: false in the pod spec',
      edits: [
        {
          path: 'team-0/app-0.yaml',
          range: { startLine: 87, startColumn: 1, endLine: 87, endColumn: 1 },
          replacement: '      automountServiceAccountToken: false\n',
        },
      ],
    },
    ...over,
  };
}

/**
 * One writer and what it wrote for each `step` (a finding at location `l`, after `before`) beside
 * what JSON.stringify writes; `overwrite(l)` writes over the writer's bytes (reset, then cut short)
 * before each of two more steps, so that nothing may be copied from them.
 */
function locationSteps(): {
  step: (l: unknown, before?: () => void, indent?: number) => void;
  overwrite: (l: unknown) => void;
  texts: string[];
  expected: string[];
} {
  const w = new FindingBytesWriter(64);
  const texts: string[] = [];
  const expected: string[] = [];
  const step = (l: unknown, before?: () => void, indent = 4): void => {
    before?.();
    const f = finding({ location: l });
    const start = w.length;
    w.finding(f as unknown as Finding, indent);
    texts.push(w.buffer.subarray(start, w.length).toString('utf8'));
    expected.push(stringified(f, indent));
  };
  const overwrite = (l: unknown): void => {
    step(l);
    let written = w.length;
    w.reset();
    w.ascii('#'.repeat(written));
    step(l);
    written = w.length;
    w.length = 10;
    w.ascii('#'.repeat(written));
    step(l);
  };
  return { step, overwrite, texts, expected };
}

describe('FindingBytesWriter', () => {
  it('writes findings as JSON.stringify does, at any indentation, the parts a rule repeats included', () => {
    for (const indent of [0, 2, 4, 6]) expectSameAsStringify([finding(), finding({ message: 'second' }), finding()], indent);
  });

  it('writes escapes, non-ASCII text and lone surrogates in every part of a finding', () => {
    const odd = 'quote " backslash \\ tab \t newline \n é 漢 🔥 lone \ud800 and \udc00 end';
    expectSameAsStringify([
      finding({ ruleId: odd, slug: odd, title: odd, severity: odd, message: odd, evidence: odd, fingerprint: odd }),
      finding({
        frameworks: [{ id: odd, control: odd, level: odd }],
        location: { path: odd, startLine: 1, objectPath: odd, resource: { kind: odd, name: odd } },
      }),
      finding({ ruleId: odd, slug: odd, title: odd, severity: odd }),
    ]);
  });

  it('writes the head again when a finding of the same rule differs in slug, title or severity', () => {
    expectSameAsStringify([
      finding(),
      finding({ severity: 'high' }),
      finding(),
      finding({ title: 'Another title' }),
      finding({ slug: 'another-slug' }),
      finding(),
    ]);
  });

  it('never copies frameworks or a resource that changed since they were written, even in the same object', () => {
    const frameworks = FRAMEWORKS.map((f) => ({ ...f }));
    const resource: Record<string, unknown> = { ...RESOURCE };
    const location = { path: 'a.yaml', startLine: 1, resource };
    const f = finding({ frameworks, location });
    const texts: string[] = [];
    const expected: string[] = [];
    const w = new FindingBytesWriter(64);
    const step = (): void => {
      const start = w.length;
      w.finding(f as unknown as Finding, 4);
      texts.push(w.buffer.subarray(start, w.length).toString('utf8'));
      expected.push(stringified(f, 4));
    };
    step();
    frameworks[1].control = 'changed';
    step();
    frameworks.push({ id: 'pss', control: 'privileged' });
    step();
    (frameworks[0] as Record<string, unknown>).level = 'restricted';
    step();
    frameworks.length = 0;
    step();
    resource.name = 'renamed';
    step();
    delete resource.namespace;
    step();
    resource.extra = 'after';
    step();
    resource.kind = 42;
    step();
    resource.kind = undefined;
    step();
    expect(texts).toEqual(expected);
  });

  it('copies a location only when it holds the same data, and only while its bytes are still there', () => {
    const location = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
      path: 'a.yaml',
      startLine: 1,
      startColumn: 3,
      objectPath: '/spec',
      resource: { ...RESOURCE },
      ...over,
    });
    const resource = { ...RESOURCE };
    const shared = location({ resource });
    const { step, overwrite, texts, expected } = locationSteps();
    step(shared);
    step(shared);
    step(location());
    step(location({ startLine: 2 }));
    step(location({ startLine: '2' }));
    step(location({ startLine: 2 }));
    step(location({ resource: { ...RESOURCE, name: 'other' } }));
    step(shared);
    step(shared, () => (resource.name = 'renamed in place'));
    step(shared, () => (shared.objectPath = undefined));
    step(shared, () => delete shared.objectPath);
    step(location({ extra: true, none: null }));
    step(location({ extra: true, none: null }));
    step(location({ extra: false, none: null }));
    // Alike as far as keys and values go, but not in what is an object and what is not.
    step({ path: 'a.yaml', resource: { kind: 'x' } });
    step({ path: 'a.yaml', resource: 'kind', x: {} });
    step({ path: 'a.yaml', resource: { kind: 'x' } });
    step({ path: 'a.yaml', resource: {}, kind: 'x' });
    // An array inside: copied while it holds the same items, so a change made in place shows.
    const rendered = location({ renderedBy: [{ kind: 'helm', source: 'Chart.yaml' }] });
    step(rendered);
    step(rendered, () => ((rendered.renderedBy as Array<{ source: string }>)[0].source = 'charts/other/Chart.yaml'));
    step(location({ resource: new Map() }));
    step(location({ resource: new Map() }));
    // Given up, then written over: not copied.
    overwrite(location());
    expect(texts).toEqual(expected);
  });

  it('writes a location of the manifest shape as JSON.stringify does: copied only while it holds the same data', () => {
    const manifest = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
      path: 'team-0/app-0.yaml',
      startLine: 61,
      startColumn: 7,
      endLine: 61,
      endColumn: 34,
      objectPath: '/spec/template/spec/serviceAccountName',
      resource: { ...RESOURCE },
      ...over,
    });
    const resource: Record<string, unknown> = { ...RESOURCE };
    const shared = manifest({ resource });
    const { step, overwrite, texts, expected } = locationSteps();
    step(shared);
    step(shared);
    step(manifest());
    for (const key of ['startLine', 'startColumn', 'endLine', 'endColumn']) {
      step(manifest({ [key]: 99 }));
      step(manifest());
    }
    step(manifest({ startLine: NaN, endColumn: -1.5 }));
    step(manifest({ startLine: NaN, endColumn: -1.5 }));
    step(manifest({ path: 'other.yaml' }));
    step(manifest({ objectPath: '/spec/containers/0' }));
    step(manifest());
    step(manifest({ path: 'quote " tab \t é 漢 lone \ud800', objectPath: '/a~1b/ü/"' }));
    step(manifest({ path: 'quote " tab \t é 漢 lone \ud800', objectPath: '/a~1b/ü/"' }));
    step(shared);
    step(shared, () => (resource.name = 'renamed in place'));
    step(shared);
    step(shared, () => delete resource.namespace);
    step(shared, () => (resource.extra = 'after'));
    step(shared, () => (resource.kind = 42));
    // A location of another shape between two alike: its resource is the one remembered then.
    step(shared);
    step({ path: 'team-0/app-0.yaml', startLine: 61, resource: { kind: 'Pod' } });
    step(shared);
    step(manifest({ resource: { kind: 'Pod' } }));
    step(manifest({ resource: { kind: 'Pod' } }));
    // Not of the shape: keys in another order, a value of another kind, a resource that is not plain data.
    step({ ...manifest(), path: undefined });
    step({ startLine: 61, ...manifest() });
    step(manifest({ endColumn: '34' }));
    step(manifest({ objectPath: 7 }));
    step(manifest({ resource: new Map() }));
    step(manifest({ resource: new Map() }));
    step(manifest({ resource: { kind: 'Pod', nested: { labels: ['a', { b: 1 }] } } }));
    step(manifest({ resource: { kind: 'Pod', nested: { labels: ['a', { b: 2 }] } } }));
    // Another indentation, then back.
    step(manifest(), undefined, 6);
    step(manifest(), undefined, 6);
    step(manifest());
    // Given up, then written over: not copied.
    overwrite(manifest());
    expect(texts).toEqual(expected);
  });

  it('copies a location of the manifest shape, its path and object path from the bytes written last', () => {
    const f = finding();
    const w = new FindingBytesWriter(64);
    w.finding(f as unknown as Finding, 4);
    const first = w.buffer.subarray(0, w.length).toString('latin1');
    expect(first).toBe(stringified(f, 4));
    // Bytes below the length are never written by the writer's users: changed here, a copy shows them.
    w.buffer[first.indexOf('team-0/app-0.yaml')] = 'T'.charCodeAt(0);
    w.buffer[first.indexOf('/spec/template')] = '|'.charCodeAt(0);
    let start = w.length;
    w.finding(finding() as unknown as Finding, 4);
    const copied = stringified(f, 4).replace('team-0/app-0.yaml', 'Team-0/app-0.yaml').replace('/spec/template', '|spec/template');
    expect(w.buffer.subarray(start, w.length).toString('latin1')).toBe(copied);
    // Another line of the same object: the path and object path still copied, the numbers written.
    const other = finding({ location: { ...(f.location as Record<string, unknown>), startLine: 62, endLine: 62 } });
    start = w.length;
    w.finding(other as unknown as Finding, 4);
    expect(w.buffer.subarray(start, w.length).toString('latin1')).toBe(
      stringified(other, 4).replace('team-0/app-0.yaml', 'Team-0/app-0.yaml').replace('/spec/template', '|spec/template'),
    );
  });

  it('writes a resource again, never copied, for a finding at another indentation', () => {
    const first = finding();
    const second = finding({ location: { ...(first.location as Record<string, unknown>), startLine: 62 } });
    const w = new FindingBytesWriter(64);
    w.finding(first as unknown as Finding, 4);
    const start = w.length;
    w.finding(second as unknown as Finding, 6);
    expect(w.buffer.subarray(start, w.length).toString('utf8')).toBe(stringified(second, 6));
  });

  it('copies a location holding an array, as a rendered object has, from the bytes written last', () => {
    const location = {
      path: 'chart/templates/deploy.yaml',
      startLine: 4,
      resource: { ...RESOURCE },
      renderedBy: [{ kind: 'helm', source: 'chart/Chart.yaml' }],
    };
    const f = finding({ location });
    const w = new FindingBytesWriter(64);
    w.finding(f as unknown as Finding, 4);
    const first = w.buffer.subarray(0, w.length).toString('latin1');
    expect(first).toBe(stringified(f, 4));
    // Bytes below the length are never written by the writer's users: changed here, a copy shows them.
    const at = first.indexOf('chart/Chart.yaml');
    w.buffer[at] = 'C'.charCodeAt(0);
    const start = w.length;
    w.finding({ ...f, location: { ...location, renderedBy: [{ kind: 'helm', source: 'chart/Chart.yaml' }] } } as unknown as Finding, 4);
    expect(w.buffer.subarray(start, w.length).toString('latin1')).toBe(stringified(f, 4).replace('chart/Chart.yaml', 'Chart/Chart.yaml'));
  });

  it('writes findings in another shape as any object: keys in another order, missing, extra or not strings', () => {
    const { ruleId, ...rest } = finding();
    const reordered = { slug: 'x', ruleId: 'K8S-0105', title: 't', severity: 'low', message: 'm' };
    expectSameAsStringify([
      finding(),
      { ...rest, ruleId },
      reordered,
      { ruleId: 'K8S-0105', slug: 'service-account-token-automounted' },
      {
        ruleId: 'K8S-0105',
        slug: 'service-account-token-automounted',
        title: 'Service account token mounted into the pod',
        severity: 'low',
      },
      finding({ severity: undefined }),
      finding({ title: 3 as unknown as string }),
      finding({ frameworks: [{ id: 'x', control: 1 }, 'loose', null, []] }),
      finding({ frameworks: undefined }),
      finding({ frameworks: [] }),
      finding({ location: { resource: RESOURCE, path: 'resource first.yaml' } }),
      finding({ location: { path: 'p', resource: { kind: 'Pod', labels: { a: 'b' } } } }),
      finding({ location: {} }),
      finding({ location: { toJSON: () => ({ replaced: true }) } }),
      finding({ location: null }),
      finding({ folded: [{ ruleId: 'K8S-0001', slug: 's', severity: 'low', fingerprint: 'f' }], extra: () => 1 }),
      finding(),
    ]);
  });

  it('writes a finding of another prototype, or with a toJSON method, as JSON.stringify does', () => {
    class Custom {
      ruleId = 'K8S-0105';
      slug = 's';
      title = 't';
      severity = 'low';
    }
    expectSameAsStringify([new Custom(), { ...finding(), toJSON: () => ({ replaced: true }) }, finding()]);
  });

  it('writes fixes as JSON.stringify does: several edits, escapes, odd numbers, and any other shape as any object', () => {
    const edit = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
      path: 'team-0/app-0.yaml',
      range: { startLine: 87, startColumn: 1, endLine: 87, endColumn: 1 },
      replacement: '      automountServiceAccountToken: false\n',
      ...over,
    });
    const fix = (over: Record<string, unknown> = {}): Record<string, unknown> => ({ description: 'Set it', edits: [edit()], ...over });
    const odd = 'quote " backslash \\ tab \t newline \n é 漢 🔥 lone \ud800 end';
    class Range {
      startLine = 1;
      startColumn = 1;
      endLine = 1;
      endColumn = 1;
    }
    const holey: unknown[] = [edit()];
    holey[2] = edit();
    const fixes: unknown[] = [
      fix(),
      fix(),
      fix({ edits: [edit(), edit({ replacement: 'x' }), edit({ path: odd })] }),
      fix({ description: odd, edits: [edit({ replacement: odd })] }),
      fix({ edits: [edit({ range: { startLine: NaN, startColumn: -1, endLine: 1.5, endColumn: Infinity } })] }),
      fix({ edits: [edit({ range: { startLine: 2 ** 40, startColumn: 0, endLine: -0, endColumn: 1e21 } })] }),
      // Not the engine's shape: written as any object.
      { description: 'Rendered', edits: [], manual: 'by hand' },
      fix({ manual: 'by hand' }),
      fix({ manual: undefined }),
      { edits: [edit()], description: 'keys swapped' },
      fix({ description: 42 }),
      fix({ edits: [] }),
      fix({ edits: holey }),
      fix({ edits: [edit({ range: { startLine: '1', startColumn: 1, endLine: 1, endColumn: 1 } })] }),
      fix({ edits: [edit({ range: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1, extra: 2 } })] }),
      fix({ edits: [edit({ range: { startLine: 1, startColumn: 1, endLine: 1 } })] }),
      fix({ edits: [edit({ range: new Range() })] }),
      fix({ edits: [edit({ extra: true })] }),
      fix({ edits: [{ range: edit().range, path: 'a.yaml', replacement: '' }] }),
      fix({ edits: [edit({ replacement: undefined })] }),
      fix({ edits: Object.assign([edit()], { toJSON: () => 'edits' }) }),
      { ...fix(), toJSON: () => 'fix' },
      'a string',
      null,
      fix(),
    ];
    for (const indent of [0, 4, 6])
      expectSameAsStringify(
        fixes.map((f) => finding({ fix: f })),
        indent,
      );
  });

  it('writes fix strings right past the number it keeps', () => {
    const many = Array.from({ length: 2600 }, (_, i) =>
      finding({
        fix: {
          description: `Set ${i % 1300}`,
          edits: [
            { path: `p${i}.yaml`, range: { startLine: i, startColumn: 1, endLine: i, endColumn: 2 }, replacement: `v: ${i % 700}\n` },
          ],
        },
      }),
    );
    expectSameAsStringify(many);
  });
});

describe('FindingBytesWriter.messageWritten', () => {
  it('says a finding showed its message as a string of its own object, and says nothing otherwise', () => {
    const w = new FindingBytesWriter(64);
    const said = (f: Record<string, unknown>): boolean => {
      w.finding(f as unknown as Finding, 4);
      return w.messageWritten;
    };
    expect(said(finding())).toBe(true);
    expect(said(finding({ message: 42 }))).toBe(false);
    // Keys in another order, a finding with toJSON, a finding that is no plain object: written the general way.
    const { ruleId, ...rest } = finding();
    expect(said({ ...rest, ruleId })).toBe(false);
    expect(said({ ...finding(), toJSON: () => ({ message: 'other' }) })).toBe(false);
    expect(said(Object.assign(Object.create({ inherited: true }), finding()))).toBe(false);
    expect(said(finding())).toBe(true);
  });
});

describe('FindingBytesWriter and frozen frameworks', () => {
  it('writes frozen frameworks shared by findings as JSON.stringify does, whatever came between', () => {
    const frameworks = freezeData(FRAMEWORKS.map((f) => ({ ...f })));
    const other = freezeData([{ id: 'pss', control: 'privileged', level: 'baseline' }]);
    expectSameAsStringify([
      finding({ frameworks }),
      finding({ frameworks }),
      finding({ frameworks: other, ruleId: 'K8S-0001' }),
      finding({ frameworks }),
      finding({ frameworks: [...frameworks] }),
      finding({ frameworks }),
    ]);
    expect(isFrozenData(frameworks)).toBe(true);
  });
});
