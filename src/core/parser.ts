import type { ScanDocument } from './document.js';
import type { SourceFile } from './source-file.js';

export interface Limits {
  /** Largest file read whole by text parsers. */
  maxFileBytes: number;
  /** Deepest nesting a structured document may have. */
  maxDepth: number;
  /** Most nodes a YAML document may expand to through aliases. */
  maxAliasExpansion: number;
  /** Most entries read from one archive. */
  maxArchiveEntries: number;
  /** Most bytes decompressed from one file. */
  maxDecompressedBytes: number;
  /** Deepest nesting of archives inside archives. */
  maxArchiveDepth: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxFileBytes: 10 * 1024 * 1024,
  maxDepth: 100,
  maxAliasExpansion: 100_000,
  maxArchiveEntries: 10_000,
  maxDecompressedBytes: 512 * 1024 * 1024,
  maxArchiveDepth: 3,
};

export interface ParseError {
  message: string;
  line?: number;
}

export interface ParseOutput {
  documents: ScanDocument[];
  errors?: ParseError[];
}

export interface ParseContext {
  readonly limits: Limits;
}

export interface Parser {
  readonly name: string;
  /** Document kinds the parser produces; the engine skips a parser when no active rule wants them. */
  readonly produces: readonly string[];
  /**
   * Largest file the parser accepts. Larger files are reported in `errors` instead of parsed.
   * Defaults to `limits.maxFileBytes`; binary parsers that read by range may accept more.
   */
  readonly maxBytes?: number;
  /**
   * True when the parser reads a live cluster's objects (their text is the object as JSON). Other
   * parsers never see them, whatever the object is called: a ConfigMap named `app.py`, `package.json`
   * or `Dockerfile` is a Kubernetes object, not a file of that format.
   */
  readonly readsClusterObjects?: boolean;
  /** Decides from the name and the first bytes; never from the extension alone for binary formats. */
  matches(file: SourceFile): boolean;
  parse(file: SourceFile, ctx: ParseContext): ParseOutput;
  /**
   * Cross-document views built once every file has been parsed (e.g. the Kubernetes objects that
   * are deployed together). Receives the parser's own documents; rules run on each view.
   */
  readonly setKind?: string;
  collect?(documents: ScanDocument[]): ScanDocument | ScanDocument[];
  /**
   * The directory whose files alone make up the part of `collect` a document belongs to (for
   * Kubernetes: the plain manifests of one directory), or undefined when its part is not one
   * directory's files. When files arrive in the order of one depth-first walk, such a part is
   * complete, and collected, as soon as a file from outside the directory arrives.
   */
  setDirectory?(document: ScanDocument): string | undefined;
}

/** An error a parser throws to report a clear, user-facing message. */
export class ParseFailure extends Error {
  constructor(
    message: string,
    readonly line?: number,
    /** The file is over a size limit of the parser: said once for a file however many parsers read it. */
    readonly overSizeLimit = false,
  ) {
    super(message);
    this.name = 'ParseFailure';
  }
}
