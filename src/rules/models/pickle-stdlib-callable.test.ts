import { describe, expect, it } from 'vitest';
import { runRule, testRule } from '../../testing/rule-tester.js';
import { npy, objectArrayPickle } from './lib/builders/npy-builder.js';
import { pickle, torchStateDictPickle } from './lib/builders/pickle-builder.js';
import { torchZip } from './lib/builders/zip-builder.js';
import { isStdlibModule, judgeImport } from './lib/pickle-policy.js';
import { PYTHON_STDLIB_MODULES, PYTHON_STDLIB_SOURCE } from './lib/python-stdlib-modules.js';
import dangerousCall from './pickle-dangerous-call.js';
import dangerousImport from './pickle-dangerous-import.js';
import rule from './pickle-stdlib-callable.js';

const col = (start: number, end: number) => ({ startLine: 1, startColumn: start + 1, endLine: 1, endColumn: end + 1 });
/** `GLOBAL module name; str(arg); REDUCE`: a one-call payload, protocol 2. */
const call = (module: string, name: string, arg = 'id') => pickle().proto(2).global(module, name).str(arg).tuple1().reduce().stop().bytes();
/** The GLOBAL opcode's span: PROTO takes bytes 0-1, GLOBAL is `c` + module + `\n` + name + `\n`. */
const globalSpan = (module: string, name: string) => col(2, 2 + 1 + module.length + 1 + name.length + 1);

testRule(rule, {
  valid: [
    { name: 'allow-listed containers and reconstructors', path: 'model.pkl', content: call('collections', 'OrderedDict') },
    { name: 'datetime value', path: 'model.pkl', content: call('datetime', 'timedelta') },
    { name: 'decimal value', path: 'model.pkl', content: call('decimal', 'Decimal', '1.5') },
    { name: 'bytes through _codecs.encode (protocol 2 bytes)', path: 'model.pkl', content: call('_codecs', 'encode', 'abc') },
    { name: 'compiled regular expression', path: 'model.pkl', content: call('re', '_compile', 'a+') },
    {
      name: 'PyTorch checkpoint',
      path: 'model.pt',
      content: torchZip(torchStateDictPickle([{ name: 'w', key: '0', shape: [2] }]), { '0': new Uint8Array(8) }),
    },
    { name: 'third-party callables are MDL-0003', path: 'model.pkl', content: call('mylib.models', 'Net') },
    { name: 'deny-listed callables are MDL-0001', path: 'model.pkl', content: call('os', 'system') },
    {
      name: "a package's own submodule named like a standard-library module (numpy.random, not random)",
      path: 'model.pkl',
      content: pickle().proto(4).str('numpy').str('random.mtrand._rand').stackGlobal().stop().bytes(),
    },
  ],
  invalid: [
    {
      name: 'shell command through a private macOS build helper',
      path: 'model.pkl',
      content: call('_osx_support', '_read_output'),
      findings: [
        {
          ...globalSpan('_osx_support', '_read_output'),
          severity: 'high',
          evidence: '_osx_support._read_output',
          message:
            "Pickle calls _osx_support._read_output, a standard-library callable that checkpoints have no use for (GLOBAL at byte 2, called by REDUCE at byte 34: _osx_support._read_output('id'))",
        },
      ],
    },
    {
      name: 'command output helper of uuid (uuid.UUID itself is allowed)',
      path: 'model.pkl',
      content: call('uuid', '_get_command_stdout', 'sh'),
      findings: [{ ...globalSpan('uuid', '_get_command_stdout'), evidence: 'uuid._get_command_stdout' }],
    },
    {
      name: "the bootstrap subprocess module's check_output",
      path: 'model.pkl',
      content: call('_bootsubprocess', 'check_output'),
      findings: [{ ...globalSpan('_bootsubprocess', 'check_output'), evidence: '_bootsubprocess.check_output' }],
    },
    {
      name: 'platform helper that runs file(1)',
      path: 'model.pkl',
      content: call('platform', '_syscmd_file'),
      findings: [{ ...globalSpan('platform', '_syscmd_file'), evidence: 'platform._syscmd_file' }],
    },
    {
      name: 'test modules shipped with the interpreter (not in sys.stdlib_module_names)',
      path: 'model.pkl',
      content: call('test.support.script_helper', 'assert_python_ok', '-c'),
      findings: [
        { ...globalSpan('test.support.script_helper', 'assert_python_ok'), evidence: 'test.support.script_helper.assert_python_ok' },
      ],
    },
    {
      name: 'a module added after the generating Python (3.13 _pyrepl pager)',
      path: 'model.pkl',
      content: call('_pyrepl.pager', 'pipe_pager'),
      findings: [{ ...globalSpan('_pyrepl.pager', 'pipe_pager'), evidence: '_pyrepl.pager.pipe_pager' }],
    },
    {
      name: 'imported but not called (protocol 0, Python 2 builtins name)',
      path: 'model.pkl',
      content: pickle().global('__builtin__', 'print').stop().bytes(),
      findings: [{ ...col(0, 19), evidence: 'builtins.print', message: /^Pickle imports builtins\.print, / }],
    },
    {
      name: 'inside the object array of a .npy file',
      path: 'labels.npy',
      content: npy(
        '|O',
        [1],
        objectArrayPickle((p) => p.global('mailcap', 'findmatch').str('x').tuple1().reduce()),
      ),
      findings: [
        {
          startLine: 1,
          startColumn: expect.any(Number) as unknown as number,
          endLine: 1,
          endColumn: expect.any(Number) as unknown as number,
          evidence: 'mailcap.findmatch',
        },
      ],
    },
    {
      name: 'a standard-library callable reached through a module an allow-listed one imports',
      path: 'model.pkl',
      content: pickle()
        .proto(4)
        .str('torch.nn.modules.module')
        .str('warnings.warn')
        .stackGlobal()
        .str('x')
        .tuple1()
        .reduce()
        .stop()
        .bytes(),
      findings: [
        {
          ...col(42, 43),
          evidence: 'torch.nn.modules.module.warnings.warn',
          message:
            "Pickle calls torch.nn.modules.module.warnings.warn (which reaches warnings.warn), a standard-library callable that checkpoints have no use for (STACK_GLOBAL at byte 42, called by REDUCE at byte 47: torch.nn.modules.module.warnings.warn('x'))",
        },
      ],
    },
  ],
});

