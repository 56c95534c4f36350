import { closeSync, mkdirSync, openSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import type { AnyRule } from '../core/rule.js';
import { findConfig, loadConfig } from '../core/config.js';
import { makeBaseline } from '../core/suppression.js';
import { isSeverity, SCANNERS, severityRank, type ScannerName, type ScanResult, type Severity } from '../core/types.js';
import { bufferedSink, formatExtensions, reporters, streamingReporters, type ChunkSink } from '../reporters/index.js';
import { getRegistry, scanSync, ScanSetupError } from '../scan.js';
import { VERSION } from '../version.js';
import { fixRepeatedly } from './fix.js';
import { explainRule, listRules } from './rules-command.js';
import { Progress } from './progress.js';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

interface ScanFlags {
  format: string[];
  output: string[];
  scanners?: string;
  framework: string[];
  rule: string[];
  skipRule: string[];
  failOn?: string;
  failOnError?: boolean;
  config?: string;
  baseline?: string;
  quiet?: boolean;
  color: boolean;
  progress: boolean;
  strictModels?: boolean;
  helmValues: string[];
  helmSet: string[];
  showSuppressed?: boolean;
  fix?: boolean;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];
/** Repeatable flag whose values may contain commas (`--helm-set a=b,c=d`). */
const repeat = (v: string, prev: string[] = []): string[] => [...prev, v];

function useColor(flags: { color: boolean }, stream: NodeJS.WriteStream): boolean {
  if (!flags.color || 'NO_COLOR' in process.env) return false;
  if ('FORCE_COLOR' in process.env) return true;
  return Boolean(stream.isTTY);
}

function addScanOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('-f, --format <format>', `output format, repeatable: ${Object.keys(formatExtensions).join('|')}`).argParser(collect).default([]))
    .addOption(new Option('-o, --output <file>', 'write the report to a file (repeatable, paired with --format in order)').argParser(collect).default([]))
    .option('--scanners <list>', `scanners to run: ${SCANNERS.join(',')} (default: all that apply)`)
    .addOption(new Option('--framework <id[:level]>', 'only rules mapped to this framework (repeatable), e.g. pss:restricted').argParser(collect).default([]))
    .addOption(new Option('--rule <id>', 'only this rule (repeatable)').argParser(collect).default([]))
    .addOption(new Option('--skip-rule <id>', 'skip this rule (repeatable)').argParser(collect).default([]))
    .option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity (default: failOn of the config, else high)')
    .option('--fail-on-error', 'exit 1 when a file could not be scanned')
    .option('-c, --config <file>', 'configuration file (default: .sanctum.yaml found upward)')
    .option('--baseline <file>', 'suppress findings whose fingerprint is in this baseline file')
    .option('--strict-models', 'report any pickle import outside the allow-list as high')
    .addOption(new Option('--helm-values <file>', 'values file for every Helm chart rendered (repeatable)').argParser(repeat).default([]))
    .addOption(new Option('--helm-set <key=value>', 'value for every Helm chart rendered, as helm --set (repeatable)').argParser(repeat).default([]))
    .option('--show-suppressed', 'list suppressed findings in the table')
    .option('-q, --quiet', 'print nothing but the report of findings at or above --fail-on')
    .option('--no-color', 'no colours')
    .option('--no-progress', 'no progress indicator');
}

/** --fail-on, else `failOn` of the configuration file, else high. */
function effectiveFailOn(flags: ScanFlags, cwd: string): Severity {
  if (flags.failOn !== undefined) {
    if (!isSeverity(flags.failOn)) throw new ScanSetupError(`--fail-on must be one of critical, high, medium, low, info (got '${flags.failOn}')`);
    return flags.failOn;
  }
  const path = flags.config !== undefined ? resolve(cwd, flags.config) : findConfig(cwd);
  if (!path) return 'high';
  try {
    return loadConfig(path).failOn ?? 'high';
  } catch (e) {
    throw new ScanSetupError((e as Error).message);
  }
}

