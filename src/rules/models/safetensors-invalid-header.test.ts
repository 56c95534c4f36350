import { testRule } from '../../testing/rule-tester.js';
import { packedSafetensors, safetensors } from './lib/builders/formats-builder.js';
import rule from './safetensors-invalid-header.js';

const f32 = (begin: number, end: number, shape = [(end - begin) / 4]) => ({ dtype: 'F32', shape, data_offsets: [begin, end] });
const at = (start: number, end: number) => ({ startLine: 1, startColumn: start + 1, endLine: 1, endColumn: end + 1 });

/** A tensor name that would end a terminal line, erase it and write another, then turn the text after it around. */
const EVIL = 'ok\n\x1b[2Kfake finding\u202e';

const TENSORS = 60_000;
const MANY = Object.fromEntries(Array.from({ length: TENSORS }, (_, i) => [`t${i}`, f32(4 * i, 4 * i + 4, i === TENSORS - 1 ? [2] : [1])]));
const LAST_KEY = 8 + JSON.stringify(MANY).indexOf(`,"t${TENSORS - 1}":`) + 1;

testRule(rule, {
  valid: [
    {
      name: 'tensors packed back to back, with metadata',
      path: 'model.safetensors',
      content: packedSafetensors(
        { 'a.weight': { dtype: 'F32', shape: [2, 3] }, 'a.bias': { dtype: 'F16', shape: [3] }, step: { dtype: 'I64', shape: [] } },
        { format: 'pt' },
      ),
    },
    { name: 'no tensors', path: 'empty.safetensors', content: safetensors({}, new Uint8Array(0)) },
    { name: 'any name', path: 'weights.bin', content: packedSafetensors({ w: { dtype: 'F32', shape: [1] } }) },
  ],
  invalid: [
    {
      name: 'offsets outside the data buffer',
      path: 'model.safetensors',
      content: safetensors({ w: f32(0, 64) }, new Uint8Array(16)),
      findings: [{ ...at(9, 12), message: "safetensors header is invalid: tensor 'w' data [0, 64) lies outside the 16-byte data buffer" }],
    },
    {
      name: 'overlapping tensors',
      path: 'model.safetensors',
      content: safetensors({ a: f32(0, 8), b: f32(4, 12) }, new Uint8Array(12)),
      findings: [{ ...at(62, 65), message: /tensor 'b' data \[4, 12\) overlaps another tensor/ }],
    },
    {
      name: 'size that does not match the shape',
      path: 'model.safetensors',
      content: safetensors({ a: f32(0, 8, [3]) }, new Uint8Array(8)),
      findings: [{ ...at(9, 12), message: /is 8 bytes but shape \[3\] of F32 needs 12/ }],
    },
    {
      name: 'gap, unknown dtype, bad metadata',
      path: 'model.safetensors',
      content: safetensors(
        { __metadata__: { n: 1 }, a: f32(4, 8), c: { dtype: 'F128', shape: [1], data_offsets: [8, 24] } },
        new Uint8Array(24),
      ),
      findings: [
        { ...at(9, 23), message: /__metadata__ must map strings to strings/ },
        { ...at(85, 88), message: /unknown dtype "F128"/ },
        { ...at(32, 35), message: /4 unused bytes before tensor 'a'/ },
      ],
    },
    {
      name: 'a dtype named like an Object property is unknown',
      path: 'model.safetensors',
      content: safetensors({ a: { dtype: 'constructor', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)),
      findings: [{ ...at(9, 12), message: /unknown dtype "constructor"/ }],
    },
    {
      name: 'a tensor named like a dtype is found at its key, not at a dtype value before it',
      path: 'model.safetensors',
      content: safetensors({ a: f32(0, 4), F32: f32(4, 12, [1]) }, new Uint8Array(12)),
      findings: [{ ...at(62, 67), message: /tensor 'F32' is 8 bytes but shape \[1\] of F32 needs 4/ }],
    },
    {
      name: 'a header of many tensors is read in one pass (each tensor was looked for from the start of the header)',
      path: 'model.safetensors',
      content: safetensors(MANY, new Uint8Array(4 * TENSORS)),
      findings: [
        {
          ...at(LAST_KEY, LAST_KEY + `"t${TENSORS - 1}"`.length),
          message: new RegExp(`tensor 't${TENSORS - 1}' is 4 bytes but shape \\[2\\]`),
        },
      ],
    },
    {
      name: 'a tensor name with a line break, terminal escapes and a bidirectional override is quoted printable',
      path: 'model.safetensors',
      content: safetensors({ [EVIL]: f32(0, 64) }, new Uint8Array(16)),
      findings: [
        {
          // Columns of a model file are bytes: the override is three.
          ...at(9, 9 + Buffer.byteLength(JSON.stringify(EVIL))),
          message:
            "safetensors header is invalid: tensor 'ok\\x0a\\x1b[2Kfake finding\\u202e' data [0, 64) lies outside the 16-byte data buffer",
          evidence: "tensor 'ok\\x0a\\x1b[2Kfake finding\\u202e' data [0, 64) lies outside the 16-byte data buffer",
        },
      ],
    },
    {
      name: 'a very long tensor name, and a dtype of control characters, are quoted cut and printable',
      path: 'model.safetensors',
      content: safetensors(
        { ['n'.repeat(100_000)]: f32(0, 4, [2]), d: { dtype: '\x07'.repeat(500), shape: [1], data_offsets: [4, 8] } },
        new Uint8Array(8),
      ),
      findings: [
        {
          ...at(9, 100_011),
          message: `safetensors header is invalid: tensor '${'n'.repeat(120)}… (100000 characters)' is 4 bytes but shape [2] of F32 needs 8`,
        },
        {
          ...at(100_061, 100_064),
          message: `safetensors header is invalid: tensor 'd' has an unknown dtype "${'\\x07'.repeat(120)}… (500 characters)"`,
        },
      ],
    },
    {
      name: 'header that is not JSON',
      path: 'model.safetensors',
      content: safetensors({ a: f32(0, 4) }, new Uint8Array(4)).map((b, i) => (i === 13 ? 0x5b : b)),
      // Without the text V8's message quotes from the header (its tensor names, here `"a"`).
      findings: [{ ...at(8, 64), message: /^(?![\s\S]*"a")[\s\S]*not valid JSON/ }],
    },
    {
      name: 'header larger than loaders accept',
      path: 'model.safetensors',
      content: safetensors({ a: f32(0, 4) }, new Uint8Array(200_000_000 / 1e6), 150_000_000).slice(0, 100),
      findings: [{ ...at(0, 8), message: /header length 150000000 is over the 100000000-byte limit/ }],
    },
  ],
});
