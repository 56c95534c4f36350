/** A PEP 508 dependency specification: `name[extras] specifier ; marker` or `name[extras] @ url ; marker`. */
export interface Pep508 {
  name: string;
  extras: string[];
  /** Version specifier without parentheses, e.g. `>=2.0,<3`; empty when there is none. */
  specifier: string;
  url?: string;
  marker?: string;
}

const NAME = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*/;
const EXTRAS = /^\[([^\]]*)\]\s*/;

export function parsePep508(text: string): Pep508 | undefined {
  const m = NAME.exec(text);
  if (!m) return undefined;
  const name = m[1];
  let rest = text.slice(m[0].length);
  let extras: string[] = [];
  const e = EXTRAS.exec(rest);
  if (e) {
    extras = e[1]
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
    rest = rest.slice(e[0].length);
  }
  let marker: string | undefined;
  const semi = markerStart(rest);
  if (semi !== -1) {
    marker = rest.slice(semi + 1).trim() || undefined;
    rest = rest.slice(0, semi);
  }
  rest = rest.trim();
  if (rest.startsWith('@')) {
    const url = rest.slice(1).trim();
    if (!url) return undefined;
    return { name, extras, specifier: '', url, marker };
  }
  if (rest.startsWith('(') && rest.endsWith(')')) rest = rest.slice(1, -1).trim();
  if (rest !== '' && !/^(?:[<>=!~]=?|===)/.test(rest)) return undefined;
  return { name, extras, specifier: rest.replace(/\s+/g, ''), marker };
}

/** The `;` that starts a marker: after a URL it must follow whitespace (a URL may hold `;`). */
function markerStart(rest: string): number {
  if (rest.trimStart().startsWith('@')) {
    const m = /\s;/.exec(rest);
    return m ? m.index + 1 : -1;
  }
  return rest.indexOf(';');
}

/** The version a specifier pins exactly (`==1.2.3`, `===1.2.3`), or undefined for ranges and wildcards. */
export function pinnedVersion(specifier: string): string | undefined {
  const s = specifier.trim();
  if (s.includes(',')) {
    const clauses = s.split(',').map((c) => pinnedVersion(c));
    const pins = clauses.filter((v): v is string => v !== undefined);
    return pins.length === 1 ? pins[0] : undefined;
  }
  const m = /^(===?)\s*([^\s*]+)$/.exec(s);
  return m ? m[2] : undefined;
}

/** PEP 503 normalised name: lower case, runs of `-`, `_`, `.` as one `-`. */
export function normalizePythonName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}
