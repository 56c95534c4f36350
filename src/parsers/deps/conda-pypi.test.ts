import { describe, expect, it } from 'vitest';
import { CONDA_TO_PYPI, isPythonBuild, pypiProjectOf } from './conda-pypi.js';
import { condaArchiveName, parseCondaEnvironment, parseCondaExplicit, parseCondaLock } from './conda.js';
import { formatOf } from './deps-parser.js';

describe('pypiProjectOf', () => {
  it('reads a conda name as the PyPI name, PEP 503 normalised, or as its mapping', () => {
    expect(pypiProjectOf('mlflow')).toEqual({ name: 'mlflow', by: 'name' });
    expect(pypiProjectOf('huggingface_hub')).toEqual({ name: 'huggingface-hub', by: 'name' });
    expect(pypiProjectOf('ruamel.yaml')).toEqual({ name: 'ruamel-yaml', by: 'name' });
    expect(pypiProjectOf('PyTorch')).toEqual({ name: 'torch', by: 'mapping' });
    expect(pypiProjectOf('py-xgboost', 'cuda118_pyh98e67c5_6')).toEqual({ name: 'xgboost', by: 'mapping' });
    for (const [conda, pypi] of Object.entries(CONDA_TO_PYPI)) expect(pypiProjectOf(conda)?.name).toBe(pypi);
  });

  it('leaves out the interpreter, C/C++ libraries and tools, CUDA, R, metapackages and mutexes', () => {
    for (const name of [
      'python',
      'openssl',
      'zlib',
      'zstd',
      'graphviz',
      'cudatoolkit',
      'cudnn',
      'mkl',
      'ca-certificates',
      'libstdcxx-ng',
      'libcurl',
      'libgcc-ng',
      '_libgcc_mutex',
      '_openmp_mutex',
      'r-base',
      'r-ggplot2',
      'cuda-nvcc',
      'arrow-cpp',
      'pytorch-cuda',
      'pytorch-mutex',
      'py-opencv',
      'ld_impl_linux-64',
    ])
      expect(pypiProjectOf(name), name).toBeUndefined();
    // Python projects whose names start like a library's.
    expect(pypiProjectOf('librosa')).toEqual({ name: 'librosa', by: 'name' });
    expect(pypiProjectOf('libcst')).toEqual({ name: 'libcst', by: 'name' });
  });

  it('takes a build string as the signal when the file gives one', () => {
    for (const build of [
      'py311h38be061_0',
      'pyhd8ed1ab_0',
      'py_0',
      'cuda120py311h1234567_300',
      'py3.11_cuda12.1_cudnn8.9.2_0',
      'cpu_py311h1234567_0',
      'pyh7b2049a_0',
    ])
      expect(isPythonBuild(build), build).toBe(true);
    for (const build of ['hd590300_5', 'h5eee18b_0', 'hab00c5b_1_cpython', '4_cp311', 'cuda118_h1234567_0', 'conda_forge', '0'])
      expect(isPythonBuild(build), build).toBe(false);
    expect(pypiProjectOf('tinylib', 'h1234567_0')).toBeUndefined();
    expect(pypiProjectOf('tinylib', 'py311h1234567_0')).toEqual({ name: 'tinylib', by: 'name' });
    // A known non-Python name stays out whatever its build (conda-forge's boost is built per Python).
    expect(pypiProjectOf('boost', 'py311h1234567_0')).toBeUndefined();
  });
});

describe('conda archive names', () => {
  it('splits name, version and build from the right', () => {
    expect(condaArchiveName('mlflow-skinny-2.9.2-pyhd8ed1ab_0.conda')).toEqual({
      name: 'mlflow-skinny',
      version: '2.9.2',
      build: 'pyhd8ed1ab_0',
    });
    expect(condaArchiveName('python-3.11.7-hab00c5b_1_cpython.tar.bz2')).toEqual({
      name: 'python',
      version: '3.11.7',
      build: 'hab00c5b_1_cpython',
    });
    expect(condaArchiveName('mlflow-2.9.2.whl')).toBeUndefined();
    expect(condaArchiveName('broken-1.0.conda')).toBeUndefined();
  });
});

