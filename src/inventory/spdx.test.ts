import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MemorySourceFile } from '../core/source-file.js';
import { gguf } from '../rules/models/lib/builders/formats-builder.js';
import { buildSbom } from './sbom.js';
import { toSpdx23 } from './spdx.js';

/** The SPDX licence list as CycloneDX ships it (`test/schemas/spdx.schema.json`): every id the document declares must be on it. */
const LICENSE_IDS = new Set<string>(
  JSON.parse(readFileSync(fileURLToPath(new URL('../../test/schemas/spdx.schema.json', import.meta.url)), 'utf8')).enum,
);
const CHECKSUM_ALGORITHMS = [
  'SHA1',
  'SHA224',
  'SHA256',
  'SHA384',
  'SHA512',
  'SHA3-256',
  'SHA3-384',
  'SHA3-512',
  'BLAKE2b-256',
  'BLAKE2b-384',
  'BLAKE2b-512',
  'BLAKE3',
  'MD2',
  'MD4',
  'MD5',
  'MD6',
  'ADLER32',
];
const PURPOSES = [
  'APPLICATION',
  'FRAMEWORK',
  'LIBRARY',
  'CONTAINER',
  'OPERATING-SYSTEM',
  'DEVICE',
  'FIRMWARE',
  'SOURCE',
  'ARCHIVE',
  'FILE',
  'INSTALL',
  'OTHER',
];

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
    const ids = doc.packages.map((p) => p.SPDXID);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of doc.packages) {
      expect(p.SPDXID).toMatch(/^SPDXRef-[A-Za-z0-9.-]+$/);
      expect(p).toMatchObject({
        downloadLocation: expect.any(String),
        filesAnalyzed: false,
        licenseConcluded: 'NOASSERTION',
        copyrightText: 'NOASSERTION',
      });
      expect(PURPOSES).toContain(p.primaryPackagePurpose);
      for (const c of p.checksums ?? []) {
        expect(CHECKSUM_ALGORITHMS).toContain(c.algorithm);
        expect(c.checksumValue).toMatch(/^[0-9a-f]+$/);
      }
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
      expect(r.relationshipType).toBe('DEPENDS_ON');
      expect(ids.has(r.spdxElementId) && ids.has(r.relatedSpdxElement)).toBe(true);
    }
    const id = (name: string) => doc.packages.find((p) => p.name === name)!.SPDXID;
    expect(doc.relationships).toContainEqual({
      spdxElementId: id('express'),
      relationshipType: 'DEPENDS_ON',
      relatedSpdxElement: id('qs'),
    });
  });

  it('is a new document each time when no serial number fixes it', () => {
    const { bom } = buildSbom(['.'], { files: files() });
    expect(toSpdx23(bom).documentNamespace).not.toBe(toSpdx23(bom).documentNamespace);
  });
});
