import { describe, expect, it } from 'vitest';
import { parseCondaEnvironment } from '../parsers/deps/conda.js';
import { parsePyproject } from '../parsers/deps/pyproject.js';
import { parseRequirements } from '../parsers/deps/requirements.js';
import { expectLinearGrowth } from '../testing/growth.js';
import { codeReferences, uriReferences, withoutUserinfo } from './code-refs.js';
import { readModelCard } from './model-card.js';

describe('models and datasets referenced in code', () => {
  it('from_pretrained, hub downloads, pipelines and datasets, with revisions and lines', () => {
    const text = [
      'import transformers',
      'a = AutoModel.from_pretrained("Qwen/Qwen2-7B", revision="v1.0")',
      "b = hf_hub_download(repo_id='TheBloke/Llama-2-7B-GGUF', filename='x.gguf', revision='3f1e2d4c5b6a798877665544332211ffeeddccbb')",
      'c = pipeline("text-generation", model="gpt2")',
      'd = AutoModel.from_pretrained(model_path)',
      'e = load_dataset("HuggingFaceH4/ultrachat_200k", revision="main")',
      'f = AutoModel.from_pretrained("/opt/models/llama")',
      'MODEL = "mistralai/Mistral-7B-Instruct-v0.3"',
      'g = AutoModel.from_pretrained(MODEL, trust_remote_code=True)',
    ].join('\n');
    const { models, datasets } = codeReferences(text, 'x.py');
    expect(models.map((m) => [m.name, m.revision, m.pinned, m.origin.line])).toEqual([
      ['Qwen/Qwen2-7B', 'v1.0', false, 2],
      ['TheBloke/Llama-2-7B-GGUF', '3f1e2d4c5b6a798877665544332211ffeeddccbb', true, 3],
      ['gpt2', undefined, false, 4],
      ['mistralai/Mistral-7B-Instruct-v0.3', undefined, false, 9],
    ]);
    expect(datasets).toEqual([
      { origin: { path: 'x.py', line: 6 }, name: 'HuggingFaceH4/ultrachat_200k', source: 'huggingface', revision: 'main' },
    ]);
  });

  it('hub URLs and storageUri in manifests', () => {
    const text =
      'storageUri: "hf://meta-llama/Llama-3.1-8B"\n# wget https://huggingface.co/org/model/resolve/main/model.safetensors\nstorageUri: s3://bucket/models/x\n';
    expect(uriReferences(text, 'm.yaml').map((m) => [m.name, m.source, m.revision, m.origin.line])).toEqual([
      ['org/model', 'huggingface', 'main', 2],
      ['meta-llama/Llama-3.1-8B', 'huggingface', undefined, 1],
      ['s3://bucket/models/x', 'uri', undefined, 3],
    ]);
  });

  it('records model URLs without their credentials', () => {
    expect(withoutUserinfo('https://user:sk-x@example.com/repo')).toBe('https://example.com/repo');
    expect(withoutUserinfo('https://ghp_token@github.com/org/m.git')).toBe('https://github.com/org/m.git');
    expect(withoutUserinfo('s3://u:p@ss@bucket/models/x')).toBe('s3://bucket/models/x');
    for (const kept of ['s3://bucket/a@b', 'hf://org/model', '${URL}', 'org/model@main', 'https://host/x?u=a@b'])
      expect(withoutUserinfo(kept)).toBe(kept);
    const refs = uriReferences('storageUri: https://user:sk-proj-secret@models.example.com/llm\n', 'm.yaml');
    expect(refs.map((m) => [m.name, m.uri])).toEqual([['https://models.example.com/llm', 'https://models.example.com/llm']]);
  });

  // n is the length of the longest run of each input, 100,000 characters at first.
  it.each([
    [
      'code with unclosed calls and URIs',
      (n: number) =>
        codeReferences(
          'from_pretrained(' + '"a'.repeat(n / 2) + '\n' + 'load_dataset(' + ' '.repeat(n) + 'storageUri: hf://' + 'a/'.repeat(n / 2),
          'x.py',
        ),
    ],
    ['code with a long assignment', (n: number) => codeReferences('A' + ' '.repeat(n) + '= "x" y\nfrom_pretrained(A)', 'x.py')],
    [
      'requirements with continuations and comments',
      (n: number) => parseRequirements('torch' + ' '.repeat(n) + 'x\n' + '\\\n'.repeat(n / 5) + '#'.repeat(n / 2), 'requirements.txt'),
    ],
    [
      'requirements with an unclosed extra',
      (n: number) => parseRequirements('a' + ' '.repeat(n) + '[' + ' '.repeat(n) + 'x\n', 'requirements.txt'),
    ],
    ['conda environment', (n: number) => parseCondaEnvironment(`dependencies:\n  - "numpy${' '.repeat(n)}x"\n`)],
    ['pyproject', (n: number) => parsePyproject(`[tool.poetry.dependencies]\nx = "${' '.repeat(n)}a"\n`)],
  ])('stays linear on adversarial input: %s', (_name, read) => {
    read(100_000);
    expectLinearGrowth((n) => () => read(n), 20_000);
  });
});

describe('model cards', () => {
  it('reads the Hugging Face front matter', () => {
    const card = readModelCard(
      '---\nlicense: other\nlicense_name: llama3\nbase_model:\n  - meta-llama/Meta-Llama-3-8B\npipeline_tag: text-generation\nlanguage: en\n---\n# Card\n',
      { path: 'README.md', line: 1 },
    );
    expect(card).toMatchObject({
      license: 'llama3',
      baseModels: ['meta-llama/Meta-Llama-3-8B'],
      pipelineTag: 'text-generation',
      languages: ['en'],
    });
  });
  it('ignores README files without model front matter and never runs YAML tags', () => {
    expect(readModelCard('# Just a README\n', { path: 'README.md' })).toBeUndefined();
    expect(readModelCard('---\ntitle: Docs\nlayout: page\n---\n', { path: 'README.md' })).toBeUndefined();
    expect(readModelCard('---\nlicense: !!js/function "function () {}"\n---\n', { path: 'README.md' })).toBeUndefined();
  });
});
