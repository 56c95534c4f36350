import type { TextSpan } from '../../../core/document.js';
import type { FixInput } from '../../../core/rule.js';
import type { ComposeDocument } from '../../../parsers/compose/compose-document.js';
import type { ObjectPath } from '../../../core/types.js';

/** Start of the line holding `offset`. */
function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/**
 * The whole lines of a block-style node (`key: value` or `- item`), line break included, when
 * nothing but blanks precede it on its first line and nothing but blanks or a comment follows it.
 */
function wholeLines(text: string, span: TextSpan): TextSpan | undefined {
  const start = lineStart(text, span.start);
  if (text.slice(start, span.start).trim() !== '') return undefined;
  let end = text.indexOf('\n', span.end);
  end = end === -1 ? text.length : end + 1;
  const tail = text.slice(span.end, end).trim();
  if (tail !== '' && !tail.startsWith('#')) return undefined;
  return { start, end };
}

/** Removes a block mapping entry (`privileged: true`) with its line. */
export function removeEntry(doc: ComposeDocument, path: ObjectPath, description: string): FixInput | undefined {
  const span = doc.entrySpan(path);
  if (!span) return undefined;
  const lines = wholeLines(doc.text, span);
  return lines ? { description, edits: [{ span: lines, replacement: '' }] } : undefined;
}

/**
 * Removes one item of a sequence (`- ALL` or `ALL` in `[ALL, NET_ADMIN]`); removes the whole
 * `key: [...]` entry when it is the only item.
 */
export function removeItem(
  doc: ComposeDocument,
  listPath: ObjectPath,
  index: number,
  count: number,
  description: string,
): FixInput | undefined {
  if (count === 1) return removeEntry(doc, listPath, description);
  const span = doc.valueSpan([...listPath, index]);
  if (!span) return undefined;
  const text = doc.text;
  const dash = text.lastIndexOf('-', span.start);
  if (dash !== -1 && text.slice(dash + 1, span.start).trim() === '' && text.slice(lineStart(text, dash), dash).trim() === '') {
    const lines = wholeLines(text, { start: dash, end: span.end });
    return lines ? { description, edits: [{ span: lines, replacement: '' }] } : undefined;
  }
  // Flow sequence: drop the item and the comma after it (or before it, for the last item).
  let end = span.end;
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
  if (text[end] === ',') {
    end++;
    while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
    return { description, edits: [{ span: { start: span.start, end }, replacement: '' }] };
  }
  let start = span.start;
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  if (text[start - 1] !== ',') return undefined;
  return { description, edits: [{ span: { start: start - 1, end: span.end }, replacement: '' }] };
}
