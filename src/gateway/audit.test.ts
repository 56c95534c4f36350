import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openAuditLog, type AuditEntry } from './audit.js';

const entry = (requestId: string): AuditEntry => ({
  time: '2026-12-05T08:00:00.000Z',
  requestId,
  endpoint: 'chat.completions',
  key: 'support-bot',
  status: 200,
  latencyMs: 1.25,
});

const lines = (file: string): AuditEntry[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as AuditEntry)
    : [];

describe('audit log file', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const fileIn = (): string => {
    const dir = mkdtempSync(join(os.tmpdir(), 'sanctum-audit-'));
    dirs.push(dir);
    return join(dir, 'logs', 'audit.jsonl');
  };

  it('writes a lone line soon, without waiting for more lines or for close', async () => {
    const file = fileIn();
    const log = openAuditLog(file);
    try {
      log.write(entry('req-1'));
      for (let i = 0; i < 200 && lines(file).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(lines(file).map((e) => e.requestId)).toEqual(['req-1']);
    } finally {
      log.close();
    }
  });

  it('keeps every line, in order, through a burst and close', async () => {
    const file = fileIn();
    const log = openAuditLog(file);
    const ids = Array.from({ length: 3000 }, (_, i) => `req-${i}`);
    for (const id of ids) log.write(entry(id));
    log.close();
    for (let i = 0; i < 200 && lines(file).length < ids.length; i++) await new Promise((r) => setTimeout(r, 10));
    expect(lines(file).map((e) => e.requestId)).toEqual(ids);
    log.write(entry('after-close'));
    await new Promise((r) => setTimeout(r, 150));
    expect(lines(file)).toHaveLength(ids.length);
  });
});
