/// <reference lib="dom" />
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startDashboard, type RunningServer } from '../src/server/dashboard/start.js';
import { createToken } from '../src/store/tokens.js';
import { ingestRun } from '../src/store/ingest.js';
import { parseRunInput } from '../src/store/run-input.js';
import type { ScanResult } from '../src/core/types.js';
import { CHROMIUM_SKIP, collectProblems, launchChromium, type Browser } from './browser.js';
import { run } from './cli-helpers.js';
import { auditEvent } from '../src/rules/runtime/lib/examples.js';
import { AdmissionEvaluator } from '../src/server/webhook/admission-evaluator.js';
import { readAdmissionReview } from '../src/server/webhook/admission-review.js';
import { DecisionUpload } from '../src/server/webhook/decision-upload.js';

const root = resolve(import.meta.dirname, '..');
const WEB = join(root, 'dist', 'web');
// Screenshots of the main pages, rewritten by every run (not tracked; docs/images holds the README's copy).
const SHOTS = process.env.SANCTUM_SCREENSHOTS ?? join(root, 'test', '.screenshots');
const skip =
  CHROMIUM_SKIP || (existsSync(join(WEB, 'index.html')) ? false : 'dist/web is not built (npm run build): dashboard e2e skipped');

/**
 * A store seeded with history and real uploads: the example platform's real scan result stored on three
 * earlier days (a few findings fixed each time), then real `scan --upload` runs of the example
 * platform, the hardened one, and the platform's manifests alone.
 */
async function seed(server: RunningServer, dir: string): Promise<void> {
  const history = await run(
    ['scan', 'examples/ai-platform', '--format', 'json', '--output', join(dir, 'history.json'), '--fail-on', 'none'],
    { cwd: root },
  );
  expect(history.code).toBe(0);
  const result = JSON.parse(readFileSync(join(dir, 'history.json'), 'utf8')) as ScanResult;
  const extra = result.findings.slice(0, 12).map((f, i) => ({
    ...f,
    fingerprint: `${f.fingerprint}-old-${i}`,
    location: { ...f.location, startLine: (f.location.startLine ?? 1) + 1000 },
  }));
  for (const [daysAgo, keep] of [
    [21, 12],
    [14, 8],
    [7, 4],
  ]) {
    const input = parseRunInput({ ...result, findings: [...result.findings, ...extra.slice(0, keep)] });
    await ingestRun(server.store, input, { target: 'github.com/acme/ai-platform', at: new Date(Date.now() - daysAgo * 86_400_000) });
  }
  const { token } = await createToken(server.store, 'seed', 'write');
  process.env.SANCTUM_TOKEN = token;
  const scan = (path: string, target: string) =>
    run(
      [
        'scan',
        path,
        '--format',
        'json',
        '--output',
        join(dir, 'out.json'),
        '--upload',
        server.url,
        '--upload-target',
        target,
        '--fail-on',
        'none',
      ],
      { cwd: root },
    );
  for (const [path, target] of [
    ['examples/ai-platform', 'github.com/acme/ai-platform'],
    ['examples/ai-platform-hardened', 'github.com/acme/ai-platform-hardened'],
    ['examples/ai-platform/k8s', 'github.com/acme/ai-platform'],
  ]) {
    const r = await scan(path, target);
    expect(r.stderr).toMatch(/uploaded run/);
  }
  // Runtime alerts through the real `sanctum audit --upload`, and admission decisions of the real
  // evaluator through the webhook's upload queue.
  const events = [
    auditEvent({ auditID: 'exec-1', verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'llm', name: 'vllm-0', code: 101 }),
    auditEvent({
      auditID: 'anon-1',
      verb: 'list',
      resource: 'secrets',
      namespace: 'llm',
      user: 'system:anonymous',
      groups: ['system:unauthenticated'],
      time: '2026-03-02T10:16:00.000000Z',
    }),
  ];
  const audit = await run(
    ['audit', '-', '--format', 'jsonl', '--upload', server.url, '--upload-target', 'prod-cluster', '--fail-on', 'none'],
    {
      cwd: root,
      stdin: events.map((e) => JSON.stringify(e)).join('\n') + '\n',
    },
  );
  expect(audit.stderr).toMatch(/uploaded [1-9]\d*, dropped 0/);
  const decisions = new DecisionUpload({ url: server.url, token, target: 'prod-cluster (admission)', lingerMs: 0 });
  const review = JSON.parse(readFileSync(join(root, 'src/server/webhook/testdata/deployment-create.json'), 'utf8')) as unknown;
  const req = readAdmissionReview(review);
  decisions.record('validate', req, new AdmissionEvaluator({}).evaluate(req, 'validate'));
  await decisions.flush(10_000);
  expect(decisions.stats.delivered).toBe(1);
  // LLM gateway requests, as `sanctum gateway` uploads its records to the store (audit.store).
  const hour = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
  const request = (n: number, over: Record<string, unknown> = {}) => ({
    time: hour(n % 6),
    requestId: `req-${n}`,
    endpoint: 'chat.completions',
    key: n % 3 === 0 ? 'batch-job' : 'support-bot',
    team: 'support',
    model: n % 2 ? 'llama-3.1-8b' : 'qwen2.5-7b',
    upstream: 'vllm',
    stream: n % 4 === 0,
    status: 200,
    latencyMs: 40 + n,
    upstreamMs: 38 + n,
    tokens: { prompt: 100 + 10 * n, completion: 20 + n, total: 120 + 11 * n, estimated: false },
    ...over,
  });
  const records = [
    ...Array.from({ length: 12 }, (_, n) => request(n)),
    request(20, { status: 403, error: 'model_not_allowed', model: 'gpt-4o', tokens: undefined, upstreamMs: undefined }),
    request(21, {
      guardrails: [
        {
          guardrail: 'secrets',
          action: 'redact',
          where: 'messages[0].content',
          detail: 'OpenAI API key sk-proj-ab… (164 chars)',
          ruleId: 'SEC-0001',
        },
      ],
    }),
    request(22, {
      status: 400,
      error: 'prompt_injection',
      guardrails: [{ guardrail: 'injection', action: 'block', where: 'messages[1].content', detail: 'instruction override' }],
    }),
  ];
  const posted = await fetch(`${server.url}/api/v1/gateway/requests?gateway=prod-gw`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(records),
  });
  expect(posted.status).toBe(201);
  delete process.env.SANCTUM_TOKEN;
}

