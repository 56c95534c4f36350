import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import type { Finding, ScanResult } from '../src/core/types.js';
import { auditEvent, falcoAlert, pod, tetragonExec } from '../src/rules/runtime/lib/examples.js';
import { expectNoStackTrace, FakeStream, run, workspace } from './cli-helpers.js';
import { until } from './wait.js';

const lines = (...events: Array<Record<string, unknown>>) => events.map((e) => JSON.stringify(e)).join('\n') + '\n';

const exec = auditEvent({
  auditID: 'exec-1',
  verb: 'create',
  resource: 'pods',
  subresource: 'exec',
  namespace: 'shop',
  name: 'web-0',
  code: 101,
  sourceIPs: ['192.0.2.8'],
  time: '2026-03-02T10:15:00.000000Z',
});
const anon = auditEvent({
  auditID: 'anon-1',
  verb: 'list',
  resource: 'secrets',
  user: 'system:anonymous',
  groups: ['system:unauthenticated'],
  sourceIPs: ['203.0.113.50'],
  time: '2026-03-02T10:16:00.000000Z',
});
const benign = auditEvent({
  auditID: 'ok-1',
  verb: 'get',
  resource: 'configmaps',
  namespace: 'shop',
  name: 'c',
  time: '2026-03-02T10:14:00.000000Z',
});
const received = { ...exec, stage: 'RequestReceived' };

let ws: ReturnType<typeof workspace>;
beforeAll(() => {
  ws = workspace({
    'audit.log': lines(benign, received, exec) + 'not json at all\n' + lines(anon),
    'list.json': JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [benign, exec] }, null, 2),
    'falco.json': lines(
      falcoAlert('Terminal shell in container', {
        'evt.type': 'execve',
        'proc.name': 'bash',
        'proc.exepath': '/bin/bash',
        'proc.cmdline': 'bash -i',
        'proc.pname': 'python3',
        'k8s.pod.name': 'vllm-0',
        'container.image.repository': 'vllm/vllm-openai',
      }),
    ),
    'tetragon.json': lines(tetragonExec({ binary: '/tmp/xmrig', args: '-o stratum+tcp://p:3333' })),
    'manifests/notebook.yaml': `apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: research-lab\n  namespace: ml\nspec:\n  template:\n    spec:\n      containers:\n      - name: lab\n        image: quay.io/jupyter/scipy-notebook:2024-10-07\n`,
    'ctx.log': lines(
      auditEvent({ verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'ml', name: 'research-lab-0', code: 101 }),
    ),
    '.sanctum.yaml': 'ignore:\n  - rule: RT-0002\n    users: ["alice@*"]\n    namespaces: [shop]\n    reason: on-call runbook\n',
    'hygiene.yaml':
      'ignore:\n  - rule: RT-0002\n    users: ["alice@*"]\n  - rule: RT-0002\n    namespaces: [other]\n    reason: not this namespace\n' +
      '  - rule: RT-0011\n    reason: a past exception\n    expires: 2020-01-31\n',
  });
});
afterAll(() => ws.cleanup());

