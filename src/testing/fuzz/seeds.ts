/**
 * Valid files of every format Sanctum reads, for the mutation fuzzer: the repository's own examples
 * and test corpora, and binary models made by the builders the model rule tests use. A seed whose
 * bytes sit inside a container (a pickle inside a PyTorch zip) has `wrap`, so that mutations of the
 * inner format reach its parser through the container.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, relative } from 'node:path';
import { gguf, packedSafetensors, safetensors } from '../../rules/models/lib/builders/formats-builder.js';
import { dense, hdf5, kerasArchive, kerasConfig, lambdaLayer } from '../../rules/models/lib/builders/keras-builder.js';
import { joblibDump, npy, objectArrayPickle } from '../../rules/models/lib/builders/npy-builder.js';
import { osSystemPayload, pickle, torchStateDictPickle } from '../../rules/models/lib/builders/pickle-builder.js';
import { onnxModel, savedModel } from '../../rules/models/lib/builders/protobuf-builder.js';
import { tar } from '../../rules/models/lib/builders/tar-builder.js';
import { torchZip, zip } from '../../rules/models/lib/builders/zip-builder.js';
import { inlineGoElf, legacyGoElf } from '../go-elf.js';
import { rpmdbSqlite, rpmHeaderBlob, TEST_RPM_PACKAGES } from '../rpm-db.js';
import { contextSeeds, imageSeeds } from './reader-seeds.js';

export interface Seed {
  /** Format family, for per-format campaigns (`k8s`, `pickle`, `lockfile`, …). */
  readonly format: string;
  /** Path the scanned file is given (parsers choose by name). */
  readonly path: string;
  /** The bytes mutated: the file itself, or the inner file `wrap` puts into its container. */
  readonly bytes: Uint8Array;
  readonly wrap?: (inner: Uint8Array) => Uint8Array;
  /**
   * What reads it: `scan` (the default: `scanSync` and each parser), `image` (`scanImage` of the
   * file as a container image archive) or `context` (`loadContext`, as `sanctum audit --context`).
   */
  readonly reader?: Reader;
}

export type Reader = 'scan' | 'image' | 'context';

const text = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

/** Files of the repository under `dir` (relative to `root`) whose names match. */
function repoFiles(root: string, dir: string, name: RegExp, limit = 40): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      return;
    }
    for (const n of names) {
      if (out.length >= limit) return;
      const p = join(d, n);
      const st = statSync(p, { throwIfNoEntry: false });
      if (st?.isDirectory()) walk(p);
      else if (st?.isFile() && st.size < 256 * 1024 && name.test(n)) out.push(p);
    }
  };
  walk(join(root, dir));
  return out;
}

function fromRepo(root: string, format: string, dirs: string[], name: RegExp, limit?: number): Seed[] {
  return dirs.flatMap((d) =>
    repoFiles(root, d, name, limit).map((p) => ({
      format,
      path: relative(root, p).split('\\').join('/'),
      bytes: new Uint8Array(readFileSync(p)),
    })),
  );
}

const TENSORS = [
  { name: 'fc.weight', key: '0', shape: [2, 2] },
  { name: 'fc.bias', key: '1', shape: [2] },
];
const STORAGES = { '0': new Uint8Array(16), '1': new Uint8Array(8) };

