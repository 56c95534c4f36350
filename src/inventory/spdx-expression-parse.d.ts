declare module 'spdx-expression-parse' {
  /** Parses an SPDX licence expression; throws on anything else (unknown ids, stray words, unbalanced parentheses). */
  export default function parse(expression: string): unknown;
}
