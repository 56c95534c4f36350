import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type RunningServer } from '../src/server/dashboard/start.js';
import { fakes } from '../src/rules/secrets/lib/fakes.js';
import { auditEvent } from '../src/rules/runtime/lib/examples.js';
import {
  getFinding,
  getRun,
  listAlerts,
  listExposureEdges,
  listFindings,
  listInventory,
  listRuns,
  listTargets,
} from '../src/store/queries.js';
import { clusterTargetName } from '../src/cli/upload-options.js';
import { FakeApiServer } from '../src/testing/fake-apiserver.js';
import { dockerSave } from '../src/testing/images.js';
import { PRIVILEGED_POD, run } from './cli-helpers.js';

const root = resolve(import.meta.dirname, '..');
const EXAMPLE = 'examples/ai-platform';

describe('scan, image, cluster and audit --upload, --shard, serve and token commands', () => {
  let dir: string;
  let server: RunningServer;
  let token: string;
  const saved = process.env.SANCTUM_TOKEN;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sanctum-upload-'));
    const db = `sqlite:${join(dir, 'store.db')}`;
    const created = await run(['token', 'create', 'ci', '--scope', 'write', '--db', db], { cwd: dir });
    expect(created.code).toBe(0);
    token = created.stdout.trim();
    server = await startDashboard({ db, host: '127.0.0.1', port: 0, webRoot: join(dir, 'no-web') });
  });
  afterAll(async () => {
    await server?.close();
    if (saved === undefined) delete process.env.SANCTUM_TOKEN;
    else process.env.SANCTUM_TOKEN = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it('token list shows names and prefixes, never the token', async () => {
    const listed = await run(['token', 'list', '--db', `sqlite:${join(dir, 'store.db')}`], { cwd: dir });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^1\tci\twrite\tsanctum_\S{6}…\t/);
    expect(listed.stdout).not.toContain(token);
  });

  it('serve refuses --no-auth on a public address (exit 2)', async () => {
    const r = await run(['serve', '--db', 'sqlite::memory:', '--host', '0.0.0.0', '--port', '0', '--no-auth'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--no-auth is only allowed on a loopback address/);
  });

  it('uploads a scan with its inventory; the token comes from SANCTUM_TOKEN', async () => {
    process.env.SANCTUM_TOKEN = token;
    const r = await run(
      [
        'scan',
        EXAMPLE,
        '--format',
        'json',
        '--output',
        join(dir, 'out.json'),
        '--upload',
        server.url,
        '--upload-target',
        'whole',
        '--fail-on',
        'none',
      ],
      {
        cwd: root,
      },
    );
    expect(r.stderr).toMatch(/uploaded run \d+: \d+ findings, \d+ new, 0 fixed/);
    expect(r.code).toBe(0);
    const stored = await listFindings(server.store, { state: 'all', limit: 500 });
    expect(stored.total).toBeGreaterThan(10);
    const services = await listInventory(server.store, { kind: 'service' });
    expect(services.length).toBeGreaterThan(0);
    // Each AI service is the object that deploys it: the findings on that object are the service's.
    expect(services.find((x) => x.name === 'vllm')?.resource).toEqual({ kind: 'Deployment', namespace: 'llm', name: 'vllm' });
    expect(services.every((x) => x.resource?.kind)).toBe(true);
    // Workloads that run on GPUs, read from the objects the scan's cross-object rules saw.
    const gpus = await listInventory(server.store, { kind: 'gpu' });
    expect(gpus.find((g) => g.path?.endsWith('k8s/training-job.yaml'))).toMatchObject({
      resource: { kind: expect.any(String), namespace: expect.any(String) },
      detail: { role: 'workload', resources: { 'nvidia.com/gpu': expect.any(String) } },
    });
  });

  it('uploads what it read from stdin (no inventory to collect)', async () => {
    process.env.SANCTUM_TOKEN = token;
    const r = await run(['scan', '-', '--format', 'json', '--upload', server.url, '--upload-target', 'stdin-pod', '--fail-on', 'none'], {
      cwd: dir,
      stdin: PRIVILEGED_POD,
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/uploaded run \d+: [1-9]\d* findings/);
    expect(JSON.parse(r.stdout).findings.length).toBeGreaterThan(0);
  });

  it('a wrong token fails the command with the server answer (exit 2)', async () => {
    const r = await run(
      [
        'scan',
        EXAMPLE,
        '--format',
        'json',
        '--output',
        join(dir, 'out2.json'),
        '--upload',
        server.url,
        '--token',
        'sanctum_nope',
        '--fail-on',
        'none',
      ],
      {
        cwd: root,
      },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refused the upload: 401/);
  });

  it('merges the shards of a run into the same findings as one whole scan', async () => {
    const shard = (i: number) =>
      run(
        [
          'scan',
          EXAMPLE,
          '--format',
          'json',
          '--output',
          join(dir, `s${i}.json`),
          '--upload',
          server.url,
          '--upload-target',
          'sharded',
          '--run-key',
          'pipeline-1',
          '--shard',
          `${i}/2`,
          '--fail-on',
          'none',
        ],
        {
          cwd: root,
        },
      );
    const first = await shard(1);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/shard 1\/2\)/);
    const second = await shard(2);
    expect(second.stderr).toMatch(/shard 2\/2, complete\)/);
    // Each shard scanned a real part: neither holds every finding.
    const counts = [first, second].map((x) => Number(/: (\d+) findings/.exec(x.stderr)![1]));
    expect(counts.every((n) => n > 0)).toBe(true);
    const [whole, sharded] = await Promise.all(
      ['whole', 'sharded'].map(async (name) => {
        const runs = await listRuns(server.store);
        const targetId = runs.find((x) => x.target === name)!.targetId;
        const all = await listFindings(server.store, { targetId, state: 'all', limit: 500 });
        return all.items.map((f) => `${f.ruleId} ${f.path}:${f.startLine} ${f.message}`).sort();
      }),
    );
    expect(sharded.length).toBeGreaterThan(10);
    expect(sharded).toEqual(whole);
    expect(counts[0] + counts[1]).toBeGreaterThanOrEqual(whole.length);
    expect(Math.max(...counts)).toBeLessThan(whole.length);
    const r = (await listRuns(server.store)).find((x) => x.target === 'sharded')!;
    expect(r.shards).toEqual({ received: 2, total: 2 });
    // Errors every shard meets (the walk's, the set-up's) are the run's once, as in the whole scan.
    const errorsOf = async (name: string) =>
      (await getRun(server.store, (await listRuns(server.store)).find((x) => x.target === name)!.id))!.errorList;
    const wholeErrors = await errorsOf('whole');
    expect(await errorsOf('sharded')).toEqual(wholeErrors);
  });

  it('walks one exposure graph for the shards of a run, the same as the whole scan', async () => {
    // Deployment directories (each its own set of objects, as the exposure graph is built): four
    // copies of one environment, a team's LoadBalancer, and an Ingress to that team's Service from
    // a directory of its own (a hop to a Service that is not in its set, whole or sharded).
    const repo = join(dir, 'graph-repo');
    const app = (name: string, namespace: string, image: string) => `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${namespace}}
spec: {selector: {app: ${name}}, ports: [{port: 8000}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
        - name: server
          image: ${image}
          args: ["--model", "meta-llama/Llama-3.1-8B-Instruct"]
`;
    const ingress = (name: string, namespace: string, service: string) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  rules:
    - host: ${name}.example.com
      http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: ${service}, port: {number: 8000}}}}]}
