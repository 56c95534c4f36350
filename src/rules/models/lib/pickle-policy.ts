import { PYTHON_STDLIB_MODULES } from './python-stdlib-modules.js';

/**
 * Judgement of the callables a pickle imports: a curated allow-list of what real checkpoints use,
 * a deny-list of dangerous callables and modules (matched on every dotted prefix) that names the
 * danger, and the standard library as a whole: a checkpoint has no reason to call into it beyond
 * the allow-list, so any other standard-library callable is suspect whatever its name.
 */

export type DenyCategory = 'code execution' | 'nested deserialisation' | 'indirection' | 'network' | 'file access' | 'torch gadget';

const DENY: Record<DenyCategory, readonly string[]> = {
  'code execution': [
    'builtins.eval',
    'builtins.exec',
    'builtins.execfile',
    'builtins.compile',
    'builtins.__import__',
    'builtins.getattr',
    'builtins.setattr',
    'builtins.delattr',
    'builtins.open',
    'builtins.breakpoint',
    'builtins.globals',
    'builtins.locals',
    'builtins.vars',
    'builtins.input',
    'builtins.help',
    'builtins.exit',
    'builtins.quit',
    'builtins.memoryview',
    'os',
    'posix',
    'nt',
    'subprocess',
    'pty',
    'runpy',
    'code',
    'codeop',
    'importlib',
    'imp',
    'zipimport',
    'marshal',
    'types.CodeType',
    'types.FunctionType',
    'types.LambdaType',
    'types.MethodType',
    'types.ModuleType',
    'ctypes',
    '_ctypes',
    'pip',
    'ensurepip',
    'venv',
    'profile',
    'cProfile',
    '_lsprof',
    'pdb',
    'bdb',
    'trace',
    'timeit',
    'pydoc',
    'idlelib',
    'lib2to3',
    'doctest',
    'sys',
    'site',
    'signal',
    'multiprocessing',
    'concurrent',
    'threading',
    '_thread',
    '_posixsubprocess',
    'pexpect',
    'numpy.testing',
    'numpy.f2py',
    'numpy.distutils',
    // load_library opens a shared library: its initialisers run.
    'numpy.ctypeslib',
    // Python source carried in the pickle: reduce_graph_module and its kin exec a GraphModule's code when it is unpickled.
    'torch.fx.graph_module',
    'torch.fx._graph_pickler',
    'setuptools',
    'distutils',
    'IPython',
    'commands',
  ],
  'nested deserialisation': [
    'pickle',
    '_pickle',
    'cPickle',
    'dill',
    'cloudpickle',
    'joblib',
    'shelve',
    'torch.load',
    // All of torch.serialization but _get_layout (allow-listed): its loaders, and add_safe_globals, which widens what later weights_only loads accept.
    'torch.serialization',
    'torch.export.load',
    'torch.storage._load_from_bytes',
    'torch.jit.load',
    'torch.jit._serialization',
    'torch.package',
    'numpy.load',
    'numpy.lib.npyio.load',
    'numpy.lib._npyio_impl.load',
    'yaml.load',
    'yaml.unsafe_load',
    'yaml.full_load',
    'jsonpickle',
    'keras.models.load_model',
    'tensorflow.keras.models.load_model',
    'pandas.read_pickle',
    'pandas.io.pickle',
    'jax.numpy.load',
  ],
  indirection: [
    'functools.partial',
    'functools.reduce',
    'functools.partialmethod',
    '_functools',
    'operator',
    '_operator',
    'pkgutil',
    // Imports a module by its dotted name and walks its attributes: torch's own pkgutil.resolve_name.
    'torch._utils._import_dotted_name',
    'builtins.map',
    'builtins.filter',
  ],
  network: [
    'socket',
    '_socket',
    'ssl',
    '_ssl',
    'http',
    'urllib',
    'urllib2',
    'urllib3',
    'httplib',
    'requests',
    'httpx',
    'aiohttp',
    'asyncio',
    'webbrowser',
    'smtplib',
    'ftplib',
    'telnetlib',
    'poplib',
    'imaplib',
    'nntplib',
    'xmlrpc',
    'socketserver',
    'paramiko',
    'select',
    'selectors',
  ],
  'file access': [
    'linecache',
    '_io.FileIO',
    'io.FileIO',
    '_io.open',
    'io.open',
    'io.open_code',
    '_io.open_code',
    'logging.FileHandler',
    'logging.handlers',
    'logging.config',
    'shutil',
    'tempfile',
    'glob',
    'fileinput',
    'zipfile',
    'tarfile',
    'sqlite3',
    'dbm',
    'mmap',
    'pathlib.Path.write_text',
    'pathlib.Path.write_bytes',
    'pathlib.Path.unlink',
    'pathlib.Path.open',
    'pathlib.Path.read_text',
    'pathlib.Path.read_bytes',
    'tensorflow.io.read_file',
    'tensorflow.io.write_file',
    // GFile opens, reads and writes any file; its module also copies, renames and removes them.
    'tensorflow.io.gfile',
  ],
  'torch gadget': [
    'torch.utils.collect_env',
    'torch._dynamo',
    'torch._inductor',
    'torch.jit.unsupported_tensor_ops',
    'torch.utils.bottleneck',
    'torch.fx.experimental.symbolic_shapes',
    'torch.utils._config_module',
    'torch.utils.data.datapipes.utils.decoder',
    'torch.utils.data.datapipes.iter.callable',
    'torch.hub',
    'torch.utils.cpp_extension',
    'torch.utils.hipify',
    'torch._C._jit_pass',
    'torch.distributed.rpc',
    'torch.testing._internal',
    'torch._export.serde',
    'torch.compiler',
    'torch.utils.benchmark',
    // Operators and classes by name (torch.ops.aten.from_file, custom ops), and what defines or compiles them.
    'torch.ops',
    'torch._ops',
    'torch.classes',
    'torch._classes',
    'torch.library',
    'torch._library',
    'torch.jit.CompilationUnit',
    'torch.jit.script',
    'torch.jit._script',
    'torch.jit.frontend',
    'torch.multiprocessing',
    'torch.distributed.run',
    'torch.distributed.launch',
    'torch.distributed.elastic',
    'torch.utils.model_zoo',
    'torch.utils.tensorboard',
    // Reads a file into a tensor (shared=True maps it for writing).
    'torch.from_file',
    'torch.save',
  ],
};

