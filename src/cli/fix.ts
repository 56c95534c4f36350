import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { applyFixes, type FileFix } from '../core/apply-fixes.js';
import type { Finding } from '../core/types.js';

export interface FixOutcome {
  /** Files written, with the findings fixed in each. */
  fixed: Array<{ path: string; findings: Finding[] }>;
  /** Fixes not applied, with why. */
  skipped: Array<{ finding: Finding; reason: string }>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Applies the fixes of `findings` to their files in place, one file at a time. A file that is not
 * valid UTF-8 is left alone: decoding and re-encoding it would change bytes no fix asked for.
 */
export function fixFiles(findings: readonly Finding[], cwd: string): FixOutcome {
  const byFile = new Map<string, FileFix<Finding>[]>();
  for (const f of findings) {
    if (!f.fix?.edits.length) continue;
    const path = f.fix.edits[0].path;
    const list = byFile.get(path) ?? [];
    list.push({ tag: f, edits: f.fix.edits.filter((e) => e.path === path) });
    byFile.set(path, list);
  }
  const outcome: FixOutcome = { fixed: [], skipped: [] };
  for (const [path, fixes] of byFile) {
    const abs = resolve(cwd, path);
    const text = readUtf8(abs);
    if (typeof text !== 'string') {
      for (const fx of fixes) outcome.skipped.push({ finding: fx.tag, reason: `cannot read ${path}: ${text.error}` });
      continue;
    }
    const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
    const r = applyFixes(text.slice(bom.length), fixes);
    for (const s of r.skipped) outcome.skipped.push({ finding: s.tag, reason: s.reason });
    if (r.applied.length === 0) continue;
    try {
      writeFileSync(abs, bom + r.text);
    } catch (e) {
      for (const f of r.applied)
        outcome.skipped.push({ finding: f, reason: `cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}` });
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
    return { error: (e as NodeJS.ErrnoException).code ?? String(e) };
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
): FixRun<R> {
  const run: FixRun<R> = { result: first, fixed: new Map(), skipped: [] };
  const done = new Set<string>();
  for (let pass = 0; pass < maxPasses; pass++) {
    const outcome = fixFiles(
      pick(run.result).filter((f) => !done.has(f.fingerprint)),
      cwd,
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
