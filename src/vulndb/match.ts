import type { OsvEvent, StoredAffected } from './osv.js';
import { schemeFor, type VersionScheme } from './versions/index.js';

export interface AffectedResult {
  affected: boolean;
  /** Versions that fix the affected range the version falls in (empty when none is known). */
  fixed: string[];
}

type Kind = 'introduced' | 'fixed' | 'last_affected' | 'limit';
interface Event {
  kind: Kind;
  version: string;
}

const KINDS: Kind[] = ['introduced', 'fixed', 'last_affected', 'limit'];

/** `introduced: "0"` means "from the first version": it sorts before every version of every scheme. */
const isZero = (e: Event): boolean => e.kind === 'introduced' && e.version === '0';

function eventsOf(list: OsvEvent[], scheme: VersionScheme): Event[] {
  const out: Event[] = [];
  for (const e of list) {
    for (const kind of KINDS) {
      const v = e[kind];
      if (v === undefined) continue;
      const ev = { kind, version: v };
      if (isZero(ev) || scheme.valid(v)) out.push(ev);
    }
  }
  return out;
}

/**
 * The events of a range in the order OSV evaluates them: by version under the range's scheme,
 * `introduced: "0"` first; events whose version the scheme cannot read are dropped. The importer
 * stores ranges this way, so that matching never sorts.
 */
export function sortedEvents(list: OsvEvent[], ecosystem: string, rangeType: string): OsvEvent[] {
  const scheme = schemeFor(ecosystem, rangeType);
  return eventsOf(list, scheme)
    .sort((a, b) => (isZero(a) ? (isZero(b) ? 0 : -1) : isZero(b) ? 1 : scheme.compare(a.version, b.version)))
    .map((e) => ({ [e.kind]: e.version }));
}

/**
 * Whether `version` falls in one OSV range, by the OSV evaluation: walk the events in version order;
 * `introduced` at or below the version opens, `fixed` at or below closes, `last_affected` below
 * closes; `limit` events bound the whole range from above.
 */
function inRange(version: string, events: Event[], scheme: VersionScheme): AffectedResult {
  let affected = false;
  let from = -1;
  const limits = events.filter((e) => e.kind === 'limit');
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (e.kind === 'limit') continue;
    const order = isZero(e) ? 1 : scheme.compare(version, e.version);
    // Events are in version order: none from here on is at or below the version.
    if (order < 0) break;
    if (e.kind === 'introduced') {
      affected = true;
      from = i;
    } else if (e.kind === 'fixed') affected = false;
    else if (e.kind === 'last_affected' && order > 0) affected = false;
  }
  if (affected && limits.length > 0 && !limits.some((l) => scheme.compare(version, l.version) < 0)) affected = false;
  if (!affected) return { affected, fixed: [] };
  const next = events.slice(from + 1).find((e) => e.kind === 'fixed');
  return { affected, fixed: next ? [next.version] : [] };
}

/** The leading number of a version (`v1.2` → 1), or undefined when an epoch (`1:`, `1!`) may change what it means. */
function leadingNumber(v: string): number | undefined {
  if (v.includes(':') || v.includes('!')) return undefined;
  const m = /^[v=]*(\d+)/.exec(v);
  return m ? Number(m[1]) : undefined;
}

/** Whether `version` is in an explicit list: the same string, or equal under the scheme (`1.0` and `1.0.0` in PEP 440). */
function listed(list: string[], version: string, scheme: VersionScheme | undefined): boolean {
  if (list.includes(version)) return true;
  if (!scheme) return false;
  // Versions whose leading numbers differ cannot be equal: skip the costly comparisons.
  const lead = leadingNumber(version);
  return list.some((v) => {
    if (lead !== undefined) {
      const l = leadingNumber(v);
      if (l !== undefined && l !== lead) return false;
    }
    return scheme.valid(v) && scheme.compare(version, v) === 0;
  });
}

/**
 * Whether `version` of a package is affected by one `affected` entry of a record: listed in its
 * `versions`, or inside one of its `ECOSYSTEM`/`SEMVER` ranges under the ecosystem's version rules.
 * A version the scheme cannot read is matched only against the explicit list. The ranges' events
 * are in evaluation order, as the importer stores them (`sortedEvents`).
 */
export function affectedBy(entry: StoredAffected, version: string): AffectedResult {
  const fixed = new Set<string>();
  let affected = false;
  const listScheme = schemeFor(entry.ecosystem);
  const readable = listScheme.valid(version);
  if (entry.versions && listed(entry.versions, version, readable ? listScheme : undefined)) affected = true;
  let rangeHit = false;
  for (const range of entry.ranges) {
    const scheme = schemeFor(entry.ecosystem, range.type);
    if (!scheme.valid(version)) continue;
    const r = inRange(version, eventsOf(range.events, scheme), scheme);
    if (r.affected) {
      rangeHit = true;
      for (const f of r.fixed) fixed.add(f);
    }
  }
  if (affected && !rangeHit) {
    // Listed explicitly: every fix above the version is a way out.
    for (const range of entry.ranges) {
      const scheme = schemeFor(entry.ecosystem, range.type);
      for (const e of range.events)
        if (e.fixed !== undefined && scheme.valid(e.fixed) && (!readable || scheme.compare(version, e.fixed) < 0)) fixed.add(e.fixed);
    }
  }
  return { affected: affected || rangeHit, fixed: [...fixed] };
}
