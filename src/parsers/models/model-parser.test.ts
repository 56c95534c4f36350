import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_LIMITS, type Limits } from '../../core/parser.js';
import { MemorySourceFile } from '../../core/source-file.js';
import { Engine } from '../../core/engine.js';
import dangerousCall from '../../rules/models/pickle-dangerous-call.js';
import { walkTargets } from '../../sources/directory.js';
import { allParsers } from '../index.js';
import { osSystemPayload, pickle, torchStateDictPickle } from '../../rules/models/lib/builders/pickle-builder.js';
import { joblibDump, joblibObjectDump, npy, objectArrayPickle } from '../../rules/models/lib/builders/npy-builder.js';
import { torchZip, zip } from '../../rules/models/lib/builders/zip-builder.js';
import { GgufDocument, KerasDocument, ModelFileDocument, OnnxDocument, PickleDocument, type ModelDocument } from './documents.js';
import { onnxModel } from '../../rules/models/lib/builders/protobuf-builder.js';
import { hdf5, kerasArchive, kerasConfig } from '../../rules/models/lib/builders/keras-builder.js';
import { gguf } from '../../rules/models/lib/builders/formats-builder.js';
import { createModelParser, identifyModel, modelParser } from './model-parser.js';
import { DEFAULT_PICKLE_LIMITS } from './pickle.js';
import { pack } from '../../testing/tar-pack.js';
import { gzipTarBomb, tar } from '../../rules/models/lib/builders/tar-builder.js';
import { sevenZip } from '../../rules/models/lib/builders/formats-builder.js';
import { BufferSource } from './byte-source.js';
import { BlockSource, InflateError, InflateLimit, Inflater } from './inflate.js';
import { bunzip } from './bzip2.js';
import { scanSync } from '../../scan.js';

/** Documents and `errors` entries of one file. */
function parseAll(content: Uint8Array, name: string, limits: Partial<Limits> = {}) {
  const out = modelParser.parse(new MemorySourceFile(name, content), { limits: { ...DEFAULT_LIMITS, ...limits } });
  return { docs: out.documents as ModelDocument[], errors: (out.errors ?? []).map((e) => e.message) };
}

function parse(content: Uint8Array | string, name = 'model.pt', limits: Partial<Limits> = {}, parser = modelParser): ModelDocument[] {
  const file = new MemorySourceFile(name, content);
  expect(parser.matches(file)).toBe(true);
  return parser.parse(file, { limits: { ...DEFAULT_LIMITS, ...limits } }).documents as ModelDocument[];
}

class CountingFile extends MemorySourceFile {
  reads: [number, number][] = [];
  override read(offset: number, length: number): Uint8Array {
    const out = super.read(offset, length);
    this.reads.push([offset, offset + out.length]);
    return out;
  }
}

const benign = torchStateDictPickle([
  { name: 'w', key: '0', shape: [256, 256] },
  { name: 'b', key: '1', shape: [64] },
]);

describe('model file identification', () => {
  it('identifies by content, not by name', () => {
    const p = osSystemPayload('id');
    expect(identifyModel(p, p.length, 'weights')).toBe('pickle');
    expect(identifyModel(p, p.length, 'notes.txt')).toBe('pickle');
    const text = Buffer.from("cos\nsystem\n(S'id'\ntR.");
    expect(identifyModel(text, text.length, 'README.txt')).toBe('pickle');
    const z = torchZip(benign, {});
    expect(identifyModel(z, z.length, 'model.safetensors')).toBe('zip');
  });
  it('follows a long text pickle past the head when its name says nothing', () => {
    const p = pickle().mark();
    for (let i = 0; i < 3000; i++) p.string(`item ${i}`);
    const long = p.list().pop().global('os', 'system').string('id').tuple1().reduce().stop().bytes();
    expect(long.length).toBeGreaterThan(8192);
    const file = new MemorySourceFile('notes.txt', long);
    expect(modelParser.matches(file)).toBe(true);
    const [doc] = modelParser.parse(file, { limits: DEFAULT_LIMITS }).documents as PickleDocument[];
    expect(doc.imports.map((i) => i.dotted)).toEqual(['os.system']);
    const text = new MemorySourceFile('list.txt', Buffer.from("(S'" + 'a'.repeat(20_000) + "'\n"));
    expect(modelParser.matches(text)).toBe(false);
  });

  it('leaves ordinary text and binaries alone', () => {
    for (const s of ['hello world\n', '(draft) notes\n', 'cat\ndog\n', 'I love pickles.\n', ']]\n', 'N', 'lorem (ipsum)\n']) {
      const b = Buffer.from(s);
      expect(identifyModel(b, b.length, 'notes.txt'), s).toBeUndefined();
    }
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(identifyModel(png, png.length, 'model.pt')).toBeUndefined();
  });

  it('leaves a CommonJS file whose first lines read as a GLOBAL of no importable name alone', () => {
    // `c` GLOBAL takes the first two lines as module and name, `r` (LONG_BINPUT) eats four bytes twice, `.` is STOP.
    const cjs = Buffer.from(
      'const require_global_utils = require("../internal/global-utils.cjs");\n' +
        'const require_ComponentLogger = require("../diag/ComponentLogger.cjs");\n' +
        'require("../diag/types.cjs");\nvar DiagAPI = class DiagAPI {};\n',
    );
    expect(identifyModel(cjs, cjs.length, 'diag.cjs')).toBeUndefined();
    expect(modelParser.matches(new MemorySourceFile('dist/api/diag.cjs', cjs))).toBe(false);
    // Named like a pickle, it is still read (and reported) as one.
    expect(identifyModel(cjs, cjs.length, 'diag.pkl')).toBe('pickle');
    // A payload that runs before a malformed import still makes the stream a pickle.
    const payloadFirst = Buffer.from("cos\nsystem\n(S'id'\ntRc bad module\nname\n.");
    expect(identifyModel(payloadFirst, payloadFirst.length, 'notes.txt')).toBe('pickle');
  });
});