function binaryModelSeeds(): Seed[] {
  const statePkl = torchStateDictPickle(TENSORS);
  const evilPkl = osSystemPayload('id', 2);
  const proto4 = osSystemPayload('id', 4);
  const listPkl = pickle().proto(4).emptyList().mark().int(1).str('a').none().bool(true).appends().stop().bytes();
  const kerasCfg = kerasConfig([dense('d1'), lambdaLayer('l1')]);
  const h5 = hdf5([
    ['keras_version', '2.15.0'],
    ['backend', 'tensorflow'],
    ['model_config', JSON.stringify(kerasCfg)],
  ]);
  return [
    { format: 'pickle', path: 'model.pkl', bytes: evilPkl },
    { format: 'pickle', path: 'data.pickle', bytes: proto4 },
    { format: 'pickle', path: 'list.pkl', bytes: listPkl },
    { format: 'pickle', path: 'state.pkl', bytes: statePkl },
    { format: 'pickle', path: 'model.joblib', bytes: joblibDump([1, 2, 3]) },
    { format: 'pickle', path: 'model.pkl.gz', bytes: new Uint8Array(gzipSync(evilPkl)) },
    { format: 'pickle', path: 'inner.pkl.gz', bytes: statePkl, wrap: (b) => new Uint8Array(gzipSync(b)) },
    { format: 'pytorch', path: 'model.pt', bytes: torchZip(statePkl, STORAGES, 'model') },
    { format: 'pytorch', path: 'model.pth', bytes: torchZip(evilPkl, STORAGES, 'archive', true) },
    { format: 'pytorch', path: 'inner.pt', bytes: statePkl, wrap: (b) => torchZip(b, STORAGES, 'inner') },
    { format: 'pytorch', path: 'inner64.pt', bytes: evilPkl, wrap: (b) => torchZip(b, STORAGES, 'inner', true) },
    {
      format: 'safetensors',
      path: 'model.safetensors',
      bytes: packedSafetensors({ 'fc.weight': { dtype: 'F32', shape: [2, 2] }, 'fc.bias': { dtype: 'F16', shape: [2] } }, { format: 'pt' }),
    },
    {
      format: 'safetensors',
      path: 'header.safetensors',
      bytes: text(JSON.stringify({ __metadata__: { format: 'pt' }, w: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } })),
      wrap: (b) => {
        const out = new Uint8Array(8 + b.length + 8);
        new DataView(out.buffer).setBigUint64(0, BigInt(b.length), true);
        out.set(b, 8);
        return out;
      },
    },
    { format: 'safetensors', path: 'empty.safetensors', bytes: safetensors({}, new Uint8Array(0)) },
    {
      format: 'gguf',
      path: 'model.gguf',
      bytes: gguf({
        'general.architecture': { type: 'string', value: 'llama' },
        'general.name': { type: 'string', value: 'tiny' },
        'llama.context_length': { type: 'u32', value: 4096 },
        'general.file_type': { type: 'u32', value: 15 },
        'tokenizer.chat_template': { type: 'string', value: "{% for m in messages %}{{ m['content'] }}{% endfor %}" },
        'tokenizer.ggml.tokens': { type: 'strings', value: ['<s>', '</s>', 'a'] },
        'llama.rope.freq_base': { type: 'f32', value: 10000 },
      }),
    },
    {
      format: 'onnx',
      path: 'model.onnx',
      bytes: onnxModel({
        nodes: [{ op: 'Relu' }, { op: 'Loop', subgraph: [{ op: 'Add' }] }, { op: 'MyOp', domain: 'com.example' }],
        initializers: [
          { name: 'w', raw: 16 },
          { name: 'ext', location: '../../etc/passwd' },
        ],
        functions: [{ name: 'f', domain: 'local', nodes: [{ op: 'Mul' }] }],
      }),
    },
    {
      format: 'onnx',
      path: 'saved_model.pb',
      bytes: savedModel(
        [
          { op: 'ReadFile', name: 'r' },
          { op: 'Const', name: 'c' },
        ],
        [{ name: 'fn', ops: [{ op: 'WriteFile', name: 'w' }] }],
      ),
    },
    { format: 'keras', path: 'model.keras', bytes: kerasArchive(kerasCfg) },
    { format: 'keras', path: 'config.keras', bytes: text(JSON.stringify(kerasCfg)), wrap: (b) => kerasArchiveWith(b) },
    { format: 'keras', path: 'model.h5', bytes: h5 },
    { format: 'numpy', path: 'weights.npy', bytes: npy('<f4', [2, 2], new Uint8Array(16)) },
    { format: 'numpy', path: 'v2.npy', bytes: npy('<i8', [3], new Uint8Array(24), 2) },
    {
      format: 'numpy',
      path: 'objects.npy',
      bytes: npy(
        '|O',
        [1],
        objectArrayPickle((p) => p.global('posix', 'system').str('id').tuple1().reduce()),
      ),
    },
    {
      format: 'numpy',
      path: 'inner.npz',
      bytes: npy('<f8', [2], new Uint8Array(16)),
      wrap: (b) => zip().add('a.npy', b, { method: 'deflate' }).build(),
    },
    {
      format: 'numpy',
      path: 'arrays.npz',
      bytes: zip()
        .add('a.npy', npy('<f8', [1], new Uint8Array(8)))
        .add(
          'b.npy',
          npy(
            '|O',
            [1],
            objectArrayPickle((p) => p.none()),
          ),
          { method: 'deflate' },
        )
        .build(),
    },
    {
      format: 'archive',
      path: 'model.tar.gz',
      bytes: new Uint8Array(
        gzipSync(
          tar([
            ['model/weights.pkl', evilPkl],
            ['model/config.json', '{"model_type": "llama"}'],
          ]),
        ),
      ),
    },
    {
      format: 'archive',
      path: 'inner.tar.gz',
      bytes: tar([
        ['model/weights.pkl', evilPkl],
        ['model/config.json', '{"model_type": "llama"}'],
      ]),
      wrap: (b) => new Uint8Array(gzipSync(b)),
    },
    {
      format: 'archive',
      path: 'weights.tar',
      bytes: tar([
        ['weights.pkl', evilPkl],
        ['state.pkl', statePkl],
      ]),
    },
    {
      format: 'archive',
      path: 'inner.zip',
      bytes: evilPkl,
      wrap: (b) =>
        zip()
          .add('model.pkl', b)
          .add('w.npy', npy('<f4', [1], new Uint8Array(4)))
          .build(),
    },
    {
      format: 'archive',
      path: 'bundle.zip',
      bytes: zip().add('model.pkl', evilPkl).add('nested.zip', zip().add('x.pkl', listPkl).build()).build(),
    },
  ];
}

