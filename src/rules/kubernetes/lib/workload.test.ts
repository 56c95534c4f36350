import { describe, expect, it } from 'vitest';
import { parseImage, redact, shellWords } from './workload.js';

describe('shellWords', () => {
  it('groups quotes, keeps separators as words and expands nothing', () => {
    expect(shellWords(`vllm serve "org/m" --served-model-name 'a b' && echo $HOME;ls|wc`)).toEqual([
      'vllm', 'serve', 'org/m', '--served-model-name', 'a b', '&', '&', 'echo', '$HOME', ';', 'ls', '|', 'wc',
    ]);
  });
  it('handles escapes, line continuations and empty quotes', () => {
    expect(shellWords('a\\ b c \\\n d "" "x\\"y"')).toEqual(['a b', 'c', 'd', '', 'x"y']);
  });
  it('is linear on long and unbalanced input', () => {
    const words = shellWords('"' + 'a '.repeat(200_000));
    expect(words).toHaveLength(1);
    expect(shellWords('x '.repeat(100_000))).toHaveLength(100_000);
  });
});

describe('parseImage', () => {
  it.each([
    ['nginx', { repository: 'nginx', tag: undefined, digest: undefined }],
    ['registry.local:5000/ml/vllm', { repository: 'registry.local:5000/ml/vllm', tag: undefined, digest: undefined }],
    ['registry.local:5000/ml/vllm:v1', { repository: 'registry.local:5000/ml/vllm', tag: 'v1', digest: undefined }],
    ['a/b:1@sha256:ab', { repository: 'a/b', tag: '1', digest: 'sha256:ab' }],
    ['a/b@sha256:ab', { repository: 'a/b', tag: undefined, digest: 'sha256:ab' }],
  ])('%s', (image, expected) => {
    expect(parseImage(image)).toEqual(expected);
  });
  it('leaves unrendered templates alone', () => {
    expect(parseImage('{{ .Values.image }}')).toBeUndefined();
    expect(parseImage('${IMAGE}')).toBeUndefined();
  });
});

describe('redact', () => {
  it('keeps at most a short prefix', () => {
    expect(redact('hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ')).toBe('hf_a…');
    expect(redact('abcdefgh')).toBe('ab…');
    expect(redact('abc')).toBe('…');
  });
});
