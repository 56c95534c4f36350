/**
 * One fuzz case, in process: the file is scanned through the public scan API, and offered to each
 * parser directly (to tell a parser's own clear failure from a JavaScript error escaping it). What
 * counts as a problem is the contract of DESIGN.md for bad input: no exception escapes the scan,
 * every failure is an entry of `errors` naming the file in words (not a `TypeError`'s message), no
 * rule fails on what a parser produced, and a binary file a parser takes is read or said unread.
 */
import type { Parser } from '../../core/parser.js';
import { DEFAULT_LIMITS, parserLimit } from '../../core/parser.js';
import { MemorySourceFile } from '../../core/source-file.js';
import type { VulnerabilitySource } from '../../core/vulnerability.js';
import { allParsers } from '../../parsers/index.js';
import { isElf, showsGoBuildInfo as readerSeesGoBuildInfo } from '../../parsers/os-packages/go-buildinfo.js';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import type { ScanError } from '../../core/types.js';
import { loadContext } from '../../runtime/context.js';
import { WorkloadIndex } from '../../runtime/workloads.js';
import { scanSync, type ScanOptions } from '../../scan.js';
import { CONFIG_PATH, FACTS_PATH, HISTORY_PATH, scanImage } from '../../scan-image.js';
import type { RendererOptions } from '../../sources/renderers.js';

export type ProblemKind =
  'exception' | 'parser-error' | 'internal-message' | 'rule-failure' | 'foreign-path' | 'silent' | 'allocation' | 'memory' | 'hang';

export interface Problem {
  kind: ProblemKind;
  detail: string;
}

/** A file named as a scan target, as the CLI gives it: binary content no parser reads is said, not passed over. */
class TargetFile extends MemorySourceFile {
  readonly namedTarget = true;
}

/**
 * Messages of JavaScript's own errors (and of Node's argument checks), which say nothing to a user
 * about the file: the sign of an exception that a parser or rule did not expect.
 */
const INTERNAL_MESSAGE =
  /Cannot read propert|Cannot set propert|is not a function|is not iterable|is not defined|is not a constructor|Cannot convert|Cannot destructure|Invalid array length|Invalid typed array length|Invalid string length|Array buffer allocation failed|Offset is outside the bounds|out of range|Maximum call stack|\[object Object\]|\bundefined\b|\bNaN\b|ERR_[A-Z_]+/;

/** JavaScript's own error classes: a parser that means to fail throws its own error with a message in words. */
function builtinError(e: unknown): e is Error {
  if (!(e instanceof Error)) return true;
  if (e instanceof RangeError && /call stack/i.test(e.message)) return false;
  return (
    e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError || e instanceof SyntaxError || e instanceof URIError
  );
}

/** The first frames of a stack inside the project, for telling one bug from another. */
export function frames(e: unknown, n = 3): string {
  const stack = e instanceof Error ? (e.stack ?? '') : '';
  return stack
    .split('\n')
    .filter((l) => /^\s+at /.test(l) && !/node:internal|node_modules/.test(l))
    .slice(0, n)
    .map((l) => l.trim().replace(/\(?(?:file:\/\/)?\/[^\s()]*\/(src\/[^\s():]+):(\d+):\d+\)?/, '$1:$2'))
    .join(' < ');
}

/**
 * True when an ELF file shows Go build information where the Go reader looks for it (the
 * `.go.buildinfo` section or Go's 64 KiB window, and the first 64 MiB of a file whose headers cannot
 * be trusted: `showsGoBuildInfo` of go-buildinfo.ts, which says where): a header at any alignment, or
 * the section name. Bytes elsewhere are not build information, for Go's reader either.
 */
export function showsGoBuildInfo(bytes: Uint8Array): boolean {
  try {
    return readerSeesGoBuildInfo({ size: bytes.length, read: (o, l) => bytes.subarray(o, Math.min(o + l, bytes.length)) });
  } catch {
    // Headers the reader cannot start on (an ELF file shorter than its header): it says so itself.
    return true;
  }
}

/** Parsers that read binary formats by structure: taking such a file and saying nothing of it skips it silently. */
const BINARY_PARSERS = new Set(['model', 'os-packages']);

export interface CaseOptions {
  vulnerabilities: VulnerabilitySource;
  /** Parsers offered the file directly (by default every parser of a scan). */
  parsers?: readonly Parser[];
}

export function runCase(path: string, bytes: Uint8Array, opts: CaseOptions): Problem[] {
  const problems: Problem[] = [];
  for (const parser of opts.parsers ?? allParsers) {
    const file = new TargetFile(path, bytes);
    let matched: boolean;
    try {
      matched = parser.matches(file);
    } catch (e) {
      problems.push({ kind: 'parser-error', detail: `${parser.name}.matches threw ${describe(e)}` });
      continue;
    }
    if (!matched || file.size > parserLimit(parser, file, DEFAULT_LIMITS)) continue;
    try {
      const out = parser.parse(file, { limits: DEFAULT_LIMITS });
      // An ELF file without Go build information is no package source: passed over, as every executable
      // that is not Go. One that shows a trace of it where the reader looks (a header at any alignment,
      // a `.go.buildinfo` section or name) is a Go program, damaged or not: read or said to be damaged.
      const notGo = parser.name === 'os-packages' && isElf(bytes) && !showsGoBuildInfo(bytes);
      if (BINARY_PARSERS.has(parser.name) && !notGo && out.documents.length === 0 && !out.errors?.length)
        problems.push({ kind: 'silent', detail: `${parser.name} took the file and neither read it nor said why` });
    } catch (e) {
      if (builtinError(e)) problems.push({ kind: 'parser-error', detail: `${parser.name}.parse threw ${describe(e)}` });
    }
  }

  problems.push(
    ...scanProblems({ targets: [path], files: [new TargetFile(path, bytes)], vulnerabilities: opts.vulnerabilities }, (p) => p === path),
  );
  return problems;
}

