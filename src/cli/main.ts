import { accessSync, constants, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError, Help, Option } from 'commander';
import type { AnyRule } from '../core/rule.js';
import { FAIL_ON_LEVELS, type FailOn } from '../core/config.js';
import { looksBinary, MemorySourceFile } from '../core/source-file.js';
import { makeBaseline } from '../core/suppression.js';
import { SCANNERS, severityRank, type Finding, type ScanResult } from '../core/types.js';
import { formatExtensions, reporters, sourceReader, streamingReporters } from '../reporters/index.js';
import { getRegistry, scanStreamed, scanSync, ScanSetupError, type ScanOptions } from '../scan.js';
import { describeSystemError, isSystemError, shownPath } from '../core/system-error.js';
import { VERSION } from '../version.js';
import { addAuditCommand } from './audit-command.js';
import { addClusterCommand } from './cluster-command.js';
import { addDbCommand } from './db-command.js';
import { addGatewayCommand } from './gateway-command.js';
import { repeat } from './list-flag.js';
import { fixRepeatedly, safeFixCheck } from './fix.js';
import { foreignFlagHint } from './foreign-flags.js';
import { sarifArtifacts } from './sarif-paths.js';
import { explainRule, listRules } from './rules-command.js';
import { addSbomCommand } from './sbom-command.js';
import { addWebhookCommand } from './webhook-command.js';
import { addServeCommand } from './serve-command.js';
import { checkUploadFlags, kubernetesFactsFor, shardOf, uploadIfAsked } from './upload-options.js';
import { addReportFlags, effectiveFailOn, reportOptionsFrom, type ReportFlags, type ReportFlagsSpec } from './report-flags.js';
import { addImageCommand } from './image-command.js';
import { Progress } from './progress.js';
import { outputFile, outputFiles, STDOUT_OUTPUT, streamReport, writeOutputFile } from './output-file.js';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

export interface ScanFlags extends ReportFlags {
  progress: boolean;
  helmValues: string[];
  helmSet: string[];
  fix?: boolean;
  stdinName?: string;
  includeIgnored?: boolean;
}

function useColor(flags: { color: boolean }, stream: NodeJS.WriteStream): boolean {
  if (!flags.color || 'NO_COLOR' in process.env) return false;
  if ('FORCE_COLOR' in process.env) return true;
  return Boolean(stream.isTTY);
}

/** Formats that exist: a format is advertised once its reporter is written. */
export const availableFormats = (): string[] => Object.keys(reporters);
/** Scanners that have rules. */
const availableScanners = (): string[] => SCANNERS.filter((s) => getRegistry().rules.some((r) => r.meta.scanner === s));

function addScanOptions(cmd: Command, upload?: ReportFlagsSpec['upload']): Command {
  return addReportFlags(cmd, {
    formats: availableFormats(),
    scanners: `scanners to run: ${availableScanners().join(',')} (default: all that apply)`,
    framework: 'only rules mapped to this framework (repeatable), e.g. pss:restricted',
    failOn: `exit 1 when a finding is at or above this severity: ${FAIL_ON_LEVELS.join('|')} (none: report only; default: failOn of the config, else high)`,
    failOnError: 'exit 1 when a file could not be scanned',
    quiet: 'print nothing but the report, in every format, of findings at or above --fail-on',
    strictModels: true,
    progress: true,
    upload,
  })
    .option(
      '--include-ignored',
      'scan files that .gitignore and .sanctumignore leave out too, e.g. a Docker build context (files Git tracks are always scanned)',
    )
    .addOption(new Option('--helm-values <file>', 'values file for every Helm chart rendered (repeatable)').argParser(repeat).default([]))
    .addOption(
      new Option('--helm-set <key=value>', 'value for every Helm chart rendered, as helm --set (repeatable)').argParser(repeat).default([]),
    )
    .option(
      '--stdin-name <name>',
      'file name that decides how the document read from stdin (`scan -`) is parsed (default: stdin.yaml, or Dockerfile when it looks like one)',
    );
}

/** `baseline` takes the scan's flags but writes no report: -o names the baseline file, and the report's own flags are hidden. */
function baselineHelp(cmd: Command): Command {
  for (const o of cmd.options) {
    if (o.long === '--output') {
      o.description = 'baseline file to write';
      o.defaultValueDescription = '.sanctum-baseline.json';
    }
    if (o.long === '--quiet') o.description = 'print nothing (not even the count of fingerprints written)';
    if (['--format', '--fail-on', '--fail-on-error', '--show-suppressed'].includes(o.long ?? '')) o.hideHelp();
  }
  return cmd;
}

