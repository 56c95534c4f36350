import type { At, DocumentSuppression, Located, ScanDocument } from './document.js';
import { isTextInValue } from './document.js';
import { DigestCounter } from './digest-counter.js';
import { fingerprintBytesAt, fingerprintOf, occurrenceScope, setLegacyFingerprint } from './fingerprint.js';
import { failingFinding } from './finding.js';
import { answersTo, foldSuperseded } from './fold.js';
import {
  expiryProblem,
  findInlineSuppressions,
  INLINE,
  isExpired,
  suppressionsFor,
  type FileSuppressions,
  type InlineSuppression,
  type SuppressedFile,
} from './inline-suppression.js';
import { fileLines } from './line-index.js';
import { DEFAULT_LIMITS, ParseFailure, parserLimit, type Limits, type Parser } from './parser.js';
import type { AnyRule, FixInput, ReportInput, RuleContext, RuleMeta, ScanSettings } from './rule.js';
import { FileReadError, looksBinary, type SourceFile } from './source-file.js';
import { describeSystemError, isSystemError } from './system-error.js';
import type { Finding, FixSuggestion, FrameworkRef, Location, ScanError, Severity, SourceRange, Suppression } from './types.js';
import { pointerFromPath, pointerOfTail, type ObjectPath } from './types.js';

export const SUPPRESSION_WITHOUT_REASON = 'SAN-0001';
export const EXPIRED_SUPPRESSION = 'SAN-0002';

export interface EngineOptions {
  parsers: readonly Parser[];
  /** Rules that run. */
  rules: readonly AnyRule[];
  /** Every known rule, to report engine findings (suppression hygiene) and resolve names. */
  lookup(idOrSlug: string): AnyRule | undefined;
  settings?: Partial<ScanSettings>;
  limits?: Partial<Limits>;
  /** Per-rule options and severity from configuration, keyed by rule id. */
  ruleConfig?: ReadonlyMap<string, { severity?: Severity; options?: Record<string, unknown> }>;
  /** The framework references a rule's findings carry (default: the rule's own; see `refsAtLevels`). */
  frameworksOf?(meta: RuleMeta): FrameworkRef[];
  /** `YYYY-MM-DD`; decides whether a suppression has expired. */
  today?: string;
  onFile?(file: SourceFile, index: number): void;
  /** Receives the findings of each file once its own rules are done (they then leave `findings`); cross-object findings stay. */
  onFileFindings?(findings: Finding[]): void;
  /**
   * Files arrive in the order of one depth-first directory walk: the cross-document rules of a
   * directory's part of a set (`Parser.setDirectory`) run as soon as a file from outside that
   * directory arrives, and its documents are dropped (their findings then go to `onFileFindings`).
   */
  depthFirst?: boolean;
  /** Receives each set document (`Parser.collect`) before its cross-document rules run: what a scan learns of the set as a whole. */
  onSet?(doc: ScanDocument): void;
  /**
   * False in the worker thread of a threaded cluster scan: the main thread keeps the documents of the
   * objects the worker scans (`collectOnly`) and runs the cross-document rules over all of them.
   */
  sets?: boolean;
  /**
   * Masks the secrets of the document in evidence the engine takes from the located text (the first line
   * of a rule's location, a released cluster object's value as JSON), not from the rule: on a manifest of
   * one line (JSON, flow style) that line holds every value of the object.
   */
  maskEvidence?(text: string, doc: ScanDocument): string;
  /**
   * Also makes each finding's fingerprint as it was before fingerprints hashed the subject path
   * (`legacyFingerprintOf`), where it differs: for a baseline or ignore entries written before, which
   * match either. Costs a digest per such finding; off by default.
   */
  legacyFingerprints?: boolean;
}

export interface EngineResult {
  findings: Finding[];
  errors: ScanError[];
  files: number;
  resources: number;
}

interface RawReport {
  rule: AnyRule;
  doc: ScanDocument;
  input: ReportInput;
}

interface RuleRun {
  rule: AnyRule;
  ctx: RuleContext;
}

/** The documents a set parser keeps for its cross-document rules until their part of the set is complete. */
interface SetDocuments {
  /** Documents collected at `finish`, with their order of arrival. */
  pending: Array<{ doc: ScanDocument; seq: number }>;
  /** Parts made of one directory's files (see `Parser.setDirectory`), by directory. */
  directories: Map<string, Array<{ doc: ScanDocument; seq: number }>>;
  /** True once a part was collected before `finish`. */
  collectedEarly: boolean;
}

const EVIDENCE_MAX = 160;
/** How far past `EVIDENCE_MAX` evidence taken from the located text is read to mask its secrets (`maskEvidence`). */
const MASKED_AHEAD = 256;

/**
 * Callbacks of the set collection as functions of the module: an arrow made on each call is a new
 * closure, which TurboFan compiled again for each set (up to 8 times at 50,000 objects).
 */
function docOfEntry(e: { doc: ScanDocument }): ScanDocument {
  return e.doc;
}
function bySeq(a: { seq: number }, b: { seq: number }): number {
  return a.seq - b.seq;
}

