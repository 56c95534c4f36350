import { describe, expect, it } from 'vitest';
import { rewrite } from './findings.js';
import { guardRequest, guardrailSettingsSchema, PII_CLASSES } from './index.js';
import { cardNetwork, findPii, ibanValid, luhnValid, piiPendingFrom } from './pii.js';

const redact = (text: string) => rewrite(text, findPii(text, PII_CLASSES));

describe('findPii: each class with a valid value and an invalid twin', () => {
  it.each([
    [
      'email',
      'Write to jane.doe@corp.example.com today.',
      'Write to [REDACTED:email] today.',
      'Write to jane@localhost or to @corp.example.com.',
    ],
    [
      'phone (NANP)',
      'Call (415) 555-0132 or 212.555.0187.',
      'Call [REDACTED:phone] or [REDACTED:phone].',
      'Call (015) 555-0132, invalid area code.',
    ],
    ['phone (E.164)', 'Office: +44 20 7946 0958.', 'Office: [REDACTED:phone].', 'Office: +44 12.'],
    ['Visa', 'Card 4111 1111 1111 1111 on file.', 'Card [REDACTED:credit-card] on file.', 'Card 4111 1111 1111 1112 on file.'],
    ['American Express', 'Amex 3782 822463 10005.', 'Amex [REDACTED:credit-card].', 'Amex 3782 822463 10006.'],
    ['Mastercard', 'MC 5555555555554444', 'MC [REDACTED:credit-card]', 'MC 5555555555554445'],
    [
      'IBAN',
      'Pay to DE89 3704 0044 0532 0130 00 by Friday.',
      'Pay to [REDACTED:iban] by Friday.',
      'Pay to DE89 3704 0044 0532 0130 01 by Friday.',
    ],
    ['IBAN (compact)', 'IBAN GB82WEST12345698765432', 'IBAN [REDACTED:iban]', 'IBAN GB82WEST12345698765433'],
    ['US SSN', 'SSN 123-45-6789.', 'SSN [REDACTED:us-ssn].', 'SSN 666-45-6789 and 123-00-6789.'],
    ['IPv4', 'Host 203.0.113.42 is down.', 'Host [REDACTED:ip-address] is down.', 'Version 256.1.1.1 and 1.2.3.4.5 are not addresses.'],
    ['IPv6', 'Host 2001:db8::8a2e:370:7334 is up.', 'Host [REDACTED:ip-address] is up.', 'At 12:30:45 the job ran.'],
  ])('%s', (_name, valid, redacted, invalid) => {
    expect(redact(valid)).toBe(redacted);
    expect(findPii(invalid, PII_CLASSES)).toEqual([]);
  });

  it('describes what it found without the value', () => {
    expect(findPii('4111-1111-1111-1111', ['credit-card'])).toEqual([
      { start: 0, end: 19, guardrail: 'pii', detail: 'Visa card number ending 1111', replacement: '[REDACTED:credit-card]' },
    ]);
    expect(findPii('DE89370400440532013000', ['iban'])[0].detail).toBe('IBAN (DE)');
  });

  it('looks only for the classes asked for', () => {
    expect(findPii('jane@corp.example.com 123-45-6789', ['us-ssn']).map((f) => f.replacement)).toEqual(['[REDACTED:us-ssn]']);
    expect(findPii('jane@corp.example.com 123-45-6789', [])).toEqual([]);
  });

  it('does not take dates, versions, order numbers or mixed separators for numbers', () => {
    expect(
      findPii('Released 2024-05-17, version 10.2.3, order 4111111111111111111111, card 4111 1111-1111 1111.', [
        'credit-card',
        'phone',
        'us-ssn',
        'iban',
      ]),
    ).toEqual([]);
  });

  it('checks with Luhn, issuer prefixes and mod-97', () => {
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('79927398710')).toBe(false);
    expect(cardNetwork('6011111111111117')).toBe('Discover');
    expect(cardNetwork('9111111111111111')).toBeUndefined();
    expect(ibanValid('NL91ABNA0417164300')).toBe(true);
    expect(ibanValid('NL91ABNA04171643')).toBe(false);
  });
});

describe('piiPendingFrom', () => {
  it('holds the trailing number, a word that may still become an address, and what may start a phone number or an IBAN', () => {
    expect(piiPendingFrom('Card 4111 1111', ['credit-card'])).toBe(5);
    expect(piiPendingFrom('Call me', ['credit-card'])).toBe(7);
    expect(piiPendingFrom('Call me', ['email'])).toBe(5);
    expect(piiPendingFrom('Call me ', ['email'])).toBe(8);
    expect(piiPendingFrom('Mail jane.doe', ['email'])).toBe(5);
    expect(piiPendingFrom('Mail jane.doe@corp', ['email'])).toBe(5);
    expect(piiPendingFrom('@corp.exam', ['email'])).toBe(0);
    // no address starts with a dot, or in a word longer than a local part may be
    expect(piiPendingFrom('end .x', ['email'])).toBe(6);
    expect(piiPendingFrom('x' + 'y'.repeat(64), ['email'])).toBe(65);
    expect(piiPendingFrom('Call +', ['phone'])).toBe(5);
    expect(piiPendingFrom('Call (', ['phone'])).toBe(5);
    expect(piiPendingFrom('Call (', ['credit-card'])).toBe(6);
    expect(piiPendingFrom('IBAN D', ['iban'])).toBe(5);
    expect(piiPendingFrom('IBAN DE', ['iban'])).toBe(5);
    expect(piiPendingFrom('IBAN DEX', ['iban'])).toBe(8);
    expect(piiPendingFrom('IBAN DE89 3704', ['iban'])).toBe(0);
  });

  it('sends a word that may become an address at once with holdWords: false', () => {
    expect(piiPendingFrom('Call me', ['email'], false)).toBe(7);
    expect(piiPendingFrom('Mail jane.doe', ['email'], false)).toBe(13);
    expect(piiPendingFrom('Mail jane.doe@corp', ['email'], false)).toBe(5);
  });
});

describe('guardRequest: personal data', () => {
  const body = { model: 'm', messages: [{ role: 'user', content: 'Refund card 4111 1111 1111 1111 for jane.doe@corp.example.com' }] };

  it('redacts by default and names each class', () => {
    const v = guardRequest('chat.completions', body, guardrailSettingsSchema.parse({}));
    expect(v.body).toEqual({
      model: 'm',
      messages: [{ role: 'user', content: 'Refund card [REDACTED:credit-card] for [REDACTED:email]' }],
    });
    expect(v.decisions).toEqual([
      { guardrail: 'pii', action: 'redact', where: 'messages[0].content', detail: 'email address' },
      { guardrail: 'pii', action: 'redact', where: 'messages[0].content', detail: 'Visa card number ending 1111' },
    ]);
  });

  it('blocks when configured', () => {
    const v = guardRequest('chat.completions', body, guardrailSettingsSchema.parse({ pii: { action: 'block', classes: ['credit-card'] } }));
    expect(v.block).toEqual({
      status: 400,
      code: 'guardrail_pii',
      message: 'The request was refused by the gateway: personal data (Visa card number ending 1111) at messages[0].content.',
    });
  });
});
