/**
 * The structural half of the linear-time check for regular expressions that run on scanned or
 * proxied text: a quantified group must not itself contain a quantifier (`(a+)+`, `(?:[a-z]{1,5}x)*`),
 * the shape behind catastrophic backtracking. The other half, in each test, checks that the CPU time
 * on adversarial input grows linearly with its size (growth.ts).
 */

/** Removes escapes and character classes, leaving the structure of groups and quantifiers. */
function structure(source: string): string {
  return source.replace(/\\./g, 'e').replace(/\[(?:[^\]\\]|\\.)*\]/g, 'c');
}

export function nestedQuantifier(source: string): boolean {
  const s = structure(source);
  const stack: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') stack.push(i);
    else if (s[i] === ')') {
      const open = stack.pop()!;
      const body = s.slice(open + 1, i).replace(/^\?(?:<[A-Za-z]\w*>|[:=!]|<[=!])/, '');
      const next = s[i + 1];
      if ((next === '*' || next === '+' || next === '{') && /[*+{]/.test(body)) return true;
    }
  }
  return false;
}
