import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../core/types.js';
import { createToken } from '../../store/tokens.js';
import { uploadResult, UploadError } from '../../store/upload.js';
import type { FastifyInstance } from 'fastify';
import { ingestRun } from '../../store/ingest.js';
import { parseRunInput } from '../../store/run-input.js';
import { Store } from '../../store/store.js';
import { createDashboardServer, isLoopback } from './server.js';
import { startDashboard, type RunningServer } from './start.js';

const RESULT: ScanResult = {
  schemaVersion: 1,
  tool: { name: 'sanctum', version: '0.1.0' },
  targets: ['.'],
  findings: [
    {
      ruleId: 'K8S-0003',
      slug: 'privileged-container',
      title: 'Privileged container',
      severity: 'critical',
      message: "Container 'vllm' runs privileged",
      location: {
        path: 'k8s/vllm.yaml',
        startLine: 21,
        startColumn: 11,
        endLine: 21,
        endColumn: 27,
        resource: { kind: 'Deployment', namespace: 'llm', name: 'vllm' },
      },
      frameworks: [{ id: 'pss', control: 'privileged', level: 'baseline' }],
      status: 'fail',
      fingerprint: 'sha256:aaaa',
      evidence: 'privileged: true',
    },
  ],
  errors: [],
  stats: { files: 1, resources: 1, durationMs: 5, rules: 10 },
};

describe('isLoopback', () => {
  it('accepts loopback addresses only', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost']) expect(isLoopback(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', 'example.com', '192.168.1.1']) expect(isLoopback(h), h).toBe(false);
  });
});

