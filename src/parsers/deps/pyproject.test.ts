import { describe, expect, it } from 'vitest';
import { expectLinearGrowth } from '../../testing/growth.js';
import { parsePyproject } from './pyproject.js';

const at = (text: string, span: { start: number; end: number }) => text.slice(span.start, span.end);

describe('pyproject.toml', () => {
  it('PEP 621 dependencies, optional dependencies and PEP 735 groups, each at its string', () => {
    const text = `[build-system]
requires = ["hatchling"]

[project]
name = "svc"
dependencies = [
  "torch==2.1.0",
  'transformers[torch]>=4.30; python_version >= "3.9"',
  "fastapi",
]

[project.optional-dependencies]
gpu = ["vllm==0.4.0"]

[dependency-groups]
dev = ["pytest>=8", { include-group = "lint" }]
lint = ["ruff"]
`;
    const m = parsePyproject(text);
    expect(m.application).toBe(false);
    expect(m.packages.map((p) => [p.name, p.version, p.requirement, p.optional ?? false, p.dev ?? false])).toEqual([
      ['torch', '2.1.0', undefined, false, false],
      ['transformers', undefined, '>=4.30', false, false],
      ['fastapi', undefined, undefined, false, false],
      ['vllm', '0.4.0', undefined, true, false],
      ['pytest', undefined, '>=8', false, true],
      ['ruff', undefined, undefined, false, true],
    ]);
    expect(at(text, m.packages[0].span)).toBe('"torch==2.1.0"');
    expect(at(text, m.packages[1].span)).toBe(`'transformers[torch]>=4.30; python_version >= "3.9"'`);
    expect(text.slice(0, m.packages[3].span.start).split('\n').length).toBe(13);
  });

  it('Poetry dependencies, groups and sources; an application without a build system', () => {
    const text = `[tool.poetry]
name = "app"
package-mode = false

[tool.poetry.dependencies]
python = "^3.10"
langchain = "0.0.131"
openai = "^1.3"
peft = { git = "https://github.com/huggingface/peft.git", tag = "v0.7.1" }
accelerate = { version = "==0.25.0", optional = true, extras = ["deepspeed"] }

[tool.poetry.group.dev.dependencies]
pytest = "*"

[[tool.poetry.source]]
name = "internal"
url = "http://pypi.internal.example/simple"
priority = "secondary"
`;
    const m = parsePyproject(text);
    expect(m.application).toBe(true);
    expect(m.packages.map((p) => [p.name, p.version, p.requirement, p.source?.kind, p.dev ?? false])).toEqual([
      ['langchain', '0.0.131', undefined, undefined, false],
      ['openai', undefined, '^1.3', undefined, false],
      ['peft', undefined, undefined, 'vcs', false],
      ['accelerate', '0.25.0', undefined, undefined, false],
      ['pytest', undefined, undefined, undefined, true],
    ]);
    expect(m.packages[3]).toMatchObject({ optional: true, extras: ['deepspeed'] });
    expect(at(text, m.packages[0].span)).toBe('langchain = "0.0.131"');
    expect(m.indexes).toEqual([{ url: 'http://pypi.internal.example/simple', role: 'extra', span: expect.anything() }]);
    expect(at(text, m.indexes[0].span)).toBe('"http://pypi.internal.example/simple"');
  });

  it('uv and PDM development dependencies and indexes', () => {
    const text = `[project]
name = "x"
dependencies = []

[tool.uv]
dev-dependencies = ["pytest==8.0.0"]
index-strategy = "unsafe-best-match"

[[tool.uv.index]]
url = "https://download.pytorch.org/whl/cu121"

[tool.pdm.dev-dependencies]
test = ["coverage"]

[[tool.pdm.source]]
name = "private"
url = "https://pypi.private.example/simple"
`;
    const m = parsePyproject(text);
    expect(m.packages.map((p) => [p.name, p.dev])).toEqual([
      ['coverage', true],
      ['pytest', true],
    ]);
    expect(m.indexes.map((i) => [i.url, i.role])).toEqual([
      ['https://download.pytorch.org/whl/cu121', 'extra'],
      ['https://pypi.private.example/simple', 'extra'],
    ]);
  });

  it('reports invalid TOML with its line', () => {
    expect(() => parsePyproject('[project]\ndependencies = [\n  "a",\n  b\n]\n')).toThrow(/^invalid TOML in pyproject.toml at line 4/);
  });
  it('locates Poetry dependencies by their key line, whatever the key (a 100,000-character key made the pattern built from it too large: found by the fuzzer)', () => {
    const long = 'a'.repeat(100_000);
    const text = `[tool.poetry.dependencies]\npython = "^3.11"\n  "Torch" = "2.1.0"\n${long} = "1.0"\n`;
    const m = parsePyproject(text);
    expect(m.packages.map((p) => [p.name, at(text, p.span).slice(0, 20)])).toEqual([
      ['Torch', '"Torch" = "2.1.0"'],
      [long, `${'a'.repeat(20)}`],
    ]);
    expect(at(text, m.packages[1].span)).toBe(`${long} = "1.0"`);
  });
  it('a long key far down a section is found in one pass over the lines (each line was compared with the whole key)', () => {
    const long = 'b'.repeat(100_000);
    const text = `[tool.poetry.dependencies]\n${'# C\n'.repeat(500_000)}${long} = "1.0"\n`;
    const m = parsePyproject(text);
    expect(m.packages.map((p) => at(text, p.span))).toEqual([`${long} = "1.0"`]);
  });
});