describe('PyTorch zip checkpoints', () => {
  it('reports archive members in detail and never reads tensor storages', () => {
    const storage = new Uint8Array(256 * 256 * 4).fill(0x80);
    const bytes = torchZip(benign, { '0': storage, '1': new Uint8Array(256) });
    const file = new CountingFile('model.pt', bytes);
    const docs = modelParser.parse(file, { limits: DEFAULT_LIMITS }).documents;
    const container = docs.find((d) => d instanceof ModelFileDocument) as ModelFileDocument;
    expect(container.format).toBe('pytorch-zip');
    const pkl = docs.find((d) => d instanceof PickleDocument) as PickleDocument;
    expect(pkl.detail).toBe('archive/data.pkl');
    expect(pkl.format).toBe('pytorch-zip');
    expect(pkl.scan.streams[0].storageKeys).toEqual(['0', '1']);
    expect(container.members).not.toContain('archive/data/0');
    const start = Buffer.from(bytes).indexOf(Buffer.from(storage.subarray(0, 64)));
    // Only the sniffed head of the file and the tail searched for the end of central directory may overlap it.
    const middle = [8192, bytes.length - (22 + 0xffff + 20)];
    expect(start).toBeLessThan(middle[0]);
    expect(start + storage.length).toBeGreaterThan(middle[1]);
    expect(file.reads.filter(([a, b]) => a < middle[1] && b > middle[0])).toEqual([]);
  });

  it('tolerates local/central name mismatches, flag bits, bad CRCs, zip64 and prepended data', () => {
    const bytes = zip()
      .add('archive/data.pkl', osSystemPayload('id'), { localName: 'other/name.bin', flags: 0x8, crc: 0 })
      .build({ zip64: true, prefix: Buffer.from('#!/bin/sh\nexit 0\n') });
    const file = new MemorySourceFile('model.pt', bytes);
    expect(identifyModel(bytes, bytes.length, 'model.pt')).toBeUndefined();
    // torch.load reads a zip only when the file starts with one: the rest is a broken file under a PyTorch name.
    const docs = modelParser.parse(file, { limits: DEFAULT_LIMITS }).documents;
    expect(docs.map((d) => [d.kind, (d as ModelDocument).problems.map((p) => p.kind)])).toEqual([['model-file', ['malformed']]]);
    const plain = zip()
      .add('archive/data.pkl', osSystemPayload('id'), { localName: 'other/name.bin', flags: 0x8, crc: 0 })
      .build({ zip64: true });
    const [, pkl] = parse(plain);
    expect((pkl as PickleDocument).imports.map((i) => i.dotted)).toEqual(['posix.system']);
    expect(pkl.detail).toBe('archive/data.pkl');
  });

  it('reads nested archives with a path through each level', () => {
    const inner = torchZip(osSystemPayload('id'), {});
    const docs = parse(zip().add('models/inner.pt', inner, { method: 'deflate' }).build(), 'bundle.zip');
    const pkl = docs.find((d) => d instanceof PickleDocument)!;
    expect(pkl.detail).toBe('models/inner.pt!/archive/data.pkl');
  });
});

describe('bounds', () => {
  it('stops at the archive entry limit', () => {
    const z = zip();
    for (let i = 0; i < 5; i++) z.add(`m${i}/data.pkl`, pickle().proto(2).none().stop().bytes());
    const docs = parse(z.build(), 'model.pt', { maxArchiveEntries: 3 });
    expect((docs[0] as ModelFileDocument).problems).toEqual([
      { kind: 'limit', message: 'zip archive has 5 members, over the limit of 3 members per archive: 2 member(s) not read' },
    ]);
    expect(docs.filter((d) => d instanceof PickleDocument)).toHaveLength(3);
  });

  it('stops at the decompression limit (zip bomb)', () => {
    const big = new Uint8Array(4 * 1024 * 1024);
    big.set(pickle().proto(2).none().stop().bytes());
    const docs = parse(zip().add('archive/data.pkl', big, { method: 'deflate' }).build(), 'model.pt', {
      maxDecompressedBytes: 1024 * 1024,
    });
    expect((docs[0] as ModelFileDocument).problems[0].message).toMatch(
      /would decompress to 4194304 bytes, over what is left of the 1 MiB decompression limit/,
    );
  });

  it('stops at the opcode, memo and stack limits with a clear message', () => {
    const many = pickle().proto(2).emptyList().mark();
    for (let i = 0; i < 200_000; i++) many.int(1);
    const parser = createModelParser({ ...DEFAULT_PICKLE_LIMITS, maxOpcodes: 100_000 });
    const [doc] = parse(many.appends().stop().bytes(), 'x.pkl', {}, parser);
    expect(doc.problems).toEqual([
      { kind: 'limit', message: expect.stringMatching(/more than 100000 opcodes/), offset: expect.any(Number), end: expect.any(Number) },
    ]);
    const memo = pickle().proto(4);
    for (let i = 0; i < 20; i++) memo.none().memoize().pop();
    const [m] = parse(memo.none().stop().bytes(), 'x.pkl', {}, createModelParser({ ...DEFAULT_PICKLE_LIMITS, maxMemo: 10 }));
    expect(m.problems[0].message).toMatch(/memo exceeds 10 entries/);
    const deep = pickle().proto(2);
    for (let i = 0; i < 70_000; i++) deep.mark();
    const [d] = parse(deep.none().stop().bytes(), 'x.pkl', {}, createModelParser({ ...DEFAULT_PICKLE_LIMITS, maxStack: 1000 }));
    expect(d.problems[0].message).toMatch(/stack exceeds 1000 entries/);
  });
});