/** Parses each file once, hands every document to the rules that apply, and resolves findings. */
export class Engine {
  private readonly limits: Limits;
  private readonly settings: ScanSettings;
  /** The rules of each document kind, each with the one context it reports through for the whole scan. */
  private readonly rulesByKind = new Map<string, RuleRun[]>();
  private readonly scannersByKind = new Map<string, ReadonlySet<string>>();
  private readonly activeParsers: Parser[];
  /** The active parsers that read cluster objects (`Parser.readsClusterObjects`): the only ones a cluster object is matched against. */
  private readonly clusterParsers: Parser[];
  private readonly setParsers: Parser[];
  private readonly today: string;
  private readonly setDocs = new Map<Parser, SetDocuments>();
  private setSeq = 0;
  private readonly occurrences = new DigestCounter();
  /** Occurrences of the legacy fingerprints (`EngineOptions.legacyFingerprints`). */
  private readonly legacyOccurrences: DigestCounter | undefined;
  private readonly engineReported = new Set<string>();
  /**
   * Files another thread scans (`collectOnly`): the hygiene of their annotations waits for `settleHygiene`.
   * A `Set`, not a `WeakSet`: their documents hold them to the end of the scan anyway, and an entry of
   * a `WeakSet` costs more to add and to trace.
   */
  private readonly collected = new Set<SourceFile>();
  /** Hygiene findings of annotations on `collected` files, by their `firstHygiene` key, until `settleHygiene`. */
  private readonly deferredHygiene: Array<{ key: string; findings: Finding[] }> = [];
  /** The parsers the last file asked about matched: `wants` then `scanFile` on one file sniff it once. */
  private lastMatch: { file: SourceFile; parsers: Parser[] } | undefined;
  readonly findings: Finding[] = [];
  readonly errors: ScanError[] = [];
  private files = 0;
  private resources = 0;
  /** The file the location of the finding `toFinding` returned last lies in. */
  private resolvedFile: SourceFile | undefined;
  /**
   * The document the rules are checking and where their reports go: set once per document, not on each
   * rule's run (a young value stored into an old object takes the write barrier's slow path each time).
   */
  private checkedDoc: ScanDocument | undefined;
  private checkedReports: RawReport[] = [];

  constructor(private readonly opts: EngineOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.settings = { strictModels: false, ...opts.settings };
    this.today = opts.today ?? new Date().toISOString().slice(0, 10);
    this.settings.today ??= this.today;
    this.legacyOccurrences = opts.legacyFingerprints ? new DigestCounter() : undefined;
    for (const rule of opts.rules) {
      const run = this.runOf(rule);
      for (const kind of rule.meta.appliesTo) {
        const list = this.rulesByKind.get(kind) ?? [];
        list.push(run);
        this.rulesByKind.set(kind, list);
      }
    }
    // A parser is needed when rules read its documents or the set it collects from them.
    this.activeParsers = opts.parsers.filter(
      (p) => p.produces.some((k) => this.rulesByKind.has(k)) || (p.setKind !== undefined && this.rulesByKind.has(p.setKind)),
    );
    this.clusterParsers = this.activeParsers.filter((p) => p.readsClusterObjects === true);
    this.setParsers =
      opts.sets === false ? [] : this.activeParsers.filter((p) => p.setKind && p.collect && this.rulesByKind.has(p.setKind));
    for (const p of this.setParsers) this.setDocs.set(p, { pending: [], directories: new Map(), collectedEarly: false });
  }

  /** True when some active parser would read this file. */
  wants(file: SourceFile): boolean {
    return this.matching(file).length > 0;
  }

  private matching(file: SourceFile): Parser[] {
    if (this.lastMatch?.file !== file) this.lastMatch = { file, parsers: this.matchParsers(file) };
    return this.lastMatch.parsers;
  }

  private matchParsers(file: SourceFile): Parser[] {
    try {
      // The same parsers, in the same order, as filtering every active parser by `readsClusterObjects` for each object.
      return (file.cluster === undefined ? this.activeParsers : this.clusterParsers).filter((p) => safeMatch(p, file));
    } catch (e) {
      // Gone (or unreadable) between the walk and the sniff of its first bytes: said once, and the scan goes on.
      this.error(file.path, (e as FileReadError).message);
      return [];
    }
  }

  /**
   * A file no active parser reads (see `wants`): one named as a target that no parser at all reads,
   * whatever scanners are selected, is said; a file of a directory walk passes by in silence.
   */
  passOver(file: SourceFile): void {
    if (!file.namedTarget || !isBinary(file)) return;
    if (this.opts.parsers.some((p) => (file.cluster === undefined || p.readsClusterObjects === true) && safeMatch(p, file))) return;
    this.error(file.path, NOTHING_READS_IT);
  }