/** A target named on the command line must be a readable file or directory: anything else stops the scan (exit 2). */
export function checkTarget(target: string, cwd: string): void {
  const abs = resolve(cwd, target);
  try {
    const st = statSync(abs);
    if (!st.isFile() && !st.isDirectory()) throw new ScanSetupError(`cannot read target '${target}': not a regular file or directory`);
    accessSync(abs, st.isDirectory() ? constants.R_OK | constants.X_OK : constants.R_OK);
  } catch (e) {
    if (e instanceof ScanSetupError) throw e;
    throw new ScanSetupError(`cannot read target '${target}': ${describeSystemError(e)}`);
  }
}

/** Largest document `scan -` reads from stdin. */
const MAX_STDIN_BYTES = 64 * 1024 * 1024;
const DOCKERFILE_START = /^\s*(?:#[^\n]*\n\s*)*(?:FROM|ARG)\s/i;

async function readStdin(stream: NodeJS.ReadableStream, name: string | undefined): Promise<MemorySourceFile> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += b.length;
    if (size > MAX_STDIN_BYTES)
      throw new ScanSetupError(`stdin is larger than ${MAX_STDIN_BYTES / 1024 / 1024} MiB; save it to a file and scan that`);
    chunks.push(b);
  }
  const bytes = Buffer.concat(chunks);
  // Unnamed, stdin is read as a YAML/JSON document or a Dockerfile: binary content there is a mistake, not a document.
  if (name === undefined && looksBinary(bytes.subarray(0, 8192)))
    throw new ScanSetupError(
      'stdin is binary content, not a YAML/JSON document or a Dockerfile: name what it is with --stdin-name (model.safetensors, image.tar), or save it to a file and scan that',
    );
  const guessed = DOCKERFILE_START.test(bytes.subarray(0, 4096).toString('utf8')) ? 'Dockerfile' : 'stdin.yaml';
  return new MemorySourceFile(name ?? guessed, bytes);
}

/** Findings a quiet report keeps: those that count for the exit code (with --fail-on none, every unsuppressed one). */
function quietFindings(findings: Finding[], failOn: FailOn): Finding[] {
  const t = failOn === 'none' ? 0 : severityRank(failOn);
  return findings.filter((f) => f.status === 'fail' && severityRank(f.severity) >= t);
}

function runScan(
  targets: string[],
  flags: ScanFlags,
  io: CliIO,
  onRules?: (rules: readonly AnyRule[]) => void,
  stdin?: MemorySourceFile,
  onSet?: ScanOptions['onSet'],
): ScanResult {
  return runWith(targets, flags, io, onRules, stdin, scanSync, onSet);
}

function runWith<T>(
  targets: string[],
  flags: ScanFlags,
  io: CliIO,
  onRules: ((rules: readonly AnyRule[]) => void) | undefined,
  stdin: MemorySourceFile | undefined,
  scan: (opts: ScanOptions) => T,
  onSet?: ScanOptions['onSet'],
): T {
  const cwd = io.cwd ?? process.cwd();
  const list = targets.length ? targets : ['.'];
  if (!stdin) for (const t of list) checkTarget(t, cwd);
  const progress = Progress.enabled(io.stderr, flags) ? new Progress(io.stderr) : undefined;
  const notices: string[] = [];
  try {
    return scan({
      targets: list,
      cwd,
      onRules,
      ...reportOptionsFrom(flags, cwd),
      includeIgnored: flags.includeIgnored,
      helmValues: flags.helmValues.map((v) => resolve(cwd, v)),
      helmSet: flags.helmSet,
      onFile: progress ? (p, i) => progress.tick(p, i) : undefined,
      files: stdin ? [stdin] : undefined,
      shard: shardOf(flags),
      onSet,
      onNotice: flags.quiet ? undefined : (message) => notices.push(message),
    });
  } finally {
    progress?.done();
    for (const n of notices) io.stderr.write(`sanctum: ${n}\n`);
  }
}

