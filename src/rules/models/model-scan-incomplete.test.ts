import { testRule } from '../../testing/rule-tester.js';
import { pickle } from './lib/builders/pickle-builder.js';
import { zip } from './lib/builders/zip-builder.js';
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
