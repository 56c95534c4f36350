import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { checkRuleOptions, findConfigFor, loadConfig, type SanctumConfig } from './core/config.js';
import { refsAtLevels } from './core/framework.js';
import { Engine, EXPIRED_SUPPRESSION, SUPPRESSION_WITHOUT_REASON, type EngineResult } from './core/engine.js';
import { compareFindings } from './core/finding.js';
import { foldRenderedDuplicates } from './core/rendered-duplicates.js';
import type { ScanDocument } from './core/document.js';
import type { Limits } from './core/parser.js';
import { parseFrameworkSelector, RuleRegistry, type FrameworkSelector } from './core/registry.js';
import type { AnyRule, RuleMeta } from './core/rule.js';
import { releaseFile, type SourceFile } from './core/source-file.js';
import { ConfigSuppressor, parseBaseline } from './core/suppression.js';
import { describeSystemError, isSystemError, shownPath } from './core/system-error.js';
import type { VulnerabilitySource } from './core/vulnerability.js';
import {
  SCANNERS,
  type ClusterRef,
  severityRank,
  type Finding,
  type FrameworkRef,
  type ScanError,
  type ScannerName,
  type ScanResult,
  type Severity,
} from './core/types.js';
import { allFrameworks } from './frameworks/index.js';
import { allParsers } from './parsers/index.js';
import { DEFAULT_POLICY_DIR, loadPolicies, PolicyError } from './policies/policy.js';
import { evidenceWithoutSecrets } from './policies/object-secrets.js';
import { policyRules } from './policies/policy-rules.js';
import { allRules } from './rules/index.js';
import { walkTargets } from './sources/directory.js';
import { shardFiles, type Shard } from './sources/shard.js';
import { KUSTOMIZATION_NAMES, withRenderedSources, type RendererOptions } from './sources/renderers.js';
import { JsonFindingSpool, type SpoolExport } from './reporters/json-spool.js';
import { setStreamedScanFlags } from './scan-flags.js';
import { ScanThreads, type ScanPart } from './scan-threads.js';
import { ClusterThreads } from './cluster-threads.js';
import { writeJsonAround, type ChunkSink } from './reporters/json-stream.js';
import { DefaultVulnerabilitySource } from './vulndb/default-source.js';
import { ManifestPins } from './inventory/pinned-versions.js';
import { VERSION } from './version.js';

export interface ScanOptions {
  /** Files and directories to scan. */
  targets: string[];
  cwd?: string;
  scanners?: ScannerName[];
  /** `ID[:LEVEL]`, e.g. `pss:restricted`: only rules mapped to one of them run. */
  frameworks?: string[];
  /** Only these rules (ids or slugs). */
  rules?: string[];
  skipRules?: string[];
  /** A configuration, a path to one, or `false` for none; by default `.sanctum.yaml` is looked up from the targets upward. */
  config?: SanctumConfig | string | false;
  /** Path of a baseline file, or its fingerprints. */
  baseline?: string | ReadonlySet<string>;
  limits?: Partial<Limits>;
  strictModels?: boolean;
  /** Scan files that `.gitignore` and `.sanctumignore` leave out too (configured excludes still apply). */
  includeIgnored?: boolean;
  /** The vulnerability database supply-chain rules match dependencies against; by default the one `sanctum db` manages. */
  vulnerabilities?: VulnerabilitySource;
  /** Values files passed to `helm template --values` for every chart found. */
  helmValues?: string[];
  /** `key=value` settings passed to `helm template --set` for every chart found. */
  helmSet?: string[];
  /** Renderer executables, limits, or `false` to leave Helm charts and Kustomize overlays unrendered (they are then reported in `errors`). */
  renderers?: Omit<RendererOptions, 'helmValues' | 'helmSet'> | false;
  /** `YYYY-MM-DD`, for suppression expiry; defaults to today. */
  today?: string;
  /** Scan these files instead of walking `targets` (in-memory content, image layers). */
  files?: Iterable<SourceFile>;
  /** Scan only this part of the files (`--shard 2/4`: one CI job of four); the server merges the shards of a run. */
  shard?: Shard;
  onFile?(path: string, index: number): void;
  /** Called once with the rules selected to run, before any file is read. */
  onRules?(rules: readonly AnyRule[]): void;
  /** Custom CEL policy files or directories; by default `.sanctum/policies/` beside the configuration or in `cwd`; `false` for none. */
  policies?: readonly string[] | false;
  /** Rules that run besides the selected ones (compiled policies bound to an admission request). */
  extraRules?: readonly AnyRule[];
  /** Receives each set of documents the cross-document rules see (a directory's or a cluster's Kubernetes objects). */
  onSet?(doc: ScanDocument): void;
  /** Receives remarks that are neither findings nor errors: options given for nothing (Helm values with no chart to render). */
  onNotice?(message: string): void;
}