/**
 * Checkov's -o is the format (`-o JSON` too): without --format, `-o sarif` would write the table to a
 * file named 'sarif'. Refuses an output named like a format `isFormat` knows.
 */
export function refuseFormatAsOutput(flags: Pick<ScanFlags, 'format' | 'output'>, isFormat: (format: string) => boolean): void {
  const bare = flags.format.length ? undefined : flags.output.find((o) => isFormat(o.toLowerCase()));
  if (bare)
    throw new ScanSetupError(
      `-o ${bare} names the report's file, not its format: -f ${bare.toLowerCase()} picks the format (-o FILE writes it to a file)`,
    );
}

export function outputs(flags: Pick<ScanFlags, 'format' | 'output'>): Array<{ format: string; file?: string }> {
  const formats = flags.format.length ? flags.format : ['table'];
  // Own names only: `constructor` or `toString` is no format.
  for (const f of formats)
    if (!Object.hasOwn(reporters, f)) throw new ScanSetupError(`unknown format '${f}' (known: ${availableFormats().join(', ')})`);
  refuseFormatAsOutput(flags, (f) => Object.hasOwn(reporters, f));
  if (flags.output.length === 0) {
    if (formats.length > 1) throw new ScanSetupError('several formats need --output');
    return [{ format: formats[0] }];
  }
  if (flags.output.length === formats.length) {
    const files = outputFiles(flags.output);
    return formats.map((format, i) => (files[i] === undefined ? { format } : { format, file: files[i] }));
  }
  if (flags.output.length === 1) {
    const base = flags.output[0];
    if (base === STDOUT_OUTPUT) throw new ScanSetupError('several formats cannot all go to stdout (-o -): give one --output per --format');
    return formats.map((format) => ({ format, file: base + formatExtensions[format] }));
  }
  throw new ScanSetupError('give one --output per --format, or a single --output base name');
}

/** GitHub code scanning refuses a SARIF upload with more results than this in a run. */
export const GITHUB_SARIF_MAX_RESULTS = 25_000;

/** Writes the result in each requested format, to its file or to stdout (`--quiet` keeps what counts for the exit code). */
export function writeOutputs(
  result: ScanResult,
  outs: Array<{ format: string; file?: string }>,
  opts: {
    rules: readonly AnyRule[];
    failOn: FailOn;
    flags: { quiet?: boolean; showSuppressed?: boolean; color: boolean };
    io: CliIO;
    cwd: string;
    /** `false` when finding paths are not files of this machine (an image scan). */
    localFiles?: boolean;
    /** The name of the document `scan -` read from stdin. */
    stdinName?: string;
  },
): void {
  const { flags, io, cwd, failOn } = opts;
  const reportCtx = {
    rules: opts.rules,
    lookup: (k: string) => getRegistry().get(k),
    failOn,
    showSuppressed: flags.showSuppressed,
    // Paths of findings in a container image are not files of this machine: never read them here.
    readSource: opts.localFiles === false ? () => undefined : sourceReader(cwd),
    // Only a SARIF report reads them, and finding the work tree's root looks up every directory above.
    sarifArtifacts:
      opts.localFiles === false || !outs.some((o) => o.format === 'sarif') ? undefined : sarifArtifacts(cwd, opts.stdinName),
  };
  for (const o of outs) {
    const shown = flags.quiet ? { ...result, findings: quietFindings(result.findings, failOn) } : result;
    if (o.format === 'sarif' && shown.findings.length > GITHUB_SARIF_MAX_RESULTS)
      io.stderr.write(
        `sanctum: the SARIF report has ${shown.findings.length} results; GitHub code scanning rejects a run of more than ${GITHUB_SARIF_MAX_RESULTS} (-q keeps only the findings at or above --fail-on)\n`,
      );
    const ctx = { ...reportCtx, color: o.file ? false : useColor(flags, io.stdout) };
    const stream = streamingReporters[o.format];
    if (stream) {
      streamReport(o.file === undefined ? undefined : resolve(cwd, o.file), io.stdout, (sink) => stream(shown, ctx, sink), o.file);
      continue;
    }
    const text = reporters[o.format](shown, ctx);
    if (o.file) writeOutputFile(resolve(cwd, o.file), text, o.file);
    else io.stdout.write(text);
  }
}