function kerasArchiveWith(config: Uint8Array): Uint8Array {
  return zip()
    .add('metadata.json', JSON.stringify({ keras_version: '3.6.0', date_saved: '2026-01-01@00:00:00' }))
    .add('config.json', config, { method: 'deflate' })
    .add('model.weights.h5', hdf5([]))
    .build();
}

const POETRY_LOCK = `# This file is automatically @generated by Poetry 1.8.3 and should not be changed by hand.

[[package]]
name = "torch"
version = "2.1.0"
description = "Tensors and Dynamic neural networks"
optional = false
python-versions = ">=3.8.0"
files = [
    {file = "torch-2.1.0-cp311-cp311-manylinux1_x86_64.whl", hash = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
]

[package.dependencies]
filelock = "*"

[[package]]
name = "transformers"
version = "4.30.0"
description = "State-of-the-art Machine Learning"
optional = false
python-versions = ">=3.7.0"
files = []

[package.source]
type = "legacy"
url = "https://download.pytorch.org/whl/cu118"
reference = "torch"

[metadata]
lock-version = "2.0"
python-versions = "^3.11"
content-hash = "abc"
`;

const UV_LOCK = `version = 1
requires-python = ">=3.11"

[[package]]
name = "app"
version = "0.1.0"
source = { editable = "." }
dependencies = [{ name = "langchain" }]

[[package]]
name = "langchain"
version = "0.0.300"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.pythonhosted.org/packages/langchain-0.0.300.tar.gz", hash = "sha256:00", size = 10 }

[[package]]
name = "mlflow"
version = "2.9.0"
source = { git = "https://github.com/mlflow/mlflow?rev=abc#abc" }
`;

