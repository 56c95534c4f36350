import { testRule } from '../../testing/rule-tester.js';
import { msg, savedModel, str } from './lib/builders/protobuf-builder.js';
import rule from './tensorflow-dangerous-op.js';

function span(model: Uint8Array, field: number, name: string, op: string) {
  const part = msg(field, str(1, name), str(2, op));
  const start = Buffer.from(model).indexOf(Buffer.from(part));
  return { startLine: 1, startColumn: start + 1, endLine: 1, endColumn: start + part.length + 1 };
}
const bad = savedModel(
  [
    { op: 'Const', name: 'p' },
    { op: 'WriteFile', name: 'drop' },
  ],
  [{ name: '__inference_serve_42', ops: [{ op: 'EagerPyFunc', name: 'cb' }] }],
);

testRule(rule, {
  valid: [
    {
      name: 'inference graph with the standard saver',
      path: 'm/saved_model.pb',
      content: savedModel(
        [
          { op: 'Placeholder', name: 'x' },
          { op: 'RestoreV2', name: 'save/RestoreV2' },
          { op: 'MergeV2Checkpoints', name: 'save/Merge' },
        ],
        [{ name: 'f', ops: [{ op: 'Relu', name: 'r' }] }],
      ),
    },
    {
      name: 'ops named like Object properties are not dangerous ops',
      path: 'm/saved_model.pb',
      content: savedModel([
        { op: 'constructor', name: 'c' },
        { op: 'toString', name: 't' },
        { op: '__proto__', name: 'p' },
      ]),
    },
    { name: 'a .pb that is not a SavedModel is ignored', path: 'm/graph.pb', content: savedModel([{ op: 'ReadFile', name: 'r' }]) },
  ],
  invalid: [
    {
      path: 'export/1/saved_model.pb',
      content: bad,
      findings: [
        {
          ...span(bad, 1, 'drop', 'WriteFile'),
          evidence: 'WriteFile',
          message: "SavedModel op WriteFile (node 'drop') writes files on the serving host",
        },
        {
          ...span(bad, 3, 'cb', 'EagerPyFunc'),
          message: "SavedModel op EagerPyFunc (node 'cb' in function __inference_serve_42) runs a Python function",
        },
      ],
    },
  ],
});