describe('standard-library module set', () => {
  it('is the generated list of the named Python, with its private command helpers', () => {
    expect(PYTHON_STDLIB_SOURCE.python).toMatch(/^3\.\d+\.\d+$/);
    expect(PYTHON_STDLIB_MODULES.length).toBeGreaterThan(250);
    for (const m of ['os', 'builtins', '_posixsubprocess', 'idlelib', 'pydoc', '_osx_support', 'test', '_xxsubinterpreters'])
      expect(PYTHON_STDLIB_MODULES).toContain(m);
    expect(PYTHON_STDLIB_MODULES).not.toContain('numpy');
    expect(isStdlibModule('xml.etree.ElementTree')).toBe(true);
    expect(isStdlibModule('torch.nn')).toBe(false);
  });

  it('judges names the deny-list never heard of as stdlib, and keeps the deny category where it has one', () => {
    expect(judgeImport('sysconfig', '_get_sysconfigdata_name').kind).toBe('stdlib');
    expect(judgeImport('collections', 'OrderedDict').kind).toBe('allowed');
    expect(judgeImport('posix', 'system').kind).toBe('denied');
    expect(judgeImport('mylib', 'thing').kind).toBe('unknown');
  });

  it("takes a step to a package's own submodule named like a standard-library module as the package's", () => {
    for (const [module, name] of [
      ['numpy', 'random.mtrand._rand'],
      ['torch', 'random.manual_seed'],
      ['scipy', 'io.loadmat'],
      ['scipy', 'signal.lfilter'],
      ['torch', 'signal.windows.hann'],
      ['torch', 'types.Number'],
    ])
      expect(judgeImport(module, name)).toEqual({ kind: 'unknown' });
    // A module the package imports is still the standard library's.
    expect(judgeImport('torch.nn.modules.module', 'warnings.warn')).toEqual({ kind: 'stdlib', reaches: 'warnings.warn' });
    expect(judgeImport('numpy', 'warnings.warn')).toEqual({ kind: 'stdlib', reaches: 'warnings.warn' });
  });

  it('judges the steps after an alias inside the module the alias stands for', () => {
    expect(judgeImport('torch.nn.modules.x', 'tf.io.read_file').reaches).not.toBe('io.read_file');
    expect(judgeImport('torch.nn.modules.x', 'tf.io.read_file')).toMatchObject({ kind: 'denied', reaches: 'tensorflow.io.read_file' });
    expect(judgeImport('sklearn.base', 'np.random.seed')).toEqual({ kind: 'unknown' });
  });

  // Published bypass classes of deny-list scanners: private helpers that run commands or code.
  const bypasses: [string, string][] = [
    ['_posixsubprocess', 'fork_exec'],
    ['pty', 'spawn'],
    ['idlelib.pyshell', 'ModifiedInterpreter.runcommand'],
    ['idlelib.calltip', 'get_entity'],
    ['pydoc', 'pipepager'],
    ['pydoc', 'locate'],
    ['profile', 'Profile.run'],
    ['cProfile', 'run'],
    ['timeit', 'timeit'],
    ['code', 'InteractiveInterpreter.runsource'],
    ['runpy', '_run_code'],
    ['lib2to3.pgen2.pgen', 'ParserGenerator.make_label'],
    ['trace', 'Trace.run'],
    ['doctest', 'debug_script'],
    ['_osx_support', '_find_build_tool'],
    ['imaplib', 'IMAP4_stream'],
    ['ctypes.util', '_findSoname_ldconfig'],
    ['asyncio.unix_events', '_UnixSubprocessTransport._start'],
    ['_xxsubinterpreters', 'run_string'],
    ['pipes', 'Template'],
    ['cgitb', 'lookup'],
    ['encodings', 'search_function'],
  ];
  it.each(bypasses)('%s.%s is reported at high or above, called or only imported', (module, name) => {
    const called = call(module, name);
    const imported = pickle().proto(2).global(module, name).stop().bytes();
    const severities = (content: Uint8Array) =>
      [rule, dangerousCall, dangerousImport].flatMap((r) => runRule(r, { path: 'model.pkl', content }).findings.map((f) => f.severity));
    for (const content of [called, imported]) {
      const found = severities(content);
      expect(found.length).toBeGreaterThan(0);
      expect(found.every((s) => s === 'high' || s === 'critical')).toBe(true);
    }
  });
});
