import { LANGUAGE_FAMILIES, LATIN_CUE } from './injection-languages.js';

/**
 * Prompt-injection and jailbreak heuristics, scored 0..1. Each family of known phrasings carries a
 * weight (English here, eight more languages in `injection-languages.ts`); hidden text (Unicode
 * tag characters, which render as nothing) is decoded and scored as well, and invisible formatting
 * characters and words spelled with look-alike letters of another script add to the score. Text
 * that came back from a tool or a retrieved document weighs more: there, instructions addressed to
 * the model are the attack.
 */

export interface InjectionSignal {
  family: string;
  weight: number;
}

export interface InjectionScore {
  score: number;
  signals: InjectionSignal[];
}

interface Family {
  family: string;
  weight: number;
  re: RegExp;
}

const GAP = '[^.!?\\n]{0,40}';
const w = (s: string) => new RegExp(s.replace(/GAP/g, GAP), 'i');

const FAMILIES: readonly Family[] = [
  {
    family: 'ignore-previous-instructions',
    weight: 0.75,
    re: w(
      String.raw`(?<!\b(?:don'?t|do not|never|not|won'?t) )\b(?:ignore|disregard|forget|overlook|skip|override|bypass|abandon|drop)\bGAP\b(?:previous|prior|above|earlier|preceding|former|foregoing|original|initial|all|any|every|your|system)\b[^.!?\n]{0,30}\b(?:instructions?|prompts?|rules|directions|directives|guidelines|guardrails|constraints|restrictions|programming|system (?:prompt|message))\b`,
    ),
  },
  {
    family: 'new-instructions',
    weight: 0.5,
    re: w(
      String.raw`\b(?:new|updated|real|actual|true|revised) (?:instructions?|rules|system prompt|directives?)\s{0,3}(?::|follow|are\b)|\b(?:from now on|henceforth|starting now),? you (?:will|must|are|shall)\b`,
    ),
  },
  {
    family: 'role-play-jailbreak',
    weight: 0.65,
    re: w(
      String.raw`\b(?:do anything now|DAN mode|developer mode (?:enabled|on|activated)|jailbr(?:eak|oken)(?: mode)?|(?:you are|you're|act as|pretend (?:to be|you are)|roleplay as|play the role of)GAP\b(?:unrestricted|unfiltered|uncensored|no longer bound|without (?:any )?(?:restrictions|rules|filters|limits|guidelines|ethics)|evil|amoral)|(?:no|without any|free (?:of|from)) (?:ethical |moral |content )?(?:restrictions|guidelines|filters|censorship|limitations)GAP\b(?:answer|respond|reply|comply|you (?:can|will|must)))\b`,
    ),
  },
  {
    family: 'system-prompt-exfiltration',
    weight: 0.6,
    re: w(
      String.raw`(?:\b(?:reveal|print|show|repeat|output|display|leak|dump)\bGAP\b(?:your|the|its)|\b(?:tell me|give me|write out|what (?:is|are|was|were))\bGAP\byour)\b (?:(?:full|entire|exact|original|initial|hidden|secret|complete) ){0,2}(?:system (?:prompt|message|instructions)|initial (?:prompt|instructions)|hidden (?:prompt|instructions)|developer (?:message|prompt|instructions)|pre-?prompt|instructions you were given)|\brepeat (?:the|all) (?:words|text) above\b|\bstarting with ["'“]?you are\b`,
    ),
  },
  {
    family: 'forged-delimiters',
    weight: 0.5,
    re: /<\|im_start\|>\s{0,4}system|<\|(?:system|im_end|endoftext|start_header_id)\|>|\[\/?INST\]|<<\/?SYS>>|<\/?system>|^\s{0,8}(?:#{1,6}\s{0,4})?(?:system|assistant)\s{0,4}(?:prompt|message)?\s{0,4}:\s{0,4}(?:you|ignore|new|from)/im,
  },
  {
    family: 'addressing-the-model',
    weight: 0.45,
    re: w(
      String.raw`\b(?:(?:note|message|instructions?|attention|important) (?:to|for) (?:the |any )?(?:ai|assistant|llm|language model|chatbot|agent|model)|if you are an? (?:ai|llm|language model|assistant|agent)|(?:ai|assistant|agent|model)s? (?:reading|processing|summari[sz]ing) this)\b`,
    ),
  },
  {
    family: 'exfiltration-directive',
    weight: 0.5,
    re: w(
      String.raw`\b(?:send|post|upload|forward|transmit|exfiltrate|append|include|embed|encode)\bGAP\b(?:conversation|chat history|messages|data|secrets?|credentials|api keys?|passwords?|tokens?|the (?:user'?s|previous)[^.!?\n]{0,20})\bGAP\b(?:to|into|in)\b[^.!?\n]{0,20}(?:https?://|url|link|image|webhook|endpoint|email|server)`,
    ),
  },
];

const TOOL_FACTOR = 1.5;
const MAX_WEIGHT = 0.97;

/** Zero-width characters and bidirectional controls: formatting that hides or reorders what is read. */
function invisibleCount(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x200b) continue;
    if (
      (c >= 0x200b && c <= 0x200f) ||
      (c >= 0x202a && c <= 0x202e) ||
      (c >= 0x2060 && c <= 0x2064) ||
      (c >= 0x2066 && c <= 0x2069) ||
      c === 0xfeff
    ) {
      // a joiner between two non-ASCII characters is an emoji sequence, not hiding
      if (c === 0x200d && text.charCodeAt(i - 1) > 0x7f && text.charCodeAt(i + 1) > 0x7f) continue;
      if (c === 0xfeff && i === 0) continue;
      n++;
    }
  }
  return n;
}

