#!/usr/bin/env node
// Models benchmark: the pickle emulator over a 70 MB pickle of floats (budget ≥ 200 MB/s of
// opcodes) and a whole scan of a 400 MB PyTorch zip checkpoint (budget ≤ 1 s: tensor bytes are
// never read), and the peak memory of a scan of gzip bombs shaped like SageMaker model.tar.gz artifacts
// (1 GiB of tar in 1 MB: memory stays bounded by the 512 MiB decompression limit, not by the bomb).
// Corpora are generated into bench/.corpus/models (gitignored).
// Usage: node bench/models.mjs            (prints a Markdown section; needs dist/: npm run build)
//        import { runModelBench, measureModelBench } from './models.mjs'
import { execFileSync } from 'node:child_process';
import { closeSync, createWriteStream, existsSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');

const PICKLE_BYTES = 70 * 1024 * 1024;
const ZIP_BYTES = 400 * 1024 * 1024;
const TENSOR_BYTES = 4 * 1024 * 1024;

/** A protocol 2 pickle of a list of floats, as `pickle.dumps([...])` writes it: batches of 1000 BINFLOATs + APPENDS. */
export function floatPickle(size = PICKLE_BYTES) {
  const batch = 1000;
  const count = Math.floor((size - 8) / (9 * batch + 2)) * batch;
  const buf = Buffer.alloc(5 + (count / batch) * (2 + 9 * batch) + 1);
  let p = 0;
  buf[p++] = 0x80;
  buf[p++] = 2;
  buf[p++] = 0x5d; // EMPTY_LIST
  buf[p++] = 0x71; // BINPUT 0
  buf[p++] = 0;
  for (let i = 0; i < count; i += batch) {
    buf[p++] = 0x28; // MARK
    for (let k = 0; k < batch; k++) {
      buf[p++] = 0x47; // BINFLOAT
      buf.writeDoubleBE(Math.sin(i + k), p);
      p += 8;
    }
    buf[p++] = 0x65; // APPENDS
  }
  buf[p++] = 0x2e; // STOP
  return { buf: buf.subarray(0, p), floats: count };
}

/** The same list of 32-bit ints (BININT, 5 bytes each): opcodes without a fast path. */
export function intPickle(size = PICKLE_BYTES) {
  const batch = 1000;
  const count = Math.floor((size - 8) / (5 * batch + 2)) * batch;
  const buf = Buffer.alloc(5 + (count / batch) * (2 + 5 * batch) + 1);
  let p = 0;
  buf[p++] = 0x80;
  buf[p++] = 2;
  buf[p++] = 0x5d;
  buf[p++] = 0x71;
  buf[p++] = 0;
  for (let i = 0; i < count; i += batch) {
    buf[p++] = 0x28;
    for (let k = 0; k < batch; k++) {
      buf[p++] = 0x4a; // BININT
      buf.writeInt32LE(((i + k) * 7919) | 0, p);
      p += 4;
    }
    buf[p++] = 0x65;
  }
  buf[p++] = 0x2e;
  return buf.subarray(0, p);
}

/** The `data.pkl` of `torch.save(state_dict)` for `n` float tensors of `numel` elements, keys '0'…. */
function stateDictPickle(n, numel) {
  const out = [];
  const b = (...x) => out.push(...x);
  const s = (str) => {
    const u = Buffer.from(str);
    b(0x8c, u.length, ...u);
  };
  const g = (m, name) => b(0x63, ...Buffer.from(`${m}\n${name}\n`));
  const int4 = (v) => b(0x4a, v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff);
  b(0x80, 2);
  g('collections', 'OrderedDict');
  b(0x29, 0x52, 0x28);
  for (let i = 0; i < n; i++) {
    s(`layers.${i}.weight`);
    g('torch._utils', '_rebuild_tensor_v2');
    b(0x28, 0x28);
    s('storage');
    g('torch', 'FloatStorage');
    s(String(i));
    s('cpu');
    int4(numel);
    b(0x74, 0x51); // TUPLE, BINPERSID
    b(0x4b, 0); // offset
    int4(numel);
    b(0x85); // size
    b(0x4b, 1, 0x85); // stride
    b(0x89); // requires_grad False
    g('collections', 'OrderedDict');
    b(0x29, 0x52, 0x74, 0x52); // OrderedDict(), TUPLE, REDUCE
  }
  b(0x75, 0x2e); // SETITEMS, STOP
  return Buffer.from(out);
}

/** Writes a stored (uncompressed) PyTorch zip checkpoint of about `size` bytes, 64-byte aligned like torch.save. */
export function writeTorchZip(path, size = ZIP_BYTES) {
  const n = Math.floor(size / TENSOR_BYTES);
  const members = [
    ['archive/data.pkl', stateDictPickle(n, TENSOR_BYTES / 4)],
    ['archive/byteorder', Buffer.from('little')],
    ...Array.from({ length: n }, (_, i) => [`archive/data/${i}`, null]),
    ['archive/version', Buffer.from('3\n')],
  ];
  const tensor = Buffer.alloc(TENSOR_BYTES);
  for (let i = 0; i < tensor.length; i += 4) tensor.writeFloatLE(((i * 2654435761) % 1000) / 1000 - 0.5, i);
  const tensorCrc = crc32(tensor);
  const fd = openSync(path, 'w');
  let pos = 0;
  const write = (buf) => {
    writeSync(fd, buf);
    pos += buf.length;
  };
  const central = [];
  try {
    for (const [name, data] of members) {
      const body = data ?? tensor;
      const nameBuf = Buffer.from(name);
      const offset = pos;
      const pad = (64 - ((pos + 30 + nameBuf.length + 4) % 64)) % 64;
      const extra = Buffer.alloc(4 + pad);
      extra.writeUInt16LE(0x4246, 0);
      extra.writeUInt16LE(pad, 2);
      const crc = data ? crc32(data) : tensorCrc;
      const h = Buffer.alloc(30);
      h.writeUInt32LE(0x04034b50, 0);
      h.writeUInt16LE(20, 4);
      h.writeUInt32LE(crc >>> 0, 14);
      h.writeUInt32LE(body.length, 18);
      h.writeUInt32LE(body.length, 22);
      h.writeUInt16LE(nameBuf.length, 26);
      h.writeUInt16LE(extra.length, 28);
      write(h);
      write(nameBuf);
      write(extra);
      write(body);
      const c = Buffer.alloc(46);
      c.writeUInt32LE(0x02014b50, 0);
      c.writeUInt16LE(20, 4);
      c.writeUInt16LE(20, 6);
      c.writeUInt32LE(crc >>> 0, 16);
      c.writeUInt32LE(body.length, 20);
      c.writeUInt32LE(body.length, 24);
      c.writeUInt16LE(nameBuf.length, 28);
      c.writeUInt32LE(offset, 42);
      central.push(c, nameBuf);
    }
    const cdOffset = pos;
    for (const c of central) write(c);
    const e = Buffer.alloc(22);
    e.writeUInt32LE(0x06054b50, 0);
    e.writeUInt16LE(members.length, 8);
    e.writeUInt16LE(members.length, 10);
    e.writeUInt32LE(pos - cdOffset, 12);
    e.writeUInt32LE(cdOffset, 16);
    write(e);
  } finally {
    closeSync(fd);
  }
  return { tensors: n, bytes: pos };
}

const BOMB_BYTES = 1024 * 1024 * 1024;

/** A gzipped tarball of one member `name` of `size` zero bytes, written as a stream (about 1 MB per GiB). */
export async function writeGzipBomb(path, name, size = BOMB_BYTES) {
  const { tarHeader } = await import('../dist/rules/models/lib/builders/tar-builder.js');
  async function* tar() {
    yield tarHeader(name, size);
    const zeros = Buffer.alloc(1 << 20);
    for (let left = size; left > 0; left -= zeros.length) yield zeros.subarray(0, Math.min(left, zeros.length));
    yield Buffer.alloc(1024);
  }
  await pipeline(Readable.from(tar()), createGzip({ level: 9 }), createWriteStream(path));
}

const CHILD = `
const [dist, target, scanners] = process.argv.slice(1);
const { scanSync } = await import(dist + '/index.js');
const { peakRssMB } = await import(${JSON.stringify(join(here, 'peak-rss.mjs'))});
const t0 = performance.now();
const r = scanSync({ targets: [target], config: false, ...(scanners === 'all' ? {} : { scanners: scanners.split(',') }) });
const ms = performance.now() - t0;
console.log(JSON.stringify({ ms, peakRssMB: peakRssMB(), findings: r.findings.length, errors: r.errors.length, rules: r.findings.map((f) => f.ruleId) }));
`;

function childScan(dist, target, scanners) {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', CHILD, dist, target, scanners], {
    cwd: root,
    maxBuffer: 1 << 26,
  });
  return JSON.parse(out.toString());
}

