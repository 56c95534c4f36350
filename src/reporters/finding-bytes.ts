import type { Finding } from '../core/types.js';
import { JsonBytesWriter } from './json-bytes.js';

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
  /** The rule's `frameworks` property as last written, with the value it was written from. */
  frameworks: Memo | undefined;
}

/**
 * The bytes of one property (`,` and the line break before it included) and a copy of the flat data
 * they were written from: strings in plain objects, or in an array of them. Written again only when
 * the data differs (compared value by value, so a changed object is never written from an old copy).
 */
interface Memo {
  readonly indent: number;
  /** Each object as its keys and values in order, then `END`; an array starts with its length. */
  readonly data: readonly unknown[];
  readonly bytes: Buffer;
}

const END = Symbol('end of object');
/** Before the data of an object that is a value (`pushNested`). */
const NESTED = Symbol('object value');

/**
 * A `JsonBytesWriter` that writes findings faster, byte for byte the same: what a rule repeats in
 * each of its findings (its id, slug, title, severity and frameworks) and what the findings of one
 * object share (its resource) are written once and then copied as bytes.
 */
export class FindingBytesWriter extends JsonBytesWriter {
  private readonly rules = new Map<string, RuleBytes>();
  private resource: Memo | undefined;
  /** The `location` property written last: `buffer[at, end)` while `era` is the writer's, and its data (`pushNested`), `data[0, size)`. */
  private readonly lastLocation = { data: [] as unknown[], size: 0, at: 0, end: 0, era: -1, indent: -1 };
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
        if (rule.frameworks === undefined || !this.reuse(rule.frameworks, v, indent)) rule.frameworks = this.memo(key, v, indent);
        if (rule.frameworks !== undefined) continue;
      } else if (key === 'location' && plain(v)) {
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

  /**
   * The `location` property (never the first) of a finding whose line is indented by `indent`; copied
   * from the last one written when it holds the same data (findings on one line of one object).
   */
  private location(l: Record<string, unknown>, findingIndent: number): void {
    const last = this.lastLocation;
    if (last.era === this.era && last.indent === findingIndent && holdsNested(l, last.data, 0) === last.size) {
      this.copyProperty(last.at, last.end, false);
      return;
    }
    const start = this.size;
    this.locationProperty(l, findingIndent);
    // Written over in place: emptying the array would give up its storage, to be grown again.
    const end = pushNested(l, last.data, 0);
    if (end >= 0) {
      last.size = end;
      last.at = start;
      last.end = this.size;
      last.era = this.era;
      last.indent = findingIndent;
    } else last.era = -1;
  }

  private locationProperty(l: Record<string, unknown>, findingIndent: number): void {
    this.key('location', false, findingIndent);
    const indent = findingIndent + 2;
    this.depth++;
    let empty = true;
    for (const key in l) {
      const v = l[key];
      if (key === 'resource' && !empty) {
        if (this.resource === undefined || !this.reuse(this.resource, v, indent)) this.resource = this.memo(key, v, indent);
        if (this.resource !== undefined) continue;
      }
      if (this.property(key, v, empty, indent)) empty = false;
    }
    this.depth--;
    this.closeObject(empty, indent);
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
      frameworks: known?.indent === indent ? known.frameworks : undefined,
    };
    this.rules.set(f.ruleId, rule);
    return rule;
  }

  /** Copies the memo's bytes if `v` holds what it was written from; false otherwise. */
  private reuse(memo: Memo, v: unknown, indent: number): boolean {
    if (memo.indent !== indent || !holds(v, memo.data)) return false;
    this.bytes(memo.bytes);
    return true;
  }

  /** Writes the property (never the first of its object) and keeps its bytes when its value is flat data; else undefined. */
  private memo(key: string, v: unknown, indent: number): Memo | undefined {
    const data = flatData(v);
    if (data === undefined) return undefined;
    const w = this.scratchWriter();
    w.property(key, v, false, indent);
    const bytes = Buffer.from(w.buffer.subarray(0, w.size));
    this.bytes(bytes);
    return { indent, data, bytes };
  }

  private scratchWriter(): FindingBytesWriter {
    this.scratch ??= new FindingBytesWriter(4096);
    this.scratch.reset();
    return this.scratch;
  }
}

/** An object that `JSON.stringify` writes as its own enumerable properties, the ones `for…in` walks. */
function plain(o: unknown): o is Record<string, unknown> {
  return (
    o !== null &&
    typeof o === 'object' &&
    Object.getPrototypeOf(o) === Object.prototype &&
    typeof (o as { toJSON?: unknown }).toJSON !== 'function'
  );
}

/** `v` as memo data: a plain object of strings, or an array of them; undefined for anything else. */
function flatData(v: unknown): unknown[] | undefined {
  const data: unknown[] = [];
  if (Array.isArray(v)) {
    if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return undefined;
    data.push(v.length);
    for (const item of v) if (!pushObject(item, data)) return undefined;
    return data;
  }
  return pushObject(v, data) ? data : undefined;
}

function pushObject(o: unknown, data: unknown[]): boolean {
  if (!plain(o)) return false;
  for (const key in o) {
    const value = (o as Record<string, unknown>)[key];
    if (typeof value !== 'string') return false;
    data.push(key, value);
  }
  data.push(END);
  return true;
}

/** Whether `v` holds exactly `data` (see `flatData`). */
function holds(v: unknown, data: readonly unknown[]): boolean {
  let i = 0;
  if (Array.isArray(v)) {
    if (data[i++] !== v.length || typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
    for (let n = 0; n < v.length; n++) if ((i = holdsObject(v[n], data, i)) < 0) return false;
    return i === data.length;
  }
  return holdsObject(v, data, i) === data.length;
}

/** Where the next object's data starts if `o` holds the object's data at `i`; -1 otherwise. */
function holdsObject(o: unknown, data: readonly unknown[], i: number): number {
  if (!plain(o)) return -1;
  for (const key in o) if (data[i++] !== key || data[i++] !== o[key]) return -1;
  return data[i] === END ? i + 1 : -1;
}

/**
 * Writes the data of a plain object whose values are strings, numbers, booleans, null or such plain
 * objects into `data` from `i` on: its keys and values in order (an object value as `NESTED` and its
 * data), then `END`. Returns where its data ends; -1 for anything else.
 */
function pushNested(o: Record<string, unknown>, data: unknown[], i: number): number {
  for (const key in o) {
    const value = o[key];
    data[i++] = key;
    if (typeof value === 'object' && value !== null) {
      data[i++] = NESTED;
      if (!plain(value) || (i = pushNested(value, data, i)) < 0) return -1;
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null) data[i++] = value;
    else return -1;
  }
  data[i++] = END;
  return i;
}

/** Where `o`'s data ends if `o` holds the data `pushNested` wrote at `i`; -1 otherwise. */
function holdsNested(o: Record<string, unknown>, data: readonly unknown[], i: number): number {
  for (const key in o) {
    if (data[i++] !== key) return -1;
    const value = o[key];
    if (typeof value === 'object' && value !== null) {
      if (data[i++] !== NESTED || !plain(value) || (i = holdsNested(value, data, i)) < 0) return -1;
    } else if (data[i++] !== value) return -1;
  }
  return data[i] === END ? i + 1 : -1;
}
