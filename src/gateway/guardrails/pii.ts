import { isIPv6 } from 'node:net';
import type { TextFinding } from './findings.js';
import type { PiiClass } from './settings.js';
import { withoutTrailing } from '../../core/trim.js';

/**
 * Personal data by class. Each candidate shape is validated before it counts: card numbers by the
 * Luhn checksum and an issuer prefix, IBANs by their country's length and the ISO 7064 mod-97
 * check, US social security numbers by the ranges the SSA never issues, phone numbers by the NANP
 * numbering plan or E.164 length, IP addresses by their grammar.
 */

const LABELS: Record<PiiClass, string> = {
  email: 'email address',
  phone: 'phone number',
  'credit-card': 'payment card number',
  iban: 'IBAN',
  'us-ssn': 'US social security number',
  'ip-address': 'IP address',
};

const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9][A-Za-z0-9.-]{0,252}/g;
const CARD = /(?<![\w-])\d[\d -]{10,22}\d(?![\w-])/g;
const SSN = /(?<![\w-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\w-])/g;
const NANP_PHONE = /(?<![\w+])(?:\+?1[ .-]?)?(?:\((\d{3})\)[ .-]?|(\d{3})[ .-]?)(\d{3})[ .-](\d{4})(?!\w)/g;
const INTL_PHONE = /(?<![\w+])\+\d[\d .()-]{6,22}\d(?!\w)/g;
const IPV4 = /(?<![\w.])\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?!\w|\.\d)/g;
const IPV6 = /(?<![\w:])[0-9A-Fa-f:]{2,39}(?![\w:])/g;
const IBAN = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){10,30}(?![A-Za-z0-9])/g;

/** Every pattern that runs over prompt or answer text, for the linear-time test. */
export const PII_PATTERNS: ReadonlyArray<{ name: string; re: RegExp }> = [
  { name: 'email', re: EMAIL },
  { name: 'card', re: CARD },
  { name: 'ssn', re: SSN },
  { name: 'NANP phone', re: NANP_PHONE },
  { name: 'international phone', re: INTL_PHONE },
  { name: 'IPv4', re: IPV4 },
  { name: 'IPv6', re: IPV6 },
  { name: 'IBAN', re: IBAN },
];

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** The card network of a number by its issuer identification prefix and length, if any. */
export function cardNetwork(digits: string): string | undefined {
  const n = digits.length;
  const p2 = Number(digits.slice(0, 2));
  const p3 = Number(digits.slice(0, 3));
  const p4 = Number(digits.slice(0, 4));
  const p6 = Number(digits.slice(0, 6));
  if (digits[0] === '4' && (n === 13 || n === 16 || n === 19)) return 'Visa';
  if (n === 16 && ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720))) return 'Mastercard';
  if (n === 15 && (p2 === 34 || p2 === 37)) return 'American Express';
  if (n >= 16 && n <= 19 && (p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649) || (p6 >= 622126 && p6 <= 622925))) return 'Discover';
  if (n >= 16 && n <= 19 && p4 >= 3528 && p4 <= 3589) return 'JCB';
  if (n === 14 && ((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38)) return 'Diners Club';
  if (n >= 16 && n <= 19 && p2 === 62) return 'UnionPay';
  if (n >= 12 && n <= 19 && (p4 === 5018 || p4 === 5020 || p4 === 5038 || p4 === 6304 || p4 === 6759 || p4 === 6761 || p4 === 6763))
    return 'Maestro';
  return undefined;
}

/** IBAN lengths by country (ISO 13616 registry). */
// prettier-ignore
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21, CR: 22, CY: 28,
  CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23,
  GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32,
  LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28, NL: 18,
  NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31, SD: 18, SE: 24, SI: 19,
  SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};

export function ibanValid(compact: string): boolean {
  if (IBAN_LENGTHS[compact.slice(0, 2)] !== compact.length) return false;
  const moved = compact.slice(4) + compact.slice(0, 4);
  let rem = 0;
  for (let i = 0; i < moved.length; i++) {
    const c = moved.charCodeAt(i);
    const v = c >= 65 ? c - 55 : c - 48;
    rem = v >= 10 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97;
  }
  return rem === 1;
}