/** Bad arguments or configuration: the scan cannot run (CLI exit code 2). */
export class ScanSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScanSetupError';
  }
}

let registry: RuleRegistry | undefined;
export function getRegistry(): RuleRegistry {
  registry ??= new RuleRegistry(allRules, allFrameworks);
  return registry;
}

function resolveConfig(opts: ScanOptions, cwd: string): { config: SanctumConfig; path?: string } {
  if (opts.config === false) return { config: {} };
  if (typeof opts.config === 'object') return { config: opts.config };
  try {
    const path = opts.config ?? findConfigFor(opts.targets, cwd);
    return path ? { config: loadConfig(path, cwd), path } : { config: {} };
  } catch (e) {
    throw new ScanSetupError((e as Error).message);
  }
}

/** With levels of a framework selected (`pss:restricted`), findings name the controls checked at those levels. */
function findingFrameworks(reg: RuleRegistry, selectors: readonly FrameworkSelector[]): ((meta: RuleMeta) => FrameworkRef[]) | undefined {
  const levels = new Map<string, string[]>();
  for (const s of selectors) {
    if (!s.level || !reg.frameworks.get(s.id)?.levels?.includes(s.level)) continue;
    levels.set(s.id, [...(levels.get(s.id) ?? []), s.level]);
  }
  if (levels.size === 0) return undefined;
  const byRule = new Map<string, FrameworkRef[]>();
  return (meta) => {
    let refs = byRule.get(meta.id);
    if (!refs) byRule.set(meta.id, (refs = refsAtLevels(meta.frameworks, levels, reg.frameworks)));
    return refs;
  };
}

export function scanSync(opts: ScanOptions): ScanResult {
  return runEngine(opts);
}

/** A scan whose findings were written to a temporary file as files finished (see `scanStreamed`). */
export interface StreamedScan {
  /** Everything but the findings; `findings` is empty here and written by `writeJson`. */
  readonly result: ScanResult;
  readonly findingCount: number;
  /** True when a finding that is not suppressed is at or above `severity`. */
  failsAt(severity: Severity): boolean;
  /** Writes the JSON report, byte for byte the text of `jsonReporter` for the same scan; may be called more than once. Bytes given to `sink` are lent (valid during the call). */
  writeJson(sink: ChunkSink): void;
  /** Removes the temporary file. */
  dispose(): void;
}

/**
 * Scans like `scanSync`, but each file's findings are written out in the JSON report's text as soon as
 * the file is done, so that memory does not grow with the findings (large scans, `--format json`).
 */
export function scanStreamed(opts: ScanOptions): StreamedScan {
  setStreamedScanFlags();
  const spool = findingsSpool();
  try {
    return spool.streamed(runEngine(opts, spool.add, undefined, spool.adopt));
  } catch (e) {
    spool.dispose();
    throw e;
  }
}

/**
 * `scanFiles`, with the findings spooled as `scanStreamed` does (a live cluster's objects); `extend`
 * adds what the source knows to the result before the report is written.
 */
