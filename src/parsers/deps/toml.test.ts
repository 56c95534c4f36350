import { describe, expect, it } from 'vitest';
import { CARGO_LOCK_V3 } from '../../testing/cargo-lock.js';
import { forEachTomlPackage, parseToml } from './toml.js';

/** What forEachTomlPackage visits and returns, in the shape parseToml gives. */
function piecewise(text: string): Record<string, unknown> {
  const list: unknown[] = [];
  const rest = forEachTomlPackage(text, 'x.lock', (entry, i) => {
    expect(i).toBe(list.length);
    list.push(entry);
  });
  return { ...rest, ...(list.length ? { package: list } : {}) };
}

describe('forEachTomlPackage: a lockfile read one [[package]] at a time', () => {
  const POETRY = `[[package]]
name = "a"
version = "1.0"
files = [
    {file = "a-1.0.tar.gz", hash = "sha256:00"},
]

[package.dependencies]
b = ">=1"

[package.extras]
x = ["b (>=1)"]

[[package]]
name = "b"
version = "2.0"

[[package]]
name = "c"
version = "3.0"

[metadata]
lock-version = "2.0"
content-hash = "ff"
`;

  it('reads what parseToml reads: entries with their subtables, the other tables and keys', () => {
    for (const text of [POETRY, CARGO_LOCK_V3, `version = 1\n\n[manifest]\nmembers = ["a"]\n\n${POETRY}`])
      expect(piecewise(text)).toEqual(parseToml(text, 'x.lock'));
  });

  it('a table in two pieces, multi-line strings, one entry: the whole text is parsed, with the same result', () => {
    const split = `[metadata]\nlock-version = "2.0"\n\n${POETRY.replace('[metadata]\nlock-version = "2.0"\n', '[metadata.files]\n')}`;
    expect(piecewise(split)).toEqual(parseToml(split, 'x.lock'));
    expect((piecewise(split).metadata as Record<string, unknown>)['lock-version']).toBe('2.0');
    const multi = POETRY.replace('version = "2.0"', 'version = "2.0"\ndescription = """\n[[package]]\nname = "fake"\n"""');
    expect(piecewise(multi)).toEqual(parseToml(multi, 'x.lock'));
    expect((piecewise(multi).package as unknown[]).length).toBe(3);
  });

  it('an error in a later entry is reported at its line in the file, as parseToml reports it', () => {
    const bad = POETRY.replace('name = "c"', 'name = "c');
    const line = bad.split('\n').findIndex((l) => l === 'name = "c') + 1;
    expect(() => parseToml(bad, 'x.lock')).toThrow(`invalid TOML in x.lock at line ${line}:`);
    expect(() => piecewise(bad)).toThrow(`invalid TOML in x.lock at line ${line}:`);
    const twice = `metadata = 1\n${POETRY}`;
    expect(() => piecewise(twice)).toThrow(/^invalid TOML in x\.lock at line \d+/);
  });
});
