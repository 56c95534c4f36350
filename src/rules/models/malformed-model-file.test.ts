import { testRule } from '../../testing/rule-tester.js';
import { osSystemPayload, pickle } from './lib/builders/pickle-builder.js';
import { zip } from './lib/builders/zip-builder.js';
import { joblibObjectDump } from './lib/builders/npy-builder.js';
import rule from './malformed-model-file.js';

const col = (start: number, end: number) => ({ startLine: 1, startColumn: start + 1, endLine: 1, endColumn: end + 1 });
const payload = osSystemPayload('id');
const text = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));

testRule(rule, {
  valid: [
    { name: 'complete pickle', path: 'model.pkl', content: payload },
    {
      name: 'tensor bytes after the legacy pickles are not a stream',
      path: 'a.pkl',
      content: Uint8Array.from([...pickle().proto(2).none().stop().bytes(), 0x00, 0x01, 0x02]),
    },
    {
      name: 'zip with a data descriptor flag and a wrong CRC',
      path: 'model.pt',
      content: zip().add('archive/data.pkl', payload, { flags: 8, crc: 0xdeadbeef }).build(),
    },
    {
      name: 'a Git LFS pointer named like a pickle is text, not a model',
      path: 'model.pkl',
      content: text('version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 1024\n'),
    },
    {
      name: 'joblib dump of an object array (a nested pickle after the wrapper)',
      path: 'labels.joblib',
      content: joblibObjectDump(2, (p) => p.str('cat').str('dog')),
    },
    { name: 'complete protocol 0 stream', path: 'model.pkl', content: text("(dp0\nS'a'\np1\nI1\ns.") },
    {
      name: 'a Git LFS pointer named like safetensors is text, not a model',
      path: 'model.safetensors',
      content: text('version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 1024\n'),
    },
    {
      name: 'a Chameleon page template named .pt is text, not a model',
      path: 'templates/home.pt',
      content: text('<html tal:define="x 1"></html>'),
    },
    { name: 'an empty file named like a model holds nothing to load', path: 'model.gguf', content: new Uint8Array(0) },
    {
      name: 'an HDF5 file with a user block (the signature at byte 512)',
      path: 'data.h5',
      content: Uint8Array.from([...new Uint8Array(512), 0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]),
    },
  ],
  invalid: [
    {
      name: 'protocol 0 stream (no PROTO) that breaks right after its import',
      path: 'model.pkl',
      content: text('cposix\nsystem\n\xff\xfe'),
      findings: [
        {
          ...col(14, 15),
          message: 'Pickle stream is malformed: invalid pickle opcode 0xff at byte 14; the 1 import(s) before the break were analysed',
        },
      ],
    },
    {
      name: 'protocol 1 stream (binary opcodes, no PROTO) cut short',
      path: 'weights.joblib',
      content: Uint8Array.from([0x5d, 0x71, 0x00, 0x28, 0x4b, 0x01]),
      findings: [{ ...col(6, 7), message: /^Pickle stream is malformed: .*ends/ }],
    },
    {
      name: 'a file named like a pickle that is not one',
      path: 'model.pkl',
      content: text('<html>not a model</html>'),
      findings: [{ ...col(0, 1), message: 'Pickle stream is malformed: invalid pickle opcode 0x3c at byte 0' }],
    },
    ...(
      [
        ['model.safetensors', 'safetensors', 'safetensors'],
        ['model.gguf', 'gguf', 'GGUF'],
        ['model.onnx', 'onnx', 'ONNX'],
        ['weights.h5', 'hdf5', 'HDF5'],
        ['model.keras', 'keras', 'Keras'],
        ['x.npy', 'npy', 'NumPy array'],
        ['x.npz', 'npz', 'NumPy archive'],
        ['model.pt', 'pytorch', 'PyTorch'],
      ] as const
    ).map(([path, id, label]) => ({
      name: `binary junk named ${path}`,
      path,
      content: Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0xff, 0x10, 0x20, 0x30]),
      findings: [
        {
          ...col(0, 1),
          message: `${id} file is malformed: its name ends in ${path.slice(path.lastIndexOf('.'))} but its content is no ${label} model, nor any other format Sanctum reads (first bytes: de ad be ef 00 ff 10 20)`,
        },
      ],
    })),
    {
      name: 'payload followed by garbage (nullifAI)',
      path: 'model.pkl',
      content: Uint8Array.from([...payload.subarray(0, 24), 0xff, 0x00]),
      findings: [
        {
          ...col(24, 25),
          message: 'Pickle stream is malformed: invalid pickle opcode 0xff at byte 24; the 1 import(s) before the break were analysed',
        },
      ],
    },
    {
      name: 'truncated stream',
      path: 'model.pkl',
      content: payload.subarray(0, 20),
      findings: [{ ...col(18, 19), message: /ends unexpectedly/ }],
    },
    {
      name: 'memo key never defined',
      path: 'model.pkl',
      content: pickle().proto(2).binget(9).stop().bytes(),
      findings: [{ ...col(2, 3), message: /memo key 9 is not defined/ }],
    },
    {
      name: 'zip without a central directory (members still read from local headers)',
      path: 'model.pt',
      content: zip().add('archive/data.pkl', pickle().proto(2).emptyDict().stop().bytes()).build({ centralDirectory: false }),
      findings: [
        {
          startLine: undefined as unknown as number,
          startColumn: undefined as unknown as number,
          endLine: undefined as unknown as number,
          endColumn: undefined as unknown as number,
          message: /no end of central directory record; read 1 member/,
        },
      ],
    },
  ],
});