`;
    const files: Record<string, string> = {
      'teams/a/tgi.yaml': app('tgi', 'team-a', 'ghcr.io/huggingface/text-generation-inference:2.0.4').replace(
        'spec: {selector',
        'spec: {type: LoadBalancer, selector',
      ),
      'edge/ingress.yaml': ingress('tgi-in', 'team-a', 'tgi'),
    };
    for (const env of ['dev', 'prod', 'stage', 'qa'])
      files[`envs/${env}/app.yaml`] = `${ingress('chat', 'llm', 'vllm')}---\n${app('vllm', 'llm', 'vllm/vllm-openai:v0.6.3')}`;
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(repo, path)), { recursive: true });
      writeFileSync(join(repo, path), text);
    }
    const scan = (target: string, shard?: number) =>
      run(
        [
          'scan',
          // Relative: shards are chosen by a hash of the display path, which must not hold the random temporary directory.
          'graph-repo',
          '--format',
          'json',
          '--output',
          join(dir, `graph-${target}-${shard ?? 0}.json`),
          '--upload',
          server.url,
          '--token',
          token,
          '--upload-target',
          target,
          '--fail-on',
          'none',
          ...(shard ? ['--run-key', 'graph-pipeline', '--shard', `${shard}/2`] : []),
        ],
        { cwd: dir },
      );
    expect((await scan('graph-whole')).code).toBe(0);
    expect((await scan('graph-sharded', 1)).code).toBe(0);
    expect((await scan('graph-sharded', 2)).stderr).toMatch(/shard 2\/2, complete\)/);
    // The copies of the environment are split between the shards (else this would test nothing).
    const envsOf = (shard: number) => {
      const out = JSON.parse(readFileSync(join(dir, `graph-graph-sharded-${shard}.json`), 'utf8')) as {
        findings: Array<{ location: { path: string } }>;
      };
      return new Set(out.findings.map((f) => /envs\/(\w+)\//.exec(f.location.path)?.[1]).filter(Boolean));
    };
    expect([envsOf(1).size, envsOf(2).size].every((n) => n > 0)).toBe(true);

    const targetOf = async (name: string) => (await listTargets(server.store)).find((t) => t.name === name)!.id;
    const graphOf = async (name: string) =>
      (await listExposureEdges(server.store, { targetId: await targetOf(name) })).edges
        .map((e) => JSON.stringify([e.edge.from, e.edge.to]))
        .sort();
    const whole = await graphOf('graph-whole');
    expect(whole).toHaveLength(5);
    expect(await graphOf('graph-sharded')).toEqual(whole);
    type Path = {
      targetId: number;
      target: string;
      hops: Array<{ label: string; findings: Array<{ id: number; ruleId: string; message: string }> }>;
    };
    const pathsOf = async (name: string) => {
      const r = await fetch(`${server.url}/api/v1/inventory?target=${await targetOf(name)}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const { exposure } = (await r.json()) as { exposure: Path[] };
      // Everything but the target and the ids its findings have.
      return exposure
        .map(({ targetId: _id, target: _name, hops, ...path }) =>
          JSON.stringify({
            ...path,
            hops: hops.map((h) => ({ ...h, findings: h.findings.map((f) => `${f.ruleId} ${f.message}`).sort() })),
          }),
        )
        .sort();
    };
    const wholePaths = await pathsOf('graph-whole');
    expect(
      wholePaths.map((p) =>
        JSON.parse(p)
          .hops.map((h: { label: string }) => h.label)
          .join(' → '),
      ),
    ).toEqual([
      "Ingress 'tgi-in' → Service 'tgi' → Deployment 'tgi'",
      "Service 'tgi' → Deployment 'tgi'",
      "Ingress 'chat' → Service 'vllm' → Deployment 'vllm' → meta-llama/Llama-3.1-8B-Instruct",
    ]);
    expect(await pathsOf('graph-sharded')).toEqual(wholePaths);
  });

  it('--shard needs a run key to upload, and a valid I/N', async () => {
    const saved = { ...process.env };
    for (const k of ['GITHUB_RUN_ID', 'CI_PIPELINE_ID', 'BUILDKITE_BUILD_ID', 'BUILD_BUILDID', 'CIRCLE_WORKFLOW_ID', 'BUILD_TAG'])
      delete process.env[k];
    try {
      const noKey = await run(
        ['scan', EXAMPLE, '--shard', '1/2', '--upload', server.url, '--format', 'json', '--output', join(dir, 'x.json')],
        { cwd: root },
      );
      expect(noKey.code).toBe(2);
      expect(noKey.stderr).toMatch(/needs --run-key/);
      // Checked before the scan: no report written, nothing on stdout.
      expect(existsSync(join(dir, 'x.json'))).toBe(false);
      const notUrl = await run(['scan', EXAMPLE, '--upload', 'not a url', '--token', 't'], { cwd: root });
      expect([notUrl.code, notUrl.stdout, notUrl.stderr]).toEqual([2, '', "sanctum: --upload must be an http(s) URL (got 'not a url')\n"]);
      const bad = await run(['scan', EXAMPLE, '--shard', '3/2'], { cwd: root });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--shard must be I\/N/);
    } finally {
      process.env = saved;
    }
  });

  it('image, cluster and audit check --upload before any work: one error line, exit 2, no report', async () => {
    const bad = "sanctum: --upload must be an http(s) URL (got 'not a url')\n";
    const out = (name: string) => join(dir, `early-${name}`);
    const image = await run(
      ['image', join(dir, 'missing.tar'), '--upload', 'not a url', '--format', 'json', '--output', out('image.json')],
      {
        cwd: root,
      },
    );
    expect([image.code, image.stdout, image.stderr]).toEqual([2, '', bad]);
    const cluster = await run(['cluster', '--kubeconfig', join(dir, 'missing-kubeconfig'), '--upload', 'not a url'], { cwd: root });
    expect([cluster.code, cluster.stdout, cluster.stderr]).toEqual([2, '', bad]);
    const audit = await run(['audit', '-', '--upload', 'not a url', '--format', 'jsonl', '--output', out('audit.jsonl')], {
      cwd: dir,
      stdin: '',
    });
    expect([audit.code, audit.stdout, audit.stderr]).toEqual([2, '', bad]);
    expect(existsSync(out('image.json')) || existsSync(out('audit.jsonl'))).toBe(false);
  });

  it('image --upload stores the image under its reference, as a target of kind image', async () => {
    await dockerSave(join(dir, 'app.tar'), {
      config: { ExposedPorts: { '22/tcp': {} } },
      layers: [{ entries: [{ name: 'srv/app.env', content: `HF_TOKEN=${fakes.huggingface('upload')}\n` }] }],
    });
    const r = await run(['image', 'app.tar', '--no-progress', '--upload', server.url, '--token', token, '--fail-on', 'none'], {
      cwd: dir,
    });
    expect(r.stderr).toMatch(/uploaded run \d+: [1-9]\d* findings/);
    expect(r.code).toBe(0);
    const target = (await listTargets(server.store)).find((t) => t.name === 'app.tar');
    expect(target).toMatchObject({ kind: 'image', lastRun: expect.objectContaining({ id: expect.any(Number) }) });
    const stored = await listFindings(server.store, { targetId: target!.id });
    const secret = stored.items.find((f) => f.ruleId.startsWith('SEC-') && f.path.endsWith('srv/app.env'));
    expect(secret).toBeDefined();
    expect(JSON.stringify(await getFinding(server.store, secret!.id))).not.toContain(fakes.huggingface('upload'));
  });

  it('cluster --upload stores the cluster under its context and API server', async () => {
    const api = await new FakeApiServer({
      objects: [
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'vllm', namespace: 'llm' },
          spec: {
            containers: [
              {
                name: 'vllm',
                image: 'vllm/vllm-openai:v0.6.3',
                securityContext: { privileged: true },
                resources: { limits: { 'nvidia.com/gpu': 2 } },
              },
            ],
          },
        },
        {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: {
            name: 'gpu-a100-1',
            labels: {
              'nvidia.com/gpu.present': 'true',
              'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB-SHARED',
              'nvidia.com/gpu.count': '8',
              'nvidia.com/gpu.sharing-strategy': 'time-slicing',
              'nvidia.com/gpu.replicas': '4',
            },
          },
          status: { capacity: { cpu: '96', 'nvidia.com/gpu': '32' }, allocatable: { 'nvidia.com/gpu': '32' } },
        },
        { apiVersion: 'v1', kind: 'Node', metadata: { name: 'cpu-1' }, status: { capacity: { cpu: '16' } } },
      ],
    }).start();
    try {
      const r = await run(
        ['cluster', '--kubeconfig', api.kubeconfigPath, '--quiet', '--upload', server.url, '--token', token, '--fail-on', 'none'],
        { cwd: dir },
      );
      expect(r.code).toBe(0);
      const target = (await listTargets(server.store)).find((t) => t.kind === 'cluster');
      expect(target?.name).toMatch(/^fake \(127\.0\.0\.1:\d+\)$/);
      const stored = await listFindings(server.store, { targetId: target!.id });
      expect(stored.items.some((f) => f.resource?.kind === 'Pod' && f.resource.name === 'vllm')).toBe(true);

      // The GPUs the scan saw: the node with how it shares them, the pod with what it asks for.
      const gpus = await listInventory(server.store, { targetId: target!.id, kind: 'gpu' });
      expect(gpus.map((g) => [g.resource, g.version])).toEqual([
        [{ kind: 'Node', name: 'gpu-a100-1' }, 'NVIDIA-A100-SXM4-80GB-SHARED'],
        [{ kind: 'Pod', namespace: 'llm', name: 'vllm' }, null],
      ]);
      expect(gpus[0].detail).toMatchObject({
        role: 'node',
        resources: { 'nvidia.com/gpu': '32' },
        sharing: 'time-slicing',
        replicas: 4,
        count: 8,
      });
      expect(gpus[1].detail).toMatchObject({ role: 'workload', resources: { 'nvidia.com/gpu': '2' }, containers: [{ name: 'vllm' }] });
      // The inventory API gives each GPU entry the open findings on its object.
      const res = await fetch(`${server.url}/api/v1/inventory?kind=gpu&target=${target!.id}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const body = (await res.json()) as { items: Array<{ name: string; findings: Array<{ ruleId: string }> }> };
      const rules = Object.fromEntries(body.items.map((i) => [i.name, i.findings.map((f) => f.ruleId)]));
      expect(rules['gpu-a100-1']).toContain('K8S-0202');
      expect(rules.vllm).toContain('K8S-0003');
    } finally {
      await api.close();
    }
  });

  it('names a cluster by context and API server host, without credentials', () => {
    expect(clusterTargetName({ context: 'prod', server: 'https://api.prod.example.com:6443' })).toBe('prod (api.prod.example.com:6443)');
    expect(clusterTargetName({ context: 'x', server: 'https://user:secret@10.0.0.1/' })).toBe('x (10.0.0.1)');
  });

  it('audit --upload sends alerts to the store as they come, in batches, as runs of a runtime target', async () => {
    const events = [
      auditEvent({ auditID: 'exec-1', verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'shop', name: 'web-0', code: 101 }),
      auditEvent({
        auditID: 'anon-1',
        verb: 'list',
        resource: 'secrets',
        user: 'system:anonymous',
        groups: ['system:unauthenticated'],
        time: '2026-03-02T10:16:00.000000Z',
      }),
    ];
    const r = await run(
      ['audit', '-', '--format', 'jsonl', '--upload', server.url, '--token', token, '--upload-target', 'prod-cluster', '--fail-on', 'none'],
      { cwd: dir, stdin: events.map((e) => JSON.stringify(e)).join('\n') + '\n' },
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/uploaded [1-9]\d*, dropped 0/);
    const target = (await listTargets(server.store)).find((t) => t.name === 'prod-cluster');
    expect(target?.kind).toBe('runtime');
    const { alerts } = await listAlerts(server.store);
    expect(alerts.length).toBeGreaterThanOrEqual(2);
    expect(alerts.every((a) => a.target === 'prod-cluster' && a.time)).toBe(true);
    expect(alerts.map((a) => a.user)).toContain('system:anonymous');
    // Newest event first.
    expect([...alerts].sort((a, b) => b.time.localeCompare(a.time)).map((a) => a.id)).toEqual(alerts.map((a) => a.id));
  });

  it('audit --upload with a bad URL is a setup error (exit 2)', async () => {
    const r = await run(['audit', '-', '--upload', 'ftp://x'], { cwd: dir, stdin: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--upload must be an http\(s\) URL/);
  });
});
