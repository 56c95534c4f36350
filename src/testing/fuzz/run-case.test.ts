import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Parser } from '../../core/parser.js';
import { DEFAULT_LIMITS } from '../../core/parser.js';
import { MemorySourceFile } from '../../core/source-file.js';
import { osPackagesParser } from '../../parsers/os-packages/os-packages-parser.js';
import { inlineGoElf } from '../go-elf.js';
import { testVulnerabilities } from '../memory-vulnerabilities.js';
import { imagePathCheck, runCase, showsGoBuildInfo } from './run-case.js';

describe('imagePathCheck: the paths an image case may name in its errors', () => {
  const cwd = join(tmpdir(), 'sanctum-fuzz-case-1');
  const own = imagePathCheck(cwd, 'image.tar', new Set(['example.com/app:1']));

  it('takes the archive, the image, its documents and its own files', () => {
    for (const p of [
      'image.tar',
      'image.tar#1',
      'example.com/app:1',
      '/etc/passwd',
      '/usr/local/bin/server',
      '/tmp/cache.bin',
      'layer 2 (sha256:abc)',
    ])
      expect(own(p)).toBe(true);
  });

  it('refuses paths of this machine: a spool file, the case directory, the working directory', () => {
    for (const p of [
      join(tmpdir(), 'sanctum-image-Ab12Cd', 'spool-3'),
      join(cwd, 'image.tar'),
      cwd,
      join(process.cwd(), 'package.json'),
      'other.tar',
    ])
      expect(own(p)).toBe(false);
  });
});

describe('the check that a binary parser which takes a file says something of it, for ELF files', () => {
  /** A reader of executables that passes over every one, as the Go reader did when the fuzzer hid build information from it. */
  const passesOver: Parser = { name: 'os-packages', produces: ['deps'], matches: () => true, parse: () => ({ documents: [] }) };
  const silent = (bytes: Buffer) =>
    runCase('bin/app', bytes, { vulnerabilities: testVulnerabilities(), parsers: [passesOver] }).filter((p) => p.kind === 'silent');
  const program = () => inlineGoElf('go1.22.1', 'path\texample.com/app\n');

  it('lets an ELF file without a trace of Go build information be passed over', () => {
    const other = program();
    other[128] = 0;
    other.write('.data.notmine', other.indexOf('.go.buildinfo'), 'latin1');
    expect(showsGoBuildInfo(other)).toBe(false);
    expect(silent(other)).toEqual([]);
  });

  it('fails one that shows its header (at any alignment) or the name of its section, passed over in silence', () => {
    const moved = program();
    moved.copy(moved, 129, 128, 160);
    moved.write('.data.notmine', moved.indexOf('.go.buildinfo'), 'latin1');
    const named = program();
    named[128] = 0;
    for (const bytes of [program(), moved, named]) {
      expect(showsGoBuildInfo(bytes)).toBe(true);
      expect(silent(bytes)).toEqual([{ kind: 'silent', detail: 'os-packages took the file and neither read it nor said why' }]);
    }
  });

  it('agrees with the Go reader: what the check takes for build information, the real parser reads or says is damaged', () => {
    const real = (bytes: Buffer) =>
      runCase('bin/app', bytes, { vulnerabilities: testVulnerabilities(), parsers: [osPackagesParser] }).filter((p) => p.kind === 'silent');
    const moved = program();
    moved.copy(moved, 129, 128, 160);
    moved.write('.data.notmine', moved.indexOf('.go.buildinfo'), 'latin1');
    // The section renamed and the header shifted by one byte (found by review: a case combining both was flagged silent).
    expect(osPackagesParser.parse(new MemorySourceFile('bin/app', moved), { limits: DEFAULT_LIMITS })).toEqual({
      documents: [],
      errors: [
        {
          message:
            'Go build information cannot be read: a build information header lies at byte 129, off the 16-byte alignment Go writes it at: the file is damaged',
        },
      ],
    });
    // The header before the writable segment Go's reader looks at: no build information for either.
    const before = Buffer.from(moved);
    before.writeBigUInt64LE(144n, 72);
    expect(showsGoBuildInfo(before)).toBe(false);
    for (const bytes of [program(), moved, before]) expect(real(bytes)).toEqual([]);
  });
});
