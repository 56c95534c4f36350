import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { FAIL_ON_LEVELS, findConfigFor, loadConfig, parseFailOn, type FailOn } from '../core/config.js';
import type { ScannerName } from '../core/types.js';
import { ScanSetupError, type ScanOptions } from '../scan.js';
import { collect, repeat } from './list-flag.js';
import { addUploadOptions, type UploadFlags } from './upload-options.js';

/** The flags `scan`, `baseline`, `image` and `cluster` share: the report, the rules that run, the exit code, the upload. */
export interface ReportFlags extends UploadFlags {
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
  policy: string[];
  strictModels?: boolean;
  showSuppressed?: boolean;
  quiet?: boolean;
  color: boolean;
  /** Undefined for a command without a progress indicator. */
  progress?: boolean;
}

/** What differs between the commands: the help of some flags, and which optional flags they take. */
export interface ReportFlagsSpec {
  /** The formats --format lists. */
  formats: readonly string[];
  /** Help of --scanners; a command without it takes no --scanners. */
  scanners?: string;
  /** Help of --framework (default: only rules mapped to this framework (repeatable)). */
  framework?: string;
  /** Help of --fail-on (default: the levels, default high). */
  failOn?: string;
  /** Help of --fail-on-error: what could not be scanned. */
  failOnError: string;
  /** Help of --config (default: found upward). */
  config?: string;
  /** Help of --quiet. */
  quiet: string;
  /** Takes --strict-models. */
  strictModels?: boolean;
  /** Takes --no-progress. */
  progress?: boolean;
  /** Takes --upload (see `addUploadOptions`). */
  upload?: { shards?: boolean; defaultTarget?: string };
}

/** Adds the shared flags; the command's own flags can be added before or after. */
export function addReportFlags(cmd: Command, spec: ReportFlagsSpec): Command {
  if (spec.upload) addUploadOptions(cmd, spec.upload);
  cmd
    .addOption(new Option('-f, --format <format>', `output format, repeatable: ${spec.formats.join('|')}`).argParser(collect).default([]))
    .addOption(
      new Option('-o, --output <file>', 'write the report to a file, - for stdout (repeatable, paired with --format in order)')
        .argParser(collect)
        .default([]),
    );
  if (spec.scanners !== undefined) cmd.option('--scanners <list>', spec.scanners);
  cmd
    .addOption(
      new Option('--framework <id[:level]>', spec.framework ?? 'only rules mapped to this framework (repeatable)')
        .argParser(collect)
        .default([]),
    )
    .addOption(new Option('--rule <id>', 'only this rule (repeatable)').argParser(collect).default([]))
    .addOption(new Option('--skip-rule <id>', 'skip this rule (repeatable)').argParser(collect).default([]))
    .option(
      '--fail-on <severity>',
      spec.failOn ?? `exit 1 when a finding is at or above this severity: ${FAIL_ON_LEVELS.join('|')} (default: high)`,
    )
    .option('--fail-on-error', spec.failOnError)
    .option('-c, --config <file>', spec.config ?? 'configuration file (default: .sanctum.yaml found upward)')
    .option('--baseline <file>', 'suppress findings whose fingerprint is in this baseline file (of sanctum baseline, or a JSON report)')
    .addOption(
      new Option('--policy <path>', 'custom CEL policy file or directory (repeatable; default: .sanctum/policies/)')
        .argParser(repeat)
        .default([]),
    );
  if (spec.strictModels) cmd.option('--strict-models', 'report any pickle import outside the allow-list as high');
  cmd
    .option('--show-suppressed', 'list suppressed findings in the table')
    .option('-q, --quiet', spec.quiet)
    .option('--no-color', 'no colours');
  if (spec.progress) cmd.option('--no-progress', 'no progress indicator');
  return cmd;
}

/** The scan options the shared flags give (paths of --config and --baseline resolved against `cwd`). */
export function reportOptionsFrom(
  flags: ReportFlags,
  cwd: string,
): Pick<ScanOptions, 'scanners' | 'frameworks' | 'rules' | 'skipRules' | 'config' | 'baseline' | 'strictModels' | 'policies'> {
  return {
    scanners: flags.scanners
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean) as ScannerName[] | undefined,
    frameworks: flags.framework,
    rules: flags.rule,
    skipRules: flags.skipRule,
    config: flags.config === undefined ? undefined : resolve(cwd, flags.config),
    baseline: flags.baseline === undefined ? undefined : resolve(cwd, flags.baseline),
    strictModels: flags.strictModels,
    policies: flags.policy.length ? flags.policy : undefined,
  };
}

/** --fail-on, else `failOn` of the configuration file (given, or found upward from the targets), else high. */
export function effectiveFailOn(flags: Pick<ReportFlags, 'failOn' | 'config'>, cwd: string, targets: string[]): FailOn {
  if (flags.failOn !== undefined) {
    const level = parseFailOn(flags.failOn);
    if (!level) throw new ScanSetupError(`--fail-on must be one of ${FAIL_ON_LEVELS.join(', ')} (got '${flags.failOn}')`);
    return level;
  }
  try {
    const path = flags.config !== undefined ? resolve(cwd, flags.config) : findConfigFor(targets, cwd);
    return (path && loadConfig(path, cwd).failOn) || 'high';
  } catch (e) {
    throw new ScanSetupError((e as Error).message);
  }
}
