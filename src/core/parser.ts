import type { ScanDocument } from './document.js';
import type { SourceFile } from './source-file.js';

export interface Limits {
  /** Largest file read whole by text parsers. */
  maxFileBytes: number;
  /**
   * Largest lockfile read whole, of the formats whose readers are linear and lean
   * (`package-lock.json`, `npm-shrinkwrap.json`, `yarn.lock`, `pnpm-lock.yaml`, `poetry.lock`,
   * `uv.lock`, `Pipfile.lock`, `Cargo.lock`): a large monorepo's lockfile is over `maxFileBytes`. The
   * secret scanner reads these files up to the same size.
   */
  maxLockfileBytes: number;
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

/**
 * 64 MiB. Measured (bench/large-lockfiles.mjs, /usr/bin/time -v, one lockfile alone): 50,000-entry
 * lockfiles of 18–32 MB peak at 214–405 MB in `sanctum scan` and 458–743 MB in `sanctum sbom`; a
 * 62.6 MB poetry.lock (120,000 entries) at 765 MB and 1,416 MB (the SBOM document is most of it).
 */
export const MAX_LOCKFILE_BYTES = 64 * 1024 * 1024;

export const DEFAULT_LIMITS: Limits = {
  maxFileBytes: 10 * 1024 * 1024,
  maxLockfileBytes: MAX_LOCKFILE_BYTES,
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
  /**
   * The documents are only collected for another thread's cross-document rules (`Engine.collectOnly`)
   * and compacted at once: none is located through the positions of this parse.
   */
  readonly collectOnly?: boolean;
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
  /** Largest file of this kind the parser accepts, when it depends on the file (see `parserLimit`). */
  maxBytesOf?(file: SourceFile, limits: Limits): number | undefined;
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

/** Largest size of `file` that `parser` reads: its own limit for this file, else its fixed one, else `limits.maxFileBytes`. */
export function parserLimit(parser: Parser, file: SourceFile, limits: Limits): number {
  return parser.maxBytesOf?.(file, limits) ?? parser.maxBytes ?? limits.maxFileBytes;
}

/** The lockfiles read up to `limits.maxLockfileBytes`, by name. */
const LARGE_LOCKFILE = /(?:^|\/)(?:package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|poetry\.lock|uv\.lock|Pipfile\.lock|Cargo\.lock)$/;

/** The limit of a lockfile of a large kind at `path` (never below `maxFileBytes`), else `undefined`. */
export function lockfileLimit(path: string, limits: Limits): number | undefined {
  return LARGE_LOCKFILE.test(path) ? Math.max(limits.maxFileBytes, limits.maxLockfileBytes) : undefined;
}
