#!/usr/bin/env node
// Images benchmark: a generated `docker save` archive of about 2 GB (uncompressed layers: many small
// text and binary files, a few large ones) scanned by `sanctum image` in a child process, against
// bare decompression of its layers (`gzip -dc`) in the same run. Budget: ≤ 1.5× the time of bare
// decompression, peak RSS ≤ 300 MB. The corpus goes to bench/.corpus/images (gitignored).
// Usage: node bench/run.mjs images   (needs dist/: npm run build)
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');
const MB = 1024 * 1024;

/** Deterministic pseudo-random bytes (xorshift), so that runs compare. */
function randomBytes(n, seed) {
  const buf = Buffer.allocUnsafe(n);
  let x = seed | 1;
  for (let i = 0; i < n; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    buf.writeInt32LE(x | 0, Math.min(i, n - 4));
  }
  return buf;
}

const CODE = 'def handler(request):\n    value = request.args.get("q", "")\n    return {"status": "ok", "value": value}\n\n';
const CONFIG = '---\nserver:\n  port: 8080\n  workers: 4\nlogging:\n  level: info\n';

/** Layers: [name, files()] where files yields [path, bytes]. About 2 GB in all. */
function layers() {
  return [
    [
      'base: 40,000 small files (code, config, binary libraries)',
      function* () {
        for (let i = 0; i < 40_000; i++) {
          const kind = i % 4;
          if (kind === 0) yield [`usr/lib/python3/site-packages/pkg${i % 500}/mod${i}.py`, Buffer.from(CODE.repeat(20 + (i % 40)))];
          else if (kind === 1) yield [`etc/app/conf.d/c${i}.yaml`, Buffer.from(CONFIG.repeat(1 + (i % 5)))];
          else yield [`usr/lib/x86_64-linux-gnu/lib${i}.so`, randomBytes(8 * 1024 + (i % 16) * 1024, i)];
        }
      },
    ],
    [
      'runtime: 400 files of 1 MiB (half compressible)',
      function* () {
        for (let i = 0; i < 400; i++) {
          const half = randomBytes(MB / 2, 1000 + i);
          yield [`opt/runtime/lib/blob${i}.bin`, Buffer.concat([half, Buffer.alloc(MB / 2, i & 0xff)])];
        }
      },
    ],
    [
      'models: large files (weights and a checkpoint)',
      function* () {
        for (let i = 0; i < 6; i++) yield [`models/shard-${i}.safetensors.part`, randomBytes(200 * MB, 7 + i)];
        yield ['models/notes.txt', Buffer.from('weights for the demo model\n'.repeat(1000))];
      },
    ],
    [
      'app: 10,000 source files',
      function* () {
        for (let i = 0; i < 10_000; i++) yield [`app/src/module${i}.py`, Buffer.from(CODE.repeat(50))];
      },
    ],
  ];
}

/** Writes one gzip layer; returns its blob digest, diff id and sizes. */
async function writeLayer(path, files) {
  const pack = tar.pack();
  const diff = createHash('sha256');
  const blob = createHash('sha256');
  let raw = 0;
  let compressed = 0;
  const done = pipeline(
    pack,
    async function* (source) {
      for await (const chunk of source) {
        diff.update(chunk);
        raw += chunk.length;
        yield chunk;
      }
    },
    createGzip({ level: 1 }),
    async function* (source) {
      for await (const chunk of source) {
        blob.update(chunk);
        compressed += chunk.length;
        yield chunk;
      }
    },
    createWriteStream(path),
  );
  for (const [name, content] of files()) {
    await new Promise((resolve, reject) =>
      pack.entry({ name, size: content.length, mode: 0o644 }, content, (e) => (e ? reject(e) : resolve())),
    );
  }
  pack.finalize();
  await done;
  return { digest: 'sha256:' + blob.digest('hex'), diffId: 'sha256:' + diff.digest('hex'), raw, compressed };
}