/**
 * Text spelled in Unicode tag characters (U+E0000–E007F), decoded to ASCII. The subdivision flags
 * (🏴 followed by lower-case tags and CANCEL TAG) are the one legitimate use and are left out.
 */
export function decodeTagCharacters(text: string): string {
  let out = '';
  let flag = false;
  for (let i = 0; i < text.length; i++) {
    const hi = text.charCodeAt(i);
    if (hi !== 0xdb40) {
      if (hi >= 0xd800 && hi <= 0xdbff) {
        flag = text.codePointAt(i) === 0x1f3f4;
        i++;
      } else flag = false;
      continue;
    }
    const cp = text.codePointAt(i)!;
    i++;
    if (cp < 0xe0000 || cp > 0xe007f) {
      flag = false;
      continue;
    }
    if (cp === 0xe007f) flag = false;
    else if (!flag) out += String.fromCharCode(cp - 0xe0000);
  }
  return out;
}

/** Cyrillic and Greek letters that look like Latin ones, for words that mix scripts. */
// prettier-ignore
const TO_LATIN: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', і: 'i', ї: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w',
  А: 'A', В: 'B', Е: 'E', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', У: 'Y', Х: 'X', І: 'I', Ј: 'J', Ѕ: 'S',
  α: 'a', ε: 'e', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x',
  Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X',
};
/** Latin letters that look like Cyrillic ones, for a Cyrillic word with Latin letters slipped in. */
// prettier-ignore
const TO_CYRILLIC: Record<string, string> = {
  a: 'а', c: 'с', e: 'е', k: 'к', o: 'о', p: 'р', x: 'х', y: 'у', A: 'А', B: 'В', C: 'С', E: 'Е', H: 'Н', K: 'К', M: 'М', O: 'О', P: 'Р', T: 'Т', X: 'Х', Y: 'У',
};

const WORD = /[\p{L}\p{M}]+/gu;
const LATIN = /[A-Za-z\u00c0-\u024f]/g;
const CYRILLIC_OR_GREEK = /[\u0370-\u03ff\u0400-\u04ff\u0500-\u052f]/g;

/**
 * The text with each word that mixes Latin letters with Cyrillic or Greek ones (`ignоre` with a
 * Cyrillic `о`) spelled in the script most of its letters use; `mixed` counts those words.
 */
