import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding, ScanResult } from '../core/types.js';
import { allFrameworks } from '../frameworks/index.js';
import { ingestRun, IngestConflict } from './ingest.js';
import { sql } from 'kysely';
import { appliedMigrations, FINDING_TEXT, migrations } from './migrations.js';
import {
  alertsPerHour,
  compliance,
  getFinding,
  getRun,
  listAlerts,
  listExposureEdges,
  listFindings,
  listInventory,
  listRuns,
  listTargets,
  posture,
} from './queries.js';
import { parseRunInput, RunInputError, type RunInput } from './run-input.js';
import { Store, parseStoreUrl } from './store.js';
import { createToken, listTokens, revokeToken, verifyToken } from './tokens.js';
import { ENGINES, freshStore, type TestStore } from './testing/engines.js';

function finding(n: number, over: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'K8S-0003',
    slug: 'privileged-container',
    title: 'Privileged container',
    severity: 'critical',
    message: `Container 'c${n}' runs privileged`,
    location: {
      path: `deploy/app-${n}.yaml`,
      startLine: 10 + n,
      startColumn: 11,
      endLine: 10 + n,
      endColumn: 27,
      objectPath: '/spec/template/spec/containers/0/securityContext/privileged',
      resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'llm', name: `app-${n}` },
    },
    frameworks: [{ id: 'pss', control: 'privileged', level: 'baseline' }],
    status: 'fail',
    fingerprint: `sha256:${n.toString(16).padStart(8, '0')}`,
    evidence: 'privileged: true',
    ...over,
  };
}

function result(findings: Finding[], extra: Partial<ScanResult> = {}): RunInput {
  const body: ScanResult = {
    schemaVersion: 1,
    tool: { name: 'sanctum', version: '0.1.0' },
    targets: ['repo'],
    findings,
    errors: [],
    stats: { files: 3, resources: 4, durationMs: 12, rules: 180 },
    ...extra,
  };
  return parseRunInput(JSON.parse(JSON.stringify(body)));
}

describe('store URLs', () => {
  it('reads sqlite: and postgres:// and refuses anything else', () => {
    expect(parseStoreUrl('sqlite:/var/lib/sanctum.db')).toEqual({ engine: 'sqlite', target: '/var/lib/sanctum.db' });
    expect(parseStoreUrl('sqlite:results.db')).toEqual({ engine: 'sqlite', target: 'results.db' });
    expect(parseStoreUrl('postgresql://u@h/db').engine).toBe('postgres');
    expect(() => parseStoreUrl('mysql://x')).toThrow(/--db must be sqlite:FILE or postgres:/);
  });
});

describe('run input', () => {
  it('refuses what is not a result, naming the problem', () => {
    expect(() => parseRunInput([])).toThrow(RunInputError);
    expect(() => parseRunInput({ hello: 1 })).toThrow(/not a Sanctum result/);
    expect(() => parseRunInput({ schemaVersion: 1, tool: { name: 's', version: '1' }, findings: [{ ruleId: 'X' }] })).toThrow(
      /findings\.0\./,
    );
    expect(() =>
      parseRunInput({ schemaVersion: 1, tool: { name: 's', version: '1' }, findings: [{ ...finding(1), severity: 'urgent' }] }),
    ).toThrow(/severity must be/);
  });

  it('takes a bare array of findings as one batch (runtime alerts), and refuses bad entries', () => {
    const r = parseRunInput([finding(1), { ...finding(2), slug: undefined, title: undefined }]);
    expect(r.findings.map((f) => [f.slug, f.title])).toEqual([
      ['privileged-container', 'Privileged container'],
      ['k8s-0003', "Container 'c2' runs privileged"],
    ]);
    expect(() => parseRunInput([{ ruleId: 'RT-0001' }])).toThrow(/invalid findings: 0\./);
  });

  it('cuts long evidence so that no stored value is unbounded', () => {
    const r = result([finding(1, { evidence: 'x'.repeat(10_000) })]);
    expect(r.findings[0].evidence!.length).toBe(512);
  });

  it('takes SARIF 2.1.0 from other tools, with severities from security-severity or level', () => {
    const sarif = {
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: 'Checkov',
              version: '3.2.0',
              rules: [{ id: 'CKV_K8S_16', shortDescription: { text: 'Container should not be privileged' } }],
            },
          },
          results: [
            {
              ruleId: 'CKV_K8S_16',
              level: 'error',
              message: { text: 'Privileged container' },
              locations: [{ physicalLocation: { artifactLocation: { uri: 'k8s/app%20one.yaml' }, region: { startLine: 4 } } }],
            },
            {
              ruleId: 'CKV_K8S_16',
              message: { text: 'Privileged container' },
              properties: { 'security-severity': '9.1' },
              suppressions: [{ kind: 'inSource', justification: 'test cluster' }],
              locations: [{ physicalLocation: { artifactLocation: { uri: 'k8s/b.yaml' } } }],
            },
          ],
        },
      ],
    };
    const r = parseRunInput(sarif);
    expect(r.source).toBe('sarif');
    expect(r.tool).toEqual({ name: 'Checkov', version: '3.2.0' });
    expect(r.findings.map((f) => [f.severity, f.location.path, f.location.startLine, f.status])).toEqual([
      ['high', 'k8s/app one.yaml', 4, 'fail'],
      ['critical', 'k8s/b.yaml', undefined, 'suppressed'],
    ]);
    expect(r.findings[0].title).toBe('Container should not be privileged');
    expect(r.findings[0].fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(r.findings[0].fingerprint).not.toBe(r.findings[1].fingerprint);
  });
});