  scanFile(file: SourceFile): void {
    if (this.opts.depthFirst && !file.renderedBy) this.collectDirectoriesLeft(file.path);
    this.opts.onFile?.(file, this.files);
    this.files++;
    const errorsBefore = this.errors.length;
    let documentsRead = 0;
    const reports: RawReport[] = [];
    const retained: ScanDocument[] = [];
    const parsers = this.matching(file);
    this.lastMatch = undefined;
    // A file over a size limit is said once (the yaml parser's, not the text parser's too).
    let overSizeSaid = false;
    for (const parser of parsers) {
      const max = parserLimit(parser, file, this.limits);
      if (file.size > max) {
        if (!overSizeSaid)
          this.error(
            file.path,
            `file is ${formatBytes(file.size)}, over the ${formatBytes(max)} limit of the ${parser.name} parser; not scanned`,
          );
        overSizeSaid = true;
        continue;
      }
      let documents: ScanDocument[];
      try {
        const out = parser.parse(file, { limits: this.limits });
        documents = out.documents;
        for (const e of out.errors ?? []) this.error(file.path, e.message, e.line);
      } catch (e) {
        if (e instanceof ParseFailure && e.overSizeLimit) {
          if (overSizeSaid) continue;
          overSizeSaid = true;
        }
        this.error(file.path, describeError(e, parser.name), e instanceof ParseFailure ? e.line : undefined);
        // A file that cannot be read is said once, not once per parser.
        if (e instanceof FileReadError) break;
        continue;
      }
      documentsRead += documents.length;
      for (const doc of documents) {
        if (doc.resource && !doc.derived) this.resources++;
        this.runRules(doc, reports);
      }
      const set = this.setDocs.get(parser);
      if (set) {
        for (const doc of documents) {
          // A derived view (a pod spec of an object) is rebuilt from the document it comes from.
          if (doc.derived) continue;
          const entry = { doc, seq: this.setSeq++ };
          const dir = this.opts.depthFirst ? parser.setDirectory?.(doc) : undefined;
          if (dir === undefined) set.pending.push(entry);
          else {
            const list = set.directories.get(dir);
            if (list) list.push(entry);
            else set.directories.set(dir, [entry]);
          }
        }
        for (const item of documents) retained.push(item);
      }
    }
    if (file.namedTarget && documentsRead === 0 && this.errors.length === errorsBefore && isBinary(file)) {
      // Its parsers looked and found nothing they read (an executable without Go build information): not a file scanned.
      this.files--;
      this.error(file.path, NOTHING_READS_IT);
    }
    this.resolve(reports);
    // Kept for the cross-document rules: let them drop what they can rebuild.
    for (const doc of retained) doc.compact?.();
    if (this.opts.onFileFindings && this.findings.length > 0) this.opts.onFileFindings(this.findings.splice(0));
  }

  /**
   * A file another thread scans (a cluster object the worker of a threaded cluster scan takes): its
   * documents are kept for this thread's cross-document rules as `scanFile` keeps them, in the order
   * of arrival, but no rule runs on them here and they count for nothing (no file, resource or error:
   * the other thread reports those).
   */
  collectOnly(file: SourceFile): void {
    const parsers = this.matching(file);
    this.lastMatch = undefined;
    this.collected.add(file);
    for (const parser of parsers) {
      const set = this.setDocs.get(parser);
      if (!set || file.size > parserLimit(parser, file, this.limits)) continue;
      let documents: ScanDocument[];
      try {
        documents = parser.parse(file, { limits: this.limits, collectOnly: true }).documents;
      } catch {
        continue;
      }
      for (const doc of documents) if (!doc.derived) set.pending.push({ doc, seq: this.setSeq++ });
      for (const doc of documents) doc.compact?.();
    }
  }

  /**
   * The keys of the annotation suppressions (see `annotationHygiene`) whose hygiene this engine has
   * reported: the worker of a threaded cluster scan hands them to the main thread (`settleHygiene`).
   */
  reportedHygiene(): string[] {
    return [...this.engineReported];
  }

  /**
   * Adds the hygiene of the annotations of files another thread scans (`collectOnly`) that the
   * cross-document rules used here, except what that thread reported (`reported`: its
   * `reportedHygiene`). One thread reports a suppression's hygiene once, where its first finding is
   * resolved: with the object's own findings (the other thread's, then) or with those of the
   * cross-document rules (here). Built when those rules were resolved, as one thread builds them.
   */
  settleHygiene(reported: Iterable<string>): void {
    const other = new Set(reported);
    for (const { key, findings } of this.deferredHygiene.splice(0)) if (!other.has(key)) for (const item of findings) this.findings.push(item);
  }

  /** Runs the cross-document rules and returns everything found. */
  finish(): EngineResult {
    for (const parser of this.setParsers) {
      const set = this.setDocs.get(parser)!;
      const remaining = [...set.pending, ...[...set.directories.values()].flat()].sort(bySeq).map(docOfEntry);
      set.pending = [];
      set.directories.clear();
      // Parts collected early are done; without any, `collect` sees every document (or none) as before.
      if (remaining.length > 0 || !set.collectedEarly) this.runSet(parser, remaining);
    }
    return { findings: this.findings, errors: this.errors, files: this.files, resources: this.resources };
  }

  /**
   * A file at `path` came by in the depth-first walk but is scanned elsewhere (another thread of a
   * parallel scan): the directories it lies outside of are complete here, as when a file arrives.
   */
  passed(path: string): void {
    if (this.opts.depthFirst) this.collectDirectoriesLeft(path);
  }

  /** In a depth-first walk, the directories that `path` lies outside of can receive no more files: their parts of the sets are complete. */
  private collectDirectoriesLeft(path: string): void {
    for (const parser of this.setParsers) {
      const set = this.setDocs.get(parser)!;
      for (const [dir, entries] of set.directories) {
        if (path.startsWith(dir) && path[dir.length] === '/') continue;
        set.directories.delete(dir);
        set.collectedEarly = true;
        this.runSet(parser, entries.map(docOfEntry));
      }
    }
  }