function foldMixedScripts(text: string): { text: string; mixed: number } {
  let mixed = 0;
  const folded = text.replace(WORD, (word) => {
    const latin = word.match(LATIN)?.length ?? 0;
    if (latin === 0) return word;
    const other = word.match(CYRILLIC_OR_GREEK)?.length ?? 0;
    if (other === 0) return word;
    mixed++;
    const table = latin >= other ? TO_LATIN : TO_CYRILLIC;
    let out = '';
    for (const c of word) out += table[c] ?? c;
    return out;
  });
  return { text: folded, mixed };
}

/** The patterns read a long text's first and last this many characters (folded), joined by a line break. */
const MATCH_WINDOW = 10_000;
/** Raw characters taken beyond a window at first, for what folding removes (invisible characters, accents). */
const FOLD_MARGIN = 1_000;
/** How far a window's raw edge moves to reach a white space, where folding cuts nothing in two. */
const EDGE_SEARCH = 256;

/**
 * The text as the patterns read it: NFKC (full-width and mathematical letters become plain ones),
 * invisible characters and tag characters removed, typographic apostrophes made plain, mixed-script
 * words folded, and the accents of Latin letters removed (`précédentes` → `precedentes`). ASCII
 * text is read as it is. Of a long text, only the first and last 10,000 folded characters are read,
 * and only they are folded: the raw text is cut first, at a white space past the window (so that no
 * word or accented letter is cut in two), with a margin for what folding removes; a window that still
 * folds short is taken again twice as long. `mixed` counts the mixed-script words of what is read.
 */
export function foldForMatching(text: string): { text: string; mixed: number } {
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/.test(text)) return { text: keepEnds(text), mixed: 0 };
  for (let take = MATCH_WINDOW + FOLD_MARGIN; 2 * take < text.length; take *= 2) {
    const headEnd = edgeAfter(text, take);
    const tailStart = edgeBefore(text, text.length - take);
    if (tailStart <= headEnd) break;
    const head = foldText(text.slice(0, headEnd));
    const tail = foldText(text.slice(tailStart));
    if (head.text.length < MATCH_WINDOW || tail.text.length < MATCH_WINDOW) continue;
    return { text: firstChars(head.text, MATCH_WINDOW) + '\n' + lastChars(tail.text, MATCH_WINDOW), mixed: head.mixed + tail.mixed };
  }
  const folded = foldText(text);
  return { text: keepEnds(folded.text), mixed: folded.mixed };
}

/** The folding of `foldForMatching`, of the whole text. */
export function foldText(text: string): { text: string; mixed: number } {
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/.test(text)) return { text, mixed: 0 };
  const plain = text
    .normalize('NFKC')
    .replace(/[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]|\udb40[\udc00-\udc7f]/g, '')
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/[ıɑɡ]/g, (c) => (c === 'ı' ? 'i' : c === 'ɑ' ? 'a' : 'g'));
  const { text: unmixed, mixed } = foldMixedScripts(plain);
  const t = unmixed
    .normalize('NFD')
    .replace(/([A-Za-z])[\u0300-\u036f]+/g, '$1')
    .normalize('NFC');
  return { text: t, mixed };
}

/** A text the patterns read whole, or its first and last `MATCH_WINDOW` characters. */
function keepEnds(t: string): string {
  return t.length > 2 * MATCH_WINDOW ? firstChars(t, MATCH_WINDOW) + '\n' + lastChars(t, MATCH_WINDOW) : t;
}

const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/** The first `n` UTF-16 units of `t`, one fewer rather than half a surrogate pair. */
function firstChars(t: string, n: number): string {
  return t.slice(0, isHighSurrogate(t.charCodeAt(n - 1)) ? n - 1 : n);
}

