/**
 * Line breaks as BuildKit's scanner has them (parser.go scanLines, trimNewline): a line ends at \n,
 * and the \r's right before it (or before the end of the text) belong to its break; any other \r is a
 * character of the line.
 */

/**
 * Whether a line break starts at a position of `text`. Each run of \r's is looked at once however
 * many of its positions are asked about, so a scan stays linear in the text's length.
 */
export function breakTester(text: string): (i: number) => boolean {
  let from = -1;
  let to = -1;
  let isBreak = false;
  return (i) => {
    const c = text.charCodeAt(i);
    if (c === 10) return true;
    if (c !== 13) return false;
    if (i < from || i >= to) {
      from = i;
      to = i + 1;
      while (to < text.length && text.charCodeAt(to) === 13) to++;
      isBreak = to === text.length || text.charCodeAt(to) === 10;
    }
    return isBreak;
  };
}

/** The offset after the line break that starts at `at` (after its \n, or the text's end). */
export function afterBreak(text: string, at: number): number {
  const nl = text.indexOf('\n', at);
  return nl === -1 ? text.length : nl + 1;
}

/** Where the line that holds `i` ends: the offset its break starts at, or the text's length. */
export function lineContentEnd(text: string, i: number): number {
  let end = text.indexOf('\n', i);
  if (end === -1) end = text.length;
  while (end > i && text.charCodeAt(end - 1) === 13) end--;
  return end;
}
