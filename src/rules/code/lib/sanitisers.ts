import type { SgNode } from '@ast-grep/napi';
import type { CodeDocument } from '../../../parsers/code/code-document.js';
import { SHELL_NAME, SHELL_SCRIPT_FLAG } from './shell.js';
import {
  allCalls,
  assignmentIndex,
  calleeText,
  constantString,
  enclosingScope,
  flavorOf,
  isCall,
  LIST_KINDS,
  positional,
  type Assigned,
  type Flavor,
} from './syntax.js';

/**
 * Calls whose result is safe for one kind of sink whatever their argument: an allow-list HTML
 * sanitiser or an escaper before HTML sinks, a shell quoter before shell sinks. Each kind is safe
 * for its own sinks only (`html.escape` does not stop Python code run by `exec`, nor `{{ }}` in a
 * Jinja template), so a rule names the kind its sinks accept.
 *
 * A shell quoter makes one argument of a command safe, not the command: its result is clean only
 * after the command's name (`"ls -l " + shlex.quote(x)`), not as the whole command string, at its
 * start, after a command separator or directly after `sh -c`/`bash -c`/`eval`. A list quoter
 * (`shlex.join`, shell-quote's `quote([...])`) is clean when the list's first element, the command,
 * is a string literal, or, like a quoter, after the command's name.
 */
export type SanitiserKind = 'html' | 'shell';

/** Whether a call's result is clean: its callee as written (see `calleeText`) and its node. */
export type SanitiserTest = (callee: string, call: SgNode) => boolean;

interface Sanitisers {
  /** Words the file must contain for any of them to be called (a cheap filter). */
  words: string[];
  python: RegExp;
  js: RegExp;
  /** Bare names that are only sanitisers when imported from the right module: name → import pattern. */
  imported?: { python?: [RegExp, RegExp]; js?: [RegExp, RegExp] };
}

