import { describe, expect, it } from 'vitest';
import { CONDA_TO_PYPI, isPythonBuild, pypiProjectOf } from './conda-pypi.js';
import { parseCondaEnvironment } from './conda.js';

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
