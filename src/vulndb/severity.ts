import cvss from 'ae-cvss-calculator';
import type { OsvRecord, OsvSeverity, StoredRecord } from './osv.js';
import { isMaliciousId } from './osv.js';
import { lookupTable } from '../core/lookup-table.js';

type Level = StoredRecord['severity'];

/** CVSS qualitative rating of a base score (CVSS v3.1 §5, the same bands in v4.0). */
export function levelOfScore(score: number): Level {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'info';
}

const WORDS: Readonly<Record<string, Level>> = lookupTable({
  critical: 'critical',
  high: 'high',
  important: 'high',
  moderate: 'medium',
  medium: 'medium',
  low: 'low',
  negligible: 'info',
  unimportant: 'info',
});

const scores = new Map<string, number | undefined>();

/** The base score of a CVSS v2, v3.0, v3.1 or v4.0 vector (`ae-cvss-calculator`), or undefined when it is not one. */
export function baseScore(vector: string): number | undefined {
  if (scores.has(vector)) return scores.get(vector);
  let score: number | undefined;
  try {
    const v = vector.trim();
    const model = v.startsWith('CVSS:4.0/')
      ? new cvss.Cvss4P0(v)
      : v.startsWith('CVSS:3.1/')
        ? new cvss.Cvss3P1(v)
        : v.startsWith('CVSS:3.0/')
          ? new cvss.Cvss3P0(v)
          : /^(\(?AV:[LAN]\/AC:[HML]\/Au:[MSN]\/C:[NPC]\/I:[NPC]\/A:[NPC])/.test(v)
            ? new cvss.Cvss2(v)
            : undefined;
    const base = model?.calculateScores().base;
    score = typeof base === 'number' && Number.isFinite(base) && base >= 0 && base <= 10 ? base : undefined;
  } catch {
    score = undefined;
  }
  if (scores.size < 10_000) scores.set(vector, score);
  return score;
}

const RANK: Readonly<Record<string, number>> = lookupTable({ CVSS_V4: 3, CVSS_V3: 2, CVSS_V2: 1 });

/**
 * A record's severity: critical for a malicious package (`MAL-`); else the base score of its newest
 * CVSS vector (v4.0, then v3.x, then v2) on the record or its affected packages; else a named
 * severity (`database_specific.severity` as GitHub writes it, an `Ubuntu` severity, an affected
 * package's `ecosystem_specific`/`database_specific` severity); else medium, so that an advisory
 * nobody rated is neither hidden nor inflated.
 */
export function severityOf(rec: OsvRecord): Pick<StoredRecord, 'severity' | 'cvss' | 'score'> {
  if (isMaliciousId(rec.id)) return { severity: 'critical' };
  const all: OsvSeverity[] = [...(rec.severity ?? []), ...(rec.affected ?? []).flatMap((a) => a.severity ?? [])];
  const vectors = all.filter((s) => typeof s?.score === 'string' && RANK[s.type] !== undefined).sort((a, b) => RANK[b.type] - RANK[a.type]);
  for (const s of vectors) {
    const score = baseScore(s.score);
    if (score !== undefined) return { severity: levelOfScore(score), cvss: s.score, score };
  }
  const named = [
    rec.database_specific?.severity,
    ...all.filter((s) => s?.type === 'Ubuntu').map((s) => s.score),
    ...(rec.affected ?? []).flatMap((a) => [a.ecosystem_specific?.severity, a.database_specific?.severity]),
  ];
  for (const n of named) {
    const level = typeof n === 'string' ? WORDS[n.trim().toLowerCase()] : undefined;
    if (level) return { severity: level };
  }
  return { severity: 'medium' };
}