const best = (runs) => runs.reduce((a, b) => (b.ms < a.ms ? b : a));

/** Generates the corpora (once) and returns the measured figures. */
export async function measureModelBench({
  corpus = join(here, '.corpus'),
  dist = process.env.SANCTUM_DIST ?? join(root, 'dist'),
  runs = 3,
  log = (m) => console.error(m),
} = {}) {
  const dir = join(corpus, 'models');
  mkdirSync(dir, { recursive: true });
  const picklePath = join(dir, 'floats.pkl');
  const zipPath = join(dir, 'checkpoint.pt');
  if (!existsSync(picklePath) || statSync(picklePath).size < PICKLE_BYTES * 0.95) {
    log('models bench: writing a 70 MB pickle of floats…');
    const { buf } = floatPickle();
    const fd = openSync(picklePath, 'w');
    writeSync(fd, buf);
    closeSync(fd);
  }
  if (!existsSync(zipPath) || statSync(zipPath).size < ZIP_BYTES * 0.95) {
    log('models bench: writing a 400 MB PyTorch zip checkpoint…');
    writeTorchZip(zipPath);
  }
  const { scanPickles } = await import(join(dist, 'parsers', 'models', 'pickle.js'));
  const { BufferSource } = await import(join(dist, 'parsers', 'models', 'byte-source.js'));
  const { DiskSourceFile } = await import(join(dist, 'index.js'));

  const pickleSize = statSync(picklePath).size;
  const inMemory = new BufferSource(readFileSync(picklePath));
  const emulate = (src) => {
    const t0 = performance.now();
    const r = scanPickles(src);
    const ms = performance.now() - t0;
    if (!r.streams[0]?.stopped)
      throw new Error('bench pickle did not parse: ' + JSON.stringify(r.streams[0]?.error ?? r.streams[0]?.limit));
    return { ms, opcodes: r.streams[0].opcodes };
  };
  const mem = best(Array.from({ length: runs }, () => emulate(inMemory)));
  const disk = best(Array.from({ length: runs }, () => emulate(new DiskSourceFile('floats.pkl', picklePath, pickleSize))));
  const ints = new BufferSource(intPickle());
  const intRun = best(Array.from({ length: runs }, () => emulate(ints)));
  const pickleScan = best(Array.from({ length: runs }, () => childScan(dist, picklePath, 'models')));

  const bombs = {};
  for (const [key, member] of [
    ['data', 'weights.bin'],
    ['pickle', 'model.pkl'],
  ]) {
    const path = join(dir, `bomb-${key}`, 'model.tar.gz');
    if (!existsSync(path)) {
      log(`models bench: writing a gzip bomb model.tar.gz (1 GiB of tar, member ${member})…`);
      mkdirSync(join(dir, `bomb-${key}`), { recursive: true });
      await writeGzipBomb(path, member);
    }
    const scans = Array.from({ length: runs }, () => childScan(dist, path, 'models'));
    bombs[key] = { member, bytes: statSync(path).size, ...best(scans), peakRssMB: Math.max(...scans.map((r) => r.peakRssMB)) };
  }
  const empty = join(dir, 'empty');
  mkdirSync(empty, { recursive: true });
  const baseline = Array.from({ length: runs }, () => childScan(dist, empty, 'models'));
  const baselineRssMB = Math.max(...baseline.map((r) => r.peakRssMB));

  const zipSize = statSync(zipPath).size;
  const zipModels = best(Array.from({ length: runs }, () => childScan(dist, zipPath, 'models')));
  const zipAll = best(Array.from({ length: runs }, () => childScan(dist, zipPath, 'all')));
  const mbps = (bytes, ms) => bytes / 1024 / 1024 / (ms / 1000);
  return {
    pickle: {
      bytes: pickleSize,
      opcodes: mem.opcodes,
      emulatorInMemoryMs: mem.ms,
      emulatorInMemoryMBps: mbps(pickleSize, mem.ms),
      emulatorFromDiskMs: disk.ms,
      emulatorFromDiskMBps: mbps(pickleSize, disk.ms),
      scanMs: pickleScan.ms,
      scanMBps: mbps(pickleSize, pickleScan.ms),
      findings: pickleScan.findings,
    },
    ints: { bytes: ints.size, opcodes: intRun.opcodes, emulatorInMemoryMs: intRun.ms, emulatorInMemoryMBps: mbps(ints.size, intRun.ms) },
    zip: { bytes: zipSize, scanModelsMs: zipModels.ms, scanAllMs: zipAll.ms, findings: zipModels.findings, errors: zipModels.errors },
    bombs,
    baselineRssMB,
  };
}

