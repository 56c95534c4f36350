import type { At, Located, ScanDocument } from './document.js';
import { isLineSpan, isTextSpan } from './document.js';
import { fileLines, type LineIndex } from './line-index.js';
import type { SourceFile } from './source-file.js';

const SNIPPET_MAX = 200;

/** Locates text and line spans in a plain text file. Reusable by any text-based document. */
export class TextLocator {
  constructor(readonly file: SourceFile) {}

  get lines(): LineIndex {
    return fileLines(this.file);
  }

  locate(at: At | undefined): Located {
    if (!at) return {};
    if (isTextSpan(at)) {
      return {
        range: this.lines.range(at.start, at.end),
        snippet: this.file.text().slice(at.start, Math.min(at.end, at.start + SNIPPET_MAX)),
      };
    }
    if (isLineSpan(at)) {
      const endLine = at.endLine ?? at.line;
      const startColumn = at.column ?? 1;
      const endColumn = at.endColumn ?? this.lines.lineText(endLine).length + 1;
      return {
        range: { startLine: at.line, startColumn, endLine, endColumn },
        snippet: this.lines
          .lineText(at.line)
          .slice(startColumn - 1)
          .slice(0, SNIPPET_MAX),
      };
    }
    return {};
  }
}

/** A whole file as text: the document kind `text` (secrets and other line-oriented rules). */
export class TextDocument implements ScanDocument {
  readonly kind: string = 'text';
  private readonly locator: TextLocator;
  constructor(readonly file: SourceFile) {
    this.locator = new TextLocator(file);
  }
  get text(): string {
    return this.file.text();
  }
  get lines(): LineIndex {
    return this.locator.lines;
  }
  locate(at: At | undefined): Located {
    return this.locator.locate(at);
  }
}