describe('sanctum audit', () => {
  it('--format json: the result contract with location.event, malformed lines in errors, stages judged once, exit 1 at --fail-on', async () => {
    const r = await run(['audit', 'audit.log', '--format', 'json', '--config', 'none.yaml'], { cwd: ws.dir }).catch((e) => e);
    expect(r.code).toBe(2); // the named config does not exist
    const ok = await run(['audit', 'audit.log', '--format', 'json', '--config', '/dev/null'], { cwd: ws.dir });
    expectNoStackTrace(ok.stderr);
    const result = JSON.parse(ok.stdout) as ScanResult;
    expect(result.findings.map((f) => f.ruleId)).toEqual(['RT-0002', 'RT-0001', 'RT-0011']);
    const f = result.findings[0];
    expect(f.location).toMatchObject({
      path: 'audit.log',
      startLine: 3,
      objectPath: '/objectRef',
      resource: { kind: 'Pod', namespace: 'shop', name: 'web-0' },
    });
    expect(f.location.event).toEqual({
      auditID: 'exec-1',
      time: '2026-03-02T10:15:00.004211Z',
      user: 'alice@example.com',
      sourceIPs: ['192.0.2.8'],
      source: 'audit',
    });
    expect(result.errors).toEqual([{ path: 'audit.log', message: expect.stringMatching(/^line 4: not JSON/) }]);
    expect(ok.stderr).toMatch(/5 lines, 3 events judged, 1 skipped \(other stages\), 1 malformed; 3 detections/);
    expect(ok.code).toBe(1);
  });

  it('a malformed line is reported without the text JSON.parse quotes from it: no control characters, no secret', async () => {
    const w = workspace({ 'bad.log': 'pw-Xy7!qwerTY\n\x1b]0;pwned\x07\n' + lines(exec) });
    try {
      const r = await run(['audit', 'bad.log', '--format', 'json', '--config', '/dev/null', '--fail-on', 'none'], { cwd: w.dir });
      expectNoStackTrace(r.stderr);
      const result = JSON.parse(r.stdout) as ScanResult;
      expect(result.errors).toEqual([
        { path: 'bad.log', message: "line 1: not JSON: Unexpected token 'p' (not valid JSON)" },
        { path: 'bad.log', message: "line 2: not JSON: Unexpected token '\\x1b' (not valid JSON)" },
      ]);
      expect(r.stderr).toContain("sanctum: bad.log: line 2: not JSON: Unexpected token '\\x1b' (not valid JSON)\n");
      for (const out of [r.stdout, r.stderr]) {
        expect(out).not.toContain('\x1b');
        expect(out).not.toContain('qwerTY');
      }
      expect(r.code).toBe(0);
    } finally {
      w.cleanup();
    }
  });

  it('suppresses by rule, user and namespace from .sanctum.yaml, with the reason', async () => {
    const r = await run(['audit', 'audit.log', '--format', 'jsonl'], { cwd: ws.dir });
    const found = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Finding);
    expect(found.find((f) => f.ruleId === 'RT-0002')).toMatchObject({
      status: 'suppressed',
      suppression: { kind: 'config', reason: 'on-call runbook' },
    });
    expect(found.find((f) => f.ruleId === 'RT-0001')?.status).toBe('fail');
  });

  it('reports an ignore entry without a reason (SAN-0001) and an expired one (SAN-0002) once; the expired one no longer suppresses', async () => {
    // The log twice: each entry is reported once however often it matches.
    const twice = await run(['audit', '-', '--format', 'jsonl', '--config', 'hygiene.yaml'], {
      cwd: ws.dir,
      stdin: readFileSync(join(ws.dir, 'audit.log'), 'utf8').repeat(2),
    });
    expectNoStackTrace(twice.stderr);
    const found = twice.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Finding);
    const brief = found.map((f) => [f.ruleId, f.status, f.location.path, f.suppression?.reason ?? f.suppression?.kind ?? null]);
    expect(brief).toEqual([
      // Suppressed by the entry without a reason (it still suppresses, as in scans), which is reported once.
      ['RT-0002', 'suppressed', '-', 'config'],
      ['SAN-0001', 'fail', 'hygiene.yaml', null],
      ['RT-0001', 'fail', '-', null],
      // The expired entry matches the anonymous request but no longer suppresses it.
      ['RT-0011', 'fail', '-', null],
      ['SAN-0002', 'fail', 'hygiene.yaml', null],
      ['RT-0002', 'suppressed', '-', 'config'],
      ['RT-0001', 'fail', '-', null],
      ['RT-0011', 'fail', '-', null],
    ]);
    expect(found.find((f) => f.ruleId === 'SAN-0002')?.message).toBe(
      'Ignore entry for RT-0011 expired on 2020-01-31; its detections are reported again',
    );
  });

  it('reads a pretty-printed EventList from stdin, and writes a table', async () => {
    const r = await run(['audit', '-', '--config', '/dev/null'], {
      cwd: ws.dir,
      stdin: readFileSync(join(ws.dir, 'list.json'), 'utf8').replace(/\n\s*/g, ''),
    });
    expect(r.stdout).toMatch(
      /^TIME\s+SEVERITY\s+RULE\s+WHO\s+MESSAGE\n2026-03-02 10:15:00\s+MEDIUM\s+RT-0002\s+alice@example.com\s+'alice@example.com' opened exec of pod shop\/web-0\n$/,
    );
  });

  it('--falco and --tetragon feed the same rules; --format falco writes Falco-compatible alerts', async () => {
    const r = await run(['audit', '--falco', 'falco.json', '--tetragon', 'tetragon.json', '--format', 'falco'], { cwd: ws.dir });
    const alerts = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(alerts.map((a) => a.output_fields['sanctum.rule_id']).sort()).toEqual(['RT-0021', 'RT-0025']);
    const shell = alerts.find((a) => a.output_fields['sanctum.rule_id'] === 'RT-0021');
    expect(shell).toMatchObject({
      priority: 'Critical',
      rule: 'Shell or interpreter started inside a model server',
      source: 'syscall',
      output_fields: { 'k8s.ns.name': 'llm', 'k8s.pod.name': 'vllm-0' },
    });
    expect(typeof shell.time).toBe('string');
  });

  it('--context tells which workloads are AI services', async () => {
    const without = await run(['audit', 'ctx.log', '--format', 'jsonl'], { cwd: ws.dir });
    expect(without.stdout).toMatch(/"RT-0002"/);
    const withCtx = await run(['audit', 'ctx.log', '--format', 'jsonl', '--context', 'manifests'], { cwd: ws.dir });
    expect(JSON.parse(withCtx.stdout.trim())).toMatchObject({
      ruleId: 'RT-0015',
      message: expect.stringMatching(/Jupyter notebook pod ml\/research-lab-0 \(recognised by manifest manifests\/notebook.yaml\)/),
    });
  });

  it('--learn writes baselines; a later run reports departures from them', async () => {
    const learn = lines(auditEvent({ verb: 'get', resource: 'pods', namespace: 'shop', user: 'dave', time: '2026-03-01T10:00:00Z' }));
    const later = lines(auditEvent({ verb: 'delete', resource: 'pods', namespace: 'shop', user: 'dave', time: '2026-03-02T10:00:00Z' }));
    const a = await run(['audit', '-', '--learn', '--baselines', 'state/baselines.json', '--format', 'jsonl'], {
      cwd: ws.dir,
      stdin: learn + later.replace('"delete"', '"get"'),
    });
    expect(a.stdout).toBe('');
    expect(existsSync(join(ws.dir, 'state/baselines.json'))).toBe(true);
    const stored = JSON.parse(readFileSync(join(ws.dir, 'state/baselines.json'), 'utf8'));
    expect(stored.identities.dave).toMatchObject({ verb: ['get'], resource: ['pods'], namespace: ['shop'] });
    const b = await run(['audit', '-', '--baselines', 'state/baselines.json', '--format', 'jsonl'], { cwd: ws.dir, stdin: later });
    expect(JSON.parse(b.stdout.trim())).toMatchObject({ ruleId: 'RT-0026', message: "'dave' used a new verb 'delete' (baseline: get)" });
  });

  it('rejects bad arguments with exit 2 and a message', async () => {
    mkdirSync(join(ws.dir, 'a-directory'), { recursive: true });
    for (const [args, msg] of [
      [['audit'], /give an audit log/],
      [['audit', 'audit.log', '--format', 'xml'], /unknown format 'xml'/],
      [['audit', '-', '--follow'], /--follow needs an audit log file/],
      [['audit', 'audit.log', '--follow', '--format', 'json'], /use jsonl or falco/],
      [['audit', 'audit.log', '--warmup', 'soon'], /--warmup wants a duration/],
      [['audit', 'missing.log'], /^sanctum: cannot read missing.log: no such file or directory\n$/],
      [['audit', 'missing.log', '-o', 'not-written.txt'], /^sanctum: cannot read missing.log: no such file or directory\n$/],
      [['audit', 'audit.log', '--falco', 'missing.json'], /^sanctum: cannot read missing.json: no such file or directory\n$/],
      [['audit', 'a-directory'], /^sanctum: cannot read a-directory: is a directory\n$/],
      [['audit', 'audit.log', '--tls-cert', 'c.pem', '--tls-key', 'k.pem'], /^sanctum: --tls-cert and --tls-key are for --listen\n$/],
    ] as const) {
      const r = await run([...args], { cwd: ws.dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(msg);
      expectNoStackTrace(r.stderr);
      // Nothing but the error: no table header, no detections of the other inputs, no output file.
      expect(r.stdout).toBe('');
    }
    expect(existsSync(join(ws.dir, 'not-written.txt'))).toBe(false);
  });
});