const PIPFILE_LOCK = JSON.stringify(
  {
    _meta: {
      hash: { sha256: 'x' },
      'pipfile-spec': 6,
      requires: { python_version: '3.11' },
      sources: [{ name: 'pypi', url: 'https://pypi.org/simple', verify_ssl: true }],
    },
    default: {
      torch: { hashes: ['sha256:00'], index: 'pypi', version: '==2.1.0' },
      gradio: { version: '==3.0.0', markers: "python_version >= '3.8'" },
    },
    develop: { pytest: { version: '==7.0.0' } },
  },
  null,
  4,
);

const PACKAGE_JSON = JSON.stringify(
  {
    name: 'chat-ui',
    version: '1.0.0',
    dependencies: { openai: '^4.0.0', langchain: '0.0.100', 'left-pad': 'git+https://github.com/x/left-pad.git' },
    devDependencies: { vitest: '~1.0.0' },
    scripts: { postinstall: 'node install.js' },
  },
  null,
  2,
);

const PACKAGE_LOCK = JSON.stringify(
  {
    name: 'chat-ui',
    version: '1.0.0',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'chat-ui', version: '1.0.0', dependencies: { openai: '^4.0.0' } },
      'node_modules/openai': {
        version: '4.0.0',
        resolved: 'https://registry.npmjs.org/openai/-/openai-4.0.0.tgz',
        integrity: 'sha512-AAAA',
      },
      'node_modules/openai/node_modules/form-data': { version: '4.0.0', dev: true },
      'node_modules/linked': { resolved: '../linked', link: true },
    },
  },
  null,
  2,
);

const PNPM_LOCK = `lockfileVersion: '9.0'

importers:
  .:
    dependencies:
      openai:
        specifier: ^4.0.0
        version: 4.0.0

packages:
  openai@4.0.0:
    resolution: {integrity: sha512-AAAA}
  '@langchain/core@0.1.0':
    resolution: {integrity: sha512-BBBB}

snapshots:
  openai@4.0.0: {}
  '@langchain/core@0.1.0': {}
`;

const YARN_LOCK = `# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.
# yarn lockfile v1


openai@^4.0.0:
  version "4.0.0"
  resolved "https://registry.yarnpkg.com/openai/-/openai-4.0.0.tgz#abc"
  integrity sha512-AAAA
  dependencies:
    form-data "^4.0.0"

"@langchain/core@^0.1.0", "@langchain/core@~0.1.0":
  version "0.1.0"
  resolved "https://registry.yarnpkg.com/@langchain/core/-/core-0.1.0.tgz"
`;

const PYPROJECT = `[project]
name = "app"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = [
  "torch>=2.0",
  "transformers==4.30.0",
  "langchain @ git+https://github.com/langchain-ai/langchain@main",
]

[project.optional-dependencies]
dev = ["pytest"]

[tool.poetry.dependencies]
python = "^3.11"
vllm = { version = "0.2.0", source = "private" }

[[tool.poetry.source]]
name = "private"
url = "http://pypi.internal/simple"
`;

const GO_MOD = `module example.com/app

go 1.21

require (
	github.com/sashabaranov/go-openai v1.17.0
	golang.org/x/net v0.17.0 // indirect
)

replace example.com/local => ../local

exclude golang.org/x/crypto v0.0.0-20200101
`;

const GO_SUM = `github.com/sashabaranov/go-openai v1.17.0 h1:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG=
github.com/sashabaranov/go-openai v1.17.0/go.mod h1:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG=
`;

const CARGO_LOCK = `version = 3

[[package]]
name = "candle-core"
version = "0.3.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "0123456789abcdef"
dependencies = ["half"]
`;

const CONDA = `name: train
channels:
  - pytorch
  - conda-forge
dependencies:
  - python=3.11
  - pytorch=2.1.0
  - pip
  - pip:
    - transformers==4.30.0
    - --extra-index-url http://pypi.internal/simple
`;

const METADATA = `Metadata-Version: 2.1
Name: transformers
Version: 4.30.0
Summary: State-of-the-art Machine Learning
Requires-Dist: torch (>=1.9) ; extra == "torch"
Requires-Dist: huggingface-hub (<1.0,>=0.14.1)

Long description here.
`;

