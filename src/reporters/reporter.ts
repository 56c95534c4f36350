import type { ChunkSink } from './json-stream.js';
import type { AnyRule } from '../core/rule.js';
import type { ScanResult, Severity } from '../core/types.js';

export interface ReportContext {
  /** The rules that ran, for formats that describe rules (SARIF). */
  rules: readonly AnyRule[];
  /** Finds a rule that reported without being in `rules` (engine findings such as suppression hygiene). */
  lookup?(idOrSlug: string): AnyRule | undefined;
  color: boolean;
  /** `none`: report only, no finding fails. */
  failOn: Severity | 'none';
  /** Show suppressed findings in human formats. */
  showSuppressed?: boolean;
  /** The text of a scanned file by its reported path, for formats that show snippets (html); undefined when unreadable. */
  readSource?(path: string): string | undefined;
  /**
   * SARIF artifact locations of the reported paths when they are files of this machine (a file scan):
   * `locate` turns a path into a URI and `root` says what `%SRCROOT%` is. Default: the path relative
   * to the directory Sanctum ran in.
   */
  sarifArtifacts?: { locate(path: string): { uri: string; uriBaseId?: string }; root: string };
}

export type Reporter = (result: ScanResult, ctx: ReportContext) => string;

/** A reporter that hands its output to `sink` piece by piece, so that a large report never exists whole in memory. */
export type StreamingReporter = (result: ScanResult, ctx: ReportContext, sink: ChunkSink) => void;

/** Where the generated rule pages live: docs/rules/<slug>.md of the project. */
export const PROJECT_URL = 'https://sanctum.dev';
export const RULE_DOCS_URL = `${PROJECT_URL}/docs/rules/`;