/** The archive, its layer blobs and sizes; generated once and kept in the corpus directory. */
async function generate(dir) {
  const archive = join(dir, 'image.tar');
  const layerFiles = layers().map((_, i) => join(dir, `layer${i}.tar.gz`));
  if (existsSync(archive) && layerFiles.every(existsSync)) return { archive, layerFiles };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const built = [];
  for (const [i, [name, files]] of layers().entries()) {
    built.push({ name, ...(await writeLayer(layerFiles[i], files)) });
  }
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { User: '10001', Cmd: ['python', '/app/src/module0.py'] },
      rootfs: { type: 'layers', diff_ids: built.map((l) => l.diffId) },
      history: built.map((l) => ({ created_by: `/bin/sh -c #(nop) COPY ${l.name}` })),
    }),
  );
  const configName = createHash('sha256').update(config).digest('hex') + '.json';
  const pack = tar.pack();
  const done = pipeline(pack, createWriteStream(archive));
  const add = (name, size, body) =>
    new Promise((resolve, reject) => {
      const entry = pack.entry({ name, size, mode: 0o644 }, (e) => (e ? reject(e) : resolve()));
      if (Buffer.isBuffer(body)) entry.end(body);
      else body.pipe(entry);
    });
  await add(configName, config.length, config);
  const paths = [];
  for (const [i, l] of built.entries()) {
    const name = `blobs/sha256/${l.digest.slice(7)}`;
    paths.push(name);
    await add(name, statSync(layerFiles[i]).size, createReadStream(layerFiles[i]));
  }
  const manifest = Buffer.from(JSON.stringify([{ Config: configName, RepoTags: ['bench/image:2g'], Layers: paths }]));
  await add('manifest.json', manifest.length, manifest);
  pack.finalize();
  await done;
  return { archive, layerFiles };
}

function timedChild(cmd, args) {
  const started = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: root, maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return { ms, stdout: r.stdout.toString() };
}

export async function runImagesBench({ corpus }) {
  // Named by the corpus version: a changed generator makes a new corpus.
  const dir = join(corpus, 'images-2');
  const { archive, layerFiles } = await generate(dir);
  const raw = layers().length;
  const uncompressed = layerFiles.reduce(
    (n, f) =>
      n +
      Number(
        execFileSync('sh', ['-c', `gzip -l "${f}" | tail -1 | awk '{print $2}'`])
          .toString()
          .trim() || 0,
      ),
    0,
  );
  const loadBefore = os.loadavg()[0];
  // Wall and CPU time (user + system, from bash's `time`) of decompressing every layer; best of 2.
  const gzipRuns = [0, 1].map(() =>
    layerFiles.reduce(
      (acc, f) => {
        const r = timedChild('bash', ['-c', `TIMEFORMAT='%3U %3S'; { time gzip -dc "${f}" > /dev/null; } 2>&1`]);
        const [user, sys] = r.stdout.trim().split(/\s+/).map(Number);
        return { ms: acc.ms + r.ms, cpuMs: acc.cpuMs + (user + sys) * 1000 };
      },
      { ms: 0, cpuMs: 0 },
    ),
  );
  gzipRuns.sort((a, b) => a.ms - b.ms);
  const gzip = gzipRuns[0].ms;
  const gzipCpu = gzipRuns[0].cpuMs;
  const runs = [0, 1].map(() => JSON.parse(timedChild(process.execPath, [join(here, 'images-child.mjs'), archive]).stdout));
  runs.sort((a, b) => a.ms - b.ms);
  const scan = runs[0];
  const loadAfter = os.loadavg()[0];
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  return (
    `## Container images\n\n` +
    `A generated \`docker save\` archive (\`bench/images.mjs\`): ${raw} gzip layers, ${(statSync(archive).size / MB).toFixed(0)} MB stored, ` +
    `${(uncompressed / MB).toFixed(0)} MB of tar uncompressed (~50,000 small files, 400 files of 1 MiB, six of 200 MiB). Best of 2 runs each. ` +
    `The machine is shared (2 cores): its 1-minute load average was ${loadBefore.toFixed(1)} before and ${loadAfter.toFixed(1)} after, so these are figures under load; compare the ratio of one run.\n\n` +
    `| work | time | CPU | ratio to bare decompression | files scanned | findings | peak RSS | peak heap / array buffers |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n` +
    `| \`gzip -dc\` of every layer (bare decompression) | ${s(gzip)} | ${s(gzipCpu)} | 1.00× | — | — | — | — |\n` +
    `| \`scanImage\` (every scanner, JSON result) | ${s(scan.ms)} | ${s(scan.cpuMs)} | ${(scan.ms / gzip).toFixed(2)}× (CPU ${(scan.cpuMs / gzipCpu).toFixed(2)}×) | ${scan.files.toLocaleString('en')} | ${scan.findings} | ${scan.maxRssMB.toFixed(0)} MB | ${scan.heapUsedMB.toFixed(0)} MB / ${scan.arrayBuffersMB.toFixed(0)} MB |\n\n` +
    `Budget: ≤ 1.5× bare decompression of the layers, peak RSS ≤ 300 MB whatever the image size. ` +
    `Peak RSS is the scanning process's own high-water mark (VmHWM, \`bench/peak-rss.mjs\`), heap and array buffers sampled every 100 ms.\n`
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await runImagesBench({ corpus: join(here, '.corpus') }));
