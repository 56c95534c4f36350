import { interpolate } from './compose-document.js';

/**
 * What an env file says of a variable, never its value: `set` (not empty), `empty`, or `unknown`
 * (its value comes from the environment of `docker compose`, or the line is not read here).
 */
export type EnvFileVariable = 'set' | 'empty' | 'unknown';

/**
 * The variables of a compose env file (`env_file:`), by name, as far as the file tells: `KEY=VALUE`
 * lines, an optional `export ` before the name, `#` comments (a whole line, or after a space in an
 * unquoted value), blank lines, values in single quotes (literal) or double quotes. A name without
 * `=` takes its value from the environment of `docker compose`, as a value that compose interpolates
 * from it does (`${OTHER}`): unknown. A quoted value that goes on past its line is unknown too.
 */
export function parseEnvFile(text: string): Map<string, EnvFileVariable> {
  const out = new Map<string, EnvFileVariable>();
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (/^export\s/.test(line)) line = line.slice(6).trimStart();
    const eq = line.indexOf('=');
    const name = (eq === -1 ? line : line.slice(0, eq)).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) continue;
    if (eq === -1) {
      out.set(name, 'unknown');
      continue;
    }
    out.set(name, valueState(line.slice(eq + 1).trimStart()));
  }
  return out;
}

function valueState(value: string): EnvFileVariable {
  const quote = value[0];
  let text: string;
  if (quote === '"' || quote === "'") {
    const close = value.indexOf(quote, 1);
    if (close === -1) return 'unknown';
    text = value.slice(1, close);
    if (quote === "'") return text === '' ? 'empty' : 'set';
  } else {
    const comment = /\s#/.exec(value);
    text = (comment ? value.slice(0, comment.index) : value).trimEnd();
  }
  let known = true;
  const result = interpolate(text, () => {
    known = false;
    return '';
  });
  if (!known) return 'unknown';
  return result === '' ? 'empty' : 'set';
}
