import type { SgNode } from '@ast-grep/napi';
import type { CodeDocument } from '../../../parsers/code/code-document.js';
import { allCalls, calleeText, constantString, flavorOf, positional, type Flavor } from './syntax.js';

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

const LIST_KINDS = new Set(['list', 'tuple', 'array']);

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
const COMMAND_POSITION = /(?:^|[\s;&|(`])(?:(?:ba|z|da|k)?sh(?:\s+-[A-Za-z]+)*\s+-c|eval|exec|xargs|sudo|env|nohup|time)$|[;&|`\n]$|\$\($/;

/**
 * The literal command text before `call` inside the command expression it belongs to, and whether
 * that expression is given directly to a call (as an argument) rather than stored.
 */
function commandPrefix(call: SgNode, flavor: Flavor, text: string): { prefix: string; argument: boolean } {
  const parts = COMMAND_PARTS[flavor];
  let top = call;
  for (let p = call.parent(); p && parts.has(String(p.kind())); p = p.parent()) {
    if (p.kind() === 'binary_operator' || p.kind() === 'binary_expression') {
      if (p.field('operator')?.text() !== '+') break;
    }
    top = p;
  }
  const raw = text.slice(top.range().start.index, call.range().start.index);
  const prefix = raw
    .replace(/[rRbBuUfF]{0,2}(['"`])/g, ' ')
    .replace(/\$\{|[{}+]/g, ' ')
    .trim();
  let parent = top.parent();
  if (parent?.kind() === 'keyword_argument') parent = parent.parent();
  let argument = false;
  if (parent && ARGUMENT_LISTS.has(String(parent.kind()))) {
    const owner = parent.parent();
    argument = owner ? !BUILDERS.test(calleeText(owner)) : false;
  }
  return { prefix, argument };
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
  const { prefix, argument } = commandPrefix(call, flavor, text);
  if (prefix === '') return !argument;
  return !COMMAND_POSITION.test(prefix);
}

/**
 * The test a flow uses to treat a call as clean, or undefined when the file calls none of the
 * kind's sanitisers (so the file's plain flow serves).
 */
export function sanitiserTest(doc: CodeDocument, kind: SanitiserKind): SanitiserTest | undefined {
  const s = SANITISERS[kind];
  if (!s.words.some((w) => doc.text.includes(w))) return undefined;
  const flavor = flavorOf(doc);
  const re = s[flavor];
  const imported = s.imported?.[flavor];
  const bare = imported && imported[1].test(doc.text) ? imported[0] : undefined;
  const named = (callee: string): boolean => re.test(callee) || (bare !== undefined && bare.test(callee));
  const text = doc.text;
  const test: SanitiserTest =
    kind === 'shell' ? (callee, call) => named(callee) && quotesAnArgument(call, flavor, text) : (callee) => named(callee);
  return allCalls(doc.root, flavor).some((c) => named(calleeText(c))) ? test : undefined;
}
