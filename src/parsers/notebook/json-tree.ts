import { ParseFailure } from '../../core/parser.js';

/** A JSON value with the offsets of its source text (UTF-16, end exclusive). */
export type JsonNode =
  | { type: 'object'; start: number; end: number; entries: Array<[string, JsonNode]> }
  | { type: 'array'; start: number; end: number; items: JsonNode[] }
  | { type: 'string'; start: number; end: number; raw: string }
  | { type: 'scalar'; start: number; end: number };

/**
 * A small JSON reader that keeps the position of every value, so that a character of a decoded
 * string can be mapped back to its line and column in the file. Strings are decoded on demand.
 */
export function parseJsonTree(text: string, maxDepth: number, label = 'notebook JSON'): JsonNode {
  let i = 0;
  const n = text.length;
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else break;
    }
  };
  const fail = (what: string): never => {
    let line = 1;
    for (let k = text.indexOf('\n'); k !== -1 && k < i; k = text.indexOf('\n', k + 1)) line++;
    throw new ParseFailure(`invalid ${label} at line ${line}: ${what}`, line);
  };
  const str = (): JsonNode => {
    const start = i;
    let j = i + 1;
    for (;;) {
      const q = text.indexOf('"', j);
      if (q === -1) fail('unterminated string');
      let bs = 0;
      while (text.charCodeAt(q - 1 - bs) === 92) bs++;
      j = q + 1;
      if (bs % 2 === 0) break;
    }
    i = j;
    return { type: 'string', start, end: j, raw: text.slice(start, j) };
  };
  const SCALAR = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
  const value = (depth: number): JsonNode => {
    if (depth > maxDepth) fail(`nesting deeper than ${maxDepth} levels`);
    ws();
    const c = text[i];
    if (c === '"') return str();
    if (c === '{') {
      const start = i++;
      const entries: Array<[string, JsonNode]> = [];
      ws();
      if (text[i] === '}') {
        i++;
        return { type: 'object', start, end: i, entries };
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a property name');
        const k = str() as { raw: string };
        ws();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        entries.push([decodeJsonString(k.raw), value(depth + 1)]);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return { type: 'object', start, end: i, entries };
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      const start = i++;
      const items: JsonNode[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return { type: 'array', start, end: i, items };
      }
      for (;;) {
        items.push(value(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return { type: 'array', start, end: i, items };
        }
        fail("expected ',' or ']'");
      }
    }
    SCALAR.lastIndex = i;
    const m = SCALAR.exec(text);
    if (!m) fail(c === undefined ? 'unexpected end of input' : `unexpected character '${c}'`);
    const start = i;
    i += m![0].length;
    return { type: 'scalar', start, end: i };
  };
  const root = value(0);
  ws();
  if (i < n) fail('unexpected content after the JSON value');
  return root;
}

/** The decoded value of a JSON string literal (with its quotes). */
export function decodeJsonString(raw: string): string {
  if (!raw.includes('\\')) return raw.slice(1, -1);
  try {
    return JSON.parse(raw) as string;
  } catch {
    throw new ParseFailure('invalid escape in a JSON string');
  }
}

/** Offset in the file of the decoded character `k` of the string literal starting at `start`. */
export function rawOffset(text: string, start: number, k: number): number {
  let i = start + 1;
  let d = 0;
  while (d < k) {
    if (text.charCodeAt(i) === 92) i += text[i + 1] === 'u' ? 6 : 2;
    else i++;
    d++;
  }
  return i;
}

export function member(node: JsonNode | undefined, key: string): JsonNode | undefined {
  if (node?.type !== 'object') return undefined;
  for (const [k, v] of node.entries) if (k === key) return v;
  return undefined;
}
