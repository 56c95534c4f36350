import type { LineIndex } from './line-index.js';

export interface InlineSuppression {
  /** Rule ids or slugs; `*` for all. */
  rules: string[];
  reason?: string;
  expires?: string;
  /** 1-based line of the comment. */
  line: number;
  column: number;
  endColumn: number;
  /** True when the comment is alone on its line (then it applies to the next line). */
  ownLine: boolean;
}

/** The inline suppressions of a file and the line index they were found with; null when it has none. */
export type FileSuppressions = { lines: LineIndex; map: Map<number, InlineSuppression[]> } | null;

/**
 * The slot a file keeps its inline suppressions in once read (the engine's `inlineFor`), as `LINES`
 * keeps its line index: findings of cross-object rules come back to the file after its own.
 */
export const INLINE: unique symbol = Symbol('sanctum.inline');

/** A file with the slot for its inline suppressions. */
export interface SuppressedFile {
  [INLINE]?: FileSuppressions | undefined;
}

const MARKER = 'sanctum:ignore';
const RULE_TOKEN = /^[A-Za-z0-9*_-]+$/;
const ATTR = /\b(reason|expires)=(?:"([^"\n]*)"|'([^'\n]*)'|(\S+))/g;

/**
 * Finds `# sanctum:ignore RULE[,RULE…] reason="…" expires=YYYY-MM-DD` comments (any comment leader;
 * ids or slugs separated by commas or spaces; `*` for every rule).
 */
export function findInlineSuppressions(text: string, lines: LineIndex): Map<number, InlineSuppression[]> {
  const out = new Map<number, InlineSuppression[]>();
  if (!text.includes(MARKER)) return out;
  let from = 0;
  for (;;) {
    const at = text.indexOf(MARKER, from);
    if (at === -1) break;
    from = at + MARKER.length;
    const { line, column } = lines.position(at);
    const lineText = lines.lineText(line);
    const parsed = parseDirective(lineText.slice(column - 1 + MARKER.length));
    if (!parsed) continue;
    const s: InlineSuppression = {
      rules: parsed.rules,
      line,
      column,
      endColumn: lineText.length + 1,
      ownLine: /^\s*(#|\/\/|--|;|<!--|\/\*)/.test(lineText),
    };
    for (const a of parsed.rest.matchAll(ATTR)) {
      const v = a[2] ?? a[3] ?? a[4];
      if (a[1] === 'reason') {
        if (v.trim()) s.reason = v.trim();
      } else s.expires = v;
    }
    const list = out.get(line) ?? [];
    list.push(s);
    out.set(line, list);
  }
  return out;
}

/** Rule ids or slugs (separated by commas and/or spaces) up to the first `key=value` or other word. */
function parseDirective(after: string): { rules: string[]; rest: string } | undefined {
  if (!/^[ \t]/.test(after)) return undefined;
  const rules: string[] = [];
  let i = 0;
  for (;;) {
    while (i < after.length && (after[i] === ' ' || after[i] === '\t' || after[i] === ',')) i++;
    let j = i;
    while (j < after.length && after[j] !== ' ' && after[j] !== '\t' && after[j] !== ',') j++;
    const token = after.slice(i, j);
    if (token === '' || !RULE_TOKEN.test(token)) break;
    rules.push(token);
    i = j;
  }
  return rules.length ? { rules, rest: after.slice(i) } : undefined;
}

/** The suppressions that cover a finding starting on `line`: on the line itself, or alone on the line before. */
export function suppressionsFor(map: Map<number, InlineSuppression[]>, line: number): InlineSuppression[] {
  const same = map.get(line) ?? [];
  const before = (map.get(line - 1) ?? []).filter((s) => s.ownLine);
  return [...same, ...before];
}

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isValidDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/**
 * True once the day `expires` has passed. A date that cannot be read counts as expired: a typo must
 * not turn a temporary suppression into a permanent one.
 */
export function isExpired(expires: string | undefined, today: string): boolean {
  if (expires === undefined) return false;
  return !isValidDate(expires) || expires < today;
}

/** Why a suppression no longer suppresses, for the SAN-0002 message. */
export function expiryProblem(expires: string): string {
  return isValidDate(expires) ? `expired on ${expires}` : `has an expiry date that is not a date as YYYY-MM-DD ('${expires}')`;
}