export async function scanFilesStreamed<R extends ScanResult>(
  opts: ScanOptions,
  produce: (sink: FileSink) => Promise<void>,
  extend: (result: ScanResult) => R,
  /** Set when the files are a cluster's objects: a worker thread may scan some of them (see `ClusterThreads`). */
  cluster?: ClusterRef,
): Promise<StreamedScan & { readonly result: R }> {
  setStreamedScanFlags();
  const spool = findingsSpool();
  try {
    const threads = cluster ? ClusterThreads.for(opts, cluster, (part, worst) => spool.adopt(part, worst)) : undefined;
    return spool.streamed(extend(await scanFilesWith(opts, produce, spool.add, threads)));
  } catch (e) {
    spool.dispose();
    throw e;
  }
}

/** Where the findings of a streamed scan go as files finish, and the `StreamedScan` made of its result. */
function findingsSpool(): {
  add(batch: Finding[]): void;
  /** Merges the spool of another thread of the scan, and the worst severity it failed at (`severityRank`). */
  adopt(part: SpoolExport, worst: number): void;
  streamed<R extends ScanResult>(result: R): StreamedScan & { readonly result: R };
  dispose(): void;
} {
  const spool = new JsonFindingSpool();
  let worst = 0;
  const tally = (findings: readonly Finding[]): void => {
    for (const f of findings) if (f.status === 'fail') worst = Math.max(worst, severityRank(f.severity));
  };
  return {
    add(batch) {
      tally(batch);
      spool.spool(batch);
    },
    adopt(part, partWorst) {
      spool.adopt(part);
      worst = Math.max(worst, partWorst);
    },
    streamed(result) {
      tally(result.findings);
      spool.hold(result.findings);
      const summary = { ...result, findings: [] };
      return {
        result: summary,
        findingCount: spool.count,
        failsAt: (severity) => worst > 0 && worst >= severityRank(severity),
        writeJson(sink) {
          writeJsonAround(summary, summary.findings, (indent) => spool.writeItems(indent, sink), sink);
          sink('\n');
        },
        dispose: () => spool.dispose(),
      };
    },
    dispose: () => spool.dispose(),
  };
}

/**
 * Runs a scan; with `spool`, each file's findings (config suppressions applied) go there instead of
 * the result. With `adopt` too, a large directory walk may share its directories with a worker
 * thread (`ScanThreads`), whose spool is adopted at the end.
 */
function runEngine(
  opts: ScanOptions,
  spool?: (findings: Finding[]) => void,
  setup?: ScanSetup,
  adopt?: (part: SpoolExport, worst: number) => void,
): ScanResult {
  const run = openScan(opts, spool, setup);
  const threads = adopt ? ScanThreads.for(opts, run.today) : undefined;
  let part: ScanPart | undefined;
  try {
    if (threads) part = threads.run(run.files, run);
    else for (const file of run.files) run.scanFile(file);
  } finally {
    run.close();
    if (!part) threads?.close();
  }
  if (!part) return run.finish();
  try {
    return run.finish((result) => threads!.merge(result, part!, run, adopt!));
  } finally {
    threads!.close();
  }
}

/**
 * The part of a threaded scan a worker runs (see `ScanThreads`): the scan as `opts` sets it up, fed file
 * by file; without `sets` (a cluster's objects, see `ClusterThreads`), no cross-document rule runs there.
 */
export function openScanPart(opts: ScanOptions, spool: (findings: Finding[]) => void, sets = true): OpenScan {
  return openScan(opts, spool, undefined, sets);
}

/** Where a source that reads files asynchronously (the layers of a container image) hands them to the scan. */
export interface FileSink {
  /** True when some selected rule reads this file (decided from its path, size and first bytes). */
  wants(file: SourceFile): boolean;
  scan(file: SourceFile): void;
  /** Reports what the source could not read (an entry of `errors`); the scan goes on. */
  error(path: string, message: string): void;
}

