import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { MemorySourceFile } from '../core/source-file.js';
import { gguf, packedSafetensors } from '../rules/models/lib/builders/formats-builder.js';
import { cyclonedx16Problems } from '../../test/cyclonedx16.js';
import { buildSbom } from './sbom.js';
import { CARGO_LOCK_V3, CARGO_TOML_SERVER, CARGO_TOML_UTILS } from '../testing/cargo-lock.js';
import { toSpdx23 } from './spdx.js';
import { spdx23Problems } from '../../test/spdx23.js';

const errorsOf = (doc: unknown): string => cyclonedx16Problems(doc);

const files = () => [
  new MemorySourceFile(
    'app/requirements.txt',
    'torch==2.1.0 --hash=sha256:9f8a1c0e2b7d4e6f8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f\ntransformers>=4.30\n',
  ),
  new MemorySourceFile(
    'app/package-lock.json',
    JSON.stringify({
      lockfileVersion: 3,
      packages: {
        '': { name: 'web', dependencies: { express: '^4.18.0' } },
        'node_modules/express': {
          version: '4.18.2',
          license: 'MIT',
          integrity: 'sha512-' + Buffer.alloc(64, 7).toString('base64'),
          dependencies: { qs: '6.11.0' },
        },
        'node_modules/qs': { version: '6.11.0', license: 'BSD-3-Clause' },
        'node_modules/dual': { version: '1.0.0', license: 'MIT OR Apache-2.0' },
        'node_modules/custom': { version: '1.0.0', license: 'MIT OR Some Custom Licence' },
      },
    }),
  ),
  new MemorySourceFile('app/pyproject.toml', '[project]\nname = "app"\ndependencies = ["transformers==4.36.0"]\n'),
  new MemorySourceFile(
    'app/train.py',
    [
      'from transformers import AutoModel',
      'from datasets import load_dataset',
      'm = AutoModel.from_pretrained("meta-llama/Llama-3.1-8B", revision="0e9e39f249a16976918f6564b8830bc894c89659")',
      'tok = AutoTokenizer.from_pretrained("bert-base-uncased")',
      'ds = load_dataset("squad", split="train")',
      'local = AutoModel.from_pretrained("./checkpoints/run1")',
      '',
    ].join('\n'),
  ),
  new MemorySourceFile('models/llm/model.safetensors', packedSafetensors({ w: { dtype: 'F32', shape: [2] } }, { format: 'pt' })),
  new MemorySourceFile(
    'models/llm/config.json',
    JSON.stringify({ architectures: ['LlamaForCausalLM'], model_type: 'llama', torch_dtype: 'bfloat16' }),
  ),
  new MemorySourceFile(
    'models/llm/README.md',
    '---\nlicense: apache-2.0\nbase_model: meta-llama/Llama-3.1-8B\ndatasets:\n  - tatsu-lab/alpaca\npipeline_tag: text-generation\nlanguage: [en]\n---\n# My model\n',
  ),
  new MemorySourceFile(
    'models/tiny.gguf',
    gguf({
      'general.architecture': { type: 'string', value: 'llama' },
      'general.license': { type: 'string', value: 'llama3.1' },
      'general.file_type': { type: 'u32', value: 15 },
      'llama.context_length': { type: 'u32', value: 131072 },
    }),
  ),
  new MemorySourceFile(
    'deploy/isvc.yaml',
    'apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata:\n  name: llm\n  namespace: ml\nspec:\n  predictor:\n    model:\n      modelFormat: { name: huggingface }\n      storageUri: hf://meta-llama/Llama-3.1-8B\n',
  ),
  new MemorySourceFile('app/broken/package-lock.json', '{ "packages": '),
];

