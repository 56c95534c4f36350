import { legacyFingerprintOf, setLegacyFingerprint } from './fingerprint.js';
import type { RuleMeta } from './rule.js';
import { severityRank, type Finding, type Location } from './types.js';

/**
 * Folds findings of superseded rules into the finding of the more specific rule on the same value
 * (overlapping spans of one file, or the same object path when there are no spans). The standing
 * finding records what it folded and keeps the higher severity, so folding never weakens a gate.
 * Returns the indexes of the findings that were folded away.
 */
export function foldSuperseded(findings: readonly Finding[], metaOf: (index: number) => RuleMeta): Set<number> {
  const folded = new Set<number>();
  for (let i = 0; i < findings.length; i++) {
    const supersedes = metaOf(i).supersedes;
    if (!supersedes?.length || folded.has(i)) continue;
    const standing = findings[i];
    for (let j = 0; j < findings.length; j++) {
      const other = findings[j];
      if (j === i || folded.has(j) || !supersedes.includes(other.ruleId) || !sameValue(standing.location, other.location)) continue;
      folded.add(j);
      const list = (standing.folded ??= []);
      const entry = { ruleId: other.ruleId, slug: other.slug, severity: other.severity, fingerprint: other.fingerprint };
      setLegacyFingerprint(entry, legacyFingerprintOf(other));
      list.push(entry, ...(other.folded ?? []));
      if (severityRank(other.severity) > severityRank(standing.severity)) standing.severity = other.severity;
    }
  }
  return folded;
}

/** True when a suppression or ignore entry naming `key` (rule id or slug) covers the finding or one folded into it. */
export function answersTo(f: Pick<Finding, 'ruleId' | 'slug' | 'folded'>, key: string): boolean {
  return key === '*' || key === f.ruleId || key === f.slug || (f.folded?.some((x) => x.ruleId === key || x.slug === key) ?? false);
}

/**
 * The finding's fingerprint and those of the findings folded into it (a baseline written before a fold
 * still matches), with the fingerprints they had before fingerprints hashed the subject path, when the
 * scan made them (`EngineOptions.legacyFingerprints`).
 */
export function fingerprintsOf(f: Pick<Finding, 'fingerprint' | 'folded'>): string[] {
  const legacy = legacyFingerprintOf(f);
  const prints = legacy === undefined ? [f.fingerprint] : [f.fingerprint, legacy];
  if (f.folded)
    for (const x of f.folded) {
      prints.push(x.fingerprint);
      const old = legacyFingerprintOf(x);
      if (old !== undefined) prints.push(old);
    }
  return prints;
}

function sameValue(a: Location, b: Location): boolean {
  if (a.path !== b.path) return false;
  if (a.startLine !== undefined && b.startLine !== undefined)
    return before(a.startLine, a.startColumn, b.endLine, b.endColumn) && before(b.startLine, b.startColumn, a.endLine, a.endColumn);
  return (
    a.objectPath !== undefined &&
    a.objectPath === b.objectPath &&
    a.resource?.kind === b.resource?.kind &&
    a.resource?.name === b.resource?.name
  );
}

/** (line, column) strictly before the exclusive end (endLine, endColumn); a missing column spans the whole line. */
function before(line: number, column: number | undefined, endLine: number | undefined, endColumn: number | undefined): boolean {
  const end = endLine ?? line;
  if (line !== end) return line < end;
  return column === undefined || endColumn === undefined || column < endColumn;
}