const SANITISERS: Record<SanitiserKind, Sanitisers> = {
  html: {
    words: ['sanitize', 'Sanitize', 'escape', 'Escape', 'clean', 'xss', 'XSS', 'he.encode'],
    python: /^(?:bleach\.clean|nh3\.clean|html\.escape|markupsafe\.escape|Markup\.escape|cgi\.escape|flask\.escape|jinja2\.escape)$/,
    js: /(?:^|\.)(?:sanitize|sanitizeHtml|sanitizeHTML|escapeHtml|escapeHTML|filterXSS)$|^(?:xss|_\.escape|lodash\.escape|he\.encode|he\.escape|validator\.escape)$/,
    imported: {
      // `from re import escape` escapes regular expressions, not HTML.
      python: [/^escape$/, /\bfrom\s+(?:html|markupsafe|flask|jinja2|cgi)\s+import\s+(?:\([^)]*\bescape\b[^)]*\)|[^\n(]*\bescape\b)/],
    },
  },
  shell: {
    words: ['quote', 'shlex', 'pipes', 'shellescape', 'shellEscape', 'escapeShellArg'],
    python: /^(?:shlex\.quote|shlex\.join|pipes\.quote)$/,
    js: /(?:^|\.)(?:shellescape|shellEscape|escapeShellArg)$/,
    imported: {
      python: [/^quote$/, /\bfrom\s+(?:shlex|pipes)\s+import\s+(?:\([^)]*\bquote\b[^)]*\)|[^\n(]*\bquote\b)/],
      js: [/(?:^|\.)quote$/, /(?:\bfrom\s*|\brequire\(\s*)['"]shell-quote['"]/],
    },
  },
};

/**
 * Expressions a command string is built of around a quoted part: string literals with their
 * interpolations, concatenation, parentheses.
 */
const COMMAND_PARTS: Record<Flavor, Set<string>> = {
  python: new Set(['interpolation', 'string', 'concatenated_string', 'binary_operator', 'parenthesized_expression']),
  js: new Set(['template_substitution', 'template_string', 'binary_expression', 'parenthesized_expression']),
};
const ARGUMENT_LISTS = new Set(['argument_list', 'arguments']);
/** Calls given the quoted text that do not run it as a command: string and list building. */
const BUILDERS =
  /(?:^|\.)(?:format|join|append|extend|insert|push|unshift|concat|add|replace|write|print|log|info|debug|warn|warning|error)$|^(?:str|String|print|len)$/;
/** Text before a quoted word that puts the word in command position. */
const COMMAND_POSITION = new RegExp(
  `(?:^|[\\s;&|(\`])(?:${SHELL_NAME}(?:\\s+-[A-Za-z]+)*\\s+-c|eval|exec|xargs|sudo|env|nohup|time)$|[;&|\`\\n]$|\\$\\($`,
);

/**
 * The literal command text before `call` inside the command expression it belongs to, and whether
 * that expression is given directly to a call (as an argument) rather than stored.
 */
function commandPrefix(call: SgNode, flavor: Flavor, text: string): { prefixes: string[]; argument: boolean } {
  const parts = COMMAND_PARTS[flavor];
  const formatted = flavor === 'python' ? formattedAt(call) : undefined;
  const inner = formatted?.expr ?? call;
  let top = inner;
  for (let p = inner.parent(); p && parts.has(String(p.kind())); p = p.parent()) {
    if (p.kind() === 'binary_operator' || p.kind() === 'binary_expression') {
      if (p.field('operator')?.text() !== '+') break;
    }
    top = p;
  }
  const lead = text.slice(top.range().start.index, inner.range().start.index);
  // `"ls {0} && {0}".format(q)`: the value stands at each of its fields, each judged.
  const prefixes = (formatted?.befores ?? [0]).map((at) => prefixText(lead, formatted?.format ?? '', at));
  let parent = top.parent();
  if (parent?.kind() === 'keyword_argument') parent = parent.parent();
  let argument = false;
  // The script of `["bash", "-c", …]`: a command given whole.
  if (parent && LIST_KINDS.has(String(parent.kind()))) {
    const items = parent.namedChildren().filter((c) => c.kind() !== 'comment');
    const i = items.findIndex((c) => c.id() === top.id());
    if (i > 0 && SHELL_SCRIPT_FLAG.test(constantString(items[i - 1]) ?? '')) argument = true;
  }
  if (parent && ARGUMENT_LISTS.has(String(parent.kind()))) {
    const owner = parent.parent();
    argument = owner ? !BUILDERS.test(calleeText(owner)) : false;
  }
  return { prefixes, argument };
}

const cleanPrefix = (raw: string): string =>
  raw
    .replace(/[rRbBuUfF]{0,2}(['"`])/g, ' ')
    .replace(/\$\{|[{}+]/g, ' ')
    .trim();
/** COMMAND_POSITION is anchored at the end: a field is judged by this much of the text before it. */
const PREFIX_TAIL = 256;

/**
 * The command text before a field at `at` of `format`, cleaned of quotes and concatenation: only its
 * last PREFIX_TAIL characters (and whether it is empty), so that a format string's fields cost
 * linear time together, not each the whole text before it.
 */
function prefixText(lead: string, format: string, at: number): string {
  const keep = PREFIX_TAIL + 8;
  if (lead.length + at <= keep) return cleanPrefix(lead + format.slice(0, at));
  const tail = at >= keep ? format.slice(at - keep, at) : lead.slice(lead.length - (keep - at)) + format.slice(0, at);
  const cleaned = cleanPrefix(tail);
  // Read in full only when the tail is blank (a field after PREFIX_TAIL quotes and spaces).
  if (cleaned === '') return cleanPrefix(lead + format.slice(0, at));
  // A letter in front of the cut: `^` in COMMAND_POSITION must not match where the text was cut.
  return `x${tail
    .replace(/[rRbBuUfF]{0,2}(['"`])/g, ' ')
    .replace(/\$\{|[{}+]/g, ' ')
    .trimEnd()}`;
}

/**
 * `%` conversions of a Python format string (`%%` is a literal percent sign). A width starts at 1-9
 * (a leading 0 is a flag) and a key stops at a parenthesis: no run of text two parts can both take.
 */
const PERCENT_FIELD = /%%|%(\([^()]*\))?[-#0 +]*(?:\*|[1-9]\d*)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa]/g;
/** Replacement fields of `str.format` (`{{`, `}}` are literal braces). */
const FORMAT_FIELD = /\{\{|\}\}|\{([^{}!:]*)(?:![rsa])?(?::[^{}]*)?\}/g;

/**
 * A value formatted into a literal Python command string, `"grep %s f" % value`, `"grep {} f".format(value)`:
 * the whole formatting expression, and the literal text before the value's field. Undefined when the
 * value is not one, or its field cannot be told (`%(name)s`, a format string that is not a literal).
 */
function formattedAt(value: SgNode): { expr: SgNode; format: string; befores: number[] } | undefined {
  let node = value;
  let parent = node.parent();
  let index = 0;
  let keyword: string | undefined;
  if (parent?.kind() === 'keyword_argument') {
    keyword = parent.field('name')?.text();
    node = parent;
    parent = parent.parent();
  } else if (parent?.kind() === 'tuple') {
    index = parent.namedChildren().findIndex((c) => c.id() === node.id());
    node = parent;
    parent = parent.parent();
  }
  if (parent?.kind() === 'parenthesized_expression') {
    node = parent;
    parent = parent.parent();
  }
  if (!parent) return undefined;
  let format: string | undefined;
  let fields: Array<{ at: number; name: string }> = [];
  if (parent.kind() === 'binary_operator' && parent.field('operator')?.text() === '%' && parent.field('right')?.id() === node.id()) {
    if (keyword !== undefined) return undefined;
    format = constantString(parent.field('left') ?? undefined);
    if (format === undefined) return undefined;
    for (const m of format.matchAll(PERCENT_FIELD)) {
      if (m[0] === '%%') continue;
      if (m[1] !== undefined) return undefined;
      fields.push({ at: m.index, name: String(fields.length) });
    }
    return fieldBefore(format, fields, String(index), parent);
  }
  const owner = parent.kind() === 'argument_list' ? parent.parent() : undefined;
  const fn = owner?.field('function');
  if (!owner || fn?.kind() !== 'attribute' || fn.field('attribute')?.text() !== 'format' || node.kind() === 'tuple') return undefined;
  format = constantString(fn.field('object') ?? undefined);
  if (format === undefined) return undefined;
  if (keyword === undefined) index = positional(owner).findIndex((a) => a.id() === value.id());
  let auto = 0;
  fields = [];
  for (const m of format.matchAll(FORMAT_FIELD)) {
    if (m[1] === undefined) continue;
    const field = m[1].split(/[.[]/)[0];
    fields.push({ at: m.index, name: field === '' ? String(auto++) : field });
  }
  return fieldBefore(format, fields, keyword ?? String(index), owner);
}

function fieldBefore(
  format: string,
  fields: Array<{ at: number; name: string }>,
  name: string,
  expr: SgNode,
): { expr: SgNode; format: string; befores: number[] } | undefined {
  const befores = fields.filter((f) => f.name === name).map((f) => f.at);
  return befores.length > 0 ? { expr, format, befores } : undefined;
}

/** A shell quoter's result is one argument: clean unless it stands where the shell reads a command. */
function quotesAnArgument(call: SgNode, flavor: Flavor, text: string): boolean {
  const first = positional(call)[0];
  if (first && LIST_KINDS.has(String(first.kind()))) {
    const head = first.namedChildren().find((c) => c.kind() !== 'comment');
    if (head && constantString(head) !== undefined) return true;
  }
  return positionAllows(call, flavor, text);
}

function positionAllows(call: SgNode, flavor: Flavor, text: string): boolean {
  const { prefixes, argument } = commandPrefix(call, flavor, text);
  return prefixes.every((prefix) => (prefix === '' ? !argument : !COMMAND_POSITION.test(prefix)));
}

/** Markdown renderers: marked, markdown-it, showdown, micromark, Python-Markdown, mistune, markdown2. */
const MARKDOWN =
  /^(?:marked(?:\.parse|\.parseInline)?|(?:md|markdownIt|mdIt|markdown)\.render(?:Inline)?|converter\.makeHtml|micromark|markdown\.markdown|mistune\.html|markdown2\.markdown|markdown)$/;

/** Sanitised text given to a Markdown renderer: the HTML it produces (links, raw HTML in the text) is not sanitised. */
function renderedAfter(call: SgNode): boolean {
  let args = call.parent();
  // Through `await`, parentheses and string conversions: `marked.parse(await DOMPurify.sanitize(x))`, `marked.parse(String(clean))`.
  for (let hops = 0; args && hops < 8; hops++) {
    const k = args.kind();
    if (k === 'await_expression' || k === 'await' || k === 'parenthesized_expression') args = args.parent();
    else if (ARGUMENT_LISTS.has(String(k)) && args.parent() && /^(?:String|str)$/.test(calleeText(args.parent()!)))
      args = args.parent()!.parent();
    else break;
  }
  if (!args || !ARGUMENT_LISTS.has(String(args.kind()))) return false;
  const owner = args.parent();
  return owner !== null && MARKDOWN.test(calleeText(owner));
}

/** Whether a callee names one of the kind's sanitisers in this file; undefined when the file cannot call one. */
function sanitiserNamed(doc: CodeDocument, kind: SanitiserKind): ((callee: string) => boolean) | undefined {
  const s = SANITISERS[kind];
  if (!s.words.some((w) => doc.text.includes(w))) return undefined;
  const flavor = flavorOf(doc);
  const re = s[flavor];
  const imported = s.imported?.[flavor];
  const bare = imported && imported[1].test(doc.text) ? imported[0] : undefined;
  return (callee) => re.test(callee) || (bare !== undefined && bare.test(callee));
}

/** Of each document, whether a callee names a shell quoter in it (null: it calls none). */
const shellQuoters = new WeakMap<CodeDocument, ((callee: string) => boolean) | null>();

/**
 * An assignment that stores a shell quoter's result whole: `q = shlex.quote(x)`, not `q += shlex.quote(x)`,
 * `q = shlex.join(["ls", x])` nor `for q in shlex.quote(x)`.
 */
function storesQuote(a: Assigned, named: (callee: string) => boolean): boolean {
  const call = a.value;
  if (a.update || a.part || !call || !isCall(call) || !named(calleeText(call))) return false;
  const first = positional(call)[0];
  const head = first && LIST_KINDS.has(String(first.kind())) ? first.namedChildren().find((c) => c.kind() !== 'comment') : undefined;
  return !(head && constantString(head) !== undefined);
}

/**
 * A name given whole as a command that holds a shell quoter's result (`q = shlex.quote(cmd)` then
 * `os.system(q)`): quoting keeps an argument one word, so the quoted text is still a whole command.
 * The quote must be the name's last assignment before the command in the same function (or module),
 * or its only one: `q = "ls " + q` after it makes the quote one argument again. A list quoted behind
 * a literal command (`shlex.join(["ls", x])`) is a command of its own, not one of the text's.
 */
export function isStoredQuote(doc: CodeDocument, value: SgNode): boolean {
  while (value.kind() === 'parenthesized_expression' && value.namedChildren().length === 1) value = value.namedChildren()[0];
  if (value.kind() !== 'identifier') return false;
  let named = shellQuoters.get(doc);
  if (named === undefined) {
    named = sanitiserNamed(doc, 'shell') ?? null;
    // A file that calls no quoter stores no quote: its assignments are not indexed.
    if (named && !allCalls(doc.root, flavorOf(doc)).some((c) => named!(calleeText(c)))) named = null;
    shellQuoters.set(doc, named);
  }
  if (!named) return false;
  const index = assignmentIndex(doc.root, flavorOf(doc));
  const last = index.lastBefore(value, true);
  if (last) return storesQuote(last, named);
  const all = index.in(enclosingScope(value).id(), value.text());
  return all.length === 1 && storesQuote(all[0], named);
}

/**
 * The test a flow uses to treat a call as clean, or undefined when the file calls none of the
 * kind's sanitisers (so the file's plain flow serves).
 */
export function sanitiserTest(doc: CodeDocument, kind: SanitiserKind): SanitiserTest | undefined {
  const named = sanitiserNamed(doc, kind);
  if (!named) return undefined;
  const flavor = flavorOf(doc);
  const text = doc.text;
  const test: SanitiserTest =
    kind === 'shell'
      ? (callee, call) => named(callee) && quotesAnArgument(call, flavor, text)
      : (callee, call) => named(callee) && !renderedAfter(call);
  return allCalls(doc.root, flavor).some((c) => named(calleeText(c))) ? test : undefined;
}