/** `npm run bench` section. */
export async function runModelBench(opts = {}) {
  const f = await measureModelBench(opts);
  const mb = (n) => (n / 1024 / 1024).toFixed(0) + ' MB';
  return (
    `## Model files\n\n` +
    `Corpus: \`bench/models.mjs\` (a protocol 2 pickle of ${f.pickle.opcodes.toLocaleString('en')} opcodes, list of floats in batches of 1000; ` +
    `a stored PyTorch zip checkpoint with ${Math.floor(f.zip.bytes / TENSOR_BYTES)} float tensors of 4 MB). Best of 3.\n\n` +
    `| work | size | time | throughput | budget |\n| --- | ---: | ---: | ---: | --- |\n` +
    `| pickle emulator, in memory | ${mb(f.pickle.bytes)} | ${f.pickle.emulatorInMemoryMs.toFixed(0)} ms | ${f.pickle.emulatorInMemoryMBps.toFixed(0)} MB/s | ≥ 200 MB/s |\n` +
    `| pickle emulator, reading the file in 4 MB chunks | ${mb(f.pickle.bytes)} | ${f.pickle.emulatorFromDiskMs.toFixed(0)} ms | ${f.pickle.emulatorFromDiskMBps.toFixed(0)} MB/s | ≥ 200 MB/s |\n` +
    `| pickle emulator, in memory, same size of BININT opcodes (${f.ints.opcodes.toLocaleString('en')} opcodes, no fast path) | ${mb(f.ints.bytes)} | ${f.ints.emulatorInMemoryMs.toFixed(0)} ms | ${f.ints.emulatorInMemoryMBps.toFixed(0)} MB/s | — |\n` +
    `| \`scanSync --scanners models\` of the pickle (fresh process) | ${mb(f.pickle.bytes)} | ${f.pickle.scanMs.toFixed(0)} ms | ${f.pickle.scanMBps.toFixed(0)} MB/s | — |\n` +
    `| \`scanSync --scanners models\` of the PyTorch zip (fresh process) | ${mb(f.zip.bytes)} | ${f.zip.scanModelsMs.toFixed(0)} ms | — | ≤ 1 s |\n` +
    `| \`scanSync\`, all scanners, of the PyTorch zip (fresh process) | ${mb(f.zip.bytes)} | ${f.zip.scanAllMs.toFixed(0)} ms | — | ≤ 1 s |\n` +
    `\nGzip bombs shaped like a SageMaker \`model.tar.gz\` (1 GiB of tar; the default decompression limit is 512 MiB). ` +
    `Peak RSS is the process's high-water mark (VmHWM), the highest of 3 runs; a scan of an empty directory peaks at ${f.baselineRssMB.toFixed(0)} MB.\n\n` +
    `| \`scanSync --scanners models\` of | compressed | time | peak RSS | budget |\n| --- | ---: | ---: | ---: | --- |\n` +
    Object.values(f.bombs)
      .map(
        (b) =>
          `| a bomb whose 1 GiB member is \`${b.member}\` (${b.member === 'model.pkl' ? 'a model: it would be kept, so it is never started' : 'not a model: passed by, never kept'}) | ${(b.bytes / 1024 / 1024).toFixed(1)} MB | ${b.ms.toFixed(0)} ms | ${b.peakRssMB.toFixed(0)} MB | < 512 MiB above the baseline |\n`,
      )
      .join('')
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(await runModelBench());
}
