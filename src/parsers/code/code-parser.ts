import { ParseFailure, type ParseOutput, type Parser } from '../../core/parser.js';
import { looksBinary, type SourceFile } from '../../core/source-file.js';
import { CodeDocument, type CodeLanguage } from './code-document.js';

const BY_EXTENSION: Array<[RegExp, CodeLanguage]> = [
  [/\.pyw?$/i, 'python'],
  [/\.(?:m|c)?tsx$/i, 'tsx'],
  [/\.(?:m|c)?ts$/i, 'typescript'],
  [/\.(?:m|c)?jsx?$/i, 'javascript'],
];

/** Bundles and minified or generated sources: read by the secret scanner only (the text parser), never parsed as code. */
const GENERATED_NAME = /(?:\.min|[.-]bundle|\.chunk)\.(?:m|c)?js$/i;
/** A line this long in the first bytes of a source file: minified or generated, not written by hand. */
const GENERATED_LINE_CHARS = 1000;

function looksGenerated(file: SourceFile): boolean {
  const head = file.head();
  for (let start = 0; ;) {
    const newline = head.indexOf(0x0a, start);
    if ((newline === -1 ? head.length : newline) - start > GENERATED_LINE_CHARS) return true;
    if (newline === -1) return false;
    start = newline + 1;
  }
}

function languageOf(path: string): CodeLanguage | undefined {
  if (/\.d\.(?:m|c)?ts$/i.test(path) || GENERATED_NAME.test(path)) return undefined;
  return BY_EXTENSION.find(([re]) => re.test(path))?.[1];
}

/** Python and JavaScript/TypeScript source files, for the `code` scanner's structural rules. */
export const codeParser: Parser = {
  name: 'code',
  produces: ['code-python', 'code-js'],
  maxBytes: 2 * 1024 * 1024,
  matches(file: SourceFile): boolean {
    return !file.installedPackage && languageOf(file.path) !== undefined && !looksGenerated(file);
  },
  parse(file: SourceFile): ParseOutput {
    if (looksBinary(file.head())) throw new ParseFailure('binary content in a source file; not scanned as code');
    return { documents: [new CodeDocument(file, languageOf(file.path)!)] };
  },
};
