import { testRule } from '../../testing/rule-tester.js';
import { pickle } from './lib/builders/pickle-builder.js';
import { zip } from './lib/builders/zip-builder.js';
import { rar5, sevenZip } from './lib/builders/formats-builder.js';
import { gzipTarBomb, tar } from './lib/builders/tar-builder.js';
import { gzipSync } from 'node:zlib';
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
    {
      name: 'a tarball with as many members as the limit',
      path: 'model.tar',
      content: tar([
        ['model.pkl', pkl],
        ['a.txt', 'a'],
        ['b.txt', 'b'],
      ]),
      limits: { maxArchiveEntries: 3 },
    },
    {
      name: 'a model.tar.gz that decompresses to exactly the limit',
      path: 'model.tar.gz',
      content: gzipSync(tar([['model.pkl', pkl]], { end: false })),
      limits: { maxDecompressedBytes: 1024 },
    },
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
      name: 'a member name with control and format characters is shown escaped (it was quoted raw, escape sequences included)',
      path: 'model.pt',
      content: zip().add('archive/\u001b[2J\rdata\u202e.pkl', pkl, { rawMethod: 14 }).build(),
      findings: [
        {
          ...whole,
          message:
            "Unsupported content: zip member 'archive/\\x1b[2J\\x0ddata\\u202e.pkl' uses compression method 14, which is not supported; not scanned",
        },
      ],
    },
    {
      name: 'a tarball that holds a model, past the member limit: how many members were not read',
      path: 'model.tar',
      content: tar([
        ['model.pkl', pkl],
        ['a.txt', 'a'],
        ['b.txt', 'b'],
        ['c.txt', 'c'],
        ['d.txt', 'd'],
      ]),
      limits: { maxArchiveEntries: 3 },
      findings: [
        {
          ...whole,
          message: 'Scan bound reached: tar archive has 5 members, over the limit of 3 members per archive: 2 member(s) not read',
        },
      ],
    },
    {
      name: 'a zip that holds a model, past the member limit',
      path: 'bundle.zip',
      content: zip().add('m/data.pkl', pkl).add('a.txt', 'a').add('b.txt', 'b').build(),
      limits: { maxArchiveEntries: 2 },
      findings: [
        {
          ...whole,
          message: 'Scan bound reached: zip archive has 3 members, over the limit of 2 members per archive: 1 member(s) not read',
        },
      ],
    },
    {
      name: 'a gzip bomb after a model in a model.tar.gz: the limit, and the member that reached it',
      path: 'model.tar.gz',
      content: gzipTarBomb([['model.pkl', pkl]], 'weights.bin', 64 * 1024 * 1024),
      limits: { maxDecompressedBytes: 4 * 1024 * 1024 },
      findings: [
        {
          ...whole,
          message:
            "Scan bound reached: gzipped tar archive decompresses past the 4 MiB decompression limit (a decompression bomb?), reached in member 'weights.bin': it and the members after it were not read",
        },
      ],
    },
    {
      name: 'a zip member that declares a small size and inflates past the limit',
      path: 'model.pt',
      content: zip()
        .add('archive/data.pkl', Uint8Array.from([...pkl, ...new Uint8Array(8 * 1024 * 1024)]), { method: 'deflate', size: 100 })
        .build(),
      limits: { maxDecompressedBytes: 1024 * 1024 },
      findings: [
        {
          ...whole,
          message:
            "Scan bound reached: zip member 'archive/data.pkl' decompresses past the 1 MiB decompression limit (a decompression bomb?); not scanned",
        },
      ],
    },
    {
      name: 'a 7z archive inside a model.tar.gz is reported, not skipped',
      path: 'model.tar.gz',
      content: gzipSync(tar([['weights.7z', sevenZip(pkl)]])),
      findings: [
        { startLine: 1, startColumn: 1, endLine: 1, endColumn: 7, message: /^Unsupported content: 7z archive: Sanctum does not read/ },
      ],
    },
    {
      name: 'a RAR archive on its own',
      path: 'checkpoints.rar',
      content: rar5(),
      findings: [
        { startLine: 1, startColumn: 1, endLine: 1, endColumn: 7, message: /^Unsupported content: RAR archive: Sanctum does not read/ },
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
