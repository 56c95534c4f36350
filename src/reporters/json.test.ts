import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { Finding, ScanResult } from '../core/types.js';
import { getRegistry, scanSync } from '../scan.js';
import { jsonReporter, streamJson } from './json.js';
import { bufferedSink, chunkText, writeJsonStreaming, writeString, type ChunkSink } from './json-stream.js';
import { streamSarif } from './sarif.js';
import { realResult, selectedRules, syntheticResult } from './testing/fixtures.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const EXAMPLES = fileURLToPath(new URL('../../examples/ai-platform', import.meta.url));
const SARIF_SCHEMA = fileURLToPath(new URL('../../test/schemas/sarif-schema-2.1.0.json', import.meta.url));
const ctx = { rules: getRegistry().rules, lookup: (k: string) => getRegistry().get(k), color: false, failOn: 'high' as const };

function chunksOf(write: (sink: ChunkSink) => void): string[] {
  const out: string[] = [];
  write((c) => out.push(chunkText(c)));
  return out;
}

/** `n` findings: copies of the synthetic ones with distinct fingerprints. */
function many(n: number): ScanResult {
  const base = syntheticResult();
  const findings: Finding[] = [];
  for (let i = 0; i < n; i++) {
    const f = structuredClone(base.findings[i % base.findings.length]);
    f.fingerprint = `sha256:${i}`;
    findings.push(f);
  }
  return { ...base, findings };
}

const examples = scanSync({ targets: [EXAMPLES], config: false, today: '2026-01-01' });

describe('streamed JSON report', () => {
  it('is byte for byte JSON.stringify(result, null, 2) of the same scan', () => {
    for (const result of [examples, realResult(), syntheticResult(), many(0), many(1), many(256), many(257), many(1000)]) {
      expect(chunksOf((sink) => streamJson(result, ctx, sink)).join('')).toBe(JSON.stringify(result, null, 2) + '\n');
      expect(jsonReporter(result, ctx)).toBe(JSON.stringify(result, null, 2) + '\n');
    }
    expect(examples.findings.length).toBeGreaterThan(50);
  });

  it('never holds the report whole: findings come in batches', () => {
    const result = many(2000);
    const chunks = chunksOf((sink) => streamJson(result, ctx, sink));
    const whole = chunks.join('').length;
    expect(chunks.length).toBeGreaterThan(8);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(whole / 4);
  });

  it('streams an array at any depth with the indentation JSON.stringify gives it', () => {
    const items = [{ a: 1, b: [1, 2] }, 'x', null, { c: {} }];
    for (const root of [{ items }, { a: [{ b: { items } }], z: 1 }, { x: { y: { z: { items, after: [] } } } }]) {
      const out = chunksOf((sink) => writeJsonStreaming(root, items, (v) => v, sink)).join('');
      expect(out).toBe(JSON.stringify(root, null, 2));
    }
    expect(() =>
      writeJsonStreaming(
        { a: 1 },
        [1],
        (v) => v,
        () => {},
      ),
    ).toThrow(/not part of the report/);
  });

  it('buffers small chunks into writes of about the asked size', () => {
    const writes: string[] = [];
    const out = bufferedSink((c) => writes.push(typeof c === 'string' ? c : `bytes:${chunkText(c)}`), 10);
    for (const c of ['abc', 'defg', 'hijk', 'l', 'a long chunk', 'm', Buffer.from('é'), 'n']) out.write(c);
    out.flush();
    expect(writes).toEqual(['abcdefghijk', 'l', 'a long chunk', 'm', 'bytes:é', 'n']);
  });
});

describe('writeString', () => {
  it('writes text with multi-byte characters whole', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sanctum-write-'));
    try {
      const path = join(dir, 'out.json');
      const fd = openSync(path, 'w');
      writeString(fd, 'naïve – ');
      writeString(fd, '模型 🤖');
      writeString(fd, Buffer.from(' bytes\n'));
      closeSync(fd);
      expect(readFileSync(path, 'utf8')).toBe('naïve – 模型 🤖 bytes\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('streamed SARIF report', () => {
  it('is formatted as one JSON.stringify of the log and validates against SARIF 2.1.0', () => {
    const ajv = new Ajv({ strict: false, validateSchema: false, allErrors: true });
    ajv.removeKeyword('id');
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(SARIF_SCHEMA, 'utf8')));
    for (const [result, rules] of [
      [examples, getRegistry().rules],
      [many(700), selectedRules()],
      [many(0), selectedRules()],
    ] as const) {
      const out = chunksOf((sink) => streamSarif(result, { ...ctx, rules }, sink)).join('');
      const log = JSON.parse(out);
      expect(JSON.stringify(log, null, 2) + '\n').toBe(out);
      expect(log.runs[0].results).toHaveLength(result.findings.length);
      expect(validate(log) ? '' : JSON.stringify(validate.errors?.slice(0, 3))).toBe('');
    }
  });
});