describe('safety', () => {
  it('never executes a payload: a pickle that would create a file when loaded leaves no file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sanctum-models-'));
    try {
      const marker = join(dir, 'pwned');
      writeFileSync(join(dir, 'model.pkl'), osSystemPayload(`touch ${marker}`));
      writeFileSync(join(dir, 'model.pt'), torchZip(osSystemPayload(`touch ${marker}`, 4), {}));
      const engine = new Engine({ parsers: allParsers, rules: [dangerousCall], lookup: () => undefined });
      for (const f of walkTargets([dir], { cwd: dir, onError: () => {} })) if (engine.wants(f)) engine.scanFile(f);
      const result = engine.finish();
      expect(existsSync(marker)).toBe(false);
      expect(result.findings.filter((f) => f.ruleId === 'MDL-0001').map((f) => [f.location.path, f.location.detail, f.evidence])).toEqual([
        ['model.pkl', undefined, 'posix.system'],
        ['model.pt', 'archive/data.pkl', 'posix.system'],
      ]);
      expect(result.errors).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('NumPy and joblib', () => {
  it('scans the pickle of an object array and of an npz member', () => {
    const payload = npy(
      '|O',
      [1],
      objectArrayPickle((p) => p.global('os', 'system').str('id').tuple1().reduce()),
    );
    const docs = parse(zip().add('x.npy', payload).build(), 'data.npz');
    const pkl = docs.find((d) => d instanceof PickleDocument) as PickleDocument;
    expect(pkl.detail).toBe('x.npy');
    expect(pkl.format).toBe('npy');
    expect(pkl.imports.map((i) => [i.dotted, i.callCount])).toEqual([
      ['numpy.core.multiarray._reconstruct', 1],
      ['numpy.ndarray', 0],
      ['numpy.dtype', 1],
      ['os.system', 1],
    ]);
    expect(pkl.imports[3].offset).toBeGreaterThan(128);
    expect(pkl.problems).toEqual([]);
  });

  it('reports a broken .npy header', () => {
    const bad = npy('<f4', [1], new Uint8Array(4));
    bad[20] = 0x7b;
    const [doc] = parse(bad, 'a.npy');
    expect(doc.problems[0]).toMatchObject({ kind: 'malformed', message: expect.stringMatching(/not a valid dict literal/) });
  });

  it('skips joblib array bytes and finds what follows them', () => {
    const raw = joblibDump([1.5, -2, 3e300, 0], (p) => p.global('builtins', 'exec').str('x=1').tuple1().reduce().pop());
    const [doc] = parse(raw, 'model.joblib') as PickleDocument[];
    expect(doc.format).toBe('joblib');
    expect(doc.problems).toEqual([]);
    expect(doc.imports.map((i) => i.dotted)).toEqual([
      'joblib.numpy_pickle.NumpyArrayWrapper',
      'numpy.ndarray',
      'numpy.dtype',
      'builtins.exec',
    ]);
  });

  it('reads the nested pickle of a joblib object array as joblib does (a valid dump is not malformed)', () => {
    const clean = joblibObjectDump(2, (p) => p.str('cat').str('dog'));
    const [doc] = parse(clean, 'labels.joblib') as PickleDocument[];
    expect(doc.format).toBe('joblib');
    expect(doc.problems).toEqual([]);
    expect(doc.scan.streams[0].stopped).toBe(true);
    const hostile = joblibObjectDump(1, (p) => p.global('posix', 'system').str('id').tuple1().reduce());
    const [bad] = parse(hostile, 'labels.joblib') as PickleDocument[];
    expect(bad.problems).toEqual([]);
    expect(bad.imports.find((i) => i.dotted === 'posix.system')?.callCount).toBe(1);
  });

  it('reads zlib- and gzip-compressed joblib dumps within the decompression budget', () => {
    const raw = joblibDump([1, 2], (p) => p.global('os', 'system').str('id').tuple1().reduce().pop());
    for (const c of [deflateSync(raw), gzipSync(raw)]) {
      const [doc] = parse(c, 'model.joblib') as PickleDocument[];
      expect(doc.imports.map((i) => i.dotted)).toContain('os.system');
    }
    const [limited] = parse(deflateSync(raw), 'model.joblib', { maxDecompressedBytes: 64 });
    expect(limited.problems[0]).toMatchObject({ kind: 'limit' });
    const xz = Uint8Array.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 0]);
    const [unsupported] = parse(xz, 'model.joblib');
    expect(unsupported.problems[0]).toMatchObject({ kind: 'unsupported', message: expect.stringMatching(/^xz compression/) });
    expect(identifyModel(deflateSync(Buffer.from('hello')), 13, 'notes.pkl.z')).toBeUndefined();
    expect(identifyModel(xz, xz.length, 'backup.xz')).toBeUndefined();
  });
});

