/**
 * Comment- and format-preserving edits of YAML (and JSON) files, for mechanical fixes.
 *
 * The edits are computed from the position table recorded while the file was parsed, so nothing is
 * parsed again: each function returns one text edit (`span` offsets into the file text, an empty span
 * inserts) that a rule attaches to its finding as `fix: { description, edits: [edit] }`.
 *
 * - `setValue(doc, path, value)` sets a scalar (or a short flow sequence of scalars) at an object path,
 *   replacing the value that is there or creating the missing mapping keys: block mappings get new
 *   lines at the indentation of their keys, flow mappings (`{}`, `{a: 1}`, JSON objects) get a new
 *   `key: value` pair inside the braces.
 * - `appendToSequence(doc, path, item)` adds an item to a block or flow sequence (or creates it).
 *
 * Both bail out (`ok: false` with a reason) rather than guess: anchors, aliases and tags at the edit
 * point, comments inside flow collections, missing sequence items, replacing a collection by a scalar.
 * Paths are relative to the document value, as for `locate` (for Kubernetes: to the object).
 *
 * In a rule (set `meta.fixable: true`; for a pod spec the document is `pod.owner`):
 *
 *   const edit = setValueEdit(pod.owner, [...c.path, 'securityContext', 'readOnlyRootFilesystem'], true);
 *   ctx.report({ message, at, fix: edit && { description: 'Set readOnlyRootFilesystem: true', edits: [edit] } });
 *
 * Fixes are independent: two that insert at the same point conflict and `--fix` applies one per pass;
 * identical edits from several findings (one pod-level setting) are applied once.
 */
import { isMapping, type PositionTable } from './position-table.js';
import type { TextSpan } from '../../core/document.js';
import type { ObjectPath } from '../../core/types.js';

export interface YamlEdit {
  span: TextSpan;
  replacement: string;
}

export type YamlScalar = string | number | boolean | null;
export type YamlEditValue = YamlScalar | readonly YamlScalar[];

export type EditResult = { ok: true; edit: YamlEdit } | { ok: false; reason: string };

/** What the edit functions need of a document: its file's position table and where the value sits. */
export interface YamlEditSource {
  readonly source: { readonly table: PositionTable; readonly file?: { readonly cluster?: unknown } };
  readonly docIndex: number;
  readonly basePath: ObjectPath;
}

/** What the edits of one document share (see `context`). */
export interface Ctx {
  text: string;
  table: PositionTable;
  eol: string;
  /** The document is JSON-like (flow at its root): new content is written as JSON. */
  json: boolean;
  /** The document's root node. */
  root: number;
  /** Block mappings that new keys went into, by node: several fixes of one object insert into the same container. */
  insertions: Map<number, BlockInsertion>;
}

const DEFAULT_INDENT = 2;
/** Words YAML 1.1 or 1.2 would not read as a plain string. */
const RESERVED_PLAIN = new Set(['y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false', 'null', '~']);
const PLAIN_SAFE = /^[A-Za-z_/][A-Za-z0-9_./-]*$/;
const NULL_VALUE = /^([ \t]*)(~|null|Null|NULL)?([ \t]*)(#.*)?$/;

function fail(reason: string): EditResult {
  return { ok: false, reason };
}

/** Strings as YAML source, by string: fixes write the same few keys and values again and again. */
const FORMATTED = new Map<string, string>();
const FORMATTED_MAX = 4096;

/** A scalar as YAML source: plain when that reads back as the same string, double-quoted otherwise. */
export function formatScalar(v: YamlScalar, json = false): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new RangeError(`cannot write ${v} as a YAML scalar`);
    return String(v);
  }
  if (json) return JSON.stringify(v);
  let out = FORMATTED.get(v);
  if (out === undefined) {
    out = PLAIN_SAFE.test(v) && !RESERVED_PLAIN.has(v.toLowerCase()) ? v : JSON.stringify(v);
    if (FORMATTED.size >= FORMATTED_MAX) FORMATTED.clear();
    FORMATTED.set(v, out);
  }
  return out;
}

