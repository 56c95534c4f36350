import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerSave, layerTar, sha256 } from '../src/testing/images.js';
import { until } from './wait.js';

// Runs the built executable, as a user would: Ctrl-C reaches a process, not a function.
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'sanctum');
const MiB = 1024 * 1024;

/**
 * A registry whose one image has a layer holding a 64 MiB safetensors file (spooled to a temporary
 * file, since it is larger than what is read into memory), of which it sends the first 8 MiB and then
 * nothing more: the walk waits in the middle of the spooled file until the test interrupts it.
 */
async function stalledRegistry(): Promise<{ server: Server; address: string }> {
  const header = Buffer.from(JSON.stringify({ w: { dtype: 'F32', shape: [16 * MiB], data_offsets: [0, 64 * MiB] } }));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(header.length));
  const model = Buffer.concat([length, header, Buffer.alloc(64 * MiB)]);
  const layer = await layerTar([{ name: 'models/model.safetensors', content: model }]);
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', config: { User: 'app' }, rootfs: { type: 'layers', diff_ids: [sha256(layer)] } }),
  );
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(layer), size: layer.length }],
  });
  const server = createServer((req, res) => {
    const url = req.url ?? '';
    if (url === '/v2/' || url === '/v2') res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    else if (url.endsWith('/manifests/1'))
      res
        .writeHead(200, {
          'content-type': 'application/vnd.oci.image.manifest.v1+json',
          'docker-content-digest': sha256(Buffer.from(manifest)),
        })
        .end(manifest);
    else if (url.endsWith(`/blobs/${sha256(config)}`)) res.writeHead(200, { 'content-length': config.length }).end(config);
    else if (url.endsWith(`/blobs/${sha256(layer)}`)) {
      res.writeHead(200, { 'content-length': layer.length });
      res.write(layer.subarray(0, 8 * MiB));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, address: `127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('sanctum image interrupted', () => {
  let registry: Awaited<ReturnType<typeof stalledRegistry>>;
  const tmp = mkdtempSync(join(tmpdir(), 'sanctum-interrupt-'));
  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist', 'bundle', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
    registry = await stalledRegistry();
  });
  afterAll(() => {
    registry?.server.closeAllConnections();
    registry?.server.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    it(`by ${signal} while a layer file is spooled leaves no temporary file, and ends as the signal does`, async () => {
      const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp };
      delete env.FORCE_COLOR;
      const child = spawn(
        process.execPath,
        [BIN, 'image', `${registry.address}/acme/model:1`, '--insecure-registry', registry.address, '--no-progress'],
        { env, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok) =>
        child.on('exit', (code, signal) => ok({ code, signal })),
      );
      // The spool directory exists once the walk has begun the large file.
      await until(() => readdirSync(tmp).some((n) => n.startsWith('sanctum-image-')), 'the spool directory', { ms: 30_000 });
      child.kill(signal);
      const exit = await ended;
      expect(exit.signal).toBe(signal);
      expect(readdirSync(tmp)).toEqual([]);
      expect(stderr).toBe('');
    }, 60_000);
});

/**
 * A preload that sends the process SIGINT from inside the walker's synchronous removal of its spool
 * directory (the walk's last synchronous part, with the directory still held): the signal arrives during
 * synchronous work, as Ctrl-C does during a long scan, and is handled only on the next turn of the loop.
 */
const SIGNAL_IN_SYNC_PART = `
const fs = require('node:fs');
const rmSync = fs.rmSync;
let sent = false;
fs.rmSync = function (path, ...rest) {
  if (!sent && String(path).includes('sanctum-image-')) {
    sent = true;
    process.kill(process.pid, 'SIGINT');
  }
  return rmSync.call(this, path, ...rest);
};
require('node:module').syncBuiltinESMExports();
`;

describe('sanctum image and sbom --image interrupted during synchronous work', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sanctum-interrupt-sync-'));
  const archive = join(tmp, 'image.tar');
  const preload = join(tmp, 'signal.cjs');
  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist', 'bundle', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
    // A file larger than what is read into memory, so that the walk spools it and holds a directory.
    const header = Buffer.from(JSON.stringify({ w: { dtype: 'F32', shape: [16 * MiB], data_offsets: [0, 64 * MiB] } }));
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(header.length));
    const model = Buffer.concat([length, header, Buffer.alloc(64 * MiB)]);
    await dockerSave(archive, { config: { User: 'app' }, layers: [{ entries: [{ name: 'models/model.safetensors', content: model }] }] });
    writeFileSync(preload, SIGNAL_IN_SYNC_PART);
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  for (const args of [
    ['image', archive, '--no-progress', '--format', 'json'],
    ['image', archive, '--no-progress', '--format', 'sarif', '--output', 'report.sarif'],
    ['sbom', '--image', archive],
    ['sbom', '--image', archive, '--output', 'bom.json'],
  ])
    it(`${args.join(' ').replace(archive, 'image.tar')}: the signal ends the process, it is not dropped, and no report is written`, async () => {
      const spoolTmp = mkdtempSync(join(tmp, 'spool-'));
      const cwd = mkdtempSync(join(tmp, 'cwd-'));
      const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: spoolTmp };
      delete env.FORCE_COLOR;
      const child = spawn(process.execPath, ['--require', preload, BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok) =>
        child.on('exit', (code, signal) => ok({ code, signal })),
      );
      expect({ ...exit, stderr }).toEqual({ code: null, signal: 'SIGINT', stderr: '' });
      expect(readdirSync(spoolTmp)).toEqual([]);
      // A report after Ctrl-C, whole or in part, would read as the scan's outcome (a CI step uploading it).
      expect(stdout).toBe('');
      expect(readdirSync(cwd)).toEqual([]);
    }, 60_000);
});