describe('bzip2-compressed joblib dumps', () => {
  const bunzipped = (b: Uint8Array) => {
    const out = new BlockSource();
    bunzip(new BufferSource(b), { remaining: Infinity, limit: Infinity }, (c) => out.append(c));
    return Buffer.from(out.read(0, out.size));
  };
  // bzip2 -9 of joblibDump([1, 2], os.system('id')), of joblibDump([1, 2]), and of joblibDump([1, 2]) followed by 8 MiB of zeros.
  const evil = Buffer.from(
    'QlpoOTFBWSZTWTpitQ0AAGd/wP/QQAgAYUBE6BkQgL//3qJi5EAAsAClBqanoSGAQMhoDQAaD0AhEhkIzQNTEwEZGTEaZNNqepgwGgAAGgAAAAALjaCLxJcARgqTQkhRO0wfD9Hxwr305lak9Y78rh8cYgmiSNz9tuJFVjXdfuWWhTEos/FWp2JWnIYrwv8m3bERuQnCfJsGT8FiNKHEh38AyFeM+IDFVYD3kiAbMbSTxVGxAkwiIUYzkoylkqgW9+y558CtmsMSsTkIGZg8RAhCG9dtM1T/C69y31NILu7TKInHa0AXhv+LuSKcKEgdMVqGgA==',
    'base64',
  );
  const benign = Buffer.from(
    'QlpoOTFBWSZTWaSB2sEAAF9/wP/QQAgAYQBE6BkQgL//3qJi5EAAsAC7NhqmgjaCYBMI00MAJjUYj1CtEyh6nhT0ajTT1GgNAHqGTxQCIFGAjaTTAAIwTATTTDqcgC4BvcQygPQojDC+cn0CDmQNHoz0ypX48KFnOHZ9IwRp+HCEicjPpuea4oStHEyWGqbNE67EyChhGKsWJMD31kgEp4iKqhuQBNShAn+JUpcsc6psQCGiWYHFgM0BuqWa3Lub7TAxeA8kDRoAwQgIOQm39y/KPxy749Kfp0TZNrsbIAHCHIu5IpwoSFJA7WCA',
    'base64',
  );
  const bomb = Buffer.from(
    'QlpoOTFBWSZTWdhLoQkBAWH/wP/QQAgAYQBE6BkQgL//3qZi5EAIsADa0w1NJqaGyaT1DQaGmjIABk2kwh3pqbUwaanqGAAEyYAjT00EBVSowAAAAAAAAAR6XwBABRiiAQAfVn/gBAAAFpjnBNcMgh6mP9Bylvokbmnd547oUuTMC9jyBIqzCAxw1iwazwFmiA/xDQQyic8c9FCUjODuUJV6SchmUSIEwD9mhD+PJCYZFJSPXOrMqJZMfcgMCTVpNEikr1JRaF3p88uLbGKMLolIQUQhRECCxG/X9rbwtuer86+Nlx6PbEqYAAAIAPED6k/hdyRThQkNhLoQkA==',
    'base64',
  );

  it('decompresses to the bytes that were compressed, concatenated streams too', () => {
    const whole = bunzipped;
    const raw = joblibDump([1, 2], (p) => p.global('os', 'system').str('id').tuple1().reduce().pop());
    expect(whole(evil)).toEqual(Buffer.from(raw));
    expect(whole(Buffer.concat([benign, evil]))).toEqual(Buffer.concat([joblibDump([1, 2]), raw]));
  });

  it('scans what a .pkl.bz2 dump holds: benign clean, a payload found where the uncompressed dump has it', () => {
    const [clean] = parse(benign, 'model.pkl.bz2') as PickleDocument[];
    expect(clean.problems).toEqual([]);
    expect(clean.imports.map((i) => i.dotted)).toEqual(['joblib.numpy_pickle.NumpyArrayWrapper', 'numpy.ndarray', 'numpy.dtype']);
    const raw = joblibDump([1, 2], (p) => p.global('os', 'system').str('id').tuple1().reduce().pop());
    const r = scanSync({
      targets: [],
      files: [new MemorySourceFile('model.pkl.bz2', evil), new MemorySourceFile('model.pkl', raw)],
      config: false,
      rules: ['MDL-0001'],
    });
    const found = r.findings.map((f) => [f.location.path, f.location.startColumn, f.location.endColumn, f.evidence]);
    expect(found).toHaveLength(2);
    expect(found[0].slice(1)).toEqual(found[1].slice(1));
    expect(found.map((f) => f[0]).sort()).toEqual(['model.pkl', 'model.pkl.bz2']);
    expect(found[0][3]).toBe('os.system');
    expect(r.errors).toEqual([]);
  });

  it('stops a bzip2 bomb at the decompression limit', () => {
    const docs = parse(bomb, 'model.pkl.bz2', { maxDecompressedBytes: 1024 * 1024 });
    expect(docs[0].problems).toEqual([
      {
        kind: 'limit',
        message:
          'bz2 stream decompresses past the 1 MiB decompression limit (a decompression bomb?): only its first 1048576 bytes were scanned',
      },
    ]);
    expect((docs[1] as PickleDocument).imports.map((i) => i.dotted)).toContain('numpy.ndarray');
  });

  // bzip2 -1 of 'N': 37 bytes, one block that gives one byte, for which seek-bzip zeroes a 400 kB buffer.
  const tiny = Buffer.from('QlpoMTFBWSZTWbn/kDYAAAAEAAABIAAhGEaC7kinChIXP/IGwA==', 'base64');
  const manyTiny = (n: number) => Buffer.concat([benign, ...Array.from({ length: n }, () => tiny)]);

  it('charges a block at least its block size: thousands of one-byte streams stop at the decompression limit', () => {
    const docs = parse(manyTiny(3000), 'model.pkl.bz2', { maxDecompressedBytes: 1024 * 1024 });
    expect(docs[0].problems).toEqual([
      {
        kind: 'limit',
        message:
          'bz2 stream decompresses past the 1 MiB decompression limit (a decompression bomb?): only its first 228 bytes were scanned',
      },
    ]);
    expect((docs[1] as PickleDocument).imports.map((i) => i.dotted)).toContain('numpy.ndarray');
  });

  it('stops decompressing at the time limit of the file', () => {
    const out = new BlockSource();
    const src = new BufferSource(manyTiny(10));
    const budget = { remaining: Infinity, limit: Infinity };
    expect(() => bunzip(src, budget, (c) => out.append(c), { deadline: Date.now() - 1, maxMillis: 2000 })).toThrow(
      new InflateLimit('reached the time limit of 2 s per file'),
    );
    expect(out.size).toBe(0);
    // Identified first (sniffing reads the clock); then the clock moves 3 s between the walk's start (which sets the deadline) and the first block.
    const file = new MemorySourceFile('model.pkl.bz2', manyTiny(10));
    const parser = createModelParser({ ...DEFAULT_PICKLE_LIMITS, maxMillis: 2000 });
    expect(parser.matches(file)).toBe(true);
    const start = Date.now();
    const clock = vi
      .spyOn(Date, 'now')
      .mockImplementationOnce(() => start)
      .mockImplementation(() => start + 3000);
    try {
      const docs = parser.parse(file, { limits: DEFAULT_LIMITS }).documents as ModelDocument[];
      expect(docs[0].problems).toEqual([
        { kind: 'limit', message: 'bz2 stream reached the time limit of 2 s per file: only its first 0 bytes were scanned' },
      ]);
    } finally {
      clock.mockRestore();
    }
  });

  it('reports a damaged or truncated stream and keeps what came out before it', () => {
    const damaged = Buffer.from(evil);
    damaged[100] ^= 0x55;
    const [broken] = parse(damaged, 'model.pkl.bz2');
    expect(broken.problems).toEqual([
      {
        kind: 'malformed',
        message: 'bz2 stream cannot be decompressed past byte 238: Data error: Bad block CRC (got a40bf276 expected 3a62b50d)',
      },
    ]);
    const [cut] = parse(evil.subarray(0, 120), 'model.pkl.bz2');
    expect(cut.problems).toEqual([
      { kind: 'malformed', message: 'bz2 stream cannot be decompressed past byte 0: the stream is truncated' },
    ]);
    const docs = parse(Buffer.concat([evil, evil.subarray(0, 120)]), 'model.pkl.bz2');
    expect(docs[0].problems).toEqual([
      { kind: 'malformed', message: 'bz2 stream cannot be decompressed past byte 244: the stream is truncated' },
    ]);
    expect((docs[1] as PickleDocument).imports.map((i) => i.dotted)).toContain('os.system');
    const [junk] = parse(Buffer.from('BZh9 not really bzip2'), 'model.pkl.bz2');
    expect(junk.problems[0]).toMatchObject({ kind: 'malformed' });
  });

  it('leaves a .pkl.bz2 that holds no pickle alone', () => {
    const { docs } = parseAll(Buffer.from('QlpoOTFBWSZTWcHAgOIAAAFBAAAQAkSgADDNAMNGKZcXckU4UJDBwIDi', 'base64'), 'notes.pkl.bz2');
    expect(docs).toEqual([]);
  });

  it('judges a bzip2 stream by its first block, as a gzip one by its first bytes: text under a pickle name is reported', () => {
    // bzip2 -9 of 400 lines 'line N of some plain notes' (11490 bytes).
    const notes = Buffer.from(
      'QlpoOTFBWSZTWbR9UpsADRFZgAAQQAB/4CMnzABQA/6AHatWpVMCo9qNR/6pSqaGTQKADEaaaNCKZ/qppKf+lVGgAKADEaaaNAqSeqkN5Um0Ce1PIQngIT9CE8euM9u++e/++PHfeb3ve97eFALEA4GwbBwIBYoB4dgHrQAeNKAeuwDwoBYgHA2DYOBALFAPDsA9aAC2iAeuwDwoBYgHA2DYOBALFAPDsA9aADgbBsHAgFigHh2AetAB9rWtda11/eta11rXX9ffa+++++++/h67APCgOc5znPffaqqqqqqqqqqqqqqqqqk1IBmZmszMzMPXYHLu7vJIrymjdeU0brymjdeU0brymjaLlukXLdIuW6Rct0jnbtnbnOc5zffaSSSZmZlZmZmXd3d/GSbrymjdeUbaryl1cRbq4i3VxFuriLdXEW6uIt1O9daze91mZmY8OwD1oDLu7uz12i3VxFuriLbZFtsi22RbbIts661JJ11qSTrrWb3vJmZmLFAPDsJ3O973sk+AAAAAAM5veZvMzHAgFigu8u7seSSSSAAAABnOczMvMyckknJJJckiSd73O97JOgAAABJJJJm97zMy8xAOBsGy7u8uyWAAAAABnOczMzPclALEA4u7u8sbkkkkkkkkkAAA5rWXd5mZnsm5JJJ2SJJJLu7u/ffcAAAAANaP1QhPAQn6EJ0EJ5CE/4QnoEJ0EJ5CE7BCdAhPcEJ0EJwITQQnQQmBCegQn8LuSKcKEhaPqlNg',
      'base64',
    );
    const text = bunzipped(notes);
    // Followed by a truncated stream: only the first block is read to decide, so the break is never reached.
    const long = Buffer.concat([notes, evil.subarray(0, 120)]);
    for (const name of ['m.pkl.bz2', 'm.joblib.bz2']) {
      expect(modelParser.matches(new MemorySourceFile(name, long))).toBe(false);
      expect(modelParser.matches(new MemorySourceFile(name.replace('bz2', 'gz'), gzipSync(text)))).toBe(false);
    }
    const problem = (c: string) => [
      {
        kind: 'malformed',
        message: `its name says pickle, but it is ${c}-compressed data that decompresses to no pickle (first bytes: line 0 of some p)`,
        offset: 0,
        end: 1,
      },
    ];
    for (const [content, c] of [
      [long, 'bz2'],
      [gzipSync(text), 'gzip'],
    ] as const) {
      const { docs, errors } = parseAll(content, 'm.pkl');
      expect(docs.map((d) => [d.format, d.problems])).toEqual([['compressed-pickle', problem(c)]]);
      expect(errors).toEqual([]);
    }
    // An archive member is judged alike.
    const { docs } = parseAll(tar([['inner/m.pkl.bz2', long]]), 'models.tar');
    expect(docs.flatMap((d) => d.problems)).toEqual([]);
  });
});

