import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MemorySourceFile } from '../core/source-file.js';
import { gguf } from '../rules/models/lib/builders/formats-builder.js';
import { expectLinearGrowth } from '../testing/growth.js';
import { buildSbom } from './sbom.js';
import { toSpdx23 } from './spdx.js';
import { spdx23Problems } from '../../test/spdx23.js';

/** The SPDX licence list as CycloneDX ships it (`test/schemas/spdx.schema.json`): every id the document declares must be on it. */
const LICENSE_IDS = new Set<string>(
  JSON.parse(readFileSync(fileURLToPath(new URL('../../test/schemas/spdx.schema.json', import.meta.url)), 'utf8')).enum,
);

const files = () => [
  new MemorySourceFile(
    'app/requirements.txt',
    'torch==2.1.0 --hash=sha256:9f8a1c0e2b7d4e6f8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f\n',
  ),
  new MemorySourceFile(
    'app/package-lock.json',
    JSON.stringify({
      lockfileVersion: 3,
      packages: {
        '': { name: 'web', dependencies: { express: '^4.18.0' } },
        'node_modules/express': {
          version: '4.18.2',
          license: 'MIT',
          integrity: 'sha512-' + Buffer.alloc(64, 7).toString('base64'),
          dependencies: { qs: '6.11.0' },
        },
        'node_modules/qs': { version: '6.11.0', license: '(MIT OR Apache-2.0)' },
        'node_modules/odd': { version: '1.0.0', license: 'SEE LICENSE IN LICENSE.txt' },
      },
    }),
  ),
  new MemorySourceFile('models/tiny.gguf', gguf({ 'general.architecture': { type: 'string', value: 'llama' } })),
  new MemorySourceFile('app/train.py', 'from datasets import load_dataset\nds = load_dataset("squad")\n'),
];

function spdx() {
  const { bom } = buildSbom(['.'], {
    files: files(),
    name: 'ai-app',
    timestamp: new Date('2025-03-04T05:06:07.891Z'),
    serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
  });
  return toSpdx23(bom) as {
    packages: Array<Record<string, any>>;
    relationships: Array<{ spdxElementId: string; relationshipType: string; relatedSpdxElement: string }>;
    [k: string]: any;
  };
}

describe('SPDX 2.3 JSON', () => {
  it('has the document fields SPDX 2.3 requires', () => {
    const doc = spdx();
    expect(doc).toMatchObject({
      spdxVersion: 'SPDX-2.3',
      dataLicense: 'CC0-1.0',
      SPDXID: 'SPDXRef-DOCUMENT',
      name: 'ai-app',
      documentNamespace: 'https://sanctum.dev/spdxdocs/ai-app-3e671687-395b-41f5-a30f-a58921a69b79',
      creationInfo: { created: '2025-03-04T05:06:07Z', creators: [expect.stringMatching(/^Tool: sanctum-\d/)] },
    });
  });

  it('gives every component a package with a unique id, valid checksums, purls, purposes and licences', () => {
    const doc = spdx();
    expect(spdx23Problems(doc)).toEqual([]);
    for (const p of doc.packages) {
      expect(p).toMatchObject({
        downloadLocation: expect.any(String),
        filesAnalyzed: false,
        licenseConcluded: 'NOASSERTION',
        copyrightText: 'NOASSERTION',
      });
      for (const id of String(p.licenseDeclared).match(/[A-Za-z0-9.+-]+/g) ?? [])
        if (!['AND', 'OR', 'WITH', 'NOASSERTION', 'NONE'].includes(id)) expect(LICENSE_IDS, id).toContain(id);
    }
    const byName = new Map(doc.packages.map((p) => [p.name, p]));
    expect(byName.get('torch')).toMatchObject({
      versionInfo: '2.1.0',
      primaryPackagePurpose: 'LIBRARY',
      checksums: [{ algorithm: 'SHA256', checksumValue: '9f8a1c0e2b7d4e6f8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f' }],
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:pypi/torch@2.1.0' }],
    });
    expect(byName.get('express')?.licenseDeclared).toBe('MIT');
    expect(byName.get('qs')?.licenseDeclared).toBe('(MIT OR Apache-2.0)');
    // Not an SPDX id: said without inventing a licence.
    expect(byName.get('odd')?.licenseDeclared).toBe('NOASSERTION');
    expect(byName.get('tiny.gguf')).toMatchObject({
      primaryPackagePurpose: 'OTHER',
      comment: expect.stringMatching(/^CycloneDX type: machine-learning-model/),
    });
    expect(byName.get('squad')).toMatchObject({ primaryPackagePurpose: 'OTHER', comment: expect.stringMatching(/dataset/) });
  });

  it('says what the document describes and the dependency graph, between packages that exist', () => {
    const doc = spdx();
    const ids = new Set(doc.packages.map((p) => p.SPDXID));
    const root = doc.packages.find((p) => p.name === 'ai-app')!;
    expect(doc.relationships[0]).toEqual({
      spdxElementId: 'SPDXRef-DOCUMENT',
      relationshipType: 'DESCRIBES',
      relatedSpdxElement: root.SPDXID,
    });
    for (const r of doc.relationships.slice(1)) {
      expect(['DEPENDS_ON', 'CONTAINS']).toContain(r.relationshipType);
      expect(ids.has(r.spdxElementId) && ids.has(r.relatedSpdxElement)).toBe(true);
    }
    const id = (name: string) => doc.packages.find((p) => p.name === name)!.SPDXID;
    // What the dependency graph does not reach, the application contains.
    expect(doc.relationships.filter((r) => r.relationshipType === 'CONTAINS')).toEqual(
      ['squad', 'odd'].map((n) => ({
        spdxElementId: root.SPDXID,
        relationshipType: 'CONTAINS',
        relatedSpdxElement: id(n),
        comment: 'in the inventory, outside the dependency graph',
      })),
    );
    expect(doc.relationships).toContainEqual({
      spdxElementId: id('express'),
      relationshipType: 'DEPENDS_ON',
      relatedSpdxElement: id('qs'),
    });
  });

  it('keeps every rule of SPDX 2.3: fields, ids, checksums, purls, licence expressions, relationships that reach every package', () => {
    expect(spdx23Problems(spdx())).toEqual([]);
  });

  it('the SPDX 2.3 check itself finds what breaks those rules', () => {
    const doc = spdx();
    const torch = doc.packages.find((p) => p.name === 'torch')!;
    torch.SPDXID = 'SPDXRef-torch_2';
    torch.licenseDeclared = 'MIT OR Some Custom Licence';
    torch.checksums[0].checksumValue = 'abc';
    torch.externalRefs[0].referenceLocator = 'torch==2.1.0';
    doc.relationships.push({ spdxElementId: 'SPDXRef-nowhere', relationshipType: 'DEPENDS_ON', relatedSpdxElement: 'SPDXRef-DOCUMENT' });
    doc.creationInfo.created = '2025-03-04T05:06:07.891Z';
    expect(spdx23Problems(doc)).toEqual([
      'creationInfo.created (6.9): 2025-03-04T05:06:07.891Z',
      'packages[6] (torch): SPDXID SPDXRef-torch_2 (7.2)',
      "packages[6] (torch): licenseDeclared 'MIT OR Some Custom Licence' is no SPDX licence expression (Annex D)",
      'packages[6] (torch): SHA256 value abc',
      expect.stringMatching(/^packages\[6\] \(torch\): purl torch==2\.1\.0: /),
      expect.stringMatching(/^relationships\[\d+\]: SPDXRef-pkg-pypi-torch-2\.1\.0 is no element of the document$/),
      expect.stringMatching(/^relationships\[\d+\]: SPDXRef-nowhere is no element of the document$/),
      'SPDXRef-torch_2 (torch) is not reached from what the document describes',
    ]);
  });

  it('is a new document each time when no serial number fixes it', () => {
    const { bom } = buildSbom(['.'], { files: files() });
    expect(toSpdx23(bom).documentNamespace).not.toBe(toSpdx23(bom).documentNamespace);
  });
});

