import type { CodeDocument } from '../../../parsers/code/code-document.js';
import { flavorOf } from './syntax.js';

/**
 * Calls whose result is safe for one kind of sink whatever their argument: an allow-list HTML
 * sanitiser or an escaper before HTML sinks, a shell quoter before shell sinks. Each kind is safe
 * for its own sinks only (`html.escape` does not stop Python code run by `exec`), so a rule names
 * the kind its sinks accept.
 */
export type SanitiserKind = 'html' | 'shell';

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
    python: /^(?:bleach\.clean|nh3\.clean|html\.escape|markupsafe\.escape|Markup\.escape|cgi\.escape|flask\.escape|escape)$/,
    js: /(?:^|\.)(?:sanitize|sanitizeHtml|sanitizeHTML|escapeHtml|escapeHTML|filterXSS)$|^(?:xss|_\.escape|lodash\.escape|he\.encode|he\.escape|validator\.escape)$/,
  },
  shell: {
    words: ['quote', 'shellescape', 'shellEscape', 'escapeShellArg'],
    python: /^(?:shlex\.quote|shlex\.join|pipes\.quote)$/,
    js: /(?:^|\.)(?:shellescape|shellEscape|escapeShellArg)$/,
    imported: {
      python: [/^quote$/, /\bfrom\s+(?:shlex|pipes)\s+import\b[^\n]*\bquote\b/],
      js: [/(?:^|\.)quote$/, /shell-quote/],
    },
  },
};

/** The test a flow uses to treat a call as clean, or undefined when the file calls none of the kind's sanitisers. */
export function sanitiserTest(doc: CodeDocument, kind: SanitiserKind): ((callee: string) => boolean) | undefined {
  const s = SANITISERS[kind];
  if (!s.words.some((w) => doc.text.includes(w))) return undefined;
  const flavor = flavorOf(doc);
  const re = s[flavor];
  const imported = s.imported?.[flavor];
  const bare = imported && imported[1].test(doc.text) ? imported[0] : undefined;
  return (callee) => re.test(callee) || (bare !== undefined && bare.test(callee));
}
