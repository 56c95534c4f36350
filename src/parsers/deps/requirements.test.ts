import { describe, expect, it } from 'vitest';
import { parseRequirements } from './requirements.js';

function at(text: string, span: { start: number; end: number }): string {
  return text.slice(span.start, span.end);
}

describe('requirements files', () => {
  const text = [
    '# top comment',
    '-r base.txt',
    '--constraint constraints.txt',
    '-i https://pypi.example.com/simple',
    '--extra-index-url https://download.pytorch.org/whl/cu121',
    'torch==2.1.2+cu121 \\',
    '    --hash=sha256:aaaa \\',
    '    --hash=sha256:bbbb',
    'transformers[torch,sentencepiece]>=4.30,<5 ; python_version >= "3.9"  # pinned later',
    'numpy',
    'accelerate===0.25.0',
    'vllm==0.4.*',
    '-e git+https://github.com/huggingface/peft.git@v0.7.1#egg=peft',
    'tokenizers @ https://files.example.com/tokenizers-0.15.0-cp311-cp311-linux_x86_64.whl',
    './wheels/flash_attn-2.5.0-cp311-cp311-linux_x86_64.whl',
    'safetensors (==0.4.1)',
    'Not A Requirement!',
    '',
  ].join('\n');
  const m = parseRequirements(text, 'requirements.txt');

  it('reads includes, constraints and indexes with their lines', () => {
    expect(m.includes.map((i) => [i.path, i.constraint, at(text, i.span)])).toEqual([
      ['base.txt', false, '-r base.txt'],
      ['constraints.txt', true, '--constraint constraints.txt'],
    ]);
    expect(m.indexes.map((i) => [i.role, i.url])).toEqual([
      ['primary', 'https://pypi.example.com/simple'],
      ['extra', 'https://download.pytorch.org/whl/cu121'],
    ]);
  });

  it('reads pins, ranges, extras, markers, hashes, local versions, URLs, VCS and editable requirements', () => {
    const byName = new Map(m.packages.map((p) => [p.name, p]));
    expect(byName.get('torch')).toMatchObject({ version: '2.1.2+cu121', hashes: ['sha256:aaaa', 'sha256:bbbb'], direct: true });
    expect(at(text, byName.get('torch')!.span)).toBe('torch==2.1.2+cu121');
    expect(byName.get('transformers')).toMatchObject({
      requirement: '>=4.30,<5',
      extras: ['torch', 'sentencepiece'],
      marker: 'python_version >= "3.9"',
    });
    expect(byName.get('transformers')!.version).toBeUndefined();
    expect(byName.get('numpy')).toMatchObject({ name: 'numpy' });
    expect(byName.get('numpy')!.version).toBeUndefined();
    expect(byName.get('accelerate')!.version).toBe('0.25.0');
    expect(byName.get('vllm')!.version).toBeUndefined();
    expect(byName.get('peft')).toMatchObject({ editable: true, source: { kind: 'vcs' } });
    expect(byName.get('tokenizers')).toMatchObject({ source: { kind: 'url' } });
    expect(byName.get('flash-attn')).toMatchObject({ version: '2.5.0', source: { kind: 'path' } });
    expect(byName.get('safetensors')!.version).toBe('0.4.1');
  });

  it('reports an unreadable line and goes on', () => {
    expect(m.problems).toEqual([{ message: "line 17: cannot read the requirement 'Not A Requirement!'", line: 17 }]);
    expect(m.packages).toHaveLength(9);
  });

  it('does not take a #egg fragment or a # inside a URL for a comment', () => {
    const r = parseRequirements('git+https://example.com/repo.git#egg=pkg # a comment\n', 'requirements.txt');
    expect(r.packages[0]).toMatchObject({ name: 'pkg', source: { kind: 'vcs', location: 'git+https://example.com/repo.git#egg=pkg' } });
  });

  it('names a source archive or wheel that a URL or path points to by its file name', () => {
    const r = parseRequirements(
      [
        'https://files.pythonhosted.org/packages/source/p/pyyaml/PyYAML-6.0.2.tar.gz#sha256=d584d9ec91ad65861cc08d42e834324ef890a082e591037abe114850ff7bbc3e',
        './vendor/python-dateutil-2.9.0.post0.tar.gz',
        'flash-attn @ https://github.com/Dao-AILab/flash-attention/releases/download/v2.6.3/flash_attn-2.6.3+cu123torch2.4cxx11abiFALSE-cp311-cp311-linux_x86_64.whl',
        'other @ https://example.com/dist/unrelated-1.0-py3-none-any.whl',
        'https://github.com/org/repo/archive/refs/heads/main.zip',
        '',
      ].join('\n'),
      'requirements.txt',
    );
    expect(r.packages.map((p) => [p.name, p.version, p.source?.kind])).toEqual([
      ['PyYAML', '6.0.2', 'url'],
      ['python-dateutil', '2.9.0.post0', 'path'],
      ['flash-attn', '2.6.3+cu123torch2.4cxx11abiFALSE', 'url'],
      ['other', undefined, 'url'],
      ['https://github.com/org/repo/archive/refs/heads/main.zip', undefined, 'url'],
    ]);
  });

  it('takes nothing in a constraints file as asked for (it limits versions, it installs nothing)', () => {
    expect(parseRequirements('certifi==2024.7.4\n', 'constraints.txt').packages.map((p) => [p.name, p.direct])).toEqual([
      ['certifi', undefined],
    ]);
    expect(parseRequirements('certifi==2024.7.4\n', 'requirements/constraints-dev.txt').packages[0].direct).toBeUndefined();
    expect(parseRequirements('certifi==2024.7.4\n', 'requirements.txt').packages[0].direct).toBe(true);
  });

  it('treats a pip-tools input as a non-application file', () => {
    expect(parseRequirements('torch\n', 'requirements.in').application).toBe(false);
    expect(parseRequirements('torch\n', 'requirements-dev.txt').application).toBe(true);
  });

  it('reports an option without its value', () => {
    expect(parseRequirements('-r\n', 'requirements.txt').problems[0].message).toBe('line 1: option -r has no value');
  });

  it('reads a pip-compile or uv output as a lockfile: direct and transitive from # via, the graph from its parents', () => {
    const compiled = [
      '#',
      '# This file is autogenerated by pip-compile with Python 3.11',
      '# by the following command:',
      '#',
      '#    pip-compile --generate-hashes requirements.in',
      '#',
      'accelerate==1.1.1 \\',
      '    --hash=sha256:aaaa',
      '    # via',
      '    #   -r requirements.in',
      '    #   peft',
      'filelock==3.16.1',
      '    # via',
      '    #   torch',
      '    #   transformers',
      'peft==0.13.2',
      '    # via -r requirements.in',
      'torch==2.5.1',
      '    # via',
      '    #   accelerate',
      '    #   peft',
      'Transformers==4.46.3',
      '    # via',
      '    #   peft',
      '    #   trainer (pyproject.toml)',
      '',
    ].join('\n');
    const r = parseRequirements(compiled, 'requirements.txt');
    expect(r.lockfile).toBe(true);
    expect(r.packages.map((p) => [p.name, p.version, p.direct, p.dependsOn ?? []])).toEqual([
      ['accelerate', '1.1.1', true, ['torch']],
      ['filelock', '3.16.1', false, []],
      ['peft', '0.13.2', true, ['accelerate', 'torch', 'Transformers']],
      ['torch', '2.5.1', false, ['filelock']],
      ['Transformers', '4.46.3', true, ['filelock']],
    ]);
    // A via entry is a name and maybe a parenthesised note: one with a long run of spaces before an
    // unclosed parenthesis took quadratic time to strip (\s*\(.*\)$ tried from every space).
    const odd = parseRequirements(
      [
        '# This file is autogenerated by pip-compile with Python 3.11',
        'numpy==2.1.3',
        '    # via',
        `    #   torch${' '.repeat(250_000)}(no closing parenthesis`,
        '    #   torch (pyproject.toml)',
        'torch==2.5.1',
        '',
      ].join('\n'),
      'requirements.txt',
    );
    expect(odd.packages.map((p) => [p.name, p.dependsOn ?? []])).toEqual([
      ['numpy', []],
      ['torch', ['numpy']],
    ]);
    const uv = parseRequirements(
      '# This file was autogenerated by uv via the following command:\n#    uv pip compile requirements.in\nnumpy==2.1.3\n    # via torch\ntorch==2.5.1\n    # via -r requirements.in\n',
      'requirements.txt',
    );
    expect(uv.packages.map((p) => [p.name, p.direct, p.dependsOn ?? []])).toEqual([
      ['numpy', false, []],
      ['torch', true, ['numpy']],
    ]);
    // A hand-written file with the same comments is not taken for a lockfile.
    expect(parseRequirements('torch==2.5.1\n    # via accelerate\n', 'requirements.txt')).toMatchObject({
      lockfile: false,
      packages: [{ direct: true }],
    });
  });

  it('quotes an unreadable line without the credentials of a URL in it, also when the quote is cut', () => {
    const password = 'S3cretPassw0rd';
    const lines = [
      `!!weird https://alice:${password}@pypi.example.com/simple`,
      // The userinfo ends past the 80 characters quoted: cut first, the password's start would have stayed.
      `!!weird ${'x'.repeat(60)} https://alice:${password}${'y'.repeat(40)}@pypi.example.com/simple`,
      `!!weird https://conda.anaconda.org/t/${password}/channel`,
    ];
    const m = parseRequirements(lines.join('\n') + '\n', 'requirements.txt');
    expect(m.problems).toHaveLength(3);
    for (const p of m.problems) expect(p.message).not.toContain(password.slice(0, 6));
    expect(m.problems[0].message).toContain('https://pypi.example.com/simple');
  });
});
