import { INLINE, type FileSuppressions } from '../core/inline-suppression.js';
import { LINES, type LineIndex } from '../core/line-index.js';
import { HEAD_BYTES, type SourceFile } from '../core/source-file.js';
import type { PositionTable } from '../parsers/yaml/position-table.js';
import type { PositionedFile } from '../parsers/yaml/yaml-parser.js';
import { positionsOf } from './cluster/object-text.js';

/**
 * An object given as a value (an admission request's object, as `JSON.parse` made it) scanned as the
 * file `path` holding it as indented JSON, the text a cluster object is scanned as: its nodes are
 * located by walking the value beside that text (`positionsOf`), not by parsing the text again, and
 * its documents hold the value itself. Unlike a cluster object, it is a file in every other way
 * (lines in its findings' locations, inline suppressions read from its text).
 */
export class ObjectFile implements SourceFile, PositionedFile {
  readonly size: number;
  private readonly json: string;
  private data: Buffer | undefined;
  [LINES]: LineIndex | undefined = undefined;
  [INLINE]: FileSuppressions | undefined = undefined;

  constructor(
    readonly path: string,
    private readonly value: Record<string, unknown>,
  ) {
    this.json = JSON.stringify(value, null, 2);
    this.size = Buffer.byteLength(this.json, 'utf8');
  }

  text(): string {
    return this.json;
  }
  positions(): PositionTable | undefined {
    return positionsOf(this.value, this.json);
  }
  bytes(): Uint8Array {
    this.data ??= Buffer.from(this.json, 'utf8');
    return this.data;
  }
  head(): Uint8Array {
    return this.read(0, HEAD_BYTES);
  }
  read(offset: number, length: number): Uint8Array {
    const b = this.bytes();
    return b.subarray(offset, Math.min(b.length, offset + length));
  }
}