const DENY_INDEX = new Map<string, DenyCategory>();
for (const [cat, names] of Object.entries(DENY) as [DenyCategory, readonly string[]][]) for (const n of names) DENY_INDEX.set(n, cat);

/** Exact names that real checkpoints import. Exact entries win over deny prefixes (e.g. joblib's array wrapper). */
const ALLOW_EXACT = new Set<string>([
  'collections.OrderedDict',
  'collections.defaultdict',
  'collections.Counter',
  'collections.deque',
  'collections.namedtuple',
  'builtins.set',
  'builtins.frozenset',
  'builtins.slice',
  'builtins.complex',
  'builtins.bytearray',
  'builtins.bytes',
  'builtins.range',
  'builtins.dict',
  'builtins.list',
  'builtins.tuple',
  'builtins.int',
  'builtins.float',
  'builtins.str',
  'builtins.bool',
  'builtins.object',
  'builtins.unicode',
  'builtins.long',
  'builtins.xrange',
  'copyreg._reconstructor',
  'copyreg.__newobj__',
  'copyreg.__newobj_ex__',
  '_codecs.encode',
  'argparse.Namespace',
  'typing.Any',
  'datetime.datetime',
  'datetime.date',
  'datetime.time',
  'datetime.timedelta',
  'datetime.timezone',
  'decimal.Decimal',
  'uuid.UUID',
  'fractions.Fraction',
  'pathlib.PosixPath',
  'pathlib.WindowsPath',
  'pathlib.PurePosixPath',
  'pathlib.PureWindowsPath',
  'pathlib.Path',
  'builtins.Ellipsis',
  'builtins.NotImplemented',
  'types.SimpleNamespace',
  'array.array',
  'array._array_reconstructor',
  // How a compiled regular expression pickles (`re.Pattern.__reduce__`): compiles, runs nothing.
  're._compile',
  'torch._utils._rebuild_tensor',
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_tensor_v3',
  'torch._utils._rebuild_parameter',
  'torch._utils._rebuild_parameter_with_state',
  'torch._utils._rebuild_sparse_tensor',
  'torch._utils._rebuild_nested_tensor',
  'torch._utils._rebuild_qtensor',
  'torch._utils._rebuild_device_tensor_from_numpy',
  'torch._utils._rebuild_meta_tensor_no_storage',
  'torch._utils._rebuild_wrapper_subclass',
  'torch._utils._rebuild_xla_tensor',
  'torch._utils._rebuild_mps_tensor',
  'torch._tensor._rebuild_from_type',
  'torch._tensor._rebuild_from_type_v2',
  'torch.nn.parameter.Parameter',
  'torch.nn.parameter.Buffer',
  'torch.Tensor',
  'torch.Size',
  'torch.device',
  'torch.dtype',
  'torch.layout',
  'torch.memory_format',
  'torch.strided',
  'torch.sparse_coo',
  'torch.sparse_csr',
  'torch.per_tensor_affine',
  'torch.per_channel_affine',
  'torch.storage.UntypedStorage',
  'torch.storage.TypedStorage',
  'torch.storage._StorageBase',
  'torch.UntypedStorage',
  'torch.TypedStorage',
  'torch.serialization._get_layout',
  'torch.contiguous_format',
  'torch.channels_last',
  'torch.preserve_format',
  'numpy.core.multiarray._reconstruct',
  'numpy._core.multiarray._reconstruct',
  'numpy.core.multiarray.scalar',
  'numpy._core.multiarray.scalar',
  'numpy.core.numeric._frombuffer',
  'numpy._core.numeric._frombuffer',
  'numpy.ndarray',
  'numpy.dtype',
  // ndarray subclasses, the subtype _reconstruct makes: their constructors read numbers only (a matrix string through ast.literal_eval).
  'numpy.matrix',
  'numpy.matrixlib.matrix',
  'numpy.matrixlib.defmatrix.matrix',
  'numpy.ma.core._mareconstruct',
  'numpy.ma.core.MaskedArray',
  'numpy.random._pickle.__randomstate_ctor',
  'numpy.random._pickle.__bit_generator_ctor',
  'numpy.random._pickle.__generator_ctor',
  'numpy.random.mtrand.RandomState',
  'numpy.random._mt19937.MT19937',
  'numpy.random._pcg64.PCG64',
  'joblib.numpy_pickle.NumpyArrayWrapper',
  'joblib.numpy_pickle.NDArrayWrapper',
  'joblib.numpy_pickle_compat.NDArrayWrapper',
  'scipy.sparse._csr.csr_matrix',
  'scipy.sparse._csc.csc_matrix',
  'scipy.sparse._coo.coo_matrix',
  'scipy.sparse.csr.csr_matrix',
  'pytorch_lightning.utilities.parsing.AttributeDict',
  'lightning_fabric.utilities.data.AttributeDict',
  'lightning.fabric.utilities.data.AttributeDict',
  'lightning.pytorch.utilities.parsing.AttributeDict',
  'omegaconf.dictconfig.DictConfig',
  'omegaconf.listconfig.ListConfig',
  'omegaconf.base.ContainerMetadata',
  'omegaconf.base.Metadata',
  'omegaconf.nodes.AnyNode',
  'omegaconf.nodes.StringNode',
  'omegaconf.nodes.IntegerNode',
  'omegaconf.nodes.FloatNode',
  'omegaconf.nodes.BooleanNode',
  'tokenizers.Tokenizer',
  'tokenizers.AddedToken',
  'transformers.training_args.TrainingArguments',
  'transformers.training_args.OptimizerNames',
  'transformers.trainer_utils.IntervalStrategy',
  'transformers.trainer_utils.SchedulerType',
  'transformers.trainer_utils.HubStrategy',
  'transformers.trainer_utils.SaveStrategy',
  'transformers.trainer_callback.TrainerState',
  'transformers.tokenization_utils_base.BatchEncoding',
  'transformers.utils.generic.PaddingStrategy',
  'accelerate.utils.dataclasses.DistributedType',
  'accelerate.state.PartialState',
]);

