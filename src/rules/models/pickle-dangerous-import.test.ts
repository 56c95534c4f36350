import { testRule } from '../../testing/rule-tester.js';
import { pickle, torchStateDictPickle } from './lib/builders/pickle-builder.js';
import rule from './pickle-dangerous-import.js';

const col = (start: number, end: number) => ({ startLine: 1, startColumn: start + 1, endLine: 1, endColumn: end + 1 });

testRule(rule, {
  valid: [
    {
      name: 'a site-packages path configuration file (.pth) is not a pickle',
      path: 'distutils-precedence.pth',
      content: "import os; var = 'SETUPTOOLS_USE_DISTUTILS'; enabled = os.environ.get(var, 'local') == 'local'\n",
    },
    { name: 'torch state dict', path: 'model.pkl', content: torchStateDictPickle([{ name: 'w', key: '0', shape: [4] }]) },
    {
      name: 'called dangerous callables are MDL-0001',
      path: 'model.pkl',
      content: pickle().proto(2).global('os', 'system').str('id').tuple1().reduce().stop().bytes(),
    },
    {
      name: 'joblib array wrapper is allowed although joblib is denied',
      path: 'model.pkl',
      content: pickle().proto(2).global('joblib.numpy_pickle', 'NumpyArrayWrapper').pop().none().stop().bytes(),
    },
  ],
  invalid: [
    {
      name: 'a checkpoint name other formats share (.pth): a protocol 0 import followed by garbage',
      path: 'model.pth',
      content: Uint8Array.from(Buffer.from('cposix\nsystem\n\xff', 'latin1')),
      findings: [{ ...col(0, 14), evidence: 'posix.system' }],
    },
    {
      name: 'protocol 0 stream without PROTO that breaks after two opcodes (analysed up to the break)',
      path: 'model.pkl',
      content: Uint8Array.from(Buffer.from('cposix\nsystem\n(\xff', 'latin1')),
      findings: [
        { ...col(0, 14), evidence: 'posix.system', message: 'Pickle imports posix.system (code execution) with GLOBAL at byte 0' },
      ],
    },
    {
      name: 'dangerous callable passed as an argument (functools.partial(os.system, …) never called itself)',
      path: 'model.pkl',
      content: pickle().proto(2).global('functools', 'partial').global('os', 'system').str('id').tuple2().reduce().stop().bytes(),
      findings: [
        {
          ...col(21, 32),
          severity: 'high',
          evidence: 'os.system',
          message: 'Pickle imports os.system (code execution) with GLOBAL at byte 21',
        },
      ],
    },
    {
      name: 'STACK_GLOBAL whose operand is computed at load time',
      path: 'model.pkl',
      content: pickle()
        .proto(4)
        .global('builtins', 'str')
        .str('os')
        .tuple1()
        .reduce()
        .str('system')
        .stackGlobal()
        .str('id')
        .tuple1()
        .reduce()
        .stop()
        .bytes(),
      findings: [
        {
          ...col(30, 31),
          message:
            'Pickle imports a callable whose name is computed at load time (STACK_GLOBAL at byte 30 on result of builtins.str(…) . "system") and calls it',
        },
      ],
    },
    {
      name: 'copyreg extension codes (EXT1, EXT2, EXT4)',
      path: 'model.pkl',
      content: pickle().proto(2).ext1(7).pop().ext2(300).pop().ext4(70000).stop().bytes(),
      findings: [
        { ...col(2, 4), evidence: '<copyreg extension code 7>', message: /copyreg extension code 7 with EXT1 at byte 2/ },
        { ...col(5, 8), message: /code 300 with EXT2/ },
        { ...col(9, 14), message: /code 70000 with EXT4/ },
      ],
    },
    {
      name: 'operator.attrgetter and pkgutil.resolve_name',
      path: 'model.pkl',
      content: pickle().proto(2).global('_operator', 'attrgetter').pop().global('pkgutil', 'resolve_name').stop().bytes(),
      findings: [
        { ...col(2, 24), message: /indirection/ },
        { ...col(25, 47), evidence: 'pkgutil.resolve_name' },
      ],
    },
    {
      name: 'dunder attribute path (__builtins__ through a class)',
      path: 'model.pkl',
      content: pickle().proto(4).str('collections').str('OrderedDict.__init__.__globals__').stackGlobal().stop().bytes(),
      findings: [{ ...col(49, 50), evidence: 'collections.OrderedDict.__init__.__globals__' }],
    },
  ],
});