describe('conda file formats', () => {
  it('reads conda-lock.yml and explicit files as conda lockfiles, environment files as before', () => {
    expect(formatOf('conda-lock.yml')).toBeDefined();
    const kind = (path: string, text: string) => formatOf(path)!.parse(text, path, { limits: {} as never }, undefined as never).kind;
    expect(kind('conda-lock.yml', 'version: 1\npackage: []\n')).toBe('conda-lock');
    expect(kind('gpu.conda-lock.yml', 'version: 1\npackage: []\n')).toBe('conda-lock');
    expect(kind('conda-linux-64.lock', '@EXPLICIT\n')).toBe('conda-lock');
    expect(kind('spec-file.txt', '@EXPLICIT\n')).toBe('conda-lock');
    expect(kind('conda-env.yml', 'dependencies: []\n')).toBe('conda');
    expect(kind('environment.yml', 'dependencies: []\n')).toBe('conda');
  });
});

describe('parseCondaEnvironment: the PyPI project of each conda package', () => {
  it('marks Python packages, from the build when it is written', () => {
    const m = parseCondaEnvironment(`dependencies:
  - python=3.11
  - pytorch::pytorch==2.0.0
  - numpy=1.26.4=py311h64a7726_0
  - zstd=1.5.5=hfc55251_0
  - tinylib 1.0 h1234567_0
  - tinylib2 1.0 py311h1234567_0
  - tinylib3==1.0=*
  - pip:
    - requests==2.31.0
`);
    expect(m.packages.map((p) => [p.ecosystem, p.name, p.version ?? p.requirement, p.pypi?.name])).toEqual([
      ['conda', 'python', '=3.11', undefined],
      ['conda', 'pytorch', '2.0.0', 'torch'],
      ['conda', 'numpy', '1.26.4', 'numpy'],
      ['conda', 'zstd', '1.5.5', undefined],
      ['conda', 'tinylib', '1.0', undefined],
      ['conda', 'tinylib2', '1.0', 'tinylib2'],
      ['conda', 'tinylib3', '1.0', 'tinylib3'],
      ['PyPI', 'requests', '2.31.0', undefined],
    ]);
  });
});

describe('parseCondaLock', () => {
  it('reads every entry: conda and pip managers, hashes, dev category, optional, local and git sources', () => {
    const m = parseCondaLock(`version: 1
metadata:
  platforms: [linux-64, osx-arm64]
package:
- name: numpy
  version: 1.26.4
  manager: conda
  platform: linux-64
  url: https://conda.anaconda.org/conda-forge/linux-64/numpy-1.26.4-py311h64a7726_0.conda
  hash:
    md5: A0B1C2D3E4F5A6B7C8D9E0F1A2B3C4D5
    sha256: ${'cd'.repeat(32)}
  category: main
  optional: false
- name: openssl
  version: 3.2.1
  manager: conda
  platform: osx-arm64
  url: https://conda.anaconda.org/conda-forge/osx-arm64/openssl-3.2.1-h0d3ecfb_0.conda
  category: main
  optional: false
- name: pytest
  version: 8.0.0
  manager: conda
  platform: linux-64
  url: file:///opt/channel/noarch/pytest-8.0.0-pyhd8ed1ab_0.conda
  category: dev
  optional: true
- name: mylib
  version: 0.1.0
  manager: pip
  platform: linux-64
  url: git+https://github.com/example/mylib@0123456
- name: "requests"
  version: 2.31.0
  manager: pip
  platform: linux-64
  url: https://files.pythonhosted.org/packages/requests-2.31.0-py3-none-any.whl
`);
    expect(m.problems).toEqual([]);
    expect(m.lockfile).toBe(true);
    expect(
      m.packages.map((p) => [p.ecosystem, p.name, p.version, p.pypi?.name, p.source?.kind, p.dev, p.optional, p.hashes?.length]),
    ).toEqual([
      ['conda', 'numpy', '1.26.4', 'numpy', undefined, undefined, undefined, 2],
      ['conda', 'openssl', '3.2.1', undefined, undefined, undefined, undefined, undefined],
      ['conda', 'pytest', '8.0.0', 'pytest', 'url', true, true, undefined],
      ['PyPI', 'mylib', '0.1.0', undefined, 'vcs', undefined, undefined, undefined],
      ['PyPI', 'requests', '2.31.0', undefined, undefined, undefined, undefined, undefined],
    ]);
    expect(m.packages[0].hashes).toEqual([`sha256:${'cd'.repeat(32)}`, 'md5:a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5']);
  });

  it('says when the file has no package list', () => {
    expect(parseCondaLock('dependencies:\n  - numpy\n').problems).toEqual([{ message: "no 'package' list: not a conda-lock lockfile" }]);
  });
});

