import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemorySourceFile } from '../../../core/source-file.js';
import { MALWARE_HINTS } from '../../image/lib/malware-hints.js';
import { LiteralAutomaton } from './automaton.js';
import { base62, crc32, validGithubChecksum } from './checksum.js';
import { fakes, githubStyle } from './fakes.js';
import { findSecrets, malwareHintIn, MAX_LINE_LENGTH, secretsIn } from './scan.js';
import type { TextLikeDocument } from './types.js';
import { entropy, isLowVariety, isPlaceholder, redact } from './values.js';

const find = (text: string, path = 'x.env', isCode = false) =>
  findSecrets(text, { path, isCode }).map((h) => ({ detector: h.detector, rule: h.rule, text: text.slice(h.start, h.end) }));

describe('checksums', () => {
  it('computes the standard CRC32 and base62 of GitHub tokens', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(base62(61, 2)).toBe('0z');
    expect(validGithubChecksum(githubStyle('ghp_', 'a'))).toBe(true);
    expect(validGithubChecksum('ghp_' + 'A'.repeat(36))).toBe(false);
  });
});

describe('values', () => {
  it('recognises placeholders, examples and filler', () => {
    for (const v of [
      'sk-...',
      '<your key>',
      'YOUR_API_KEY',
      'xxxxxxxx',
      '${OPENAI_API_KEY}',
      '{{ .Values.key }}',
      'AKIAIOSFODNN7EXAMPLE',
      'changeme',
      'abcdefghijklmnop',
      'aaaaaaaaaaaa',
    ])
      expect(isPlaceholder(v), v).toBe(true);
    expect(isPlaceholder(fakes.token())).toBe(false);
    expect(isLowVariety('0123456789abcdef')).toBe(true);
    expect(entropy('aaaa')).toBe(0);
  });
  it('redacts to the label, a short prefix and the length', () => {
    const key = fakes.openaiProject();
    expect(redact('OpenAI project API key', key, 8)).toBe(`OpenAI project API key ${key.slice(0, 10)}… (164 chars)`);
    expect(redact('password', 'hunter22', 0)).toBe('password hu… (8 chars)');
    expect(redact('private key', '-----BEGIN…', -2)).toBe('private key (11 chars)');
  });
});

describe('findSecrets', () => {
  it('reports one secret once: the most specific detector wins', () => {
    const key = fakes.openaiProject();
    expect(find(`API_KEY=${key}\n`)).toEqual([{ detector: 'openai-project-key', rule: 'openai-api-key', text: key }]);
    const gl = fakes.gitlab();
    expect(find(`url = https://oauth2:${gl}@gitlab.example.com/ml/models.git\n`)).toEqual([
      { detector: 'gitlab-token', rule: 'gitlab-token', text: gl },
    ]);
  });

  it('skips integrity hashes and the generic detector in lock files', () => {
    const token = fakes.token();
    expect(find(`"integrity": "sha512-${token}"\n`, 'package-lock.json')).toEqual([]);
    expect(find(`api_token = "${token}"\n`, 'poetry.lock')).toEqual([]);
    expect(find(`api_token = "${token}"\n`, 'config.toml')).toHaveLength(1);
  });

  it('leaves minified lines to the provider detectors', () => {
    const hf = fakes.huggingface();
    const line = `var a=1;${'x=1;'.repeat(MAX_LINE_LENGTH / 4)}var api_token="${fakes.token()}",t="${hf}";\n`;
    expect(find(line, 'bundle.min.js', true)).toEqual([{ detector: 'huggingface-user-token', rule: 'huggingface-token', text: hf }]);
  });

  it('finds keys assigned in the common shapes', () => {
    const t = fakes.token();
    const shapes = [
      `api_token=${t}`,
      `api_token: ${t}`,
      `"api_token": "${t}"`,
      `API_TOKEN = '${t}'`,
      `export API_TOKEN=${t}`,
      `ENV API_TOKEN ${t}`,
      `set API_TOKEN ${t}`,
      `--api-token=${t}`,
      `os.environ.setdefault("API_TOKEN", "${t}")`,
      `{"name": "API_TOKEN", "value": "${t}"}`,
    ];
    for (const s of shapes)
      expect(
        find(s + '\n').map((h) => h.text),
        s,
      ).toEqual([t]);
  });

  it('is quiet on references and lookups', () => {
    for (const s of [
      'API_TOKEN=${API_TOKEN}',
      'API_TOKEN=$(vault read -field=token x)',
      'api_token = os.environ["API_TOKEN"]',
      'apiToken: process.env.API_TOKEN',
      'token: {{ .Values.token }}',
      'password: "%(DB_PASSWORD)s"',
    ])
      expect(find(s + '\n', 'x.yaml'), s).toEqual([]);
  });
});

describe('malwareHintIn and secretsIn: one pass over a text, kept only when secret rules read it', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** Watches the automaton passes: returns the patterns of each pass made so far, in order. */
  function passes(): () => Array<readonly string[]> {
    const spies = [vi.spyOn(LiteralAutomaton.prototype, 'scan'), vi.spyOn(LiteralAutomaton.prototype, 'scanAscii')];
    return () =>
      spies
        .flatMap((spy) =>
          spy.mock.contexts.map((automaton, i) => ({
            order: spy.mock.invocationCallOrder[i],
            patterns: (automaton as LiteralAutomaton).patterns,
          })),
        )
        .sort((a, b) => a.order - b.order)
        .map((pass) => pass.patterns);
  }

  const textDocument = (text: string): TextLikeDocument =>
    ({ kind: 'text', text, file: new MemorySourceFile('deploy/start.sh', text) }) as unknown as TextLikeDocument;

  const key = fakes.openaiProject();
  const script = `OPENAI_API_KEY=${key}\nxmrig -o stratum+tcp://pool.example:3333\n`;

  it('with secret rules to follow, the malware hint comes from the secrets pass, which the secret rules then read', () => {
    const made = passes();
    const doc = textDocument(script);
    expect(malwareHintIn(doc, true)).toBe(true);
    expect(secretsIn(doc).map((h) => h.value)).toEqual([key]);
    expect(made()).toHaveLength(1);
    expect(made()[0]).toEqual(expect.arrayContaining(['-----BEGIN', ...MALWARE_HINTS]));
  });

  it('without secret rules, a pass over the malware hints alone: no secret markers are looked for or kept', () => {
    const made = passes();
    const doc = textDocument(script);
    expect(malwareHintIn(doc, false)).toBe(true);
    expect(malwareHintIn(textDocument('echo hello\n'), false)).toBe(false);
    expect(made()).toEqual([MALWARE_HINTS, MALWARE_HINTS]);
    // Asked for all the same, the secrets are found by a pass of their own.
    expect(secretsIn(doc).map((h) => h.value)).toEqual([key]);
    expect(made()).toHaveLength(3);
    expect(made()[2]).toContain('-----BEGIN');
  });

  it('a hint written with ſ or the Kelvin sign is seen by either pass', () => {
    for (const secretsFollow of [true, false]) expect(malwareHintIn({ text: 'exec /bin/\u017Fh' }, secretsFollow)).toBe(true);
  });
});
