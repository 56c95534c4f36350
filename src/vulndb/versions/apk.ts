import type { VersionScheme } from './scheme.js';

/**
 * Alpine (apk) versions, as apk-tools orders them: `{number}{.number}…[letter]{_suffix{number}}…{-r{number}}`.
 * Written from apk-tools' version grammar. Pre-release suffixes (`_alpha`, `_beta`, `_pre`, `_rc`) sort
 * below the bare version and post-release ones (`_cvs`, `_svn`, `_git`, `_hg`, `_p`) above it; a
 * component after a `.` with leading zeros sorts below one without (`1.01 < 1.1`); `-rN` is the
 * package revision. Where one version goes on and the other ends, the kind of the next token decides.
 */

/** Token kinds in apk's order: where two versions part, the one whose next token is of a later kind is older. */
const enum Kind {
  Invalid = -1,
  DigitOrZero = 0,
  Digit = 1,
  Letter = 2,
  Suffix = 3,
  SuffixNumber = 4,
  Revision = 5,
  End = 6,
}

const PRE = ['alpha', 'beta', 'pre', 'rc'];
const POST = ['cvs', 'svn', 'git', 'hg', 'p'];

class Tokens {
  pos = 0;
  kind: Kind = Kind.Digit;
  private invalid = false;
  constructor(private readonly s: string) {}

  /** The value of the current token, without moving. */
  peek(): number {
    const copy = new Tokens(this.s);
    copy.pos = this.pos;
    copy.kind = this.kind;
    return copy.take();
  }

  /** Reads the value of the current token and moves to the next one. */
  take(): number {
    const s = this.s;
    if (this.pos >= s.length) {
      this.kind = Kind.End;
      return 0;
    }
    let v: number;
    let next = Kind.Invalid;
    switch (this.kind) {
      case Kind.DigitOrZero:
        if (s[this.pos] === '0') {
          // Leading zeros: all but the last are a token of their own, the more of them the smaller the
          // component (`1.001 < 1.01 < 1.1`); the last zero starts the number that follows.
          let skipped = 0;
          while (this.pos + 1 < s.length && s[this.pos + 1] === '0') {
            this.pos++;
            skipped++;
          }
          v = -skipped;
          next = Kind.Digit;
          break;
        }
        v = this.number();
        if (this.invalid) {
          this.kind = Kind.Invalid;
          return -1;
        }
        break;
      case Kind.Digit:
      case Kind.SuffixNumber:
      case Kind.Revision:
        v = this.number();
        if (this.invalid) {
          this.kind = Kind.Invalid;
          return -1;
        }
        break;
      case Kind.Letter:
        v = s.charCodeAt(this.pos++);
        break;
      case Kind.Suffix: {
        const pre = PRE.findIndex((p) => s.startsWith(p, this.pos));
        if (pre !== -1) {
          this.pos += PRE[pre].length;
          v = pre - PRE.length;
          break;
        }
        const post = POST.findIndex((p) => s.startsWith(p, this.pos));
        if (post !== -1) {
          this.pos += POST[post].length;
          v = post;
          break;
        }
        this.kind = Kind.Invalid;
        return -1;
      }
      default:
        this.kind = Kind.Invalid;
        return -1;
    }
    if (this.pos >= s.length) this.kind = Kind.End;
    else if (next !== Kind.Invalid) this.kind = next;
    else this.advance();
    return v;
  }

  private number(): number {
    const start = this.pos;
    let v = 0;
    while (this.pos < this.s.length && isDigit(this.s.charCodeAt(this.pos))) v = v * 10 + (this.s.charCodeAt(this.pos++) - 48);
    // apk refuses numbers of 18 digits or more.
    if (this.pos - start >= 18) this.invalid = true;
    return v;
  }

  /** Decides the kind of the next token from the separator or character class at the cursor. */
  private advance(): void {
    const s = this.s;
    const c = s.charCodeAt(this.pos);
    let n: Kind = Kind.Invalid;
    if ((this.kind === Kind.Digit || this.kind === Kind.DigitOrZero) && c >= 97 && c <= 122) n = Kind.Letter;
    else if (this.kind === Kind.Letter && isDigit(c)) n = Kind.Digit;
    else if (this.kind === Kind.Suffix && isDigit(c)) n = Kind.SuffixNumber;
    else {
      const ch = s[this.pos];
      if (ch === '.') n = Kind.DigitOrZero;
      else if (ch === '_') n = Kind.Suffix;
      else if (ch === '-' && s[this.pos + 1] === 'r') {
        n = Kind.Revision;
        this.pos++;
      }
      this.pos++;
    }
    // Tokens only move forward in the grammar, except a new component after a digit, letter or suffix number.
    if (
      n < this.kind &&
      !(
        (n === Kind.DigitOrZero && this.kind === Kind.Digit) ||
        (n === Kind.Suffix && this.kind === Kind.SuffixNumber) ||
        (n === Kind.Digit && this.kind === Kind.Letter)
      )
    )
      n = Kind.Invalid;
    this.kind = n;
  }
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

function apkValid(v: string): boolean {
  if (v.length === 0 || !isDigit(v.charCodeAt(0))) return false;
  const t = new Tokens(v);
  while (t.kind !== Kind.End && t.kind !== Kind.Invalid) t.take();
  return t.kind === Kind.End;
}

function apkCompare(a: string, b: string): number {
  const ta = new Tokens(a);
  const tb = new Tokens(b);
  let av = 0;
  let bv = 0;
  while (ta.kind === tb.kind && ta.kind !== Kind.End && ta.kind !== Kind.Invalid && av === bv) {
    av = ta.take();
    bv = tb.take();
  }
  if (av !== bv) return av < bv ? -1 : 1;
  if (ta.kind === tb.kind) return 0;
  // Equal so far and one goes on: it is newer, unless what follows is a pre-release suffix.
  if (ta.kind === Kind.Suffix && ta.peek() < 0) return -1;
  if (tb.kind === Kind.Suffix && tb.peek() < 0) return 1;
  if (ta.kind > tb.kind) return -1;
  if (tb.kind > ta.kind) return 1;
  return 0;
}

export const apk: VersionScheme = { name: 'apk', valid: apkValid, compare: apkCompare };
