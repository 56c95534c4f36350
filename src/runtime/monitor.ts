/**
 * Runs the runtime rules over event documents as they arrive and turns their reports into findings
 * of the result contract (`location.event`), suppressed as scan findings are. One event at a time:
 * nothing is kept per event, so memory stays flat however long the stream.
 */
import { fingerprint } from '../core/fingerprint.js';
import { failingFinding } from '../core/finding.js';
import type { AnyRule, ReportInput, RuleContext, RuleMeta } from '../core/rule.js';
import type { ConfigSuppressor } from '../core/suppression.js';
import type { Finding, FrameworkRef, Location, Severity } from '../core/types.js';
import type { EventDocument } from '../parsers/events/event-documents.js';

export interface MonitorOptions {
  rules: readonly AnyRule[];
  ruleConfig?: ReadonlyMap<string, { severity?: Severity; options?: Record<string, unknown> }>;
  frameworksOf?(meta: RuleMeta): FrameworkRef[];
  suppressor?: ConfigSuppressor;
  onFinding(f: Finding): void;
  /** A rule that threw on an event: reported, the stream goes on. */
  onRuleError?(message: string): void;
  /**
   * Suppression hygiene as for scans: an ignore entry without a reason (SAN-0001) or past its expiry
   * (SAN-0002) is reported once, when it first matches a detection; `path` is the configuration file.
   */
  hygiene?: { path: string; lookup(ruleId: string): AnyRule | undefined };
}

const SUPPRESSION_WITHOUT_REASON = 'SAN-0001';
const EXPIRED_SUPPRESSION = 'SAN-0002';

export interface MonitorStats {
  /** Events judged by the rules. */
  events: number;
  findings: number;
  suppressed: number;
  ruleErrors: number;
}

interface Bound {
  rule: AnyRule;
  ctx: RuleContext;
}

export class RuntimeMonitor {
  readonly stats: MonitorStats = { events: 0, findings: 0, suppressed: 0, ruleErrors: 0 };
  private readonly byKind = new Map<string, Bound[]>();
  private pending: Array<{ rule: AnyRule; input: ReportInput }> = [];
  private readonly hygieneReported = new Set<string>();
  private readonly entryIds = new Map<object, number>();

  constructor(private readonly opts: MonitorOptions) {
    for (const rule of opts.rules) {
      const defaults: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(rule.meta.options ?? {})) defaults[k] = v.default;
      const ctx: RuleContext = {
        report: (input) => this.pending.push({ rule, input }),
        options: { ...defaults, ...opts.ruleConfig?.get(rule.meta.id)?.options },
        settings: { strictModels: false },
        runs: (scanner, kind) => this.byKind.get(kind)?.some((b) => b.rule.meta.scanner === scanner) ?? false,
      };
      for (const kind of rule.meta.appliesTo) {
        const list = this.byKind.get(kind) ?? [];
        list.push({ rule, ctx });
        this.byKind.set(kind, list);
      }
    }
  }

  /** Judges one event. */
  check(doc: EventDocument): void {
    const rules = this.byKind.get(doc.kind);
    this.stats.events++;
    if (!rules) return;
    for (const { rule, ctx } of rules) {
      try {
        rule.check(doc, ctx);
      } catch (e) {
        this.stats.ruleErrors++;
        this.opts.onRuleError?.(
          `rule ${rule.meta.id} (${rule.meta.slug}) failed on event ${doc.event.auditID}: ${(e as Error).message ?? String(e)}`,
        );
      }
    }
    if (this.pending.length === 0) return;
    const reports = this.pending;
    this.pending = [];
    const seen = new Map<string, number>();
    for (const { rule, input } of reports) this.emit(rule.meta, doc, input, seen);
  }

  private emit(meta: RuleMeta, doc: EventDocument, input: ReportInput, seen: Map<string, number>): void {
    const located = doc.locate(input.at);
    const location: Location = { path: doc.file.path, ...located.range };
    if (located.objectPath !== undefined) location.objectPath = located.objectPath;
    if (doc.resource) location.resource = doc.resource;
    if (doc.detail) location.detail = doc.detail;
    location.event = doc.event;
    const key = `${meta.id}\u0000${location.objectPath ?? ''}`;
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    const finding = failingFinding(meta, input, location, fingerprint(meta.id, location, '', occurrence), this.opts);
    if (input.evidence) finding.evidence = input.evidence;
    this.opts.suppressor?.apply(finding);
    if (finding.status === 'suppressed') this.stats.suppressed++;
    this.stats.findings++;
    this.opts.onFinding(finding);
    if (this.opts.hygiene && this.opts.suppressor) this.reportHygiene(this.opts.hygiene);
  }

  private reportHygiene(hygiene: NonNullable<MonitorOptions['hygiene']>): void {
    const { unreasoned, expired } = this.opts.suppressor!.hygiene();
    const what = (e: { rule?: string }) => `Ignore entry for ${e.rule ?? 'paths'}`;
    const found: Array<[string, object, string]> = [
      ...unreasoned.map((e): [string, object, string] => [SUPPRESSION_WITHOUT_REASON, e, `${what(e)} has no reason`]),
      ...expired.map((e): [string, object, string] => [
        EXPIRED_SUPPRESSION,
        e,
        `${what(e)} expired on ${e.expires}; its detections are reported again`,
      ]),
    ];
    for (const [ruleId, entry, message] of found) {
      let n = this.entryIds.get(entry);
      if (n === undefined) this.entryIds.set(entry, (n = this.entryIds.size));
      const key = `${ruleId}\u0000${n}`;
      if (this.hygieneReported.has(key)) continue;
      this.hygieneReported.add(key);
      const rule = hygiene.lookup(ruleId);
      if (!rule) continue;
      const location: Location = { path: hygiene.path };
      this.stats.findings++;
      this.opts.onFinding(failingFinding(rule.meta, { message }, location, fingerprint(ruleId, location, message, 0), this.opts));
    }
  }
}
