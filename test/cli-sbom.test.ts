import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGoProgram, goProgramAvailable } from '../src/testing/go-program.js';
import { dockerSave, ociLayout, type TestImage } from '../src/testing/images.js';
import { run, workspace } from './cli-helpers.js';
import { cyclonedx16Problems } from './cyclonedx16.js';
import { spdx23Problems } from './spdx23.js';

describe('sanctum sbom', () => {
  const ws = workspace({
    'requirements.txt': 'torch==2.1.0\n',
    'src/app.py': 'from transformers import AutoModel\nAutoModel.from_pretrained("bert-base-uncased")\n',
    'broken/package-lock.json': '{',
  });
  const dir = ws.dir;
  afterAll(() => ws.cleanup());

  it('writes CycloneDX 1.6 JSON on stdout, and unreadable files on stderr', async () => {
    const r = await run(['sbom', '.', '--name', 'demo'], { cwd: dir });
    expect(r.code).toBe(0);
    const bom = JSON.parse(r.stdout);
    expect(bom).toMatchObject({ bomFormat: 'CycloneDX', specVersion: '1.6', metadata: { component: { name: 'demo' } } });
    expect(bom.components.map((c: { name: string }) => c.name).sort()).toEqual(['bert-base-uncased', 'torch']);
    expect(r.stderr).toBe('sanctum: broken/package-lock.json:1: invalid package-lock.json at line 1: expected a property name\n');
  });

  it('--output writes the file', async () => {
    const r = await run(['sbom', 'requirements.txt', '--output', 'out/bom.json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(JSON.parse(readFileSync(join(dir, 'out/bom.json'), 'utf8')).components[0].purl).toBe('pkg:pypi/torch@2.1.0');
  });

  it('a missing path or an unknown format is exit 2', async () => {
    // In the words of scan, image and baseline.
    expect((await run(['sbom', 'nope'], { cwd: dir })).stderr).toBe("sanctum: cannot read target 'nope': no such file or directory\n");
    expect((await run(['sbom', '.', '--format', 'swid'], { cwd: dir })).code).toBe(2);
  });

  it('--format spdx writes SPDX 2.3 JSON', async () => {
    const r = await run(['sbom', '.', '--name', 'demo', '--format', 'spdx'], { cwd: dir });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ spdxVersion: 'SPDX-2.3', dataLicense: 'CC0-1.0', SPDXID: 'SPDXRef-DOCUMENT', name: 'demo' });
    expect(doc.packages.map((p: { name: string }) => p.name).sort()).toEqual(['bert-base-uncased', 'demo', 'torch']);
    expect(doc.relationships[0]).toMatchObject({ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES' });
    expect(spdx23Problems(doc)).toEqual([]);
  });

  it('--format spdx of examples/ai-platform (libraries, models, datasets, services) keeps every rule of SPDX 2.3', async () => {
    const r = await run(['sbom', 'examples/ai-platform', '--format', 'spdx'], { cwd: join(import.meta.dirname, '..') });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.packages.length).toBeGreaterThan(10);
    expect(spdx23Problems(doc)).toEqual([]);
  });
});

describe('sanctum sbom --image', () => {
  const ws = workspace({});
  const dir = ws.dir;
  const fixture = (name: string) => readFileSync(join(import.meta.dirname, '..', 'src', 'testing', 'os-packages', name));
  const GO = goProgramAvailable();
  const whyNoGo = 'no Go toolchain (Debian golang-go) and no SANCTUM_TEST_GO_BINARY: the Go executable is left out';
  /** An Alpine image with apk packages, a Python and an npm package installed, and (with a Go toolchain) a real Go executable. */
  const image = (): TestImage => ({
    config: { User: 'app', Cmd: ['/usr/local/bin/hello'] },
    layers: [
      {
        createdBy: '/bin/sh -c #(nop) ADD file:alpine in / ',
        entries: [
          { name: 'etc/os-release', content: fixture('alpine-3.14-os-release') },
          { name: 'lib/apk/db/installed', content: fixture('alpine-3.14-installed') },
        ],
      },
      {
        createdBy: '/bin/sh -c pip install flask==2.0.1 && npm install -g express@4.18.2',
        entries: [
          {
            name: 'usr/lib/python3.9/site-packages/flask-2.0.1.dist-info/METADATA',
            content: 'Metadata-Version: 2.1\nName: Flask\nVersion: 2.0.1\n',
          },
          {
            name: 'usr/local/lib/node_modules/express/package.json',
            content: JSON.stringify({ name: 'express', version: '4.18.2', license: 'MIT' }),
          },
          ...(GO ? [{ name: 'usr/local/bin/hello', content: readFileSync(buildGoProgram(dir)), mode: 0o755 }] : []),
        ],
      },
    ],
  });
  beforeAll(async () => {
    await dockerSave(join(dir, 'app.tar'), image(), { tag: 'acme/app:1' });
    await ociLayout(join(dir, 'layout'), [{ ...image(), platform: { os: 'linux', architecture: 'arm64' } }]);
  }, 300_000);
  afterAll(() => ws.cleanup());

  type Component = { name: string; version?: string; purl?: string; type: string };
  const purls = (bom: { components: Component[] }) =>
    bom.components
      .map((c) => c.purl ?? '')
      .filter(Boolean)
      .sort();

  it(`gives the OS, Python, npm${GO ? ' and Go' : ''} packages of a docker save archive as CycloneDX 1.6${GO ? '' : ` (${whyNoGo})`}`, async () => {
    const r = await run(['sbom', '--image', 'app.tar'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const bom = JSON.parse(r.stdout);
    expect(cyclonedx16Problems(bom)).toBe('');
    expect(bom.metadata.component).toMatchObject({ type: 'container', name: 'acme/app:1', 'bom-ref': 'root' });
    expect(bom.metadata.component.purl).toMatch(
      /^pkg:oci\/app@sha256:[0-9a-f]{64}\?arch=amd64&repository_url=index\.docker\.io%2Facme%2Fapp&tag=1$/,
    );
    const found = purls(bom);
    expect(found.filter((p: string) => !p.startsWith('pkg:golang/'))).toEqual([
      expect.stringMatching(/^pkg:apk\/alpine\/apk-tools@2\.12\.5-r1\?arch=x86_64&distro=alpine-3\.14\.\d+$/),
      expect.stringMatching(/^pkg:apk\/alpine\/libcrypto1\.1@/),
      expect.stringMatching(/^pkg:apk\/alpine\/musl@/),
      'pkg:npm/express@4.18.2',
      'pkg:pypi/flask@2.0.1',
    ]);
    if (GO) {
      const go = found.filter((p: string) => p.startsWith('pkg:golang/'));
      expect(go).toEqual(
        expect.arrayContaining(['pkg:golang/example.com/greeting@v1.2.3', expect.stringMatching(/^pkg:golang\/stdlib@1\.\d+/)]),
      );
    }
    const os = bom.components.find((c: Component) => c.type === 'operating-system');
    expect(os).toMatchObject({ name: 'alpine' });
  });

  it('describes what `sanctum image --format cyclonedx` describes, from an OCI layout too; SPDX 2.3 keeps its rules', async () => {
    const strip = (bom: Record<string, unknown>) => ({
      ...bom,
      serialNumber: undefined,
      metadata: { ...(bom.metadata as object), timestamp: undefined },
    });
    for (const target of ['app.tar', 'layout']) {
      const sbom = await run(['sbom', '--image', target], { cwd: dir });
      const image = await run(['image', target, '--format', 'cyclonedx', '--fail-on', 'none', '--no-progress'], { cwd: dir });
      expect(image.code).toBe(0);
      expect(strip(JSON.parse(sbom.stdout))).toEqual(strip(JSON.parse(image.stdout)));
    }
    const spdx = await run(['sbom', '--image', 'layout', '--format', 'spdx', '--name', 'acme-app', '--output', 'out/app.spdx.json'], {
      cwd: dir,
    });
    expect(spdx.code).toBe(0);
    const doc = JSON.parse(readFileSync(join(dir, 'out/app.spdx.json'), 'utf8'));
    expect(doc.name).toBe('acme-app');
    expect(JSON.stringify(doc.packages)).toContain('pkg:npm/express@4.18.2');
    expect(spdx23Problems(doc)).toEqual([]);
  });

  it('an image that cannot be read, or paths beside --image, are exit 2 with one line', async () => {
    const missing = await run(['sbom', '--image', 'nope.tar'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('sanctum: nope.tar: no such file or directory, and not an image reference\n');
    writeFileSync(join(dir, 'broken.tar'), 'not a tar');
    const broken = await run(['sbom', '--image', 'broken.tar'], { cwd: dir });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^sanctum: broken\.tar: .+\n$/);
    const both = await run(['sbom', '.', '--image', 'app.tar'], { cwd: dir });
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('sanctum: give paths or --image, not both: an SBOM describes one application or one image\n');
    expect((await run(['sbom', '.', '--platform', 'linux/amd64'], { cwd: dir })).stderr).toBe(
      'sanctum: --platform and --insecure-registry go with --image\n',
    );
  });
});
