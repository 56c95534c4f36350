/**
 * Which PyPI project a conda package distributes, so that PyPI advisories can be matched against it.
 * OSV has no conda ecosystem; most of an ML team's Python stack still comes from conda channels
 * (conda-forge, defaults, pytorch), built from the PyPI project's sources at the same version.
 *
 * A conda package is read as a PyPI project when:
 * - its name is not on the list of conda packages that are not that PyPI project (C/C++ libraries
 *   and tools, the interpreter, CUDA, compilers, R and Perl packages, metapackages, and conda names
 *   that PyPI uses for another project), and
 * - where the file says how the package was built (the build string of a lock or explicit file, or of
 *   `name=version=build` in an environment file), the build is a Python one: `py311h…`, `pyhd8ed1ab_0`,
 *   `py_0`, `cuda120py311h…`, `py3.11_cuda12.1_…`. C libraries are built without (`hd590300_5`).
 *
 * The PyPI name is the conda name, PEP 503 normalised, except for the few conda packages that are
 * published under another name (`CONDA_TO_PYPI`).
 */

/**
 * Conda packages published under another name than their PyPI project's; each has the PyPI project's
 * versions. Only names whose conda package is the Python project itself (not a metapackage of it).
 */
export const CONDA_TO_PYPI: Readonly<Record<string, string>> = {
  // conda-forge, defaults and the pytorch channel publish torch as `pytorch`.
  pytorch: 'torch',
  // conda-forge and defaults: the Python package of XGBoost (`xgboost` is a metapackage of it, `libxgboost` the C++ library).
  'py-xgboost': 'xgboost',
  // defaults and conda-forge: the Python package of TensorFlow (`tensorflow` is a metapackage of it on defaults).
  'tensorflow-base': 'tensorflow',
  // conda-forge: Ray's Python package; `ray-default`, `ray-serve`, `ray-tune`… are metapackages of it (same version).
  'ray-core': 'ray',
  // conda-forge: PyTables is `pytables`, PyPI's `tables`.
  pytables: 'tables',
  // conda-forge and defaults: the Python bindings; conda's `graphviz` is the C tool (see NOT_PYPI).
  'python-graphviz': 'graphviz',
  // conda-forge: docker-py is PyPI's `docker`.
  'docker-py': 'docker',
  // conda-forge and defaults: `msgpack-python` is PyPI's `msgpack`.
  'msgpack-python': 'msgpack',
  // conda-forge: Matplotlib's Python package; `matplotlib` is a metapackage adding a Qt backend.
  'matplotlib-base': 'matplotlib',
  // conda-forge: the Kubernetes Python client; conda-forge's `kubernetes` is the Go binaries (see NOT_PYPI).
  'python-kubernetes': 'kubernetes',
};

/**
 * Conda packages that are not the PyPI project of the same name: matching them against PyPI advisories
 * would be a name collision. The interpreter and its ABI packages; C/C++ libraries and tools whose name
 * PyPI uses for bindings or wrappers of another version line (`graphviz`, `zstd`, `jq`, `cmake`); CUDA;
 * OpenCV (`py-opencv`, `opencv`: PyPI's `opencv-python` advisories are about the libraries its wheels
 * bundle, which conda links from its own packages, and its versions carry a fourth number).
 */
