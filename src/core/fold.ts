import { legacyFingerprintOf, setLegacyFingerprint } from './fingerprint.js';
import type { RuleMeta } from './rule.js';
import { severityRank, type Finding, type Location } from './types.js';
import { lowerBound } from './lower-bound.js';

/**
 * Folds findings of superseded rules into the finding of the more specific rule on the same value
 * (overlapping spans of one file, or the same object path when there are no spans). The standing
 * finding records what it folded and keeps the higher severity, so folding never weakens a gate.
 * Returns the indexes of the findings that were folded away.
 */
export function foldSuperseded(findings: readonly Finding[], metaOf: (index: number) => RuleMeta): Set<number> {
  const folded = new Set<number>();
  let candidates: Candidates | undefined;
  for (let i = 0; i < findings.length; i++) {
    const supersedes = metaOf(i).supersedes;
    if (!supersedes?.length || folded.has(i)) continue;
    const standing = findings[i];
    candidates ??= new Candidates(findings);
    for (const j of candidates.near(standing.location, supersedes)) {
      const other = findings[j];
      if (j === i || folded.has(j) || !sameValue(standing.location, other.location)) continue;
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

/** One rule's findings in one file: those with lines by first line (with the furthest last line so far), and by object path. */
interface Group {
  lined: { index: number; start: number; reach: number }[];
  byObject: Map<string, number[]>;
}

/**
 * The findings that may lie on the same value as a given location, found through an index by file and rule
 * (a file of n secrets under n settings made the fold walk every finding for each: n² steps).
 */
class Candidates {
  private readonly groups = new Map<string, Map<string, Group>>();

  constructor(findings: readonly Finding[]) {
    for (let j = 0; j < findings.length; j++) {
      const { location: at, ruleId } = findings[j];
      let byRule = this.groups.get(at.path);
      if (!byRule) this.groups.set(at.path, (byRule = new Map()));
      let group = byRule.get(ruleId);
      if (!group) byRule.set(ruleId, (group = { lined: [], byObject: new Map() }));
      if (at.startLine !== undefined) group.lined.push({ index: j, start: at.startLine, reach: at.endLine ?? at.startLine });
      const key = objectKey(at);
      if (key !== undefined) {
        const list = group.byObject.get(key);
        if (list) list.push(j);
        else group.byObject.set(key, [j]);
      }
    }
    for (const byRule of this.groups.values())
      for (const group of byRule.values()) {
        group.lined.sort((a, b) => a.start - b.start || a.index - b.index);
        for (let k = 1; k < group.lined.length; k++) group.lined[k].reach = Math.max(group.lined[k].reach, group.lined[k - 1].reach);
      }
  }

  /** Indexes, ascending, of findings of the given rules whose location may be the same value as `at` (sameValue decides). */
  near(at: Location, ruleIds: readonly string[]): number[] {
    const byRule = this.groups.get(at.path);
    if (!byRule) return [];
    const out = new Set<number>();
    const key = objectKey(at);
    for (const ruleId of ruleIds) {
      const group = byRule.get(ruleId);
      if (!group) continue;
      if (key !== undefined) for (const j of group.byObject.get(key) ?? []) out.add(j);
      if (at.startLine === undefined) continue;
      const first = at.startLine;
      const last = at.endLine ?? at.startLine;
      // The last finding starting on or before `last`, then back while one before may still reach `first`.
      const after = lowerBound(group.lined.length, (i) => group.lined[i].start <= last);
      for (let k = after - 1; k >= 0 && group.lined[k].reach >= first; k--) out.add(group.lined[k].index);
    }
    return [...out].sort((a, b) => a - b);
  }
}

function objectKey(at: Location): string | undefined {
  return at.objectPath === undefined ? undefined : JSON.stringify([at.objectPath, at.resource?.kind, at.resource?.name]);
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