/** The last `n` UTF-16 units of `t`, one fewer rather than half a surrogate pair. */
function lastChars(t: string, n: number): string {
  const start = t.length - n;
  return t.slice(isLowSurrogate(t.charCodeAt(start)) ? start + 1 : start);
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;

/** A cut at or after `i`: just after a white space when one comes soon, else not inside a surrogate pair. */
function edgeAfter(t: string, i: number): number {
  for (let j = i; j < Math.min(t.length, i + EDGE_SEARCH); j++) if (isSpace(t.charCodeAt(j))) return j + 1;
  return isLowSurrogate(t.charCodeAt(i)) ? i + 1 : i;
}

/** A cut at or before `i`: just after a white space when one comes soon before it, else not inside a surrogate pair. */
function edgeBefore(t: string, i: number): number {
  for (let j = i - 1; j >= Math.max(0, i - EDGE_SEARCH); j--) if (isSpace(t.charCodeAt(j))) return j + 1;
  return isLowSurrogate(t.charCodeAt(i)) ? i - 1 : i;
}

const HAS_CYRILLIC = /[\u0400-\u04ff]/;
const HAS_CJK = /[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]/;

function familiesIn(text: string, signals: InjectionSignal[], factor: number, suffix = ''): void {
  const seen = new Set<string>();
  const add = (family: string, weight: number, label: string) => {
    if (seen.has(family)) return;
    seen.add(family);
    signals.push({ family: label + suffix, weight: Math.min(MAX_WEIGHT, weight * factor) });
  };
  for (const f of FAMILIES) if (f.re.test(text)) add(f.family, f.weight, f.family);
  const latin = LATIN_CUE.test(text);
  const cyrillic = HAS_CYRILLIC.test(text);
  const cjk = HAS_CJK.test(text);
  for (const f of LANGUAGE_FAMILIES) {
    if (seen.has(f.family)) continue;
    if (!(f.lang === 'ru' ? cyrillic : f.lang === 'zh' || f.lang === 'ja' ? cjk : latin)) continue;
    if (f.re.test(text)) add(f.family, f.weight, `${f.family} (${f.lang})`);
  }
}

/** The injection score of one piece of text; `fromTool` for tool results and retrieved documents. */
export function scoreInjection(text: string, fromTool = false): InjectionScore {
  const factor = fromTool ? TOOL_FACTOR : 1;
  const signals: InjectionSignal[] = [];
  const folded = foldForMatching(text);
  familiesIn(folded.text, signals, factor);
  hiddenIn(text, signals, factor);
  const invisible = invisibleCount(text);
  if (invisible > 0) signals.push({ family: 'invisible-characters', weight: Math.min(MAX_WEIGHT, (invisible >= 3 ? 0.35 : 0.2) * factor) });
  if (folded.mixed > 0)
    signals.push({ family: 'look-alike-letters', weight: Math.min(MAX_WEIGHT, (folded.mixed >= 3 ? 0.35 : 0.2) * factor) });
  return scored(signals);
}

/** Text spelled in tag characters, decoded and scored, 1.3×. */
function hiddenIn(text: string, signals: InjectionSignal[], factor: number): void {
  if (!text.includes('\udb40')) return;
  const hidden = decodeTagCharacters(text);
  if (hidden.trim().length === 0) return;
  signals.push({ family: 'tag-characters', weight: Math.min(MAX_WEIGHT, 0.6 * factor) });
  familiesIn(foldForMatching(hidden).text, signals, factor * 1.3, ' (hidden in tag characters)');
}

function scored(signals: InjectionSignal[]): InjectionScore {
  let keep = 1;
  for (const s of signals) keep *= 1 - s.weight;
  return { score: Math.round((1 - keep) * 1000) / 1000, signals };
}

/**
 * The score of what is hidden in text that is otherwise not scored (system and developer
 * messages: the application's own words, where "never reveal your instructions" is no attack):
 * only text spelled in tag characters, which no application writes on purpose and which arrives
 * with retrieved documents pasted into a system prompt.
 */
export function scoreHiddenInjection(text: string): InjectionScore {
  const signals: InjectionSignal[] = [];
  hiddenIn(text, signals, 1);
  return scored(signals);
}

export const INJECTION_PATTERNS: ReadonlyArray<{ name: string; re: RegExp }> = [
  ...FAMILIES.map((f) => ({ name: f.family, re: f.re })),
  ...LANGUAGE_FAMILIES.map((f) => ({ name: `${f.family} (${f.lang})`, re: f.re })),
];
