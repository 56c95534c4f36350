import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakes } from '../src/rules/secrets/lib/fakes.js';
import { dockerSave } from '../src/testing/images.js';
import { run, workspace } from './cli-helpers.js';

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
});
