import { PackageURL } from 'packageurl-js';
import parseExpression from 'spdx-expression-parse';

/**
 * The rules of an SPDX 2.3 JSON document that a consumer relies on, checked as the SPDX 2.3
 * specification states them (clauses 6, 7, 11 and Annex D): required fields and their formats,
 * element ids, checksums, purls, licence expressions, relationships between elements that exist and
 * that reach every package from what the document describes. No SPDX 2.3 JSON schema ships in a
 * package this project can install, so the rules are written out here; each problem names its place.
 */
export function spdx23Problems(doc: Record<string, any>): string[] {
  const problems: string[] = [];
  const need = (ok: unknown, what: string) => {
    if (!ok) problems.push(what);
  };
  need(doc.spdxVersion === 'SPDX-2.3', `spdxVersion is ${doc.spdxVersion}`);
  need(doc.dataLicense === 'CC0-1.0', 'dataLicense must be CC0-1.0 (6.2)');
  need(doc.SPDXID === 'SPDXRef-DOCUMENT', 'document SPDXID must be SPDXRef-DOCUMENT (6.3)');
  need(typeof doc.name === 'string' && doc.name !== '', 'document name (6.4)');
  need(
    /^[a-z][a-z0-9+.-]*:\/\/[^#\s]+$/i.test(String(doc.documentNamespace)),
    `documentNamespace is an absolute URI without '#' (6.5): ${doc.documentNamespace}`,
  );
  need(
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(String(doc.creationInfo?.created)),
    `creationInfo.created (6.9): ${doc.creationInfo?.created}`,
  );
  const creators: unknown[] = doc.creationInfo?.creators ?? [];
  need(creators.length > 0 && creators.every((c) => /^(Tool|Organization|Person): \S/.test(String(c))), 'creationInfo.creators (6.8)');

  const ids = new Set<string>(['SPDXRef-DOCUMENT']);
  const packages: Array<Record<string, any>> = doc.packages ?? [];
  for (const [i, p] of packages.entries()) {
    const at = `packages[${i}] (${p.name})`;
    need(/^SPDXRef-[A-Za-z0-9.-]+$/.test(String(p.SPDXID)), `${at}: SPDXID ${p.SPDXID} (7.2)`);
    need(!ids.has(p.SPDXID), `${at}: SPDXID ${p.SPDXID} used twice`);
    ids.add(p.SPDXID);
    need(typeof p.name === 'string' && p.name !== '', `${at}: name (7.1)`);
    need(
      ['NONE', 'NOASSERTION'].includes(p.downloadLocation) || /^[a-z][a-z0-9+.-]*(\+[a-z]+)?:\/\/\S+$/i.test(String(p.downloadLocation)),
      `${at}: downloadLocation ${p.downloadLocation} (7.7)`,
    );
    need(p.filesAnalyzed === false || p.packageVerificationCode !== undefined, `${at}: files analysed without a verification code (7.9)`);
    for (const field of ['licenseConcluded', 'licenseDeclared'])
      if (p[field] !== undefined) need(isLicense(p[field]), `${at}: ${field} '${p[field]}' is no SPDX licence expression (Annex D)`);
    need(typeof p.copyrightText === 'string', `${at}: copyrightText (7.17)`);
    need(PURPOSES.includes(p.primaryPackagePurpose ?? 'OTHER'), `${at}: primaryPackagePurpose ${p.primaryPackagePurpose} (7.24)`);
    for (const c of p.checksums ?? []) {
      const length = CHECKSUM_HEX_LENGTH[c.algorithm];
      need(length !== undefined, `${at}: checksum algorithm ${c.algorithm} (7.10)`);
      need(
        new RegExp(`^[0-9a-f]{${length ?? 1},}$`).test(c.checksumValue) && (!length || c.checksumValue.length === length),
        `${at}: ${c.algorithm} value ${c.checksumValue}`,
      );
    }
    for (const r of p.externalRefs ?? []) {
      need(
        ['SECURITY', 'PACKAGE-MANAGER', 'PERSISTENT-ID', 'OTHER'].includes(r.referenceCategory),
        `${at}: referenceCategory ${r.referenceCategory} (7.21)`,
      );
      if (r.referenceType === 'purl') {
        need(r.referenceCategory === 'PACKAGE-MANAGER', `${at}: a purl is a PACKAGE-MANAGER reference (Annex F)`);
        try {
          PackageURL.fromString(r.referenceLocator);
        } catch (e) {
          problems.push(`${at}: purl ${r.referenceLocator}: ${(e as Error).message}`);
        }
      }
    }
  }

  const relationships: Array<Record<string, string>> = doc.relationships ?? [];
  const edges = new Map<string, string[]>();
  for (const [i, r] of relationships.entries()) {
    need(RELATIONSHIPS.includes(r.relationshipType), `relationships[${i}]: type ${r.relationshipType} (11.1)`);
    need(ids.has(r.spdxElementId), `relationships[${i}]: ${r.spdxElementId} is no element of the document`);
    need(ids.has(r.relatedSpdxElement), `relationships[${i}]: ${r.relatedSpdxElement} is no element of the document`);
    edges.set(r.spdxElementId, [...(edges.get(r.spdxElementId) ?? []), r.relatedSpdxElement]);
  }
  const described = (edges.get('SPDXRef-DOCUMENT') ?? []).length + (doc.documentDescribes ?? []).length;
  need(described > 0, 'the document DESCRIBES nothing (6.1, 11.1)');
  // Every package hangs off what the document describes: none is left unrelated.
  const reached = new Set<string>();
  const todo = ['SPDXRef-DOCUMENT', ...(doc.documentDescribes ?? [])];
  while (todo.length) {
    const id = todo.pop()!;
    if (reached.has(id)) continue;
    reached.add(id);
    todo.push(...(edges.get(id) ?? []));
  }
  for (const p of packages) need(reached.has(p.SPDXID), `${p.SPDXID} (${p.name}) is not reached from what the document describes`);
  return problems;
}

function isLicense(value: unknown): boolean {
  if (value === 'NONE' || value === 'NOASSERTION') return true;
  try {
    parseExpression(String(value));
    return true;
  } catch {
    return false;
  }
}

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

const CHECKSUM_HEX_LENGTH: Record<string, number | undefined> = {
  SHA1: 40,
  SHA224: 56,
  SHA256: 64,
  SHA384: 96,
  SHA512: 128,
  'SHA3-256': 64,
  'SHA3-384': 96,
  'SHA3-512': 128,
  'BLAKE2b-256': 64,
  'BLAKE2b-384': 96,
  'BLAKE2b-512': 128,
  BLAKE3: undefined,
  MD2: 32,
  MD4: 32,
  MD5: 32,
  MD6: undefined,
  ADLER32: 8,
};

/** SPDX 2.3 clause 11.1. */
const RELATIONSHIPS = [
  'DESCRIBES',
  'DESCRIBED_BY',
  'CONTAINS',
  'CONTAINED_BY',
  'DEPENDS_ON',
  'DEPENDENCY_OF',
  'DEPENDENCY_MANIFEST_OF',
  'BUILD_DEPENDENCY_OF',
  'DEV_DEPENDENCY_OF',
  'OPTIONAL_DEPENDENCY_OF',
  'PROVIDED_DEPENDENCY_OF',
  'TEST_DEPENDENCY_OF',
  'RUNTIME_DEPENDENCY_OF',
  'EXAMPLE_OF',
  'GENERATES',
  'GENERATED_FROM',
  'ANCESTOR_OF',
  'DESCENDANT_OF',
  'VARIANT_OF',
  'DISTRIBUTION_ARTIFACT',
  'PATCH_FOR',
  'PATCH_APPLIED',
  'COPY_OF',
  'FILE_ADDED',
  'FILE_DELETED',
  'FILE_MODIFIED',
  'EXPANDED_FROM_ARCHIVE',
  'DYNAMIC_LINK',
  'STATIC_LINK',
  'DATA_FILE_OF',
  'TEST_CASE_OF',
  'BUILD_TOOL_OF',
  'DEV_TOOL_OF',
  'TEST_OF',
  'TEST_TOOL_OF',
  'DOCUMENTATION_OF',
  'OPTIONAL_COMPONENT_OF',
  'METAFILE_OF',
  'PACKAGE_OF',
  'AMENDS',
  'PREREQUISITE_FOR',
  'HAS_PREREQUISITE',
  'REQUIREMENT_DESCRIPTION_FOR',
  'SPECIFICATION_FOR',
  'OTHER',
];
