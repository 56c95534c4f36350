/**
 * CEL's optional syntax, which the @bufbuild/cel 0.6 parser does not know, rewritten into calls of
 * functions it does (see cel-optional.ts), before parsing:
 *
 *   a.?b          a.__opt_select__('b')        optional field selection
 *   a[?k]         a.__opt_index__(k)           optional index
 *   a.?b.c[0]     a.__opt_select__('b').__opt_select__('c').__opt_index__(0)
 *                 (after an optional step, the rest of the chain is optional too, as in cel-go)
 *   [a, ?b]       __opt_list__([a, __opt_entry__(b)])      optional list element
 *   {?'k': v}     __opt_map__({'k': __opt_entry__(v)})     optional map entry
 *   o.optMap(v, e)      o.__opt_values__().map(v, e).__opt_first__()
 *   o.optFlatMap(v, e)  o.__opt_values__().map(v, e).__opt_flatten__()
 *
 * Every rewrite replaces a postfix step by a method call on the same operand, so precedence and the
 * rest of the syntax tree are what the parser would have built for the optional syntax. Strings and
 * comments are copied untouched.
 */

type FrameKind = 'paren' | 'call' | 'index' | 'optional-index' | 'list' | 'map';

interface Frame {
  kind: FrameKind;
  /** Where the literal starts in the output (list and map frames), to wrap it when it has optional entries. */
  start: number;
  hasOptional: boolean;
  /** The current list element or map entry is optional. */
  entryOptional: boolean;
  /** In a map frame: the current entry's ':' has been seen. */
  inValue: boolean;
  /** After an optional step, the following selections and indexes of this chain are optional too. */
  chain: boolean;
  /** Text to write after the frame's closing parenthesis (optMap and optFlatMap). */
  suffix: string;
}

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /(?:0[xX][0-9a-fA-F]+|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)[uU]?/y;
const RESERVED_BEFORE_LITERAL = new Set(['in', 'return']);

/** The identifier (or keyword) that starts at `i`, if one does. */
export function identifierAt(source: string, i: number): string | undefined {
  IDENT.lastIndex = i;
  return IDENT.exec(source)?.[0];
}

/** The index just past the number literal that starts at `i` (`12`, `1.5e3`, `0x1F`, `3u`), or -1 when none does. */
export function numberLiteralEnd(source: string, i: number): number {
  NUMBER.lastIndex = i;
  return NUMBER.exec(source) ? NUMBER.lastIndex : -1;
}

/**
 * The index just past the string literal that starts at `i` (its r/b prefix being `ident`, the
 * identifier at `i`), or the source's end when it is not closed; -1 when no literal starts there.
 * Quoted or triple-quoted; raw strings have no escapes.
 */