const AUDIT_EVENT = JSON.stringify({
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  level: 'RequestResponse',
  auditID: '11111111-2222-3333-4444-555555555555',
  stage: 'ResponseComplete',
  requestURI: '/api/v1/namespaces/ml/pods/train-0/exec?command=sh&container=trainer',
  verb: 'create',
  user: { username: 'alice', groups: ['system:authenticated'] },
  sourceIPs: ['10.0.0.1'],
  objectRef: { resource: 'pods', namespace: 'ml', name: 'train-0', apiVersion: 'v1', subresource: 'exec' },
  responseStatus: { code: 101 },
  requestReceivedTimestamp: '2026-01-01T00:00:00.000000Z',
  stageTimestamp: '2026-01-01T00:00:01.000000Z',
});

const AUDIT_CREATE = JSON.stringify({
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  level: 'RequestResponse',
  auditID: '2',
  stage: 'ResponseComplete',
  requestURI: '/api/v1/namespaces/ml/pods',
  verb: 'create',
  user: { username: 'bob' },
  objectRef: { resource: 'pods', namespace: 'ml', name: 'p', apiVersion: 'v1' },
  responseStatus: { code: 201 },
  requestObject: {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ml' },
    spec: { containers: [{ name: 'c', image: 'vllm/vllm-openai:latest', securityContext: { privileged: true } }] },
  },
  stageTimestamp: '2026-01-01T00:00:02.000000Z',
});

const FALCO = JSON.stringify({
  hostname: 'node-1',
  output: 'Terminal shell in container (user=root container=train)',
  priority: 'Notice',
  rule: 'Terminal shell in container',
  source: 'syscall',
  time: '2026-01-01T00:00:03.000000000Z',
  output_fields: {
    'container.id': 'abc123',
    'container.image.repository': 'pytorch/pytorch',
    'k8s.ns.name': 'ml',
    'k8s.pod.name': 'train-0',
    'proc.cmdline': 'bash',
    'fd.name': '/models/llama/model.safetensors',
    'evt.type': 'openat',
  },
});

const TETRAGON = JSON.stringify({
  process_exec: {
    process: {
      exec_id: 'x',
      pid: 42,
      binary: '/usr/bin/curl',
      arguments: 'http://169.254.169.254/latest/meta-data/',
      pod: { namespace: 'ml', name: 'train-0', container: { name: 'trainer', image: { name: 'pytorch/pytorch:2.1.0' } } },
    },
  },
  node_name: 'node-1',
  time: '2026-01-01T00:00:04Z',
});

const IMAGE_CONFIG = JSON.stringify(
  {
    architecture: 'amd64',
    os: 'linux',
    config: {
      User: '',
      ExposedPorts: { '8888/tcp': {} },
      Env: ['PATH=/usr/bin', 'OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD'],
      Entrypoint: ['jupyter', 'lab', '--ip=0.0.0.0', '--NotebookApp.token='],
      Labels: { 'org.opencontainers.image.source': 'https://example.com/x' },
    },
    rootfs: { type: 'layers', diff_ids: ['sha256:' + '0'.repeat(64)] },
    history: [{ created_by: '/bin/sh -c #(nop) ADD file:abc in / ' }, { created_by: 'RUN /bin/sh -c pip install torch # buildkit' }],
  },
  null,
  2,
);

const TOKENIZER_CONFIG = JSON.stringify({
  bos_token: '<s>',
  chat_template: "{% for message in messages %}{{ '<|' + message['role'] + '|>' + message['content'] }}{% endfor %}{{ ''.__class__ }}",
  model_max_length: 4096,
});

const JINJA = "{% for message in messages %}{% if message['role'] == 'system' %}{{ message['content'] }}{% endif %}{% endfor %}\n";