/** A value as YAML source; sequences are written in flow style (`[ALL]`). */
export function formatValue(v: YamlEditValue, json = false): string {
  if (Array.isArray(v)) return `[${(v as readonly YamlScalar[]).map((x) => formatScalar(x, json)).join(', ')}]`;
  return formatScalar(v as YamlScalar, json);
}

/** Applies non-overlapping edits to a text (from the end, so earlier offsets stay valid). */
export function applyEdits(text: string, edits: readonly YamlEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.span.start - a.span.start || b.span.end - a.span.end);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].span.end > sorted[i - 1].span.start) throw new RangeError('overlapping edits');
  }
  let out = text;
  for (const e of sorted) out = out.slice(0, e.span.start) + e.replacement + out.slice(e.span.end);
  return out;
}

/** The edit contexts of a file's documents (by document index), made once: many fixes edit one document. */
export interface EditContexts {
  readonly eol: string;
  readonly docs: Array<Ctx | undefined>;
}

function context(doc: YamlEditSource): Ctx | undefined {
  const table = doc.source.table;
  const root = table.roots[doc.docIndex];
  if (root === undefined) return undefined;
  const text = table.text;
  // Kept in a slot of the table (it lives as long as the table), not in a map keyed by it.
  let file = table.editContexts;
  if (file === undefined) {
    file = { eol: text.includes('\r\n') ? '\r\n' : '\n', docs: [] };
    table.editContexts = file;
  }
  let ctx = file.docs[doc.docIndex];
  if (ctx === undefined) {
    const first = text[table.start(root)];
    ctx = { text, table, eol: file.eol, json: first === '{' || first === '[', root, insertions: new Map() };
    file.docs[doc.docIndex] = ctx;
  }
  return ctx;
}

/** Offset of the start of the line holding `pos` (a loop: the lines are short, a runtime call is not). */
function lineStart(text: string, pos: number): number {
  let i = pos;
  while (i > 0 && text.charCodeAt(i - 1) !== 10) i--;
  return i;
}

function column(text: string, pos: number): number {
  return pos - lineStart(text, pos);
}

function isFlow(ctx: Ctx, node: number): boolean {
  const c = ctx.text[ctx.table.start(node)];
  return c === '{' || c === '[';
}

/** Anchors, aliases, tags and complex keys: editing around them could change what they mean. */
function hasProperties(ctx: Ctx, node: number): boolean {
  const c = ctx.text[ctx.table.start(node)];
  return c === '&' || c === '*' || c === '!' || c === '?';
}

/** The indentation step of the file around a block mapping: from a nested block child, else its parent, else 2. */
function indentUnit(ctx: Ctx, node: number, key: number): number {
  const { text, table } = ctx;
  const col = column(text, table.start(node));
  // Children alternate key, value.
  const { after } = table;
  for (let k = node + 1; k < after[node] && after[k] < after[node]; k = after[after[k]]) {
    const child = after[k];
    const v = table.results[child];
    if (typeof v === 'object' && v !== null && !isFlow(ctx, child)) {
      const step = column(text, table.start(child)) - col;
      if (step > 0 && lineStart(text, table.start(child)) !== lineStart(text, table.start(k))) return step;
    }
  }
  if (key >= 0) {
    const step = col - column(text, table.start(key));
    if (step > 0) return step;
  }
  const parent = table.parent[node];
  if (parent >= 0 && Array.isArray(table.results[parent]) && !isFlow(ctx, parent)) {
    const step = col - column(text, table.start(parent));
    if (step > 0) return step;
  }
  return DEFAULT_INDENT;
}

/** Runs of spaces by length, for the indentation of new lines. */
const PADS: string[] = [];

function pad(n: number): string {
  if (n >= 128) return ' '.repeat(n);
  let p = PADS[n];
  if (p === undefined) p = PADS[n] = ' '.repeat(n);
  return p;
}

/** The lines written for new keys under one indentation: key by key, then by the value written. */
interface WrittenLines {
  readonly deeper: Map<string, WrittenLines>;
  readonly byValue: Map<string, string>;
}