/**
 * Scans the files `produce` hands to the sink as it reads them; the options are those of `scan`,
 * without `targets` being walked.
 */
export async function scanFiles(opts: ScanOptions, produce: (sink: FileSink) => Promise<void>): Promise<ScanResult> {
  return scanFilesWith(opts, produce);
}

async function scanFilesWith(
  opts: ScanOptions,
  produce: (sink: FileSink) => Promise<void>,
  spool?: (findings: Finding[]) => void,
  threads?: ClusterThreads,
): Promise<ScanResult> {
  const run = openScan({ ...opts, files: [] }, spool);
  try {
    try {
      await produce({
        wants: (file) => run.wants(file),
        scan: threads ? (file) => threads.scan(file, run) : (file) => run.scanFile(file),
        error: (path, message) => run.error(path, message),
      });
    } finally {
      run.close();
    }
    if (!threads?.started) return run.finish();
    const part = threads.end(run);
    return run.finish((result) => threads.merge(result, part, run));
  } finally {
    threads?.close();
  }
}

export interface OpenScan {
  readonly files: Iterable<SourceFile>;
  readonly today: string;
  /** The scan's errors so far (the engine's own list: a threaded scan puts them in walk order before `finish`). */
  readonly errors: ScanError[];
  /** Errors among `errors` about the scan as a whole, met once per thread. */
  readonly onceErrors: readonly ScanError[];
  wants(file: SourceFile): boolean;
  scanFile(file: SourceFile): void;
  /** A file of the walk that another thread scans came by (see `Engine.passed`). */
  passed(path: string): void;
  /** A file another thread scans whose documents this thread's cross-document rules read (see `Engine.collectOnly`). */
  collect(file: SourceFile): void;
  error(path: string, message: string): void;
  close(): void;
  /** The cross-object rules left, then what the engine found, unsorted and without configuration hygiene (a worker's part). */
  finishPart(): { result: EngineResult; usedSuppressions: number[]; hygiene: string[] };
  /** `merge` adds what other threads found to the engine's result before suppressions, hygiene and order are applied. */
  finish(merge?: (result: EngineResult) => void): ScanResult;
  /** Counts configuration ignore entries another thread used (see `ConfigSuppressor.usedPositions`). */
  markSuppressionsUsed(positions: readonly number[]): void;
  /** The hygiene of annotations of objects another thread scanned, less what it reported (see `Engine.settleHygiene`). */
  settleHygiene(reported: readonly string[]): void;
}

/** What a scan resolves before it reads a file: configuration, frameworks, the rules to run, the baseline. */
interface ScanSetup {
  cwd: string;
  config: SanctumConfig;
  configPath: string | undefined;
  today: string;
  frameworks: FrameworkSelector[];
  rules: AnyRule[];
  ruleConfig: Map<string, { severity?: Severity; options?: Record<string, unknown> }>;
  baseline: ReadonlySet<string> | undefined;
}