const NOT_PYPI = new Set([
  'python',
  'python_abi',
  'pypy',
  'pypy3.9',
  'pypy3.10',
  'openssl',
  'zlib',
  'zstd',
  'xz',
  'bzip2',
  'lz4-c',
  'snappy',
  'sqlite',
  'tk',
  'ncurses',
  'readline',
  'curl',
  'krb5',
  'icu',
  'jpeg',
  'libjpeg-turbo',
  'openjpeg',
  'freetype',
  'fontconfig',
  'harfbuzz',
  'cairo',
  'pango',
  'glib',
  'gettext',
  'expat',
  'hdf5',
  'netcdf4-c',
  'protobuf-c',
  'arrow-cpp',
  'ffmpeg',
  'x264',
  'openh264',
  'graphviz',
  'pandoc',
  'jq',
  'yaml',
  'yaml-cpp',
  'git',
  'git-lfs',
  'cmake',
  'ninja',
  'make',
  'pkg-config',
  'gcc',
  'gxx',
  'gfortran',
  'clang',
  'llvm',
  'llvm-openmp',
  'binutils',
  'sysroot_linux-64',
  'nodejs',
  'openjdk',
  'go',
  'rust',
  'perl',
  'r-base',
  'ca-certificates',
  'tzdata',
  'mkl',
  'mkl-include',
  'intel-openmp',
  'openblas',
  'blas',
  'lapack',
  'magma',
  'nccl',
  'cudatoolkit',
  'cudnn',
  'cutensor',
  'cuda',
  'cuda-toolkit',
  'cuda-version',
  'cuda-nvcc',
  'cuda-runtime',
  'cuda-libraries',
  'pytorch-cuda',
  'pytorch-mutex',
  'pytorch-cpu',
  'pytorch-gpu',
  'boost',
  'boost-cpp',
  'eigen',
  'onednn',
  'tbb',
  'opencv',
  'py-opencv',
  'openmpi',
  'mpich',
  'ucx',
  'nvtx',
  // conda-forge's `kubernetes` is the Go binaries (kubectl, kubelet…), not PyPI's Python client.
  'kubernetes',
  // PyPI's `conda` is a stale upload of another version line; mamba is C++.
  'conda',
  'mamba',
  'micromamba',
]);

/**
 * Name patterns of conda packages that are usually not Python projects: libraries, mutexes, R, Perl,
 * CUDA, fonts, X11. A Python build overrides them (`libpysal-4.10-pyhd8ed1ab_0`, `cuda-python-12.3.0-py311h…`):
 * the build is the stronger signal.
 */
const NOT_PYPI_PATTERN = /^(?:lib(?!rosa$|cst$)|_|r-|perl-|cuda-|font-|fonts-|xorg-|gst-|ocl-|ld_impl_)/;

/** C/C++ library and development packages, whatever their build (defaults builds `arrow-cpp` per Python). */
const NOT_PYPI_SUFFIX = /-(?:cpp|devel|static|dev)$/;

/** A build string of a package built for Python: `py311h…_0`, `pyhd8ed1ab_0`, `py_0`, `cuda120py311h…`, `py3.11_cuda12.1_…`. */
const PYTHON_BUILD = /(?:^|[^a-z])py(?:\d|h[0-9a-f]|_|$)/;

/** The PyPI project a conda package is matched as, and why. */
export interface PyPIProject {
  /** The PyPI name (PEP 503 normalised). */
  name: string;
  /** `name`: the conda name is the PyPI name; `mapping`: conda publishes the project under another name (`CONDA_TO_PYPI`). */
  by: 'name' | 'mapping';
}

/** PEP 503: `Torch_Vision` → `torch-vision`. */
function pep503(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** True when a conda build string says the package was built for Python. */
export function isPythonBuild(build: string): boolean {
  return PYTHON_BUILD.test(build);
}

/**
 * The PyPI project the conda package `name` distributes (`build`: its build string, when the file
 * gives one), or `undefined` when it is not matched against PyPI advisories.
 */
export function pypiProjectOf(name: string, build?: string): PyPIProject | undefined {
  const conda = name.toLowerCase();
  if (NOT_PYPI.has(conda) || NOT_PYPI_SUFFIX.test(conda)) return undefined;
  const python = build !== undefined && isPythonBuild(build);
  if (build !== undefined && !python) return undefined;
  if (!python && NOT_PYPI_PATTERN.test(conda)) return undefined;
  const mapped = CONDA_TO_PYPI[conda];
  return mapped ? { name: mapped, by: 'mapping' } : { name: pep503(conda), by: 'name' };
}
