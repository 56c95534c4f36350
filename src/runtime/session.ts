/**
 * One run of `sanctum audit`: the rules selected, the state, the decoder and the monitor wired
 * together. Sources hand it lines (files, stdin, followed files) or parsed values (webhook batches).
 */
import { readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { findConfig, loadConfig, type SanctumConfig } from '../core/config.js';
import { MemorySourceFile, type SourceFile } from '../core/source-file.js';
import { describeSystemError, isSystemError, shownPath } from '../core/system-error.js';
import { ConfigSuppressor } from '../core/suppression.js';
import type { Finding, Severity } from '../core/types.js';
import { getRegistry, ScanSetupError } from '../scan.js';
import type { Line } from '../sources/events/lines.js';
import { parseBaselines, type StoredBaselines } from './baselines.js';
import { EventDecoder, type Decoded, type EventFormat } from './decoder.js';
import { RuntimeMonitor, type MonitorStats } from './monitor.js';
import { RuntimeObserver } from './observer.js';
import { WorkloadIndex } from './workloads.js';

export interface AuditSessionOptions {
  onFinding(f: Finding): void;
  /** A malformed line or value, a rule that failed: reported, never fatal. */
  onProblem?(source: string, message: string): void;
  rules?: string[];
  skipRules?: string[];
  /** `.sanctum.yaml` (ignore entries, rule settings); false for none; default: found upward from cwd. */
  config?: string | false | SanctumConfig;
  cwd?: string;
  /** Baselines learned earlier. */
  baselines?: StoredBaselines | string;
  /** Learn only: no departures reported. */
  learn?: boolean;
  warmupMs?: number;
  maxIdentities?: number;
  workloads?: WorkloadIndex;
  today?: string;
}

export interface AuditStats extends MonitorStats {
  lines: number;
  /** Lines or values that were not events. */
  malformed: number;
  /** Audit events not judged (RequestReceived stage, or a request already judged at an earlier stage). */
  skipped: number;
  identities: number;
}

/** Problems kept for the result's `errors` (the count goes on beyond it). */
const MAX_KEPT_PROBLEMS = 100;

export class AuditSession {
  readonly observer: RuntimeObserver;
  readonly monitor: RuntimeMonitor;
  readonly ruleCount: number;
  readonly problems: Array<{ path: string; message: string; line?: number }> = [];
  private readonly decoder: EventDecoder;
  private lineCount = 0;
  private malformed = 0;
  private skipped = 0;
  private readonly files = new Map<string, SourceFile>();

  constructor(private readonly opts: AuditSessionOptions) {
    const reg = getRegistry();
    const cwd = opts.cwd ?? process.cwd();
    const { config, path: configPath } = resolveConfig(opts.config, cwd);
    const unknown = reg.unknown([...(opts.rules ?? []), ...(opts.skipRules ?? [])]);
    if (unknown.length) throw new ScanSetupError(`unknown rule ${unknown.join(', ')} (see \`sanctum rules\`)`);
    const ruleConfig = new Map<string, { severity?: Severity; options?: Record<string, unknown> }>();
    const disabled: string[] = [];
    for (const [key, rc] of Object.entries(config.rules ?? {})) {
      const rule = reg.get(key);
      if (!rule) continue;
      if (rc.enabled === false) disabled.push(rule.meta.id);
      ruleConfig.set(rule.meta.id, { severity: rc.severity, options: rc.options });
    }
    const rules = reg.select({ scanners: ['runtime'], only: opts.rules, skip: opts.skipRules, disabled });
    if (rules.length === 0) throw new ScanSetupError('no runtime rule selected');
    this.ruleCount = rules.length;
    let stored: StoredBaselines | undefined;
    if (typeof opts.baselines === 'string') {
      try {
        stored = parseBaselines(readFileSync(opts.baselines, 'utf8'), opts.baselines);
      } catch (e) {
        // None yet (ENOENT): they are learned, and written at the end.
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
          throw new ScanSetupError(
            isSystemError(e) ? `cannot read ${shownPath(opts.baselines, cwd)}: ${describeSystemError(e)}` : (e as Error).message,
          );
      }
    } else stored = opts.baselines;
    this.observer = new RuntimeObserver({
      workloads: opts.workloads,
      stored,
      learnOnly: opts.learn,
      warmupMs: opts.warmupMs,
      maxIdentities: opts.maxIdentities,
    });
    this.decoder = new EventDecoder(this.observer);
    const suppressor = new ConfigSuppressor(config.ignore ?? [], undefined, opts.today ?? new Date().toISOString().slice(0, 10));
    this.monitor = new RuntimeMonitor({
      rules,
      ruleConfig,
      suppressor,
      onFinding: opts.onFinding,
      onRuleError: (m) => this.problem('.', m),
      hygiene: {
        path: configPath ? relative(cwd, configPath).split(sep).join('/') : '.sanctum.yaml',
        lookup: (id) => reg.get(id),
      },
    });
  }

  private fileOf(name: string): SourceFile {
    let f = this.files.get(name);
    if (!f) {
      f = new MemorySourceFile(name, '');
      this.files.set(name, f);
    }
    return f;
  }

  private problem(path: string, message: string, line?: number): void {
    if (this.problems.length < MAX_KEPT_PROBLEMS) this.problems.push(line !== undefined ? { path, message, line } : { path, message });
    this.opts.onProblem?.(path, message);
  }

  private take(decoded: Decoded, source: string): void {
    this.skipped += decoded.skipped;
    for (const p of decoded.problems) {
      this.malformed++;
      this.problem(source, p);
    }
    for (const doc of decoded.docs) this.monitor.check(doc);
  }

  /** Lines read from `source` (a path, `-` for stdin). */
  lines(lines: readonly Line[], source: string, format: EventFormat = 'auto'): void {
    const file = this.fileOf(source);
    for (const l of lines) {
      this.lineCount++;
      this.take(this.decoder.line(l.text, l.number, file, format), source);
    }
  }

  /** Values already parsed (the items of a webhook POST), numbered from `first`. */
  values(items: readonly unknown[], source: string, first: number, format: EventFormat = 'audit'): void {
    const file = this.fileOf(source);
    const out: Decoded = { docs: [], problems: [], skipped: 0 };
    items.forEach((v, i) => {
      out.docs.length = 0;
      out.problems.length = 0;
      out.skipped = 0;
      this.decoder.value(v, { file, line: first + i, lineLength: 0, pointerPrefix: [] }, format, '', out);
      this.take(out, source);
    });
  }

  get stats(): AuditStats {
    return {
      ...this.monitor.stats,
      lines: this.lineCount,
      malformed: this.malformed,
      skipped: this.skipped,
      identities: this.observer.baselines.size,
    };
  }
}

function resolveConfig(config: AuditSessionOptions['config'], cwd: string): { config: SanctumConfig; path?: string } {
  if (config === false) return { config: {} };
  if (typeof config === 'object') return { config };
  const path = config ?? findConfig(cwd);
  if (!path) return { config: {} };
  try {
    return { config: loadConfig(path, cwd), path };
  } catch (e) {
    throw new ScanSetupError((e as Error).message);
  }
}