/**
 * Lines `blockLines` wrote, by line break, then by indentation and step: the fixes of many containers
 * insert the same keys and values at the same indentation.
 */
const WRITTEN = new Map<string, Map<number, WrittenLines>>();
let writtenCount = 0;
const WRITTEN_MAX = 4096;
/** Indentation and step below this are remembered (as `indent * STEP_LIMIT + unit`). */
const STEP_LIMIT = 1024;

function writtenUnder(lines: WrittenLines, key: string): WrittenLines {
  let next = lines.deeper.get(key);
  if (next === undefined) {
    next = { deeper: new Map(), byValue: new Map() };
    lines.deeper.set(key, next);
  }
  return next;
}

/**
 * `k1:\n  k2: value\n` for the keys `path[from…]` (strings: `setValue` checked them), at `indent`, each
 * line ending with the file's line break.
 */
function blockLines(ctx: Ctx, path: ObjectPath, from: number, value: YamlEditValue, indent: number, unit: number): string {
  const written = formatValue(value);
  let lines: WrittenLines | undefined;
  if (indent < STEP_LIMIT && unit < STEP_LIMIT) {
    if (writtenCount >= WRITTEN_MAX) {
      WRITTEN.clear();
      writtenCount = 0;
    }
    let byIndent = WRITTEN.get(ctx.eol);
    if (byIndent === undefined) WRITTEN.set(ctx.eol, (byIndent = new Map()));
    const at = indent * STEP_LIMIT + unit;
    lines = byIndent.get(at);
    if (lines === undefined) byIndent.set(at, (lines = { deeper: new Map(), byValue: new Map() }));
    for (let i = from; i < path.length; i++) lines = writtenUnder(lines, path[i] as string);
    const known = lines.byValue.get(written);
    if (known !== undefined) return known;
  }
  const last = path.length - 1;
  let out = '';
  for (let i = from; i < last; i++) out += pad(indent + (i - from) * unit) + formatScalar(path[i] as string) + ':' + ctx.eol;
  out += pad(indent + (last - from) * unit) + formatScalar(path[last] as string) + ': ' + written + ctx.eol;
  if (lines !== undefined) {
    lines.byValue.set(written, out);
    writtenCount++;
  }
  return out;
}

/** `k1: {k2: value}` for the keys `path[from…]`, for flow collections. */
function flowPair(ctx: Ctx, path: ObjectPath, from: number, value: YamlEditValue): string {
  let out = formatValue(value, ctx.json);
  const last = path.length - 1;
  for (let i = last; i >= from; i--)
    out = i === last ? `${formatScalar(path[i] as string, ctx.json)}: ${out}` : `${formatScalar(path[i] as string, ctx.json)}: {${out}}`;
  return out;
}

/** Offset just past the line break that ends the line holding `pos` (or the end of the text). */
function afterLine(text: string, pos: number): number {
  const nl = text.indexOf('\n', pos);
  return nl === -1 ? text.length : nl + 1;
}

/** Where new lines go in a block mapping, and how they are indented. */
interface BlockInsertion {
  at: number;
  indent: number;
  unit: number;
}

function blockInsertion(ctx: Ctx, node: number, key: number): BlockInsertion {
  let spot = ctx.insertions.get(node);
  if (spot === undefined) {
    const { text, table } = ctx;
    spot = { at: afterLine(text, table.end(node)), indent: column(text, table.start(node)), unit: indentUnit(ctx, node, key) };
    ctx.insertions.set(node, spot);
  }
  return spot;
}

function insertIntoBlockMapping(ctx: Ctx, node: number, key: number, path: ObjectPath, from: number, value: YamlEditValue): EditResult {
  const { text } = ctx;
  const { at, indent, unit } = blockInsertion(ctx, node, key);
  const body = blockLines(ctx, path, from, value, indent, unit);
  if (at === text.length && !text.endsWith('\n')) {
    return { ok: true, edit: { span: { start: at, end: at }, replacement: ctx.eol + body.slice(0, -ctx.eol.length) } };
  }
  return { ok: true, edit: { span: { start: at, end: at }, replacement: body } };
}