export function exitCodeFor(result: ScanResult, failOn: FailOn, failOnError: boolean): number {
  // Nothing at all could be scanned (every file failed, every chart unrendered): the scan did not run.
  if (result.stats.files === 0 && result.errors.length > 0) return EXIT_ERROR;
  const failing = failOn !== 'none' && quietFindings(result.findings, failOn).length > 0;
  if (failing || (failOnError && result.errors.length > 0)) return EXIT_FINDINGS;
  return EXIT_OK;
}

/** `scan -`: the one document on stdin, alone. */
async function stdinTarget(paths: string[], flags: ScanFlags, io: CliIO): Promise<MemorySourceFile | undefined> {
  if (!paths.includes('-')) {
    if (flags.stdinName !== undefined) throw new ScanSetupError('--stdin-name needs `-` (stdin) as the path to scan');
    return undefined;
  }
  if (paths.length > 1) throw new ScanSetupError("'-' (stdin) cannot be combined with other paths");
  return readStdin(io.stdin ?? process.stdin, flags.stdinName);
}

export interface CliIO {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** What `scan -` reads; defaults to process.stdin. */
  stdin?: NodeJS.ReadableStream;
  /** Directory that relative paths (targets, --output, --config, --baseline) resolve against; defaults to process.cwd(). */
  cwd?: string;
  /** Ends `audit --follow` and `audit --listen` (default: SIGINT and SIGTERM). */
  signal?: AbortSignal;
}

/**
 * A reader that stops early (`sanctum scan | head`) closes the pipe: what is still written is
 * dropped, quietly, and the command ends with its own exit code instead of an unhandled EPIPE error.
 */
export function endQuietlyOnClosedPipe(streams: NodeJS.WriteStream[]): void {
  for (const stream of streams) {
    if (typeof stream.on !== 'function' || stream.listenerCount('error') > 0) continue;
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') return;
      if (stream !== process.stderr) process.stderr.write(`sanctum: cannot write the output: ${describeSystemError(e)}\n`);
      process.exit(EXIT_ERROR);
    });
  }
}

/** Help for an option; a repeatable option's empty starting list is not shown as "(default: [])". */
function describeOption(this: Help, option: Option): string {
  const startsEmpty =
    Array.isArray(option.defaultValue) && option.defaultValue.length === 0 && option.defaultValueDescription === undefined;
  return Help.prototype.optionDescription.call(
    this,
    startsEmpty ? Object.assign(Object.create(option) as Option, { defaultValue: undefined }) : option,
  );
}

/**
 * An error of the command line (unknown option or command, missing argument) is followed by one line
 * pointing at the command's help, not by the whole help, which would bury the error in a CI log; an
 * unknown option that another scanner has (Trivy's --severity, Checkov's --skip-check…) by its
 * equivalent.
 */
