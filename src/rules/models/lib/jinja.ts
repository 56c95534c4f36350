/**
 * Finds Jinja constructs in a chat template that reach Python internals, without rendering it:
 * the template is split into `{{ … }}` / `{% … %}` blocks and each block is tokenised linearly.
 */

export interface TemplateHit {
  /** UTF-16 offsets into the template. */
  start: number;
  end: number;
  construct: string;
  reason: string;
}

const INTERNAL_NAMES = new Set([
  'mro',
  'func_globals',
  'f_globals',
  'f_locals',
  'f_back',
  'gi_frame',
  'gi_code',
  'cr_frame',
  'tb_frame',
  'co_code',
  'im_func',
  'func_code',
  'im_class',
]);
/** Globals of Jinja (and Flask) whose attributes lead to `__globals__` and the builtins. */
const GADGET_GLOBALS = new Set([
  'cycler',
  'joiner',
  'namespace',
  'lipsum',
  'self',
  'config',
  'request',
  'url_for',
  'get_flashed_messages',
  'range',
  'dict',
]);
const DANGEROUS_CALLS = new Set([
  'popen',
  'system',
  'eval',
  'exec',
  'import_module',
  '__import__',
  'subprocess',
  'check_output',
  'getattr',
  'load_module',
]);

interface Token {
  t: 'name' | 'str' | 'op';
  v: string;
  start: number;
  end: number;
  raw?: string;
}

function tokenize(code: string, offset: number): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < code.length) {
    const c = code[i];
    if (c === "'" || c === '"') {
      let j = i + 1;
      let v = '';
      while (j < code.length && code[j] !== c) {
        if (code[j] === '\\' && j + 1 < code.length) {
          v += code[j] + code[j + 1];
          j += 2;
        } else v += code[j++];
      }
      out.push({ t: 'str', v, start: offset + i, end: offset + Math.min(j + 1, code.length) });
      i = j + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < code.length && /\w/.test(code[j])) j++;
      out.push({ t: 'name', v: code.slice(i, j), start: offset + i, end: offset + j });
      i = j;
    } else if (/\s/.test(c)) i++;
    else {
      out.push({ t: 'op', v: c, start: offset + i, end: offset + i + 1 });
      i++;
    }
  }
  return out;
}

const isDunder = (s: string) => /^__\w+__$/.test(s);
const UNDERSCORE_ESCAPE = /\\x5f|\\u005f|\\U0000005f|\\137|\\N\{LOW LINE\}/i;

export function findTemplateInjection(template: string, max = 20): TemplateHit[] {
  const hits: TemplateHit[] = [];
  const blocks = new BlockFinder(template);
  let i = 0;
  while (hits.length < max) {
    const open = blocks.next(i);
    if (open === -1) break;
    const closer = template[open + 1] === '{' ? '}}' : '%}';
    let close = template.indexOf(closer, open + 2);
    if (close === -1) close = template.length;
    const toks = tokenize(template.slice(open + 2, close), open + 2);
    for (let k = 0; k < toks.length && hits.length < max; k++) {
      const tk = toks[k];
      const prev = toks[k - 1];
      const next = toks[k + 1];
      const hit = (reason: string, end = tk.end) => hits.push({ start: tk.start, end, construct: template.slice(tk.start, end), reason });
      if (tk.t === 'name') {
        if (isDunder(tk.v) || (tk.v.startsWith('_') && prev?.v === '.' && tk.v.includes('__'))) hit(`reaches Python internals (${tk.v})`);
        else if (INTERNAL_NAMES.has(tk.v) && prev?.v === '.') hit(`reaches Python internals (.${tk.v})`);
        else if (tk.v === 'attr' && prev?.v === '|') hit('uses the attr filter, which reads arbitrary attributes by computed name');
        else if (
          GADGET_GLOBALS.has(tk.v) &&
          next?.v === '.' &&
          prev?.v !== '.' &&
          toks[k + 2]?.t === 'name' &&
          !SAFE_GLOBAL_ATTRS.has(`${tk.v}.${toks[k + 2].v}`)
        )
          hit(`reads attributes of the ${tk.v} global (a route to __globals__ and the builtins)`, toks[k + 2].end);
        else if (DANGEROUS_CALLS.has(tk.v) && prev?.v === '.' && next?.v === '(') hit(`calls .${tk.v}()`);
      } else if (tk.t === 'str') {
        if (/__\w*__|__(?:class|globals|builtins|import|subclasses|mro|init|base)/.test(tk.v))
          hit(`names a Python internal in a string ('${tk.v.slice(0, 40)}')`);
        else if (UNDERSCORE_ESCAPE.test(tk.v)) hit('spells underscores with escape sequences (obfuscated attribute name)');
        else if (
          /^_+$/.test(tk.v) &&
          (prev?.v === '~' || next?.v === '~' || next?.v === '*' || prev?.v === '+' || next?.v === '+' || next?.v === '|')
        )
          hit('builds an attribute name from underscore fragments');
      }
    }
    i = close + 2;
  }
  return hits;
}

/** Documented, harmless members of the Jinja globals. */
const SAFE_GLOBAL_ATTRS = new Set(['cycler.next', 'cycler.reset', 'cycler.current', 'loop.index', 'range.count', 'dict.items']);

/**
 * The next `{{` or `{%` at or after a position that only grows: each opener is searched for again
 * only once it has been passed, so that a template of many blocks of one kind is not searched to its
 * end for the other kind at every block.
 */
class BlockFinder {
  private expression = -2;
  private statement = -2;
  constructor(private readonly s: string) {}
  next(from: number): number {
    if (this.expression !== -1 && this.expression < from) this.expression = this.s.indexOf('{{', from);
    if (this.statement !== -1 && this.statement < from) this.statement = this.s.indexOf('{%', from);
    if (this.expression === -1) return this.statement;
    if (this.statement === -1) return this.expression;
    return Math.min(this.expression, this.statement);
  }
}
