import { describe, expect, it } from 'vitest';
import { expectLinearGrowth } from '../../testing/growth.js';
import { nestedQuantifier } from '../../testing/linear-time.js';
import { EXFILTRATION_PATTERNS, exfiltrationPendingFrom } from './exfiltration.js';
import { guardrailSettingsSchema, PII_CLASSES } from './index.js';
import { INJECTION_PATTERNS, scoreInjection } from './injection.js';
import { PII_PATTERNS, piiPendingFrom } from './pii.js';
import { SECRET_HOLD_PATTERNS, secretPendingFrom } from './secrets.js';
import { findInText } from './text.js';

/**
 * Every pattern the guardrails run on prompts and answers is linear-time: no quantified group
 * holds a quantifier, and on input built to make each one backtrack every guardrail (and the
 * stream guard's hold-back) takes CPU time that grows linearly with the input's size.
 */

const fill = (unit: string, size: number) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
const settings = guardrailSettingsSchema.parse({ pii: { classes: [...PII_CLASSES] } });

function guard(text: string): void {
  findInText(text, settings, true);
  scoreInjection(text, true);
  secretPendingFrom(text);
  piiPendingFrom(text, PII_CLASSES);
  exfiltrationPendingFrom(text);
}

const PATTERNS = [...PII_PATTERNS, ...INJECTION_PATTERNS, ...EXFILTRATION_PATTERNS, ...SECRET_HOLD_PATTERNS];

const adversarial: Array<[string, string]> = [
  ['email local parts without @', 'a.b_c%d+e-'],
  ['emails without a top-level domain', 'a@b-c.d-e.'],
  ['@ runs', 'a@'],
  ['digit runs with separators', '4111 1111-'],
  ['long digit runs', '0123456789'],
  ['phone prefixes', '+1 (415) 555-'],
  ['IBAN-like runs', 'DE89 3704 '],
  ['dotted numbers', '1.2.3.'],
  ['colon-hex runs', 'fe80::'],
  ['ignore without an object', 'ignore all previous '],
  ['role-play openers', 'pretend you are '],
  ['reveal without a prompt', 'reveal your full '],
  ['exfiltration verbs', 'send the data to '],
  ['forged delimiters', '<|im_start|> system: '],
  ['image openers', '!['],
  ['image labels without target', '![' + 'x'.repeat(900) + ']'],
  ['unclosed image targets', '![a](https://evil.example/' + 'p'.repeat(300)],
  ['link openers', '[a]('],
  ['reference definitions', '[r]: https://e.example/x\n'],
  ['img tags without src', '<img alt="x" '],
  ['img tags without end', '<img src="https://evil.example/' + 'q'.repeat(200)],
  ['key assignments without end', 'api_key = "' + 'k'.repeat(700)],
  ['keyword density', 'password token secret '],
  ['tag characters', String.fromCodePoint(0xe0041)],
  ['zero-width characters', 'a\u200b'],
  ['Spanish verbs without an object', 'ignora todas las '],
  ['French verbs and qualifiers', 'oubliez toutes les precedentes '],
  ['German qualifiers without a verb', 'alle vorherigen Anweisungen '],
  ['Italian role-play openers', 'comportati come una IA '],
  ['Russian verbs without an object', 'игнорируй все предыдущие '],
  ['Chinese verbs without an object', '忽略之前的所有'],
  ['Japanese qualifiers without a verb', '以前の指示を'],
  ['one word mixing scripts', 'a\u0430'],
  ['words mixing scripts', 'ign\u043ere '],
  ['accented letters', 'pr\u00e9c\u00e9dentes '],
  ['full-width letters', '\uff49\uff47\uff4e\uff4f\uff52\uff45 '],
];

describe('guardrail patterns are linear-time', () => {
  it.each(PATTERNS.map((p) => [p.name, p.re] as const))('%s has no nested quantifier', (_name, re) => {
    expect(nestedQuantifier(re.source)).toBe(false);
  });

  it.each(adversarial)('%s: time grows linearly with the input', (_name, unit) => {
    expectLinearGrowth(
      (n) => {
        const text = fill(unit, n);
        return () => guard(text);
      },
      64 * 1024,
      { maxN: 64 * 1024 },
    );
  });
});

describe('guardrails on large input', () => {
  it('finds the links in 4 MB of reference definitions without overflowing the stack', () => {
    const text = '[r]: https://e.example/x\n'.repeat(167_772);
    const found = findInText(text, settings, true);
    expect(found.filter((f) => f.guardrail === 'exfiltration')).toHaveLength(167_772);
  });
});