describe('parseCondaExplicit', () => {
  it('reads the URLs after @EXPLICIT, with their md5 or sha256, CRLF lines too', () => {
    const text = [
      '# platform: linux-64',
      '@EXPLICIT',
      `https://conda.anaconda.org/conda-forge/linux-64/numpy-1.26.4-py311h64a7726_0.conda#${'a'.repeat(32)}`,
      `  https://conda.anaconda.org/conda-forge/linux-64/zlib-1.2.13-hd590300_5.conda#sha256:${'b'.repeat(64)}`,
      'not-a-package',
      '',
    ].join('\r\n');
    const m = parseCondaExplicit(text);
    expect(m.packages.map((p) => [p.name, p.version, p.pypi?.name, p.hashes, text.slice(p.span.start, p.span.end)])).toEqual([
      [
        'numpy',
        '1.26.4',
        'numpy',
        [`md5:${'a'.repeat(32)}`],
        `https://conda.anaconda.org/conda-forge/linux-64/numpy-1.26.4-py311h64a7726_0.conda#${'a'.repeat(32)}`,
      ],
      [
        'zlib',
        '1.2.13',
        undefined,
        [`sha256:${'b'.repeat(64)}`],
        `https://conda.anaconda.org/conda-forge/linux-64/zlib-1.2.13-hd590300_5.conda#sha256:${'b'.repeat(64)}`,
      ],
    ]);
    expect(m.problems).toEqual([{ message: "line 5: cannot read the conda package URL 'not-a-package'", line: 5 }]);
  });

  it('says when the file is not an explicit file', () => {
    expect(parseCondaExplicit('numpy==1.26\n')).toMatchObject({
      packages: [],
      problems: [{ message: 'no @EXPLICIT line: not a conda explicit file' }],
    });
  });
});

describe('pypiProjectOf: a Python build wins over the name patterns', () => {
  it('matches lib* and cuda- packages built for Python, not without a build or with a C build', () => {
    expect(pypiProjectOf('libpysal', 'pyhd8ed1ab_0')).toEqual({ name: 'libpysal', by: 'name' });
    expect(pypiProjectOf('cuda-python', 'py311hb755f60_0')).toEqual({ name: 'cuda-python', by: 'name' });
    expect(pypiProjectOf('libpysal')).toBeUndefined();
    expect(pypiProjectOf('libcurl', 'hca28451_0')).toBeUndefined();
    // The -cpp, -devel suffixes and the named list stay out whatever the build.
    expect(pypiProjectOf('arrow-cpp', 'py311h7516544_0')).toBeUndefined();
    expect(pypiProjectOf('conda', 'py311h38be061_0')).toBeUndefined();
  });

  it("conda-forge's kubernetes is the Go binaries; python-kubernetes is PyPI's kubernetes", () => {
    expect(pypiProjectOf('kubernetes')).toBeUndefined();
    expect(pypiProjectOf('kubernetes', 'ha770c72_0')).toBeUndefined();
    expect(pypiProjectOf('python-kubernetes', 'pyhd8ed1ab_0')).toEqual({ name: 'kubernetes', by: 'mapping' });
  });
});