describe('sanctum sbom', () => {
  const { bom, errors } = buildSbom(['.'], {
    files: files(),
    name: 'demo',
    timestamp: new Date('2026-01-01T00:00:00Z'),
    serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
  });
  const components = bom.components as any[];
  const byRef = new Map<string, any>(components.map((c) => [c['bom-ref'], c]));

  it('is valid CycloneDX 1.6', () => {
    expect(bom.specVersion).toBe('1.6');
    expect(errorsOf(bom)).toBe('');
  });

  it('the schema check can fail', () => {
    const bad = structuredClone(bom);
    (bad.components as any[])[0].type = 'not-a-type';
    expect(errorsOf(bad)).not.toBe('');
  });

  it('packages with purls, hashes, licences and locations; a range is left out when another file pins the package', () => {
    const torch = byRef.get('pkg:pypi/torch@2.1.0');
    expect(torch).toMatchObject({
      type: 'library',
      name: 'torch',
      version: '2.1.0',
      purl: 'pkg:pypi/torch@2.1.0',
      hashes: [{ alg: 'SHA-256', content: '9f8a1c0e2b7d4e6f8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f' }],
    });
    expect(torch.properties).toContainEqual({ name: 'sanctum:location', value: 'app/requirements.txt:1' });
    const express = byRef.get('pkg:npm/express@4.18.2');
    expect(express.licenses).toEqual([{ license: { id: 'MIT' } }]);
    // An SPDX expression stays one; words that are none are a licence name, never an expression.
    expect(byRef.get('pkg:npm/dual@1.0.0').licenses).toEqual([{ expression: 'MIT OR Apache-2.0' }]);
    expect(byRef.get('pkg:npm/custom@1.0.0').licenses).toEqual([{ license: { name: 'MIT OR Some Custom Licence' } }]);
    expect(express.hashes).toEqual([{ alg: 'SHA-512', content: '07'.repeat(64) }]);
    // transformers>=4.30 in requirements.txt is left out: pyproject pins 4.36.0
    expect(components.filter((c) => c.name === 'transformers').map((c) => c.version)).toEqual(['4.36.0']);
  });

  it('the dependency graph: root → direct packages and models, packages → their dependencies', () => {
    const deps = new Map((bom.dependencies as Array<{ ref: string; dependsOn?: string[] }>).map((d) => [d.ref, d.dependsOn ?? []]));
    expect(deps.get('root')).toEqual(
      expect.arrayContaining(['pkg:pypi/torch@2.1.0', 'pkg:npm/express@4.18.2', 'model:models/llm/model.safetensors']),
    );
    expect(deps.get('root')).not.toContain('pkg:npm/qs@6.11.0');
    expect(deps.get('pkg:npm/express@4.18.2')).toEqual(['pkg:npm/qs@6.11.0']);
  });

  it('model files with hashes, format, size, metadata, licence and model card', () => {
    const m = byRef.get('model:models/llm/model.safetensors');
    expect(m.type).toBe('machine-learning-model');
    expect(m.hashes[0].alg).toBe('SHA-256');
    expect(m.hashes[0].content).toMatch(/^[0-9a-f]{64}$/);
    expect(m.licenses).toEqual([{ license: { id: 'Apache-2.0' } }]);
    expect(m.properties).toEqual(
      expect.arrayContaining([
        { name: 'sanctum:model:format', value: 'safetensors' },
        { name: 'sanctum:model:safetensors:format', value: 'pt' },
        { name: 'sanctum:model:dtype', value: 'bfloat16' },
      ]),
    );
    expect(m.modelCard.modelParameters).toEqual({
      task: 'text-generation',
      architectureFamily: 'llama',
      modelArchitecture: 'LlamaForCausalLM',
      datasets: [{ ref: 'dataset:tatsu-lab/alpaca' }],
    });
    expect(m.modelCard.properties).toContainEqual({ name: 'sanctum:card:base_model', value: 'meta-llama/Llama-3.1-8B' });
    expect(byRef.get('model:models/tiny.gguf').properties).toEqual(
      expect.arrayContaining([
        { name: 'sanctum:model:architecture', value: 'llama' },
        { name: 'sanctum:model:license', value: 'llama3.1' },
        { name: 'sanctum:model:quantization', value: 'Q4_K_M' },
        { name: 'sanctum:model:context_length', value: '131072' },
      ]),
    );
    expect(byRef.get('model:models/tiny.gguf').licenses).toEqual([{ license: { name: 'llama3.1' } }]);
  });

  it('remote models with their revision, pinned or not; datasets as data components', () => {
    const pinned = components.find((c) => c.name === 'meta-llama/Llama-3.1-8B' && c.version);
    expect(pinned.purl).toBe('pkg:huggingface/meta-llama/Llama-3.1-8B@0e9e39f249a16976918f6564b8830bc894c89659');
    expect(pinned.properties).toContainEqual({ name: 'sanctum:model:pinned', value: 'true' });
    const bert = components.find((c) => c.name === 'bert-base-uncased');
    expect(bert.properties).toContainEqual({ name: 'sanctum:model:pinned', value: 'false' });
    expect(components.some((c) => c.name.includes('checkpoints'))).toBe(false);
    const squad = byRef.get('dataset:squad');
    expect(squad).toMatchObject({ type: 'data', name: 'squad', data: [{ type: 'dataset', name: 'squad' }] });
  });

  it('AI services from manifests, depending on the model they serve', () => {
    const services = bom.services as Array<Record<string, any>>;
    expect(services).toHaveLength(1);
    expect(services[0]).toMatchObject({ name: 'llm', group: 'ml' });
    const deps = (bom.dependencies as Array<{ ref: string; dependsOn?: string[] }>).find((d) => d.ref === services[0]['bom-ref']);
    expect(deps?.dependsOn).toEqual(['model:hf://meta-llama/Llama-3.1-8B']);
  });

  it('an unreadable file is an error and the rest is still inventoried', () => {
    expect(errors).toEqual([
      { path: 'app/broken/package-lock.json', message: 'invalid package-lock.json at line 1: unexpected end of input', line: 1 },
    ]);
  });
});