describe.each(ENGINES)('store on $engine', ({ engine, skip }) => {
  let t: TestStore;
  beforeAll(async () => {
    if (!skip) t = await freshStore(engine);
  });
  afterAll(async () => {
    await t?.dispose();
  });
  const store = () => t.store;

  it.skipIf(skip || engine !== 'sqlite')('makes a new SQLite store with 16 KiB pages and keeps an existing one as it is', async () => {
    expect((await sql<{ page_size: number }>`pragma page_size`.execute(store().db)).rows[0].page_size).toBe(16384);
    const { default: Database } = await import('better-sqlite3');
    const dir = mkdtempSync(join(tmpdir(), 'sanctum-pages-'));
    try {
      const old = new Database(join(dir, 'old.db'));
      old.pragma('page_size = 4096');
      old.exec('create table x (a)');
      old.close();
      const reopened = await Store.open(`sqlite:${join(dir, 'old.db')}`);
      expect((await sql<{ page_size: number }>`pragma page_size`.execute(reopened.db)).rows[0].page_size).toBe(4096);
      expect(await appliedMigrations(reopened.db)).toEqual(Object.keys(migrations('sqlite')));
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(skip)(`runs every migration when opened, and again is a no-op ${skip || ''}`, async () => {
    expect(await appliedMigrations(store().db)).toEqual(Object.keys(migrations(engine)));
    const again = await Store.open(t.url);
    expect(await appliedMigrations(again.db)).toEqual(Object.keys(migrations(engine)));
    await again.close();
  });

  it.skipIf(skip)('keeps findings by fingerprint: first seen, last seen, fixed, reopened', async () => {
    const day1 = new Date('2026-11-01T10:00:00Z');
    const day2 = new Date('2026-11-02T10:00:00Z');
    const day3 = new Date('2026-11-03T10:00:00Z');
    const inventory = [{ kind: 'model' as const, name: 'llama.gguf', path: 'models/llama.gguf', detail: { format: 'gguf' } }];
    const first = await ingestRun(
      store(),
      { ...result([finding(1), finding(2), finding(3, { severity: 'medium' })]), inventory },
      { target: 'github.com/acme/llm', at: day1 },
    );
    expect(first).toMatchObject({ findings: 3, newFindings: 3, fixed: 0, complete: true });

    const second = await ingestRun(
      store(),
      result([finding(1), finding(3, { severity: 'medium', status: 'suppressed', suppression: { kind: 'inline', reason: 'ok' } })]),
      {
        target: 'github.com/acme/llm',
        at: day2,
      },
    );
    expect(second).toMatchObject({ findings: 2, newFindings: 0, fixed: 1, complete: true });

    const open = await listFindings(store(), { targetId: second.targetId });
    expect(open.items.map((f) => f.path)).toEqual(['deploy/app-1.yaml']);
    expect(open.items[0]).toMatchObject({
      firstSeenAt: day1.toISOString(),
      lastSeenAt: day2.toISOString(),
      fixedAt: null,
      severity: 'critical',
    });
    const fixed = await listFindings(store(), { targetId: second.targetId, state: 'fixed' });
    expect(fixed.items.map((f) => [f.path, f.fixedAt])).toEqual([['deploy/app-2.yaml', day2.toISOString()]]);
    const suppressed = await listFindings(store(), { targetId: second.targetId, state: 'suppressed' });
    expect(suppressed.items.map((f) => f.path)).toEqual(['deploy/app-3.yaml']);

    const third = await ingestRun(store(), result([finding(1), finding(2)]), { target: 'github.com/acme/llm', at: day3 });
    expect(third).toMatchObject({ newFindings: 0, fixed: 1 });
    const reopened = await getFinding(store(), fixed.items[0].id);
    expect(reopened).toMatchObject({
      fixedAt: null,
      firstSeenAt: day1.toISOString(),
      lastSeenAt: day3.toISOString(),
      evidence: 'privileged: true',
    });
    expect(reopened!.history.map((h) => h.runId)).toEqual([third.runId, first.runId]);
    expect(reopened!.frameworks).toEqual([{ id: 'pss', control: 'privileged', level: 'baseline' }]);
    expect(reopened!.resource).toEqual({ kind: 'Deployment', namespace: 'llm', name: 'app-2' });

    const p = await posture(store(), { targetId: third.targetId, now: day3, days: 30 });
    expect(p.runs.map((r) => [r.counts.critical, r.counts.medium, r.suppressed])).toEqual([
      [2, 1, 0],
      [1, 0, 1],
      [2, 0, 0],
    ]);
    // Events of each day: app-2 fixed on day 2 (and back on day 3, not new), app-3 fixed on day 3.
    expect(p.daily).toEqual([
      { day: '2026-11-01', opened: 3, fixed: 0 },
      { day: '2026-11-02', opened: 0, fixed: 1 },
      { day: '2026-11-03', opened: 0, fixed: 1 },
    ]);

    const targets = await listTargets(store());
    expect(targets).toEqual([
      expect.objectContaining({
        name: 'github.com/acme/llm',
        kind: 'repository',
        lastRun: expect.objectContaining({ id: third.runId, counts: { critical: 2, high: 0, medium: 0, low: 0, info: 0 } }),
      }),
    ]);
    // Inventory is that of the newest complete run: the third run sent none.
    expect(await listInventory(store(), { targetId: third.targetId })).toEqual([]);
  });

  it.skipIf(skip)('answers text search from the search index, not by reading every finding', async () => {
    const s = store();
    if (s.engine === 'sqlite') {
      const plan = await sql<{ detail: string }>`explain query plan select id from findings
        where fixed_at is null and status = 'fail' and ${FINDING_TEXT} like '%x%'`.execute(s.db);
      expect(plan.rows.map((r) => r.detail).join('\n')).toMatch(/USING COVERING INDEX findings_search/);
    } else {
      const idx = await sql<{ indexdef: string }>`select indexdef from pg_indexes where indexname = 'findings_search'`.execute(s.db);
      expect(idx.rows[0]?.indexdef).toMatch(/gin .*gin_trgm_ops/);
    }
  });

  it.skipIf(skip)('filters findings by severity, rule, framework control and text', async () => {
    const r = await ingestRun(
      store(),
      result([
        finding(10),
        finding(11, { ruleId: 'SEC-0001', slug: 'aws-access-key', severity: 'high', frameworks: [], message: 'AWS key AKIA…' }),
        finding(12, { severity: 'low', frameworks: [{ id: 'owasp-llm-2025', control: 'LLM02' }] }),
      ]),
      { target: 'filters' },
    );
    const q = (f: object) => listFindings(store(), { targetId: r.targetId, ...f }).then((x) => x.items.map((i) => i.path));
    expect(await q({})).toEqual(['deploy/app-10.yaml', 'deploy/app-11.yaml', 'deploy/app-12.yaml']);
    expect(await q({ severity: ['high', 'low'] })).toEqual(['deploy/app-11.yaml', 'deploy/app-12.yaml']);
    expect(await q({ ruleId: 'aws-access-key' })).toEqual(['deploy/app-11.yaml']);
    expect(await q({ framework: 'pss:privileged' })).toEqual(['deploy/app-10.yaml']);
    expect(await q({ framework: 'owasp-llm-2025' })).toEqual(['deploy/app-12.yaml']);
    expect(await q({ text: 'AKIA' })).toEqual(['deploy/app-11.yaml']);
    expect(await q({ text: '100%_' })).toEqual([]);
    const second = await listFindings(store(), { targetId: r.targetId, limit: 1, offset: 1 });
    expect([second.total, second.items.map((i) => i.path)]).toEqual([3, ['deploy/app-11.yaml']]);
    const lastTwo = await listFindings(store(), { targetId: r.targetId, limit: 5, offset: 1 });
    expect(lastTwo.items.map((i) => i.path)).toEqual(['deploy/app-11.yaml', 'deploy/app-12.yaml']);

    // Any substring of the rule id, the path or the message, in any case.
    expect(await q({ text: 'sec-00' })).toEqual(['deploy/app-11.yaml']);
    expect(await q({ text: 'PP-12.Y' })).toEqual(['deploy/app-12.yaml']);
    expect(await q({ text: "container 'c1" })).toEqual(['deploy/app-10.yaml', 'deploy/app-12.yaml']);
    expect(await q({ text: 'app-1_' })).toEqual([]);
    expect(await q({ text: 'AKIA', state: 'fixed' })).toEqual([]);
    // Counted up to a cap: past it the total is a lower bound and pages still come.
    const capped = await listFindings(store(), { targetId: r.targetId, countCap: 2, limit: 1, offset: 2 });
    expect([capped.total, capped.capped, capped.items.map((i) => i.path)]).toEqual([2, true, ['deploy/app-12.yaml']]);
    expect((await listFindings(store(), { targetId: r.targetId, countCap: 3 })).capped).toBe(false);

    const c = await compliance(store(), allFrameworks, { targetId: r.targetId });
    const pss = c.find((f) => f.id === 'pss')!;
    expect(pss.controls.find((x) => x.id === 'privileged')).toEqual({
      id: 'privileged',
      title: 'Privileged containers',
      failing: 1,
      levels: ['baseline'],
    });
    expect(pss.failingControls).toBe(1);
    expect(c.find((f) => f.id === 'owasp-llm-2025')!.controls.find((x) => x.id === 'LLM02')!.failing).toBe(1);
  });

  it.skipIf(skip)('merges the shards of one run: complete (and fixed computed) only when the last arrives', async () => {
    const target = 'sharded';
    await ingestRun(store(), result([finding(20), finding(21), finding(22)]), { target });
    // Every shard walks the whole tree: an error of the walk comes with each of them.
    const walkError = { path: 'models/private', message: 'cannot read directory: EACCES' };
    const s1 = await ingestRun(store(), result([finding(20)], { errors: [walkError] }), {
      target,
      runKey: 'ci-77',
      shard: { index: 1, total: 2 },
    });
    expect(s1).toMatchObject({ complete: false, shardsReceived: 1, fixed: 0 });
    expect((await listTargets(store())).find((x) => x.name === target)!.lastRun!.id).not.toBe(s1.runId);
    await expect(ingestRun(store(), result([finding(20)]), { target, runKey: 'ci-77', shard: { index: 1, total: 2 } })).rejects.toThrow(
      IngestConflict,
    );
    await expect(ingestRun(store(), result([]), { target, runKey: 'ci-77', shard: { index: 2, total: 3 } })).rejects.toThrow(
      /has 2 shards/,
    );
    const s2 = await ingestRun(
      store(),
      result([finding(21)], { errors: [walkError, { path: 'x.yaml', message: 'YAML parse error', line: 3 }] }),
      {
        target,
        runKey: 'ci-77',
        shard: { index: 2, total: 2 },
      },
    );
    expect(s2).toMatchObject({ runId: s1.runId, complete: true, shardsReceived: 2, fixed: 1 });
    const [run] = await listRuns(store(), { targetId: s2.targetId, limit: 1 });
    expect(run).toMatchObject({ id: s1.runId, files: 6, counts: { critical: 2 }, errors: 2, shards: { received: 2, total: 2 } });
    expect((await getRun(store(), s1.runId))!.errorList).toEqual([
      { path: 'models/private', message: 'cannot read directory: EACCES', line: null },
      { path: 'x.yaml', message: 'YAML parse error', line: 3 },
    ]);
    expect((await listFindings(store(), { targetId: s2.targetId, state: 'fixed' })).items.map((f) => f.path)).toEqual([
      'deploy/app-22.yaml',
    ]);
  });

  it.skipIf(skip)('keeps runtime alerts as they arrive in batches: newest event first, filtered, never "fixed"', async () => {
    const alert = (n: number, user: string, namespace: string, ruleId = 'RT-0001') =>
      finding(100 + n, {
        ruleId,
        slug: ruleId.toLowerCase(),
        severity: 'high',
        message: `Alert ${n}`,
        frameworks: [],
        location: {
          path: 'audit.log',
          startLine: n,
          resource: { kind: 'Secret', namespace, name: `s${n}` },
          event: { auditID: `a-${n}`, time: `2026-12-05T01:0${n}:00Z`, user, sourceIPs: ['10.0.0.9'], source: 'audit' },
        },
      });
    const batch = (fs: Finding[]) => parseRunInput(JSON.parse(JSON.stringify(fs)));
    await ingestRun(store(), batch([alert(1, 'alice', 'llm'), alert(2, 'bob', 'web', 'RT-0002')]), { target: 'prod', kind: 'runtime' });
    const second = await ingestRun(store(), batch([alert(3, 'alice', 'web')]), { target: 'prod', kind: 'runtime' });
    expect(second.fixed).toBe(0);
    const all = await listAlerts(store());
    expect(all.alerts.map((a) => [a.message, a.user, a.namespace, a.sourceIPs])).toEqual([
      ['Alert 3', 'alice', 'web', ['10.0.0.9']],
      ['Alert 2', 'bob', 'web', ['10.0.0.9']],
      ['Alert 1', 'alice', 'llm', ['10.0.0.9']],
    ]);
    const m = async (f: object) => (await listAlerts(store(), f)).alerts.map((a) => a.message);
    expect(await m({ user: 'alice' })).toEqual(['Alert 3', 'Alert 1']);
    expect(await m({ namespace: 'web', ruleId: 'RT-0002' })).toEqual(['Alert 2']);
    expect(await m({ since: '2026-12-05T01:01:30Z' })).toEqual(['Alert 3', 'Alert 2']);
    // Earlier batches' alerts stay open: a later batch does not report them, and that fixes nothing.
    const open = await listFindings(store(), { targetId: second.targetId });
    expect(open.total).toBe(3);
    // Scan findings are no alerts.
    await ingestRun(store(), result([finding(1)]), { target: 'repo-next-to-alerts' });
    expect((await listAlerts(store())).alerts).toHaveLength(3);
    expect(await m({ severity: ['critical'] })).toEqual([]);
    expect(await m({ kind: 'runtime', severity: ['high'] })).toEqual(['Alert 3', 'Alert 2', 'Alert 1']);
    expect(await m({ kind: 'admission' })).toEqual([]);
    expect(await m({ targetId: second.targetId, user: 'bob' })).toEqual(['Alert 2']);
    // Posture is the state of what is scanned: batches of alerts are not in it.
    const p = await posture(store(), { now: new Date(), days: 3650 });
    expect(p.runs.map((r) => r.target)).not.toContain('prod');
    expect(p.runs.map((r) => r.target)).toContain('repo-next-to-alerts');
  });

  it.skipIf(skip)('counts alerts per hour over every alert of the range, not over a page of the list', async () => {
    // 1,250 alerts over three hours: more than the list gives at once (at most 1,000).
    const alerts = Array.from({ length: 1250 }, (_, n) =>
      finding(10_000 + n, {
        ruleId: 'RT-0009',
        severity: n % 5 ? 'high' : 'critical',
        message: `Burst ${n}`,
        frameworks: [],
        location: {
          path: 'audit.log',
          resource: { kind: 'Pod', namespace: n % 2 ? 'llm' : 'web', name: `p${n}` },
          event: {
            auditID: `b-${n}`,
            time: `2026-12-04T0${7 + (n % 3)}:${String(n % 60).padStart(2, '0')}:00.123456Z`,
            user: 'mallory',
            sourceIPs: [],
          },
        },
      }),
    );
    const r = await ingestRun(store(), parseRunInput(JSON.parse(JSON.stringify(alerts))), { target: 'burst', kind: 'runtime' });
    expect((await listAlerts(store(), { targetId: r.targetId, limit: 5000 })).alerts).toHaveLength(1000);
    const since = '2026-12-04T00:00:00.000Z';
    const { hours } = await alertsPerHour(store(), { targetId: r.targetId, since });
    expect(hours).toEqual([
      { hour: '2026-12-04T07', critical: 84, high: 333, medium: 0, low: 0, info: 0 },
      { hour: '2026-12-04T08', critical: 83, high: 334, medium: 0, low: 0, info: 0 },
      { hour: '2026-12-04T09', critical: 83, high: 333, medium: 0, low: 0, info: 0 },
    ]);
    // The same filters as the list, and the range's bounds (from `since`, before `until`).
    const count = async (f: object) =>
      (await alertsPerHour(store(), { targetId: r.targetId, since, ...f })).hours.reduce((n, h) => n + h.critical + h.high, 0);
    expect(await count({ namespace: 'llm' })).toBe(625);
    expect(await count({ severity: ['critical'], namespace: 'web' })).toBe(125);
    expect(await count({ since: '2026-12-04T08:00:00.000Z', until: '2026-12-04T09:00:00.000Z' })).toBe(417);
    expect(await count({ user: 'alice' })).toBe(0);
    expect(await count({ kind: 'admission' })).toBe(0);
  });

  it.skipIf(skip)('reads whole exposure graphs up to a limit of edges and names the targets it did not read', async () => {
    const graph = (target: string, n: number) => ({
      ...result([]),
      exposure: Array.from({ length: n }, (_, i) => ({
        from: { role: 'entry' as const, kind: 'Ingress', namespace: 'llm', name: `${target}-in-${i}` },
        to: { role: 'service' as const, kind: 'Service', namespace: 'llm', name: `svc-${i}` },
      })),
    });
    const ids: Record<string, number> = {};
    for (const [target, n] of [
      ['graph-a', 3],
      ['graph-b', 4],
      ['graph-c', 2],
    ] as const)
      ids[target] = (await ingestRun(store(), graph(target, n), { target })).targetId;
    const mine = (list: Array<{ target: string }>) => list.map((e) => e.target).filter((t) => t.startsWith('graph-'));
    const all = await listExposureEdges(store(), { limit: 10_000 });
    expect(mine(all.edges)).toHaveLength(9);
    expect(all.cut).toEqual([]);
    // Edges of other tests' targets are read too: the limit here counts from what is already stored.
    const before = all.edges.filter((e) => e.targetId < ids['graph-a']).length;
    // Target b is read only in part at this limit: neither it nor c is walked, both are named.
    const cut = await listExposureEdges(store(), { limit: before + 5 });
    expect(mine(cut.edges)).toEqual(['graph-a', 'graph-a', 'graph-a']);
    expect(mine(cut.cut)).toEqual(['graph-b', 'graph-c']);
    // No part of a graph, even when the first one is too large.
    const none = await listExposureEdges(store(), { targetId: ids['graph-b'], limit: 3 });
    expect(none).toEqual({ edges: [], cut: [{ targetId: ids['graph-b'], target: 'graph-b' }] });
    const one = await listExposureEdges(store(), { targetId: ids['graph-b'], limit: 4 });
    expect([one.edges.length, one.cut]).toEqual([4, []]);
  });

  it.skipIf(skip)('writes a run in one transaction: a failure part-way leaves nothing of it', async () => {
    const bad = { ...result([finding(30), finding(31)]), inventory: [{ kind: 'model', name: null, detail: {} } as never] };
    await expect(ingestRun(store(), bad, { target: 'half-written' })).rejects.toThrow();
    expect((await listTargets(store())).map((x) => x.name)).not.toContain('half-written');
    const rows = await store().db.selectFrom('findings').select('id').where('path', '=', 'deploy/app-30.yaml').execute();
    expect(rows).toEqual([]);
  });

  it.skipIf(skip)('stores tokens hashed, with read and write scopes, revocable', async () => {
    const { token, info } = await createToken(store(), 'ci', 'write');
    expect(token).toMatch(/^sanctum_[A-Za-z0-9_-]{43}$/);
    const stored = await store().db.selectFrom('tokens').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(token.slice(14));
    expect(await verifyToken(store(), token)).toEqual({ id: info.id, scope: 'write' });
    expect(await verifyToken(store(), token + 'x')).toBeUndefined();
    expect((await listTokens(store())).map((x) => [x.name, x.scope, x.prefix])).toEqual([['ci', 'write', token.slice(0, 14)]]);
    expect(await revokeToken(store(), 'ci')).toBe(1);
    expect(await verifyToken(store(), token)).toBeUndefined();
  });
});
