import { readdirSync, readFileSync } from 'node:fs';
import type { PackageRef, VulnerabilityMatch, VulnerabilitySource } from '../core/vulnerability.js';
import { applicableEcosystems, packageKey } from '../vulndb/osv.js';
import { schemeFor } from '../vulndb/versions/index.js';

/** The part of an OSV record the in-memory source reads. */
export interface OsvRecord {
  id: string;
  aliases?: string[];
  upstream?: string[];
  summary?: string;
  details?: string;
  severity?: Array<{ type: string; score: string }>;
  affected?: Array<{
    package: { ecosystem: string; name: string };
    ranges?: Array<{ type: string; events: Array<Record<string, string>> }>;
    versions?: string[];
  }>;
  references?: Array<{ url: string }>;
  database_specific?: { severity?: string };
}

const SEVERITY: Record<string, VulnerabilityMatch['severity']> = {
  CRITICAL: 'critical',
  HIGH: 'high',
  MODERATE: 'medium',
  MEDIUM: 'medium',
  LOW: 'low',
};

/**
 * A vulnerability source over a handful of OSV records held in memory, for tests: events are applied
 * in the record's order (they are written in version order), with the ecosystem's version scheme.
 */
export class MemoryVulnerabilitySource implements VulnerabilitySource {
  constructor(private readonly records: readonly OsvRecord[]) {}

  affecting(pkg: PackageRef): VulnerabilityMatch[] {
    return this.records.filter((r) => this.affects(r, pkg)).map((r) => toMatch(r, pkg));
  }

  knownMalicious(ecosystem: string, name: string): VulnerabilityMatch[] {
    return this.records
      .filter((r) => r.id.startsWith('MAL-') && (r.affected ?? []).some((a) => samePackage(a.package, ecosystem, name)))
      .map((r) => toMatch(r, { ecosystem, name, version: '' }));
  }

  private affects(r: OsvRecord, pkg: PackageRef): boolean {
    for (const a of r.affected ?? []) {
      if (!samePackage(a.package, pkg.ecosystem, pkg.name)) continue;
      if (a.versions?.includes(pkg.version)) return true;
      for (const range of a.ranges ?? []) {
        if (range.type === 'GIT') continue;
        let inside = false;
        for (const e of range.events) {
          const cmp = (bound: string) => compareVersions(a.package.ecosystem, pkg.version, bound);
          if (e.introduced !== undefined && (e.introduced === '0' || cmp(e.introduced) >= 0)) inside = true;
          if (e.fixed !== undefined && cmp(e.fixed) >= 0) inside = false;
          if (e.last_affected !== undefined && cmp(e.last_affected) > 0) inside = false;
        }
        if (inside) return true;
      }
    }
    return false;
  }
}

/** The package of an `affected` entry is the one asked about, in its own or an applicable ecosystem (`Debian` for `Debian:12`). */
function samePackage(p: { ecosystem: string; name: string }, ecosystem: string, name: string): boolean {
  const key = packageKey(p.ecosystem, p.name);
  return applicableEcosystems(ecosystem).some((e) => packageKey(e, name) === key);
}

function toMatch(r: OsvRecord, pkg: PackageRef): VulnerabilityMatch {
  const malicious = r.id.startsWith('MAL-');
  const fixed = (r.affected ?? [])
    .filter((a) => samePackage(a.package, pkg.ecosystem, pkg.name))
    .flatMap((a) =>
      // Commits of GIT ranges are not versions: the database drops those ranges (`compact.ts`).
      (a.ranges ?? [])
        .filter((g) => g.type !== 'GIT')
        .flatMap((g) => g.events.map((e) => e.fixed).filter((f): f is string => f !== undefined)),
    );
  const cvss = r.severity?.find((s) => s.type.startsWith('CVSS'))?.score;
  const match: VulnerabilityMatch = {
    id: r.id,
    aliases: [...new Set([...(r.aliases ?? []), ...(r.upstream ?? [])])],
    summary: r.summary ?? r.details?.split('\n')[0] ?? r.id,
    severity: malicious ? 'critical' : (SEVERITY[r.database_specific?.severity ?? ''] ?? 'medium'),
    fixed: [...new Set(fixed)],
    references: (r.references ?? []).map((x) => x.url),
    malicious,
  };
  if (cvss) match.cvss = cvss;
  return match;
}

/** The ecosystem's own order (dpkg, apk, rpm, PEP 440, …) where both versions are readable, else dotted numbers then text. */
function compareVersions(ecosystem: string, a: string, b: string): number {
  const scheme = schemeFor(ecosystem);
  if (scheme.valid(a) && scheme.valid(b)) return scheme.compare(a, b);
  const pa = a.split(/[.+-]/);
  const pb = b.split(/[.+-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '0';
    const y = pb[i] ?? '0';
    const nx = Number(x);
    const ny = Number(y);
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) {
      if (nx !== ny) return nx < ny ? -1 : 1;
    } else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** The OSV fixtures of `test/corpora/osv/` (real advisories; see its README), which `db import` tests read too. */
export function fixtureRecords(): OsvRecord[] {
  const dir = new URL('../../test/corpora/osv/', import.meta.url);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as OsvRecord);
}

let fixtures: MemoryVulnerabilitySource | undefined;

/** An in-memory source over the OSV fixtures, for rule tests. */
export function testVulnerabilities(): MemoryVulnerabilitySource {
  fixtures ??= new MemoryVulnerabilitySource(fixtureRecords());
  return fixtures;
}
