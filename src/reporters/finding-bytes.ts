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

const FIX_KEYS = ['description', 'edits'];
const EDIT_KEYS = ['path', 'range', 'replacement'];
const RANGE_KEYS = ['startLine', 'startColumn', 'endLine', 'endColumn'];
/** Strings of fixes kept as written (`fixString`); forgotten all at once when full. */
const FIX_STRINGS_MAX = 1024;

interface Edit {
  path: string;
  range: { startLine: number; startColumn: number; endLine: number; endColumn: number };
  replacement: string;
}

/** An edit of a fix as the engine makes it: plain, `path`, `range` (plain, four numbers in order), `replacement`. */
function isEdit(e: unknown): e is Edit {
  if (!plain(e)) return false;
  let keys = 0;
  for (const key in e) if (key !== EDIT_KEYS[keys++]) return false;
  const { path, range, replacement } = e;
  if (keys !== EDIT_KEYS.length || typeof path !== 'string' || typeof replacement !== 'string' || !plain(range)) return false;
  keys = 0;
  for (const key in range) if (key !== RANGE_KEYS[keys++] || typeof range[key] !== 'number') return false;
  return keys === RANGE_KEYS.length;
}

/** The keys of a location on a manifest, in the order the engine makes it (`Engine.toFinding`). */
const MANIFEST_LOCATION_KEYS = ['path', 'startLine', 'startColumn', 'endLine', 'endColumn', 'objectPath', 'resource'];

/** A location of that shape. */
interface ManifestLocation {
  path: string;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  objectPath: string;
  resource: Record<string, unknown>;
}

/** True for a plain location with the keys of `MANIFEST_LOCATION_KEYS` in order, each with a value of its kind. */
function isManifestLocation(l: Record<string, unknown>): l is Record<string, unknown> & ManifestLocation {
  let keys = 0;
  for (const key in l) if (key !== MANIFEST_LOCATION_KEYS[keys++]) return false;
  return (
    keys === MANIFEST_LOCATION_KEYS.length &&
    typeof l.path === 'string' &&
    typeof l.startLine === 'number' &&
    typeof l.startColumn === 'number' &&
    typeof l.endLine === 'number' &&
    typeof l.endColumn === 'number' &&
    typeof l.objectPath === 'string' &&
    plain(l.resource)
  );
}

/** The text of a manifest location between its values, at the indentation of the findings it belongs to. */
interface LocationParts {
  readonly indent: number;
  /** `,`, the `location` key, `{` and the `path` key. */
  readonly open: Buffer;
  readonly startLine: Buffer;
  readonly startColumn: Buffer;
  readonly endLine: Buffer;
  readonly endColumn: Buffer;
  readonly objectPath: Buffer;
}

function locationParts(indent: number): LocationParts {
  const line = (n: number): string => '\n' + ' '.repeat(indent + n);
  const text = (s: string): Buffer => Buffer.from(s, 'latin1');
  return {
    indent,
    open: text(`,${line(2)}"location": {${line(4)}"path": `),
    startLine: text(`,${line(4)}"startLine": `),
    startColumn: text(`,${line(4)}"startColumn": `),
    endLine: text(`,${line(4)}"endLine": `),
    endColumn: text(`,${line(4)}"endColumn": `),
    objectPath: text(`,${line(4)}"objectPath": `),
  };
}

/** A string as written last in one place: its JSON text is `buffer[at, end)` while `era` is the writer's. */
interface WrittenString {
  value: string;
  at: number;
  end: number;
  era: number;
}

/** The text of a fix between its values, at the indentation of the findings it belongs to. */
interface FixParts {
  readonly indent: number;
  /** `,`, the `fix` key, `{` and the `description` key. */
  readonly open: Buffer;
  /** After the description: the `edits` key, `[`, `{` and the `path` key. */
  readonly firstEdit: Buffer;
  /** After an edit's replacement: the end of that edit, `,`, `{` and the `path` key. */
  readonly nextEdit: Buffer;
  readonly startLine: Buffer;
  readonly startColumn: Buffer;
  readonly endLine: Buffer;
  readonly endColumn: Buffer;
  /** The end of `range` and the `replacement` key. */
  readonly replacement: Buffer;
  /** The end of the last edit, of `edits` and of the fix. */
  readonly close: Buffer;
}