describe('sanctum sbom of examples/ai-platform', () => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const { bom, errors } = buildSbom(['examples/ai-platform'], { cwd: root });
  const components = bom.components as any[];

  it('is valid, and lists the pinned AI libraries, the model with its card, the remote models and the served model', () => {
    expect(errorsOf(bom)).toBe('');
    expect(errors).toEqual([]);
    const purls = components.map((c) => c.purl).filter(Boolean);
    for (const p of ['pkg:pypi/torch@2.1.0', 'pkg:pypi/transformers@4.35.2', 'pkg:pypi/langchain@0.0.131']) expect(purls).toContain(p);
    const classifier = components.find((c) => c['bom-ref'] === 'model:examples/ai-platform/models/classifier.pt');
    expect(classifier).toMatchObject({
      type: 'machine-learning-model',
      licenses: [{ license: { id: 'Apache-2.0' } }],
      modelCard: { modelParameters: { task: 'text-classification' } },
    });
    expect(components.some((c) => c.type === 'machine-learning-model' && c.name === 'mistralai/Mistral-7B-Instruct-v0.3')).toBe(true);
    expect(components.some((c) => c.type === 'data' && c.name === 'stanfordnlp/imdb')).toBe(true);
    expect((bom.services as any[]).length).toBeGreaterThan(0);
  });

  it("keeps the training job's compiled lockfile graph: what it asks for hangs off the application, the rest off their parents", () => {
    const dependsOn = new Map((bom.dependencies as any[]).map((d) => [d.ref, d.dependsOn ?? []]));
    const application = dependsOn.get((bom.metadata as any).component['bom-ref']);
    expect(application).toEqual(expect.arrayContaining(['pkg:pypi/torch@2.5.1', 'pkg:pypi/peft@0.13.2', 'pkg:pypi/datasets@3.1.0']));
    expect(application).not.toContain('pkg:pypi/filelock@3.16.1');
    expect(dependsOn.get('pkg:pypi/torch@2.5.1')).toEqual(
      expect.arrayContaining(['pkg:pypi/filelock@3.16.1', 'pkg:pypi/triton@3.1.0', 'pkg:pypi/nvidia-cudnn-cu12@9.1.0.70']),
    );
    expect(dependsOn.get('pkg:pypi/nvidia-cudnn-cu12@9.1.0.70')).toEqual(['pkg:pypi/nvidia-cublas-cu12@12.4.5.8']);
  });
});

