import type { IgnoreEntry } from './config.js';
import { answersTo, fingerprintsOf } from './fold.js';
import { matchesGlob } from './glob.js';
import { isExpired } from './inline-suppression.js';
import type { Finding, Suppression } from './types.js';

export interface Baseline {
  schemaVersion: 1;
  fingerprints: string[];
}

export function resourceKey(f: Finding): string | undefined {
  const r = f.location.resource;
  return r ? `${r.kind}/${r.namespace ?? 'default'}/${r.name ?? ''}` : undefined;
}

function entryMatches(e: IgnoreEntry, f: Finding): boolean {
  if (e.rule && !answersTo(f, e.rule)) return false;
  if (e.paths?.length && !e.paths.some((g) => matchesGlob(f.location.path, g))) return false;
  if (e.resources?.length) {
    const key = resourceKey(f);
    if (!key || !e.resources.some((g) => matchesGlob(key, g))) return false;
  }
  if (e.fingerprints?.length && !fingerprintsOf(f).some((p) => e.fingerprints!.includes(p))) return false;
  return Boolean(e.rule || e.paths?.length || e.resources?.length || e.fingerprints?.length);
}

/**
 * Applies `.sanctum.yaml` ignore entries and a baseline to findings not already suppressed.
 * Returns the entries that lack a reason or have expired, for hygiene reporting.
 */
export function applyConfigSuppressions(
  findings: Finding[],
  entries: readonly IgnoreEntry[],
  baseline: ReadonlySet<string> | undefined,
  today: string,
): { unreasoned: IgnoreEntry[]; expired: IgnoreEntry[] } {
  const used = new Set<IgnoreEntry>();
  for (const f of findings) {
    if (f.status === 'suppressed') continue;
    let s: Suppression | undefined;
    for (const e of entries) {
      if (!entryMatches(e, f)) continue;
      used.add(e);
      if (isExpired(e.expires, today)) continue;
      s = { kind: 'config', ...(e.reason ? { reason: e.reason } : {}), ...(e.expires ? { expires: e.expires } : {}) };
      break;
    }
    if (!s && baseline && fingerprintsOf(f).some((p) => baseline.has(p))) s = { kind: 'baseline', reason: 'in baseline' };
    if (s) {
      f.status = 'suppressed';
      f.suppression = s;
    }
  }
  const list = [...used];
  return { unreasoned: list.filter((e) => !e.reason), expired: list.filter((e) => isExpired(e.expires, today)) };
}

export function parseBaseline(text: string, path: string): Set<string> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: not a baseline file: ${(e as Error).message}`, { cause: e });
  }
  const fps = (raw as Partial<Baseline>)?.fingerprints;
  if (!Array.isArray(fps) || !fps.every((x) => typeof x === 'string')) throw new Error(`${path}: not a baseline file: no "fingerprints" list`);
  return new Set(fps);
}

export function makeBaseline(findings: readonly Finding[]): Baseline {
  return { schemaVersion: 1, fingerprints: [...new Set(findings.filter((f) => f.status === 'fail').map((f) => f.fingerprint))].sort() };
}
