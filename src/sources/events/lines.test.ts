import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { until } from '../../../test/wait.js';
import { followLines, LineSplitter, MAX_LINE_BYTES, streamLines, type Line } from './lines.js';

const dir = mkdtempSync(join(tmpdir(), 'sanctum-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('LineSplitter', () => {
  it('splits across chunks, drops CR and blank lines, keeps numbering, emits the unterminated last line', () => {
    const s = new LineSplitter();
    const out: Line[] = [];
    s.push(Buffer.from('{"a":1}\r\n\n{"b"'), out);
    s.push(Buffer.from(':2}\n{"c":3}'), out);
    s.end(out);
    expect(out).toEqual([
      { text: '{"a":1}', number: 1 },
      { text: '{"b":2}', number: 3 },
      { text: '{"c":3}', number: 4 },
    ]);
  });
  it('cuts an endless line at the limit instead of buffering it whole', () => {
    const s = new LineSplitter();
    const out: Line[] = [];
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    for (let i = 0; i < 10; i++) s.push(chunk, out);
    s.push(Buffer.from('\n{}\n'), out);
    expect(out.map((l) => l.text.length)).toEqual([MAX_LINE_BYTES, 2]);
  });
});

describe('streamLines', () => {
  it('reads a stream to its end', async () => {
    const lines: string[] = [];
    for await (const batch of streamLines(Readable.from([Buffer.from('x\ny'), Buffer.from('\nz')])))
      lines.push(...batch.map((l) => l.text));
    expect(lines).toEqual(['x', 'y', 'z']);
  });
});

async function collectUntil(gen: AsyncGenerator<Line[]>, want: number, seen: string[], stop: AbortController): Promise<void> {
  for await (const batch of gen) {
    seen.push(...batch.map((l) => `${l.number}:${l.text}`));
    if (seen.length >= want) stop.abort();
  }
}

describe('followLines', () => {
  it('follows growth, truncation (copytruncate) and rotation (a new file at the path)', async () => {
    const path = join(dir, 'audit.log');
    writeFileSync(path, 'a1\na2\n');
    const stop = new AbortController();
    const reopened: string[] = [];
    const seen: string[] = [];
    const done = collectUntil(followLines(path, { pollMs: 10, signal: stop.signal, onReopen: (r) => reopened.push(r) }), 7, seen, stop);
    // Each step waits for the follower to have seen the previous one: on a loaded machine it may lag.
    await until(() => seen.length === 2, 'the first two lines');
    appendFileSync(path, 'a3\n');
    await until(() => seen.length === 3, 'the appended line');
    truncateSync(path, 0);
    await until(() => reopened.length === 1, 'the truncation');
    appendFileSync(path, 't1\n');
    await until(() => seen.length === 4, 'the line after the truncation');
    appendFileSync(path, 't2-partial');
    renameSync(path, path + '.1');
    writeFileSync(path, 'r1\nr2\n');
    await done;
    expect(seen).toEqual(['1:a1', '2:a2', '3:a3', '1:t1', '2:t2-partial', '1:r1', '2:r2']);
    expect(reopened).toEqual(['truncated', 'rotated']);
  }, 60_000);
  it('waits for a file that does not exist yet and stops when aborted', async () => {
    const path = join(dir, 'later.log');
    const stop = new AbortController();
    const seen: string[] = [];
    let missing = 0;
    const done = collectUntil(followLines(path, { pollMs: 10, signal: stop.signal, onMissing: () => missing++ }), 1, seen, stop);
    // The follower has looked twice and found no file (it waited between the two looks).
    await until(() => missing >= 2, 'the follower to find no file twice');
    writeFileSync(path, 'first\n');
    await done;
    expect(seen).toEqual(['1:first']);
  });
});