function ssnValid(area: string, group: string, serial: string): boolean {
  return area !== '000' && area !== '666' && area[0] !== '9' && group !== '00' && serial !== '0000';
}

function emailAt(m: RegExpExecArray): [number, number] | undefined {
  let v = m[0];
  const local = v.slice(0, v.indexOf('@'));
  if (local.endsWith('.') || local.includes('..')) return undefined;
  v = withoutTrailing(v, '.-');
  const labels = v.slice(local.length + 1).split('.');
  if (labels.length < 2 || labels.some((l) => l.length === 0 || l.length > 63 || l.startsWith('-') || l.endsWith('-'))) return undefined;
  if (!/^[A-Za-z]{2,24}$/.test(labels[labels.length - 1])) return undefined;
  return [m.index, m.index + v.length];
}

function phoneValid(m: RegExpExecArray): boolean {
  const area = m[1] ?? m[2];
  return area[0] >= '2' && m[3][0] >= '2' && !(area[1] === '1' && area[2] === '1');
}

function intlPhoneValid(v: string): boolean {
  const digits = v.replace(/\D/g, '');
  return digits.length >= 8 && digits.length <= 15 && !/[ .()-]{2}/.test(v);
}

/** Separators of a card number: none, or one kind of single separator between groups of 4-6 digits (Amex 4-6-5). */
function cardGrouping(v: string): boolean {
  if (/^\d+$/.test(v)) return true;
  const sep = v.includes(' ') ? ' ' : '-';
  if (v.includes(sep === ' ' ? '-' : ' ')) return false;
  const groups = v.split(sep);
  return groups.length >= 3 && groups.every((g) => g.length >= 3 && g.length <= 6 && /^\d+$/.test(g));
}

function* matches(re: RegExp, text: string): Generator<RegExpExecArray> {
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) yield m;
}

function finding(cls: PiiClass, start: number, end: number, detail = LABELS[cls]): TextFinding {
  return { start, end, guardrail: 'pii', detail, replacement: `[REDACTED:${cls}]` };
}

/** Cheap gates: most text has no `@`, no digit run long enough for a number, no upper-case pair. */
export function findPii(text: string, classes: readonly PiiClass[]): TextFinding[] {
  const out: TextFinding[] = [];
  const on = new Set(classes);
  if (on.has('email') && text.includes('@'))
    for (const m of matches(EMAIL, text)) {
      const span = emailAt(m);
      if (span) out.push(finding('email', span[0], span[1]));
    }
  if (!/\d/.test(text)) return out;
  if (on.has('us-ssn'))
    for (const m of matches(SSN, text)) if (ssnValid(m[1], m[3], m[4])) out.push(finding('us-ssn', m.index, m.index + m[0].length));
  if (on.has('credit-card'))
    for (const m of matches(CARD, text)) {
      const digits = m[0].replace(/\D/g, '');
      const network = cardNetwork(digits);
      if (network && cardGrouping(m[0]) && luhnValid(digits))
        out.push(finding('credit-card', m.index, m.index + m[0].length, `${network} card number ending ${digits.slice(-4)}`));
    }
  if (on.has('iban'))
    for (const m of matches(IBAN, text)) {
      const compact = m[0].replace(/ /g, '');
      // a trailing word in upper case may have been taken in: try the country's exact length
      const len = IBAN_LENGTHS[compact.slice(0, 2)];
      if (!len || compact.length < len) continue;
      let end = m.index;
      for (let seen = 0; seen < len; end++) if (text[end] !== ' ') seen++;
      if (/[A-Za-z0-9]/.test(text[end] ?? '')) continue;
      if (ibanValid(compact.slice(0, len))) out.push(finding('iban', m.index, end, `IBAN (${compact.slice(0, 2)})`));
    }
  if (on.has('phone')) {
    for (const m of matches(NANP_PHONE, text)) if (phoneValid(m)) out.push(finding('phone', m.index, m.index + m[0].length));
    for (const m of matches(INTL_PHONE, text)) if (intlPhoneValid(m[0])) out.push(finding('phone', m.index, m.index + m[0].length));
  }
  if (on.has('ip-address')) {
    for (const m of matches(IPV4, text))
      if (m[0].split('.').every((o) => Number(o) <= 255 && (o.length === 1 || o[0] !== '0')))
        out.push(finding('ip-address', m.index, m.index + m[0].length));
    if (text.includes(':'))
      for (const m of matches(IPV6, text))
        if (m[0].includes('::') || m[0].split(':').length === 8)
          if (isIPv6(m[0])) out.push(finding('ip-address', m.index, m.index + m[0].length));
  }
  return out;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isEmailChar(c: number): boolean {
  return (
    isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45 || c === 64
  );
}

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}
function isAlnum(c: number): boolean {
  return isDigit(c) || isUpper(c) || (c >= 97 && c <= 122);
}

