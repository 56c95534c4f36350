import { describe, expect, it } from 'vitest';
import { nestedQuantifier } from '../../testing/linear-time.js';
import { EXFILTRATION_PATTERNS, exfiltrationPendingFrom } from './exfiltration.js';
import { guardrailSettingsSchema, PII_CLASSES } from './index.js';
import { INJECTION_PATTERNS, scoreInjection } from './injection.js';
import { PII_PATTERNS, piiPendingFrom } from './pii.js';
import { SECRET_HOLD_PATTERNS, secretPendingFrom } from './secrets.js';
import { findInText } from './text.js';

/**
 * Every pattern the guardrails run on prompts and answers is linear-time: no quantified group
 * holds a quantifier, and 100 KB of input built to make each one backtrack is checked (every
 * guardrail, and the stream guard's hold-back) within a generous bound of a benign 100 KB input.
 */

const SIZE = 100 * 1024;
const fill = (unit: string) => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);
const settings = guardrailSettingsSchema.parse({ pii: { classes: [...PII_CLASSES] } });

function timed(text: string): number {
  const t = performance.now();
  findInText(text, settings, true);
  scoreInjection(text, true);
  secretPendingFrom(text);
  piiPendingFrom(text, PII_CLASSES);
  exfiltrationPendingFrom(text);
  return performance.now() - t;
}

const PATTERNS = [...PII_PATTERNS, ...INJECTION_PATTERNS, ...EXFILTRATION_PATTERNS, ...SECRET_HOLD_PATTERNS];

const adversarial: Array<[string, string]> = [
  ['email local parts without @', fill('a.b_c%d+e-')],
  ['emails without a top-level domain', fill('a@b-c.d-e.')],
  ['@ runs', fill('a@')],
  ['digit runs with separators', fill('4111 1111-')],
  ['long digit runs', fill('0123456789')],
  ['phone prefixes', fill('+1 (415) 555-')],
  ['IBAN-like runs', fill('DE89 3704 ')],
  ['dotted numbers', fill('1.2.3.')],
  ['colon-hex runs', fill('fe80::')],
  ['ignore without an object', fill('ignore all previous ')],
  ['role-play openers', fill('pretend you are ')],
  ['reveal without a prompt', fill('reveal your full ')],
  ['exfiltration verbs', fill('send the data to ')],
  ['forged delimiters', fill('<|im_start|> system: ')],
  ['image openers', fill('![')],
  ['image labels without target', fill('![' + 'x'.repeat(900) + ']')],
  ['unclosed image targets', fill('![a](https://evil.example/' + 'p'.repeat(300))],
  ['link openers', fill('[a](')],
  ['reference definitions', fill('[r]: https://e.example/x\n')],
  ['img tags without src', fill('<img alt="x" ')],
  ['img tags without end', fill('<img src="https://evil.example/' + 'q'.repeat(200))],
  ['key assignments without end', fill('api_key = "' + 'k'.repeat(700))],
  ['keyword density', fill('password token secret ')],
  ['tag characters', fill(String.fromCodePoint(0xe0041))],
  ['zero-width characters', fill('a\u200b')],
  ['Spanish verbs without an object', fill('ignora todas las ')],
  ['French verbs and qualifiers', fill('oubliez toutes les precedentes ')],
  ['German qualifiers without a verb', fill('alle vorherigen Anweisungen ')],
  ['Italian role-play openers', fill('comportati come una IA ')],
  ['Russian verbs without an object', fill('игнорируй все предыдущие ')],
  ['Chinese verbs without an object', fill('忽略之前的所有')],
  ['Japanese qualifiers without a verb', fill('以前の指示を')],
  ['one word mixing scripts', fill('a\u0430')],
  ['words mixing scripts', fill('ign\u043ere ')],
  ['accented letters', fill('pr\u00e9c\u00e9dentes ')],
  ['full-width letters', fill('\uff49\uff47\uff4e\uff4f\uff52\uff45 ')],
];

describe('guardrail patterns are linear-time', () => {
  it.each(PATTERNS.map((p) => [p.name, p.re] as const))('%s has no nested quantifier', (_name, re) => {
    expect(nestedQuantifier(re.source)).toBe(false);
  });

  const benign = fill('The quick brown fox jumps over the lazy dog. 42 apples, 7 pears!\n');
  let baseline = 0;
  it('measures a benign 100 KB baseline', () => {
    timed(benign);
    baseline = Math.min(timed(benign), timed(benign));
    expect(baseline).toBeGreaterThan(0);
  });

  it.each(adversarial)('%s: 100 KB stays within a generous linear bound', (_name, text) => {
    expect(text.length).toBeGreaterThanOrEqual(SIZE - 1);
    expect(timed(text)).toBeLessThan(1000 + 50 * baseline);
  });
});
