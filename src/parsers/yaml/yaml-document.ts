import type { At, DocumentSuppression, Located, RenderOrigins, ScanDocument } from '../../core/document.js';
import { isLineSpan, isTextInValue, isTextSpan, SNIPPET_MAX } from '../../core/document.js';
import { LineIndex } from '../../core/line-index.js';
import type { SourceFile } from '../../core/source-file.js';
import { TextLocator } from '../../core/text-document.js';
import { pointerFromPath, type ObjectPath, type ResourceRef } from '../../core/types.js';
import type { PositionTable } from './position-table.js';

/** Shared by every document parsed from one YAML or JSON file. */
export class YamlFile {
  private text: TextLocator | undefined;

  constructor(
    readonly file: SourceFile,
    /** Kept with the documents (it is compact) so that findings of cross-object rules are located without parsing again. */
    readonly table: PositionTable,
  ) {}

  get textLocator(): TextLocator {
    if (!this.text) this.text = new TextLocator(this.file);
    return this.text;
  }

  /** Drops the line index; it is rebuilt when a finding needs it. */
  compact(): void {
    this.text = undefined;
  }
}

/**
 * A value inside one YAML document (`root` is the document; `basePath` leads from the document to
 * this value, e.g. `items/3` for an object of a List). Object paths given to `locate` are relative
 * to the value; the reported JSON pointer is relative to the document.
 */
export abstract class YamlValueDocument implements ScanDocument {
  abstract readonly kind: string;
  readonly resource?: ResourceRef;
  readonly suppressions?: ReadonlyArray<DocumentSuppression>;

  constructor(
    /** Replaced by a document that keeps no positions once they can no longer be needed (see `K8sObjectDocument.compact`). */
    public source: YamlFile,
    /** Index of the document in the file (0-based). */
    readonly docIndex: number,
    readonly basePath: ObjectPath,
  ) {}

  get file(): SourceFile {
    return this.source.file;
  }

  compact(): void {
    this.source.compact();
  }

  locate(at: At | undefined): Located {
    if (at !== undefined && (isTextSpan(at) || isLineSpan(at))) {
      const inText = this.source.textLocator.locate(at);
      // A line of rendered output is no line of a file.
      return this.file.origins ? { snippet: inText.snippet } : inText;
    }
    const within = at !== undefined && isTextInValue(at) ? at : undefined;
    const relative = (within ? within.path : (at as ObjectPath | undefined)) ?? [];
    // Read, never changed: the path given serves as is when the value is the document itself.
    const path = this.basePath.length === 0 ? relative : [...this.basePath, ...relative];
    const table = this.source.table;
    const root = table.roots[this.docIndex];
    if (root === undefined) return { objectPath: pointerFromPath(path) };
    const hit = table.find(root, path);
    let start = hit.key >= 0 ? table.start(hit.key) : table.start(hit.node);
    let end = table.end(hit.node);
    const inner = within && hit.found ? findIn(table.text, table.start(hit.node), end, within.find) : undefined;
    if (inner) [start, end] = inner;
    const lines = this.source.textLocator.lines;
    const located: Located = {
      range: lines.range(start, end),
      objectPath: pointerFromPath(path),
      snippet: inner ? lines.lineText(lines.position(start).line).trim() : table.text.slice(start, Math.min(end, start + SNIPPET_MAX)),
    };
    const origins = this.file.origins;
    if (!origins) return located;
    const traced = this.locateOrigin(origins, table.results[root], path, located);
    return inner ? narrowTraced(traced, within!.find) : traced;
  }

  /**
   * Rendered output: its lines are no file's lines. The deepest existing node on `path` is traced to
   * the source that set it; when that cannot be known the finding names the object, without a line.
   */
  private locateOrigin(origins: RenderOrigins, rootValue: unknown, path: ObjectPath, rendered: Located): Located {
    let value = rootValue;
    let depth = 0;
    for (const seg of path) {
      const next = childOf(value, seg);
      if (next === undefined) break;
      value = next;
      depth++;
    }
    const traced = origins.locate(this.docIndex, path.slice(0, depth), value, rendered);
    return { ...traced, objectPath: pointerFromPath(path) };
  }
}

/** The span of the first occurrence of `needle` in `text[start, end)`, if any. */
function findIn(text: string, start: number, end: number, needle: string): [number, number] | undefined {
  if (!needle) return undefined;
  const i = text.slice(start, end).indexOf(needle);
  return i < 0 ? undefined : [start + i, start + i + needle.length];
}

/**
 * A value traced from rendered output to its source (a Kustomize base or patch) spans the whole source
 * value: narrowed there to the text searched for, when the source holds it verbatim.
 */
function narrowTraced(traced: Located, needle: string): Located {
  const r = traced.range;
  if (!traced.file || !r || (r.startLine === r.endLine && r.endColumn - r.startColumn === needle.length)) return traced;
  const text = traced.file.text();
  const lines = new LineIndex(text);
  const inner = findIn(text, lines.offset(r.startLine, r.startColumn), lines.offset(r.endLine, r.endColumn), needle);
  if (!inner) return traced;
  const line = lines.position(inner[0]).line;
  return { ...traced, range: lines.range(inner[0], inner[1]), snippet: lines.lineText(line).trim() };
}

function childOf(v: unknown, seg: string | number): unknown {
  if (Array.isArray(v)) return typeof seg === 'number' ? v[seg] : undefined;
  if (typeof v === 'object' && v !== null && Object.prototype.hasOwnProperty.call(v, seg)) return (v as Record<string, unknown>)[seg];
  return undefined;
}
