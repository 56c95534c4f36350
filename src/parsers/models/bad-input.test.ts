import { describe, it } from 'vitest';
import { DEFAULT_LIMITS, ParseFailure } from '../../core/parser.js';
import { MemorySourceFile } from '../../core/source-file.js';
import { gguf, packedSafetensors } from '../../rules/models/lib/builders/formats-builder.js';
import { dense, hdf5, kerasArchive, kerasConfig, lambdaLayer } from '../../rules/models/lib/builders/keras-builder.js';
import { joblibDump, npy, objectArrayPickle } from '../../rules/models/lib/builders/npy-builder.js';
import { osSystemPayload, pickle, torchStateDictPickle } from '../../rules/models/lib/builders/pickle-builder.js';
import { onnxModel, savedModel } from '../../rules/models/lib/builders/protobuf-builder.js';
import { torchZip, zip } from '../../rules/models/lib/builders/zip-builder.js';
import { modelParser } from './model-parser.js';

const fixtures: [string, Uint8Array][] = [
  ['model.pt', torchZip(torchStateDictPickle([{ name: 'w', key: '0', shape: [4, 4] }]), { '0': new Uint8Array(64) })],
  ['model.pkl', osSystemPayload('id', 4)],
  ['text.pkl', pickle().mark().string('x').inst('os', 'system').stop().bytes()],
  ['model.joblib', joblibDump([1, 2, 3])],
  [
    'a.npy',
    npy(
      '|O',
      [1],
      objectArrayPickle((p) => p.str('x')),
    ),
  ],
  [
    'w.npz',
    zip()
      .add('a.npy', npy('<f4', [2], new Uint8Array(8)), { method: 'deflate' })
      .build({ zip64: true }),
  ],
  ['m.safetensors', packedSafetensors({ a: { dtype: 'F32', shape: [2] } }, { format: 'pt' })],
  [
    'm.gguf',
    gguf({
      'tokenizer.ggml.tokens': { type: 'strings', value: ['a', 'b'] },
      'tokenizer.chat_template': { type: 'string', value: '{{ x }}' },
    }),
  ],
  ['m.onnx', onnxModel({ nodes: [{ op: 'Loop', subgraph: [{ op: 'Relu' }] }], initializers: [{ name: 'w', location: 'w.bin' }] })],
  ['m/saved_model.pb', savedModel([{ op: 'ReadFile', name: 'r' }], [{ name: 'f', ops: [{ op: 'Relu', name: 'x' }] }])],
  ['m.keras', kerasArchive(kerasConfig([dense('d'), lambdaLayer('l')]))],
  ['m.h5', hdf5([['model_config', JSON.stringify(kerasConfig([dense('d')]))]])],
];

/** A small deterministic generator (mulberry32), so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function parseOrFail(name: string, bytes: Uint8Array): void {
  const file = new MemorySourceFile(name, bytes);
  if (!modelParser.matches(file)) return;
  try {
    modelParser.parse(file, { limits: { ...DEFAULT_LIMITS, maxDecompressedBytes: 1 << 20 } });
  } catch (e) {
    if (!(e instanceof ParseFailure)) throw new Error(`${name} (${bytes.length} bytes): ${(e as Error).message}`, { cause: e });
  }
}

describe('bad model files never crash the parser', () => {
  for (const [name, good] of fixtures) {
    it(`${name}: every truncation and 300 random corruptions`, () => {
      for (let n = 0; n < good.length; n++) parseOrFail(name, good.subarray(0, n));
      const random = rng(good.length);
      for (let i = 0; i < 300; i++) {
        const bad = Uint8Array.from(good);
        const flips = 1 + Math.floor(random() * 4);
        for (let k = 0; k < flips; k++) bad[Math.floor(random() * bad.length)] = Math.floor(random() * 256);
        parseOrFail(name, bad);
      }
    });
  }

  it('survives hostile sizes: huge declared lengths, deep nesting, many marks', () => {
    const huge = pickle().proto(4).raw([0x8d, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]).stop().bytes();
    parseOrFail('huge.pkl', huge);
    const marks = pickle().proto(2);
    for (let i = 0; i < 100_000; i++) marks.mark();
    parseOrFail('marks.pkl', marks.stop().bytes());
    const tuples = pickle().proto(2).none();
    for (let i = 0; i < 100_000; i++) tuples.tuple1();
    parseOrFail('tuples.pkl', tuples.stop().bytes());
    const bigHeader = new Uint8Array(16);
    new DataView(bigHeader.buffer).setBigUint64(0, 0xffffffffffffn, true);
    bigHeader.set([0x7b, 0x22], 8);
    parseOrFail('m.safetensors', bigHeader);
  });
});
