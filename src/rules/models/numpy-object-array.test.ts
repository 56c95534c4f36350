import { testRule } from '../../testing/rule-tester.js';
import { npy, objectArrayPickle } from './lib/builders/npy-builder.js';
import { zip } from './lib/builders/zip-builder.js';
import rule from './numpy-object-array.js';

const objects = npy(
  '|O',
  [2],
  objectArrayPickle((p) => p.str('a').str('b')),
);

testRule(rule, {
  valid: [
    { name: 'float array', path: 'a.npy', content: npy('<f4', [2, 2], new Uint8Array(16)) },
    { name: 'structured dtype without objects, version 2 header', path: 'a.npy', content: npy('<i8', [3], new Uint8Array(24), 2) },
    {
      name: 'npz of numeric arrays',
      path: 'w.npz',
      content: zip()
        .add('arr_0.npy', npy('<f8', [1], new Uint8Array(8)), { method: 'deflate' })
        .build(),
    },
  ],
  invalid: [
    {
      path: 'a.npy',
      content: objects,
      findings: [
        {
          startLine: 1,
          startColumn: 11,
          endLine: 1,
          endColumn: 129,
          evidence: 'descr: |O',
          severity: 'low',
          message:
            'NumPy array has object dtype |O (shape (2)): its data is a pickle and loading it requires allow_pickle=True; the pickle holds only allow-listed callables',
        },
      ],
    },
    {
      name: 'an object array whose pickle calls something else is judged like any pickle (and stays medium here)',
      path: 'a.npy',
      content: npy(
        '|O',
        [1],
        objectArrayPickle((p) => p.global('mylib', 'Thing').emptyTuple().reduce()),
      ),
      findings: [
        {
          startLine: 1,
          startColumn: 11,
          endLine: 1,
          endColumn: 129,
          severity: 'medium',
          message: /allow_pickle=True; the pickle also imports mylib\.Thing$/,
        },
      ],
    },
    {
      name: 'an object array whose pickle breaks is not low',
      path: 'a.npy',
      content: objects.subarray(0, objects.length - 3),
      findings: [{ startLine: 1, startColumn: 11, endLine: 1, endColumn: 129, severity: 'medium' }],
    },
    {
      name: 'inside an npz archive',
      path: 'w.npz',
      content: zip()
        .add('arr_0.npy', npy('<f8', [1], new Uint8Array(8)))
        .add('labels.npy', objects, { method: 'deflate' })
        .build(),
      findings: [{ startLine: 1, startColumn: 11, endLine: 1, endColumn: 129, severity: 'low' }],
    },
  ],
});