  /** Builds the set views of `docs` and runs their rules. */
  private runSet(parser: Parser, docs: ScanDocument[]): void {
    let setDocs: ScanDocument[];
    try {
      setDocs = [parser.collect!(docs)].flat();
    } catch (e) {
      this.error('.', describeError(e, parser.name));
      return;
    }
    if (this.opts.onSet)
      for (const setDoc of setDocs) {
        try {
          this.opts.onSet(setDoc);
        } catch (e) {
          this.error('.', describeError(e, parser.name));
        }
      }
    const reports: RawReport[] = [];
    for (const setDoc of setDocs) this.runRules(setDoc, reports);
    // File by file, so that positions rebuilt for one file's findings are dropped before the next.
    const byFile = new Map<SourceFile, RawReport[]>();
    for (const r of reports) {
      const list = byFile.get(r.doc.file);
      if (list) list.push(r);
      else byFile.set(r.doc.file, [r]);
    }
    for (const group of byFile.values()) {
      this.resolve(group);
      for (const doc of new Set(group.map((r) => r.doc))) doc.compact?.();
    }
  }

  private runRules(doc: ScanDocument, reports: RawReport[]): void {
    const runs = this.rulesByKind.get(doc.kind);
    if (!runs) return;
    this.checkedDoc = doc;
    this.checkedReports = reports;
    for (const run of runs) {
      try {
        run.rule.check(doc, run.ctx);
      } catch (e) {
        const { meta } = run.rule;
        this.error(doc.file.path, `rule ${meta.id} (${meta.slug}) failed: ${describeError(e, meta.slug)}`);
      }
    }
  }

  /** One context per rule for the whole scan, pointed at the document being checked. */
  private runOf(rule: AnyRule): RuleRun {
    const run: RuleRun = {
      rule,
      ctx: {
        report: (input) => this.checkedReports.push({ rule, doc: input.doc ?? this.checkedDoc!, input }),
        options: this.optionsFor(rule.meta),
        settings: this.settings,
        runs: (scanner, kind) => this.scannersOf(kind).has(scanner),
      },
    };
    return run;
  }

  /** The scanners whose rules read documents of `kind` (the rules of a scan are fixed: decided once per kind). */
  private scannersOf(kind: string): ReadonlySet<string> {
    let scanners = this.scannersByKind.get(kind);
    if (!scanners) {
      scanners = new Set((this.rulesByKind.get(kind) ?? []).map((r) => r.rule.meta.scanner));
      this.scannersByKind.set(kind, scanners);
    }
    return scanners;
  }