describe('pyproject.toml with many dependencies', () => {
  it('finds each one at its own string in time linear in the file (a search from the section start for each was quadratic)', () => {
    const n = 40_000;
    const specsOf = (n: number) => Array.from({ length: n }, (_, i) => (i % 3 === 0 ? `'p${i}>=1'` : `"p${i}>=1"`));
    // The same requirement twice: each at its own string. One with a quote of its own kind: searched for.
    const textOf = (specs: string[]) =>
      `[project]\nname = "x"\ndependencies = [\n${specs.map((s) => `  ${s},`).join('\n')}\n  "dup==1",\n  "dup==1",\n  "q[a]; python_version >= \\"3.9\\"",\n]\n`;
    const specs = specsOf(n);
    const text = textOf(specs);
    const m = parsePyproject(text);
    expect(m.packages).toHaveLength(n + 3);
    expect(m.packages.every((p, i) => i >= n || at(text, p.span) === specs[i])).toBe(true);
    const [a, b, q] = m.packages.slice(n);
    expect([at(text, a.span), at(text, b.span), b.span.start > a.span.start]).toEqual(['"dup==1"', '"dup==1"', true]);
    expect(at(text, q.span)).toBe('"q[a]; python_version >= \\"3.9\\""');
    expectLinearGrowth((n) => {
      const text = textOf(specsOf(n));
      return () => parsePyproject(text);
    }, 2_000);
  });

  it('dependencies with environment markers in escaped quotes, or in a literal string, are found in linear time too (they were searched for from the section start)', () => {
    const n = 40_000;
    const specsOf = (n: number) =>
      Array.from({ length: n }, (_, i) => (i % 2 === 0 ? `"p${i}; sys_platform == \\"win32\\""` : `'p${i}; python_version >= "3.9"'`));
    const textOf = (specs: string[]) => `[project]\nname = "x"\ndependencies = [\n${specs.map((s) => `  ${s},`).join('\n')}\n]\n`;
    const specs = specsOf(n);
    const text = textOf(specs);
    const m = parsePyproject(text);
    expect(m.packages).toHaveLength(n);
    expect(m.packages.every((p, i) => at(text, p.span) === specs[i])).toBe(true);
    expectLinearGrowth((n) => {
      const text = textOf(specsOf(n));
      return () => parsePyproject(text);
    }, 2_000);
  });
});
