import type { OsvRecord, StoredAffected, StoredRecord } from './osv.js';
import { isMaliciousId } from './osv.js';
import { sortedEvents } from './match.js';
import { severityOf } from './severity.js';

const MAX_SUMMARY = 300;
const MAX_REFERENCES = 20;

export class InvalidRecord extends Error {}

const isString = (v: unknown): v is string => typeof v === 'string';

/**
 * Checks the shape of a parsed OSV record and keeps what the database needs. Ranges of type `GIT`
 * (commits, not package versions) are dropped; an affected entry without a package is dropped.
 * Throws `InvalidRecord` when the record is not OSV at all.
 */
export function compactRecord(raw: unknown): StoredRecord {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InvalidRecord('not an OSV record (expected a JSON object)');
  const rec = raw as OsvRecord;
  if (!isString(rec.id) || rec.id.length === 0) throw new InvalidRecord('OSV record without an "id"');
  if (rec.affected !== undefined && !Array.isArray(rec.affected)) throw new InvalidRecord(`${rec.id}: "affected" is not a list`);
  const affected: StoredAffected[] = [];
  for (const a of rec.affected ?? []) {
    const ecosystem = a?.package?.ecosystem;
    const name = a?.package?.name;
    if (!isString(ecosystem) || !isString(name) || !ecosystem || !name) continue;
    const ranges: StoredAffected['ranges'] = [];
    for (const r of Array.isArray(a.ranges) ? a.ranges : []) {
      if ((r?.type !== 'ECOSYSTEM' && r?.type !== 'SEMVER') || !Array.isArray(r.events)) continue;
      const events = r.events
        .filter((e) => typeof e === 'object' && e !== null)
        .map((e) => {
          const out: Record<string, string> = {};
          for (const k of ['introduced', 'fixed', 'last_affected', 'limit'] as const) if (isString(e[k])) out[k] = e[k];
          return out;
        })
        .filter((e) => Object.keys(e).length > 0);
      const sorted = sortedEvents(events, ecosystem, r.type);
      if (sorted.length) ranges.push({ type: r.type, events: sorted });
    }
    const versions = Array.isArray(a.versions) ? a.versions.filter(isString) : [];
    const entry: StoredAffected = { ecosystem, name, ranges };
    if (versions.length) entry.versions = versions;
    affected.push(entry);
  }
  const summary = (isString(rec.summary) && rec.summary.trim()) || (isString(rec.details) ? (rec.details.trim().split('\n')[0] ?? '') : '');
  const references = (Array.isArray(rec.references) ? rec.references : [])
    .map((r) => r?.url)
    .filter(isString)
    .slice(0, MAX_REFERENCES);
  const stored: StoredRecord = {
    id: rec.id,
    // Debian, Ubuntu and Alpine records name the CVE they track in `upstream` rather than `aliases`.
    aliases: [
      ...new Set(
        [...(Array.isArray(rec.aliases) ? rec.aliases : []), ...(Array.isArray(rec.upstream) ? rec.upstream : [])].filter(isString),
      ),
    ],
    summary: summary.length > MAX_SUMMARY ? summary.slice(0, MAX_SUMMARY - 1) + '…' : summary,
    ...severityOf(rec),
    references,
    malicious: isMaliciousId(rec.id),
    affected,
  };
  if (isString(rec.modified)) stored.modified = rec.modified;
  return stored;
}
