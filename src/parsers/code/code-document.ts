import type * as AstGrep from '@ast-grep/napi';
import type { Lang, SgNode, SgRoot } from '@ast-grep/napi';
import type { At, LineSpan, Located, ScanDocument } from '../../core/document.js';
import { lazyModule } from '../../core/lazy-module.js';
import { ParseFailure } from '../../core/parser.js';
import type { SourceFile } from '../../core/source-file.js';
import { TextLocator } from '../../core/text-document.js';

export type CodeLanguage = 'python' | 'javascript' | 'typescript' | 'tsx';

// The native parser loads when the first syntax tree is built, its Python grammar with the first Python tree.
const astGrep = lazyModule<typeof AstGrep>('@ast-grep/napi');
const pythonGrammar = lazyModule<AstGrep.DynamicLangRegistrations[string]>('@ast-grep/lang-python');
let pythonRegistered = false;

function parser(language: CodeLanguage): typeof AstGrep {
  const napi = astGrep();
  if (language === 'python' && !pythonRegistered) {
    napi.registerDynamicLanguage({ python: pythonGrammar() });
    pythonRegistered = true;
  }
  return napi;
}

function langOf(napi: typeof AstGrep, language: CodeLanguage): Lang {
  if (language === 'python') return 'python' as Lang;
  return language === 'javascript' ? napi.Lang.JavaScript : language === 'typescript' ? napi.Lang.TypeScript : napi.Lang.Tsx;
}

/**
 * Source code of one file (`kind: code-python` or `code-js`). The syntax tree is built on first use, so
 * rules that find none of their trigger words in `text` cost nothing.
 */
export class CodeDocument implements ScanDocument {
  readonly kind: 'code-python' | 'code-js';
  private tree: SgRoot | undefined;
  private rootNode: SgNode | undefined;
  private readonly locator: Pick<TextLocator, 'locate'>;
  /** The program text rules read: the file, or the code cells of a notebook. */
  readonly text: string;

  constructor(
    readonly file: SourceFile,
    readonly language: CodeLanguage,
    /** Program text that is not the file itself, with its own locator (notebook code cells). */
    embedded?: { text: string; locate(at: At | undefined): Located },
  ) {
    this.kind = language === 'python' ? 'code-python' : 'code-js';
    this.text = embedded?.text ?? file.text();
    this.locator = embedded ?? new TextLocator(file);
  }

  /** The module node: one object for every rule, so that what they derive from it can be shared (see `allCalls`). */
  get root(): SgNode {
    if (!this.tree) {
      const napi = parser(this.language);
      try {
        this.tree = napi.parse(langOf(napi, this.language), this.text);
      } catch (e) {
        throw new ParseFailure(`cannot parse ${this.language}: ${(e as Error).message}`);
      }
      this.rootNode = this.tree.root();
    }
    return this.rootNode!;
  }

  locate(at: At | undefined): Located {
    return this.locator.locate(at);
  }
}

/** The 1-based line span of a syntax node (columns in UTF-16 units, end exclusive). */
export function spanOf(node: SgNode): LineSpan {
  const r = node.range();
  return { line: r.start.line + 1, column: r.start.column + 1, endLine: r.end.line + 1, endColumn: r.end.column + 1 };
}
