import { describe, expect, it } from 'vitest';
import { MARKER_DETECTORS } from './detectors.js';
import { ALNUM, fake, fakePem } from './fakes.js';
import { nestedQuantifier } from '../../../testing/linear-time.js';
import { findSecrets, SCANNING_PATTERNS } from './scan.js';

/**
 * Every pattern that runs over scanned text must be free of catastrophic backtracking. Two checks:
 * a structural one (no quantified group contains a quantifier), and a run of the whole detector
 * engine over 100 KB of adversarial input per detector, bounded generously against the time of a
 * benign 100 KB input (a quadratic pattern takes minutes on these inputs, not milliseconds).
 */

const SIZE = 100 * 1024;
const fill = (unit: string) => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);

function timed(text: string, path: string): number {
  const t = performance.now();
  findSecrets(text, { path, isCode: /\.ts$/.test(path) });
  return performance.now() - t;
}

const markers = [...new Set(MARKER_DETECTORS.flatMap((d) => d.markers))];
const adversarial: Array<[string, string]> = [
  ...markers.flatMap((m): Array<[string, string]> => [
    [`${m} repeated`, fill(m)],
    [`${m} then a long run`, m + fill('Ab3_-')],
    [`${m} near misses`, fill(m + 'a'.repeat(61) + '.')],
  ]),
  ['OpenAI marker runs', fill('sk-proj-' + 'T3BlbkFJ'.repeat(40) + ' ')],
  ['Anthropic end-marker runs', fill('sk-ant-api03-' + 'AA'.repeat(70) + ' ')],
  ['JWT header runs', fill('eyJ' + 'a'.repeat(9000) + '.')],
  ['JWT markers', fill('eyJ')],
  ['JWT parts without signature end', fill('eyJhbGciOiJIUzI1NiJ9.eyJ' + 'b'.repeat(300) + '.' + 'c'.repeat(300) + '.')],
  ['PEM headers', fill('-----BEGIN PRIVATE KEY-----\n')],
  ['PEM with placeholder-like bodies', fill('-----BEGIN PRIVATE KEY-----\n' + '<'.repeat(500) + '\n-----END PRIVATE KEY-----\n')],
  ['service-account keys', '{"type": "service_account",' + fill(`"private_key": "${fakePem('PRIVATE KEY', 2).replace(/\n/g, '\\n')}",`)],
  ['URL separators', fill('://')],
  ['URL user info near misses', fill('postgres://' + 'u'.repeat(100) + ':' + 'p'.repeat(200) + ' ')],
  ['URL colons', 'https://' + fill('a:')],
  ['keyword density', fill('token')],
  ['keyword assignments without end quote', fill('api_token = "' + 'a'.repeat(600) + '\n')],
  ['keyword identifiers', fill('secret_' + 'x'.repeat(100) + ' ')],
  ['YAML name lines', fill('- name: API_TOKEN\n')],
  ['YAML name/value pairs', fill(`- name: API_TOKEN\n  value: "${fake(ALNUM, 32, 'v')}"\n`)],
  ['AWS access key IDs', fill('AKIAABCDEFGHIJKLMNOP\n')],
  ['AWS pairs', fill(`AKIA${fake('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16, 'k')} ${fake(ALNUM + '+/', 40, 's')}\n`)],
  ['secret-shaped runs', fill('A'.repeat(39) + '/')],
  [
    'HS256 tokens with many secrets',
    fill(`jwt_secret = "${fake(ALNUM, 32, 'j')}"\nt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.${fake(ALNUM, 43, 'sig')}"\n`),
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

  const benign = fake(ALNUM + '      \n=:"', SIZE, 'benign');
  let baseline = 0;
  it('measures a benign 100 KB baseline', () => {
    timed(benign, 'warm.env');
    baseline = Math.min(timed(benign, 'a.env'), timed(benign, 'b.ts'));
    expect(baseline).toBeGreaterThan(0);
  });

  it.each(adversarial)('%s: 100 KB stays within a generous linear bound', (_name, text) => {
    expect(text.length).toBeGreaterThanOrEqual(SIZE - 1);
    const ms = Math.max(timed(text, 'adversarial.env'), timed(text, 'adversarial.ts'));
    expect(ms).toBeLessThan(1000 + 50 * baseline);
  });
});
