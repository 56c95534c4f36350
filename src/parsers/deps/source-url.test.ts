import { describe, expect, it } from 'vitest';
import { withoutUserinfo } from './source-url.js';

describe('withoutUserinfo', () => {
  it.each([
    ['git+https://deploy:Zq81xYp0Lm7Rt3Kv9Wb2@git.corp.internal/org/mygit?branch=main#abc', 'git+https://git.corp.internal/org/mygit?branch=main#abc'],
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