  private optionsFor(meta: RuleMeta): Record<string, unknown> {
    const defaults: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(meta.options ?? {})) defaults[k] = v.default;
    return { ...defaults, ...this.opts.ruleConfig?.get(meta.id)?.options };
  }

  private resolve(reports: RawReport[]): void {
    if (reports.length === 0) return;
    const inlineByFile = new Map<SourceFile, InlineSuppressions>();
    const usedInline = new Set<InlineSuppression>();
    const usedAnnotations = new Map<DocumentSuppression, ScanDocument>();
    const findings: Finding[] = [];
    // The file each finding lies in, by index.
    const files: SourceFile[] = [];
    for (const { rule, doc, input } of reports) {
      findings.push(this.toFinding(rule.meta, doc, input.at, input));
      files.push(this.resolvedFile!);
    }
    const folded = foldSuperseded(findings, (i) => reports[i].rule.meta);
    for (let i = 0; i < reports.length; i++) {
      if (folded.has(i)) continue;
      const { doc } = reports[i];
      const finding = findings[i];
      const file = files[i];
      if (!inlineByFile.has(file)) inlineByFile.set(file, inlineFor(file));
      const inline = inlineByFile.get(file);
      const suppression = this.suppressionFor(finding, doc, inline?.map, usedInline, usedAnnotations);
      if (suppression) {
        finding.status = 'suppressed';
        finding.suppression = suppression;
      }
      // An object read from a cluster has no lines (its text was written for the scan): they served to fold.
      if (file.cluster) finding.location = withoutRange(finding.location);
      this.findings.push(finding);
    }
    for (const [file, inline] of inlineByFile) {
      if (!inline) continue;
      for (const list of inline.map.values()) for (const s of list) if (usedInline.has(s)) this.hygiene(file.path, s);
    }
    for (const [s, doc] of usedAnnotations) this.annotationHygiene(doc, s);
  }

  /**
   * The finding; the file its location lies in (for a rendered object, the source that set the value)
   * is left in `resolvedFile`, without an object per finding to carry both.
   */
  private toFinding(meta: RuleMeta, doc: ScanDocument, at: At | undefined, input: Omit<ReportInput, 'at' | 'doc'>): Finding {
    let located: Located;
    try {
      located = doc.locate(at);
    } catch {
      located = {};
    }
    const file = located.file ?? doc.file;
    const objectPath =
      located.objectPath ?? (Array.isArray(at) ? pointerFromPath(at) : at && isTextInValue(at) ? pointerFromPath(at.path) : undefined);
    const r = located.range;
    const image = file.image ?? doc.file.image;
    const resource = doc.resource;
    let location: Location;
    if (r && objectPath !== undefined && resource && !doc.detail && !doc.event && !doc.file.renderedBy && !file.cluster && !image) {
      // The location of most findings on manifests, made in its final shape.
      const { startLine, startColumn, endLine, endColumn } = r;
      location = { path: file.path, startLine, startColumn, endLine, endColumn, objectPath, resource };
    } else {
      // Written out rather than spread: one object of one shape per finding.
      location = r
        ? { path: file.path, startLine: r.startLine, startColumn: r.startColumn, endLine: r.endLine, endColumn: r.endColumn }
        : { path: file.path };
      if (objectPath !== undefined) location.objectPath = objectPath;
      if (resource) location.resource = resource;
      if (doc.detail) location.detail = doc.detail;
      if (doc.event) location.event = doc.event;
      if (doc.file.renderedBy) location.renderedBy = [doc.file.renderedBy];
      if (file.cluster) location.cluster = file.cluster.ref;
      if (image) location.image = image;
    }
    let evidence = input.evidence;
    if (evidence === undefined) {
      const mask = this.opts.maskEvidence;
      evidence = mask ? maskedFirstLine(located.snippet, (text) => mask(text, doc)) : firstLine(located.snippet);
    }
    // Two advisories on one manifest line are two findings, each with its own stable fingerprint.
    const anchor =
      (objectPath !== undefined ? '' : (evidence ?? '').replace(/\s+/g, ' ')) + (input.vulnerability ? ` ${input.vulnerability.id}` : '');
    // The path the fingerprint hashes: what the finding is about, not where it is shown (see `subjectPointer`).
    const shown = input.identity === undefined ? objectPath : `identity:${input.identity}`;
    const subject = input.subject;
    let hashed = shown;
    if (subject !== undefined && input.identity === undefined) {
      const pointer = objectPath === undefined ? undefined : subjectPointer(objectPath, at, subject);
      hashed = pointer !== undefined ? pointer + UNSET : subjectNotLed(meta.id, objectPath, subject);
    }
    const first = fingerprintBytesAt(meta.id, location, hashed, anchor, 0);
    const print = this.counted(this.occurrences, first, meta.id, location, hashed, anchor);
    let fix: FixSuggestion | undefined;
    // An object read from a cluster has no file to edit.
    if (input.fix && !doc.file.cluster) {
      fix = resolveFix(doc, input.fix);
      // A fix computed on rendered output edits text that is in no file: reported, never applied.
      if (doc.file.renderedBy) fix = renderedFix(doc, fix, location, file !== doc.file);
    }
    const finding = failingFinding(meta, input, location, print, this.opts, evidence, fix);
    if (this.legacyOccurrences)
      setLegacyFingerprint(finding, this.legacyFingerprint(meta.id, location, shown, anchor, print, hashed === shown ? first : undefined));
    if (input.vulnerability) finding.vulnerability = input.vulnerability;
    if (input.package) finding.package = input.package;
    this.resolvedFile = file;
    return finding;
  }

  private suppressionFor(
    f: Finding,
    doc: ScanDocument,
    inline: Map<number, InlineSuppression[]> | undefined,
    used: Set<InlineSuppression>,
    usedAnnotations: Map<DocumentSuppression, ScanDocument>,
  ): Suppression | undefined {
    if (inline && f.location.startLine !== undefined) {
      for (const s of suppressionsFor(inline, f.location.startLine)) {
        if (!s.rules.some((r) => answersTo(f, r))) continue;
        used.add(s);
        if (isExpired(s.expires, this.today)) continue;
        return { kind: 'inline', ...(s.reason ? { reason: s.reason } : {}), ...(s.expires ? { expires: s.expires } : {}) };
      }
    }
    const annotations = doc.suppressions;
    if (annotations === undefined) return undefined;
    for (const s of annotations) {
      if (!answersTo(f, s.rule)) continue;
      usedAnnotations.set(s, doc);
      if (isExpired(s.expires, this.today)) continue;
      return { kind: 'annotation', ...(s.reason ? { reason: s.reason } : {}), ...(s.expires ? { expires: s.expires } : {}) };
    }
    return undefined;
  }

  /** Hygiene of a suppression declared on the document itself (the `sanctum.dev/ignore` annotation). */
  private annotationHygiene(doc: ScanDocument, s: DocumentSuppression): void {
    const r = doc.resource;
    const key = `${doc.file.path}\u0000${r ? `${r.kind}/${r.namespace ?? ''}/${r.name ?? ''}` : ''}\u0000${JSON.stringify(s.at ?? null)}\u0000${s.rule}`;
    if (!this.firstHygiene(key)) return;
    // Another thread scans the file: its findings wait to learn whether that thread reported them.
    const deferred = this.collected.has(doc.file) ? { key, findings: [] as Finding[] } : undefined;
    if (deferred) this.deferredHygiene.push(deferred);
    const to = deferred?.findings ?? this.findings;
    let located: Located = {};
    try {
      located = s.at !== undefined ? doc.locate(s.at) : {};
    } catch {
      /* reported without a position */
    }
    const extra: Pick<Location, 'objectPath' | 'resource'> = {};
    if (located.objectPath !== undefined) extra.objectPath = located.objectPath;
    if (doc.resource) extra.resource = doc.resource;
    const path = (located.file ?? doc.file).path;
    if (!s.reason)
      this.engineFinding(
        SUPPRESSION_WITHOUT_REASON,
        path,
        located.range ?? {},
        `Suppression of ${s.rule} in an annotation has no reason`,
        extra,
        to,
      );
    if (isExpired(s.expires, this.today))
      this.engineFinding(
        EXPIRED_SUPPRESSION,
        path,
        located.range ?? {},
        `Suppression of ${s.rule} in an annotation ${expiryProblem(s.expires!)}; the finding is reported again`,
        extra,
        to,
      );
  }

  /** Reports a suppression without a reason, or one past its expiry date. */
  private hygiene(path: string, s: InlineSuppression): void {
    if (!this.firstHygiene(`${path}\u0000${s.line}:${s.column}`)) return;
    const at = { startLine: s.line, startColumn: s.column, endLine: s.line, endColumn: s.endColumn };
    if (!s.reason) this.engineFinding(SUPPRESSION_WITHOUT_REASON, path, at, `Suppression of ${s.rules.join(', ')} has no reason`);
    if (isExpired(s.expires, this.today))
      this.engineFinding(
        EXPIRED_SUPPRESSION,
        path,
        at,
        `Suppression of ${s.rules.join(', ')} ${expiryProblem(s.expires!)}; the finding is reported again`,
      );
  }

  /** One suppression can cover findings resolved in several batches (a file, then the set of a scan): its hygiene is reported once. */
  private firstHygiene(key: string): boolean {
    if (this.engineReported.has(key)) return false;
    this.engineReported.add(key);
    return true;
  }

  /**
   * The fingerprint of a finding; equal findings within a file are told apart by their occurrence.
   * Counted by the first occurrence's digest.
   */
  private uniqueFingerprint(ruleId: string, location: Location, objectPath: string | undefined, anchor: string): string {
    return this.counted(
      this.occurrences,
      fingerprintBytesAt(ruleId, location, objectPath, anchor, 0),
      ruleId,
      location,
      objectPath,
      anchor,
    );
  }

  /** The fingerprint whose first occurrence's digest is `first`, counted among `occurrences` (by file: see `occurrenceScope`). */
  private counted(
    occurrences: DigestCounter,
    first: string,
    ruleId: string,
    location: Location,
    objectPath: string | undefined,
    anchor: string,
  ): string {
    const seen = occurrences.addBytes(first, occurrenceScope(ruleId, location));
    return fingerprintOf(seen === 0 ? first : fingerprintBytesAt(ruleId, location, objectPath, anchor, seen));
  }

  /**
   * The fingerprint the finding had before fingerprints hashed its subject (the path it is shown at,
   * counted among the legacy ones), when it differs from `print`. `first`: its first occurrence's digest,
   * when the finding's own fingerprint hashed the same path (a finding without a subject): made once.
   */
  private legacyFingerprint(
    ruleId: string,
    location: Location,
    shown: string | undefined,
    anchor: string,
    print: string,
    first = fingerprintBytesAt(ruleId, location, shown, anchor, 0),
  ): string | undefined {
    const legacy = this.counted(this.legacyOccurrences!, first, ruleId, location, shown, anchor);
    return legacy === print ? undefined : legacy;
  }

  /** Reports a finding raised by the engine itself (suppression hygiene). */
  engineFinding(
    ruleId: string,
    path: string,
    range: Partial<SourceRange>,
    message: string,
    extra: Pick<Location, 'objectPath' | 'resource'> = {},
    to: Finding[] = this.findings,
  ): void {
    const rule = this.opts.lookup(ruleId);
    if (!rule) return;
    const location: Location = { path, ...range, ...extra };
    // Hashed as before: its rule's findings are all the engine's, made the same way (no legacy one differs).
    const print = this.uniqueFingerprint(ruleId, location, location.objectPath, message);
    to.push(failingFinding(rule.meta, { message }, location, print, this.opts));
  }

  error(path: string, message: string, line?: number): void {
    this.errors.push(line !== undefined ? { path, message, line } : { path, message });
  }
}