describe('sanctum serve API', () => {
  let dir: string;
  let server: RunningServer;
  let write: string;
  let readOnly: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sanctum-serve-'));
    server = await startDashboard({
      db: `sqlite:${join(dir, 'store.db')}`,
      host: '127.0.0.1',
      port: 0,
      bodyLimit: 64 * 1024,
      webRoot: join(dir, 'no-web'),
    });
    write = (await createToken(server.store, 'ci', 'write')).token;
    readOnly = (await createToken(server.store, 'viewer', 'read')).token;
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (body: string, token?: string, query = '') =>
    fetch(`${server.url}/api/v1/runs${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body,
    });
  const get = (path: string, token?: string) =>
    fetch(`${server.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('refuses --no-auth away from loopback', async () => {
    await expect(startDashboard({ db: 'sqlite::memory:', host: '0.0.0.0', port: 0, noAuth: true })).rejects.toThrow(
      /only allowed on a loopback/,
    );
  });

  it('needs a token: 401 without, 403 for a read token on upload, 201 for a write token', async () => {
    expect((await post(JSON.stringify(RESULT))).status).toBe(401);
    expect((await post(JSON.stringify(RESULT), 'sanctum_wrong')).status).toBe(401);
    expect((await post(JSON.stringify(RESULT), readOnly)).status).toBe(403);
    expect((await get('/api/v1/targets')).status).toBe(401);
    const ok = await post(JSON.stringify(RESULT), write, '?target=acme/llm&kind=repository');
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ findings: 1, newFindings: 1, complete: true });
    const targets = await get('/api/v1/targets', readOnly);
    expect(targets.status).toBe(200);
    expect(((await targets.json()) as any).targets).toEqual([expect.objectContaining({ name: 'acme/llm', kind: 'repository' })]);
  });

  it('answers 400 to bodies that are not JSON or not a result, and 413 to oversized ones', async () => {
    const bad = await post('{"schemaVersion": 1,', write);
    expect(bad.status).toBe(400);
    const notResult = await post(JSON.stringify({ findings: 'no' }), write);
    expect(notResult.status).toBe(400);
    expect(((await notResult.json()) as any).error).toMatch(/not a Sanctum result/);
    const invalid = await post(JSON.stringify({ ...RESULT, findings: [{ ruleId: 'X' }] }), write);
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as any).error).toMatch(/^invalid result: findings\.0\./);
    const big = await post(JSON.stringify({ ...RESULT, padding: 'x'.repeat(100 * 1024) }), write);
    expect(big.status).toBe(413);
    expect((await post(JSON.stringify(RESULT), write, '?shard=3/2')).status).toBe(400);
    expect((await post(JSON.stringify(RESULT), write, '?kind=spaceship')).status).toBe(400);
  });

  it('serves findings with their explanation and fix, and filters', async () => {
    const list = (await (await get('/api/v1/findings?severity=critical&q=vllm', readOnly)).json()) as any;
    expect(list.total).toBe(1);
    const one = (await (await get(`/api/v1/findings/${list.items[0].id}`, readOnly)).json()) as any;
    expect(one).toMatchObject({
      ruleId: 'K8S-0003',
      evidence: 'privileged: true',
      frameworks: [{ id: 'pss', control: 'privileged', level: 'baseline' }],
    });
    expect(one.rule.remediation.length).toBeGreaterThan(10);
    expect((await get('/api/v1/findings?severity=urgent', readOnly)).status).toBe(400);
    expect((await get('/api/v1/findings/999999', readOnly)).status).toBe(404);
    const compliance = (await (await get('/api/v1/compliance', readOnly)).json()) as any;
    expect(compliance.frameworks.find((f: { id: string }) => f.id === 'pss').failingControls).toBe(1);
    const posture = (await (await get('/api/v1/posture', readOnly)).json()) as any;
    expect(posture.runs.at(-1).counts.critical).toBe(1);
  });

  it('uploads through the shared client, and reports refusals without the token', async () => {
    const r = await uploadResult(RESULT, { url: server.url, token: write, target: 'client' });
    expect(r).toMatchObject({ findings: 1, complete: true });
    const refused = uploadResult(RESULT, { url: server.url + '/', token: readOnly, target: 'client' });
    await expect(refused).rejects.toThrow(UploadError);
    await expect(refused).rejects.toThrow(/403 this token may read but not upload/);
    await expect(refused).rejects.not.toThrow(readOnly);
    await expect(uploadResult(RESULT, { url: 'ftp://x' })).rejects.toThrow(/http\(s\) URL/);
  });

  it('walks exposure paths on the stored graph, hop by hop with the findings on each; older runs keep the paths of their findings', async () => {
    const service = (name: string, namespace: string, kind?: string) => ({
      kind: 'service',
      name,
      ...(kind ? { resource: { kind, namespace, name } } : {}),
      detail: { kind: 'vLLM', namespace, models: [] },
    });
    const edges = [
      {
        from: { role: 'entry', kind: 'Ingress', namespace: 'llm', name: 'chat' },
        to: { role: 'service', kind: 'Service', namespace: 'llm', name: 'vllm' },
        detail: { host: 'chat.example.com', port: '80' },
      },
      {
        from: { role: 'service', kind: 'Service', namespace: 'llm', name: 'vllm' },
        to: { role: 'workload', kind: 'Deployment', namespace: 'llm', name: 'vllm' },
        detail: { runs: 'vLLM' },
      },
      {
        from: { role: 'workload', kind: 'Deployment', namespace: 'llm', name: 'vllm' },
        to: { role: 'model', kind: 'Model', name: 'meta-llama/Llama-3.1-8B-Instruct' },
      },
      // The same Service is a LoadBalancer too: an entry of its own, and still one hop of the Ingress's path.
      {
        from: { role: 'entry', kind: 'Service', namespace: 'llm', name: 'vllm' },
        to: { role: 'workload', kind: 'Deployment', namespace: 'llm', name: 'vllm' },
        detail: { type: 'LoadBalancer', runs: 'vLLM' },
      },
      // A route to something that runs no AI service is no path of the AI inventory.
      {
        from: { role: 'entry', kind: 'Service', namespace: 'web', name: 'shop' },
        to: { role: 'workload', kind: 'Deployment', namespace: 'web', name: 'shop' },
        detail: { type: 'LoadBalancer' },
      },
    ];
    // A service uploaded with the kind of object it is, and one stored before kinds were kept.
    const withGraph = {
      ...RESULT,
      inventory: [service('vllm', 'llm'), service('tgi', 'llm', 'StatefulSet'), service('ollama', 'llm')],
      exposure: edges,
    };
    expect((await post(JSON.stringify(withGraph), write, '?target=graph')).status).toBe(201);
    expect((await post(JSON.stringify({ ...withGraph, exposure: [] }), write, '?target=no-graph')).status).toBe(201);
    const inv = (await (await get('/api/v1/inventory', readOnly)).json()) as any;
    const paths = inv.exposure.filter((p: { target: string }) => p.target === 'graph');
    expect(
      paths.map((p: any) => [p.source, p.service, p.hops.map((h: any) => `${h.role} ${h.label}${h.via ? ` (${h.via})` : ''}`)]),
    ).toEqual([
      [
        'graph',
        'vllm',
        [
          "entry Ingress 'chat'",
          "service Service 'vllm' (host chat.example.com, port 80)",
          "workload Deployment 'vllm' (runs vLLM)",
          'model meta-llama/Llama-3.1-8B-Instruct',
        ],
      ],
      [
        'graph',
        'vllm',
        ["entry Service 'vllm' (LoadBalancer)", "workload Deployment 'vllm' (runs vLLM)", 'model meta-llama/Llama-3.1-8B-Instruct'],
      ],
      ['graph', 'ollama', ["workload (unknown kind) 'ollama' (not reachable from outside the cluster in the scan)"]],
      ['graph', 'tgi', ["workload StatefulSet 'tgi' (not reachable from outside the cluster in the scan)"]],
    ]);
    expect(paths[0].hops[2].findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['K8S-0003']);
    expect(
      inv.exposure.filter((p: { target: string }) => p.target === 'no-graph').map((p: any) => [p.source, p.service, p.hops.at(-1).label]),
    ).toEqual([
      ['findings', 'ollama', "(unknown kind) 'ollama'"],
      ['findings', 'tgi', "StatefulSet 'tgi'"],
      ['findings', 'vllm', "Deployment 'vllm'"],
    ]);
    const bad = { ...RESULT, exposure: [{ from: { role: 'door', kind: 'X', name: 'y' }, to: edges[0].to }] };
    expect((await post(JSON.stringify(bad), write)).status).toBe(400);
  });

  it('counts alerts per hour for the alerts chart over the range, with the filters of the list', async () => {
    const alert = (n: number, hour: number) => ({
      ...RESULT.findings[0],
      ruleId: 'RT-0001',
      severity: n % 2 ? 'high' : 'medium',
      fingerprint: `sha256:alert-${n}`,
      location: {
        path: 'audit.log',
        resource: { kind: 'Pod', namespace: 'llm', name: 'p' },
        event: { time: `2026-12-03T1${hour}:00:0${n % 10}Z`, user: n % 3 ? 'bob' : 'alice' },
      },
    });
    const batch = Array.from({ length: 30 }, (_, n) => alert(n, n % 2));
    const stored = await post(JSON.stringify(batch), write, '?kind=runtime&target=hourly');
    expect(stored.status).toBe(201);
    const { targetId } = (await stored.json()) as { targetId: number };
    const hourly = async (query: string) => {
      const r = await get(`/api/v1/alerts/hourly?target=${targetId}&${query}`, readOnly);
      expect(r.status).toBe(200);
      return ((await r.json()) as { hours: Array<Record<string, unknown>> }).hours;
    };
    expect(await hourly('since=2026-12-03T00:00:00Z')).toEqual([
      { hour: '2026-12-03T10', critical: 0, high: 0, medium: 15, low: 0, info: 0 },
      { hour: '2026-12-03T11', critical: 0, high: 15, medium: 0, low: 0, info: 0 },
    ]);
    expect(await hourly('since=2026-12-03T00:00:00Z&user=alice&severity=medium')).toEqual([
      { hour: '2026-12-03T10', critical: 0, high: 0, medium: 5, low: 0, info: 0 },
    ]);
    expect(await hourly('since=2026-12-03T11:00:00Z')).toHaveLength(1);
    // Without a range: the last 24 hours, which these alerts are not in.
    expect(await hourly('')).toEqual([]);
    expect((await get('/api/v1/alerts/hourly?since=yesterday', readOnly)).status).toBe(400);
    expect((await get('/api/v1/alerts/hourly?kind=scan', readOnly)).status).toBe(400);
    expect((await get('/api/v1/alerts/hourly')).status).toBe(401);
  });

  it('takes SARIF from other tools', async () => {
    const sarif = {
      version: '2.1.0',
      runs: [
        {
          tool: { driver: { name: 'kubescape' } },
          results: [{ ruleId: 'C-0057', level: 'error', message: { text: 'Privileged container' } }],
        },
      ],
    };
    const r = await post(JSON.stringify(sarif), write, '?target=kubescape-run');
    expect(r.status).toBe(201);
    const targets = ((await (await get('/api/v1/targets', readOnly)).json()) as any).targets;
    expect(targets.find((t: { name: string }) => t.name === 'kubescape-run')).toMatchObject({
      kind: 'external',
      lastRun: { counts: { high: 1 } },
    });
  });
});

