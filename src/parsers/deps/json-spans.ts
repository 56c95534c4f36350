import type { TextSpan } from '../../core/document.js';
import { decodeJsonString, member, type JsonNode } from '../notebook/json-tree.js';

/** The span of the key of a member whose value starts at `value.start`: from the key's opening quote to the end of the value. */
export function memberSpan(text: string, value: JsonNode, wholeValue: boolean): TextSpan {
  let i = value.start - 1;
  while (i >= 0 && /\s/.test(text[i])) i--;
  if (text[i] === ':') i--;
  while (i >= 0 && /\s/.test(text[i])) i--;
  const keyEnd = i + 1;
  if (text[i] === '"') {
    i--;
    while (i >= 0 && !(text[i] === '"' && text[i - 1] !== '\\')) i--;
  }
  const start = Math.max(0, i);
  return { start, end: wholeValue ? value.end : keyEnd };
}

export function stringValue(node: JsonNode | undefined): string | undefined {
  return node?.type === 'string' ? decodeJsonString(node.raw) : undefined;
}

export function boolValue(text: string, node: JsonNode | undefined): boolean {
  return node?.type === 'scalar' && text.slice(node.start, node.end) === 'true';
}

export function stringMember(node: JsonNode | undefined, key: string): string | undefined {
  return stringValue(member(node, key));
}

export function objectEntries(node: JsonNode | undefined): Array<[string, JsonNode]> {
  return node?.type === 'object' ? node.entries : [];
}

/** `license` as npm writes it: a string, or the old `{ type }` object. */
export function licenseOf(node: JsonNode | undefined): string | undefined {
  return stringValue(node) ?? stringMember(node, 'type');
}