/**
 * Ends the hashed path of a setting that is not written: a finding about the same setting written with a bad
 * value (shown at it, no `subject`) is another finding, and must not share its fingerprint.
 */
const UNSET = '\u0001unset';

/**
 * The object path a finding's fingerprint hashes: the path the rule names as its subject (`ReportInput.subject`:
 * a setting not written, reported at the deepest node that is, or at a node beside it such as the container's
 * `name`), so that writing a setting beside it leaves the fingerprint as it was. `objectPath` is where the finding
 * is shown, the pointer of the document's own path (a List's item) and then `at`: the part of `at` past what it
 * shares with `subject` is replaced by the rest of `subject`. Undefined when `at` does not lead there, against the
 * contract of `ReportInput.subject`: `at` is not an object path, or the finding is not shown at it (`objectPath`
 * does not end with `at`'s part past the shared one: `at` names a node that does not exist).
 */
function subjectPointer(objectPath: string, at: At | undefined, subject: ObjectPath): string | undefined {
  if (!Array.isArray(at)) return undefined;
  // `objectPath` is the pointer of the document's own path to the value (a List's item) and then `at`.
  const path = at as ObjectPath;
  let common = 0;
  while (common < path.length && common < subject.length && path[common] === subject[common]) common++;
  const shownTail = common === path.length ? '' : pointerOfTail(path, common);
  if (shownTail !== '' && !objectPath.endsWith(shownTail)) return undefined;
  return objectPath.slice(0, objectPath.length - shownTail.length) + pointerOfTail(subject, common);
}

/**
 * The hashed path of a finding whose `subject` its `at` does not lead to (`subjectPointer`, or no object path at
 * all): a rule's mistake. Under the tests (vitest sets `VITEST`, also in the CLI processes they start) it is an
 * error naming the rule. A user's scan hashes what it hashed before this was checked: the path the finding is shown
 * at, marked as not written, or without an object path (a text span) the finding's own anchor, as if no subject.
 */
function subjectNotLed(ruleId: string, objectPath: string | undefined, subject: ObjectPath): string | undefined {
  if (process.env.VITEST)
    throw new Error(
      `${ruleId}: a finding's subject ${JSON.stringify(subject)} is not led to by its 'at' (shown at ${objectPath === undefined ? 'no object path' : JSON.stringify(objectPath)}): see ReportInput.subject`,
    );
  return objectPath === undefined ? undefined : objectPath + UNSET;
}