describe.skipIf(skip)(`dashboard in Chromium ${skip || ''}`, () => {
  let dir: string;
  let server: RunningServer;
  let browser: Browser;
  let readToken: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sanctum-e2e-'));
    server = await startDashboard({ db: `sqlite:${join(dir, 'store.db')}`, host: '127.0.0.1', port: 0, webRoot: WEB });
    await seed(server, dir);
    readToken = (await createToken(server.store, 'viewer', 'read')).token;
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function signedIn(): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.context.newPage();
    const problems = collectProblems(page);
    await page.goto(server.url + '/');
    // The first page of the profile asks for the token; later ones find it in local storage.
    await page.waitForSelector('#token-form, #posture canvas');
    if (await page.locator('#token-form').count()) {
      await page.fill('#token-form input[name="token"]', readToken);
      await page.click('#token-form button[type="submit"]');
    }
    await page.waitForSelector('#posture canvas');
    return { page, problems };
  }

  it('asks for a token, then shows posture over time with its charts', { timeout: 120_000 }, async () => {
    const { page, problems } = await signedIn();
    await page.waitForSelector('#targets td a');
    // Two repositories, the cluster's runtime alerts and its admission decisions.
    expect(await page.locator('#targets tbody tr').count()).toBe(4);
    expect(Number(await page.locator('#totals [data-severity="critical"] b').textContent())).toBeGreaterThan(0);
    expect(await page.locator('#daily canvas').count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'dashboard-posture.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('filters the findings table and opens a finding with its fix', { timeout: 120_000 }, async () => {
    const { page, problems } = await signedIn();
    await page.click('nav a[href^="#/findings"]');
    await page.waitForSelector('table.findings tbody tr');
    const all = await page.locator('table.findings tbody tr').count();
    await page.check('.severity-filter input[value="critical"]');
    await page.waitForFunction(() => location.hash.includes('severity=critical'));
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll('table.findings tbody tr')).every((tr) => tr.getAttribute('data-severity') === 'critical'),
    );
    const critical = await page.locator('table.findings tbody tr').count();
    expect(critical).toBeGreaterThan(0);
    expect(critical).toBeLessThan(all);
    await page.screenshot({ path: join(SHOTS, 'dashboard-findings.png'), fullPage: true });
    await page.locator('table.findings a.finding-link').first().click();
    await page.waitForSelector('#finding #fix');
    expect((await page.locator('#fix').textContent())!.length).toBeGreaterThan(20);
    expect(await page.locator('#explanation').count()).toBe(1);
    expect(await page.locator('#suppression').textContent()).toBe('not suppressed');
    await page.screenshot({ path: join(SHOTS, 'dashboard-finding.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows compliance by framework and the AI inventory with exposure paths', { timeout: 120_000 }, async () => {
    const { page, problems } = await signedIn();
    await page.click('nav a[href^="#/compliance"]');
    await page.waitForSelector('#framework-pss tr.failing');
    expect(await page.locator('#compliance-chart canvas').count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'dashboard-compliance.png'), fullPage: true });
    await page.click('#framework-pss tr.failing a');
    await page.waitForSelector('table.findings tbody tr');
    expect(await page.evaluate(() => location.hash)).toMatch(/framework=pss%3A/);
    await page.click('nav a[href^="#/inventory"]');
    await page.waitForSelector('#exposure .exposure');
    expect(await page.locator('#exposure .hop').count()).toBeGreaterThan(1);
    // Paths walked on the stored graph: the LoadBalancer Service in front of vLLM, hop by hop.
    const vllm = page
      .locator('#exposure .exposure[data-source="graph"][data-service="vllm"]')
      .filter({ has: page.locator('.hop-entry', { hasText: "Service 'vllm'" }) })
      .first();
    expect(await vllm.locator('.hop-entry').textContent()).toMatch(/LoadBalancer/);
    expect(await vllm.locator('.hop-workload').textContent()).toMatch(/Deployment 'vllm'.*runs vLLM/);
    expect(await vllm.locator('.hop-workload .hop-finding').count()).toBeGreaterThan(0);
    // GPU workloads of the uploaded manifests, with the findings on each.
    await page.waitForSelector('#inventory-gpu table.gpus tr[data-role="workload"]');
    expect(await page.locator('#inventory-gpu tr[data-role="workload"] .hop-finding').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, 'dashboard-inventory.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows the LLM gateway requests and usage over time, and filters them', { timeout: 120_000 }, async () => {
    const { page, problems } = await signedIn();
    await page.click('nav a[href^="#/gateway"]');
    await page.waitForSelector('table.gateway-requests tbody tr');
    const rows = page.locator('table.gateway-requests tbody tr');
    expect(await rows.count()).toBe(15);
    expect(await page.locator('#gateway-usage-chart canvas').count()).toBe(1);
    expect(await page.locator('table.gateway-usage tbody tr').count()).toBeGreaterThan(2);
    expect(await page.locator('table.gateway-requests .action-block').count()).toBe(1);
    // A guardrail's detail is as the gateway redacted it; no prompt is on the page.
    expect(await page.locator('table.gateway-requests .action-redact').getAttribute('title')).toContain('sk-proj-ab…');
    await page.screenshot({ path: join(SHOTS, 'dashboard-gateway.png'), fullPage: true });

    // A key in the usage table filters everything by it.
    await page.click('table.gateway-usage tr[data-key="batch-job"] a');
    await page.waitForFunction(() => location.hash.includes('key=batch-job'));
    await page.waitForFunction(() => {
      const trs = Array.from(document.querySelectorAll('table.gateway-requests tbody tr'));
      return trs.length > 0 && trs.every((tr) => tr.getAttribute('data-key') === 'batch-job');
    });
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll('table.gateway-usage tbody tr')).every((tr) => tr.getAttribute('data-key') === 'batch-job'),
    );
    // Guardrail decisions only, over every key.
    await page.click('#gateway-filters a');
    await page.waitForFunction(() => !location.hash.includes('key='));
    await page.check('#gateway-filters input[name="guarded"]');
    await page.waitForFunction(() => location.hash.includes('guarded=1'));
    await page.waitForFunction(() => document.querySelectorAll('table.gateway-requests tbody tr').length === 2);
    // Lines per model instead of per key.
    await page.click('#gateway-usage-chart a');
    await page.waitForFunction(() => location.hash.includes('series=model'));
    await page.waitForSelector('#gateway-usage-chart canvas');
    expect(problems).toEqual([]);
    await page.close();
  });

  it(
    'lists runtime alerts and admission decisions newest first, filters them, and shows new ones as they arrive',
    { timeout: 120_000 },
    async () => {
      const { page, problems } = await signedIn();
      await page.click('nav a[href^="#/alerts"]');
      await page.waitForSelector('table.alerts tbody tr');
      const times = () => page.locator('table.alerts tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-time')!));
      const before = await times();
      expect(before.length).toBeGreaterThan(3);
      expect([...before].sort((a, b) => Date.parse(b) - Date.parse(a))).toEqual(before);
      const kinds = await page.locator('table.alerts tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind')));
      expect(new Set(kinds)).toEqual(new Set(['runtime', 'admission']));
      expect(await page.locator('#alerts-chart canvas').count()).toBe(1);
      // The store counts the chart's alerts over the range chosen in the form.
      await page.selectOption('#alert-filters select[name="range"]', '7d');
      await page.waitForFunction(() => location.hash.includes('range=7d'));
      await page.waitForSelector('#alerts-chart canvas');
      expect(await page.locator('table.alerts .action-deny').count()).toBeGreaterThan(0);

      // An alert that arrives while the page is open shows up on its own, first, marked as new.
      const message = "'mallory@example.com' opened exec of model server pod llm/vllm-0";
      await ingestRun(
        server.store,
        parseRunInput([
          {
            ruleId: 'RT-0015',
            slug: 'ai-workload-interactive-access',
            title: 'Exec, attach or port-forward into a notebook, model server or Ray head',
            severity: 'high',
            message,
            location: {
              path: 'audit.log',
              resource: { kind: 'Pod', namespace: 'llm', name: 'vllm-0' },
              event: {
                auditID: 'live-1',
                time: new Date().toISOString(),
                user: 'mallory@example.com',
                sourceIPs: ['10.0.0.9'],
                source: 'audit',
              },
            },
            frameworks: [],
            status: 'fail',
            fingerprint: 'sha256:live-1',
          },
        ]),
        { target: 'prod-cluster', kind: 'runtime' },
      );
      await page.waitForFunction((m) => document.querySelector('table.alerts tbody tr')?.textContent?.includes(m), message, {
        timeout: 30_000,
      });
      expect(await page.locator('table.alerts tbody tr').first().getAttribute('class')).toBe('new');
      expect(await page.locator('table.alerts tbody tr').count()).toBe(before.length + 1);
      await page.screenshot({ path: join(SHOTS, 'dashboard-alerts.png') });

      // Filters: the source, a severity, who acted (a link in the list).
      await page.selectOption('#alert-filters select[name="kind"]', 'admission');
      await page.waitForFunction(() => location.hash.includes('kind=admission'));
      await page.waitForFunction(() =>
        Array.from(document.querySelectorAll('table.alerts tbody tr')).every((tr) => tr.getAttribute('data-kind') === 'admission'),
      );
      await page.check('#alert-filters .severity-filter input[value="critical"]');
      await page.waitForFunction(() => {
        const rows = Array.from(document.querySelectorAll('table.alerts tbody tr'));
        return (
          rows.length > 0 &&
          rows.every((tr) => tr.getAttribute('data-severity') === 'critical' && tr.getAttribute('data-kind') === 'admission')
        );
      });
      await page.click('#alert-filters a');
      await page.waitForFunction((n) => document.querySelectorAll('table.alerts tbody tr').length === n, before.length + 1);
      await page.click('table.alerts td.who a[href*="user=mallory"]');
      await page.waitForFunction(() => location.hash.includes('user=mallory'));
      await page.waitForFunction(() => document.querySelectorAll('table.alerts tbody tr').length === 1);
      // An alert opens as a finding, with its rule's explanation.
      await page.locator('table.alerts a.finding-link').first().click();
      await page.waitForSelector('#finding');
      expect(problems).toEqual([]);
      await page.close();
    },
  );
});