describe('the dependency graph of lockfiles that hold several versions of a package', () => {
  const graph = (files: MemorySourceFile[]) => {
    const { bom } = buildSbom(['.'], { files, name: 'g' });
    expect(errorsOf(bom)).toBe('');
    return new Map((bom.dependencies as Array<{ ref: string; dependsOn?: string[] }>).map((d) => [d.ref, d.dependsOn ?? []]));
  };

  it('package-lock.json: an edge goes to the copy Node resolves, not to whichever copy of the name came last', () => {
    const deps = graph([
      new MemorySourceFile(
        'package-lock.json',
        JSON.stringify({
          lockfileVersion: 3,
          packages: {
            '': { name: 'app', dependencies: { '@fastify/ajv-compiler': '^4', eslint: '^9' } },
            'node_modules/@fastify/ajv-compiler': { version: '4.0.8', dependencies: { ajv: '^8.12.0' } },
            'node_modules/ajv': { version: '8.20.0' },
            'node_modules/eslint': { version: '9.9.0', dependencies: { ajv: '^6.12.4' } },
            'node_modules/eslint/node_modules/ajv': { version: '6.15.0' },
          },
        }),
      ),
    ]);
    expect(deps.get('pkg:npm/%40fastify/ajv-compiler@4.0.8')).toEqual(['pkg:npm/ajv@8.20.0']);
    expect(deps.get('pkg:npm/eslint@9.9.0')).toEqual(['pkg:npm/ajv@6.15.0']);
  });

  it('yarn.lock: an alias is the package it installs, and an edge goes to the entry its descriptor resolved to', () => {
    const deps = graph([
      new MemorySourceFile(
        'yarn.lock',
        [
          '# yarn lockfile v1',
          '',
          '"string-width-cjs@npm:string-width@^4.2.0", string-width@^4.1.0:',
          '  version "4.2.3"',
          '  dependencies:',
          '    emoji-regex "^8.0.0"',
          '',
          'string-width@^5.1.2:',
          '  version "5.1.2"',
          '  dependencies:',
          '    emoji-regex "^9.2.2"',
          '',
          'emoji-regex@^8.0.0:',
          '  version "8.0.0"',
          '',
          'emoji-regex@^9.2.2:',
          '  version "9.2.2"',
          '',
        ].join('\n'),
      ),
    ]);
    expect([...deps.keys()].filter((r) => r.startsWith('pkg:')).sort()).toEqual([
      'pkg:npm/emoji-regex@8.0.0',
      'pkg:npm/emoji-regex@9.2.2',
      'pkg:npm/string-width@4.2.3',
      'pkg:npm/string-width@5.1.2',
    ]);
    expect(deps.get('pkg:npm/string-width@4.2.3')).toEqual(['pkg:npm/emoji-regex@8.0.0']);
    expect(deps.get('pkg:npm/string-width@5.1.2')).toEqual(['pkg:npm/emoji-regex@9.2.2']);
  });

  it('a range the manifest asks for is a direct dependency on the version the lockfile beside it locks', () => {
    const deps = graph([
      new MemorySourceFile('svc/pyproject.toml', '[project]\nname = "svc"\ndependencies = ["certifi>=2024.8.30", "idna"]\n'),
      new MemorySourceFile(
        'svc/poetry.lock',
        [
          '[[package]]\nname = "certifi"\nversion = "2024.8.30"\nfiles = []\n',
          '[[package]]\nname = "idna"\nversion = "3.10"\nfiles = []\n',
          '[[package]]\nname = "urllib3"\nversion = "2.2.3"\nfiles = []\n',
          '[metadata]\nlock-version = "2.1"\n',
        ].join('\n'),
      ),
      new MemorySourceFile('web/package.json', JSON.stringify({ name: 'web', private: true, dependencies: { react: '^18.3.0' } })),
      new MemorySourceFile(
        'web/yarn.lock',
        '# yarn lockfile v1\n\nreact@^18.3.0:\n  version "18.3.1"\n\nloose-envify@^1.1.0:\n  version "1.4.0"\n',
      ),
      // Another directory's lockfile says nothing about this manifest.
      new MemorySourceFile('other/package.json', JSON.stringify({ name: 'o', private: true, dependencies: { 'loose-envify': '^1' } })),
    ]);
    expect(deps.get('root')).toEqual(['pkg:npm/react@18.3.1', 'pkg:pypi/certifi@2024.8.30', 'pkg:pypi/idna@3.10']);
  });

  it('pnpm-lock.yaml v9: edges from the snapshots, to the version each names', () => {
    const lock = [
      "lockfileVersion: '9.0'",
      'importers:',
      '  .:',
      '    dependencies:',
      '      a:',
      '        specifier: ^1.0.0',
      '        version: 1.0.0(react@18.3.1)',
      '      b:',
      '        specifier: ^2.0.0',
      '        version: 2.0.0',
      'packages:',
      '  a@1.0.0:',
      '    resolution: {integrity: sha512-AAAA}',
      '  b@1.0.0:',
      '    resolution: {integrity: sha512-BBBB}',
      '  b@2.0.0:',
      '    resolution: {integrity: sha512-CCCC}',
      '  react@18.3.1:',
      '    resolution: {integrity: sha512-DDDD}',
      'snapshots:',
      '  a@1.0.0(react@18.3.1):',
      '    dependencies:',
      '      b: 1.0.0',
      '      react: 18.3.1',
      '  b@1.0.0: {}',
      '  b@2.0.0: {}',
      '  react@18.3.1: {}',
      '',
    ].join('\n');
    const deps = graph([new MemorySourceFile('pnpm-lock.yaml', lock)]);
    expect(deps.get('root')).toEqual(['pkg:npm/a@1.0.0', 'pkg:npm/b@2.0.0']);
    expect(deps.get('pkg:npm/a@1.0.0')).toEqual(['pkg:npm/b@1.0.0', 'pkg:npm/react@18.3.1']);
  });
});