const RANGE_KEYS: ReadonlySet<string> = new Set(['startLine', 'startColumn', 'endLine', 'endColumn']);

/** A copy of the location without its lines, in the same order: deleting them would leave a slow dictionary-mode object. */
function withoutRange(location: Location): Location {
  const out: Record<string, unknown> = {};
  for (const key in location) if (!RANGE_KEYS.has(key)) out[key] = location[key as keyof Location];
  return out as unknown as Location;
}

type InlineSuppressions = FileSuppressions;

/** The inline suppressions of files whose class has no slot for them (see `INLINE`). */
const inlineOfFile = new WeakMap<SourceFile, InlineSuppressions>();

/** The inline suppressions of a file, read once: findings of cross-object rules come back to files whose text was released. */
function inlineFor(file: SourceFile): InlineSuppressions {
  // An object read from a cluster has no comments (its text is JSON written for the scan).
  if (file.cluster) return null;
  let inline = (file as SuppressedFile)[INLINE];
  if (inline !== undefined) return inline;
  if (INLINE in file) {
    inline = readInline(file);
    (file as SuppressedFile)[INLINE] = inline;
    return inline;
  }
  inline = inlineOfFile.get(file);
  if (inline === undefined) {
    inline = readInline(file);
    inlineOfFile.set(file, inline);
  }
  return inline;
}

function readInline(file: SourceFile): InlineSuppressions {
  if (looksBinary(file.head())) return null;
  const text = file.text();
  if (!text.includes('sanctum:ignore')) return null;
  const lines = fileLines(file);
  return { lines, map: findInlineSuppressions(text, lines) };
}

function resolveFix(doc: ScanDocument, fix: FixInput): FixSuggestion {
  const lines = fileLines(doc.file);
  const path = doc.file.path;
  const { edits } = fix;
  // Most fixes have one edit: an array of one, without a callback.
  if (edits.length === 1) {
    const e = edits[0];
    return { description: fix.description, edits: [{ path, range: lines.range(e.span.start, e.span.end), replacement: e.replacement }] };
  }
  return {
    description: fix.description,
    edits: edits.map((e) => ({ path, range: lines.range(e.span.start, e.span.end), replacement: e.replacement })),
  };
}

/** Most lines of rendered output shown in the description of a fix that cannot be applied. */
const RENDERED_FIX_PREVIEW_LINES = 12;

/**
 * The fix of a finding on rendered output, described instead of applied: the render that produced
 * the text, the source line to change by hand (the template, values key or patch the finding was
 * traced to) and the change as it would look in the rendered output.
 */
function renderedFix(doc: ScanDocument, fix: FixSuggestion, location: Location, traced: boolean): FixSuggestion {
  const render = doc.file.renderedBy!;
  const where = traced
    ? `${location.path}${location.startLine ? `:${location.startLine}` : ''} (where the value is set)`
    : `the source that produces ${location.resource ? `${location.resource.kind} ${location.resource.name ?? ''}`.trim() : doc.file.path} (the line could not be traced)`;
  const lines = fileLines(doc.file);
  const preview: string[] = [];
  for (const e of [...fix.edits].sort((a, b) => a.range.startLine - b.range.startLine || a.range.startColumn - b.range.startColumn)) {
    const first = e.range.startLine;
    const last = e.range.endLine;
    const before: string[] = [];
    for (let l = first; l <= last; l++) before.push(lines.lineText(l));
    const joined = before.join('\n');
    const from = lines.offset(e.range.startLine, e.range.startColumn) - lines.offset(first);
    const to = lines.offset(e.range.endLine, e.range.endColumn) - lines.offset(first);
    const after = (joined.slice(0, from) + e.replacement + joined.slice(to)).split('\n');
    // Only the lines that change, after the line above them for context.
    let head = 0;
    while (head < before.length && head < after.length && before[head] === after[head]) head++;
    let tail = 0;
    while (tail < before.length - head && tail < after.length - head && before[before.length - 1 - tail] === after[after.length - 1 - tail])
      tail++;
    const context = first + head - 1;
    if (context >= 1) preview.push(`      ${lines.lineText(context)}`);
    for (const b of before.slice(head, before.length - tail)) preview.push(`    - ${b}`);
    for (const a of after.slice(head, after.length - tail)) preview.push(`    + ${a}`);
  }
  const shown = preview.slice(0, RENDERED_FIX_PREVIEW_LINES);
  if (preview.length > shown.length) shown.push(`    … ${preview.length - shown.length} more lines`);
  const manual =
    `the finding is on output of \`${render}\`, which --fix never writes; make the change by hand in ${where}: ${fix.description}` +
    (shown.length ? `. In the rendered output:\n${shown.join('\n')}` : '');
  return { description: fix.description, edits: [], manual };
}

/** What `errors` says of a file named as a target that no scanner reads. */
export const NOTHING_READS_IT = 'binary content that no scanner reads; not scanned';

function isBinary(file: SourceFile): boolean {
  try {
    return file.size > 0 && looksBinary(file.head());
  } catch {
    // Unreadable: said where it was read.
    return false;
  }
}

function safeMatch(p: Parser, file: SourceFile): boolean {
  try {
    return p.matches(file);
  } catch (e) {
    if (e instanceof FileReadError) throw e;
    return false;
  }
}

