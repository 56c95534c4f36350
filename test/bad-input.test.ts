import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import type { ScanResult } from '../src/core/types.js';
import { MemorySourceFile } from '../src/core/source-file.js';
import { scanSync } from '../src/scan.js';

const POD =
  'apiVersion: v1\nkind: Pod\nmetadata:\n  name: ok\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n    securityContext:\n      privileged: true\n';
const HEADER = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n';

/** A YAML alias bomb: `levels` anchors, each a list of `fanout` aliases to the one before. */
function aliasBomb(levels: number, fanout: number, name = (level: number) => `l${level}`): string {
  let out = HEADER + `data:\n  l0: &${name(0)} "lol"\n`;
  for (let i = 1; i <= levels; i++) out += `  l${i}: &${name(i)} [${Array.from({ length: fanout }, () => `*${name(i - 1)}`).join(', ')}]\n`;
  return out;
}

/** A 5,000-character string and `n` aliases to it in a sequence: js-yaml turns such a sequence into one string at each use as a key. */
function heavySequence(n: number): string {
  return `  s: &s ${'x'.repeat(5000)}\n  a: &a [${Array.from({ length: n }, () => '*s').join(', ')}]\n`;
}

function deepBlock(depth: number): string {
  let out = HEADER + 'data:\n';
  for (let i = 0; i < depth; i++) out += ' '.repeat(2 * (i + 1)) + `k${i}:\n`;
  return out + ' '.repeat(2 * (depth + 1)) + 'leaf: 1\n';
}

const INPUTS: Record<string, string | Uint8Array> = {
  'good.yaml': POD,
  'malformed.yaml': HEADER + 'data:\n  a: [unclosed\n  b: 1\n',
  'malformed-indent.yaml': POD + '   bad: indentation\n',
  'malformed.json': '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "j"},\n "spec": ',
  'duplicate-keys.yaml': POD + 'spec: {}\n',
  'binary.yaml': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]),
  'binary.json': new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xff]),
  'latin1.yml': Buffer.concat([Buffer.from(HEADER + 'data:\n  a: "caf'), Buffer.from([0xe9]), Buffer.from('"\n')]),
  'late-nul.yaml': HEADER + 'data:\n  a: "' + 'x'.repeat(9000) + '\u0000"\n',
  'bomb.yaml': aliasBomb(9, 10),
  // Mapping keys built from aliases, each turned into a string of 3 MB (600 aliases) to 100 MB (20,000) by js-yaml: 900 MB in all before.
  'alias-key.yaml':
    HEADER + 'data:\n' + heavySequence(600) + Array.from({ length: 300 }, (_, i) => `  m${i}:\n    ? *a\n    : 1\n`).join(''),
  'inplace-key.yaml':
    HEADER +
    `data:\n  s: &s ${'x'.repeat(5000)}\n` +
    Array.from({ length: 3 }, (_, i) => `  m${i}:\n    ? [${Array.from({ length: 20_000 }, () => '*s').join(', ')}]\n    : 1\n`).join(''),
  'nested-alias-key.yaml':
    HEADER +
    'data:\n' +
    heavySequence(600) +
    '  b: &b\n' +
    Array.from({ length: 100 }, (_, i) => `    m${i}:\n      ? *a\n      : 1\n`).join('') +
    '  c: [*b, *b, *b]\n',
  // Keys from a sequence of 20,000 aliases to a mapping, each 340,000 characters ([object Object] for each item): 150 were 51 MB.
  'mapping-alias-key.yaml':
    HEADER +
    `data:\n  t: &t {a: 1}\n  a: &a [${Array.from({ length: 20_000 }, () => '*t').join(', ')}]\n` +
    Array.from({ length: 150 }, (_, i) => `  m${i}:\n    ? *a\n    : 1\n`).join(''),
  // 600 merges of a 20-key mapping: js-yaml stops at the 477th (line 483), past its 10,000 keys.
  'merge-bomb.yaml':
    HEADER +
    `data:\n  base: &b {${Array.from({ length: 20 }, (_, i) => `k${i}: "${i}"`).join(', ')}}\n` +
    Array.from({ length: 600 }, (_, i) => `  m${i}: {<<: *b}\n`).join(''),
  'deep-block.yaml': deepBlock(150),
  'deep-flow.yaml': HEADER + 'data:\n  a: ' + '['.repeat(50_000) + ']'.repeat(50_000) + '\n',
  'deep.json': '{"apiVersion": "v1", "kind": "ConfigMap", "data": ' + '{"a": '.repeat(20_000) + '1' + '}'.repeat(20_000) + '}',
  'unknown-tag.yaml': HEADER + 'data:\n  a: !!binary aGVsbG8=\n  b: !!js/function "function () { return 1 }"\n',
};

