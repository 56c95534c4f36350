import { mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from './core/types.js';
import { fakes } from './rules/secrets/lib/fakes.js';
import { scanImage } from './scan-image.js';
import { testVulnerabilities } from './testing/memory-vulnerabilities.js';
import { tar } from './rules/models/lib/builders/tar-builder.js';
import { dockerSave, layerTar, ociLayout, sha256, zstdAvailable, type TestImage } from './testing/images.js';

const HF = fakes.huggingface('image');
const OPENAI = fakes.openaiProject('image');
const AWS_SECRET = fakes.awsSecretKey('image');
const AWS_SECRET_FILE = `[default]\naws_access_key_id = ${fakes.awsAccessKeyId('image')}\naws_secret_access_key = ${AWS_SECRET}\n`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sanctum-image-test-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** An image whose second layer deletes the credentials the first one added, with a root user and a curl | sh step. */
const insecure: TestImage = {
  config: {
    Env: ['PATH=/usr/local/bin:/usr/bin:/bin', `HF_TOKEN=${HF}`],
    ExposedPorts: { '22/tcp': {}, '8000/tcp': {} },
    Cmd: ['python', '/app/serve.py'],
  },
  emptyHistory: ['/bin/sh -c #(nop)  ENV HF_TOKEN=hidden'],
  layers: [
    {
      createdBy: '/bin/sh -c #(nop) ADD file:0123456789abcdef in / ',
      entries: [
        { name: 'root/', type: 'directory', mode: 0o700 },
        { name: 'root/.aws/credentials', content: AWS_SECRET_FILE },
        { name: 'usr/local/bin/', type: 'directory', mode: 0o777 },
        { name: 'usr/local/bin/helper', content: '#!/bin/sh\necho hi\n', mode: 0o4755 },
        { name: 'etc/passwd', content: 'root:x:0:0:root:/root:/bin/bash\n' },
      ],
    },
    {
      createdBy: `|1 GH_TOKEN=${fakes.githubClassic('image')} /bin/sh -c curl -fsSL https://get.example.com/install.sh | sh && rm -rf /root/.aws`,
      entries: [
        { name: 'root/', type: 'directory', mode: 0o700 },
        { name: 'root/.wh..aws', content: '' },
        { name: 'app/serve.py', content: 'import pickle, sys\nmodel = pickle.load(open(sys.argv[1], "rb"))\n' },
      ],
    },
  ],
};

function ids(findings: Finding[]): string[] {
  return [...new Set(findings.map((f) => f.ruleId))].sort();
}

describe('scanImage on a docker save archive', () => {
  it('scans config, history and every layer, deleted files included, with image locations', async () => {
    const path = join(dir, 'insecure.tar');
    const { configDigest } = await dockerSave(path, insecure, { tag: 'acme/serve:1.0' });
    const result = await scanImage({ images: [path], config: false, cwd: dir });
    expect(result.errors).toEqual([]);
    const found = ids(result.findings);
    for (const id of ['IMG-0001', 'IMG-0003', 'IMG-0005', 'IMG-0006', 'IMG-0007', 'DF-0004', 'DF-0006']) expect(found, id).toContain(id);
    // The credentials file was deleted by layer 1: still found, and said so.
    const aws = result.findings.find((f) => f.location.path === '/root/.aws/credentials');
    expect(aws, 'deleted credentials are scanned').toBeDefined();
    expect(aws!.location.image).toMatchObject({
      ref: 'acme/serve:1.0',
      digest: configDigest,
      layer: { index: 0, createdBy: '/bin/sh -c #(nop) ADD file:0123456789abcdef in / ' },
      removedBy: { index: 1 },
    });
    expect(aws!.message).toMatch(/deleted or replaced: still in the image's layer 0/);
    expect(JSON.stringify(result)).not.toContain(AWS_SECRET);
    // The config finding is on the config, at its line.
    const env = result.findings.find((f) => f.ruleId === 'IMG-0003')!;
    expect(env.location).toMatchObject({ path: 'config.json', objectPath: '/config/Env/1', image: { ref: 'acme/serve:1.0' } });
    expect(env.location.startLine).toBeGreaterThan(0);
    // History: the build argument and the curl | sh step are in the rebuilt Dockerfile.
    const arg = result.findings.find((f) => f.ruleId === 'DF-0004')!;
    expect(arg.location.path).toBe('history.Dockerfile');
    expect(arg.evidence).toBe('ARG GH_TOKEN=ghp_…');
    // The root user is reported once, on the config (the rebuilt history does not repeat it).
    expect(result.findings.filter((f) => f.ruleId === 'DF-0001')).toEqual([]);
    // SUID file: located at the file, in its layer.
    const suid = result.findings.find((f) => f.ruleId === 'IMG-0006')!;
    expect(suid.location).toMatchObject({ path: '/usr/local/bin/helper', image: { layer: { index: 0 } } });
    expect(result.stats.files).toBeGreaterThan(3);
  });

  it('reads the legacy layout (<id>/layer.tar, uncompressed) and names the image by its path', async () => {
    const path = join(dir, 'legacy.tar');
    await dockerSave(
      path,
      { config: { User: 'app' }, layers: [{ compression: 'none', entries: [{ name: 'srv/app.env', content: `HF_TOKEN=${HF}\n` }] }] },
      { legacy: true },
    );
    const result = await scanImage({ images: [path], config: false, cwd: dir });
    expect(result.errors).toEqual([]);
    const secret = result.findings.find((f) => f.location.path === '/srv/app.env')!;
    expect(secret.ruleId).toMatch(/^SEC-/);
    expect(secret.location.image?.ref).toBe(path);
    expect(secret.location.image?.removedBy).toBeUndefined();
    expect(ids(result.findings)).not.toContain('IMG-0001');
  });
});

describe('scanImage on an OCI layout', () => {
  const twoPlatforms = (compression: 'gzip' | 'zstd'): Array<TestImage & { platform: { os: string; architecture: string } }> => [
    {
      platform: { os: 'linux', architecture: 'amd64' },
      config: { User: '1000' },
      layers: [{ compression, entries: [{ name: 'etc/amd64.env', content: `OPENAI_API_KEY=${OPENAI}\n` }] }],
    },
    {
      platform: { os: 'linux', architecture: 'arm64' },
      architecture: 'arm64',
      config: { User: '1000' },
      layers: [{ compression, entries: [{ name: 'etc/arm64.env', content: `HF_TOKEN=${HF}\n` }] }],
    },
  ];

  it('picks the platform asked for from the index (directory layout, gzip)', async () => {
    const path = join(dir, 'oci-dir');
    const { manifestDigests } = await ociLayout(path, twoPlatforms('gzip'));
    const result = await scanImage({ images: [path], platform: 'linux/arm64', config: false, cwd: dir });
    expect(result.errors).toEqual([]);
    const paths = result.findings.map((f) => f.location.path);
    expect(paths).toContain('/etc/arm64.env');
    expect(paths).not.toContain('/etc/amd64.env');
    expect(result.findings.find((f) => f.location.path === '/etc/arm64.env')!.location.image?.digest).toBe(manifestDigests[1]);
  });

  it('says which platforms exist when the one asked for does not', async () => {
    const path = join(dir, 'oci-dir-2');
    await ociLayout(path, twoPlatforms('gzip'));
    const result = await scanImage({ images: [path], platform: 'linux/s390x', config: false, cwd: dir });
    expect(result.errors).toEqual([{ path, message: 'no image for platform linux/s390x (available: linux/amd64, linux/arm64)' }]);
  });

  it.skipIf(!zstdAvailable())('reads zstd layers from an OCI layout tar (skipped without the zstd binary, which writes them)', async () => {
    const path = join(dir, 'oci.tar');
    await ociLayout(path, twoPlatforms('zstd'), { tar: true });
    const result = await scanImage({ images: [path], platform: 'linux/amd64', config: false, cwd: dir });
    expect(result.errors).toEqual([]);
    expect(result.findings.map((f) => f.location.path)).toContain('/etc/amd64.env');
  });

  it('applies opaque directories: files under them from lower layers are reported as removed', async () => {
    const path = join(dir, 'opaque');
    await ociLayout(path, [
      {
        layers: [
          {
            entries: [
              { name: 'opt/conf/', type: 'directory' },
              { name: 'opt/conf/token.env', content: `HF_TOKEN=${HF}\n` },
            ],
          },
          {
            entries: [
              { name: 'opt/conf/', type: 'directory' },
              { name: 'opt/conf/.wh..wh..opq', content: '' },
              { name: 'opt/conf/ok.txt', content: 'fine\n' },
            ],
          },
        ],
      },
    ]);
    const result = await scanImage({ images: [path], config: false, cwd: dir });
    const f = result.findings.find((x) => x.location.path === '/opt/conf/token.env')!;
    expect(f.location.image?.removedBy?.index).toBe(1);
  });
});

describe('broken and hostile images are errors, never crashes', () => {
  it('reports path traversal, a truncated layer and a layer that does not match its digest, and scans the rest', async () => {
    const path = join(dir, 'hostile');
    await ociLayout(path, [
      {
        layers: [
          {
            entries: [
              { name: '../../etc/cron.d/evil', content: '* * * * * root sh\n' },
              { name: 'ok/app.env', content: `HF_TOKEN=${HF}\n` },
            ],
          },
          { entries: [{ name: 'b/file', content: 'x'.repeat(100_000) }] },
        ],
      },
    ]);
    // Truncate the second layer's blob in place (its digest no longer matches either).
    const index = JSON.parse(readFileSync(join(path, 'index.json'), 'utf8'));
    const manifest = JSON.parse(readFileSync(join(path, 'blobs/sha256', index.manifests[0].digest.slice(7)), 'utf8'));
    const second = join(path, 'blobs/sha256', manifest.layers[1].digest.slice(7));
    writeFileSync(second, readFileSync(second).subarray(0, 200));
    const result = await scanImage({ images: [path], config: false, cwd: dir });
    const messages = result.errors.map((e) => `${e.path}: ${e.message}`);
    expect(
      messages.some((m) => /\.\.\/\.\.\/etc\/cron\.d\/evil: .*path traversal/.test(m)),
      messages.join('\n'),
    ).toBe(true);
    expect(
      messages.some((m) => /^layer 1 .*truncated/.test(m)),
      messages.join('\n'),
    ).toBe(true);
    expect(result.findings.map((f) => f.location.path)).toContain('/ok/app.env');
  });

  it('reports a huge extended header and a decompression bomb', async () => {
    const path = join(dir, 'bombs');
    const huge = await layerTar([{ name: 'x', content: 'a', pax: { comment: 'z'.repeat(5 * 1024 * 1024) } }]);
    await ociLayout(path, [{ layers: [{ entries: [{ name: 'big', content: Buffer.alloc(4 * 1024 * 1024) }] }] }]);
    const limited = await scanImage({
      images: [path],
      config: false,
      cwd: dir,
      walkLimits: { maxLayerBytes: 1024 * 1024 },
    });
    expect(limited.errors.map((e) => e.message).join('\n')).toMatch(/expands beyond 1048576 bytes/);
    // The huge header: replace the layer blob with it (gzip), keeping the layout otherwise valid.
    const index = JSON.parse(readFileSync(join(path, 'index.json'), 'utf8'));
    const manifest = JSON.parse(readFileSync(join(path, 'blobs/sha256', index.manifests[0].digest.slice(7)), 'utf8'));
    writeFileSync(join(path, 'blobs/sha256', manifest.layers[0].digest.slice(7)), gzipSync(huge));
    const result = await scanImage({ images: [path], config: false, cwd: dir });
    expect(result.errors.map((e) => e.message).join('\n')).toMatch(/huge header/);
  });

  it('reports an archive that is not an image and a missing file, and goes on with the next image', async () => {
    const notImage = join(dir, 'not-image.tar');
    writeFileSync(notImage, Buffer.alloc(1024));
    const good = join(dir, 'good.tar');
    await dockerSave(good, { config: { User: 'app' }, layers: [{ entries: [{ name: 'a.env', content: `HF_TOKEN=${HF}\n` }] }] });
    const result = await scanImage({ images: [notImage, join(dir, 'missing.tar'), good], config: false, cwd: dir });
    expect(result.errors.map((e) => e.path)).toEqual([notImage, join(dir, 'missing.tar')]);
    expect(result.findings.some((f) => f.location.path === '/a.env')).toBe(true);
  });

  it('reads a manifest.json and config whose members have other types than the format gives as absent (found by the fuzzer)', async () => {
    const layer = await layerTar([{ name: 'app/a.env', content: `HF_TOKEN=${HF}\n` }]);
    const config = Buffer.from(
      JSON.stringify({
        os: 'linux',
        config: { Env: 'PATH=/bin', User: 0, Cmd: 'serve' },
        rootfs: { type: 'layers', diff_ids: [7] },
        history: { created_by: 'RUN x' },
      }),
    );
    const archive = (manifest: unknown) =>
      tar([
        ['c.json', config],
        ['l/layer.tar', layer],
        ['manifest.json', JSON.stringify(manifest)],
      ]);
    const odd = join(dir, 'odd-types.tar');
    writeFileSync(odd, archive([{ Config: 'c.json', RepoTags: [['a:1']], Layers: ['l/layer.tar'] }]));
    const result = await scanImage({ images: [odd], config: false, cwd: dir, vulnerabilities: testVulnerabilities() });
    expect(result.errors).toEqual([]);
    expect(result.images?.map((i) => [i.ref, i.user, i.cmd])).toEqual([[odd, '', undefined]]);
    expect(result.findings.filter((f) => f.location.path === '/app/a.env').map((f) => f.ruleId)).toEqual(['SEC-0003']);
    const badLayer = join(dir, 'odd-layers.tar');
    writeFileSync(badLayer, archive([{ Config: 'c.json', Layers: [['l/layer.tar']] }]));
    const bad = await scanImage({ images: [badLayer], config: false, cwd: dir, vulnerabilities: testVulnerabilities() });
    expect(bad.errors).toEqual([{ path: badLayer, message: 'manifest.json entry 0 has no Config or Layers' }]);
  });

  it('scans an image a manifest.json lists twice once, and refuses one that lists more layers than any runtime stacks (found by the fuzzer)', async () => {
    const layer = await layerTar([{ name: 'app/a.env', content: `HF_TOKEN=${HF}\n` }]);
    const config = Buffer.from(JSON.stringify({ os: 'linux', config: { User: 'app' }, rootfs: { type: 'layers', diff_ids: [] } }));
    const archive = (manifest: unknown) =>
      tar([
        ['c.json', config],
        ['l/layer.tar', layer],
        ['manifest.json', JSON.stringify(manifest)],
      ]);
    const entry = { Config: 'c.json', RepoTags: ['acme/a:1'], Layers: ['l/layer.tar'] };
    const twice = join(dir, 'twice.tar');
    writeFileSync(twice, archive([entry, entry, entry]));
    const result = await scanImage({ images: [twice], config: false, cwd: dir, vulnerabilities: testVulnerabilities() });
    expect(result.images?.map((i) => i.ref)).toEqual(['acme/a:1']);
    expect(result.findings.filter((f) => f.location.path === '/app/a.env').map((f) => f.ruleId)).toEqual(['SEC-0003']);
    expect(result.errors.map((e) => e.message)).toEqual([
      'manifest.json entries 1, 2 repeat entry 0 (the same tags, config and layers); scanned once',
    ]);

    const retagged = join(dir, 'retagged.tar');
    writeFileSync(retagged, archive([entry, { ...entry, RepoTags: ['acme/a:latest'] }]));
    const again = await scanImage({ images: [retagged], config: false, cwd: dir, vulnerabilities: testVulnerabilities() });
    expect(again.images?.map((i) => i.ref)).toEqual(['acme/a:1']);
    expect(again.errors).toEqual([]);

    const many = join(dir, 'many-layers.tar');
    const half = Array.from({ length: 5_001 }, () => 'l/layer.tar');
    writeFileSync(
      many,
      archive([
        { ...entry, Layers: half },
        { ...entry, RepoTags: ['acme/b:1'], Layers: [...half, 'l/layer.tar'] },
      ]),
    );
    const refused = await scanImage({ images: [many], config: false, cwd: dir, vulnerabilities: testVulnerabilities() });
    expect(refused.findings).toEqual([]);
    expect(refused.errors).toEqual([{ path: many, message: 'manifest.json lists more than 10000 layers in all; the archive is not read' }]);
  });

  it('spools a large model file that a parser reads by range, and scans it', async () => {
    const path = join(dir, 'model');
    // A protocol-2 pickle calling os.system, padded past the in-memory limit.
    const pickle = Buffer.concat([Buffer.from('\x80\x02cos\nsystem\nq\x00X\x02\x00\x00\x00idq\x01\x85q\x02Rq\x03.', 'latin1')]);
    const padded = Buffer.concat([pickle, Buffer.alloc(300_000)]);
    await ociLayout(path, [{ layers: [{ entries: [{ name: 'models/model.pkl', content: padded }] }] }]);
    const result = await scanImage({ images: [path], config: false, cwd: dir, walkLimits: { maxMemoryFileBytes: 100_000 } });
    const mdl = result.findings.find((f) => f.location.path === '/models/model.pkl');
    expect(mdl?.ruleId).toMatch(/^MDL-/);
    expect(sha256(padded)).toMatch(/^sha256:/);
  });

  it("leaves the caller's signal handling alone while it spools (no SIGINT or SIGTERM listener), and removes its spool", async () => {
    const path = join(dir, 'model-signals');
    const padded = Buffer.concat([Buffer.from('\x80\x02cos\nsystem\nq\x00.', 'latin1'), Buffer.alloc(300_000)]);
    await ociLayout(path, [{ layers: [{ entries: [{ name: 'models/model.pkl', content: padded }, { name: 'app/z.txt', content: 'z' }] }] }]);
    const tmp = mkdtempSync(join(dir, 'spool-'));
    const before = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
    const seen: number[][] = [];
    const onFile = () => {
      if (readdirSync(tmp).length) seen.push([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]);
    };
    await scanImage({ images: [path], config: false, cwd: dir, tmpDir: tmp, walkLimits: { maxMemoryFileBytes: 100_000 }, onFile });
    // Sampled while the spool directory existed.
    expect(seen.length).toBeGreaterThan(0);
    for (const counts of seen) expect(counts).toEqual(before);
    expect(readdirSync(tmp)).toEqual([]);
  });
});

describe('OS packages through the package collector', () => {
  const osRelease = 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.14.2\nPRETTY_NAME="Alpine Linux v3.14"\n';
  const apkDb = (version: string) =>
    `C:Q1abc=\nP:apk-tools\nV:${version}\nA:x86_64\no:apk-tools\nL:GPL-2.0-only\n\nC:Q1def=\nP:musl\nV:1.2.2-r3\nA:x86_64\no:musl\n\n`;

  it('matches the final apk database against the advisories of the image’s release, once', async () => {
    const path = join(dir, 'alpine');
    await ociLayout(path, [
      {
        config: { User: 'app' },
        layers: [
          {
            entries: [
              { name: 'etc/os-release', content: osRelease },
              { name: 'lib/apk/db/installed', content: apkDb('2.12.5-r0') },
            ],
          },
        ],
      },
    ]);
    const result = await scanImage({ images: [path], scanners: ['deps'], vulnerabilities: testVulnerabilities(), config: false, cwd: dir });
    const sca = result.findings.filter((f) => f.ruleId === 'SCA-0001');
    expect(
      sca.map((f) => [f.location.path, f.package?.name, f.package?.ecosystem, f.vulnerability?.id, f.location.image?.layer?.index]),
    ).toEqual([['/lib/apk/db/installed', 'apk-tools', 'Alpine:v3.14', 'ALPINE-CVE-2021-36159', 0]]);
    expect(sca[0].location.startLine).toBe(2);
  });

  it('an upgrade in a later layer leaves no finding on the old database', async () => {
    const path = join(dir, 'alpine-upgraded');
    await ociLayout(path, [
      {
        layers: [
          {
            entries: [
              { name: 'etc/os-release', content: osRelease },
              { name: 'lib/apk/db/installed', content: apkDb('2.12.5-r0') },
            ],
          },
          { entries: [{ name: 'lib/apk/db/installed', content: apkDb('2.12.6-r0') }] },
        ],
      },
    ]);
    const result = await scanImage({ images: [path], scanners: ['deps'], vulnerabilities: testVulnerabilities(), config: false, cwd: dir });
    expect(result.findings.filter((f) => f.ruleId === 'SCA-0001')).toEqual([]);
    expect(result.errors).toEqual([]);
  });

  it('summarizes each image in the result: identity, runtime settings, layers, OS and package counts', async () => {
    const path = join(dir, 'summary.tar');
    const layers: TestImage['layers'] = [
      {
        createdBy: '/bin/sh -c #(nop) ADD file:abc in /',
        entries: [
          { name: 'etc/os-release', content: osRelease },
          { name: 'lib/apk/db/installed', content: apkDb('2.12.5-r0') },
          { name: 'tmp/gone', content: 'x' },
        ],
      },
      {
        createdBy: '/bin/sh -c pip install flask',
        entries: [
          { name: 'tmp/.wh.gone', content: '' },
          {
            name: 'usr/lib/python3.9/site-packages/flask-2.0.1.dist-info/METADATA',
            content: 'Metadata-Version: 2.1\nName: Flask\nVersion: 2.0.1\n',
          },
        ],
      },
    ];
    const { configDigest } = await dockerSave(
      path,
      {
        config: { User: 'app', Entrypoint: ['python'], Cmd: ['-m', 'serve'], WorkingDir: '/srv', ExposedPorts: { '8000/tcp': {} } },
        layers,
        architecture: 'arm64',
      },
      { tag: 'acme/serve:2.0' },
    );
    const result = await scanImage({ images: [path], config: false, cwd: dir, today: '2025-01-01' });
    expect(Object.keys(result).slice(0, 4)).toEqual(['schemaVersion', 'tool', 'targets', 'images']);
    const [summary] = result.images!;
    const tars = await Promise.all(layers.map((l) => layerTar(l.entries)));
    expect(summary).toEqual({
      ref: 'acme/serve:2.0',
      digest: configDigest,
      configDigest,
      platform: 'linux/arm64',
      os: { id: 'alpine', version: '3.14.2', name: 'Alpine Linux v3.14', endOfLife: '2023-05-01', endOfLifeReached: true },
      user: 'app',
      entrypoint: ['python'],
      cmd: ['-m', 'serve'],
      workingDir: '/srv',
      exposedPorts: ['8000/tcp'],
      layers: layers.map((l, index) => ({
        index,
        digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
        diffId: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
        createdBy: l.createdBy,
        storedBytes: expect.any(Number),
        bytes: tars[index].length,
      })),
      storedBytes: summary.layers.reduce((n, l) => n + l.storedBytes!, 0),
      bytes: tars[0].length + tars[1].length,
      files: 3,
      removedFiles: 1,
      packages: { Alpine: 2, PyPI: 1 },
    });
  });
});

describe('stable fingerprints and installed code', () => {
  it('fingerprints a named image by its name: a rebuild under the name keeps them, a second build under that name in the same run is known by its content', async () => {
    const suid = { name: 'usr/local/bin/helper', content: '#!/bin/sh\n', mode: 0o4755 };
    const first = join(dir, 'facts-1.tar');
    const again = join(dir, 'facts-1-again.tar');
    const second = join(dir, 'facts-2.tar');
    const image = { config: { User: 'app' }, layers: [{ entries: [suid] }] };
    await dockerSave(first, image, { tag: 'acme/tools:1.0' });
    await dockerSave(again, image, { tag: 'acme/tools:1.0' });
    // Rebuilt under the same name: a world-writable directory and another SUID file come first, in a new base layer.
    await dockerSave(
      second,
      {
        config: { User: 'app', Env: ['PATH=/usr/bin'] },
        layers: [
          {
            entries: [
              { name: 'opt/drop/', type: 'directory', mode: 0o777 },
              { name: 'opt/tool', content: '#!/bin/sh\n', mode: 0o4755 },
            ],
          },
          { entries: [suid] },
        ],
      },
      { tag: 'acme/tools:1.0' },
    );
    const print = async (images: string[]) => {
      const result = await scanImage({ images, rules: ['IMG-0006'], config: false, cwd: dir });
      expect(result.errors).toEqual([]);
      return result.findings;
    };
    const helpers = (found: Finding[]) => found.filter((f) => f.location.path === '/usr/local/bin/helper');
    // Rebuilt under the same name, scanned alone: the name, not the changed content, is the image to fingerprints (baselines and history follow it).
    const [firstAlone] = helpers(await print([first]));
    const [secondAlone] = helpers(await print([second]));
    expect(secondAlone.location).toMatchObject({ objectPath: '', image: { layer: { index: 1 } } });
    expect(secondAlone.fingerprint).toBe(firstAlone.fingerprint);
    expect(secondAlone.location.image!.imageId).not.toBe(firstAlone.location.image!.imageId);
    expect(helpers(await print([again])).map((f) => f.fingerprint)).toEqual([firstAlone.fingerprint]);
    // Both builds of acme/tools:1.0 in one run: the first keeps its name, the second is known by its content; their findings stay apart.
    const both = await print([first, second]);
    expect(new Set(both.map((f) => f.fingerprint)).size).toBe(both.length);
    const fromFirst = helpers(both).find((f) => f.location.image!.imageId === firstAlone.location.image!.imageId)!;
    const fromSecond = helpers(both).find((f) => f.location.image!.imageId === secondAlone.location.image!.imageId)!;
    expect(fromFirst.fingerprint).toBe(firstAlone.fingerprint);
    expect(fromFirst.location.image!.identity).toBe('docker.io/acme/tools:1.0');
    expect(fromSecond.location.image!.identity).toBe(fromSecond.location.image!.imageId);
    expect(fromSecond.fingerprint).not.toBe(firstAlone.fingerprint);
    // The same content twice under one name is one image: nothing to tell apart.
    const twice = helpers(await print([first, again]));
    expect(twice.map((f) => f.location.image!.identity)).toEqual(['docker.io/acme/tools:1.0', 'docker.io/acme/tools:1.0']);
  });

  it('keeps the fingerprints of two images scanned in one run apart, whatever their order, and the same on a re-scan', async () => {
    const entries = (token: string) => [
      { name: 'usr/local/bin/helper', content: '#!/bin/sh\n', mode: 0o4755 },
      { name: 'srv/app.env', content: `HF_TOKEN=${token}\n` },
    ];
    const a = join(dir, 'two-a.tar');
    const b = join(dir, 'two-b.tar');
    const named = join(dir, 'two-named.tar');
    // The same paths, rules and (for the SUID file) evidence in each: only the image tells the findings apart.
    await dockerSave(a, { config: { User: 'app', Env: ['A=1'] }, layers: [{ entries: entries(HF) }] });
    await dockerSave(b, { config: { User: 'app', Env: ['B=1'] }, layers: [{ entries: entries(HF) }] });
    await dockerSave(named, { config: { User: 'app', Env: ['C=1'] }, layers: [{ entries: entries(HF) }] }, { tag: 'acme/serve:1.0' });
    const prints = async (images: string[]) => {
      const result = await scanImage({ images, config: false, cwd: dir });
      expect(result.errors).toEqual([]);
      const byImage = new Map<string, string[]>();
      for (const f of result.findings) {
        const key = f.location.image!.ref;
        byImage.set(key, [...(byImage.get(key) ?? []), `${f.ruleId} ${f.location.path} ${f.fingerprint}`].sort());
      }
      return { all: result.findings.map((f) => f.fingerprint), byImage };
    };
    const forward = await prints([a, b, named]);
    const backward = await prints([named, b, a]);
    expect(new Set(forward.all).size, 'no fingerprint is shared between images').toBe(forward.all.length);
    expect(forward.byImage.get(a)!.some((p) => p.startsWith('IMG-0006 /usr/local/bin/helper'))).toBe(true);
    expect(forward.byImage.get(a)!.some((p) => p.includes('/srv/app.env'))).toBe(true);
    for (const ref of [a, b, 'acme/serve:1.0']) expect(backward.byImage.get(ref), ref).toEqual(forward.byImage.get(ref));
    const alone = await prints([b]);
    expect(alone.byImage.get(b)).toEqual(forward.byImage.get(b));
    // The identity is in the location: the canonical name for a named image, else the config digest; and the config digest, as imageId.
    const result = await scanImage({ images: [named, a], rules: ['IMG-0006'], config: false, cwd: dir });
    const images = result.findings.map((f) => f.location.image!).sort((x, y) => (x.identity! < y.identity! ? -1 : 1));
    expect(images[0].identity).toBe('docker.io/acme/serve:1.0');
    expect(images[0].imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(images[1].identity).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(images[1].imageId).toBe(images[1].identity);
  });

  it('judges the application’s code, not the packages installed beside it (unless asked)', async () => {
    const code = 'import pickle, sys\nmodel = pickle.load(open(sys.argv[1], "rb"))\n';
    const path = join(dir, 'installed.tar');
    await dockerSave(path, {
      config: { User: 'app' },
      layers: [
        {
          entries: [
            { name: 'usr/local/lib/python3.11/site-packages/lib/loader.py', content: code },
            { name: 'usr/lib/python3/dist-packages/other/loader.py', content: code },
            { name: 'opt/venv/lib/python3.12/pickletools.py', content: code },
            { name: 'srv/web/node_modules/pkg/index.js', content: `const key = "${OPENAI}";\n` },
            { name: 'app/serve.py', content: code },
          ],
        },
      ],
    });
    const paths = (findings: Finding[], prefix: string) =>
      [...new Set(findings.filter((f) => f.ruleId.startsWith(prefix)).map((f) => f.location.path))].sort();
    const plain = await scanImage({ images: [path], config: false, cwd: dir });
    expect(paths(plain.findings, 'LLM-')).toEqual(['/app/serve.py']);
    // Secrets are found in installed packages all the same.
    expect(paths(plain.findings, 'SEC-')).toEqual(['/srv/web/node_modules/pkg/index.js']);
    const asked = await scanImage({ images: [path], config: false, cwd: dir, installedCode: true });
    expect(paths(asked.findings, 'LLM-')).toEqual([
      '/app/serve.py',
      '/opt/venv/lib/python3.12/pickletools.py',
      '/usr/lib/python3/dist-packages/other/loader.py',
      '/usr/local/lib/python3.11/site-packages/lib/loader.py',
    ]);
  });

  it('runs custom policies on the manifests inside the image, as scan does', async () => {
    const policy = join(dir, 'replicas-policy.yaml');
    writeFileSync(
      policy,
      'apiVersion: policies.sanctum.dev/v1\nkind: SanctumPolicy\nmetadata: {name: two-replicas}\nspec:\n  match: {kinds: [apps/Deployment]}\n  validations:\n  - expression: "object.spec.replicas >= 2"\n    message: model servers run at least two replicas\n    fieldPath: spec.replicas\n',
    );
    const manifest =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: serve}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: serve}}\n  template:\n    metadata: {labels: {app: serve}}\n    spec:\n      containers: [{name: serve, image: acme/serve:1}]\n';
    const path = join(dir, 'with-manifest.tar');
    await dockerSave(path, { config: { User: 'app' }, layers: [{ entries: [{ name: 'deploy/serve.yaml', content: manifest }] }] });
    const result = await scanImage({ images: [path], config: false, cwd: dir, policies: [policy] });
    const f = result.findings.find((x) => x.ruleId === 'policy:two-replicas');
    expect(f?.location).toMatchObject({
      path: '/deploy/serve.yaml',
      startLine: 5,
      objectPath: '/spec/replicas',
      image: { layer: { index: 0 } },
    });
  });
});
