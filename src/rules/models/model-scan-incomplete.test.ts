import { testRule } from '../../testing/rule-tester.js';
import { pickle } from './lib/builders/pickle-builder.js';
import { zip } from './lib/builders/zip-builder.js';
import { rar5, sevenZip } from './lib/builders/formats-builder.js';
import rule from './model-scan-incomplete.js';

const pkl = pickle().proto(2).emptyDict().stop().bytes();
const nested = (depth: number): Uint8Array =>
  depth === 0
    ? zip().add('data.pkl', pkl).build()
    : zip()
        .add(`level${depth}.zip`, nested(depth - 1))
        .build();
const none = undefined as unknown as number;
const whole = { startLine: none, startColumn: none, endLine: none, endColumn: none };

testRule(rule, {
  valid: [
    {
      name: 'stored and deflated members',
      path: 'model.pt',
      content: zip().add('a/data.pkl', pkl).add('b/data.pkl', pkl, { method: 'deflate' }).build(),
    },
    { name: 'archives nested within the depth limit', path: 'bundle.zip', content: nested(2) },
  ],
  invalid: [
    {
      name: 'a 7z archive is reported, not skipped',
      path: 'checkpoints.7z',
      content: sevenZip(pkl),
      findings: [
        {
          startLine: 1,
          startColumn: 1,
          endLine: 1,
          endColumn: 7,
          message:
            'Unsupported content: 7z archive: Sanctum does not read this archive format, so any model files inside it were not scanned',
        },
      ],
    },
    {
      name: 'a RAR archive inside a zip, whatever its name',
      path: 'bundle.zip',
      content: zip().add('weights.bin', rar5()).build(),
      findings: [{ startLine: 1, startColumn: 1, endLine: 1, endColumn: 7, message: /RAR archive: Sanctum does not read/ }],
    },
    {
      name: 'unsupported compression method',
      path: 'model.pt',
      content: zip().add('archive/data.pkl', pkl, { rawMethod: 14 }).build(),
      findings: [
        {
          ...whole,
          message: "Unsupported content: zip member 'archive/data.pkl' uses compression method 14, which is not supported; not scanned",
        },
      ],
    },
    {
      name: 'archives nested too deep',
      path: 'bundle.zip',
      content: nested(4),
      findings: [{ ...whole, message: /level1\.zip' is an archive nested deeper than 3 levels/ }],
    },
  ],
});