let dir: string;
let result: ScanResult;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sanctum-bad-'));
  mkdirSync(join(dir, 'in'));
  for (const [name, content] of Object.entries(INPUTS)) writeFileSync(join(dir, 'in', name), content);
  // Over the default 10 MiB per-file limit, but well-formed.
  writeFileSync(join(dir, 'in', 'huge.yaml'), POD + ('# ' + 'x'.repeat(1022) + '\n').repeat(10 * 1024 + 1));
  symlinkSync('.', join(dir, 'in', 'loop'));
  symlinkSync('a-link', join(dir, 'in', 'b-link'));
  symlinkSync('b-link', join(dir, 'in', 'a-link'));
  // The misconfiguration scanners read YAML/JSON; the text parser of the secret scanner is left out so that
  // each file has the one error of the YAML parser.
  result = scanSync({ targets: ['in'], cwd: dir, config: false, scanners: ['misconfig'] });
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function errorFor(name: string): string {
  const e = result.errors.filter((x) => x.path === `in/${name}`);
  expect(e, `errors for ${name}`).toHaveLength(1);
  return e[0].message;
}

describe('bad input', () => {
  it('still scans the good file', () => {
    expect(
      result.findings.filter((f) => f.status === 'fail').map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine}`),
    ).toContain('K8S-0003 in/good.yaml:10');
  });

  it('reports malformed YAML and JSON with the line', () => {
    expect(errorFor('malformed.yaml')).toBe('YAML parse error at line 7: missed comma between flow collection entries');
    expect(result.errors.find((e) => e.path === 'in/malformed.yaml')?.line).toBe(7);
    expect(errorFor('malformed-indent.yaml')).toBe('YAML parse error at line 11: bad indentation of a sequence entry');
    expect(errorFor('malformed.json')).toBe('YAML parse error at line 3: unexpected end of the stream within a flow collection');
    expect(errorFor('duplicate-keys.yaml')).toBe('YAML parse error at line 11: duplicated mapping key');
  });

  it('reports binary content in files named like text', () => {
    for (const name of ['binary.yaml', 'binary.json']) expect(errorFor(name)).toBe('binary content in a YAML/JSON file; not scanned');
    // Text in another encoding is not binary: the error says what it is.
    expect(errorFor('latin1.yml')).toBe(
      'not UTF-8 text (perhaps Latin-1 or another legacy encoding: Sanctum reads YAML and JSON as UTF-8, or UTF-16 with a byte order mark); not scanned',
    );
    expect(errorFor('late-nul.yaml')).toBe('YAML parse error at line 1: null byte is not allowed in input');
  });

  it('rejects a YAML alias bomb without expanding it', () => {
    expect(errorFor('bomb.yaml')).toBe('YAML document 1 expands to more than 100000 nodes through aliases (an alias bomb?); not scanned');
  });

  it('rejects merge keys that copy too many keys, with the line', () => {
    expect(errorFor('merge-bomb.yaml')).toBe('YAML merge keys (<<) copy more than 10000 keys (line 483; an alias bomb?); not scanned');
    expect(result.errors.find((e) => e.path === 'in/merge-bomb.yaml')?.line).toBe(483);
  });

  it('rejects mapping keys built from aliases before building them, with the line', () => {
    const message = (line: number): string =>
      `YAML sequences hold more than 4194304 items and characters with aliases counted at each use (line ${line}; a sequence used as a mapping key is copied into a string at each use: an alias bomb?); not scanned`;
    // Each refused at the key that passes the bound: the second use of the sequence as a key, or the first in place.
    expect(errorFor('alias-key.yaml')).toBe(message(12));
    expect(result.errors.find((e) => e.path === 'in/alias-key.yaml')?.line).toBe(12);
    expect(errorFor('inplace-key.yaml')).toBe(message(8));
    expect(errorFor('nested-alias-key.yaml')).toBe(message(13));
    expect(errorFor('mapping-alias-key.yaml')).toBe(message(45));
  });

  it('rejects deeply nested documents, block, flow and JSON', () => {
    expect(errorFor('deep-block.yaml')).toBe('YAML nesting is deeper than the limit of 100 levels (line 104); not scanned');
    expect(errorFor('deep-flow.yaml')).toBe('YAML nesting is deeper than the limit of 100 levels (line 6); not scanned');
    expect(errorFor('deep.json')).toBe('YAML nesting is deeper than the limit of 100 levels (line 1); not scanned');
  });

  it('reports files over the size limit', () => {
    expect(errorFor('huge.yaml')).toBe('file is 10.0 MiB, over the 10.0 MiB limit of the yaml parser; not scanned');
  });

  it('never executes or constructs unknown tags', () => {
    expect(errorFor('unknown-tag.yaml')).toMatch(/^YAML parse error at line 6: unknown tag/);
  });

  it('survives symbolic link loops', () => {
    expect(errorFor('loop')).toBe('symbolic link loop (it points to a directory that contains it); not followed');
    expect(errorFor('a-link')).toBe('symbolic link loop; not followed');
    expect(errorFor('b-link')).toBe('symbolic link loop; not followed');
  });

  it('reports nothing else, and no message carries a stack trace or an absolute path', () => {
    const expected = [...Object.keys(INPUTS).filter((n) => n !== 'good.yaml'), 'huge.yaml', 'loop', 'a-link', 'b-link']
      .map((n) => `in/${n}`)
      .sort();
    expect(result.errors.map((e) => e.path).sort()).toEqual(expected);
    for (const e of result.errors) {
      expect(e.message).not.toMatch(/\n|\s+at .*:\d+:\d+/);
      expect(e.message).not.toContain(dir);
    }
    expect(result.stats.files).toBe(Object.keys(INPUTS).length + 1);
  });
});

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

describe('bad input through the CLI', () => {
  async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const stdout = new Sink();
    const stderr = new Sink();
    const code = await main(['node', 'sanctum', ...args], {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stderr: stderr as unknown as NodeJS.WriteStream,
      cwd: dir,
    });
    return { code, stdout: stdout.text, stderr: stderr.text };
  }

  it('lists the errors in JSON without stack traces and exits on findings, not on errors', async () => {
    const r = await run('scan', 'in', '--format', 'json', '--no-progress', '--no-color');
    const json = JSON.parse(r.stdout) as ScanResult;
    for (const e of result.errors) expect(json.errors).toContainEqual(e);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at .*:\d+:\d+/);
  });

  it('turns errors into exit 1 with --fail-on-error, and shows them in the table', async () => {
    const r = await run('scan', 'in/malformed.yaml', '--fail-on-error', '--no-progress', '--no-color');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('in/malformed.yaml');
    expect(r.stdout).toMatch(/YAML parse error at line/);
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at .*:\d+:\d+/);
    const ok = await run('scan', 'in/malformed.yaml', '--no-progress', '--no-color');
    expect(ok.code).toBe(0);
  });
});

describe('large documents without aliases', () => {
  it('are not mistaken for alias bombs', () => {
    const data = Array.from({ length: 60_000 }, (_, i) => `  k${i}: [a, b]`).join('\n');
    const r = scanSync({
      targets: ['.'],
      config: false,
      scanners: ['misconfig'],
      files: [
        new MemorySourceFile('big.yaml', `${HEADER}  annotations: {docs: "https://example.com/?a=1&b=2"}\ndata:\n${data}\n---\n${POD}`),
      ],
    });
    expect(r.errors).toEqual([]);
    expect(r.findings.some((f) => f.ruleId === 'K8S-0003')).toBe(true);
  });

  it('but a few aliases that expand past the limit are', () => {
    const r = scanSync({
      targets: ['.'],
      config: false,
      scanners: ['misconfig'],
      limits: { maxAliasExpansion: 1000 },
      files: [new MemorySourceFile('b.yaml', aliasBomb(3, 12))],
    });
    expect(r.errors).toEqual([
      { path: 'b.yaml', message: 'YAML document 1 expands to more than 1000 nodes through aliases (an alias bomb?); not scanned' },
    ]);
  });

  it('whatever the anchors are named: js-yaml ends a name only at a space, tab, line break or flow indicator', () => {
    const names = { nbsp: (i: number) => '\u00a0'.repeat(i + 1), amp: (i: number) => '&'.repeat(i + 1) };
    const r = scanSync({
      targets: ['.'],
      config: false,
      scanners: ['misconfig'],
      limits: { maxAliasExpansion: 1000 },
      files: Object.entries(names).map(([n, name]) => new MemorySourceFile(`${n}.yaml`, aliasBomb(3, 12, name))),
    });
    expect(r.errors.map((e) => `${e.path}: ${e.message}`).sort()).toEqual(
      ['amp', 'nbsp'].map(
        (n) => `${n}.yaml: YAML document 1 expands to more than 1000 nodes through aliases (an alias bomb?); not scanned`,
      ),
    );
  });

  it('the documents of a file share the one bound: many just under it each do not add up', () => {
    const scan = (docs: number) =>
      scanSync({
        targets: ['.'],
        config: false,
        scanners: ['misconfig'],
        limits: { maxAliasExpansion: 1000 },
        files: [new MemorySourceFile('m.yaml', Array.from({ length: docs }, () => aliasBomb(2, 25)).join('---\n'))],
      }).errors;
    // One document: 1 + 25 + 25 × 25 aliased nodes and its own, under the bound.
    expect(scan(1)).toEqual([]);
    expect(scan(4)).toEqual([
      { path: 'm.yaml', message: 'YAML documents 1 to 2 expand to more than 1000 nodes through aliases (an alias bomb?); not scanned' },
    ]);
  });
});

describe('large JSON that is not Kubernetes', () => {
  it('is ignored quietly, while a large JSON manifest is reported', () => {
    const big = 'x'.repeat(4096);
    const r = scanSync({
      targets: ['.'],
      config: false,
      scanners: ['misconfig'],
      limits: { maxFileBytes: 2048 },
      files: [
        new MemorySourceFile('tokenizer.json', JSON.stringify({ version: '1.0', model: { vocab: big } })),
        new MemorySourceFile('list.json', JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [], note: big })),
      ],
    });
    expect(r.errors).toEqual([{ path: 'list.json', message: 'file is 4.1 KiB, over the 2.0 KiB limit of the yaml parser; not scanned' }]);
  });
});