describe('SPDX of a large project', () => {
  const bomOf = (n: number) => {
    const components = Array.from({ length: n }, (_, i) => ({
      type: 'library',
      'bom-ref': `pkg:golang/example.com/m${i}@v1.0.0`,
      name: `example.com/m${i}`,
      version: 'v1.0.0',
      purl: `pkg:golang/example.com/m${i}@v1.0.0`,
    }));
    const bom = {
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
      metadata: { timestamp: '2026-01-01T00:00:00Z', component: { type: 'application', 'bom-ref': 'root', name: 'big' } },
      components,
      dependencies: [{ ref: 'root', dependsOn: components.map((c) => c['bom-ref']) }],
    };
    return bom;
  };

  it('links 40,000 direct packages in one pass (the edge list of the application was copied for each of its edges)', () => {
    const n = 40_000;
    const doc = toSpdx23(bomOf(n)) as { relationships: Array<{ relationshipType: string }> };
    expect(doc.relationships.filter((r) => r.relationshipType === 'DEPENDS_ON')).toHaveLength(n);
    expect(doc.relationships.filter((r) => r.relationshipType === 'CONTAINS')).toHaveLength(0);
    // Quadratic copying took 32 s for 40,000.
    expectLinearGrowth((n) => {
      const bom = bomOf(n);
      return () => toSpdx23(bom);
    }, 2_000);
  });

  it('links 200,000 direct packages (pushing them all as arguments at once overflowed the stack)', () => {
    const n = 200_000;
    const refs = Array.from({ length: n }, (_, i) => `pkg:npm/m${i}@1.0.0`);
    const bom = {
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
      metadata: { timestamp: '2026-01-01T00:00:00Z', component: { type: 'application', 'bom-ref': 'root', name: 'big' } },
      components: refs.map((ref, i) => ({ type: 'library', 'bom-ref': ref, name: `m${i}`, version: '1.0.0' })),
      dependencies: [{ ref: 'root', dependsOn: refs }],
    };
    const doc = toSpdx23(bom) as { relationships: Array<{ relationshipType: string }> };
    expect(doc.relationships.filter((r) => r.relationshipType === 'DEPENDS_ON')).toHaveLength(n);
    expect(doc.relationships.filter((r) => r.relationshipType === 'CONTAINS')).toHaveLength(0);
  });
});
