import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import OpenAI from 'openai';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../src/gateway/config.js';
import { hashKey } from '../src/gateway/keys.js';
import { startGateway } from '../src/gateway/server.js';
import { FakeUpstream } from '../src/gateway/testing/fake-upstream.js';
import { until } from './wait.js';

const KEY = 'sk-sanctum-audit-file-test-key-0001';

let upstream: FakeUpstream;
let dir: string;
beforeAll(async () => {
  upstream = await new FakeUpstream().start();
  dir = mkdtempSync(join(tmpdir(), 'sanctum-gateway-audit-'));
});
afterAll(async () => {
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A gateway auditing to `auditFile`, with its operational log lines gathered. */
async function gatewayAuditingTo(auditFile: string) {
  const configPath = join(dir, 'gateway.yaml');
  writeFileSync(
    configPath,
    `listen: "127.0.0.1:0"
upstreams:
  - name: local-vllm
    baseURL: "${upstream.baseURL}"
    models: ["llama-3.1-8b"]
keys:
  - name: support-bot
    sha256: "${hashKey(KEY)}"
    models: ["*"]
audit:
  file: "${auditFile}"
`,
  );
  const logged: Array<{ level: number; msg: string }> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logged.push(JSON.parse(line));
      done();
    },
  });
  const gateway = await startGateway({
    config: loadGatewayConfig(configPath, {}),
    logger: pino({ level: 'info' }, sink),
    host: '127.0.0.1',
    port: 0,
  });
  const client = new OpenAI({ apiKey: KEY, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  const chat = () => client.chat.completions.create({ model: 'llama-3.1-8b', messages: [{ role: 'user', content: 'hi' }] });
  return { gateway, chat, logged };
}

describe('gateway audit file', () => {
  it('has the line of every request answered in the file once the gateway has closed', async () => {
    const file = join(dir, 'audit.jsonl');
    const { gateway, chat } = await gatewayAuditingTo(file);
    const answers = await Promise.all(Array.from({ length: 20 }, chat));
    expect(answers.every((a) => a.choices[0].message.content === 'Hello from the upstream')).toBe(true);
    await gateway.close();
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { key: string; status: number });
    expect(lines).toHaveLength(20);
    expect(lines.every((l) => l.key === 'support-bot' && l.status === 200)).toBe(true);
  });

  it('keeps serving when the audit file cannot be written (disk full), and says so once in its log', async (ctx) => {
    if (!existsSync('/dev/full')) ctx.skip('no /dev/full on this system');
    const { gateway, chat, logged } = await gatewayAuditingTo('/dev/full');
    try {
      for (let round = 0; round < 3; round++) {
        const answers = await Promise.all(Array.from({ length: 10 }, chat));
        expect(answers.every((a) => a.choices[0].message.content === 'Hello from the upstream')).toBe(true);
        await new Promise((r) => setTimeout(r, 150));
      }
      // The writes fail off the request path: wait for the failure to be logged, however loaded the machine.
      await until(() => logged.some((l) => l.level >= 50), 'the failed write in the log');
      const errors = logged.filter((l) => l.level >= 50);
      expect(errors.map((e) => e.msg)).toEqual([
        expect.stringMatching(/^audit log \/dev\/full: cannot write to it \(no space left on device\)/),
      ]);
    } finally {
      await gateway.close();
    }
  });
});