describe('GGUF', () => {
  it('reads chat templates with their offsets and reports truncated metadata', () => {
    const bytes = gguf({
      'tokenizer.ggml.tokens': { type: 'strings', value: ['a', 'b'] },
      'general.alignment': { type: 'u32', value: 32 },
      'tokenizer.chat_template': { type: 'string', value: '{{ x }}' },
    });
    const [doc] = parse(bytes, 'model.bin') as GgufDocument[];
    expect(doc.version).toBe(3);
    expect(doc.chatTemplates).toEqual([{ key: 'tokenizer.chat_template', value: '{{ x }}', offset: bytes.length - 7 }]);
    expect(doc.problems).toEqual([]);
    const [cut] = parse(bytes.subarray(0, bytes.length - 3), 'model.gguf');
    expect(cut.problems[0]).toMatchObject({ kind: 'malformed', message: expect.stringMatching(/ends unexpectedly/) });
  });
});

describe('ONNX and SavedModel', () => {
  it('identifies ONNX by structure and reports truncated protobuf', () => {
    const m = onnxModel({ nodes: [{ op: 'Relu' }], initializers: [{ name: 'w', raw: 4096 }] });
    expect(identifyModel(m, m.length, 'model.onnx')).toBe('onnx');
    expect(identifyModel(m, m.length, 'blob')).toBe('onnx');
    const text = Buffer.from('\x08\x05hello world');
    expect(identifyModel(text, text.length, 'notes.txt')).toBeUndefined();
    const [doc] = parse(m.subarray(0, m.length - 100), 'model.onnx') as OnnxDocument[];
    expect(doc.problems[0]).toMatchObject({ kind: 'malformed', message: expect.stringMatching(/past the end of its message/) });
    const [ok] = parse(m, 'model.onnx') as OnnxDocument[];
    expect([ok.irVersion, ok.producer, ok.problems]).toEqual([9, 'pytorch', []]);
  });
});

