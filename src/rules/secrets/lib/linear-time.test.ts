import { describe, expect, it } from 'vitest';
import { MARKER_DETECTORS } from './detectors.js';
import { ALNUM, fake, fakePem } from './fakes.js';
import { expectLinearGrowth } from '../../../testing/growth.js';
import { nestedQuantifier } from '../../../testing/linear-time.js';
import { findSecrets, SCANNING_PATTERNS } from './scan.js';

/**
 * Every pattern that runs over scanned text must be free of catastrophic backtracking. Two checks:
 * a structural one (no quantified group contains a quantifier), and a run of the whole detector
 * engine over adversarial input per detector, as configuration and as code, whose CPU time must
 * grow with the input's size, not its square.
 */

/** The unit repeated to n characters; `fill` in a case's input below. */
type Input = (fill: (unit: string) => string) => string;

const markers = [...new Set(MARKER_DETECTORS.flatMap((d) => d.markers))];
const adversarial: Array<[string, Input]> = [
  ...markers.flatMap((m): Array<[string, Input]> => [
    [`${m} repeated`, (fill) => fill(m)],
    [`${m} then a long run`, (fill) => m + fill('Ab3_-')],
    [`${m} near misses`, (fill) => fill(m + 'a'.repeat(61) + '.')],
  ]),
  ['OpenAI marker runs', (fill) => fill('sk-proj-' + 'T3BlbkFJ'.repeat(40) + ' ')],
  ['Anthropic end-marker runs', (fill) => fill('sk-ant-api03-' + 'AA'.repeat(70) + ' ')],
  ['JWT header runs', (fill) => fill('eyJ' + 'a'.repeat(9000) + '.')],
  ['JWT markers', (fill) => fill('eyJ')],
  ['JWT parts without signature end', (fill) => fill('eyJhbGciOiJIUzI1NiJ9.eyJ' + 'b'.repeat(300) + '.' + 'c'.repeat(300) + '.')],
  ['PEM headers', (fill) => fill('-----BEGIN PRIVATE KEY-----\n')],
  ['PEM with placeholder-like bodies', (fill) => fill('-----BEGIN PRIVATE KEY-----\n' + '<'.repeat(500) + '\n-----END PRIVATE KEY-----\n')],
  [
    'service-account keys',
    (fill) => '{"type": "service_account",' + fill(`"private_key": "${fakePem('PRIVATE KEY', 2).replace(/\n/g, '\\n')}",`),
  ],
  ['URL separators', (fill) => fill('://')],
  ['URL user info near misses', (fill) => fill('postgres://' + 'u'.repeat(100) + ':' + 'p'.repeat(200) + ' ')],
  ['URL colons', (fill) => 'https://' + fill('a:')],
  ['keyword density', (fill) => fill('token')],
  ['keyword assignments without end quote', (fill) => fill('api_token = "' + 'a'.repeat(600) + '\n')],
  ['keyword identifiers', (fill) => fill('secret_' + 'x'.repeat(100) + ' ')],
  ['YAML name lines', (fill) => fill('- name: API_TOKEN\n')],
  ['YAML name/value pairs', (fill) => fill(`- name: API_TOKEN\n  value: "${fake(ALNUM, 32, 'v')}"\n`)],
  ['provider-shaped values under apiKey (parent key lookups)', (fill) => 'mistral:\n' + fill(`      apiKey: ${fake(ALNUM, 32, 'p')}\n`)],
  ['provider calls without a closing quote', (fill) => fill('wandb.login(key="' + 'a'.repeat(600) + '\n')],
  ['AWS access key IDs', (fill) => fill('AKIAABCDEFGHIJKLMNOP\n')],
  ['AWS pairs', (fill) => fill(`AKIA${fake('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16, 'k')} ${fake(ALNUM + '+/', 40, 's')}\n`)],
  ['secret-shaped runs', (fill) => fill('A'.repeat(39) + '/')],
  [
    'HS256 tokens with many secrets',
    (fill) => fill(`jwt_secret = "${fake(ALNUM, 32, 'j')}"\nt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.${fake(ALNUM, 43, 'sig')}"\n`),
  ],
];

describe('linear-time matching', () => {
  it('lists every detector pattern', () => {
    for (const d of MARKER_DETECTORS)
      expect(
        SCANNING_PATTERNS.some((p) => p.re === d.pattern),
        d.id,
      ).toBe(true);
  });

  it.each(SCANNING_PATTERNS.map((p) => [p.name, p.re] as const))('%s has no nested quantifier', (_name, re) => {
    expect(nestedQuantifier(re.source)).toBe(false);
  });

  it('flags a catastrophic pattern (the structural check can fail)', () => {
    expect(nestedQuantifier('(a+)+$')).toBe(true);
    expect(nestedQuantifier('(?:[a-z]{1,5}x)*')).toBe(true);
    expect(nestedQuantifier('(?<s>[a-z]{1,5})x{2}')).toBe(false);
  });

  it.each(adversarial)('%s: time grows linearly with the input', (_name, input) => {
    for (const path of ['adversarial.env', 'adversarial.ts'])
      expectLinearGrowth(
        (n) => {
          const text = input((unit) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n));
          return () => findSecrets(text, { path, isCode: path.endsWith('.ts') });
        },
        64 * 1024,
        { maxN: 64 * 1024 },
      );
  });
});

it('service-account keys: time grows linearly up to 2 MB (the client_email search read the whole file at each key)', () => {
  const unit = `"private_key": "${fakePem('PRIVATE KEY', 2).replace(/\n/g, '\\n')}",`;
  expectLinearGrowth(
    (n) => {
      const text = '{"type": "service_account",' + unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
      return () => findSecrets(text, { path: 'key.json', isCode: false });
    },
    512 * 1024,
    { maxN: 512 * 1024 },
  );
});
