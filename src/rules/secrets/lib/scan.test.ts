import { describe, expect, it } from 'vitest';
import { base62, crc32, validGithubChecksum } from './checksum.js';
import { fakes, githubStyle } from './fakes.js';
import { findSecrets, MAX_LINE_LENGTH } from './scan.js';
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
