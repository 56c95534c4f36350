import { relative, resolve, sep } from 'node:path';
import type { IgnoreEntry } from './config.js';
import { answersTo, fingerprintsOf } from './fold.js';
import { matchesGlob } from './glob.js';
import { isExpired } from './inline-suppression.js';
import type { Finding, Suppression } from './types.js';
import { jsonErrorMessage } from './printable.js';

export interface Baseline {
  schemaVersion: 1;
  fingerprints: string[];
}

export function resourceKey(f: Finding): string | undefined {
  const r = f.location.resource;
  return r ? `${r.kind}/${r.namespace ?? 'default'}/${r.name ?? ''}` : undefined;
}

/** `prints`: the entry's fingerprints as a set, when it names any (undefined otherwise). */
function entryMatches(e: IgnoreEntry, f: Finding, paths: readonly string[], prints: ReadonlySet<string> | undefined): boolean {
  if (e.rule && !answersTo(f, e.rule)) return false;
  if (e.paths?.length && !e.paths.some((g) => paths.some((p) => matchesGlob(p, g)))) return false;
  if (e.resources?.length) {
    const key = resourceKey(f);
    if (!key || !e.resources.some((g) => matchesGlob(key, g))) return false;
  }
  if (prints && !fingerprintsOf(f).some((p) => prints.has(p))) return false;
  if (e.users?.length) {
    const user = f.location.event?.user;
    if (user === undefined || !e.users.some((g) => matchesGlob(user, g))) return false;
  }
  if (e.namespaces?.length) {
    const ns = f.location.resource?.namespace;
    if (ns === undefined || !e.namespaces.some((g) => matchesGlob(ns, g))) return false;
  }
  return Boolean(e.rule || e.paths?.length || e.resources?.length || e.fingerprints?.length || e.users?.length || e.namespaces?.length);
}

/**
 * Applies `.sanctum.yaml` ignore entries and a baseline to findings not already suppressed, one
 * finding at a time (findings of a scan can be written out as they come).
 */
export class ConfigSuppressor {
  private readonly used = new Set<IgnoreEntry>();
  /** Each entry's fingerprints as a set (undefined for an entry that names none), by position. */
  private readonly prints: Array<Set<string> | undefined>;
  /** Positions of the entries that name no fingerprint: any finding may match them. */
  private readonly unprinted: number[] = [];
  /** Positions of the entries that name each fingerprint, ascending: only a finding with one of them may match these. */
  private readonly byPrint = new Map<string, number[]>();
  private readonly position = new Map<IgnoreEntry, number>();
  private readonly anyPaths: boolean;
  /**
   * With `base`, `paths` globs also match relative to the configuration's directory: a repository's
   * `.sanctum.yaml` suppresses the same findings wherever the scan runs from.
   */
  constructor(
    private readonly entries: readonly IgnoreEntry[],
    private readonly baseline: ReadonlySet<string> | undefined,
    private readonly today: string,
    private readonly base?: { cwd: string; configDir: string },
  ) {
    this.prints = entries.map((e, i) => {
      if (!this.position.has(e)) this.position.set(e, i);
      if (!e.fingerprints?.length) {
        this.unprinted.push(i);
        return undefined;
      }
      const set = new Set(e.fingerprints);
      for (const p of set) {
        const at = this.byPrint.get(p);
        if (at) at.push(i);
        else this.byPrint.set(p, [i]);
      }
      return set;
    });
    this.anyPaths = entries.some((e) => e.paths?.length);
  }

  private pathsOf(f: Finding): string[] {
    const p = f.location.path;
    if (!this.base || this.base.cwd === this.base.configDir) return [p];
    const rel = relative(this.base.configDir, resolve(this.base.cwd, p)).split(sep).join('/');
    return rel === p || rel.startsWith('../') ? [p] : [p, rel];
  }

