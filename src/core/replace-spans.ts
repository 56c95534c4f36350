/** A part of a text: `start` and `end` are string indices, end exclusive. */
export interface Span {
  start: number;
  end: number;
}

/** `text` with each span replaced by `replacement(span)`; spans sorted by start and not overlapping. */
export function replaceSpans<S extends Span>(text: string, spans: readonly S[], replacement: (span: S) => string): string {
  if (spans.length === 0) return text;
  let out = '';
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + replacement(s);
    at = s.end;
  }
  return out + text.slice(at);
}
