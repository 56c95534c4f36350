import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakes } from '../src/rules/secrets/lib/fakes.js';
import { dockerSave, sha256 } from '../src/testing/images.js';
import { run, workspace } from './cli-helpers.js';
import { cyclonedx16Problems } from './cyclonedx16.js';

/** A safetensors file: its header length, the JSON header, one float. */
function safetensors(): Buffer {
  const header = Buffer.from(JSON.stringify({ w: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, __metadata__: { format: 'pt' } }));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(header.length));
  return Buffer.concat([length, header, Buffer.alloc(4)]);
}

describe('sanctum image', () => {
  const ws = workspace({});
  const dir = ws.dir;
  beforeAll(async () => {
    await dockerSave(
      join(dir, 'demo.tar'),
      {
        config: { Env: ['PATH=/usr/local/bin:/usr/bin'], ExposedPorts: { '22/tcp': {} } },
        layers: [
          { entries: [{ name: 'srv/app.env', content: `HF_TOKEN=${fakes.huggingface('cli')}\n` }] },
          { createdBy: '/bin/sh -c curl -fsSL https://get.example.com | bash', entries: [{ name: 'srv/.wh.app.env', content: '' }] },
        ],
      },
      { tag: 'acme/demo:1' },
    );
    await dockerSave(join(dir, 'clean.tar'), {
      config: { User: '10001', Healthcheck: { Test: ['CMD', '/bin/health'] } },
      layers: [{ entries: [{ name: 'app/README', content: 'hello\n' }] }],
    });
  });
  afterAll(() => ws.cleanup());

  it('prints findings grouped by image layer, then file, and exits 1', async () => {
    const r = await run(['image', 'demo.tar', '--no-progress'], { cwd: dir });
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    const config = lines.indexOf('acme/demo:1 · image config and history');
    const layer0 = lines.findIndex((l) => l.startsWith('acme/demo:1 · layer 0 sha256:'));
    expect(config).toBeGreaterThanOrEqual(0);
    expect(layer0).toBeGreaterThan(config);
    expect(lines[layer0 + 1]).toBe('  /srv/app.env (deleted by layer 1, still in the image)');
    expect(r.stdout).toMatch(/IMG-0005 {2}The image exposes port 22\/tcp \(SSH\)/);
    expect(r.stdout).toMatch(/DF-0006/);
    // One line per image above the summary line.
    expect(lines[lines.length - 3]).toMatch(
      /^Image acme\/demo:1 · OS not identified · linux\/amd64 · 2 layers, [\d.]+ KiB · user root · no packages found$/,
    );
  });

  it('writes JSON with location.image, and SARIF', async () => {
    const r = await run(['image', 'demo.tar', '--format', 'json'], { cwd: dir });
    const result = JSON.parse(r.stdout);
    expect(result.targets).toEqual(['demo.tar']);
    expect(result.images).toEqual([expect.objectContaining({ ref: 'acme/demo:1', user: '', files: 0, removedFiles: 1 })]);
    const secret = result.findings.find((f: { location: { path: string } }) => f.location.path === '/srv/app.env');
    expect(secret.location.image).toMatchObject({ ref: 'acme/demo:1', layer: { index: 0 }, removedBy: { index: 1 } });
    const sarif = JSON.parse((await run(['image', 'demo.tar', '--format', 'sarif'], { cwd: dir })).stdout);
    expect(sarif.runs[0].results.length).toBe(result.findings.length);
  });

  it('exits 0 on a clean image, 2 when nothing could be read', async () => {
    const clean = await run(['image', 'clean.tar', '--format', 'json'], { cwd: dir });
    expect(JSON.parse(clean.stdout).findings).toEqual([]);
    expect(clean.code).toBe(0);
    const missing = await run(['image', 'nope.tar'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stdout).toMatch(/nope\.tar {2}no such file or directory/);
  });

  it('runs image-config policies given with --policy on the image config', async () => {
    writeFileSync(
      join(dir, 'no-ssh.yaml'),
      `apiVersion: policies.sanctum.dev/v1
kind: SanctumPolicy
metadata: {name: no-ssh}
spec:
  target: image-config
  severity: critical
  validations:
  - expression: "!('22/tcp' in image.exposedPorts)"
    message: images do not expose SSH
    fieldPath: config.ExposedPorts
`,
    );
    const r = await run(['image', 'demo.tar', 'clean.tar', '--policy', 'no-ssh.yaml', '--format', 'json', '--scanners', 'misconfig'], {
      cwd: dir,
    });
    const policy = JSON.parse(r.stdout).findings.filter((f: { ruleId: string }) => f.ruleId === 'policy:no-ssh');
    expect(policy).toEqual([
      expect.objectContaining({
        severity: 'critical',
        message: 'images do not expose SSH',
        location: expect.objectContaining({
          path: 'config.json',
          objectPath: '/config/ExposedPorts',
          image: expect.objectContaining({ ref: 'acme/demo:1' }),
        }),
      }),
    ]);
  });

  describe('--format cyclonedx and spdx: the image SBOM', () => {
    const model = safetensors();
    beforeAll(async () => {
      await dockerSave(
        join(dir, 'ml.tar'),
        {
          config: { User: 'app' },
          layers: [
            {
              entries: [
                {
                  name: 'etc/os-release',
                  content: 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.14.2\nPRETTY_NAME="Alpine Linux v3.14"\n',
                },
                {
                  name: 'lib/apk/db/installed',
                  content: 'P:apk-tools\nV:2.12.5-r0\nA:x86_64\nL:GPL-2.0-only\n\nP:musl\nV:1.2.2-r3\nA:x86_64\n\n',
                },
              ],
            },
            {
              entries: [
                {
                  name: 'usr/lib/python3.9/site-packages/flask-2.0.1.dist-info/METADATA',
                  content: 'Metadata-Version: 2.1\nName: Flask\nVersion: 2.0.1\n',
                },
                { name: 'models/tiny.safetensors', content: model },
              ],
            },
          ],
        },
        { tag: 'acme/ml:1' },
      );
    });

    it('writes a CycloneDX 1.6 document valid against the schema: the image, its OS, OS and Python packages, models', async () => {
      const r = await run(['image', 'ml.tar', '--format', 'cyclonedx', '--fail-on', 'none'], { cwd: dir });
      expect(r.code).toBe(0);
      const bom = JSON.parse(r.stdout);
      expect(cyclonedx16Problems(bom)).toBe('');
      const root = bom.metadata.component;
      expect(root).toMatchObject({ type: 'container', name: 'acme/ml:1', 'bom-ref': 'root' });
      expect(root.version).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(root.purl).toBe(`pkg:oci/ml@${root.version}?arch=amd64&repository_url=index.docker.io%2Facme%2Fml&tag=1`);
      type Component = {
        type: string;
        name: string;
        version?: string;
        purl?: string;
        'bom-ref': string;
        hashes?: Array<{ alg: string; content: string }>;
      };
      const components: Component[] = bom.components;
      const byName = (name: string) => components.find((c) => c.name === name)!;
      expect(byName('alpine')).toMatchObject({ type: 'operating-system', version: '3.14.2', description: 'Alpine Linux v3.14' });
      expect(byName('apk-tools').purl).toMatch(/^pkg:apk\/alpine\/apk-tools@2\.12\.5-r0\?.*distro=alpine-3\.14\.2/);
      expect(byName('Flask').purl).toBe('pkg:pypi/flask@2.0.1');
      const tiny = components.find((c) => c.type === 'machine-learning-model')!;
      expect(tiny.hashes).toEqual([{ alg: 'SHA-256', content: sha256(model).slice(7) }]);
      const deps = new Map<string, string[]>(
        bom.dependencies.map((d: { ref: string; dependsOn?: string[] }) => [d.ref, d.dependsOn ?? []]),
      );
      expect(deps.get('root')).toEqual(expect.arrayContaining([byName('alpine')['bom-ref'], byName('Flask')['bom-ref'], tiny['bom-ref']]));
      expect(deps.get(byName('alpine')['bom-ref'])).toEqual([byName('apk-tools')['bom-ref'], byName('musl')['bom-ref']].sort());
    });

    it('writes the SBOM beside the other reports, as SPDX too, for one image at a time', async () => {
      const r = await run(
        ['image', 'ml.tar', '--format', 'json', '--format', 'cyclonedx', '--format', 'spdx', '--output', 'out/ml', '--fail-on', 'none'],
        {
          cwd: dir,
        },
      );
      expect(r.stderr + r.stdout).toBe('');
      expect(r.code).toBe(0);
      const result = JSON.parse(readFileSync(join(dir, 'out/ml.json'), 'utf8'));
      expect(result.images[0].packages).toEqual({ Alpine: 2, PyPI: 1 });
      expect(JSON.parse(readFileSync(join(dir, 'out/ml.cdx.json'), 'utf8')).bomFormat).toBe('CycloneDX');
      const spdx = JSON.parse(readFileSync(join(dir, 'out/ml.spdx.json'), 'utf8'));
      expect(spdx.spdxVersion).toBe('SPDX-2.3');
      expect(JSON.stringify(spdx.packages)).toContain('pkg:pypi/flask@2.0.1');
      const two = await run(['image', 'ml.tar', 'demo.tar', '--format', 'cyclonedx'], { cwd: dir });
      expect(two.code).toBe(2);
      expect(two.stderr).toMatch(/an SBOM \(--format cyclonedx\|spdx\) describes one image/);
    });
  });
});
