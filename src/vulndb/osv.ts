import { ecosystemBase } from './versions/index.js';

/** The part of an OSV record (https://ossf.github.io/osv-schema/) that Sanctum reads. */
export interface OsvRecord {
  id: string;
  modified?: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[];
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

const keys = new Map<string, string>();

/** The index key of a package: ecosystem (case-insensitive, release suffix kept) and normalised name. */
export function packageKey(ecosystem: string, name: string): string {
  const raw = `${ecosystem}\u0000${name}`;
  let key = keys.get(raw);
  if (key === undefined) {
    key = `${ecosystem.trim().toLowerCase()}\u0000${normalizePackageName(ecosystem, name)}`;
    if (keys.size >= 100_000) keys.clear();
    keys.set(raw, key);
  }
  return key;
}

export const isMaliciousId = (id: string): boolean => id.startsWith('MAL-');