/** Modules (dotted prefixes) of classes real checkpoints pickle; a deny match inside them still wins. */
const ALLOW_PREFIX = [
  'torch.nn.modules',
  'torch.optim',
  'torch.ao.quantization',
  'torch.quantization',
  'torch.amp.grad_scaler',
  'torch.cuda.amp.grad_scaler',
  'numpy.dtypes',
  'sklearn.linear_model',
  'sklearn.ensemble',
  'sklearn.tree',
  'sklearn.preprocessing',
  'sklearn.pipeline',
  'sklearn.svm',
  'sklearn.neighbors',
  'sklearn.decomposition',
  'sklearn.cluster',
  'sklearn.feature_extraction',
  'sklearn.naive_bayes',
  'sklearn.compose',
  'sklearn.impute',
  'sklearn.neural_network',
  'sklearn.calibration',
  'sklearn.feature_selection',
  'sklearn.discriminant_analysis',
  'sklearn.gaussian_process',
  'sklearn.kernel_approximation',
  'sklearn.manifold',
  'sklearn.mixture',
  'sklearn.multiclass',
  'sklearn.isotonic',
  'sklearn._loss',
  'sklearn.tree._tree',
  'sklearn.utils._bunch',
  'xgboost.sklearn',
  'xgboost.core',
  'lightgbm.sklearn',
  'lightgbm.basic',
  'transformers.models',
  'transformers.configuration_utils',
  'transformers.generation.configuration_utils',
  'pytorch_lightning.callbacks',
  'lightning.pytorch.callbacks',
  'peft.tuners',
  'peft.config',
  'peft.utils.peft_types',
];

