import { testRule } from '../../testing/rule-tester.js';
import { pickle, torchStateDictPickle } from '../../testing/models/pickle-builder.js';
import rule from './pickle-unknown-import.js';

const col = (start: number, end: number) => ({ startLine: 1, startColumn: start + 1, endLine: 1, endColumn: end + 1 });
const custom = pickle().proto(2).global('mylib.models', 'Net').emptyTuple().reduce().stop().bytes();

testRule(rule, {
  valid: [
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
    { name: 'denied imports are MDL-0001/0002', path: 'model.pkl', content: pickle().proto(2).global('os', 'system').stop().bytes() },
  ],
  invalid: [
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
      name: 'strict mode makes it high',
      path: 'model.pkl',
      content: custom,
      settings: { strictModels: true },
      findings: [{ ...col(2, 20), severity: 'high' }],
    },
  ],
});