function setUpScan(opts: ScanOptions): ScanSetup {
  const cwd = opts.cwd ?? process.cwd();
  const reg = getRegistry();
  const { config, path: configPath } = resolveConfig(opts, cwd);
  const today = opts.today ?? new Date().toISOString().slice(0, 10);

  const frameworkSpecs = opts.frameworks?.length ? opts.frameworks : (config.frameworks ?? []);
  const frameworks = frameworkSpecs.map(parseFrameworkSelector);
  for (const f of frameworks) {
    const problem = reg.checkSelector(f);
    if (problem) throw new ScanSetupError(problem);
  }
  const scanners = opts.scanners?.length ? opts.scanners : config.scanners;
  for (const s of scanners ?? [])
    if (!(SCANNERS as readonly string[]).includes(s)) throw new ScanSetupError(`unknown scanner '${s}' (known: ${SCANNERS.join(', ')})`);
  const unknown = reg.unknown([...(opts.rules ?? []), ...(opts.skipRules ?? [])]);
  if (unknown.length) throw new ScanSetupError(`unknown rule ${unknown.join(', ')} (see \`sanctum rules\`)`);
  // Named as the other errors of the file are: the file as the user would type it, and the key.
  const configShown = configPath ? shownPath(configPath, cwd) : 'configuration';
  const unknownInConfig = reg.unknown(Object.keys(config.rules ?? {}));
  if (unknownInConfig.length)
    throw new ScanSetupError(
      `${configShown}: invalid configuration: ${unknownInConfig.map((k) => `rules.${k}: unknown rule`).join('; ')} (see \`sanctum rules\`)`,
    );
  try {
    checkRuleOptions(config, (k) => reg.get(k), configShown);
  } catch (e) {
    throw new ScanSetupError((e as Error).message);
  }

  const ruleConfig = new Map<string, { severity?: Severity; options?: Record<string, unknown> }>();
  const disabled: string[] = [];
  for (const [key, rc] of Object.entries(config.rules ?? {})) {
    const id = reg.get(key)!.meta.id;
    if (rc.enabled === false) disabled.push(id);
    ruleConfig.set(id, { severity: rc.severity, options: rc.options });
  }
  const rules = reg.select({ scanners, frameworks, only: opts.rules, skip: opts.skipRules, disabled });
  if (rules.length === 0)
    throw new ScanSetupError(`no rule selected: ${describeSelection(opts, scanners, frameworkSpecs, disabled)} leave nothing to run`);
  // Custom policies run with the misconfiguration rules, unless only named rules were asked for.
  if (!opts.rules?.length && (!scanners?.length || scanners.includes('misconfig'))) rules.push(...customPolicyRules(opts, cwd, configPath));
  if (opts.extraRules) rules.push(...opts.extraRules);
  opts.onRules?.(rules);

  let baseline: ReadonlySet<string> | undefined;
  if (typeof opts.baseline === 'string') {
    try {
      baseline = parseBaseline(readFileSync(opts.baseline, 'utf8'), opts.baseline);
    } catch (e) {
      if (isSystemError(e)) throw new ScanSetupError(`cannot read baseline ${shownPath(opts.baseline, cwd)}: ${describeSystemError(e)}`);
      throw new ScanSetupError((e as Error).message);
    }
  } else baseline = opts.baseline;

  return { cwd, config, configPath, today, frameworks, rules, ruleConfig, baseline };
}

/**
 * Resolves the configuration and the rules once; each call then scans in-memory files with them (the
 * admission webhook: one object a request), with `extraRules` beside the selected ones; given `only`, just
 * the selected rules with those ids (the extra rules all the same). Without `opts.today`, each call reads
 * the date again: a server outlives the day a suppression expires.
 */
export function prepareScan(
  opts: Omit<ScanOptions, 'files' | 'targets'>,
): (files: SourceFile[], targets: string[], extraRules?: readonly AnyRule[], only?: ReadonlySet<string>) => ScanResult {
  const setup = setUpScan({ ...opts, targets: [] });
  return (files, targets, extraRules, only) => {
    const prepared = only ? setup.rules.filter((r) => only.has(r.meta.id)) : setup.rules;
    const rules = extraRules?.length ? [...prepared, ...extraRules] : prepared;
    const today = opts.today ?? new Date().toISOString().slice(0, 10);
    return runEngine({ ...opts, today, targets, files }, undefined, { ...setup, rules, today });
  };
}

