/**
 * Braced parameters as the POSIX shell and compose interpolation write them: `${NAME}`,
 * `${NAME:-word}`, `${NAME-word}`, `${NAME:=word}`, `${NAME:?word}`, `${NAME:+word}` (and without the
 * colon), the word possibly holding further `${…}`. One reader for both: each caller decides what the
 * operators mean to it (compose has no `=`) and expands the word its own way.
 */

export type ParameterOperator = '-' | ':-' | '=' | ':=' | '?' | ':?' | '+' | ':+';

export interface BracedParameter {
  /** The text between the braces. */
  body: string;
  /** The variable, when the body is a name alone or a name and an operator; absent for other forms (`${#NAME}`, `${NAME/a/b}`, `${1}`). */
  name?: string;
  operator?: ParameterOperator;
  /** What follows the operator, as written: nested `${…}` and quotes kept. */
  word?: string;
  /** Index just past the closing brace. */
  end: number;
}

export interface BracedParameterOptions {
  /**
   * Shell quoting inside the braces: a `}` that is quoted or escaped does not close them
   * (`${A:-'}'}`, `${A:-"}"}`, `${A:-\}}`). Compose knows no quotes.
   */
  quotes?: boolean;
}

/**
 * How deep defaults may nest (`${A:-${B:-${C}}}`) before a caller stops expanding them and counts the
 * value as not known: each level reads its word again, so a bound keeps the work linear.
 */
export const MAX_PARAMETER_NESTING = 8;

const BODY = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-=?+])([^]*))?$/;

/**
 * The `${…}` whose `$` is at `dollar` (`text[dollar + 1]` is `{`): it closes at the `}` that matches
 * it, counting the `${` nested in it (as compose-go and the shell do). `undefined` when it is not closed.
 */
export function readBracedParameter(text: string, dollar: number, options: BracedParameterOptions = {}): BracedParameter | undefined {
  const close = closingBrace(text, dollar + 2, options.quotes === true);
  if (close < 0) return undefined;
  const body = text.slice(dollar + 2, close);
  const m = BODY.exec(body);
  if (!m) return { body, end: close + 1 };
  return m[2] === undefined
    ? { body, name: m[1], end: close + 1 }
    : { body, name: m[1], operator: m[2] as ParameterOperator, word: m[3], end: close + 1 };
}

/**
 * Index of the `}` that closes a `${` whose body starts at `from`; -1 when none does. Linear. With
 * quotes, each nested `${` starts outside double quotes, as in the shell (`${A:-"${B}"}`).
 */
function closingBrace(text: string, from: number, quotes: boolean): number {
  const outer: boolean[] = [];
  let double = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quotes && c === '\\') i++;
    else if (quotes && c === '"') double = !double;
    else if (quotes && c === "'" && !double) {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return -1;
      i = end;
    } else if (c === '$' && text[i + 1] === '{') {
      outer.push(double);
      double = false;
      i++;
    } else if (c === '}' && !double) {
      if (outer.length === 0) return i;
      double = outer.pop()!;
    }
  }
  return -1;
}

/** One part of a string as compose interpolation reads it (see `readInterpolation`). */
export type InterpolationPart =
  /** Text without a parameter: a `$` that starts none is in it. */
  | { kind: 'text'; text: string }
  /** `$$`: a `$`. */
  | { kind: 'dollar' }
  /** `${…}`, with its text as written. */
  | { kind: 'braced'; parameter: BracedParameter; written: string }
  /** `$NAME`. */
  | { kind: 'name'; name: string; written: string }
  /** A `${` never closed, and the rest of the string from it: the last part. */
  | { kind: 'unclosed'; rest: string };

const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_]/;

/**
 * Reads `value` part by part as the compose specification's grammar does, in order, giving each part
 * to `part` until it returns false or the string ends. Compose knows no quotes inside braces.
 */
export function readInterpolation(value: string, part: (p: InterpolationPart) => boolean | void): void {
  let i = 0;
  let textFrom = 0;
  const flush = (to: number): boolean | void => (to > textFrom ? part({ kind: 'text', text: value.slice(textFrom, to) }) : true);
  while (i < value.length) {
    const dollar = value.indexOf('$', i);
    if (dollar < 0) break;
    const next = value[dollar + 1];
    let p: InterpolationPart;
    let end: number;
    if (next === '$') {
      p = { kind: 'dollar' };
      end = dollar + 2;
    } else if (next === '{') {
      const parameter = readBracedParameter(value, dollar);
      if (!parameter) {
        if (flush(dollar) !== false) part({ kind: 'unclosed', rest: value.slice(dollar) });
        return;
      }
      end = parameter.end;
      p = { kind: 'braced', parameter, written: value.slice(dollar, end) };
    } else if (next !== undefined && NAME_START.test(next)) {
      end = dollar + 2;
      while (end < value.length && NAME_PART.test(value[end])) end++;
      p = { kind: 'name', name: value.slice(dollar + 1, end), written: value.slice(dollar, end) };
    } else {
      i = dollar + 1;
      continue;
    }
    if (flush(dollar) === false || part(p) === false) return;
    i = textFrom = end;
  }
  flush(value.length);
}
