import { interpolate, MAX_INTERPOLATED, substituteKnown } from './compose-document.js';

/**
 * What an env file says of a variable, never its value: `set` (not empty), `empty`, or `unknown`
 * (its value comes from the environment of `docker compose`, or the line is not read here).
 */
export type EnvFileVariable = 'set' | 'empty' | 'unknown';

/**
 * A variable's value as a dotenv file gives it, or null when the file alone does not tell it (a name
 * without a value, a value that interpolates a variable not known, a quoted value going on past its line).
 */
export type DotEnvValue = string | null;

/**
 * The variables of a compose dotenv file (the project's `.env`, or an `env_file:`), by name, with
 * their values as far as the file tells, in the format compose reads: `KEY=VALUE` and `KEY: VALUE`
 * lines (the name ends at the first `=` or `:`, so `A=b:c` and `A: b=c` both keep the rest as the
 * value), an optional `export ` before the name, `#` comments (a whole line, or after a space in an
 * unquoted value), blank lines, values in single quotes (literal) or double quotes (`\n` escapes).
 * Values interpolate the variables set before them in the file (`B=${A}-x`); a name without a value
 * takes its value from the environment of `docker compose`, as a value that interpolates from it
 * does (`${OTHER}`): null, as is a quoted value that goes on past its line. `known` gives the values
 * of variables from elsewhere (the project's `.env` for an env file). A value interpolation would
 * make longer than its line and `MAX_INTERPOLATED` is null too.
 */
export function parseDotEnv(text: string, known?: (name: string) => DotEnvValue | undefined): Map<string, DotEnvValue> {
  const out = new Map<string, DotEnvValue>();
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (/^export\s/.test(line)) line = line.slice(6).trimStart();
    const end = line.search(/[=:]/);
    const name = (end === -1 ? line : line.slice(0, end)).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) continue;
    if (end === -1) {
      out.set(name, null);
      continue;
    }
    out.set(
      name,
      valueOf(line.slice(end + 1).trimStart(), (n) => (out.has(n) ? out.get(n) : known?.(n))),
    );
  }
  return out;
}

/** What an env file says of each variable it names (see `parseDotEnv`), never their values. */
export function parseEnvFile(text: string, known?: (name: string) => DotEnvValue | undefined): Map<string, EnvFileVariable> {
  const out = new Map<string, EnvFileVariable>();
  for (const [name, value] of parseDotEnv(text, known)) out.set(name, value === null ? 'unknown' : value === '' ? 'empty' : 'set');
  return out;
}

function valueOf(value: string, lookup: (name: string) => DotEnvValue | undefined): DotEnvValue {
  const quote = value[0];
  let text: string;
  if (quote === '"' || quote === "'") {
    const close = closingQuote(value, quote);
    if (close === -1) return null;
    text = value.slice(1, close);
    if (quote === "'") return text;
    text = text.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c === '$' ? '$$' : c));
  } else {
    const comment = /\s#/.exec(value);
    text = (comment ? value.slice(0, comment.index) : value).trimEnd();
  }
  const substituted = substituteKnown(text, lookup);
  if (substituted.overflow) return null;
  let known = true;
  const result = interpolate(substituted.text, () => {
    known = false;
    return '';
  });
  // A value the variables before it make longer than MAX_INTERPOLATED is known only at run time
  // (`B=${A}${A}…`, `C=${B}${B}…` would otherwise grow without bound).
  return known && result.length <= Math.max(MAX_INTERPOLATED, text.length) ? result : null;
}

/** Index of the quote closing a value that starts with `quote`, a quote after a backslash not closing it; -1 when none does. */
function closingQuote(value: string, quote: string): number {
  for (let i = 1; i < value.length; i++) {
    if (value[i] === '\\' && quote === '"') i++;
    else if (value[i] === quote) return i;
  }
  return -1;
}
