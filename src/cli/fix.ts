import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import yaml from 'js-yaml';
import { applyFixes, type ApplyFixesResult, type FileFix } from '../core/apply-fixes.js';
import type { Finding } from '../core/types.js';
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
    const r = checkedFixes(path, text.slice(bom.length), fixes, check);
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

/** Applies the fixes together when `check` accepts the result; otherwise keeps, one at a time, each fix it accepts. */
function checkedFixes(path: string, text: string, fixes: FileFix<Finding>[], check: FixCheck | undefined): ApplyFixesResult<Finding> {
  const all = applyFixes(text, fixes);
  if (!check || all.applied.length === 0 || check(path, text, all.text) === undefined) return all;
  const kept: FileFix<Finding>[] = [];
  const skipped = [...all.skipped];
  for (const fx of fixes) {
    if (!all.applied.includes(fx.tag)) continue;
    const trial = applyFixes(text, [...kept, fx]);
    const problem = trial.applied.includes(fx.tag) ? check(path, text, trial.text) : 'overlaps another fix';
    if (problem === undefined) kept.push(fx);
    else skipped.push({ tag: fx.tag, reason: problem });
  }
  const r = applyFixes(text, kept);
  return { ...r, skipped: [...skipped, ...r.skipped] };
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

/**
 * What a Kubernetes API server or kubelet refuses in a manifest's pod specs (of any workload kind):
 * `allowPrivilegeEscalation: false` with `privileged: true` or CAP_SYS_ADMIN (rejected on admission),
 * and `runAsNonRoot: true` with `runAsUser: 0` (the kubelet refuses to start the container).
 */
export function refusedPodSettings(text: string): string[] {
  let docs: unknown[];
  try {
    docs = yaml.loadAll(text);
  } catch {
    return [];
  }
  const out: string[] = [];
  const visit = (node: unknown, depth: number): void => {
    if (depth > 40 || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const n of node) visit(n, depth + 1);
      return;
    }
    const o = node as Record<string, unknown>;
    if (Array.isArray(o.containers)) checkPodSpec(o, out);
    for (const v of Object.values(o)) visit(v, depth + 1);
  };
  for (const d of docs) visit(d, 0);
  return out;
}

function checkPodSpec(spec: Record<string, unknown>, out: string[]): void {
  const podSc = record(spec.securityContext);
  for (const list of [spec.initContainers, spec.containers, spec.ephemeralContainers]) {
    if (!Array.isArray(list)) continue;
    for (const c of list.map(record)) {
      const sc = record(c.securityContext);
      const name = typeof c.name === 'string' ? c.name : '?';
      const added = Array.isArray(record(sc.capabilities).add)
        ? (record(sc.capabilities).add as unknown[]).map((a) => String(a).toUpperCase())
        : [];
      if (sc.allowPrivilegeEscalation === false && sc.privileged === true)
        out.push(`container '${name}' sets allowPrivilegeEscalation: false with privileged: true, which the API server rejects`);
      if (sc.allowPrivilegeEscalation === false && (added.includes('SYS_ADMIN') || added.includes('CAP_SYS_ADMIN')))
        out.push(`container '${name}' sets allowPrivilegeEscalation: false and adds CAP_SYS_ADMIN, which the API server rejects`);
      const nonRoot = sc.runAsNonRoot ?? podSc.runAsNonRoot;
      const user = sc.runAsUser ?? podSc.runAsUser;
      if (nonRoot === true && user === 0)
        out.push(`container '${name}' has runAsNonRoot: true with runAsUser: 0, which the kubelet refuses to start`);
    }
  }
}

function record(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
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
    const refusedBefore = new Set(refusedPodSettings(before));
    const refused = refusedPodSettings(after).find((r) => !refusedBefore.has(r));
    if (refused) return `the fixed manifest would be refused: ${refused}`;
    return undefined;
  };
}
