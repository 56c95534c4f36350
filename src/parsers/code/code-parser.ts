import { ParseFailure, type ParseOutput, type Parser } from '../../core/parser.js';
import { looksBinary, type SourceFile } from '../../core/source-file.js';
import { CodeDocument, type CodeLanguage } from './code-document.js';

const BY_EXTENSION: Array<[RegExp, CodeLanguage]> = [
  [/\.pyw?$/i, 'python'],
  [/\.(?:m|c)?tsx$/i, 'tsx'],
  [/\.(?:m|c)?ts$/i, 'typescript'],
  [/\.(?:m|c)?jsx?$/i, 'javascript'],
];

function languageOf(path: string): CodeLanguage | undefined {
  if (/\.d\.(?:m|c)?ts$/i.test(path) || /\.min\.js$/i.test(path)) return undefined;
  return BY_EXTENSION.find(([re]) => re.test(path))?.[1];
}

/** Python and JavaScript/TypeScript source files, for the `code` scanner's structural rules. */
export const codeParser: Parser = {
  name: 'code',
  produces: ['code-python', 'code-js'],
  maxBytes: 2 * 1024 * 1024,
  matches(file: SourceFile): boolean {
    return languageOf(file.path) !== undefined;
  },
  parse(file: SourceFile): ParseOutput {
    if (looksBinary(file.head())) throw new ParseFailure('binary content in a source file; not scanned as code');
    return { documents: [new CodeDocument(file, languageOf(file.path)!)] };
  },
};