describe('sanctum sbom of a compose project', () => {
  const compose = [
    'services:',
    '  ollama:',
    '    image: ollama/ollama:0.3.12',
    '  vllm:',
    '    image: vllm/vllm-openai:v0.6.3',
    '    command: ["--model", "meta-llama/Llama-3.1-8B-Instruct", "--api-key", "${VLLM_API_KEY}"]',
    '  lab:',
    '    build: .',
    '    command: jupyter lab --ip=0.0.0.0',
    '  db:',
    '    image: postgres:16',
    '',
  ].join('\n');
  const { bom, errors } = buildSbom(['.'], { files: [new MemorySourceFile('deploy/compose.yaml', compose)], name: 'chat' });

  it('lists the AI services it runs, with their images and the model they serve, and not the others', () => {
    expect(errorsOf(bom)).toBe('');
    expect(errors).toEqual([]);
    const services = (bom.services as Array<{ name: string; properties: Array<{ name: string; value: string }> }>).map((s) => ({
      name: s.name,
      properties: s.properties.map((p) => `${p.name}=${p.value}`),
    }));
    expect(services).toEqual([
      {
        name: 'ollama',
        properties: ['sanctum:location=deploy/compose.yaml:2', 'sanctum:service:image=ollama/ollama:0.3.12', 'sanctum:service:kind=Ollama'],
      },
      {
        name: 'vllm',
        properties: [
          'sanctum:location=deploy/compose.yaml:4',
          'sanctum:service:image=vllm/vllm-openai:v0.6.3',
          'sanctum:service:kind=vLLM',
          'sanctum:service:model=meta-llama/Llama-3.1-8B-Instruct',
        ],
      },
      { name: 'lab', properties: ['sanctum:location=deploy/compose.yaml:7', 'sanctum:service:kind=Jupyter'] },
    ]);
  });
});

describe('safetensors metadata in the SBOM', () => {
  it("quotes the header's keys and values cut and printable: they are the file author's", () => {
    const metadata = { ['k\u202e\x1b[2K'.padEnd(500, 'x')]: 'line\nbreak'.padEnd(1000, 'y'), format: 'pt' };
    const file = new MemorySourceFile('m.safetensors', packedSafetensors({ w: { dtype: 'F32', shape: [1] } }, metadata));
    const { bom } = buildSbom(['.'], { files: [file], name: 'm' });
    const model = (bom.components as Array<{ name: string; properties?: Array<{ name: string; value: string }> }>).find(
      (c) => c.name === 'm.safetensors',
    )!;
    const props = model.properties!.filter((p) => p.name.startsWith('sanctum:model:safetensors:'));
    expect(props).toEqual([
      { name: 'sanctum:model:safetensors:format', value: 'pt' },
      { name: `sanctum:model:safetensors:k\\u202e\\x1b[2K${'x'.repeat(114)}`, value: `line\\x0abreak${'y'.repeat(190)}` },
    ]);
  });
});