describe('Keras', () => {
  it('reads .keras archives and says clearly when an .h5 config cannot be read', () => {
    const docs = parse(kerasArchive(kerasConfig([])), 'model.keras');
    expect(docs.map((d) => [d.kind, d.format, d.detail])).toEqual([
      ['model-file', 'keras', undefined],
      ['model-keras', 'keras', 'config.json'],
    ]);
    expect((docs[1] as KerasDocument).kerasVersion).toBe('3.6.0');
    const dense = Uint8Array.from([...hdf5([]).subarray(0, 100), ...Buffer.from('model_config'), ...new Uint8Array(5000)]);
    const [h5] = parse(dense, 'model.h5');
    expect(h5.problems).toEqual([
      {
        kind: 'unsupported',
        message:
          'HDF5 attribute model_config was found but its JSON value is not stored inline next to it (dense attribute storage is not parsed)',
      },
    ]);
  });
});

describe('archives that are not models', () => {
  it('leaves ordinary archives alone and reports a broken nested archive without failing the file', () => {
    const wheel = zip().add('pkg/__init__.py', 'print(1)\n').add('pkg-1.0.dist-info/RECORD', '').build();
    expect(parse(wheel, 'pkg-1.0-py3-none-any.whl')).toEqual([]);
    const broken = zip()
      .add('inner.zip', Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]))
      .add('m/data.pkl', pickle().proto(2).none().stop().bytes())
      .build();
    const docs = parse(broken, 'bundle.zip');
    expect(docs.map((d) => [d.kind, d.detail, d.problems.map((p) => p.kind)])).toEqual([
      ['model-file', undefined, []],
      ['model-file', 'inner.zip', ['malformed']],
      ['model-pickle', 'm/data.pkl', []],
    ]);
  });
});

