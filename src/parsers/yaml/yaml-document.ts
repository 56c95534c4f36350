import type { At, DocumentSuppression, Located, RenderOrigins, ScanDocument } from '../../core/document.js';
import { isLineSpan, isTextSpan } from '../../core/document.js';
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
    readonly source: YamlFile,
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
    const path = [...this.basePath, ...((at as ObjectPath | undefined) ?? [])];
    const table = this.source.table;
    const root = table.roots[this.docIndex];
    if (root === undefined) return { objectPath: pointerFromPath(path) };
    const hit = table.find(root, path);
    const start = hit.key >= 0 ? table.start(hit.key) : table.start(hit.node);
    const end = table.end(hit.node);
    const located: Located = {
      range: this.source.textLocator.lines.range(start, end),
      objectPath: pointerFromPath(path),
      snippet: table.text.slice(start, Math.min(end, start + 200)),
    };
    const origins = this.file.origins;
    return origins ? this.locateOrigin(origins, table.results[root], path, located) : located;
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

function childOf(v: unknown, seg: string | number): unknown {
  if (Array.isArray(v)) return typeof seg === 'number' ? v[seg] : undefined;
  if (typeof v === 'object' && v !== null && Object.prototype.hasOwnProperty.call(v, seg)) return (v as Record<string, unknown>)[seg];
  return undefined;
}
