import { closeSync, fstatSync, mkdtempSync, readdirSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { rng } from '../../bench/seeded-random.mjs';
import { exitCodeFor } from '../cli/main.js';
import type { SanctumConfig } from '../core/config.js';
import { MemorySourceFile } from '../core/source-file.js';
import { SEVERITIES, type Finding } from '../core/types.js';
import { getRegistry, scanStreamed, scanSync, sortFindings, type ScanOptions } from '../scan.js';
import { jsonReporter } from './json.js';
import { exportBuffers, JsonFindingSpool, reserveSpoolFile } from './json-spool.js';
import { chunkText } from './json-stream.js';

const EXAMPLES = fileURLToPath(new URL('../../examples', import.meta.url));
const ctx = { rules: getRegistry().rules, color: false, failOn: 'high' as const };

/** The report text with the scan's duration (which differs from run to run) blanked. */
const steady = (text: string): string => text.replace(/"durationMs": \d+/, '"durationMs": 0');

function streamedText(opts: ScanOptions): { text: string; streamed: ReturnType<typeof scanStreamed> } {
  const streamed = scanStreamed(opts);
  const parts: string[] = [];
  streamed.writeJson((c) => parts.push(chunkText(c)));
  return { text: parts.join(''), streamed };
}

const deployment = (name: string, extra = ''): string =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: ml\nspec:\n  template:\n    spec:\n      serviceAccountName: ${name}\n      containers:\n      - name: c\n        image: vllm/vllm-openai:latest\n        securityContext:\n          privileged: true${extra}\n`;

describe('streamed scan (findings spooled as files finish)', () => {
  it('writes byte for byte the JSON report of the in-memory scan, cross-object findings merged in order', () => {
    const config: SanctumConfig = {
      ignore: [
        { rule: 'K8S-0100', paths: ['**/notebook.yaml'], reason: 'pinned by the platform team' },
        { rule: 'K8S-0101', paths: ['**/llm-serving.yaml'] },
        { rule: 'K8S-0109', expires: '2020-01-01', reason: 'old' },
      ],
    };
    for (const opts of [
      { targets: [EXAMPLES], config: false as const },
      { targets: [EXAMPLES], config },
      { targets: [EXAMPLES], config: false as const, frameworks: ['pss:restricted'] },
    ]) {
      const full: ScanOptions = { ...opts, today: '2026-06-15' };
      const expected = jsonReporter(scanSync(full), ctx);
      const { text, streamed } = streamedText(full);
      try {
        expect(steady(text)).toBe(steady(expected));
        expect(streamed.findingCount).toBe(JSON.parse(expected).findings.length);
        expect(streamed.findingCount).toBeGreaterThan(20);
        // Written twice, the same.
        const again: string[] = [];
        streamed.writeJson((c) => again.push(chunkText(c)));
        expect(again.join('')).toBe(text);
      } finally {
        streamed.dispose();
      }
    }
  });

  it('keeps the order of equal findings and interleaves files, baseline and hygiene findings as the in-memory scan does', () => {
    const files = () => [
      new MemorySourceFile('b/z.yaml', deployment('z') + '---\n' + deployment('z')),
      new MemorySourceFile('a-b/x.yaml', deployment('x', '\n          # sanctum:ignore K8S-0003\n')),
      new MemorySourceFile('a/y.yaml', deployment('y')),
      new MemorySourceFile('a/broken.yaml', 'a: [1,\n'),
      new MemorySourceFile('a/empty.yaml', ''),
    ];
    const first = scanSync({ targets: ['.'], files: files(), config: false, today: '2026-06-15' });
    const baseline = new Set(first.findings.filter((_, i) => i % 3 === 0).map((f) => f.fingerprint));
    const opts = (): ScanOptions => ({
      targets: ['.'],
      files: files(),
      config: { ignore: [{ paths: ['a/**'] }] },
      baseline,
      today: '2026-06-15',
    });
    const inMemory = scanSync(opts());
    const { text, streamed } = streamedText(opts());
    try {
      expect(steady(text)).toBe(steady(jsonReporter(inMemory, ctx)));
      expect(inMemory.findings.some((f) => f.suppression?.kind === 'baseline')).toBe(true);
      expect(inMemory.findings.some((f) => f.ruleId === 'SAN-0001')).toBe(true);
      expect(inMemory.errors).toHaveLength(1);
      for (const severity of SEVERITIES)
        for (const failOnError of [false, true])
          expect(streamed.failsAt(severity) || (failOnError && streamed.result.errors.length > 0) ? 1 : 0).toBe(
            exitCodeFor(inMemory, severity, failOnError),
          );
    } finally {
      streamed.dispose();
    }
  });

  it('writes an empty findings list, and leaves no file in the temporary directory, even while it is open', () => {
    inOwnTmpdir((tmp) => {
      const opts: ScanOptions = { targets: ['.'], files: [new MemorySourceFile('ok.txt', 'nothing here\n')], config: false };
      const { text, streamed } = streamedText(opts);
      expect(JSON.parse(text).findings).toEqual([]);
      expect(steady(text)).toBe(steady(jsonReporter(scanSync(opts), ctx)));
      expect(streamed.failsAt('info')).toBe(false);
      // Not even before dispose: a process killed mid-scan (Ctrl-C) runs no dispose.
      expect(readdirSync(tmp)).toEqual([]);
      streamed.dispose();
      streamed.dispose();
      expect(readdirSync(tmp)).toEqual([]);
    });
  });
});

/** Runs `fn` with the temporary directory (`os.tmpdir()`) a new empty one, removed afterwards. */
function inOwnTmpdir(fn: (tmp: string) => void): void {
  const saved = process.env.TMPDIR;
  const tmp = mkdtempSync(join(tmpdir(), 'spool-test-'));
  process.env.TMPDIR = tmp;
  try {
    fn(tmp);
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
    rmSync(tmp, { recursive: true, force: true });
  }
}

describe('JsonFindingSpool', () => {
  const finding = (path: string, line: number, ruleId: string, message: string): Finding => ({
    ruleId,
    slug: 's',
    title: 't',
    severity: 'low',
    message,
    location: { path, startLine: line, startColumn: 1 },
    frameworks: [],
    status: 'fail',
    fingerprint: `sha256:${path}${line}${ruleId}${message}`,
  });

  it('orders a run of 200,000 findings alike but for their messages, spooled in one batch, by message', () => {
    const spool = new JsonFindingSpool();
    try {
      const n = 200_000;
      spool.spool(Array.from({ length: n }, (_, i) => finding('one.yaml', 1, 'K8S-0001', `m${String(n - i).padStart(6, '0')}`)));
      const parts: string[] = [];
      spool.writeItems(2, (c) => parts.push(chunkText(c)));
      const messages = [...parts.join('').matchAll(/"message": "(m\d+)"/g)].map((m) => m[1]);
      expect(messages).toHaveLength(n);
      expect(messages[0]).toBe('m000001');
      expect(messages[n - 1]).toBe('m200000');
      expect(messages.every((m, i) => i === 0 || messages[i - 1] < m)).toBe(true);
    } finally {
      spool.dispose();
    }
  });

  it('orders a run of 200,000 findings alike but for their messages, spooled in two batches, by message read back from the spool', () => {
    const spool = new JsonFindingSpool();
    try {
      const n = 200_000;
      // One batch holds the odd messages, the other the even ones: neither is a stretch of the report's order.
      for (const odd of [1, 0])
        spool.spool(
          Array.from({ length: n / 2 }, (_, k) => finding('one.yaml', 1, 'K8S-0001', `m${String(2 * k + odd).padStart(6, '0')}`)),
        );
      const parts: string[] = [];
      spool.writeItems(2, (c) => parts.push(chunkText(c)));
      const messages = [...parts.join('').matchAll(/"message": "(m\d+)"/g)].map((m) => m[1]);
      expect(messages).toHaveLength(n);
      expect(messages[0]).toBe('m000000');
      expect(messages.every((m, i) => i === 0 || messages[i - 1] < m)).toBe(true);
    } finally {
      spool.dispose();
    }
  });

  it('leaves findings tied within one batch in the order they were spooled in (sorted by message then), reading nothing back', () => {
    const unplaced = (message: string): Finding => ({
      ...finding('ns/Deployment.apps/x', 0, 'K8S-0014', message),
      location: { path: 'ns/Deployment.apps/x' },
    });
    // Written to a reserved file, whose descriptor the test holds: it rewrites the spool's text through it.
    const reserved = reserveSpoolFile();
    const spool = new JsonFindingSpool({ shared: reserved });
    try {
      spool.spool([unplaced("Container 'c1' is marked"), finding('a.yaml', 2, 'K8S-0001', 'other'), unplaced("Container 'c0' is marked")]);
      spool.spool([finding('b.yaml', 1, 'K8S-0001', 'later')]);
      // The spool's own text changed behind its back: a message read back would put 'c2' after 'c1'.
      spool.writeItems(2, () => {});
      const text = Buffer.alloc(fstatSync(reserved.fd).size);
      readSync(reserved.fd, text, 0, text.length, 0);
      const at = text.indexOf("'c0' is marked");
      expect(at).toBeGreaterThan(0);
      writeSync(reserved.fd, "'c2'", at);
      const parts: string[] = [];
      spool.writeItems(2, (c) => parts.push(chunkText(c)));
      expect([...parts.join('').matchAll(/"message": "([^"]*)"/g)].map((m) => m[1])).toEqual([
        'other',
        'later',
        "Container 'c2' is marked",
        "Container 'c1' is marked",
      ]);
    } finally {
      spool.dispose();
      closeSync(reserved.fd);
    }
  });

  it('orders seeded random findings with many ties, in batches, held and handed over, as a stable sort of them all in order of arrival', () => {
    const random = rng(11);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
    let n = 0;
    const some = (paths: readonly string[]): Finding => {
      const f = finding(pick(paths), pick([1, 2]), pick(['K8S-0001', 'K8S-0002']), pick(['m', 'm a', 'm b', 'é', 'm "q"', 'z']));
      // Findings without a position, as a cluster's objects give; fingerprints tell equal findings apart.
      const placed = random() < 0.5 ? f : { ...f, location: { path: f.location.path } };
      return { ...placed, fingerprint: `sha256:${n++}` };
    };
    const batches = (paths: readonly string[], count: number): Finding[][] =>
      Array.from({ length: count }, () => Array.from({ length: Math.floor(random() * 6) }, () => some(paths)));
    // The other thread's files are not this one's, as a threaded scan shares them out.
    const mine = batches(['a.yaml', 'b.yaml'], 120);
    const theirs = batches(['c.yaml', 'a/b.yaml'], 80);
    const held = Array.from({ length: 40 }, () => some(['a.yaml', 'c.yaml']));
    const main = new JsonFindingSpool();
    const other = new JsonFindingSpool({ shared: reserveSpoolFile() });
    try {
      for (const b of theirs) other.spool(b);
      for (const b of mine) main.spool(b);
      main.adopt(structuredClone(other.detach()));
      main.hold(held);
      const parts: string[] = [];
      main.writeItems(2, (c) => parts.push(chunkText(c)));
      const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
      const all = [...mine.flat(), ...theirs.flat(), ...held].sort(
        (a, b) =>
          cmp(a.location.path, b.location.path) ||
          (a.location.startLine ?? 0) - (b.location.startLine ?? 0) ||
          (a.location.startColumn ?? 0) - (b.location.startColumn ?? 0) ||
          cmp(a.ruleId, b.ruleId) ||
          cmp(a.message, b.message),
      );
      expect(all.length).toBeGreaterThan(500);
      expect(parts.join('')).toBe(JSON.stringify({ findings: all }, null, 2).slice('{\n  "findings": '.length, -2));
    } finally {
      main.dispose();
      other.dispose();
    }
  });

  it('merges spooled and held findings in report order, reading long runs in pieces, multi-byte text included', () => {
    const spool = new JsonFindingSpool();
    try {
      const spooled: Finding[] = [];
      // Batches of ASCII items with a few multi-byte ones (two- and three-byte characters, surrogate pairs) among them.
      for (let i = 0; i < 3000; i++)
        spooled.push(finding(`f${i % 7}.yaml`, i, 'K8S-0001', i % 5 === 0 ? `modèle ${'x'.repeat(500)} ${i} – ok 🤖` : `model ${i}`));
      // One item larger than a read of the spool.
      spooled.push(finding('f2.yaml', 5000, 'K8S-0001', 'y'.repeat(300_000)));
      spool.spool(spooled.slice(0, 1500));
      spool.hold([finding('f3.yaml', 10, 'K8S-0002', 'held'), finding('a.yaml', 1, 'K8S-0001', 'held first')]);
      spool.spool(spooled.slice(1500, 1501));
      spool.spool(spooled.slice(1501));
      const parts: string[] = [];
      spool.writeItems(2, (c) => parts.push(chunkText(c)));
      const all = [...spooled, finding('f3.yaml', 10, 'K8S-0002', 'held'), finding('a.yaml', 1, 'K8S-0001', 'held first')];
      const sorted = [...all].sort((a, b) =>
        a.location.path < b.location.path
          ? -1
          : a.location.path > b.location.path
            ? 1
            : a.location.startLine! - b.location.startLine! || (a.ruleId < b.ruleId ? -1 : 1),
      );
      expect(parts.join('')).toBe(JSON.stringify({ findings: sorted }, null, 2).slice('{\n  "findings": '.length, -2));
      expect(() => spool.writeItems(4, () => {})).toThrow(/indentation/);
    } finally {
      spool.dispose();
    }
  });

  it('lends each chunk once: megabytes of runs and held findings between them, written twice, the same', () => {
    const spool = new JsonFindingSpool();
    try {
      const spooled: Finding[] = [];
      for (let i = 0; i < 12_000; i++)
        spooled.push(finding(`f${i % 3}.yaml`, 2 * i, 'K8S-0001', `m ${'é'.repeat(i % 40)} ${'x'.repeat(i % 300)}`));
      // Held findings fall between the spooled ones of each file: the runs of adjacent items break there.
      const held = Array.from({ length: 500 }, (_, i) => finding(`f${i % 3}.yaml`, 48 * i + 1, 'K8S-0002', `held ${i} "quoted"`));
      for (let i = 0; i < spooled.length; i += 4000) spool.spool(spooled.slice(i, i + 4000));
      spool.hold(held);
      const expected = JSON.stringify({ findings: [...spooled, ...held].sort(byPathAndLine) }, null, 2).slice(
        '{\n  "findings": '.length,
        -2,
      );
      for (let round = 0; round < 2; round++) {
        const chunks: Buffer[] = [];
        // Copies the lent bytes as a sink that keeps them must.
        spool.writeItems(2, (c) => chunks.push(Buffer.from(c)));
        expect(chunks.length).toBeGreaterThan(4);
        expect(Buffer.concat(chunks).toString('utf8')).toBe(expected);
      }
      // A sink that fails (a full disk) leaves nothing behind: the next report is whole.
      let calls = 0;
      expect(() =>
        spool.writeItems(2, () => {
          if (++calls === 2) throw new Error('ENOSPC');
        }),
      ).toThrow('ENOSPC');
      const parts: string[] = [];
      spool.writeItems(2, (c) => parts.push(chunkText(c)));
      expect(parts.join('')).toBe(expected);
    } finally {
      spool.dispose();
    }
  });
  it("adopts another thread's detached spool: each string sent once, the items merged in report order", () => {
    const main = new JsonFindingSpool();
    const other = new JsonFindingSpool({ shared: reserveSpoolFile() });
    try {
      // Messages repeat across files and spools, as a rule's message does across the objects of a scan.
      const message = (i: number): string => (i % 4 === 0 ? `naïve ${i % 12} – 🤖` : `rule message ${i % 12}`);
      const mine = Array.from({ length: 900 }, (_, i) => finding(`a${i % 3}.yaml`, i, `K8S-000${i % 2}`, message(i)));
      const theirs = Array.from({ length: 1200 }, (_, i) => finding(`${i % 2 ? 'b' : '0'}${i % 5}.yaml`, i, `K8S-000${i % 3}`, message(i)));
      main.spool(mine.slice(0, 400));
      other.spool(theirs.slice(0, 700));
      other.spool(theirs.slice(700));
      main.spool(mine.slice(400));
      // As the worker replies: the columns move (a transfer list), each its own buffer of exactly its entries.
      const detached = other.detach();
      const columns = exportBuffers(detached);
      expect(new Set(columns).size).toBe(9);
      const n = 1200;
      expect(columns.map((b) => b.byteLength)).toEqual([
        4 * n,
        8 * n,
        8 * n,
        4 * n,
        8 * n,
        8 * n,
        4 * n,
        4 * n,
        detached.messageEntries.byteLength,
      ]);
      const sent = structuredClone(detached, { transfer: columns });
      expect(columns.every((b) => b.byteLength === 0)).toBe(true);
      // Paths and rule ids: each distinct string once, the columns indices into them; messages are not sent (read back from the spool when needed).
      expect(sent.strings).toHaveLength(new Set(sent.strings).size);
      expect(sent.strings.length).toBe(10 + 3);
      expect(sent.path).toBeInstanceOf(Int32Array);
      expect(sent.messages).toEqual([]);
      main.adopt(sent);
      const held = finding('0.yaml', 1, 'K8S-0009', 'held');
      main.hold([held]);
      expect(main.count).toBe(900 + 1200 + 1);
      const parts: string[] = [];
      main.writeItems(2, (c) => parts.push(chunkText(c)));
      const expected = JSON.stringify({ findings: [...mine, ...theirs, held].sort(byPathAndLine) }, null, 2).slice(
        '{\n  "findings": '.length,
        -2,
      );
      expect(parts.join('')).toBe(expected);
    } finally {
      main.dispose();
      other.dispose();
    }
  });

  it('hands over only a spool written to a reserved file: a spool of its own file has no name to be adopted by', () => {
    inOwnTmpdir((tmp) => {
      const own = new JsonFindingSpool();
      try {
        own.spool([finding('a.yaml', 1, 'K8S-0001', 'mine')]);
        expect(() => own.detach()).toThrow(/reserved file/);
        expect(readdirSync(tmp)).toEqual([]);
      } finally {
        own.dispose();
      }
    });
  });

  it("reads another thread's spool from a file it reserved, whose name is gone at once, through its own descriptor", () => {
    inOwnTmpdir((tmp) => {
      const reserved = reserveSpoolFile();
      expect(readdirSync(tmp)).toEqual([]);
      const main = new JsonFindingSpool();
      const other = new JsonFindingSpool({ shared: reserved });
      try {
        const mine = [finding('a.yaml', 2, 'K8S-0001', 'mine')];
        const theirs = [finding('a.yaml', 1, 'K8S-0001', 'theirs 🤖'), finding('b.yaml', 1, 'K8S-0002', 'theirs')];
        main.spool(mine);
        other.spool(theirs);
        main.adopt({ ...structuredClone(other.detach()), fd: reserved.fd });
        const parts: string[] = [];
        main.writeItems(2, (c) => parts.push(chunkText(c)));
        expect(parts.join('')).toBe(
          JSON.stringify({ findings: [theirs[0], mine[0], theirs[1]] }, null, 2).slice('{\n  "findings": '.length, -2),
        );
      } finally {
        main.dispose();
        other.dispose();
      }
      expect(readdirSync(tmp)).toEqual([]);
    });
  });

  it('orders findings that tie on path, line, column and rule by message, spooled in separate batches, held, or handed over', () => {
    const tied = (message: string): Finding => finding('same.yaml', 3, 'K8S-0001', message);
    // Messages in the order they arrive, which is not their order: escapes, non-ASCII text, a lone surrogate, a prefix of another.
    const messages = ['m "quoted" \\ back', 'm', 'é accent', 'm\nline', 'a 🤖', '\ud800 lone', 'm "quoted"', 'z'];
    const withJson = { ...tied('b by toJSON'), toJSON: () => ({ ruleId: 'K8S-0001', message: 'not what is compared' }) };
    const expected = (all: Finding[]): string =>
      JSON.stringify({ findings: [...all].sort((a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)) }, null, 2).slice(
        '{\n  "findings": '.length,
        -2,
      );
    const spool = new JsonFindingSpool();
    const other = new JsonFindingSpool({ shared: reserveSpoolFile() });
    try {
      for (const m of messages.slice(0, 4)) spool.spool([tied(m)]);
      spool.spool([withJson as Finding]);
      for (const m of messages.slice(4, 6)) other.spool([tied(m)]);
      spool.adopt(other.detach());
      spool.hold(messages.slice(6).map(tied));
      const parts: string[] = [];
      spool.writeItems(2, (c) => parts.push(chunkText(c)));
      expect(parts.join('')).toBe(expected([...messages.map(tied), withJson as Finding]));
    } finally {
      spool.dispose();
      other.dispose();
    }
  });
  it('orders a line or column of NaN as sortFindings does (as 0, like a missing one), ties across batches by message', () => {
    const at = (line: number | undefined, column: number | undefined, message: string): Finding => ({
      ...finding('same.yaml', 0, 'K8S-0001', message),
      location: { path: 'same.yaml', startLine: line, startColumn: column },
    });
    // Each batch in report order by itself; across batches only the messages order them.
    const batches = [
      [at(NaN, 1, 'm4'), at(NaN, NaN, 'm5')],
      [at(NaN, 1, 'm3'), at(0, NaN, 'm2')],
      [at(undefined, undefined, 'm1'), at(NaN, 1, 'm0'), at(2, 1, 'm6')],
    ];
    const spool = new JsonFindingSpool();
    try {
      for (const b of batches) spool.spool(b);
      const parts: string[] = [];
      spool.writeItems(2, (c) => parts.push(chunkText(c)));
      const sorted = sortFindings(batches.flat());
      expect(sorted.map((f) => f.message)).toEqual(['m1', 'm2', 'm5', 'm0', 'm3', 'm4', 'm6']);
      expect(parts.join('')).toBe(JSON.stringify({ findings: sorted }, null, 2).slice('{\n  "findings": '.length, -2));
    } finally {
      spool.dispose();
    }
  });
});

function byPathAndLine(a: Finding, b: Finding): number {
  return a.location.path < b.location.path ? -1 : a.location.path > b.location.path ? 1 : a.location.startLine! - b.location.startLine!;
}
