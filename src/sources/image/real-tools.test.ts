import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakes } from '../../rules/secrets/lib/fakes.js';
import { scanImage } from '../../scan-image.js';
import { ociLayout } from '../../testing/images.js';
import { hasTool, startRegistry, type TestRegistry } from '../../testing/registry.js';

/**
 * Images made and moved by real tools from Debian: umoci builds an OCI image (rootless), skopeo
 * converts it to a docker save archive and to zstd layers and pushes it to docker-registry on
 * loopback. Each test says it skipped, and why, when its tool is missing (`.ci/setup.d/40-image-tools.sh`).
 */
const SKOPEO = hasTool('skopeo');
const UMOCI = hasTool('umoci');
const HF = fakes.huggingface('real-tools');

let dir: string;
let registry: TestRegistry | undefined;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sanctum-real-tools-'));
  registry = SKOPEO ? await startRegistry() : undefined;
});
afterAll(() => {
  registry?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function tool(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
}

/** An OCI layout written by umoci: one layer with a token file, root user, port 22. */
function umociImage(layout: string): void {
  const bundle = join(dir, 'bundle');
  tool('umoci', ['init', '--layout', layout]);
  tool('umoci', ['new', '--image', `${layout}:v1`]);
  tool('umoci', ['unpack', '--rootless', '--image', `${layout}:v1`, bundle]);
  mkdirSync(join(bundle, 'rootfs/app'), { recursive: true });
  writeFileSync(join(bundle, 'rootfs/app/settings.env'), `HF_TOKEN=${HF}\n`);
  tool('umoci', ['repack', '--image', `${layout}:v1`, bundle]);
  tool('umoci', ['config', '--image', `${layout}:v1`, '--config.user', '0', '--config.exposedports', '22/tcp']);
  rmSync(bundle, { recursive: true, force: true });
}

describe('images built and converted by real tools', () => {
  it.skipIf(!UMOCI)('scans an OCI layout built by umoci (skipped when umoci is missing)', async () => {
    const layout = join(dir, 'umoci-layout');
    umociImage(layout);
    const result = await scanImage({ images: [layout], config: false, cwd: dir });
    expect(result.errors).toEqual([]);
    const rules = result.findings.map((f) => `${f.ruleId} ${f.location.path}`);
    expect(rules).toContain('IMG-0001 config.json');
    expect(rules).toContain('IMG-0005 config.json');
    expect(
      rules.some((r) => /^SEC-\d+ \/app\/settings\.env$/.test(r)),
      rules.join('\n'),
    ).toBe(true);
    expect(result.findings[0].location.image?.ref).toBe(`${layout}:v1`);
  });

  it.skipIf(!UMOCI || !SKOPEO)(
    'scans the docker save archive and the zstd layout skopeo makes of it (skipped when umoci or skopeo is missing)',
    async () => {
      const layout = join(dir, 'umoci-for-skopeo');
      umociImage(layout);
      const archive = join(dir, 'skopeo.tar');
      tool('skopeo', ['copy', '--quiet', `oci:${layout}:v1`, `docker-archive:${archive}:acme/tools:1`]);
      const zstd = join(dir, 'zstd-layout');
      tool('skopeo', ['copy', '--quiet', '--dest-compress', '--dest-compress-format', 'zstd', `oci:${layout}:v1`, `oci:${zstd}:v1`]);
      for (const image of [archive, zstd]) {
        const result = await scanImage({ images: [image], config: false, cwd: dir });
        expect(result.errors, image).toEqual([]);
        expect(
          result.findings.some((f) => f.location.path === '/app/settings.env'),
          image,
        ).toBe(true);
      }
      const fromArchive = await scanImage({ images: [archive], config: false, cwd: dir });
      expect(fromArchive.findings[0].location.image?.ref).toBe('docker.io/acme/tools:1');
    },
  );

  it.skipIf(!SKOPEO || !hasTool('docker-registry', '--version'))(
    'pulls from docker-registry on loopback with --insecure-registry (skipped when skopeo or docker-registry is missing)',
    async () => {
      expect(registry, 'docker-registry did not start').toBeDefined();
      const layout = join(dir, 'to-push');
      await ociLayout(
        layout,
        [
          {
            config: { User: 'app', ExposedPorts: { '8888/tcp': {} } },
            layers: [
              { entries: [{ name: 'srv/token.env', content: `HF_TOKEN=${HF}\n` }] },
              { entries: [{ name: 'srv/.wh.token.env', content: '' }] },
            ],
          },
        ],
        { name: 'v1' },
      );
      const ref = `${registry!.host}/acme/pushed:1`;
      tool('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `oci:${layout}:v1`, `docker://${ref}`]);
      const result = await scanImage({ images: [ref], insecureRegistries: [registry!.host], config: false, cwd: dir });
      expect(result.errors).toEqual([]);
      const secret = result.findings.find((f) => f.location.path === '/srv/token.env')!;
      expect(secret.location.image).toMatchObject({ ref, layer: { index: 0 }, removedBy: { index: 1 } });
      expect(secret.location.image?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(result.findings.map((f) => f.ruleId)).toContain('IMG-0005');
      // Without --insecure-registry the pull is over HTTPS, which a plain HTTP registry cannot answer.
      const https = await scanImage({ images: [ref], config: false, cwd: dir });
      expect(https.errors[0].message).toMatch(/^cannot pull .*acme\/pushed:1: cannot reach 127\.0\.0\.1/);
    },
  );
});
