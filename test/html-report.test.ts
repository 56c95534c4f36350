import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_SKIP, collectProblems, launchChromium, type Browser } from './browser.js';
import { run, workspace } from './cli-helpers.js';

const root = resolve(import.meta.dirname, '..');
const AWS_KEY = 'AKIAZ3MSJV4WWNKWW5FG';

describe('--format html', () => {
  let dir: string;
  let html: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sanctum-html-'));
    const r = await run(['scan', 'examples/ai-platform', '--format', 'html', '--output', join(dir, 'report.html'), '--fail-on', 'none'], {
      cwd: root,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    html = readFileSync(join(dir, 'report.html'), 'utf8');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is one file that loads nothing: no external script, style, image or font, and a CSP that forbids fetches', () => {
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain(`default-src 'none'`);
    expect(html).not.toMatch(/<(script|img|link|iframe)[^>]+(src|href)=["']?https?:/i);
    expect(html).not.toMatch(/sourceMappingURL/);
  });

  it('has the summary, compliance table and findings grouped by file with snippets and fixes', () => {
    expect(html).toContain('id="summary"');
    expect(html).toMatch(/<table id="compliance">[\s\S]*Kubernetes Pod Security Standards/);
    expect(html).toMatch(/<details class="file" open><summary>examples\/ai-platform\/k8s\/llm-serving\.yaml/);
    expect(html).toMatch(/<pre class="snippet"><span class="[^"]*"><i>\d+<\/i>/);
    expect(html).toMatch(/<div class="fix"><b>Fix:<\/b>/);
  });

  it('hides the lines of secret findings in snippets', async () => {
    const ws = workspace({ 'app/settings.py': `import os\n\nAWS_ACCESS_KEY_ID = "${AWS_KEY}"\nREGION = "eu-west-1"\n` });
    try {
      const r = await run(['scan', '.', '--format', 'html', '--fail-on', 'none'], { cwd: ws.dir });
      expect(r.stdout).toContain('app/settings.py');
      expect(r.stdout).toContain('⟨line hidden: it holds a secret⟩');
      expect(r.stdout).toContain('REGION = &quot;eu-west-1&quot;');
      expect(r.stdout).not.toContain(AWS_KEY);
    } finally {
      ws.cleanup();
    }
  });

  it.skipIf(CHROMIUM_SKIP)(`opens in Chromium without errors or requests, with its chart drawn ${CHROMIUM_SKIP || ''}`, async () => {
    let browser: Browser | undefined;
    try {
      browser = await launchChromium();
      const page = await browser.context.newPage();
      const problems = collectProblems(page);
      const requests: string[] = [];
      page.on('request', (req) => {
        if (!req.url().startsWith('file:')) requests.push(req.url());
      });
      await page.goto(pathToFileURL(join(dir, 'report.html')).href);
      await page.waitForSelector('body[data-chart="ready"]', { timeout: 15_000 });
      expect(await page.locator('#severity-chart').boundingBox()).toMatchObject({ height: expect.any(Number) });
      const visible = () => page.locator('.finding:not([hidden])').count();
      const before = await visible();
      expect(before).toBeGreaterThan(5);
      await page.locator('.filters input[value="critical"]').uncheck();
      expect(await visible()).toBeLessThan(before);
      writeFileSync(join(dir, 'shot.png'), await page.screenshot());
      expect(problems).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser?.close();
    }
  });
});
