import type { SourceFile } from './source-file.js';
import type { EventRef, ObjectPath, ResourceRef, SourceRange } from './types.js';

/** A span of the file's text as UTF-16 offsets, end exclusive. */
export interface TextSpan {
  start: number;
  end: number;
}

/** A 1-based line range; columns default to the whole line. */
export interface LineSpan {
  line: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
}

/**
 * Text inside the value at an object path: a flag in a multi-line `bash -c` script, a line of a block
 * scalar. Located at its first occurrence in the value as written (the whole value when it is not written
 * there verbatim), and through rendering on the source line that holds it.
 */
export interface TextInValue {
  path: ObjectPath;
  find: string;
}

/** Where a rule reports: an object path into the document, a text span, a line span, or text inside a value. */
export type At = ObjectPath | TextSpan | LineSpan | TextInValue;

/**
 * Longest `Located.snippet` a parser cuts the located text to: longer than the evidence the engine
 * masks (its 160 characters and 256 more), so that the engine's own cut is the only one it masks across.
 */
export const SNIPPET_MAX = 512;

export interface Located {
  /** The file `range` lies in, when it is not the document's own (a rendered object traced back to its source). */
  file?: SourceFile;
  range?: SourceRange;
  objectPath?: string;
  /** Source text of the reported node, used as evidence when the rule gives none. */
  snippet?: string;
}

/** A suppression declared on a document (e.g. the `sanctum.dev/ignore` annotation); `at` is where it is written. */
export interface DocumentSuppression {
  /** Rule id or slug; `*` for every rule. */
  rule: string;
  reason?: string;
  /** `YYYY-MM-DD`; the suppression stops after this day. */
  expires?: string;
  at?: At;
}

/**
 * A parsed unit handed to rules. Parsers extend this with typed content
 * (a Kubernetes object, a Dockerfile, a pickle stream, …).
 */
export interface ScanDocument {
  /** Matches `appliesTo` of rules. */
  readonly kind: string;
  readonly file: SourceFile;
  /** Kubernetes identity, when the document is a Kubernetes object. */
  readonly resource?: ResourceRef;
  /** Extra location context (a notebook cell, an archive member). */
  readonly detail?: string;
  /** Rule ids or slugs suppressed on the document itself, e.g. from an annotation. */
  readonly suppressions?: ReadonlyArray<DocumentSuppression>;
  /** For an event (audit, Falco, Tetragon): which one; findings carry it as `location.event`. */
  readonly event?: EventRef;
  /** True for views derived from another document (a pod spec of an object): not counted as a resource. */
  readonly derived?: boolean;
  /** Turns `at` into a source range and an object path. */
  locate(at: At | undefined): Located;
  /**
   * Called when the document's own rules are done and it is kept for the cross-document rules: it may
   * drop caches (positions) that `locate` can rebuild.
   */
  compact?(): void;
}

/**
 * Traces values of rendered output (a Kustomize overlay, a Helm chart) back to the source file and
 * line that set them. Attached to the rendered file as `SourceFile.origins`.
 */
export interface RenderOrigins {
  /**
   * Where the value `value` at `path` of document `docIndex` of the rendered output was set (`rendered`:
   * where it is in the output), or undefined when that cannot be known (the finding then names the
   * rendered object, without a line).
   */
  locate(docIndex: number, path: ObjectPath, value: unknown, rendered: Located): Located | undefined;
}

export function isTextSpan(at: At): at is TextSpan {
  return !Array.isArray(at) && typeof (at as TextSpan).start === 'number';
}

export function isTextInValue(at: At): at is TextInValue {
  return !Array.isArray(at) && typeof (at as TextInValue).find === 'string';
}

export function isLineSpan(at: At): at is LineSpan {
  return !Array.isArray(at) && typeof (at as LineSpan).line === 'number';
}
