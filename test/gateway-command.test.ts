import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashKey } from '../src/gateway/keys.js';
import { FakeUpstream } from '../src/gateway/testing/fake-upstream.js';
import { expectNoStackTrace, run } from './cli-helpers.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'sanctum');

let upstream: FakeUpstream;
let dir: string;

const CONFIG = (baseURL: string) => `# The platform team's gateway.
listen: "127.0.0.1:0"
upstreams:
  - name: local-vllm # vLLM in the llm namespace
    baseURL: "${baseURL}"
    apiKey: "env:VLLM_KEY"
    models: ["llama-3.1-8b", "mistral-7b"]
keysFile: keys.yaml
audit:
  file: audit.jsonl
`;

beforeAll(async () => {
  upstream = await new FakeUpstream().start();
  dir = mkdtempSync(join(tmpdir(), 'sanctum-gateway-cli-'));
});
afterAll(async () => {
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function waitFor(check: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('sanctum gateway keys', () => {
  it('creates a key shown once, stores only its hash, lists and revokes it, keeping comments', async () => {
    const cfg = join(dir, 'keys-only.yaml');
    writeFileSync(cfg, CONFIG(upstream.baseURL).replace('keysFile: keys.yaml\n', 'keys: [] # managed by sanctum gateway keys\n'));
    const created = await run(
      ['gateway', 'keys', 'create', 'support-bot', '--config', cfg, '--models', 'llama-3.1-8b', '--requests-per-minute', '60'],
      {
        cwd: dir,
      },
    );
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^sk-sanctum-[\w-]{43}$/);
    const text = readFileSync(cfg, 'utf8');
    expect(text).not.toContain(key);
    expect(text).toContain(hashKey(key));
    expect(text).toContain('# The platform team');
    expect(text).toContain('# vLLM in the llm namespace');
    expect(text).toMatch(/models: \[ llama-3\.1-8b \]/);

    const list = await run(['gateway', 'keys', 'list', '--config', cfg], { cwd: dir });
    expect(list.stdout).toMatch(/support-bot\s+-\s+llama-3\.1-8b\s+60 req\/min\s+key sha256:[0-9a-f]{12}…\s+\d{4}-\d{2}-\d{2}\s+active/);
    expect(list.stdout).not.toContain(key);
    expect(list.stdout).not.toContain(hashKey(key));

    expect((await run(['gateway', 'keys', 'revoke', 'support-bot', '--config', cfg], { cwd: dir })).code).toBe(0);
    const json = JSON.parse((await run(['gateway', 'keys', 'list', '--config', cfg, '--format', 'json'], { cwd: dir })).stdout);
    expect(json[0]).toMatchObject({ name: 'support-bot', revoked: true, budgets: { requestsPerMinute: 60 } });
  });

  it('refuses a duplicate name, an unserved model and an unknown key with a clear message, leaving the file as it was', async () => {
    const cfg = join(dir, 'refusals.yaml');
    writeFileSync(cfg, CONFIG(upstream.baseURL).replace('keysFile: keys.yaml\n', ''));
    expect((await run(['gateway', 'keys', 'create', 'a', '--config', cfg, '--models', '*'], { cwd: dir })).code).toBe(0);
    const before = readFileSync(cfg, 'utf8');
    const dup = await run(['gateway', 'keys', 'create', 'a', '--config', cfg, '--models', '*'], { cwd: dir });
    expect(dup).toMatchObject({ code: 2, stdout: '' });
    expect(dup.stderr).toContain("a key named 'a' already exists");
    const unserved = await run(['gateway', 'keys', 'create', 'b', '--config', cfg, '--models', 'gpt-9'], { cwd: dir });
    expect(unserved.code).toBe(2);
    expect(unserved.stderr).toContain("no upstream serves model 'gpt-9'");
    expectNoStackTrace(unserved.stderr);
    const unknown = await run(['gateway', 'keys', 'revoke', 'zz', '--config', cfg], { cwd: dir });
    expect(unknown.stderr).toContain("no key named 'zz'");
    expect(readFileSync(cfg, 'utf8')).toBe(before);
    const noConfig = await run(['gateway', 'keys', 'list'], { cwd: dir });
    expect(noConfig).toMatchObject({ code: 2, stderr: expect.stringContaining('--config') });
  });

  it('reports a broken configuration with file, line and key, and exits 2', async () => {
    const cfg = join(dir, 'broken.yaml');
    writeFileSync(cfg, 'upstreams:\n  - name: x\n    baseURL: "not a url"\n    models: [m]\n');
    const r = await run(['gateway', '--config', cfg], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${cfg}:3:14: upstreams[0].baseURL`);
    expectNoStackTrace(r.stderr);
  });
});

describe('sanctum gateway (the built executable)', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
  });

  it('serves with keys made by `keys create`, reloads on change, refuses revoked keys, audits to a file and stops on SIGTERM', async () => {
    if (!existsSync(join(ROOT, 'dist', 'bundle', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
    const cfg = join(dir, 'gateway.yaml');
    writeFileSync(cfg, CONFIG(upstream.baseURL));
    writeFileSync(join(dir, 'keys.yaml'), '# keys of the gateway\nkeys: []\n');
    const first = (
      await run(['gateway', 'keys', 'create', 'first', '--config', cfg, '--models', 'llama-3.1-8b'], { cwd: dir })
    ).stdout.trim();
    child = spawn(process.execPath, [BIN, 'gateway', '--config', 'gateway.yaml', '--reload-check', '100'], {
      cwd: dir,
      env: { ...process.env, VLLM_KEY: 'upstream-secret' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no 'listening' line in 60 s: ${err}`)), 60_000);
      child!.stderr!.on('data', (c: Buffer) => {
        err += c.toString();
        const line = err.split('\n').find((l) => l.includes('sanctum gateway listening'));
        if (line) {
          clearTimeout(timer);
          resolve(JSON.parse(line).url as string);
        }
      });
      child!.on('exit', (code) => reject(new Error(`sanctum gateway exited with ${code}: ${err}`)));
    });
    const chat = (key: string) =>
      new OpenAI({ apiKey: key, baseURL: `${url}/v1`, maxRetries: 0 }).chat.completions.create({
        model: 'llama-3.1-8b',
        messages: [{ role: 'user', content: 'hi' }],
      });
    expect((await chat(first)).choices[0].message.content).toBe('Hello from the upstream');
    expect(upstream.requests.at(-1)!.headers.authorization).toBe('Bearer upstream-secret');

    const second = (await run(['gateway', 'keys', 'create', 'second', '--config', cfg, '--models', '*'], { cwd: dir })).stdout.trim();
    await waitFor(
      () =>
        chat(second).then(
          () => true,
          () => false,
        ),
      'the gateway to reload the new key',
    );
    await run(['gateway', 'keys', 'revoke', 'first', '--config', cfg], { cwd: dir });
    await waitFor(
      () =>
        chat(first).then(
          () => false,
          (e: { status?: number }) => e.status === 401,
        ),
      'the gateway to refuse the revoked key',
    );

    const exited = new Promise<number | null>((resolve) => child!.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    child = undefined;
    const lines = readFileSync(join(dir, 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ key: 'first', model: 'llama-3.1-8b', upstream: 'local-vllm', status: 200 });
    expect(lines.at(-1)).toMatchObject({ key: 'first', status: 401, error: 'revoked_api_key' });
    const all = readFileSync(join(dir, 'audit.jsonl'), 'utf8') + err;
    for (const secret of [first, second, 'upstream-secret']) expect(all).not.toContain(secret);
  });
});
