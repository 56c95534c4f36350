import type { At, DocumentSuppression, Located, ScanDocument } from '../../core/document.js';
import { isLineSpan, isTextSpan } from '../../core/document.js';
import type { SourceFile } from '../../core/source-file.js';
import { TextLocator } from '../../core/text-document.js';
import { pointerFromPath, type ObjectPath, type ResourceRef } from '../../core/types.js';
import type { PositionTable } from './position-table.js';

/** Shared by every document parsed from one YAML or JSON file. */
export class YamlFile {
  private text: TextLocator | undefined;
  private positions: PositionTable | undefined;
  constructor(
    readonly file: SourceFile,
    table: PositionTable,
    /** Parses the text again for its positions, after `compact`. */
    private readonly rebuild?: () => PositionTable,
  ) {
    this.positions = table;
  }
  get table(): PositionTable {
    this.positions ??= this.rebuild!();
    return this.positions;
  }
  get textLocator(): TextLocator {
    if (!this.text) this.text = new TextLocator(this.file);
    return this.text;
  }
  /** Drops the positions and the line index; they are rebuilt when a finding needs them. */
  compact(): void {
    if (!this.rebuild) return;
    this.positions = undefined;
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
    if (at !== undefined && (isTextSpan(at) || isLineSpan(at))) return this.source.textLocator.locate(at);
    const path = [...this.basePath, ...((at as ObjectPath | undefined) ?? [])];
    const table = this.source.table;
    const root = table.roots[this.docIndex];
    if (root === undefined) return { objectPath: pointerFromPath(path) };
    const hit = table.find(root, path);
    const start = hit.key >= 0 ? table.start(hit.key) : table.start(hit.node);
    const end = table.end(hit.node);
    return {
      range: this.source.textLocator.lines.range(start, end),
      objectPath: pointerFromPath(path),
      snippet: table.text.slice(start, Math.min(end, start + 200)),
    };
  }
}
