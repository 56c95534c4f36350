import { ecosystemBase } from './versions/index.js';

/** The part of an OSV record (https://ossf.github.io/osv-schema/) that Sanctum reads. */
export interface OsvRecord {
  id: string;
  modified?: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[];
  /** OSV 1.6: the records this one derives from (Debian, Ubuntu and Alpine records name their CVE here). */
  upstream?: string[];
  summary?: string;
  details?: string;
  severity?: OsvSeverity[];
  affected?: OsvAffected[];
  references?: Array<{ type?: string; url?: string }>;
  database_specific?: Record<string, unknown>;
}

export interface OsvSeverity {
  type: string;
  score: string;
}

export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export interface OsvRange {
  type: string;
  repo?: string;
  events: OsvEvent[];
}

export interface OsvAffected {
  package?: { ecosystem?: string; name?: string; purl?: string };
  severity?: OsvSeverity[];
  ranges?: OsvRange[];
  versions?: string[];
  ecosystem_specific?: Record<string, unknown>;
  database_specific?: Record<string, unknown>;
}

/** One affected package of a stored record: only ranges Sanctum can evaluate (`ECOSYSTEM`, `SEMVER`). */
export interface StoredAffected {
  ecosystem: string;
  name: string;
  ranges: Array<{ type: 'ECOSYSTEM' | 'SEMVER'; events: OsvEvent[] }>;
  versions?: string[];
}

/** What the database keeps of a record: what a finding shows and what matching needs. */
export interface StoredRecord {
  id: string;
  aliases: string[];
  summary: string;
  severity: 'critical' | 'high' | 'medium' | 'low' | 'info';
  cvss?: string;
  score?: number;
  references: string[];
  malicious: boolean;
  modified?: string;
  affected: StoredAffected[];
}

/**
 * A package name as its registry compares names: PEP 503 for PyPI (`Pillow`, `pillow`, `PIL_low` are
 * `pillow`, `pil-low`), lower case where the registry ignores case, unchanged where case matters
 * (Go module paths, Maven coordinates, RubyGems).
 */
export function normalizePackageName(ecosystem: string, name: string): string {
  const base = ecosystemBase(ecosystem);
  const trimmed = name.trim();
  switch (base) {
    case 'pypi':
      return trimmed.toLowerCase().replace(/[-_.]+/g, '-');
    case 'crates.io':
      return trimmed.toLowerCase().replace(/_/g, '-');
    case 'go':
    case 'maven':
    case 'rubygems':
    case 'swifturl':
      return trimmed;
    default:
      return trimmed.toLowerCase();
  }
}

/**
 * An ecosystem as the index compares it: case-insensitive, with its release kept, and the parts OSV
 * adds that an installed system cannot tell dropped: Ubuntu's `:LTS` (`Ubuntu:22.04:LTS` is
 * `ubuntu:22.04`), Red Hat's repository after `::` (`Red Hat:enterprise_linux:9::appstream` is
 * `red hat:enterprise_linux:9`: the rpm database does not say which repository a package came from).
 */
export function ecosystemKey(ecosystem: string): string {
  let e = ecosystem.trim().toLowerCase();
  const base = ecosystemBase(e);
  if (base === 'ubuntu') e = e.replace(/:lts$/, '');
  else if (base === 'red hat') {
    const repo = e.indexOf('::');
    if (repo !== -1) e = e.slice(0, repo);
  }
  return e;
}

/**
 * The ecosystems whose records apply to a package of `ecosystem`: its own release, and records
 * written for the distribution as a whole (no release). A package of `Debian:12` matches records of
 * `Debian:12` and of `Debian`, never those of `Debian:11`; a package whose release is unknown
 * (`Debian`) matches only release-less records.
 */
export function applicableEcosystems(ecosystem: string): string[] {
  const own = ecosystemKey(ecosystem);
  const base = ecosystemBase(own);
  return own === base ? [own] : [own, base];
}

const keys = new Map<string, string>();

/** The index key of a package: ecosystem (`ecosystemKey`) and normalised name. */
export function packageKey(ecosystem: string, name: string): string {
  const raw = `${ecosystem}\u0000${name}`;
  let key = keys.get(raw);
  if (key === undefined) {
    key = `${ecosystemKey(ecosystem)}\u0000${normalizePackageName(ecosystem, name)}`;
    if (keys.size >= 100_000) keys.clear();
    keys.set(raw, key);
  }
  return key;
}

export const isMaliciousId = (id: string): boolean => id.startsWith('MAL-');