  /** Positions of the entries that may match `f`, ascending: those naming no fingerprint and those naming one of its own. */
  private candidates(f: Finding): readonly number[] {
    if (this.byPrint.size === 0) return this.unprinted;
    let named: number[] | undefined;
    for (const p of fingerprintsOf(f)) {
      const at = this.byPrint.get(p);
      if (at) named = named ? named.concat(at) : at;
    }
    if (!named) return this.unprinted;
    const all = this.unprinted.length ? this.unprinted.concat(named) : named.slice();
    all.sort((a, b) => a - b);
    return all.filter((x, i) => i === 0 || all[i - 1] !== x);
  }

  apply(f: Finding): void {
    // Without entries or a baseline (most scans) nothing is made per finding.
    if (f.status === 'suppressed' || (this.entries.length === 0 && !this.baseline)) return;
    let s: Suppression | undefined;
    const paths = this.anyPaths ? this.pathsOf(f) : [];
    for (const i of this.candidates(f)) {
      const e = this.entries[i];
      if (!entryMatches(e, f, paths, this.prints[i])) continue;
      this.used.add(e);
      if (isExpired(e.expires, this.today)) continue;
      s = { kind: 'config', ...(e.reason ? { reason: e.reason } : {}), ...(e.expires ? { expires: e.expires } : {}) };
      break;
    }
    if (!s && this.baseline && fingerprintsOf(f).some((p) => this.baseline!.has(p))) s = { kind: 'baseline', reason: 'in baseline' };
    if (s) {
      f.status = 'suppressed';
      f.suppression = s;
    }
  }

  /** Positions in the configuration's list of the entries used so far (to merge what another thread used). */
  usedPositions(): number[] {
    return [...this.used].map((e) => this.position.get(e)!);
  }

  /** Counts the entries at these positions as used (see `usedPositions`). */
  markUsed(positions: readonly number[]): void {
    for (const i of positions) if (this.entries[i]) this.used.add(this.entries[i]);
  }

  /** The entries used so far that lack a reason or have expired, for hygiene reporting. */
  hygiene(): { unreasoned: IgnoreEntry[]; expired: IgnoreEntry[] } {
    const list = [...this.used];
    return { unreasoned: list.filter((e) => !e.reason), expired: list.filter((e) => isExpired(e.expires, this.today)) };
  }
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
  const suppressor = new ConfigSuppressor(entries, baseline, today);
  for (const f of findings) suppressor.apply(f);
  return suppressor.hygiene();
}

export function parseBaseline(text: string, path: string): Set<string> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: not a baseline file: ${jsonErrorMessage(e)}`, { cause: e });
  }
  const fps = (raw as Partial<Baseline>)?.fingerprints ?? reportFingerprints(raw);
  if (!Array.isArray(fps) || !fps.every((x) => typeof x === 'string'))
    throw new Error(`${path}: not a baseline file: no "fingerprints" list, nor the findings of a sanctum JSON report`);
  return new Set(fps);
}

/**
 * A JSON report of `sanctum scan -f json` serves as a baseline too, as gitleaks' --baseline-path
 * takes an earlier report: its findings that failed, and those its own baseline suppressed (so that
 * a report made with a baseline carries it on), as `sanctum baseline` would have recorded them.
 */
function reportFingerprints(raw: unknown): unknown[] | undefined {
  const report = raw as { tool?: { name?: unknown }; findings?: unknown } | null;
  if (report?.tool?.name !== 'sanctum' || !Array.isArray(report.findings)) return undefined;
  const kept: unknown[] = [];
  for (const f of report.findings as Array<Partial<Finding> | null>) {
    if (f?.status === 'fail' || (f?.status === 'suppressed' && f.suppression?.kind === 'baseline')) kept.push(f.fingerprint);
  }
  return kept;
}

export function makeBaseline(findings: readonly Finding[]): Baseline {
  return { schemaVersion: 1, fingerprints: [...new Set(findings.filter((f) => f.status === 'fail').map((f) => f.fingerprint))].sort() };
}
