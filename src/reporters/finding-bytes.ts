import type { Finding } from '../core/types.js';
import { JsonBytesWriter, plain, writtenProperty, type WrittenProperty } from './json-bytes.js';

/** The first keys of a finding as `failingFinding` builds it; a rule repeats their values in each of its findings. */
const HEAD = ['ruleId', 'slug', 'title', 'severity'] as const;

/** A rule's head of a finding (`{` and its first four properties) as written at one indentation. */
interface RuleBytes {
  readonly ruleId: string;
  readonly slug: string;
  readonly title: string;
  readonly severity: string;
  readonly indent: number;
  readonly head: Buffer;
  /** The rule's `frameworks` property as written last. */
  readonly frameworks: WrittenProperty;
}

/**
 * A `JsonBytesWriter` that writes findings faster, byte for byte the same: a rule's head (its id, slug,
 * title and severity) is written once, and what repeats from finding to finding is copied from where it
 * was written last while it holds the same data (see `WrittenProperty`): a rule's frameworks, the
 * location (findings on one line of one object), else the resource of the location.
 */
export class FindingBytesWriter extends JsonBytesWriter {
  private readonly rules = new Map<string, RuleBytes>();
  /** The `location` property written last, and its `resource` property. */
  private readonly lastLocation = writtenProperty();
  private readonly lastResource = writtenProperty();
  /** The indentation of the findings `lastLocation` was written in (locations and resources are copied within one). */
  private locationIndent = -1;
  private scratch: FindingBytesWriter | undefined;

  /** Appends `finding` as `value(finding, indent)` would. */
  finding(finding: Finding, indent: number): void {
    const o = finding as unknown as Record<string, unknown>;
    const rule = plain(o) ? this.ruleBytes(finding, indent) : undefined;
    if (!rule) {
      this.value(o, indent);
      return;
    }
    const start = this.size;
    this.depth++;
    let seen = 0;
    for (const key in o) {
      if (seen < HEAD.length) {
        if (key !== HEAD[seen]) break;
        if (++seen === HEAD.length) this.bytes(rule.head);
        continue;
      }
      const v = o[key];
      if (key === 'frameworks') {
        this.copiedProperty(rule.frameworks, key, v, indent);
        continue;
      }
      if (key === 'location' && plain(v)) {
        this.location(v, indent);
        continue;
      }
      this.property(key, v, false, indent);
    }
    this.depth--;
    if (seen < HEAD.length) {
      // Keys in another order: written as any object.
      this.length = start;
      this.value(o, indent);
    } else this.closeObject(false, indent);
  }

  /** A property (never the first of its object), copied from where `last` was written when it holds the same data. */
  private copiedProperty(last: WrittenProperty, key: string, v: unknown, indent: number): void {
    if (this.copyIfSame(last, v, false)) return;
    const start = this.size;
    if (this.property(key, v, false, indent)) this.remember(last, v, start);
  }

  /** The `location` property (never the first) of a finding whose line is indented by `indent`. */
  private location(l: Record<string, unknown>, findingIndent: number): void {
    const last = this.lastLocation;
    if (this.locationIndent === findingIndent) {
      if (this.copyIfSame(last, l, false)) return;
    } else this.lastResource.era = -1; // Its bytes are at another indentation.
    const start = this.size;
    this.key('location', false, findingIndent);
    const indent = findingIndent + 2;
    this.depth++;
    let empty = true;
    for (const key in l) {
      const v = l[key];
      if (key === 'resource' && !empty) {
        this.copiedProperty(this.lastResource, key, v, indent);
        continue;
      }
      if (this.property(key, v, empty, indent)) empty = false;
    }
    this.depth--;
    this.closeObject(empty, indent);
    this.remember(last, l, start);
    this.locationIndent = findingIndent;
  }

  /** The head of `finding` for its rule, written once per rule (again when a finding's severity differs). */
  private ruleBytes(f: Finding, indent: number): RuleBytes | undefined {
    const known = this.rules.get(f.ruleId);
    if (known && known.slug === f.slug && known.title === f.title && known.severity === f.severity && known.indent === indent) return known;
    if (typeof f.ruleId !== 'string' || typeof f.slug !== 'string' || typeof f.title !== 'string' || typeof f.severity !== 'string')
      return undefined;
    const w = this.scratchWriter();
    for (const key of HEAD) w.property(key, f[key], key === 'ruleId', indent);
    const rule: RuleBytes = {
      ruleId: f.ruleId,
      slug: f.slug,
      title: f.title,
      severity: f.severity,
      indent,
      head: Buffer.from(w.buffer.subarray(0, w.size)),
      frameworks: known?.indent === indent ? known.frameworks : writtenProperty(),
    };
    this.rules.set(f.ruleId, rule);
    return rule;
  }

  private scratchWriter(): FindingBytesWriter {
    this.scratch ??= new FindingBytesWriter(4096);
    this.scratch.reset();
    return this.scratch;
  }
}