function pointErrorsAtHelp(command: Command, path = 'sanctum'): void {
  command.showHelpAfterError(`(see '${path} --help' for the options)`);
  command.configureOutput({
    outputError: (text, write) => {
      write(text);
      const hint = foreignFlagHint(text, (long) => command.options.some((o) => o.long === long));
      if (hint) write(`${hint}\n`);
    },
  });
  for (const sub of command.commands) pointErrorsAtHelp(sub, `${path} ${sub.name()}`);
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[], io: CliIO = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let code = EXIT_OK;
  endQuietlyOnClosedPipe([io.stdout, io.stderr].filter((s) => s === process.stdout || s === process.stderr));
  const program = new Command('sanctum')
    .description('Security scanner for AI/ML workloads in containers and on Kubernetes')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .configureHelp({ optionDescription: describeOption });

  addScanOptions(
    program.command('scan').description('scan files and directories').argument('[paths...]', 'files or directories (default: .)'),
    {},
  )
    .option('--fix', 'apply the mechanical fixes of findings at or above --fail-on to the files, then scan again')
    .action(async (paths: string[], flags: ScanFlags) => {
      const outs = outputs(flags);
      checkUploadFlags(flags);
      const cwd = io.cwd ?? process.cwd();
      const failOn = effectiveFailOn(flags, cwd, paths);
      const stdin = await stdinTarget(paths, flags, io);
      if (!flags.fix && !flags.quiet && !flags.upload && outs.every((o) => o.format === 'json')) {
        // Findings go to a temporary file as files finish: memory does not grow with them.
        const streamed = runWith(paths, flags, io, undefined, stdin, scanStreamed);
        try {
          if (streamed.result.stats.files === 0 && streamed.result.errors.length === 0)
            io.stderr.write(
              `sanctum: nothing scanned: no file in ${paths.length ? paths.join(', ') : '.'} is one the selected rules read\n`,
            );
          for (const o of outs)
            streamReport(o.file === undefined ? undefined : resolve(cwd, o.file), io.stdout, (sink) => streamed.writeJson(sink), o.file);
        } finally {
          streamed.dispose();
        }
        // `result` holds no findings: the spooled ones count through `failsAt`.
        const base = exitCodeFor(streamed.result, failOn, Boolean(flags.failOnError));
        code = base === EXIT_OK && failOn !== 'none' && streamed.failsAt(failOn) ? EXIT_FINDINGS : base;
        return;
      }
      let ran: readonly AnyRule[] = getRegistry().rules;
      const kubernetes = kubernetesFactsFor(flags);
      let result = runScan(paths, flags, io, (r) => (ran = r), stdin, kubernetes && ((doc) => kubernetes.add(doc)));
      if (result.stats.files === 0 && result.errors.length === 0 && !flags.quiet)
        io.stderr.write(`sanctum: nothing scanned: no file in ${paths.length ? paths.join(', ') : '.'} is one the selected rules read\n`);
      if (flags.fix) {
        if (stdin) throw new ScanSetupError('--fix cannot write to stdin');
        const failing = (r: ScanResult) => quietFindings(r.findings, failOn);
        const quietFlags = { ...flags, progress: false };
        const scanText = (path: string, text: string) => runScan(paths, quietFlags, io, undefined, new MemorySourceFile(path, text));
        const run = fixRepeatedly(
          result,
          () => runScan(paths, quietFlags, io, (r) => (ran = r)),
          failing,
          cwd,
          undefined,
          safeFixCheck(scanText),
        );
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
      writeOutputs(result, outs, { rules: ran, failOn, flags, io, cwd, stdinName: stdin?.path });
      await uploadIfAsked(result, flags, { targets: paths, cwd, kind: 'repository', stderr: io.stderr, quiet: flags.quiet, kubernetes });
      code = exitCodeFor(result, failOn, Boolean(flags.failOnError));
    });

  baselineHelp(
    addScanOptions(
      program
        .command('baseline')
        .description('write a baseline file of the current findings, for --baseline')
        .argument('[paths...]', 'files or directories (default: .)'),
    ),
  ).action(async (paths: string[], flags: ScanFlags) => {
    effectiveFailOn(flags, io.cwd ?? process.cwd(), paths);
    const result = runScan(paths, { ...flags, baseline: undefined }, io, undefined, await stdinTarget(paths, flags, io));
    const file = flags.output[0] ?? '.sanctum-baseline.json';
    const baseline = makeBaseline(result.findings);
    const text = JSON.stringify(baseline, null, 2) + '\n';
    if (outputFile(file) === undefined) io.stdout.write(text);
    else writeOutputFile(resolve(io.cwd ?? process.cwd(), file), text, file);
    if (!flags.quiet) io.stderr.write(`wrote ${baseline.fingerprints.length} fingerprints to ${outputFile(file) ?? 'stdout'}\n`);
  });

  addSbomCommand(program, io);
  addImageCommand(program, io, (c) => (code = c));

  program
    .command('rules')
    .description('list the rules')
    .option('--framework <id[:level]>', 'only rules mapped to this framework')
    .option('-f, --format <format>', 'table or json', 'table')
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

  addDbCommand(program, io);
  addWebhookCommand(program, io);
  addServeCommand(program, io);
  addAuditCommand(program, io, (c) => (code = c));
  addClusterCommand(program, io, (c) => (code = c));
  addGatewayCommand(program, io);
  pointErrorsAtHelp(program);

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
    if (isSystemError(e)) {
      // One no command turned into a sentence of its own: said in words all the same.
      const path = e.path === undefined ? '' : `${shownPath(e.path, io.cwd ?? process.cwd())}: `;
      io.stderr.write(`sanctum: ${path}${describeSystemError(e)}\n`);
      return EXIT_ERROR;
    }
    io.stderr.write(`sanctum: ${(e as Error).message ?? String(e)}\n`);
    return EXIT_ERROR;
  }
  return code;
}
