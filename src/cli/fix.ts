import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { applyCheckedFixes, type FileFix } from '../core/apply-fixes.js';
import { refusedPodSettingsIn } from '../core/refused-pod-settings.js';
import { loadAllBounded, YamlLoadError } from '../core/js-yaml-load.js';
import type { Finding } from '../core/types.js';
import { KUBE_SCHEMA } from '../parsers/yaml/kube-schema.js';
import { describeSystemError } from '../core/system-error.js';

export interface FixOutcome {
  /** Files written, with the findings fixed in each. */
  fixed: Array<{ path: string; findings: Finding[] }>;
  /** Fixes not applied, with why. */
  skipped: Array<{ finding: Finding; reason: string }>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Why a file's fixed text must not be written (it no longer parses, a suppression stopped applying…), or undefined. */
export type FixCheck = (path: string, before: string, after: string) => string | undefined;

/**
 * Applies the fixes of `findings` to their files in place, one file at a time. A file that is not
 * valid UTF-8 is left alone: decoding and re-encoding it would change bytes no fix asked for.
 * `check` sees each fixed text before it is written; when it objects, the fixes are tried one at a
 * time and only those it accepts are written.
 */
export function fixFiles(findings: readonly Finding[], cwd: string, check?: FixCheck): FixOutcome {
  const byFile = new Map<string, FileFix<Finding>[]>();
  const outcome: FixOutcome = { fixed: [], skipped: [] };
  for (const f of findings) {
    if (f.fix?.manual) {
      outcome.skipped.push({ finding: f, reason: f.fix.manual });
      continue;
    }
    if (!f.fix?.edits.length) continue;
    const path = f.fix.edits[0].path;
    const list = byFile.get(path) ?? [];
    list.push({ tag: f, edits: f.fix.edits.filter((e) => e.path === path) });
    byFile.set(path, list);
  }
  for (const [path, fixes] of byFile) {
    const abs = resolve(cwd, path);
    const text = readUtf8(abs);
    if (typeof text !== 'string') {
      for (const fx of fixes) outcome.skipped.push({ finding: fx.tag, reason: `cannot read ${path}: ${text.error}` });
      continue;
    }
    const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
    const r = applyCheckedFixes(text.slice(bom.length), fixes, check && ((before, after) => check(path, before, after)));
    for (const s of r.skipped) outcome.skipped.push({ finding: s.tag, reason: s.reason });
    if (r.applied.length === 0) continue;
    try {
      writeFileSync(abs, bom + r.text);
    } catch (e) {
      for (const f of r.applied) outcome.skipped.push({ finding: f, reason: `cannot write ${path}: ${describeSystemError(e)}` });
      continue;
    }
    outcome.fixed.push({ path, findings: r.applied });
  }
  return outcome;
}

function readUtf8(abs: string): string | { error: string } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(abs);
  } catch (e) {
    return { error: describeSystemError(e) };
  }
  try {
    return utf8.decode(bytes);
  } catch {
    return { error: 'not valid UTF-8' };
  }
}

export interface FixRun<R> {
  /** The scan after the last pass. */
  result: R;
  /** Per file: how many findings were fixed, and by which rules. */
  fixed: Map<string, { count: number; rules: Set<string> }>;
  /** What the last pass could not fix. */
  skipped: FixOutcome['skipped'];
}

/**
 * Fixes, scans again and repeats while fixes apply (up to `maxPasses`): fixes that overlapped one
 * applied in a pass usually apply cleanly to the rewritten text of the next. A finding whose fix
 * did not make it go away is not fixed twice.
 */
export function fixRepeatedly<R extends { findings: Finding[] }>(
  first: R,
  rescan: () => R,
  pick: (result: R) => Finding[],
  cwd: string,
  maxPasses = 10,
  check?: FixCheck,
): FixRun<R> {
  const run: FixRun<R> = { result: first, fixed: new Map(), skipped: [] };
  // A finding suppressed before any fix stays unfixed, even when a fix moves it away from its suppression.
  const done = new Set(first.findings.filter((f) => f.status === 'suppressed').map((f) => f.fingerprint));
  for (let pass = 0; pass < maxPasses; pass++) {
    const outcome = fixFiles(
      pick(run.result).filter((f) => !done.has(f.fingerprint)),
      cwd,
      check,
    );
    run.skipped = outcome.skipped;
    if (outcome.fixed.length === 0) break;
    for (const { path, findings } of outcome.fixed) {
      const entry = run.fixed.get(path) ?? { count: 0, rules: new Set<string>() };
      entry.count += findings.length;
      for (const f of findings) {
        entry.rules.add(f.ruleId);
        done.add(f.fingerprint);
      }
      run.fixed.set(path, entry);
    }
    run.result = rescan();
  }
  return run;
}

/** What the API server or kubelet refuses in the pod specs of a manifest's documents (see `refusedPodSettingsIn`). */
export function refusedPodSettings(text: string): string[] {
  const docs = podDocuments(text);
  return docs instanceof YamlLoadError ? [] : refusedPodSettingsIn(docs);
}

/** The documents of a manifest as the pod checks read them, or why they cannot be read. */
function podDocuments(text: string): unknown[] | YamlLoadError {
  try {
    return loadAllBounded(text, { schema: KUBE_SCHEMA });
  } catch (e) {
    if (e instanceof YamlLoadError) return e;
    throw e;
  }
}

/**
 * The check `--fix` runs on each fixed file before writing it: `scanText` scans a text as that file
 * (same rules and configuration). The fixed text must parse as well as before, keep every finding
 * that was suppressed suppressed, and not make a manifest that the cluster would refuse.
 */
export function safeFixCheck(
  scanText: (path: string, text: string) => { findings: Finding[]; errors: Array<{ message: string }> },
): FixCheck {
  return (path, before, after) => {
    const was = scanText(path, before);
    const now = scanText(path, after);
    const oldErrors = new Set(was.errors.map((e) => e.message));
    const newError = now.errors.find((e) => !oldErrors.has(e.message));
    if (newError) return `the fixed file would not parse: ${newError.message}`;
    const suppressed = new Map(was.findings.filter((f) => f.status === 'suppressed').map((f) => [f.fingerprint, f]));
    const unsuppressed = now.findings.find((f) => f.status === 'fail' && suppressed.has(f.fingerprint));
    if (unsuppressed) return `the fix would move ${unsuppressed.ruleId} away from its suppression`;
    const docsBefore = podDocuments(before);
    const docsAfter = podDocuments(after);
    // A text the scan reads but the pod checks cannot (a limit passed) is not written.
    if (docsAfter instanceof YamlLoadError && !(docsBefore instanceof YamlLoadError))
      return `the fixed file would not parse: ${docsAfter.message}`;
    if (docsAfter instanceof YamlLoadError) return undefined;
    const refusedBefore = new Set(docsBefore instanceof YamlLoadError ? [] : refusedPodSettingsIn(docsBefore));
    const refused = refusedPodSettingsIn(docsAfter).find((r) => !refusedBefore.has(r));
    if (refused) return `the fixed manifest would be refused: ${refused}`;
    return undefined;
  };
}
