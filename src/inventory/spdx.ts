import { randomUUID } from 'node:crypto';
import { VERSION } from '../version.js';
import { lookupTable } from '../core/lookup-table.js';
import { withoutLeading, withoutTrailing } from '../core/trim.js';

type Json = Record<string, unknown>;

/** CycloneDX hash algorithm names → SPDX 2.3 checksum algorithms. */
const CHECKSUM: Readonly<Record<string, string>> = lookupTable({
  MD5: 'MD5',
  'SHA-1': 'SHA1',
  'SHA-256': 'SHA256',
  'SHA-384': 'SHA384',
  'SHA-512': 'SHA512',
  'SHA3-256': 'SHA3-256',
  'SHA3-384': 'SHA3-384',
  'SHA3-512': 'SHA3-512',
  'BLAKE2b-256': 'BLAKE2b-256',
  'BLAKE2b-384': 'BLAKE2b-384',
  'BLAKE2b-512': 'BLAKE2b-512',
  BLAKE3: 'BLAKE3',
});

/** CycloneDX component types → SPDX 2.3 `primaryPackagePurpose`. SPDX 2.3 has no model or dataset purpose: those are `OTHER`, named in the comment. */
const PURPOSE: Readonly<Record<string, string>> = lookupTable({
  application: 'APPLICATION',
  framework: 'FRAMEWORK',
  library: 'LIBRARY',
  container: 'CONTAINER',
  'operating-system': 'OPERATING-SYSTEM',
  device: 'DEVICE',
  firmware: 'FIRMWARE',
  file: 'FILE',
});

const list = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** SPDX ids allow letters, digits, `.` and `-` only. */
function spdxId(ref: string, used: Set<string>): string {
  const base = `SPDXRef-${withoutLeading(withoutTrailing(ref.replace(/[^A-Za-z0-9.-]+/g, '-'), '-'), '-').slice(0, 120) || 'Package'}`;
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
  used.add(id);
  return id;
}

/** A CycloneDX licence choice as an SPDX expression; names that are no SPDX id cannot be said without `LicenseRef-` text, so they are NOASSERTION. */
function licenseOf(c: Json): string {
  const parts: string[] = [];
  for (const l of list(c.licenses)) {
    const expression = str(l.expression);
    const id = str((l.license as Json | undefined)?.id);
    if (expression) parts.push(expression);
    else if (id) parts.push(id);
    else return 'NOASSERTION';
  }
  if (parts.length < 2) return parts[0] ?? 'NOASSERTION';
  return parts.map((p) => (/\s/.test(p) && !/^\(.*\)$/.test(p) ? `(${p})` : p)).join(' AND ');
}

/** `2025-01-01T00:00:00Z`: SPDX 2.3 wants seconds precision in UTC. */
function spdxTime(iso: unknown): string {
  const d = typeof iso === 'string' ? new Date(iso) : new Date();
  return (Number.isNaN(d.getTime()) ? new Date() : d).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The same SBOM as SPDX 2.3 JSON: one package per CycloneDX component (the described application,
 * libraries with their purls, checksums and declared licences, models and datasets as `OTHER`
 * packages whose comment says what they are), `DESCRIBES` and `DEPENDS_ON` relationships from the
 * dependency graph, and `CONTAINS` from the application for what that graph does not reach. The document namespace is unique per document: the CycloneDX serial number
 * when there is one (a fixed one gives a reproducible document), else a random UUID.
 */
export function toSpdx23(bom: Json): Json {
  const metadata = (bom.metadata as Json | undefined) ?? {};
  const root = (metadata.component as Json | undefined) ?? { 'bom-ref': 'root', name: 'project', type: 'application' };
  const used = new Set<string>();
  const ids = new Map<string, string>();
  const packages: Json[] = [];
  const add = (c: Json): void => {
    const ref = str(c['bom-ref']) ?? `${str(c.name)}@${str(c.version) ?? ''}`;
    if (ids.has(ref)) return;
    const id = spdxId(ref, used);
    ids.set(ref, id);
    const type = str(c.type) ?? 'library';
    const purl = str(c.purl);
    const checksums = list(c.hashes).flatMap((h) => {
      const algorithm = CHECKSUM[String(h.alg)];
      return algorithm && str(h.content) ? [{ algorithm, checksumValue: String(h.content) }] : [];
    });
    const distribution = list(c.externalReferences).find((r) => r.type === 'distribution' || r.type === 'vcs');
    const properties = list(c.properties).map((p) => `${String(p.name)}=${String(p.value)}`);
    const what = type === 'machine-learning-model' ? 'machine-learning model' : type === 'data' ? 'dataset' : undefined;
    const pkg: Json = {
      SPDXID: id,
      name: str(c.name) ?? ref,
      ...(str(c.version) ? { versionInfo: str(c.version) } : {}),
      downloadLocation: str(distribution?.url) ?? 'NOASSERTION',
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: licenseOf(c),
      copyrightText: 'NOASSERTION',
      primaryPackagePurpose: PURPOSE[type] ?? 'OTHER',
      ...(checksums.length ? { checksums } : {}),
      ...(purl ? { externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl }] } : {}),
      ...(str(c.description) ? { description: str(c.description) } : {}),
      ...(what || properties.length
        ? { comment: [what ? `CycloneDX type: ${type} (${what})` : '', ...properties].filter(Boolean).join('; ') }
        : {}),
    };
    packages.push(pkg);
  };
  add(root);
  for (const c of list(bom.components)) add(c);

  const rootId = ids.get(str(root['bom-ref']) ?? '')!;
  const relationships: Json[] = [{ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: rootId }];
  for (const d of list(bom.dependencies)) {
    const from = ids.get(String(d.ref));
    if (!from) continue;
    for (const to of Array.isArray(d.dependsOn) ? d.dependsOn : []) {
      const target = ids.get(String(to));
      if (target) relationships.push({ spdxElementId: from, relationshipType: 'DEPENDS_ON', relatedSpdxElement: target });
    }
  }
  // Every package hangs off the described application: what the dependency graph does not reach
  // (a lockfile entry nothing depends on, a dataset named in code, a model file) it contains.
  const reached = new Set<string>();
  const edges = new Map<string, string[]>();
  for (const r of relationships) {
    const from = String(r.spdxElementId);
    let list = edges.get(from);
    if (!list) edges.set(from, (list = []));
    list.push(String(r.relatedSpdxElement));
  }
  for (const todo = [rootId]; todo.length;) {
    const id = todo.pop()!;
    if (reached.has(id)) continue;
    reached.add(id);
    // One at a time: spreading 200,000 edges as arguments overflows the stack.
    for (const next of edges.get(id) ?? []) todo.push(next);
  }
  for (const p of packages)
    if (!reached.has(String(p.SPDXID)))
      relationships.push({
        spdxElementId: rootId,
        relationshipType: 'CONTAINS',
        relatedSpdxElement: p.SPDXID,
        comment: 'in the inventory, outside the dependency graph',
      });
  const name = str(root.name) ?? 'project';
  const serial = str(bom.serialNumber) ?? `urn:uuid:${randomUUID()}`;
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name,
    documentNamespace: `https://sanctum.dev/spdxdocs/${encodeURIComponent(name)}-${serial.replace(/^urn:uuid:/, '')}`,
    creationInfo: { created: spdxTime(metadata.timestamp), creators: [`Tool: sanctum-${VERSION}`] },
    packages,
    relationships,
  };
}