function fixParts(indent: number): FixParts {
  const line = (n: number): string => '\n' + ' '.repeat(indent + n);
  const text = (s: string): Buffer => Buffer.from(s, 'latin1');
  return {
    indent,
    open: text(`,${line(2)}"fix": {${line(4)}"description": `),
    firstEdit: text(`,${line(4)}"edits": [${line(6)}{${line(8)}"path": `),
    nextEdit: text(`${line(6)}},${line(6)}{${line(8)}"path": `),
    startLine: text(`,${line(8)}"range": {${line(10)}"startLine": `),
    startColumn: text(`,${line(10)}"startColumn": `),
    endLine: text(`,${line(10)}"endLine": `),
    endColumn: text(`,${line(10)}"endColumn": `),
    replacement: text(`${line(8)}},${line(8)}"replacement": `),
    close: text(`${line(6)}}${line(4)}]${line(2)}}`),
  };
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
  /** The constant parts of a manifest location, for the indentation of the findings they were made for. */
  private locationParts: LocationParts | undefined;
  /** The manifest location written last, by its values: its text is `buffer[at, end)` while `era` is the writer's. */
  private readonly lastManifest = {
    path: '',
    startLine: 0,
    startColumn: 0,
    endLine: 0,
    endColumn: 0,
    objectPath: '',
    at: 0,
    end: 0,
    era: -1,
  };
  /** The path and object path of manifest locations as written last. */
  private readonly lastPath: WrittenString = { value: '', at: 0, end: 0, era: -1 };
  private readonly lastObjectPath: WrittenString = { value: '', at: 0, end: 0, era: -1 };
  private scratch: FindingBytesWriter | undefined;
  /** The constant parts of a fix of one edit, for the indentation of the findings they were made for. */
  private fixParts: FixParts | undefined;
  /** JSON strings of fix descriptions, edit paths and replacements as written: fixes repeat a few dozen of them. */
  private readonly fixStrings = new Map<string, Uint8Array>();

  /**
   * True when the last finding written showed its `message` as a string property of its own object
   * (written by the rule path of `finding`); false says nothing either way.
   */
  messageWritten = false;

  /** Appends `finding` as `value(finding, indent)` would. */
  finding(finding: Finding, indent: number): void {
    const o = finding as unknown as Record<string, unknown>;
    this.messageWritten = false;
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
      if (key === 'fix' && this.fix(v, indent)) continue;
      if (key === 'message' && typeof v === 'string') this.messageWritten = true;
      this.property(key, v, false, indent);
    }
    this.depth--;
    if (seen < HEAD.length) {
      // Keys in another order: written as any object.
      this.length = start;
      this.messageWritten = false;
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
    if (this.locationIndent !== findingIndent) {
      // Bytes written at another indentation.
      this.lastResource.era = -1;
      this.lastLocation.era = -1;
      this.lastManifest.era = -1;
      this.lastPath.era = -1;
      this.lastObjectPath.era = -1;
      this.locationIndent = findingIndent;
    }
    if (isManifestLocation(l)) {
      this.manifestLocation(l, findingIndent);
      return;
    }
    // Another location is written: the resource it may write is no longer the last manifest location's.
    this.lastManifest.era = -1;
    const last = this.lastLocation;
    if (this.copyIfSame(last, l, false)) return;
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
  }

  /**
   * A location of the engine's manifest shape (`isManifestLocation`), its fixed text copied whole between
   * the values: the same values as the one written last (the findings of one line of an object) are
   * copied from there, its resource holding the same data (see `copyIfSame`).
   */
  private manifestLocation(l: ManifestLocation, findingIndent: number): void {
    const last = this.lastManifest;
    const resource = this.lastResource;
    // The resource inside the location written last holds the data `lastResource` remembers: no other location was written since.
    if (
      last.era === this.era &&
      l.path === last.path &&
      l.startLine === last.startLine &&
      l.startColumn === last.startColumn &&
      l.endLine === last.endLine &&
      l.endColumn === last.endColumn &&
      l.objectPath === last.objectPath &&
      this.holdsWritten(resource, l.resource)
    ) {
      this.copyWritten(last.at, last.end);
      return;
    }
    const parts = this.locationParts?.indent === findingIndent ? this.locationParts : (this.locationParts = locationParts(findingIndent));
    const start = this.size;
    this.bytes(parts.open);
    this.writtenString(this.lastPath, l.path);
    this.bytes(parts.startLine);
    this.number(l.startLine);
    this.bytes(parts.startColumn);
    this.number(l.startColumn);
    this.bytes(parts.endLine);
    this.number(l.endLine);
    this.bytes(parts.endColumn);
    this.number(l.endColumn);
    this.bytes(parts.objectPath);
    this.writtenString(this.lastObjectPath, l.objectPath);
    this.depth++;
    this.copiedProperty(resource, 'resource', l.resource, findingIndent + 2);
    this.depth--;
    this.closeObject(false, findingIndent + 2);
    last.path = l.path;
    last.startLine = l.startLine;
    last.startColumn = l.startColumn;
    last.endLine = l.endLine;
    last.endColumn = l.endColumn;
    last.objectPath = l.objectPath;
    last.at = start;
    last.end = this.size;
    // Copied whole later only while `lastResource` holds its resource's data (not when that data could not be kept).
    last.era = resource.era === this.era ? this.era : -1;
  }

  /** A string copied from where `last` was written when it is the same, else written (and remembered). */
  private writtenString(last: WrittenString, s: string): void {
    if (last.era === this.era && last.value === s) {
      this.copyWritten(last.at, last.end);
      return;
    }
    const start = this.size;
    this.string(s);
    last.value = s;
    last.at = start;
    last.end = this.size;
    last.era = this.era;
  }

  /**
   * The `fix` property (never the first) of a finding whose line is indented by `indent`, when it has
   * the shape the engine gives it: `description`, then `edits`, each with `path`, `range` (four numbers)
   * and `replacement`. Its fixed text is copied whole between the values. False, writing nothing, for
   * any other value (a `manual` fix, keys in another order, a value of another kind).
   */
  private fix(v: unknown, indent: number): boolean {
    if (!plain(v)) return false;
    let keys = 0;
    for (const key in v) if (key !== FIX_KEYS[keys++]) return false;
    const { description, edits } = v;
    if (keys !== FIX_KEYS.length || typeof description !== 'string' || !Array.isArray(edits) || edits.length === 0) return false;
    if (Object.getPrototypeOf(edits) !== Array.prototype || typeof (edits as { toJSON?: unknown }).toJSON === 'function') return false;
    for (const e of edits as unknown[]) if (!isEdit(e)) return false;
    const parts = this.fixParts?.indent === indent ? this.fixParts : (this.fixParts = fixParts(indent));
    this.bytes(parts.open);
    this.fixString(description);
    for (let i = 0; i < edits.length; i++) {
      const e = edits[i] as Edit;
      this.bytes(i === 0 ? parts.firstEdit : parts.nextEdit);
      this.fixString(e.path);
      this.bytes(parts.startLine);
      this.number(e.range.startLine);
      this.bytes(parts.startColumn);
      this.number(e.range.startColumn);
      this.bytes(parts.endLine);
      this.number(e.range.endLine);
      this.bytes(parts.endColumn);
      this.number(e.range.endColumn);
      this.bytes(parts.replacement);
      this.fixString(e.replacement);
    }
    this.bytes(parts.close);
    return true;
  }

  /** A string of a fix as JSON, copied from the bytes it was written as the first time. */
  private fixString(s: string): void {
    const known = this.fixStrings.get(s);
    if (known !== undefined) {
      this.bytes(known);
      return;
    }
    const start = this.size;
    this.string(s);
    if (this.fixStrings.size >= FIX_STRINGS_MAX) this.fixStrings.clear();
    this.fixStrings.set(s, new Uint8Array(this.buffer.subarray(start, this.size)));
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
