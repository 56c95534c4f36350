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

const MARKER = 'sanctum:ignore';
const DIRECTIVE = /sanctum:ignore\s+([A-Za-z0-9*_,-]+(?:[ \t]*,[ \t]*[A-Za-z0-9*_-]+)*)([^\n]*)/;
const ATTR = /\b(reason|expires)=(?:"([^"\n]*)"|'([^'\n]*)'|(\S+))/g;

/** Finds `# sanctum:ignore RULE[,RULE] reason="…" expires=YYYY-MM-DD` comments (any comment leader). */
export function findInlineSuppressions(text: string, lines: LineIndex): Map<number, InlineSuppression[]> {
  const out = new Map<number, InlineSuppression[]>();
  if (!text.includes(MARKER)) return out;
  let from = 0;
  for (;;) {
    const at = text.indexOf(MARKER, from);
    if (at === -1) break;
    from = at + MARKER.length;
    const { line } = lines.position(at);
    const lineText = lines.lineText(line);
    const m = DIRECTIVE.exec(lineText);
    if (!m) continue;
    const rules = m[1].split(',').map((s) => s.trim()).filter(Boolean);
    const s: InlineSuppression = {
      rules,
      line,
      column: lineText.indexOf(MARKER) + 1,
      endColumn: lineText.length + 1,
      ownLine: /^\s*(#|\/\/|--|;|<!--|\/\*)/.test(lineText),
    };
    for (const a of m[2].matchAll(ATTR)) {
      const v = a[2] ?? a[3] ?? a[4];
      if (a[1] === 'reason') s.reason = v;
      else s.expires = v;
    }
    const list = out.get(line) ?? [];
    list.push(s);
    out.set(line, list);
  }
  return out;
}

/** The suppressions that cover a finding starting on `line`: on the line itself, or alone on the line before. */
export function suppressionsFor(map: Map<number, InlineSuppression[]>, line: number): InlineSuppression[] {
  const same = map.get(line) ?? [];
  const before = (map.get(line - 1) ?? []).filter((s) => s.ownLine);
  return [...same, ...before];
}

export function isExpired(expires: string | undefined, today: string): boolean {
  return expires !== undefined && /^\d{4}-\d{2}-\d{2}/.test(expires) && expires.slice(0, 10) < today;
}