const SHELL = `#!/bin/bash
set -euo pipefail
curl -fsSL https://example.com/install.sh | bash
pip install --trusted-host pypi.internal --index-url http://pypi.internal/simple torch
jupyter lab --ip=0.0.0.0 --NotebookApp.token='' --allow-root &
export HF_TOKEN=hf_abcdefghijklmnopqrstuvwxyzABCDEFGH
`;

const JS_LLM = `import OpenAI from 'openai';
const client = new OpenAI({ apiKey: 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD', dangerouslyAllowBrowser: true });
export async function answer(req, res) {
  const completion = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: req.body.q }] });
  const out = completion.choices[0].message.content;
  res.send(eval(out));
}
`;

const ENV = `OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD
AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
DATABASE_URL=postgres://admin:hunter2hunter2@db.internal:5432/app
-----BEGIN RSA PRIVATE KEY-----
MIIEowIBAAKCAQEA0000000000000000000000000000000000000000000000000000
-----END RSA PRIVATE KEY-----
`;

const GO_MODINFO = `path\texample.com/server
mod\texample.com/server\tv1.4.0\th1:abc=
dep\tgithub.com/sashabaranov/go-openai\tv1.17.0\th1:def=
dep\tgolang.org/x/net\tv0.17.0\th1:ghi=
=>\tgolang.org/x/net\tv0.19.0\th1:jkl=
dep\texample.com/local\tv0.0.0
=>\t../local\t
build\t-buildmode=exe
build\tCGO_ENABLED=0
build\tvcs.revision=0123456789abcdef
`;

/** Binary package sources: rpm databases (SQLite) and Go executables (ELF with build information). */
function binaryPackageSeeds(): Seed[] {
  const blobs = TEST_RPM_PACKAGES.map(rpmHeaderBlob);
  const names = TEST_RPM_PACKAGES.map((p) => p.name);
  const [bash, openssl] = blobs;
  return [
    { format: 'rpm', path: 'rootfs/var/lib/rpm/rpmdb.sqlite', bytes: rpmdbSqlite(blobs, names) },
    // A header blob mutated inside a database SQLite wrote: the header reader, past the SQLite one.
    { format: 'rpm', path: 'rootfs/usr/lib/sysimage/rpm/rpmdb.sqlite', bytes: openssl, wrap: (b) => rpmdbSqlite([bash, b]) },
    { format: 'rpm', path: 'var/lib/rpm/rpmdb.sqlite', bytes: bash, wrap: (b) => rpmdbSqlite([b]) },
    { format: 'go-binary', path: 'rootfs/usr/local/bin/server', bytes: inlineGoElf('go1.22.1', GO_MODINFO) },
    { format: 'go-binary', path: 'app/server', bytes: inlineGoElf('go1.21.5', GO_MODINFO, { sections: false }) },
    { format: 'go-binary', path: 'opt/legacy/bin/tool', bytes: legacyGoElf('go1.16.15', GO_MODINFO) },
    // The module information mutated inside a well-formed executable: its text reader.
    { format: 'go-binary', path: 'bin/inner', bytes: text(GO_MODINFO), wrap: (b) => inlineGoElf('go1.22.1', b) },
  ];
}

const DPKG_STATUS_PATH = 'rootfs/var/lib/dpkg/status';

