/**
 * Prompt-injection and jailbreak heuristics, scored 0..1. Each family of known phrasings carries a
 * weight; hidden text (Unicode tag characters, which render as nothing) is decoded and scored as
 * well, and invisible formatting characters add to the score. Text that came back from a tool or a
 * retrieved document weighs more: there, instructions addressed to the model are the attack.
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

function normalise(text: string): string {
  let t = text;
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(t))
    t = t.normalize('NFKC').replace(/[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]|\udb40[\udc00-\udc7f]/g, '');
  return t.length > 20_000 ? t.slice(0, 10_000) + '\n' + t.slice(-10_000) : t;
}

function familiesIn(text: string, signals: InjectionSignal[], factor: number, suffix = ''): void {
  for (const f of FAMILIES)
    if (f.re.test(text)) signals.push({ family: f.family + suffix, weight: Math.min(MAX_WEIGHT, f.weight * factor) });
}

/** The injection score of one piece of text; `fromTool` for tool results and retrieved documents. */
export function scoreInjection(text: string, fromTool = false): InjectionScore {
  const factor = fromTool ? TOOL_FACTOR : 1;
  const signals: InjectionSignal[] = [];
  familiesIn(normalise(text), signals, factor);
  if (text.includes('\udb40')) {
    const hidden = decodeTagCharacters(text);
    if (hidden.trim().length > 0) {
      signals.push({ family: 'tag-characters', weight: Math.min(MAX_WEIGHT, 0.6 * factor) });
      familiesIn(hidden, signals, factor * 1.3, ' (hidden in tag characters)');
    }
  }
  const invisible = invisibleCount(text);
  if (invisible > 0) signals.push({ family: 'invisible-characters', weight: Math.min(MAX_WEIGHT, (invisible >= 3 ? 0.35 : 0.2) * factor) });
  let keep = 1;
  for (const s of signals) keep *= 1 - s.weight;
  return { score: Math.round((1 - keep) * 1000) / 1000, signals };
}

export const INJECTION_PATTERNS: ReadonlyArray<{ name: string; re: RegExp }> = FAMILIES.map((f) => ({ name: f.family, re: f.re }));
