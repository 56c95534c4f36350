import { testRule } from '../../testing/rule-tester.js';
import { msg, onnxModel, str } from './lib/builders/protobuf-builder.js';
import rule from './onnx-external-data-traversal.js';

function span(model: Uint8Array, location: string) {
  const part = msg(13, str(1, 'location'), str(2, location));
  const start = Buffer.from(model).indexOf(Buffer.from(part));
  return { startLine: 1, startColumn: start + 1, endLine: 1, endColumn: start + part.length + 1 };
}
const model = (...locations: string[]) =>
  onnxModel({ nodes: [{ op: 'MatMul' }], initializers: locations.map((location, i) => ({ name: `w${i}`, location })) });

testRule(rule, {
  valid: [
    { name: 'relative file next to the model', path: 'model.onnx', content: model('model.onnx.data', 'weights/part-0.bin') },
    {
      name: 'inline tensor data',
      path: 'model.onnx',
      content: onnxModel({ nodes: [{ op: 'MatMul' }], initializers: [{ name: 'w', raw: 64 }] }),
    },
    { name: 'dots inside a name', path: 'model.onnx', content: model('weights..bin') },
  ],
  invalid: [
    {
      path: 'model.onnx',
      content: model(
        '../../../../root/.ssh/id_rsa',
        '/var/run/secrets/kubernetes.io/serviceaccount/token',
        'C:\\Windows\\win.ini',
        'data\\..\\..\\x',
      ),
      findings: [
        {
          ...span(
            model(
              '../../../../root/.ssh/id_rsa',
              '/var/run/secrets/kubernetes.io/serviceaccount/token',
              'C:\\Windows\\win.ini',
              'data\\..\\..\\x',
            ),
            '../../../../root/.ssh/id_rsa',
          ),
          message: "External data of tensor 'w0' climbs out of the model directory with '..': '../../../../root/.ssh/id_rsa'",
        },
        {
          ...span(
            model(
              '../../../../root/.ssh/id_rsa',
              '/var/run/secrets/kubernetes.io/serviceaccount/token',
              'C:\\Windows\\win.ini',
              'data\\..\\..\\x',
            ),
            '/var/run/secrets/kubernetes.io/serviceaccount/token',
          ),
          message: /'w1' is an absolute path/,
        },
        {
          ...span(
            model(
              '../../../../root/.ssh/id_rsa',
              '/var/run/secrets/kubernetes.io/serviceaccount/token',
              'C:\\Windows\\win.ini',
              'data\\..\\..\\x',
            ),
            'C:\\Windows\\win.ini',
          ),
          message: /absolute Windows path/,
        },
        {
          ...span(
            model(
              '../../../../root/.ssh/id_rsa',
              '/var/run/secrets/kubernetes.io/serviceaccount/token',
              'C:\\Windows\\win.ini',
              'data\\..\\..\\x',
            ),
            'data\\..\\..\\x',
          ),
          evidence: 'data\\..\\..\\x',
        },
      ],
    },
  ],
});