function openScan(opts: ScanOptions, spool?: (findings: Finding[]) => void, setup = setUpScan(opts), sets = true): OpenScan {
  const started = performance.now();
  const { cwd, config, configPath, today, frameworks, rules, ruleConfig, baseline } = setup;
  const reg = getRegistry();
  const suppressor = new ConfigSuppressor(
    config.ignore ?? [],
    baseline,
    today,
    configPath ? { cwd, configDir: dirname(resolve(cwd, configPath)) } : undefined,
  );
  // Without a database given, the deps rules use the default one, opened when they first need it.
  // Errors about the scan as a whole (no database), which each thread of a threaded scan meets on its own.
  const onceErrors: ScanError[] = [];
  const defaultDb =
    opts.vulnerabilities === undefined && rules.some((r) => r.meta.scanner === 'deps')
      ? new DefaultVulnerabilitySource((p, m) => {
          engine.error(p, m);
          onceErrors.push(engine.errors.at(-1)!);
        })
      : undefined;
  const engine: Engine = new Engine({
    parsers: allParsers,
    rules,
    lookup: (k) => reg.get(k),
    settings: {
      strictModels: opts.strictModels ?? config.models?.strict ?? false,
      vulnerabilities: opts.vulnerabilities ?? defaultDb,
      // Version-aware rules read the manifests next to the scanned files (not for in-memory files).
      packages: opts.files ? undefined : new ManifestPins(cwd),
    },
    limits: opts.limits,
    ruleConfig,
    frameworksOf: findingFrameworks(reg, frameworks),
    today,
    onFile: opts.onFile ? (f, i) => opts.onFile!(f.path, i) : undefined,
    onSet: opts.onSet,
    sets,
    maskEvidence: evidenceWithoutSecrets,
    // A baseline, or ignore entries naming fingerprints, may hold fingerprints written before they hashed the subject path.
    legacyFingerprints: baseline !== undefined || (config.ignore ?? []).some((e) => e.fingerprints?.length),
    // One walked target: its files (and the held-back files of Kustomize trees, after them) come depth first.
    depthFirst: !opts.files && opts.targets.length === 1,
    onFileFindings: spool
      ? (findings) => {
          for (const f of findings) suppressor.apply(f);
          spool(findings);
        }
      : undefined,
  });

  let files =
    opts.files ??
    walkTargets(opts.targets, { cwd, exclude: config.exclude, includeIgnored: opts.includeIgnored, onError: (p, m) => engine.error(p, m) });
  if (opts.shard) files = shardFiles(files, opts.shard);
  let charts = 0;
  const rendering = !opts.files && rules.some((r) => r.meta.appliesTo.some((k) => k.startsWith('k8s') || k === 'helm-values'));
  if (rendering) {
    const r = opts.renderers === false ? { helm: false as const, kustomize: false as const, kubectl: false as const } : opts.renderers;
    files = withRenderedSources(files, {
      ...r,
      helmValues: opts.helmValues,
      helmSet: opts.helmSet,
      cwd,
      onError: (p, m, notRendered) => (notRendered ? engine.errors.push({ path: p, message: m, notRendered }) : engine.error(p, m)),
      onChart: () => charts++,
      // A look ahead of the walk by names alone: its errors are the walk's, reported when it meets them.
      kustomizations: () =>
        Array.from(
          walkTargets(opts.targets, {
            cwd,
            exclude: config.exclude,
            includeIgnored: opts.includeIgnored,
            names: KUSTOMIZATION_NAMES,
            onError: () => {},
          }),
          (f) => f.absPath,
        ),
    });
  }
  const helmFlags = [opts.helmValues?.length ? '--helm-values' : '', opts.helmSet?.length ? '--helm-set' : ''].filter(Boolean);
  if (helmFlags.length > 0 && opts.onNotice) {
    const notice = opts.onNotice;
    const unused = `${helmFlags.join(' and ')} not used`;
    if (!rendering) notice(`${unused}: no rule that reads Kubernetes manifests runs, so no Helm chart is rendered`);
    else
      files = thenCall(files, () => {
        if (charts === 0) notice(`${unused}: no Helm chart (a directory with a Chart.yaml) is among the files scanned`);
      });
  }
  return {
    files,
    today,
    errors: engine.errors,
    onceErrors,
    wants: (file) => engine.wants(file),
    scanFile(file) {
      if (engine.wants(file)) engine.scanFile(file);
      else engine.passOver(file);
      releaseFile(file);
    },
    passed: (path) => engine.passed(path),
    collect(file) {
      if (engine.wants(file)) engine.collectOnly(file);
      releaseFile(file);
    },
    error: (path, message) => engine.error(path, message),
    close: () => defaultDb?.close(),
    finishPart: () => ({ result: engine.finish(), usedSuppressions: suppressor.usedPositions(), hygiene: engine.reportedHygiene() }),
    finish: (merge) => finishScan(opts, engine, suppressor, configPath, cwd, started, rules.length, merge),
    markSuppressionsUsed: (positions) => suppressor.markUsed(positions),
    settleHygiene: (reported) => engine.settleHygiene(reported),
  };
}

