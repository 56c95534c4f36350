import { lockfileLimit, type ParseOutput, type Parser } from '../../core/parser.js';
import { looksBinary, type SourceFile } from '../../core/source-file.js';
import { TextDocument } from '../../core/text-document.js';

const NOTEBOOK = /\.ipynb$/i;

/** `matches` runs twice per file (does any parser want it, which ones read it): sniff once. */
const sniffed = new WeakMap<SourceFile, boolean>();

/**
 * Every non-binary file as one `text` document (secrets and other line-oriented rules). Binary
 * content is recognised by sniffing the first bytes, whatever the file is called. Notebooks are
 * read by the notebook parser, which scans cells and outputs instead of the raw JSON.
 */
export const textParser: Parser = {
  name: 'text',
  produces: ['text'],
  readsClusterObjects: true,
  // A lockfile the deps parser reads whole is searched for secrets (credentials in registry URLs) too.
  maxBytesOf: (file, limits) => (file.cluster ? undefined : lockfileLimit(file.path, limits)),
  matches(file: SourceFile): boolean {
    if (file.size === 0) return false;
    // A cluster object's text is JSON written for the scan: text by construction, whatever it is called.
    if (file.cluster) return true;
    if (NOTEBOOK.test(file.path)) return false;
    let text = sniffed.get(file);
    if (text === undefined) {
      text = !looksBinary(file.head());
      sniffed.set(file, text);
    }
    return text;
  },
  parse(file: SourceFile): ParseOutput {
    return { documents: [new TextDocument(file)] };
  },
};