/** A dotted name's prefixes, shortest first: `a.b.c` → `a`, `a.b`, `a.b.c`. */
function* prefixes(dotted: string): Generator<string> {
  let i = dotted.indexOf('.');
  while (i !== -1) {
    yield dotted.slice(0, i);
    i = dotted.indexOf('.', i + 1);
  }
  yield dotted;
}

/**
 * Top-level modules added to the standard library after the Python the generated list comes from
 * (What's New in Python 3.12, 3.13 and 3.14); `_pyrepl.pager` alone has two functions that run a shell command.
 */
const LATER_STDLIB_MODULES = [
  '_pylong',
  '_pydatetime',
  '_wmi',
  '_pyrepl',
  '_colorize',
  '_opcode_metadata',
  '_interpreters',
  '_interpqueues',
  '_interpchannels',
  '_android_support',
  '_ios_support',
  '_apple_support',
  '_suggestions',
  '_sysconfig',
  'annotationlib',
  'compression',
  '_zstd',
  '_remote_debugging',
  '_hmac',
];

const STDLIB = new Set([...PYTHON_STDLIB_MODULES, ...LATER_STDLIB_MODULES]);

/** True when the module (`os.path`, `_posixsubprocess`) belongs to the Python standard library. */
export function isStdlibModule(module: string): boolean {
  const dot = module.indexOf('.');
  return STDLIB.has(dot === -1 ? module : module.slice(0, dot));
}

export interface Verdict {
  /** `stdlib`: a standard-library callable that is neither allow-listed nor named by the deny-list. */
  kind: 'allowed' | 'denied' | 'stdlib' | 'unknown';
  category?: DenyCategory;
  /** The deny-list entry that matched. */
  matched?: string;
  /** What the name actually reaches when it differs (a dotted attribute path through another module). */
  reaches?: string;
}

function denyMatch(dotted: string): { matched: string; category: DenyCategory } | undefined {
  for (const p of prefixes(dotted)) {
    const category = DENY_INDEX.get(p);
    if (category) return { matched: p, category };
  }
  return undefined;
}

/**
 * The names modules conventionally import others under (`import numpy as np`): a dotted name that
 * walks through one (`sklearn.pipeline` + `np.load`) reaches the module it stands for.
 */
const MODULE_ALIASES: ReadonlyMap<string, string> = new Map([
  ['np', 'numpy'],
  ['F', 'torch.nn.functional'],
  ['nn', 'torch.nn'],
  ['dist', 'torch.distributed'],
  ['mp', 'multiprocessing'],
  ['osp', 'os.path'],
  ['pd', 'pandas'],
  ['tf', 'tensorflow'],
  ['jnp', 'jax.numpy'],
  ['sp', 'scipy'],
]);

