import { testRule } from '../../testing/rule-tester.js';
import { msg, onnxModel, onnxNode, str, vint } from './lib/builders/protobuf-builder.js';
import rule from './onnx-custom-operator.js';

/** The location of an encoded sub-message inside a built model. */
function span(model: Uint8Array, part: number[]) {
  const start = Buffer.from(model).indexOf(Buffer.from(part));
  if (start < 0) throw new Error('part not found');
  return { startLine: 1, startColumn: start + 1, endLine: 1, endColumn: start + part.length + 1 };
}

const declared = onnxModel({
  opsets: [
    { domain: '', version: 17 },
    { domain: 'ai.onnx.contrib', version: 1 },
  ],
  nodes: [{ op: 'Relu' }, { op: 'GPT2Tokenizer', domain: 'ai.onnx.contrib' }],
});
const undeclared = onnxModel({ nodes: [{ op: 'Loop', subgraph: [{ op: 'MyOp', domain: 'org.example', name: 'inner' }] }] });

testRule(rule, {
  valid: [
    {
      name: 'standard and ONNX Runtime contrib operators',
      path: 'model.onnx',
      content: onnxModel({
        opsets: [
          { domain: '', version: 17 },
          { domain: 'com.microsoft', version: 1 },
          { domain: 'ai.onnx.ml', version: 3 },
        ],
        nodes: [
          { op: 'Attention', domain: 'com.microsoft' },
          { op: 'TreeEnsembleClassifier', domain: 'ai.onnx.ml' },
        ],
      }),
    },
    {
      name: 'domain of a model-local function',
      path: 'model.onnx',
      content: onnxModel({
        opsets: [
          { domain: '', version: 17 },
          { domain: 'local', version: 1 },
        ],
        nodes: [{ op: 'Block', domain: 'local' }],
        functions: [{ name: 'Block', domain: 'local', nodes: [{ op: 'Relu' }] }],
      }),
    },
  ],
  invalid: [
    {
      name: 'declared in opset_import and used by a node',
      path: 'model.onnx',
      content: declared,
      findings: [
        {
          ...span(declared, msg(8, str(1, 'ai.onnx.contrib'), vint(2, 1))),
          evidence: 'ai.onnx.contrib',
          message:
            "ONNX model uses the custom operator domain 'ai.onnx.contrib' (GPT2Tokenizer), which needs a native custom-op library to load",
        },
      ],
    },
    {
      name: 'used only inside a Loop body subgraph, any file name',
      path: 'weights.bin',
      content: undeclared,
      findings: [
        { ...span(undeclared, onnxNode({ op: 'MyOp', domain: 'org.example', name: 'inner' })), message: /'org\.example' \(MyOp\)/ },
      ],
    },
  ],
});
