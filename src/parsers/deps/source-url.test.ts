import { describe, expect, it } from 'vitest';
import { expectLinearGrowth } from '../../testing/growth.js';
import { withoutUrlUserinfo, withoutUserinfo } from './source-url.js';

describe('withoutUserinfo', () => {
  it.each([
    [
      'git+https://deploy:Zq81xYp0Lm7Rt3Kv9Wb2@git.corp.internal/org/mygit?branch=main#abc',
      'git+https://git.corp.internal/org/mygit?branch=main#abc',
    ],
    ['git+https://ghp_token123@github.com/org/repo.git', 'git+https://github.com/org/repo.git'],
    ['sparse+https://u:p@crates.corp/index/', 'sparse+https://crates.corp/index/'],
    ['https://user:p%40ss@files.corp/pkg-1.0.tgz', 'https://files.corp/pkg-1.0.tgz'],
    ['https://u:p@host', 'https://host'],
    ['git+ssh://git:secret@github.com/org/repo', 'git+ssh://github.com/org/repo'],
  ])('%s', (input, output) => expect(withoutUserinfo(input)).toBe(output));

  it.each([
    'git+ssh://git@github.com/org/repo.git',
    'git@github.com:org/repo.git',
    'github:org/repo',
    'https://host/path/a@b',
    'https://host/x?y=a@b#c@d',
    'registry+https://github.com/rust-lang/crates.io-index',
    '../lib',
    '',
  ])('%s is kept', (input) => expect(withoutUserinfo(input)).toBe(input));
});

describe('withoutUrlUserinfo', () => {
  it.each([
    ['tarpkg@https://user:tok@npm.corp/tarpkg-1.0.0.tgz', 'tarpkg@https://npm.corp/tarpkg-1.0.0.tgz'],
    ['@scope/x@git+https://ci:tok@git.corp/org/x.git#commit=abc', '@scope/x@git+https://git.corp/org/x.git#commit=abc'],
    ['a@https://u:p@h/a.tgz, b@https://v:q@h/b.tgz', 'a@https://h/a.tgz, b@https://h/b.tgz'],
    [
      'lodash@npm:4.17.21::__archiveUrl=https%3A%2F%2Fci%3Atok%40npm.corp%2Flodash.tgz',
      'lodash@npm:4.17.21::__archiveUrl=https%3A%2F%2Fnpm.corp%2Flodash.tgz',
    ],
    ['x@git+ssh://git:secret@github.com/org/x', 'x@git+ssh://github.com/org/x'],
    ['x@1https://u:p@h/x.tgz', 'x@1https://h/x.tgz'],
    ['x@-2git+https%3A%2F%2Fci%3Atok%40h%2Fx.tgz', 'x@-2git+https%3A%2F%2Fh%2Fx.tgz'],
  ])('%s', (input, output) => expect(withoutUrlUserinfo(input)).toBe(output));

  it('takes time in proportion to the text, not its square, on a long run of scheme characters before ://', () => {
    // Each start in the run used to be tried up to the `://`: 50,000 characters took seconds.
    const run = 'a1'.repeat(100_000);
    for (const textOf of [
      (run: string) => `${run}://u:p@h`,
      (run: string) => `${run}%3a%2f%2fu%3ap%40h`,
      (run: string) => `${run}://${'x'.repeat(run.length)}`,
    ])
      expectLinearGrowth((n) => {
        const text = textOf('a1'.repeat(n));
        return () => withoutUrlUserinfo(text);
      }, 10_000);
    expect(withoutUrlUserinfo(`${run}://u:p@h`)).toBe(`${run}://h`);
  });

  it.each([
    'x@git+ssh://git@github.com/org/x.git',
    'x@https://host/path/a@b',
    'x@npm:^1.0.0',
    'lodash@npm:4.17.21::__archiveUrl=https%3A%2F%2Fnpm.corp%2Fa%40b.tgz',
  ])('%s is kept', (input) => expect(withoutUrlUserinfo(input)).toBe(input));
});
