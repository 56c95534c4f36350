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

  it('treats a pip-tools input as a non-application file', () => {
    expect(parseRequirements('torch\n', 'requirements.in').application).toBe(false);
    expect(parseRequirements('torch\n', 'requirements-dev.txt').application).toBe(true);
  });

  it('reports an option without its value', () => {
    expect(parseRequirements('-r\n', 'requirements.txt').problems[0].message).toBe('line 1: option -r has no value');
  });
});