export function stringLiteralEnd(source: string, i: number, ident = identifierAt(source, i)): number {
  const quoteAt = ident && /^[rRbB]{1,2}$/.test(ident) && /['"]/.test(source[i + ident.length] ?? '') ? i + ident.length : -1;
  if (source[i] !== '"' && source[i] !== "'" && quoteAt === -1) return -1;
  const q = quoteAt === -1 ? i : quoteAt;
  const raw = quoteAt !== -1 && /[rR]/.test(ident!);
  const quote = source.startsWith(source[q].repeat(3), q) ? source[q].repeat(3) : source[q];
  let j = q + quote.length;
  while (j < source.length && !source.startsWith(quote, j)) j += !raw && source[j] === '\\' ? 2 : 1;
  return Math.min(source.length, j + quote.length);
}

function frame(kind: FrameKind, start = 0): Frame {
  return { kind, start, hasOptional: false, entryOptional: false, inValue: false, chain: false, suffix: '' };
}

/** The expression with its optional syntax rewritten; the same text when it has none. */
export function rewriteOptionalSyntax(source: string): string {
  if (!/[.[{,]\s*\?|optMap|optFlatMap/.test(source)) return source;
  const out: string[] = [];
  const stack: Frame[] = [frame('paren')];
  const top = () => stack[stack.length - 1];
  /** The last significant token: 'value' (identifier, literal, closing bracket), 'ident' or 'op'. */
  let last: 'value' | 'ident' | 'op' = 'op';
  let lastIdent = '';
  /** What follows the call about to open: optMap and optFlatMap end with a conversion back to an optional. */
  let pendingSuffix = '';
  let i = 0;

  const skipSpace = (from: number): number => {
    let j = from;
    for (;;) {
      while (j < source.length && /\s/.test(source[j])) j++;
      if (source.startsWith('//', j)) {
        while (j < source.length && source[j] !== '\n') j++;
      } else return j;
    }
  };
  const copySpace = () => {
    const j = skipSpace(i);
    out.push(source.slice(i, j));
    i = j;
  };
  /** At the start of a list element or a map entry: takes a leading '?'. */
  const entryStart = (f: Frame) => {
    copySpace();
    if (source[i] === '?') {
      i++;
      f.hasOptional = true;
      f.entryOptional = true;
      if (f.kind === 'list') out.push('__opt_entry__(');
    }
  };
  const endEntry = (f: Frame) => {
    if (f.entryOptional && (f.kind === 'list' || f.inValue)) out.push(')');
    f.entryOptional = false;
    f.inValue = false;
  };

  while (i < source.length) {
    const c = source[i];
    if (/\s/.test(c) || source.startsWith('//', i)) {
      copySpace();
      continue;
    }
    const ident = identifierAt(source, i);
    const j = stringLiteralEnd(source, i, ident);
    if (j !== -1) {
      out.push(source.slice(i, j));
      i = j;
      top().chain = false;
      last = 'value';
      continue;
    }
    if (ident) {
      out.push(ident);
      i += ident.length;
      top().chain = false;
      last = 'ident';
      lastIdent = ident;
      continue;
    }
    NUMBER.lastIndex = i;
    const number = /\d/.test(c) || (c === '.' && /\d/.test(source[i + 1] ?? '')) ? NUMBER.exec(source)?.[0] : undefined;
    if (number && last === 'op') {
      out.push(number);
      i += number.length;
      top().chain = false;
      last = 'value';
      continue;
    }
    const f = top();
    if (c === '.') {
      const j = skipSpace(i + 1);
      const optional = source[j] === '?';
      const k = optional ? skipSpace(j + 1) : j;
      IDENT.lastIndex = k;
      const name = IDENT.exec(source)?.[0];
      if (!name) {
        out.push('.');
        i++;
        last = 'op';
        continue;
      }
      const after = skipSpace(k + name.length);
      const isCall = source[after] === '(';
      i = k + name.length;
      if (isCall) {
        out.push('.', name === 'optMap' || name === 'optFlatMap' ? '__opt_values__().map' : name);
        pendingSuffix = name === 'optMap' ? '.__opt_first__()' : name === 'optFlatMap' ? '.__opt_flatten__()' : '';
        last = 'ident';
        lastIdent = '';
        continue;
      }
      if (optional || f.chain) {
        out.push(`.__opt_select__('${name}')`);
        f.chain = true;
      } else out.push('.', name);
      last = 'value';
      continue;
    }
    if (c === '[') {
      const isIndex = last === 'value' || (last === 'ident' && !RESERVED_BEFORE_LITERAL.has(lastIdent));
      i++;
      if (isIndex) {
        const j = skipSpace(i);
        if (source[j] === '?' || f.chain) {
          if (source[j] === '?') i = j + 1;
          out.push('.__opt_index__(');
          stack.push(frame('optional-index'));
        } else {
          out.push('[');
          stack.push(frame('index'));
        }
      } else {
        const list = frame('list', out.length);
        out.push('[');
        stack.push(list);
        entryStart(list);
      }
      last = 'op';
      continue;
    }
    if (c === '{') {
      i++;
      const map = frame('map', out.length);
      out.push('{');
      stack.push(map);
      entryStart(map);
      last = 'op';
      continue;
    }
    if (c === '(') {
      i++;
      const call = frame(last === 'ident' ? 'call' : 'paren');
      call.suffix = pendingSuffix;
      pendingSuffix = '';
      out.push('(');
      stack.push(call);
      last = 'op';
      continue;
    }
    if ((c === ')' || c === ']' || c === '}') && stack.length > 1) {
      i++;
      const closed = stack.pop()!;
      if (closed.kind === 'list' || closed.kind === 'map') endEntry(closed);
      out.push(closed.kind === 'optional-index' ? ')' : c);
      if (closed.hasOptional) {
        out.splice(closed.start, 0, closed.kind === 'list' ? '__opt_list__(' : '__opt_map__(');
        out.push(')');
      }
      out.push(closed.suffix);
      const parent = top();
      // A selection or index after an optional index, or after a parenthesized optional chain, stays optional.
      parent.chain = closed.kind === 'optional-index' || (closed.kind === 'paren' && closed.chain);
      last = 'value';
      continue;
    }
    if (c === ',' && (f.kind === 'list' || f.kind === 'map')) {
      endEntry(f);
      out.push(',');
      i++;
      entryStart(f);
      last = 'op';
      continue;
    }
    if (c === ':' && f.kind === 'map' && !f.inValue) {
      out.push(f.entryOptional ? ': __opt_entry__(' : ':');
      f.inValue = true;
      i++;
      last = 'op';
      continue;
    }
    out.push(c);
    i++;
    f.chain = false;
    last = 'op';
  }
  return out.join('');
}