/** The files, then a call to `done` once the last one has been taken. */
function* thenCall(files: Iterable<SourceFile>, done: () => void): Generator<SourceFile> {
  yield* files;
  done();
}

function finishScan(
  opts: ScanOptions,
  engine: Engine,
  suppressor: ConfigSuppressor,
  configPath: string | undefined,
  cwd: string,
  started: number,
  ruleCount: number,
  merge?: (result: EngineResult) => void,
): ScanResult {
  const result = engine.finish();
  merge?.(result);
  for (const f of result.findings) suppressor.apply(f);
  const hygiene = suppressor.hygiene();
  const cfgPath = configPath ? relative(cwd, configPath).split('\\').join('/') : '.sanctum.yaml';
  for (const e of hygiene.unreasoned)
    engine.engineFinding(SUPPRESSION_WITHOUT_REASON, cfgPath, {}, `Ignore entry for ${e.rule ?? 'paths'} has no reason`);
  for (const e of hygiene.expired)
    engine.engineFinding(
      EXPIRED_SUPPRESSION,
      cfgPath,
      {},
      `Ignore entry for ${e.rule ?? 'paths'} expired on ${e.expires}; its findings are reported again`,
    );

  return {
    schemaVersion: 1,
    tool: { name: 'sanctum', version: VERSION },
    targets: opts.targets,
    findings: sortFindings(foldRenderedDuplicates(result.findings)),
    errors: result.errors,
    stats: { files: result.files, resources: result.resources, durationMs: Math.round(performance.now() - started), rules: ruleCount },
  };
}

function customPolicyRules(opts: ScanOptions, cwd: string, configPath: string | undefined): AnyRule[] {
  if (opts.policies === false) return [];
  const paths = opts.policies ?? defaultPolicyDir(cwd, configPath);
  if (!paths?.length) return [];
  try {
    return policyRules(loadPolicies(paths, cwd, opts.onNotice), {}, { reportNotEvaluated: true });
  } catch (e) {
    if (e instanceof PolicyError) throw new ScanSetupError(e.message);
    throw e;
  }
}

/** `.sanctum/policies/` beside the configuration file, else in the current directory. */
function defaultPolicyDir(cwd: string, configPath: string | undefined): string[] | undefined {
  for (const dir of [configPath ? dirname(configPath) : undefined, cwd]) {
    if (dir === undefined) continue;
    const p = join(dir, DEFAULT_POLICY_DIR);
    if (existsSync(p)) return [p];
  }
  return undefined;
}

function describeSelection(
  opts: ScanOptions,
  scanners: readonly string[] | undefined,
  frameworks: readonly string[],
  disabled: readonly string[],
): string {
  const parts: string[] = [];
  if (scanners?.length) parts.push(`scanners ${scanners.join(', ')}`);
  if (frameworks.length) parts.push(`frameworks ${frameworks.join(', ')}`);
  if (opts.rules?.length) parts.push(`rules ${opts.rules.join(', ')}`);
  if (opts.skipRules?.length || disabled.length)
    parts.push(`skipped or disabled rules ${[...(opts.skipRules ?? []), ...disabled].join(', ')}`);
  return parts.join(' with ') || 'the selection';
}

/** Scans files and directories; see `ScanOptions`. */
export async function scan(opts: ScanOptions): Promise<ScanResult> {
  return scanSync(opts);
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(compareFindings);
}