function insertIntoFlow(ctx: Ctx, node: number, open: string, close: string, piece: string): EditResult {
  const { text, table } = ctx;
  const start = table.start(node);
  const end = table.end(node);
  if (text[start] !== open || text[end - 1] !== close) return fail('flow collection without its brackets');
  const inner = text.slice(start + 1, end - 1);
  if (inner.includes('#')) return fail('comment inside a flow collection');
  if (inner.trim() === '') return { ok: true, edit: { span: { start, end }, replacement: `${open}${piece}${close}` } };
  let last = end - 2;
  while (last > start && /\s/.test(text[last])) last--;
  const sep = text[last] === ',' ? ' ' : ', ';
  return { ok: true, edit: { span: { start: last + 1, end: last + 1 }, replacement: `${sep}${piece}` } };
}

/** A key whose value is empty or null (`key:`, `key: ~`): the value is written after the colon. */
/** Fills the value of the key node `key` with the keys `path[from…]` (none when `from` is the path's length) and `value`. */
function fillNullKey(ctx: Ctx, key: number, path: ObjectPath, from: number, value: YamlEditValue): EditResult {
  const { text, table } = ctx;
  const parent = table.parent[key];
  if (parent >= 0 && isFlow(ctx, parent)) return fail('empty value inside a flow mapping');
  let c = table.end(key);
  while (text[c] === ' ' || text[c] === '\t') c++;
  if (text[c] !== ':') return fail('no colon after the key');
  let lineEnd = text.indexOf('\n', c);
  if (lineEnd === -1) lineEnd = text.length;
  if (text[lineEnd - 1] === '\r') lineEnd--;
  const m = NULL_VALUE.exec(text.slice(c + 1, lineEnd));
  if (!m) return fail('unexpected content after the key');
  const comment = m[4] ? ` ${m[4]}` : '';
  if (from === path.length) {
    const tokenEnd = c + 1 + m[1].length + (m[2]?.length ?? 0);
    return { ok: true, edit: { span: { start: c + 1, end: tokenEnd }, replacement: ` ${formatValue(value)}` } };
  }
  const keyCol = column(text, table.start(key));
  const unit = indentUnit(ctx, parent, -1);
  const body = blockLines(ctx, path, from, value, keyCol + unit, unit);
  return { ok: true, edit: { span: { start: c + 1, end: lineEnd }, replacement: `${comment}${ctx.eol}${body.slice(0, -ctx.eol.length)}` } };
}

/**
 * The deepest node of `path` that exists, and how many segments it covers; undefined when the
 * loaded value and the source disagree (a value reached through a merge key or an alias).
 */
function deepest(table: PositionTable, root: number, path: ObjectPath): { node: number; key: number; depth: number } | undefined {
  let value = table.results[root];
  let depth = 0;
  for (const seg of path) {
    if (
      Array.isArray(value)
        ? typeof seg !== 'number' || seg >= value.length
        : !isMapping(value) || !Object.prototype.hasOwnProperty.call(value, seg)
    )
      break;
    value = (value as Record<string | number, unknown>)[seg];
    depth++;
  }
  const hit = table.find(root, path, depth);
  return hit.found ? { node: hit.node, key: hit.key, depth } : undefined;
}