describe('credentials in the model locations of services', () => {
  const fromDotEnv = 'sk-proj-DotEnvModelUrlSecret0123456789';
  const literal = 'sk-proj-LiteralModelUrlSecret0123456789';
  const storage = 'sk-proj-StorageUriSecret0123456789';
  const top = mkdtempSync(join(tmpdir(), 'sanctum-sbom-userinfo-'));
  afterAll(() => rmSync(top, { recursive: true, force: true }));
  writeFileSync(
    join(top, 'compose.yaml'),
    [
      'services:',
      '  env:',
      '    image: vllm/vllm-openai:${TAG}',
      '    command: ["--model", "${URL}"]',
      '  literal:',
      '    image: vllm/vllm-openai:v0.6.3',
      `    command: ["--model", "https://user:${literal}@example.com/repo"]`,
      '',
    ].join('\n'),
  );
  writeFileSync(join(top, '.env'), `TAG=v0.6.3\nURL=https://user:${fromDotEnv}@example.com/repo\n`);
  writeFileSync(
    join(top, 'isvc.yaml'),
    [
      'apiVersion: serving.kserve.io/v1beta1',
      'kind: InferenceService',
      'metadata:',
      '  name: llm',
      'spec:',
      '  predictor:',
      '    model:',
      `      storageUri: https://${storage}@models.example.com/llm`,
      '',
    ].join('\n'),
  );
  const { bom, errors } = buildSbom(['.'], { cwd: top, name: 'p' });

  it('never holds the credentials of a model URL, from .env or written in the file; the location stays', () => {
    expect(errors).toEqual([]);
    expect(errorsOf(bom)).toBe('');
    const text = JSON.stringify(bom);
    for (const secret of [fromDotEnv, literal, storage]) expect(text).not.toContain(secret);
    const props = (bom.services as Array<{ name: string; properties: Array<{ name: string; value: string }> }>).map((s) => [
      s.name,
      s.properties.filter((p) => p.name === 'sanctum:service:model' || p.name === 'sanctum:service:image').map((p) => p.value),
    ]);
    expect(props).toEqual([
      ['env', ['vllm/vllm-openai:${TAG}', '${URL}']],
      ['literal', ['vllm/vllm-openai:v0.6.3', 'https://example.com/repo']],
      ['llm', []],
    ]);
    expect(text).toContain('https://models.example.com/llm');
  });
});