/**
 * Subpackages of third-party packages named like a standard-library module: a step to one
 * (`numpy` + `random.mtrand._rand`, `tf.io.read_file`) stays in the package.
 */
const OWN_SUBMODULES: ReadonlySet<string> = new Set([
  'numpy.random',
  'numpy.typing',
  'torch.random',
  'torch.types',
  'torch.signal',
  'scipy.io',
  'scipy.signal',
  'pandas.io',
  'tensorflow.io',
  'tensorflow.math',
  'tensorflow.random',
  'tensorflow.types',
  'tensorflow.queue',
  'tensorflow.signal',
  'tensorflow.sysconfig',
  'tensorflow.test',
  'jax.random',
  'jax.typing',
  'keras.random',
  // TorchScript's list and type-tag builders (torch.jit._pickle.build_intlist, restore_type_tag).
  'torch.jit._pickle',
]);

/** Judges `module.name`; `name` may be a dotted attribute path (`pathlib` + `os.system` reaches `os.system`). */
export function judgeImport(module: string, name: string, dotted = `${module}.${name}`): Verdict {
  if (ALLOW_EXACT.has(dotted)) return { kind: 'allowed' };
  const direct = denyMatch(dotted);
  if (direct) return { kind: 'denied', ...direct };
  const parts = name.split('.');
  let reachesStdlib: string | undefined;
  // The module each step is taken from, aliases resolved.
  let from = module;
  for (let i = 0; i + 1 < parts.length; i++) {
    const tail = parts.slice(i).join('.');
    const alias = MODULE_ALIASES.get(parts[i]);
    const reached = alias === undefined ? tail : [alias, ...parts.slice(i + 1)].join('.');
    const own = alias ?? `${from}.${parts[i]}`;
    const hit = OWN_SUBMODULES.has(own) ? undefined : denyMatch(tail);
    if (hit) return { kind: 'denied', ...hit, reaches: tail };
    const aliased = alias === undefined ? undefined : denyMatch(reached);
    if (aliased) return { kind: 'denied', ...aliased, reaches: reached };
    if (parts[i] === '__builtins__' || parts[i] === '__globals__')
      return { kind: 'denied', category: 'code execution', matched: parts[i], reaches: tail };
    if (reachesStdlib === undefined && !OWN_SUBMODULES.has(own) && !ALLOW_EXACT.has(reached) && isStdlibModule(reached))
      reachesStdlib = reached;
    from = own;
  }
  if (parts.length > 1 && parts.some((p) => p.startsWith('__') && p.endsWith('__')))
    return { kind: 'denied', category: 'indirection', matched: name, reaches: dotted };
  // A storage class's from_file (torch.UntypedStorage.from_file, torch.FloatStorage.from_file) reads any file into a tensor.
  if (dotted.startsWith('torch.') && dotted.endsWith('.from_file')) return { kind: 'denied', category: 'file access', matched: dotted };
  // An attribute path through a module the named one imported reaches that module's callable, whatever module it is reached through.
  if (reachesStdlib !== undefined) return { kind: 'stdlib', reaches: reachesStdlib };
  // Allow-listed modules vouch for their classes (`Linear`, `Outer.Inner`), not for an attribute path through an object they
  // import (`np.load`, `functional.relu`): a lower-case step is a module, function or instance.
  const throughClasses = parts.slice(0, -1).every((p) => /^[A-Z]/.test(p) && !MODULE_ALIASES.has(p));
  if (throughClasses) for (const p of prefixes(dotted)) if (ALLOW_PREFIX.includes(p)) return { kind: 'allowed' };
  if (
    /^torch\.(?:[A-Z][A-Za-z0-9]*Storage|(?:float|bfloat|int|uint|complex|bool|half|double|long|short|cfloat|cdouble|qint|quint|float8_)\w*)$/.test(
      dotted,
    )
  )
    return { kind: 'allowed' };
  if (isStdlibModule(module)) return { kind: 'stdlib' };
  return { kind: 'unknown' };
}
