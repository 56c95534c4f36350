import { testRule } from '../../testing/rule-tester.js';
import { joblibDump, npy, objectArrayPickle } from './lib/builders/npy-builder.js';
import { pickle, torchStateDictPickle } from './lib/builders/pickle-builder.js';
import { torchZip, zip } from './lib/builders/zip-builder.js';
import rule from './pickle-unknown-import.js';

const col = (start: number, end: number) => ({ startLine: 1, startColumn: start + 1, endLine: 1, endColumn: end + 1 });
const legacyHead = [
  Uint8Array.from([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]),
  pickle().proto(2).int(1001).stop().bytes(),
  pickle().proto(2).emptyDict().stop().bytes(),
];
const legacyAt = legacyHead.reduce((n, b) => n + b.length, 0);
const legacyModel = Uint8Array.from([
  ...legacyHead.flatMap((b) => [...b]),
  ...pickle().proto(2).global('__main__', 'Net').emptyTuple().reduce().stop().bytes(),
  ...pickle().proto(2).emptyList().stop().bytes(),
]);
/** np.matrix / np.ma arrays as pickle protocol 2 writes them: _reconstruct(subtype, (0,), b'b'). */
const reconstruct = (module: string, name: string) =>
  pickle()
    .proto(2)
    .global('numpy.core.multiarray', '_reconstruct')
    .global(module, name)
    .int(0)
    .tuple1()
    .binbytes([0x62])
    .tuple3()
    .reduce()
    .stop()
    .bytes();
const custom = pickle().proto(2).global('mylib.models', 'Net').emptyTuple().reduce().stop().bytes();

testRule(rule, {
  valid: [
    {
      name: 'a nested class of an allow-listed module',
      path: 'model.pkl',
      content: pickle().proto(4).str('torch.nn.modules.linear').str('Linear.Inner').stackGlobal().emptyTuple().reduce().stop().bytes(),
    },
    {
      name: 'torch state dict',
      path: 'model.pkl',
      content: torchStateDictPickle([{ name: 'w', key: '0', shape: [4], storage: 'HalfStorage' }]),
    },
    {
      name: 'numpy array and sklearn estimator',
      path: 'model.pkl',
      content: pickle()
        .proto(2)
        .global('sklearn.linear_model._logistic', 'LogisticRegression')
        .pop()
        .global('numpy.core.multiarray', '_reconstruct')
        .pop()
        .global('numpy', 'dtype')
        .str('f8')
        .tuple1()
        .reduce()
        .stop()
        .bytes(),
    },
    {
      name: 'Python 2 builtins name of an allowed type',
      path: 'model.pkl',
      content: pickle().global('__builtin__', 'set').mark().list().tuple1().reduce().stop().bytes(),
    },
    {
      name: 'legacy PyTorch checkpoint: magic, protocol, sys info, state dict, storage keys, tensor bytes',
      path: 'model.pth',
      content: Uint8Array.from([
        ...[0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e],
        ...pickle().proto(2).int(1001).stop().bytes(),
        ...pickle()
          .proto(2)
          .emptyDict()
          .str('protocol_version')
          .int(1001)
          .setitem()
          .str('little_endian')
          .bool(true)
          .setitem()
          .stop()
          .bytes(),
        ...torchStateDictPickle([{ name: 'w', key: '94123', shape: [2] }]),
        ...pickle().proto(2).mark().str('94123').list().stop().bytes(),
        ...new Uint8Array(16).fill(0x80),
      ]),
    },
    { name: 'joblib dump of arrays', path: 'model.joblib', content: joblibDump([0.5, 1.5]) },
    ...['numpy.matrixlib.defmatrix', 'numpy', 'numpy.matrixlib'].map((module) => ({
      name: `a numpy matrix (${module}.matrix, the subtype of _reconstruct, as joblib's test pickles hold it)`,
      path: 'model.pkl',
      content: reconstruct(module, 'matrix'),
    })),
    {
      name: 'a numpy masked array (_mareconstruct of MaskedArray)',
      path: 'model.pkl',
      content: pickle()
        .proto(2)
        .global('numpy.ma.core', '_mareconstruct')
        .mark()
        .global('numpy.ma.core', 'MaskedArray')
        .global('numpy', 'ndarray')
        .int(0)
        .tuple1()
        .binbytes([0x62])
        .tuple()
        .reduce()
        .stop()
        .bytes(),
    },
    {
      name: 'npz with an object array of strings',
      path: 'labels.npz',
      content: zip()
        .add(
          'labels.npy',
          npy(
            '|O',
            [2],
            objectArrayPickle((p) => p.str('cat').str('dog')),
          ),
        )
        .build(),
    },
    {
      name: 'TorchScript-style zip with constants.pkl',
      path: 'model.pt',
      content: torchZip(
        torchStateDictPickle([{ name: 'w', key: '0', shape: [1], storage: 'BFloat16Storage' }]),
        { '0': new Uint8Array(2) },
        'model',
      ),
    },
    { name: 'denied imports are MDL-0001/0002', path: 'model.pkl', content: pickle().proto(2).global('os', 'system').stop().bytes() },
  ],
  invalid: [
    {
      name: 'numpy.matrix is vouched for, not the functions beside it (bmat looks names up in the caller frame)',
      path: 'model.pkl',
      content: reconstruct('numpy.matrixlib.defmatrix', 'bmat'),
      findings: [{ ...col(38, 70), evidence: 'numpy.matrixlib.defmatrix.bmat' }],
    },
    {
      path: 'model.pkl',
      content: custom,
      findings: [
        {
          ...col(2, 20),
          severity: 'low',
          evidence: 'mylib.models.Net',
          message:
            'Pickle imports mylib.models.Net, which is not on the allow-list of checkpoint callables (GLOBAL at byte 2, called by REDUCE at byte 21)',
        },
      ],
    },
    {
      name: 'whole model saved with the legacy PyTorch format (the model pickle is the 4th stream)',
      path: 'model.pth',
      content: legacyModel,
      findings: [{ ...col(legacyAt + 2, legacyAt + 16), evidence: '__main__.Net', message: /in pickle stream 4$/ }],
    },
    {
      name: 'strict mode makes it high',
      path: 'model.pkl',
      content: custom,
      settings: { strictModels: true },
      findings: [{ ...col(2, 20), severity: 'high' }],
    },
    {
      name: 'an allow-listed module vouches for its classes, not for an attribute path through a function it defines',
      path: 'model.pkl',
      content: pickle().proto(4).str('sklearn.pipeline').str('check_memory.x').stackGlobal().emptyTuple().reduce().stop().bytes(),
      findings: [{ ...col(36, 37), evidence: 'sklearn.pipeline.check_memory.x' }],
    },
  ],
});