function sameValue(a: unknown, b: YamlEditValue): boolean {
  if (Array.isArray(b)) return Array.isArray(a) && a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

/**
 * An edit that sets `value` at `path` (relative to the document value), creating missing mapping
 * keys. Fails when the value is already there or the edit cannot be made safely.
 */
export function setValue(doc: YamlEditSource, path: ObjectPath, value: YamlEditValue): EditResult {
  const ctx = context(doc);
  if (!ctx) return fail('document not found');
  const { table, text, root } = ctx;
  const full = doc.basePath.length === 0 ? path : [...doc.basePath, ...path];
  const hit = deepest(table, root, full);
  if (!hit) return fail('value comes from a merge key or an alias');
  if (hit.depth < doc.basePath.length) return fail('document value not found');
  const current = table.results[hit.node];

  if (hit.depth === full.length) {
    if (sameValue(current, value)) return fail('value already set');
    if (current === null && hit.key >= 0) return fillNullKey(ctx, hit.key, full, full.length, value);
    if (hasProperties(ctx, hit.node)) return fail('anchor, alias or tag at the value');
    if (typeof current === 'object' && current !== null && !(current instanceof Date)) {
      if (!isFlow(ctx, hit.node)) return fail('replacing a block collection');
    }
    const start = table.start(hit.node);
    return { ok: true, edit: { span: { start, end: table.end(hit.node) }, replacement: formatValue(value, ctx.json) } };
  }

  // The keys to create are `full[hit.depth…]`.
  for (let i = hit.depth; i < full.length; i++) if (typeof full[i] === 'number') return fail('cannot create sequence items');
  if (current === null && hit.key >= 0) return fillNullKey(ctx, hit.key, full, hit.depth, value);
  if (!isMapping(current)) return fail('parent is not a mapping');
  if (hasProperties(ctx, hit.node)) return fail('anchor, alias or tag at the parent mapping');
  if (isFlow(ctx, hit.node)) {
    if (text[table.start(hit.node)] !== '{') return fail('parent is not a mapping');
    return insertIntoFlow(ctx, hit.node, '{', '}', flowPair(ctx, full, hit.depth, value));
  }
  return insertIntoBlockMapping(ctx, hit.node, hit.key, full, hit.depth, value);
}

/** An edit that appends `item` to the sequence at `path`, creating the sequence (`[item]`) when missing. */
export function appendToSequence(doc: YamlEditSource, path: ObjectPath, item: YamlScalar): EditResult {
  const ctx = context(doc);
  if (!ctx) return fail('document not found');
  const { table, text, root } = ctx;
  const hit = table.find(root, doc.basePath.length === 0 ? path : [...doc.basePath, ...path]);
  if (!hit.found || table.results[hit.node] === null) return setValue(doc, path, [item]);
  const current = table.results[hit.node];
  if (!Array.isArray(current)) return fail('not a sequence');
  if (current.includes(item)) return fail('item already present');
  if (hasProperties(ctx, hit.node)) return fail('anchor, alias or tag at the sequence');
  const start = table.start(hit.node);
  if (text[start] === '[') return insertIntoFlow(ctx, hit.node, '[', ']', formatScalar(item, ctx.json));
  if (text[start] !== '-') return fail('not a block sequence');
  const line = pad(column(text, start)) + '- ' + formatScalar(item);
  const at = afterLine(text, table.end(hit.node));
  if (at === text.length && !text.endsWith('\n')) return { ok: true, edit: { span: { start: at, end: at }, replacement: ctx.eol + line } };
  return { ok: true, edit: { span: { start: at, end: at }, replacement: line + ctx.eol } };
}

/** `setValue` as an edit, or undefined when it cannot be made or is of no use (see `hasNoFile`). */
export function setValueEdit(doc: YamlEditSource, path: ObjectPath, value: YamlEditValue): YamlEdit | undefined {
  if (hasNoFile(doc)) return undefined;
  const r = setValue(doc, path, value);
  return r.ok ? r.edit : undefined;
}

/** `appendToSequence` as an edit, or undefined when it cannot be made or is of no use (see `hasNoFile`). */
export function appendToSequenceEdit(doc: YamlEditSource, path: ObjectPath, item: YamlScalar): YamlEdit | undefined {
  if (hasNoFile(doc)) return undefined;
  const r = appendToSequence(doc, path, item);
  return r.ok ? r.edit : undefined;
}

/** An object read from a live cluster: its text was written for the scan, and findings on it carry no fix. */
function hasNoFile(doc: YamlEditSource): boolean {
  return doc.source.file?.cluster !== undefined;
}
