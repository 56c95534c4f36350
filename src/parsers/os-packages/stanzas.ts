/** One field of a stanza: its value and where its line is in the text. */
export interface Field {
  value: string;
  start: number;
  end: number;
}

/**
 * Paragraphs of `Key: value` lines separated by blank lines, as dpkg's status file (deb822) and apk's
 * installed database (`K:value`) write them. Continuation lines (starting with a space or tab) are
 * appended to the field before them. The first occurrence of a field wins.
 */
export function* stanzas(text: string): Generator<Map<string, Field>> {
  let fields = new Map<string, Field>();
  let last: Field | undefined;
  let pos = 0;
  while (pos <= text.length) {
    const nl = text.indexOf('\n', pos);
    const end = nl === -1 ? text.length : nl;
    const line = text.charCodeAt(end - 1) === 13 ? text.slice(pos, end - 1) : text.slice(pos, end);
    if (line.trim() === '') {
      if (fields.size) yield fields;
      fields = new Map();
      last = undefined;
    } else if ((line[0] === ' ' || line[0] === '\t') && last) {
      // deb822 continuation lines (Description, Conffiles): only the first line is kept for values we read.
    } else {
      const colon = line.indexOf(':');
      if (colon > 0) {
        const key = line.slice(0, colon);
        const value = line.slice(colon + 1).trim();
        last = { value, start: pos, end: pos + line.length };
        if (!fields.has(key)) fields.set(key, last);
      } else last = undefined;
    }
    if (nl === -1) break;
    pos = nl + 1;
  }
  if (fields.size) yield fields;
}