/** Every seed, by format; files of the repository first, then built ones. */
export function fuzzSeeds(root: string): Seed[] {
  const seeds: Seed[] = [
    ...fromRepo(
      root,
      'k8s',
      ['examples/ai-platform/k8s', 'examples/ai-platform-hardened/k8s', 'src/rules/kubernetes/fixtures'],
      /\.ya?ml$/,
    ),
    ...fromRepo(root, 'k8s', ['test/corpora/pss'], /\.ya?ml$/, 20),
    ...fromRepo(root, 'helm', ['test/corpora/real-trees'], /^(?:Chart\.yaml|values.*\.yaml)$/, 20),
    ...fromRepo(root, 'kustomize', ['test/corpora/real-trees/kubeflow-manifests'], /^kustomization\.yaml$/, 10),
    ...fromRepo(root, 'compose', ['examples'], /compose.*\.ya?ml$/),
    ...fromRepo(root, 'dockerfile', ['examples'], /^Dockerfile/),
    ...fromRepo(root, 'requirements', ['examples'], /^requirements.*\.(?:txt|in)$/),
    ...fromRepo(root, 'python', ['examples'], /\.py$/),
    ...fromRepo(root, 'notebook', ['examples'], /\.ipynb$/),
    ...fromRepo(root, 'secrets', ['examples'], /^\.env$/),
    ...fromRepo(root, 'os-packages', ['src/testing/os-packages'], /./),
    { format: 'lockfile', path: 'poetry.lock', bytes: text(POETRY_LOCK) },
    { format: 'lockfile', path: 'uv.lock', bytes: text(UV_LOCK) },
    { format: 'lockfile', path: 'Pipfile.lock', bytes: text(PIPFILE_LOCK) },
    { format: 'lockfile', path: 'package.json', bytes: text(PACKAGE_JSON) },
    { format: 'lockfile', path: 'package-lock.json', bytes: text(PACKAGE_LOCK) },
    { format: 'lockfile', path: 'pnpm-lock.yaml', bytes: text(PNPM_LOCK) },
    { format: 'lockfile', path: 'yarn.lock', bytes: text(YARN_LOCK) },
    { format: 'lockfile', path: 'pyproject.toml', bytes: text(PYPROJECT) },
    { format: 'lockfile', path: 'go.mod', bytes: text(GO_MOD) },
    { format: 'lockfile', path: 'go.sum', bytes: text(GO_SUM) },
    { format: 'lockfile', path: 'Cargo.lock', bytes: text(CARGO_LOCK) },
    { format: 'lockfile', path: 'environment.yml', bytes: text(CONDA) },
    { format: 'lockfile', path: 'site-packages/transformers-4.30.0.dist-info/METADATA', bytes: text(METADATA) },
    { format: 'events', path: 'audit.log', bytes: text(AUDIT_EVENT + '\n' + AUDIT_CREATE + '\n') },
    { format: 'events', path: 'falco.json', bytes: text(FALCO + '\n') },
    { format: 'events', path: 'tetragon.json', bytes: text(TETRAGON + '\n') },
    {
      format: 'events',
      path: 'eventlist.json',
      bytes: text(`{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[${AUDIT_CREATE}]}`),
    },
    { format: 'image', path: 'image-config.json', bytes: text(IMAGE_CONFIG) },
    { format: 'chat-template', path: 'tokenizer_config.json', bytes: text(TOKENIZER_CONFIG) },
    { format: 'chat-template', path: 'chat_template.jinja', bytes: text(JINJA) },
    { format: 'shell', path: 'entrypoint.sh', bytes: text(SHELL) },
    { format: 'code', path: 'server.mjs', bytes: text(JS_LLM) },
    { format: 'secrets', path: 'config/secrets.env', bytes: text(ENV) },
    ...binaryModelSeeds(),
    ...binaryPackageSeeds(),
    ...imageSeeds(root),
    ...contextSeeds(root),
  ];
  for (const s of seeds.filter((x) => x.format === 'os-packages')) {
    // The os-packages test files are named for what they hold; scanned where an image keeps them.
    const name = s.path.slice(s.path.lastIndexOf('/') + 1);
    const path = name.endsWith('-status')
      ? DPKG_STATUS_PATH
      : name.endsWith('-installed')
        ? 'rootfs/lib/apk/db/installed'
        : name.endsWith('-os-release')
          ? 'rootfs/etc/os-release'
          : undefined;
    if (path) Object.assign(s, { path });
  }
  return seeds.filter((s) => s.format !== 'os-packages' || s.path.startsWith('rootfs/'));
}

/** The formats of `fuzzSeeds`, in a fixed order. */
export function seedFormats(seeds: readonly Seed[]): string[] {
  return [...new Set(seeds.map((s) => s.format))].sort();
}
