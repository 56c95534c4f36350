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

/** What a call gives: its value, or its error's message. */
function outcome(read: () => unknown): unknown {
  try {
    return { value: read() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** The piecewise reading gives what parseToml of the whole text gives (value or error). */
function expectAsWhole(text: string): void {
  expect(outcome(() => piecewise(text))).toEqual(outcome(() => parseToml(text, 'x.lock')));
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

  it('a line separator, paragraph separator or lone CR is not a line end for a header: no cut inside a string or comment', () => {
    for (const sep of ['\u2028', '\u2029', '\r']) {
      const inString = POETRY.replace('version = "2.0"', `version = "2.0"\ndescription = "x${sep}[[package]]${sep}y"`);
      expectAsWhole(inString);
      const inComment = POETRY.replace('version = "2.0"', `version = "2.0"\n# n${sep}[[package]]`);
      expectAsWhole(inComment);
    }
    const plain = POETRY.replace('version = "2.0"', 'version = "2.0"\ndescription = "x\u2028[[package]]\u2028y"');
    expect((piecewise(plain).package as unknown[]).length).toBe(3);
  });

  it('headers still found: plain, CRLF with a comment, indented at the end of the text', () => {
    const crlf = POETRY.replace(/\n/g, '\r\n').replace('[[package]]\r\nname = "b"', '[[package]]  # b\r\nname = "b"');
    expectAsWhole(crlf);
    expect((piecewise(crlf).package as unknown[]).length).toBe(3);
    const atEnd = `${POETRY}  [[package]]`;
    expectAsWhole(atEnd);
    expect((piecewise(atEnd).package as unknown[]).length).toBe(4);
  });

  it('a package key before the first [[package]] header: as the whole parse (an error), not read piecewise', () => {
    for (const before of ['[package.x]\na = 1\n', 'package.name = "z"\n', 'package = [{name="q"}]\n']) {
      const text = `${before}\n${POETRY}`;
      expect(() => parseToml(text, 'x.lock')).toThrow();
      expectAsWhole(text);
    }
  });
});
