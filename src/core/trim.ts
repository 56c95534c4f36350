/**
 * `text` without the run of `chars` at its end, found from the end: a pattern such as /[.-]+$/ is
 * tried from every character of a long run that does not end the text, quadratic in the run.
 */
export function withoutTrailing(text: string, chars: string): string {
  let end = text.length;
  while (end > 0 && chars.includes(text[end - 1])) end--;
  return end === text.length ? text : text.slice(0, end);
}

/** `text` without the run of `chars` at its start. */
export function withoutLeading(text: string, chars: string): string {
  let start = 0;
  while (start < text.length && chars.includes(text[start])) start++;
  return start === 0 ? text : text.slice(start);
}