describe('sanctum audit --listen with TLS files that cannot be used', () => {
  it('fails before it reads a log, opens the output or writes baselines: one error line, exit 2', async () => {
    writeFileSync(join(ws.dir, 'not-a-cert.pem'), 'not a certificate\n');
    for (const [cert, msg] of [
      ['missing.pem', 'sanctum: cannot read the TLS certificate missing.pem: no such file or directory\n'],
      ['not-a-cert.pem', /^sanctum: the TLS certificate not-a-cert\.pem and key not-a-cert\.pem cannot be used: .+\n$/],
    ] as const) {
      const out = `tls-${cert}.txt`;
      const r = await run(
        ['audit', 'audit.log', '--listen', '127.0.0.1:0', '--tls-cert', cert, '--tls-key', 'not-a-cert.pem'].concat([
          '--output',
          out,
          '--baselines',
          `${out}.baselines.json`,
        ]),
        { cwd: ws.dir },
      );
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      if (typeof msg === 'string') expect(r.stderr).toBe(msg);
      else expect(r.stderr).toMatch(msg);
      expect(existsSync(join(ws.dir, out))).toBe(false);
      expect(existsSync(join(ws.dir, `${out}.baselines.json`))).toBe(false);
    }
  });
});

describe('sanctum audit --listen and --webhook', () => {
  let sink: Server;
  const delivered: unknown[] = [];
  let attempts = 0;
  beforeAll(async () => {
    sink = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        // The first POST fails: delivery retries it.
        if (attempts++ === 0) return void res.writeHead(503).end();
        delivered.push(...(JSON.parse(body) as unknown[]));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
  });
  afterAll(() => new Promise<void>((r) => sink.close(() => r())));

  it('receives EventList POSTs as the audit webhook backend and delivers detections to a webhook, with a retry', async () => {
    const stdout = new FakeStream();
    const stderr = new FakeStream();
    const stop = new AbortController();
    const { port: sinkPort } = sink.address() as { port: number };
    const running = main(
      [
        'node',
        'sanctum',
        'audit',
        '--listen',
        '127.0.0.1:0',
        '--format',
        'jsonl',
        '--webhook',
        `http://127.0.0.1:${sinkPort}/alerts`,
        '--config',
        '/dev/null',
      ],
      {
        stdout: stdout as unknown as NodeJS.WriteStream,
        stderr: stderr as unknown as NodeJS.WriteStream,
        stdin: Readable.from([]),
        cwd: ws.dir,
        signal: stop.signal,
      },
    );
    const port = await until(
      () => Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr.data)?.[1] ?? 0) || undefined,
      "the 'listening on' line",
    );
    const nb = auditEvent({
      verb: 'create',
      resource: 'pods',
      namespace: 'ml',
      name: 'jupyter-0',
      user: 'system:serviceaccount:kube-system:statefulset-controller',
      requestObject: pod('jupyter-0', 'ml', {
        serviceAccountName: 'jupyter',
        containers: [{ name: 'nb', image: 'quay.io/jupyter/base-notebook:latest' }],
      }),
    });
    const list = auditEvent({ verb: 'list', resource: 'secrets', namespace: 'ml', user: 'system:serviceaccount:ml:jupyter' });
    for (const items of [[nb], [list, exec]]) {
      const res = await fetch(`http://127.0.0.1:${port}/`, {
        method: 'POST',
        body: JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items }),
      });
      expect(res.status).toBe(200);
    }
    await until(() => stdout.data.split('\n').length >= 3, 'two detections on stdout');
    stop.abort();
    const code = await running;
    expect(
      stdout.data
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as Finding).ruleId),
    ).toEqual(['RT-0016', 'RT-0002']);
    expect(stderr.data).toMatch(/webhook: 3 accepted, 0 requests refused/);
    expect(delivered.map((f) => (f as Finding).ruleId).sort()).toEqual(['RT-0002', 'RT-0016']);
    expect(stderr.data).toMatch(/delivered 2, dropped 0/);
    expect(code).toBe(1);
  });

  it('--follow with --baselines writes them every --baselines-every, before it stops', async () => {
    const stderr = new FakeStream();
    const stop = new AbortController();
    const path = join(ws.dir, 'follow/baselines.json');
    const running = main(
      [
        'node',
        'sanctum',
        'audit',
        'audit.log',
        '--follow',
        '--format',
        'jsonl',
        '--baselines',
        'follow/baselines.json',
        '--baselines-every',
        '50ms',
      ],
      {
        stdout: new FakeStream() as unknown as NodeJS.WriteStream,
        stderr: stderr as unknown as NodeJS.WriteStream,
        stdin: Readable.from([]),
        cwd: ws.dir,
        signal: stop.signal,
      },
    );
    // Written while it follows the log: wait for the identity it learnt there, however loaded the machine.
    const whileRunning = await until(
      () => {
        const written = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
        return written?.identities?.['alice@example.com'] ? written : undefined;
      },
      'baselines with alice@example.com written while following',
      { ms: 60_000 },
    ).finally(() => stop.abort());
    await running;
    expect(whileRunning.identities['alice@example.com']).toBeDefined();
    expectNoStackTrace(stderr.data);
  }, 90_000);

  it('--follow waits for a log that does not exist yet, says so once, and reads it when it appears', async () => {
    const stdout = new FakeStream();
    const stderr = new FakeStream();
    const stop = new AbortController();
    const running = main(['node', 'sanctum', 'audit', 'later/audit.log', '--follow', '--format', 'jsonl'], {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stderr: stderr as unknown as NodeJS.WriteStream,
      stdin: Readable.from([]),
      cwd: ws.dir,
      signal: stop.signal,
    });
    try {
      await until(() => stderr.data.includes('waiting'), 'the waiting message', { ms: 60_000 });
      mkdirSync(join(ws.dir, 'later'));
      writeFileSync(join(ws.dir, 'later/audit.log'), lines(exec));
      await until(() => stdout.data.includes('"ruleId"'), 'a detection from the log once it exists', { ms: 60_000 });
    } finally {
      stop.abort();
    }
    await running;
    expect(stderr.data.split('\n')[0]).toBe('sanctum: waiting for later/audit.log: it cannot be opened yet');
    expect(stderr.data.match(/waiting for/g)).toHaveLength(1);
    expectNoStackTrace(stderr.data);
  }, 90_000);

  it('takes the alert URL from SANCTUM_AUDIT_WEBHOOK (a URL with a token stays out of the command line)', async () => {
    const before = delivered.length;
    process.env.SANCTUM_AUDIT_WEBHOOK = `http://127.0.0.1:${(sink.address() as { port: number }).port}/alerts`;
    try {
      const r = await run(['audit', 'audit.log', '--format', 'jsonl', '--config', '/dev/null'], { cwd: ws.dir });
      expect(r.stderr).toMatch(/delivered 3, dropped 0/);
    } finally {
      delete process.env.SANCTUM_AUDIT_WEBHOOK;
    }
    expect(delivered.length - before).toBe(3);
  });
});