/** A directory case: `target` (relative to `cwd`) scanned from disk, Helm charts and Kustomize overlays rendered by `renderers`. */
export function runTreeCase(cwd: string, target: string, opts: CaseOptions & { renderers: RendererOptions }): Problem[] {
  return scanProblems(
    { targets: [target], cwd, vulnerabilities: opts.vulnerabilities, renderers: opts.renderers },
    (p) => p === target || p.startsWith(`${target}/`),
  );
}

/**
 * A container image archive at `target` (relative to `cwd`), scanned as `sanctum image` does: its
 * errors name the archive, or a file of the image (an absolute path inside it) or of its config.
 */
export async function runImageCase(cwd: string, target: string, opts: CaseOptions): Promise<Problem[]> {
  let result;
  try {
    result = await scanImage({
      images: [target],
      cwd,
      vulnerabilities: opts.vulnerabilities,
      config: false,
      policies: false,
      today: '2026-06-01',
    });
  } catch (e) {
    return [{ kind: 'exception', detail: `scanImage threw ${describe(e)}` }];
  }
  // An image is named by what it says of itself too (a tag of the archive's manifest.json), and a layer by its digest.
  const refs = new Set((result.images ?? []).map((i) => i.ref));
  return errorProblems(result.errors, imagePathCheck(cwd, target, refs));
}

/**
 * Whether an error of an image case names the archive, the image or one of its own files. A file of
 * the image is an absolute path inside it, as the walker reports it; an absolute path of this machine
 * is no file of the image: one under the case's directory, the working directory, or a directory a
 * scan makes under the OS temporary directory (`sanctum-…`, where large files are spooled). An image
 * may hold a `/tmp` of its own, so the temporary directory is not refused whole.
 */
export function imagePathCheck(cwd: string, target: string, refs: ReadonlySet<string>): (path: string) => boolean {
  const hostDirs = [resolve(cwd), process.cwd()].filter((d) => d !== sep).map((d) => (d.endsWith(sep) ? d : d + sep));
  const scanTemp = join(tmpdir(), 'sanctum-');
  const hostPath = (p: string) => p.startsWith(scanTemp) || hostDirs.some((d) => p.startsWith(d) || p === d.slice(0, -1));
  return (p) =>
    p === target ||
    p.startsWith(`${target}#`) ||
    refs.has(p) ||
    (p.startsWith('/') && !hostPath(p)) ||
    IMAGE_DOCUMENTS.has(p) ||
    /^layer \d+ \(/.test(p);
}

const IMAGE_DOCUMENTS = new Set([CONFIG_PATH, HISTORY_PATH, FACTS_PATH]);

/** A context file at `target` (relative to `cwd`) loaded as `sanctum audit --context` does: its problems are said, never thrown. */
export function runContextCase(cwd: string, target: string): Problem[] {
  let load;
  try {
    load = loadContext(join(cwd, target), new WorkloadIndex(1000), cwd);
  } catch (e) {
    return [{ kind: 'exception', detail: `loadContext threw ${describe(e)}` }];
  }
  return load.errors.filter((m) => INTERNAL_MESSAGE.test(unquoted(m))).map((m): Problem => ({ kind: 'internal-message', detail: m }));
}

function scanProblems(opts: ScanOptions, ownPath: (path: string) => boolean): Problem[] {
  let result;
  try {
    result = scanSync({ ...opts, config: false, policies: false, today: '2026-06-01' });
  } catch (e) {
    return [{ kind: 'exception', detail: `scanSync threw ${describe(e)}` }];
  }
  return errorProblems(result.errors, ownPath);
}

function errorProblems(errors: readonly ScanError[], ownPath: (path: string) => boolean): Problem[] {
  const problems: Problem[] = [];
  for (const e of errors) {
    if (!ownPath(e.path)) problems.push({ kind: 'foreign-path', detail: `error names ${JSON.stringify(e.path)}: ${e.message}` });
    // Nesting too deep for a rule's recursion is said and the other rules go on (see code-parser.test.ts).
    if (/^rule \S+ \(\S+\) failed: /.test(e.message) && !e.message.endsWith('nesting too deep to parse'))
      problems.push({ kind: 'rule-failure', detail: e.message });
    else if (INTERNAL_MESSAGE.test(unquoted(e.message))) problems.push({ kind: 'internal-message', detail: e.message });
  }
  return problems;
}

/** A message without what it quotes of the file (a member name that reads `NaN` is no sign of a bug). */
function unquoted(message: string): string {
  return (
    message
      // JSON.parse's excerpt of the text around a syntax error (`Unexpected token 'N', ..."a":NaN}"... is not valid JSON`).
      .replace(/(Unexpected token .{1,3}, )[\s\S]* is not valid JSON/g, '$1… is not valid JSON')
      .replace(/'[^'\n]*'|"[^"\n]*"|`[^`\n]*`/g, '…')
  );
}

function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  return `${e.name}: ${e.message.split('\n')[0].slice(0, 200)} at ${frames(e)}`;
}

/** What tells one bug from another: the kind and the message with its numbers, quoted names and positions taken out. */
export function signature(p: Problem): string {
  return `${p.kind}: ${p.detail
    .replace(/'[^']*'|"[^"]*"|`[^`]*`/g, '…')
    .replace(/\d+/g, 'N')
    .slice(0, 300)}`;
}
