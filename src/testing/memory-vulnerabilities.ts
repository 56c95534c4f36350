import { readdirSync, readFileSync } from 'node:fs';
import type { PackageRef, VulnerabilityMatch, VulnerabilitySource } from '../core/vulnerability.js';
import { normalizePythonName } from '../parsers/deps/pep508.js';

/** The part of an OSV record the in-memory source reads. */
export interface OsvRecord {
  id: string;
  aliases?: string[];
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
 * A vulnerability source over a handful of OSV records held in memory, for tests. Version
 * comparison is deliberately simple (dotted numbers, then text): the exact schemes are `src/vulndb/`'s.
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
          if (e.introduced !== undefined && (e.introduced === '0' || compareVersions(pkg.version, e.introduced) >= 0)) inside = true;
          if (e.fixed !== undefined && compareVersions(pkg.version, e.fixed) >= 0) inside = false;
          if (e.last_affected !== undefined && compareVersions(pkg.version, e.last_affected) > 0) inside = false;
        }
        if (inside) return true;
      }
    }
    return false;
  }
}

function samePackage(p: { ecosystem: string; name: string }, ecosystem: string, name: string): boolean {
  if (p.ecosystem !== ecosystem) return false;
  return ecosystem === 'PyPI' ? normalizePythonName(p.name) === normalizePythonName(name) : p.name === name;
}

function toMatch(r: OsvRecord, pkg: PackageRef): VulnerabilityMatch {
  const malicious = r.id.startsWith('MAL-');
  const fixed = (r.affected ?? [])
    .filter((a) => samePackage(a.package, pkg.ecosystem, pkg.name))
    .flatMap((a) => (a.ranges ?? []).flatMap((g) => g.events.map((e) => e.fixed).filter((f): f is string => f !== undefined)));
  const cvss = r.severity?.find((s) => s.type.startsWith('CVSS'))?.score;
  const match: VulnerabilityMatch = {
    id: r.id,
    aliases: r.aliases ?? [],
    summary: r.summary ?? r.details?.split('\n')[0] ?? r.id,
    severity: malicious ? 'critical' : (SEVERITY[r.database_specific?.severity ?? ''] ?? 'medium'),
    fixed: [...new Set(fixed)],
    references: (r.references ?? []).map((x) => x.url),
    malicious,
  };
  if (cvss) match.cvss = cvss;
  return match;
}

function compareVersions(a: string, b: string): number {
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

/** The OSV fixtures of `src/testing/osv/` (real advisories; see its README). */
export function fixtureRecords(): OsvRecord[] {
  const dir = new URL('./osv/', import.meta.url);
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