function runScan(targets: string[], flags: ScanFlags, io: CliIO, onRules?: (rules: readonly AnyRule[]) => void): ScanResult {
  const cwd = io.cwd ?? process.cwd();
  const list = targets.length ? targets : ['.'];
  for (const t of list) {
    try {
      statSync(resolve(cwd, t));
    } catch (e) {
      throw new ScanSetupError(`cannot read target '${t}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  }
  const scanners = flags.scanners?.split(',').map((s) => s.trim()).filter(Boolean);
  const progress = Progress.enabled(io.stderr, flags) ? new Progress(io.stderr) : undefined;
  try {
    return scanSync({
      targets: list,
      cwd,
      onRules,
      scanners: scanners as ScannerName[] | undefined,
      frameworks: flags.framework,
      rules: flags.rule,
      skipRules: flags.skipRule,
      config: flags.config === undefined ? undefined : resolve(cwd, flags.config),
      baseline: flags.baseline === undefined ? undefined : resolve(cwd, flags.baseline),
      strictModels: flags.strictModels,
      helmValues: flags.helmValues.map((v) => resolve(cwd, v)),
      helmSet: flags.helmSet,
      onFile: progress ? (p, i) => progress.tick(p, i) : undefined,
    });
  } finally {
    progress?.done();
  }
}

function outputs(flags: ScanFlags): Array<{ format: string; file?: string }> {
  const formats = flags.format.length ? flags.format : ['table'];
  for (const f of formats) {
    if (!(f in formatExtensions)) throw new ScanSetupError(`unknown format '${f}' (known: ${Object.keys(formatExtensions).join(', ')})`);
    if (!reporters[f]) throw new ScanSetupError(`format '${f}' is not available yet`);
  }
  if (flags.output.length === 0) {
    if (formats.length > 1) throw new ScanSetupError('several formats need --output');
    return [{ format: formats[0] }];
  }
  if (flags.output.length === formats.length) return formats.map((format, i) => ({ format, file: flags.output[i] }));
  if (flags.output.length === 1) {
    if (formats.length === 1) return [{ format: formats[0], file: flags.output[0] }];
    const base = flags.output[0];
    return formats.map((format) => ({ format, file: base + formatExtensions[format] }));
  }
  throw new ScanSetupError('give one --output per --format, or a single --output base name');
}

function writeReport(path: string, text: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  } catch (e) {
    throw new ScanSetupError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/** Writes a report piece by piece to a file (or to `stdout` when `path` is undefined), so that it never exists whole in memory. */
function streamReport(path: string | undefined, stdout: NodeJS.WriteStream, write: (sink: ChunkSink) => void): void {
  if (path === undefined) {
    const out = bufferedSink((c) => stdout.write(c));
    write(out.write);
    out.flush();
    return;
  }
  let fd: number;
  try {
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(path, 'w');
  } catch (e) {
    throw new ScanSetupError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    const out = bufferedSink((c) => {
      const bytes = Buffer.from(c, 'utf8');
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
    });
    write(out.write);
    out.flush();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === undefined) throw e;
    throw new ScanSetupError(`cannot write ${path}: ${code}`);
  } finally {
    closeSync(fd);
  }
}

export function exitCodeFor(result: ScanResult, failOn: Severity, failOnError: boolean): number {
  const threshold = severityRank(failOn);
  const failing = result.findings.some((f) => f.status === 'fail' && severityRank(f.severity) >= threshold);
  if (failing || (failOnError && result.errors.length > 0)) return EXIT_FINDINGS;
  return EXIT_OK;
}

export interface CliIO {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** Directory that relative paths (targets, --output, --config, --baseline) resolve against; defaults to process.cwd(). */
  cwd?: string;
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[], io: CliIO = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let code = EXIT_OK;
  const program = new Command('sanctum')
    .description('Security scanner for AI/ML workloads in containers and on Kubernetes')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError();

  addScanOptions(program.command('scan').description('scan files and directories').argument('[paths...]', 'files or directories', []))
    .option('--fix', 'apply the mechanical fixes of findings at or above --fail-on to the files, then scan again')
    .action((paths: string[], flags: ScanFlags) => {
      const outs = outputs(flags);
      const cwd = io.cwd ?? process.cwd();
      const failOn = effectiveFailOn(flags, cwd);
      let ran: readonly AnyRule[] = getRegistry().rules;
      let result = runScan(paths, flags, io, (r) => (ran = r));
      if (flags.fix) {
        const t = severityRank(failOn);
        const failing = (r: ScanResult) => r.findings.filter((f) => f.status === 'fail' && severityRank(f.severity) >= t);
        const run = fixRepeatedly(result, () => runScan(paths, { ...flags, progress: false }, io, (r) => (ran = r)), failing, cwd);
        result = run.result;
        for (const [path, { count, rules }] of flags.quiet ? [] : run.fixed) {
          io.stderr.write(`fixed ${count} finding${count === 1 ? '' : 's'} in ${path}: ${[...rules].join(', ')}\n`);
        }
        for (const { finding, reason } of run.skipped) {
          const l = finding.location;
          io.stderr.write(`not fixed: ${finding.ruleId} at ${l.path}${l.startLine ? `:${l.startLine}` : ''}: ${reason}\n`);
        }
        if (run.fixed.size === 0 && run.skipped.length === 0 && !flags.quiet) io.stderr.write('nothing to fix\n');
      }
      const reportCtx = { rules: ran, lookup: (k: string) => getRegistry().get(k), failOn, showSuppressed: flags.showSuppressed };
      for (const o of outs) {
        let shown = result;
        if (flags.quiet && o.format === 'table') {
          const t = severityRank(failOn);
          shown = { ...result, findings: result.findings.filter((f) => f.status === 'fail' && severityRank(f.severity) >= t) };
        }
        const ctx = { ...reportCtx, color: o.file ? false : useColor(flags, io.stdout) };
        const stream = streamingReporters[o.format];
        if (stream) {
          streamReport(o.file === undefined ? undefined : resolve(cwd, o.file), io.stdout, (sink) => stream(shown, ctx, sink));
          continue;
        }
        const text = reporters[o.format](shown, ctx);
        if (o.file) writeReport(resolve(cwd, o.file), text);
        else io.stdout.write(text);
      }
      code = exitCodeFor(result, failOn, Boolean(flags.failOnError));
    });

  addScanOptions(
    program
      .command('baseline')
      .description('write a baseline file of the current findings, for --baseline')
      .argument('[paths...]', 'files or directories', []),
  ).action((paths: string[], flags: ScanFlags) => {
    effectiveFailOn(flags, io.cwd ?? process.cwd());
    const result = runScan(paths, { ...flags, baseline: undefined }, io);
    const file = flags.output[0] ?? '.sanctum-baseline.json';
    const baseline = makeBaseline(result.findings);
    writeReport(resolve(io.cwd ?? process.cwd(), file), JSON.stringify(baseline, null, 2) + '\n');
    if (!flags.quiet) io.stderr.write(`wrote ${baseline.fingerprints.length} fingerprints to ${file}\n`);
  });

  program
    .command('rules')
    .description('list the rules')
    .option('--framework <id[:level]>', 'only rules mapped to this framework')
    .option('--format <format>', 'table or json', 'table')
    .option('--no-color', 'no colours')
    .action((flags: { framework?: string; format: string; color: boolean }) => {
      io.stdout.write(listRules(flags.framework, flags.format, useColor(flags, io.stdout)));
    });

  program
    .command('explain')
    .description('show a rule with its rationale, remediation and examples')
    .argument('<rule>', 'rule id or slug')
    .option('--no-color', 'no colours')
    .action((id: string, flags: { color: boolean }) => {
      io.stdout.write(explainRule(id, useColor(flags, io.stdout)));
    });

  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT_OK;
      return EXIT_ERROR;
    }
    if (e instanceof ScanSetupError) {
      io.stderr.write(`sanctum: ${e.message}\n`);
      return EXIT_ERROR;
    }
    io.stderr.write(`sanctum: ${(e as Error).message ?? String(e)}\n`);
    return EXIT_ERROR;
  }
  return code;
}