describe('inventory over more exposure edges than it reads at once', () => {
  let dir: string;
  let store: Store;
  let app: FastifyInstance;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sanctum-serve-cut-'));
    store = await Store.open(`sqlite:${join(dir, 'store.db')}`);
    app = await createDashboardServer({ store, noAuth: true, frameworks: [], lookupRule: () => undefined, exposureEdgeLimit: 3 });
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('names the targets whose graphs it did not walk, and shows their paths from their findings', async () => {
    const upload = (target: string, services: string[]) =>
      ingestRun(
        store,
        parseRunInput({
          ...RESULT,
          inventory: services.map((name) => ({ kind: 'service', name, detail: { kind: 'vLLM', namespace: 'llm', models: [] } })),
          exposure: services.flatMap((name) => [
            {
              from: { role: 'entry', kind: 'Ingress', namespace: 'llm', name: `${name}-in` },
              to: { role: 'service', kind: 'Service', namespace: 'llm', name },
            },
            {
              from: { role: 'service', kind: 'Service', namespace: 'llm', name },
              to: { role: 'workload', kind: 'Deployment', namespace: 'llm', name },
              detail: { runs: 'vLLM' },
            },
          ]),
        }),
        { target },
      );
    await upload('small', ['vllm']);
    await upload('large', ['tgi', 'ollama']);
    const inv = async (query = '') => (await app.inject({ url: `/api/v1/inventory${query}` })).json();
    const all = await inv();
    expect(all.exposureCut).toEqual({ limit: 3, targets: ['large'] });
    expect(all.exposure.map((p: any) => [p.target, p.source, p.service])).toEqual([
      ['small', 'graph', 'vllm'],
      ['large', 'findings', 'ollama'],
      ['large', 'findings', 'tgi'],
    ]);
    const small = await inv(`?target=${all.items.find((i: any) => i.target === 'small').targetId}`);
    expect(small.exposureCut).toBeUndefined();
  });
});
