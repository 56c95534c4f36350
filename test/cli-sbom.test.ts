import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, workspace } from './cli-helpers.js';
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
    expect((await run(['sbom', 'nope'], { cwd: dir })).stderr).toBe('sanctum: no such file or directory: nope\n');
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