/**
 * Where, in text still growing, a piece of personal data that is not complete yet could start, so
 * that none of it is sent before it can be redacted whole:
 * - emails: the trailing word once it holds an `@` (its domain is still being written), and the
 *   trailing word that could still become a local part (it starts with a letter or digit and is at
 *   most 64 characters), since its `@` may be in the next chunk; `holdWords: false` sends such a
 *   word at once (a faster first token, but the local part of an address split before its `@` goes
 *   out unredacted);
 * - numbers: the trailing number with its group separators, a trailing `+` or `(` (a phone number's
 *   first character), and a trailing one or two capital letters that may be an IBAN's country code.
 */
export function piiPendingFrom(text: string, classes: readonly PiiClass[], holdWords = true): number {
  const n = text.length;
  if (classes.length === 0 || n === 0) return n;
  let i = n;
  const email = classes.includes('email');
  const numbers = classes.some((c) => c !== 'email');
  let from = n;
  if (email) {
    let at = false;
    while (i > 0 && n - i < 320 && isEmailChar(text.charCodeAt(i - 1))) {
      i--;
      if (text.charCodeAt(i) === 64) at = true;
    }
    if (i < n && (at || (holdWords && n - i <= 64 && isAlnum(text.charCodeAt(i))))) from = i;
  }
  if (!numbers) return from;
  const last = text.charCodeAt(n - 1);
  if ((last === 43 || last === 40) && classes.includes('phone')) from = Math.min(from, n - 1);
  if (classes.includes('iban') && isUpper(last)) {
    const k = n >= 2 && isUpper(text.charCodeAt(n - 2)) ? n - 2 : n - 1;
    if (k === 0 || !isAlnum(text.charCodeAt(k - 1))) from = Math.min(from, k);
  }
  // the trailing number: digits, group separators, IPv6 colons, IBAN letters, phone punctuation
  let j = n;
  let digits = 0;
  while (j > 0 && n - j < 64) {
    const c = text.charCodeAt(j - 1);
    if (isDigit(c)) digits++;
    else if (!(
      c === 32 ||
      c === 45 ||
      c === 46 ||
      c === 40 ||
      c === 41 ||
      c === 43 ||
      c === 58 ||
      (c >= 65 && c <= 90) ||
      (c >= 97 && c <= 102)
    ))
      break;
    j--;
  }
  if (digits === 0) return from;
  // start at what can begin a number: not at a word of hex letters (`Card`) or a separator
  while (j < n) {
    const c = text.charCodeAt(j);
    if (c === 32 || c === 45 || c === 46 || c === 41) j++;
    else if (c >= 97 && c <= 102) {
      let k = j;
      while (k < n && text.charCodeAt(k) >= 97 && text.charCodeAt(k) <= 102) k++;
      if (k < n && text.charCodeAt(k) !== 32) break;
      j = k;
    } else break;
  }
  return Math.min(from, j);
}
