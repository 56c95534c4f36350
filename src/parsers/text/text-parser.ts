import type { ParseOutput, Parser } from '../../core/parser.js';
import { looksBinary, type SourceFile } from '../../core/source-file.js';
import { TextDocument } from '../../core/text-document.js';

const NOTEBOOK = /\.ipynb$/i;

/**
 * Every non-binary file as one `text` document (secrets and other line-oriented rules). Binary
 * content is recognised by sniffing the first bytes, whatever the file is called. Notebooks are
 * read by the notebook parser, which scans cells and outputs instead of the raw JSON.
 */
export const textParser: Parser = {
  name: 'text',
  produces: ['text'],
  matches(file: SourceFile): boolean {
    if (file.size === 0 || NOTEBOOK.test(file.path)) return false;
    return !looksBinary(file.head());
  },
  parse(file: SourceFile): ParseOutput {
    return { documents: [new TextDocument(file)] };
  },
};