describe('streamed decompression', () => {
  it('holds one piece of output at a time, whatever the compression ratio', () => {
    const bomb = gzipTarBomb([], 'zeros', 64 * 1024 * 1024);
    const budget = { remaining: Infinity, limit: Infinity };
    let largest = 0;
    let total = 0;
    new Inflater(new BufferSource(bomb), 'gzip', budget).pipe(Infinity, (c) => {
      largest = Math.max(largest, c.length);
      total += c.length;
    });
    expect(total).toBe(512 + 64 * 1024 * 1024 + 1024);
    expect(largest).toBeLessThanOrEqual(17 * 1024 * 1024);
  });

  it('keeps what it decoded before a truncation, and says where a stream breaks', () => {
    const data = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 251);
    const z = deflateSync(data);
    const whole = new BlockSource();
    new Inflater(new BufferSource(z), 'zlib', { remaining: Infinity, limit: Infinity }).pipe(Infinity, (c) => whole.append(c));
    expect(Buffer.from(whole.read(0, whole.size)).equals(Buffer.from(data))).toBe(true);
    expect(Buffer.from(whole.read(1024 * 1024 - 10, 20))).toEqual(Buffer.alloc(0));
    // A truncated raw deflate stream (a zip member cut short) gives what it decoded; a zlib stream says it broke.
    const raw = deflateRawSync(data);
    const cut = new BlockSource();
    const endless = { remaining: Infinity, limit: Infinity };
    new Inflater(new BufferSource(raw.subarray(0, raw.length / 2)), 'deflate-raw', endless).pipe(Infinity, (c) => cut.append(c));
    expect(cut.size).toBeGreaterThan(0);
    expect(Buffer.from(cut.read(0, cut.size)).equals(Buffer.from(data.subarray(0, cut.size)))).toBe(true);
    const broken = new Inflater(new BufferSource(z.subarray(0, z.length / 2)), 'zlib', endless);
    expect(() => broken.skip(Infinity)).toThrow(InflateError);
    expect(broken.position).toBeGreaterThan(0);
  });

  it('reads across its blocks', () => {
    const s = new BlockSource();
    const data = Uint8Array.from({ length: 3 * 1024 * 1024 + 5 }, (_, i) => i % 256);
    for (let at = 0; at < data.length; at += 100_000) s.append(data.subarray(at, at + 100_000));
    expect(s.size).toBe(data.length);
    expect(
      Buffer.from(s.read(1024 * 1024 - 3, 2 * 1024 * 1024 + 6)).equals(Buffer.from(data.subarray(1024 * 1024 - 3, 3 * 1024 * 1024 + 3))),
    ).toBe(true);
    expect(s.read(data.length - 2, 10)).toEqual(data.subarray(data.length - 2));
  });
});

describe('deflated members', () => {
  it('reads only the header of a large deflated numeric array', () => {
    const big = npy('<f4', [8 * 1024 * 1024], new Uint8Array(32 * 1024 * 1024));
    const docs = parse(zip().add('arr_0.npy', big, { method: 'deflate' }).build(), 'w.npz', { maxDecompressedBytes: 4 * 1024 * 1024 });
    expect(docs.map((d) => [d.kind, d.problems])).toEqual([
      ['model-file', []],
      ['model-npy', []],
    ]);
  });
});

describe('binary look-alikes', () => {
  it('does not take bytes that merely start with PROTO for a pickle', () => {
    const lookalike = Uint8Array.from([0x80, 0x02, 0x4e, 0xff, 0x13, 0x37, 0x00, 0x01]);
    expect(identifyModel(lookalike, lookalike.length, 'image.raw')).toBeUndefined();
    expect(identifyModel(lookalike, lookalike.length, 'blob')).toBeUndefined();
    expect(identifyModel(lookalike, lookalike.length, 'model.pkl')).toBe('pickle');
  });
});

describe('Keras archives with pickled weights', () => {
  it('scans object arrays in an .npz inside a .keras archive', () => {
    const weights = zip()
      .add(
        'arr_0.npy',
        npy(
          '|O',
          [1],
          objectArrayPickle((p) => p.global('subprocess', 'call').str('id').tuple1().reduce()),
        ),
      )
      .build();
    const archive = zip()
      .add('metadata.json', JSON.stringify({ keras_version: '3.0.0' }))
      .add('config.json', JSON.stringify(kerasConfig([])))
      .add('model.weights.npz', weights, { method: 'deflate' })
      .build();
    const docs = parse(archive, 'model.keras');
    const pkl = docs.find((d) => d instanceof PickleDocument) as PickleDocument;
    expect(pkl.detail).toBe('model.weights.npz!/arr_0.npy');
    expect(pkl.imports.filter((i) => i.callCount > 0).map((i) => i.dotted)).toContain('subprocess.call');
  });
});

