import fs, { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { until } from '../../test/wait.js';
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
      await until(() => lines(file).length > 0, 'the line in the file');
      expect(lines(file).map((e) => e.requestId)).toEqual(['req-1']);
    } finally {
      await log.close();
    }
  });

  it('keeps no timer and makes no write while no line waits: an idle gateway is not woken by its audit log', async () => {
    const file = fileIn();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const writes = vi.spyOn(fs, 'write');
    const log = openAuditLog(file);
    try {
      log.write(entry('req-1'));
      expect(vi.getTimerCount()).toBe(1);
      vi.advanceTimersByTime(100);
      // The write is real I/O: wait for it turn by turn of the event loop (timers are fake here).
      for (let i = 0; i < 1_000_000 && lines(file).length === 0; i++) await new Promise((r) => setImmediate(r));
      expect(lines(file).map((e) => e.requestId)).toEqual(['req-1']);
      for (let i = 0; i < 1_000_000 && log.stats.unwrittenBytes > 0; i++) await new Promise((r) => setImmediate(r));
      const written = writes.mock.calls.length;
      expect(vi.getTimerCount()).toBe(0);
      vi.advanceTimersByTime(10_000);
      expect(writes.mock.calls.length).toBe(written);
    } finally {
      writes.mockRestore();
      vi.useRealTimers();
      await log.close();
    }
  });

  it('keeps every line, in order, through a burst and close', async () => {
    const file = fileIn();
    const log = openAuditLog(file);
    const ids = Array.from({ length: 3000 }, (_, i) => `req-${i}`);
    for (const id of ids) log.write(entry(id));
    const closed = log.close();
    await until(() => lines(file).length >= ids.length, `${ids.length} lines in the file`);
    expect(lines(file).map((e) => e.requestId)).toEqual(ids);
    // A line that comes once the log is closing is not taken: nothing is left to write it later.
    log.write(entry('after-close'));
    await closed;
    expect(log.stats).toEqual({ failedWrites: 0, droppedLines: 0, unwrittenBytes: 0 });
    expect(lines(file)).toHaveLength(ids.length);
  });

  it('has every line in the file, whole and in order, once close resolves (with writes still in flight)', async () => {
    const file = fileIn();
    const log = openAuditLog(file);
    // The file is open and a first line written when the rest come and close is called.
    log.write(entry('first'));
    await until(() => lines(file).length === 1, 'the first line in the file');
    const big = 'x'.repeat(40_000);
    const ids = Array.from({ length: 400 }, (_, i) => `req-${i}`);
    for (const id of ids) log.write({ ...entry(id), client: big });
    await log.close();
    const written = lines(file);
    expect(written.map((e) => e.requestId)).toEqual(['first', ...ids]);
    expect(written.slice(1).every((e) => e.client === big)).toBe(true);
  });

  it('has the lines in the file once close resolves, even when the log closes right after it opened', async () => {
    const file = fileIn();
    const log = openAuditLog(file);
    log.write(entry('only'));
    await log.close();
    expect(lines(file).map((e) => e.requestId)).toEqual(['only']);
  });

  it('sends the lines written before a reopen to the moved file and the later ones to the new file', async () => {
    const file = fileIn();
    const log = openAuditLog(file);
    log.write(entry('before'));
    renameSync(file.replace(/logs\/audit\.jsonl$/, 'logs'), file.replace(/logs\/audit\.jsonl$/, 'rotated'));
    log.reopen!();
    log.write(entry('after'));
    await log.close();
    expect(lines(file.replace(/logs\/audit\.jsonl$/, 'rotated/audit.jsonl')).map((e) => e.requestId)).toEqual(['before']);
    expect(lines(file).map((e) => e.requestId)).toEqual(['after']);
  });

  it('reports a full disk once (and at close what was lost), and goes on taking lines without throwing', async (ctx) => {
    if (!existsSync('/dev/full')) ctx.skip('no /dev/full on this system');
    const reports: string[] = [];
    const log = openAuditLog('/dev/full', { onError: (m) => reports.push(m) });
    // Five rounds of lines, each waiting for a write of its own to fail.
    for (let round = 0; round < 5; round++) {
      const failed = log.stats.failedWrites;
      for (let i = 0; i < 200; i++) log.write(entry(`req-${round}-${i}`));
      await until(() => log.stats.failedWrites > failed, `a failed write in round ${round}`);
    }
    expect(log.stats.failedWrites).toBeGreaterThanOrEqual(5);
    expect(log.stats.unwrittenBytes).toBeGreaterThan(0);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toBe(
      'audit log /dev/full: cannot write to it (no space left on device); requests are served, their lines wait or are dropped',
    );
    await log.close();
    // Closing tells what never reached the file.
    expect(reports).toHaveLength(2);
    expect(reports[1]).toMatch(/^audit log \/dev\/full: \d+ bytes of lines could not be written$/);
  });

  it.skipIf(!existsSync('/proc/self'))(
    'a file under /proc is an error, not a hang (recursive mkdir never returns there on Node 20)',
    async () => {
      const reports: string[] = [];
      const log = openAuditLog('/proc/no-such-dir/audit.jsonl', { onError: (m) => reports.push(m) });
      await log.close();
      expect(reports).toEqual([
        'audit log /proc/no-such-dir/audit.jsonl: cannot open it (no such file or directory); requests are served, their lines wait or are dropped',
      ]);
    },
  );

  it('reports a file it cannot open once, and writes to it once a reopen succeeds', async () => {
    const file = fileIn();
    const logs = file.replace(/\/audit\.jsonl$/, '');
    // A regular file where the directory should be: neither mkdir nor open can succeed.
    writeFileSync(logs, 'not a directory\n');
    const reports: string[] = [];
    const log = openAuditLog(file, { onError: (m) => reports.push(m) });
    log.write(entry('lost-1'));
    log.write(entry('lost-2'));
    log.reopen!();
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatch(/cannot open it \(not a directory\)/);
    rmSync(logs);
    mkdirSync(logs);
    log.reopen!();
    log.write(entry('kept'));
    await log.close();
    expect(lines(file).map((e) => e.requestId)).toEqual(['kept']);
    expect(reports[1]).toBe(`audit log ${file}: writable again; 2 lines were dropped meanwhile`);
  });
});