describe('sanctum sbom of a Cargo.lock', () => {
  const sbom = () => buildSbom(['.'], { files: [new MemorySourceFile('server/Cargo.lock', CARGO_LOCK_V3)], name: 'infer' });
  type Component = {
    name: string;
    version?: string;
    purl?: string;
    hashes?: Array<{ alg: string; content: string }>;
    externalReferences?: Array<{ type: string; url: string }>;
    properties?: Array<{ name: string; value: string }>;
  };

  it('lists the locked crates with purls, checksums and locations, not the workspace members; valid CycloneDX 1.6', () => {
    const { bom, errors } = sbom();
    expect(errors).toEqual([]);
    expect(errorsOf(bom)).toBe('');
    const components = bom.components as Component[];
    expect(components.map((c) => c.purl)).toEqual([
      'pkg:cargo/bytes@1.5.0',
      'pkg:cargo/candle-core@0.4.1?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Fhuggingface%2Fcandle%405e526abc8c2eb59ac0a2d5e8b2e5e3f96c7bb60f',
      'pkg:cargo/h2@0.3.16',
      'pkg:cargo/half@2.4.0',
      'pkg:cargo/internal-auth@0.2.0?repository_url=https%3A%2F%2Fcargo.internal.example%2Findex%2F',
      'pkg:cargo/safetensors@0.4.2',
      'pkg:cargo/serde@1.0.196',
      'pkg:cargo/syn@1.0.109',
      'pkg:cargo/syn@2.0.48',
      'pkg:cargo/tokenizers@0.15.2',
    ]);
    const h2 = components.find((c) => c.name === 'h2')!;
    expect(h2.hashes).toEqual([{ alg: 'SHA-256', content: 'f998fe06afa0cfbe73e0449dc2b1698309e1b5714960f027b2858312b152c275' }]);
    expect(h2.properties).toEqual([{ name: 'sanctum:location', value: 'server/Cargo.lock:21' }]);
    expect(components.find((c) => c.name === 'candle-core')!.externalReferences).toEqual([
      { type: 'vcs', url: 'git+https://github.com/huggingface/candle?branch=main#5e526abc8c2eb59ac0a2d5e8b2e5e3f96c7bb60f' },
    ]);
    expect(components.find((c) => c.name === 'internal-auth')!.externalReferences).toEqual([
      { type: 'distribution', url: 'sparse+https://cargo.internal.example/index/' },
    ]);
  });

  it('the graph: the application depends on what the workspace members depend on, crates on the version they name', () => {
    const { bom } = sbom();
    const deps = new Map((bom.dependencies as Array<{ ref: string; dependsOn?: string[] }>).map((d) => [d.ref, d.dependsOn ?? []]));
    const candle =
      'pkg:cargo/candle-core@0.4.1?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Fhuggingface%2Fcandle%405e526abc8c2eb59ac0a2d5e8b2e5e3f96c7bb60f';
    expect(deps.get('root')).toEqual([
      candle,
      'pkg:cargo/h2@0.3.16',
      'pkg:cargo/internal-auth@0.2.0?repository_url=https%3A%2F%2Fcargo.internal.example%2Findex%2F',
      'pkg:cargo/serde@1.0.196',
      'pkg:cargo/syn@2.0.48',
      'pkg:cargo/tokenizers@0.15.2',
    ]);
    expect(deps.get('pkg:cargo/tokenizers@0.15.2')).toEqual(['pkg:cargo/serde@1.0.196', 'pkg:cargo/syn@1.0.109']);
    expect(deps.get(candle)).toEqual(['pkg:cargo/half@2.4.0', 'pkg:cargo/safetensors@0.4.2']);
  });

  it('is valid SPDX 2.3 too', () => {
    const spdx = toSpdx23(sbom().bom) as { packages: Array<{ name: string; externalRefs?: Array<{ referenceLocator: string }> }> };
    expect(spdx23Problems(spdx)).toEqual([]);
    expect(spdx.packages.find((p) => p.name === 'h2')?.externalRefs?.map((r) => r.referenceLocator)).toEqual(['pkg:cargo/h2@0.3.16']);
  });
});