describe('tarballs', () => {
  const payload = osSystemPayload('id');
  const file = (name: string, content: Uint8Array | string) => ({
    header: { name, size: Buffer.byteLength(content) },
    content: Buffer.from(content),
  });

  it('reads a SageMaker model.tar.gz member by member, and shows a traversal name without following it', async () => {
    const tar = await pack([
      file('code/inference.py', 'import torch\n'),
      file('model.pth', payload),
      file('../../../tmp/evil.pkl', payload),
      file('nested/weights.tar', await pack([file('inner.pkl', payload)])),
    ]);
    const docs = parse(gzipSync(tar), 'model.tar.gz');
    const pickles = docs.filter((d): d is PickleDocument => d instanceof PickleDocument);
    expect(pickles.map((d) => [d.detail, d.imports.map((i) => i.dotted)])).toEqual([
      ['model.pth', ['posix.system']],
      ['../../../tmp/evil.pkl', ['posix.system']],
      ['nested/weights.tar!/inner.pkl', ['posix.system']],
    ]);
    expect((docs[0] as ModelFileDocument).members).toEqual([
      'code/inference.py',
      'model.pth',
      '../../../tmp/evil.pkl',
      'nested/weights.tar',
    ]);
    expect(identifyModel(tar, tar.length, 'bundle.tar')).toBe('tar');
  });

  it('passes by a tarball with no model in it', async () => {
    const tar = await pack([file('src/app.py', 'print(1)\n'), file('README.md', '# x\n')]);
    expect(parse(tar, 'source.tar')).toEqual([]);
  });

  it('reports a tarball nested past the archive depth limit', async () => {
    const inner = await pack([file('m.pkl', payload)]);
    const docs = parse(await pack([file('a.tar', await pack([file('b.tar', inner)]))]), 'x.tar', { maxArchiveDepth: 1 });
    expect(docs.flatMap((d) => d.problems.map((p) => p.message))).toEqual([
      "tar member 'b.tar' is an archive nested deeper than 1 levels; not scanned",
    ]);
  });

  it('a gzip bomb stops at the limit, after what came before it was scanned', () => {
    const bomb = gzipTarBomb([['model.pkl', payload]], 'weights.bin', 64 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(128 * 1024);
    const { docs, errors } = parseAll(bomb, 'model.tar.gz', { maxDecompressedBytes: 4 * 1024 * 1024 });
    expect(errors).toEqual([]);
    expect(docs.map((d) => [d.kind, d.detail, d.problems.map((p) => p.message)])).toEqual([
      [
        'model-file',
        undefined,
        [
          "gzipped tar archive decompresses past the 4 MiB decompression limit (a decompression bomb?), reached in member 'weights.bin': it and the members after it were not read",
        ],
      ],
      ['model-pickle', 'model.pkl', []],
    ]);
    expect((docs[1] as PickleDocument).imports.map((i) => i.dotted)).toEqual(['posix.system']);
  });

  it('a gzip bomb that holds no model is an errors entry naming the member and the limit', () => {
    const bomb = gzipTarBomb([['README.md', '# model\n']], 'weights.bin', 64 * 1024 * 1024);
    expect(parseAll(bomb, 'model.tar.gz', { maxDecompressedBytes: 4 * 1024 * 1024 })).toEqual({
      docs: [],
      errors: [
        "gzipped tar archive decompresses past the 4 MiB decompression limit (a decompression bomb?), reached in member 'weights.bin': it and the members after it were not read",
      ],
    });
  });

  it('never starts holding a model member larger than what is left of the budget', () => {
    const bomb = gzipTarBomb([], 'model.pkl', 64 * 1024 * 1024);
    const { docs } = parseAll(bomb, 'model.tar.gz', { maxDecompressedBytes: 4 * 1024 * 1024 });
    expect(docs.map((d) => d.problems.map((p) => p.message))).toEqual([
      [
        "gzipped tar archive would decompress a 67108864-byte member, more than what is left of the 4 MiB decompression limit, reached in member 'model.pkl': it and the members after it were not read",
      ],
    ]);
  });

  it('reads a gzipped tarball as a stream: members are analysed in order, with their names', () => {
    const inner = tar([['inner.pkl', payload]]);
    const gz = gzipSync(
      tar([
        ['a/model.pkl', payload],
        ['nested.tar', inner],
        ['weights.7z', sevenZip(payload)],
      ]),
    );
    const { docs, errors } = parseAll(gz, 'model.tar.gz');
    expect(errors).toEqual([]);
    expect(docs.map((d) => [d.format, d.detail])).toEqual([
      ['tar', undefined],
      ['pickle', 'a/model.pkl'],
      ['tar', 'nested.tar'],
      ['pickle', 'nested.tar!/inner.pkl'],
      ['7z', 'weights.7z'],
    ]);
    const cut = parseAll(gz.subarray(0, gz.length - 40), 'model.tar.gz');
    expect(cut.docs.filter((d) => d instanceof PickleDocument).map((d) => d.detail)).toEqual(['a/model.pkl', 'nested.tar!/inner.pkl']);
  });

  it('past the member limit says how many members were not read; with no model among them, in errors', () => {
    const files: [string, string][] = Array.from({ length: 5 }, (_, i) => [`src/f${i}.py`, 'print(1)\n']);
    expect(parseAll(tar(files), 'source.tar', { maxArchiveEntries: 3 })).toEqual({
      docs: [],
      errors: ['tar archive has 5 members, over the limit of 3 members per archive: 2 member(s) not read'],
    });
    const z = zip();
    for (const [n, c] of files) z.add(n, c);
    expect(parseAll(z.build(), 'source.zip', { maxArchiveEntries: 3 })).toEqual({
      docs: [],
      errors: ['zip archive has 5 members, over the limit of 3 members per archive: 2 member(s) not read'],
    });
    const local = parseAll(z.build({ centralDirectory: false }), 'source.zip', { maxArchiveEntries: 3 });
    expect(local.errors).toContain('zip archive has 5 members, over the limit of 3 members per archive: 2 member(s) not read');
    const nested = parseAll(
      tar([
        ['model.pkl', payload],
        ['src.tar', tar(files)],
      ]),
      'bundle.tar',
      { maxArchiveEntries: 3 },
    );
    expect(nested.errors).toEqual(['src.tar: tar archive has 5 members, over the limit of 3 members per archive: 2 member(s) not read']);
    expect(nested.docs.map((d) => [d.format, d.detail, d.problems])).toEqual([
      ['tar', undefined, []],
      ['pickle', 'model.pkl', []],
    ]);
  });

  it('a tarball holding only archives without models holds no model', () => {
    const inner = tar([['README.md', '# x\n']]);
    expect(
      parseAll(
        tar([
          ['a.tar', inner],
          ['b.zip', zip().add('x.txt', 'x').build()],
        ]),
        'bundle.tar',
      ),
    ).toEqual({ docs: [], errors: [] });
  });

  it('a broken tarball is an error, not a crash', async () => {
    const tar = await pack([file('m.pkl', payload)]);
    tar[0] ^= 0xff;
    const f = new MemorySourceFile('model.tar', tar);
    expect(() => modelParser.parse(f, { limits: DEFAULT_LIMITS })).toThrow(/^tar archive: bad tar header checksum at byte 0$/);
  });
});
