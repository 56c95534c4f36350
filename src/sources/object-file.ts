import { INLINE, type FileSuppressions } from '../core/inline-suppression.js';
import { forgetFileLines, LINES, type LineIndex } from '../core/line-index.js';
import { HEAD_BYTES, type ClusterListing } from '../core/source-file.js';
import type { PositionTable } from '../parsers/yaml/position-table.js';
import type { PositionedFile } from '../parsers/yaml/yaml-parser.js';
import { depthTable, positionsOf } from './cluster/object-text.js';

/**
 * A Kubernetes object given as a value (an admission request's object as `JSON.parse` made it; an object listed
 * from a cluster, which names its `cluster`) scanned as the file `path` holding it as indented JSON: read by the
 * same YAML/JSON parser and checked by the same rules as a manifest file, its nodes located by walking the value
 * beside that text (`positionsOf`) rather than by parsing the text again, its documents holding the value itself.
 * The text is Sanctum's own JSON, so it has no comments: a `sanctum:ignore` in one of its strings is the object's
 * data (a command, an annotation), never an inline suppression. One class for both (not a subclass for cluster
 * objects): V8 defines a derived class's fields by a call it does not inline, about 250 instructions more for each
 * of a cluster scan's ~50,000 objects (cachegrind).
 */
export class ObjectFile implements PositionedFile {
  readonly size: number;
  private json: string | undefined;
  private data: Buffer | undefined;
  /** Dropped on `release()`: the documents keep what they need of it. */
  object: Record<string, unknown> | undefined;
  /** The line index of the text (`fileLines`), dropped with the text on `release()`. */
  [LINES]: LineIndex | undefined = undefined;

  constructor(
    readonly path: string,
    object: Record<string, unknown>,
    /** For an object read from a live cluster: which cluster, and what was listed. */
    readonly cluster?: ClusterListing,
    /** The object's text when it is known already (`JSON.stringify(object, null, 2)`: the worker of a threaded scan is sent it). */
    text?: string,
  ) {
    this.object = object;
    this.json = text ?? JSON.stringify(object, null, 2);
    this.size = Buffer.byteLength(this.json, 'utf8');
  }

  /** None (see the class): on the prototype, so no work for each object. */
  get [INLINE](): FileSuppressions {
    return null;
  }

  text(): string {
    if (this.json === undefined) throw new Error(`the text of ${this.path} was released once its findings were resolved`);
    return this.json;
  }
  positions(): PositionTable | undefined {
    return this.object && positionsOf(this.object, this.text());
  }
  unlocated(maxDepth: number): PositionTable | undefined {
    return this.object && depthTable(this.object, this.text(), maxDepth);
  }
  bytes(): Uint8Array {
    this.data ??= Buffer.from(this.text(), 'utf8');
    return this.data;
  }
  head(): Uint8Array {
    return this.read(0, HEAD_BYTES);
  }
  read(offset: number, length: number): Uint8Array {
    const b = this.bytes();
    return b.subarray(offset, Math.min(b.length, offset + length));
  }
  /**
   * Drops the text and the value of a cluster object once its own findings are resolved (its documents keep no
   * positions then; findings on cluster objects carry no fix). Any other keeps them: the cross-document rules'
   * findings come back to it with their fixes.
   */
  release(): void {
    if (!this.cluster) return;
    this.data = undefined;
    this.json = undefined;
    this.object = undefined;
    // The line index holds the text too.
    forgetFileLines(this);
  }
}