describe('sanctum sbom of a Cargo workspace (Cargo.toml files and their Cargo.lock)', () => {
  type Component = {
    name: string;
    version?: string;
    purl?: string;
    scope?: string;
    externalReferences?: Array<{ type: string; url: string }>;
  };
  const files = (withLock: boolean) => [
    ...(withLock ? [new MemorySourceFile('server/Cargo.lock', CARGO_LOCK_V3)] : []),
    new MemorySourceFile('server/Cargo.toml', CARGO_TOML_SERVER),
    new MemorySourceFile('server/utils/Cargo.toml', CARGO_TOML_UTILS),
  ];

  it('with the lockfile: the locked crates, those only tests and build scripts use optional; the graph as before', () => {
    const { bom, errors } = buildSbom(['.'], { files: files(true), name: 'infer' });
    expect(errors).toEqual([]);
    expect(errorsOf(bom)).toBe('');
    const components = bom.components as Component[];
    expect(components.map((c) => [c.purl, c.scope])).toEqual([
      ['pkg:cargo/bytes@1.5.0', 'optional'],
      [
        'pkg:cargo/candle-core@0.4.1?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Fhuggingface%2Fcandle%405e526abc8c2eb59ac0a2d5e8b2e5e3f96c7bb60f',
        undefined,
      ],
      ['pkg:cargo/h2@0.3.16', 'optional'],
      ['pkg:cargo/half@2.4.0', undefined],
      ['pkg:cargo/internal-auth@0.2.0?repository_url=https%3A%2F%2Fcargo.internal.example%2Findex%2F', undefined],
      ['pkg:cargo/safetensors@0.4.2', undefined],
      ['pkg:cargo/serde@1.0.196', undefined],
      ['pkg:cargo/syn@1.0.109', undefined],
      ['pkg:cargo/syn@2.0.48', 'optional'],
      ['pkg:cargo/tokenizers@0.15.2', undefined],
    ]);
    const deps = new Map((bom.dependencies as Array<{ ref: string; dependsOn?: string[] }>).map((d) => [d.ref, d.dependsOn ?? []]));
    expect(deps.get('root')).toEqual([
      'pkg:cargo/candle-core@0.4.1?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Fhuggingface%2Fcandle%405e526abc8c2eb59ac0a2d5e8b2e5e3f96c7bb60f',
      'pkg:cargo/h2@0.3.16',
      'pkg:cargo/internal-auth@0.2.0?repository_url=https%3A%2F%2Fcargo.internal.example%2Findex%2F',
      'pkg:cargo/serde@1.0.196',
      'pkg:cargo/syn@2.0.48',
      'pkg:cargo/tokenizers@0.15.2',
    ]);
  });

  it('without it: the declared crates, no version, dev and build ones optional, path crates left out, serde inherited', () => {
    const { bom, errors } = buildSbom(['.'], { files: files(false), name: 'infer' });
    expect(errors).toEqual([]);
    expect(errorsOf(bom)).toBe('');
    const components = bom.components as Component[];
    expect(components.map((c) => [c.purl, c.version, c.scope])).toEqual([
      ['pkg:cargo/candle-core?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Fhuggingface%2Fcandle', undefined, undefined],
      ['pkg:cargo/h2@0.3.16', '0.3.16', 'optional'],
      ['pkg:cargo/internal-auth', undefined, undefined],
      ['pkg:cargo/serde', undefined, undefined],
      ['pkg:cargo/syn', undefined, 'optional'],
      ['pkg:cargo/tokenizers', undefined, undefined],
    ]);
    expect(components.find((c) => c.name === 'candle-core')!.externalReferences).toEqual([
      { type: 'vcs', url: 'git+https://github.com/huggingface/candle?branch=main' },
    ]);
    expect(components.find((c) => c.name === 'internal-auth')!.externalReferences).toBeUndefined();
  });
});

describe('sanctum sbom of a conda environment', () => {
  it('gives a fuzzy spec (=1.26, any 1.26.* release) no version, an exact one (==, or = with a build) its version', () => {
    const env = 'name: train\ndependencies:\n  - python=3.11\n  - numpy==1.26.4\n  - conda-forge::scipy=1.14.1=py311h2929bc6_0\n';
    const { bom, errors } = buildSbom(['.'], { files: [new MemorySourceFile('environment.yml', env)], name: 'train' });
    expect(errors).toEqual([]);
    expect(errorsOf(bom)).toBe('');
    expect((bom.components as Array<{ name: string; version?: string; purl?: string }>).map((c) => [c.name, c.version, c.purl])).toEqual([
      ['numpy', '1.26.4', 'pkg:conda/numpy@1.26.4'],
      ['python', undefined, 'pkg:conda/python'],
      ['scipy', '1.14.1', 'pkg:conda/scipy@1.14.1'],
    ]);
  });
});

describe('conda packages in the SBOM', () => {
  it('say which PyPI project their advisories are matched as', () => {
    const env = new MemorySourceFile('environment.yml', 'dependencies:\n  - pytorch==2.0.0\n  - mlflow==2.9.2\n  - openssl==3.2.1\n');
    const { bom } = buildSbom(['.'], { files: [env], name: 'c' });
    const props = (bom.components as Array<{ purl?: string; properties?: Array<{ name: string; value: string }> }>)
      .filter((c) => c.purl?.startsWith('pkg:conda/'))
      .map((c) => [c.purl, c.properties?.find((p) => p.name === 'sanctum:matched-as')?.value]);
    expect(props).toEqual([
      ['pkg:conda/mlflow@2.9.2', 'pkg:pypi/mlflow@2.9.2'],
      ['pkg:conda/openssl@3.2.1', undefined],
      ['pkg:conda/pytorch@2.0.0', 'pkg:pypi/torch@2.0.0'],
    ]);
  });
});