function firstLine(s: string | undefined, max = EVIDENCE_MAX): string | undefined {
  if (s === undefined) return undefined;
  const t = s.trim();
  const nl = t.indexOf('\n');
  const line = (nl === -1 ? t : t.slice(0, nl).trimEnd() + ' …').trim();
  return line.length > max ? line.slice(0, max) + '…' : line;
}

/**
 * The first line of `s` masked (`EngineOptions.maskEvidence`) before it is cut to `EVIDENCE_MAX`: a value
 * across that cut is masked whole. The line is read `MASKED_AHEAD` characters further, and masking a long
 * value shortens it, so text from near that second cut may come into the characters shown: when the line
 * was cut there, the token the cut went through (a value the mask saw only the start of) is left out. So
 * is the token a first line ends with inside a flow collection (`{password: correct horse` and the value
 * going on on the next line).
 */
function maskedFirstLine(s: string | undefined, mask: (text: string) => string): string | undefined {
  if (s === undefined) return undefined;
  const t = s.trim();
  const nl = t.indexOf('\n');
  let line = nl === -1 ? t : t.slice(0, nl).trimEnd();
  if (nl !== -1) {
    const end = cutTokenStart(line);
    if (end.flow) line = line.slice(0, end.at);
    line = (line.trimEnd() + ' …').trim();
  }
  const read = EVIDENCE_MAX + MASKED_AHEAD;
  const cut = line.length > read;
  if (cut) line = line.slice(0, read) + '…';
  let masked = mask(line);
  if (cut) {
    const text = masked.endsWith('…') ? masked.slice(0, -1) : masked;
    masked = text.slice(0, cutTokenStart(text).at) + '…';
  }
  return masked.length > EVIDENCE_MAX ? masked.slice(0, EVIDENCE_MAX) + '…' : masked;
}

/**
 * Where the token `text` was cut in starts (`text.slice(0, at)` leaves it out), and whether the cut is
 * inside a flow collection (`flow`: more `{` and `[` than `}` and `]` opened outside strings). Within a
 * string left open (a `"` string: an odd number of unescaped `"`; a YAML `'` string, where `''` is a
 * quote), it starts at its opening quote (a JSON or YAML string may hold spaces and commas). Inside a
 * flow collection, at the last comma, quote, bracket or brace, or blank after a comma or colon: an
 * unquoted YAML value there holds spaces up to the next `,`, `]` or `}` (`{password: correct horse
 * battery staple}`). Otherwise at the last blank, comma, quote, bracket or brace. Brackets and braces
 * inside strings of either kind are not counted. A `'` opens a string only where a YAML scalar starts
 * (first on the line, or after a blank, `[`, `{` or `,` following nothing but `[`, `{`, `,`, `:`, `-`
 * or `?`): one inside a plain scalar (`don't`) is a character of it.
 */
function cutTokenStart(text: string): { at: number; flow: boolean } {
  /** The quote of the string the scan is in (`"` or `'`), 0 outside strings. */
  let open = 0;
  let lastQuote = -1;
  let boundary = -1;
  let flowBoundary = -1;
  let depth = 0;
  /** The last character that was not a blank (0 before any). */
  let before = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */ && open !== 39) {
      if (i > 0 && text.charCodeAt(i - 1) === 92 /* \\ */) continue;
      open = open === 34 ? 0 : 34;
      lastQuote = i;
      boundary = flowBoundary = i;
    } else if (c === 39 /* ' */ && open === 39) {
      boundary = flowBoundary = i;
      // '' is a quote inside the string.
      if (text.charCodeAt(i + 1) === 39) i++;
      else open = 0;
    } else if (c === 39 && open === 0 && scalarStart(text, i, before)) {
      open = 39;
      lastQuote = i;
      boundary = flowBoundary = i;
    } else if (c === 44 || c === 39 || c === 34 || c === 91 || c === 93 || c === 123 || c === 125) {
      boundary = flowBoundary = i;
      if (open === 0) depth += c === 91 || c === 123 ? 1 : c === 93 || c === 125 ? -1 : 0;
    } else if (c === 32 || c === 9) {
      boundary = i;
      const previous = i > 0 ? text.charCodeAt(i - 1) : 0;
      if (previous === 44 /* , */ || previous === 58 /* : */ || i === flowBoundary + 1) flowBoundary = i;
      continue;
    }
    before = c;
  }
  const flow = depth > 0;
  return { at: (open !== 0 ? lastQuote : flow ? flowBoundary : boundary) + 1, flow };
}

/** Whether a `'` at `i` of `text` starts a YAML scalar (`before`: the last character before it that is not a blank). */
function scalarStart(text: string, i: number, before: number): boolean {
  const previous = i > 0 ? text.charCodeAt(i - 1) : 0;
  if (previous !== 0 && previous !== 32 && previous !== 9 && previous !== 91 && previous !== 123 && previous !== 44) return false;
  return before === 0 || before === 91 || before === 123 || before === 44 || before === 58 || before === 45 || before === 63;
}

export function describeError(e: unknown, where: string): string {
  if (e instanceof RangeError && /call stack/i.test(e.message)) return `${where}: nesting too deep to parse`;
  // A file the parser itself opened (FileReadError says what happened already).
  if (!(e instanceof FileReadError) && isSystemError(e)) return describeSystemError(e);
  if (e instanceof Error) return e.message.split('\n')[0];
  return `${where}: ${String(e)}`;
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 * 1024) return `${(n / 1024 / 1024 / 1024).toFixed(1)} GiB`;
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}
