import type { CelFunc } from '@bufbuild/cel';
import type { RE2JS } from 're2js';
import { lazyModule } from '../core/lazy-module.js';

type CelLibrary = typeof import('@bufbuild/cel');

/**
 * Kubernetes' CEL regex library: `find(re)` (the first match, or '') and `findAll(re[, n])` (the
 * non-overlapping matches, at most n when n >= 0), e.g. `object.spec.image.find('@sha256:[0-9a-f]{64}$')`.
 *
 * The patterns come from policies, the strings from scanned manifests, so both run on RE2 engines:
 * linear in the input whatever the pattern. A pattern is first compiled by @bufbuild/re2, the
 * engine of CEL's own `matches()` here (Go's RE2 syntax: no backreferences or lookaround), so
 * `find` accepts exactly the patterns `matches` does; matches are then located by `re2js`, a
 * port of RE2 with positions (@bufbuild/re2 only answers yes or no).
 */

/** Compiled patterns, reused: a policy runs the same few on every object. */
const compiled = new Map<string, RE2JS>();
const MAX_CACHED = 256;

/** Loaded with the first pattern, as CEL itself is (see cel.ts). */
const syntaxEngine = lazyModule<typeof import('@bufbuild/re2')>('@bufbuild/re2');
const matchingEngine = lazyModule<typeof import('re2js')>('re2js');

function compile(pattern: string): RE2JS {
  let re = compiled.get(pattern);
  if (re) return re;
  try {
    syntaxEngine().RE2JS.compile(pattern);
    re = matchingEngine().RE2JS.compile(pattern);
  } catch (e) {
    throw new Error(`invalid regular expression '${pattern}': ${(e as Error).message}`, { cause: e });
  }
  if (compiled.size >= MAX_CACHED) compiled.delete(compiled.keys().next().value!);
  compiled.set(pattern, re);
  return re;
}

/**
 * Why a pattern does not compile (Go's RE2 syntax, as `matches` and `find` take it), or undefined when it does. The API
 * server compiles a constant pattern when the policy is created, and refuses the policy when it does not compile.
 */
export function regexSyntaxError(pattern: string): string | undefined {
  try {
    syntaxEngine().RE2JS.compile(pattern);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** The matches of the pattern, as Go's `FindAllString`: an empty match right after a match is not one. */
export function findAll(text: string, pattern: string, limit = -1): string[] {
  const out: string[] = [];
  if (limit === 0) return out;
  const m = compile(pattern).matcher(text);
  let previousEnd = -1;
  while (m.find()) {
    const start = m.start();
    const end = m.end();
    if (start === end && start === previousEnd) continue;
    previousEnd = end;
    out.push(m.group() ?? '');
    if (limit > 0 && out.length >= limit) break;
  }
  return out;
}

/** The first match of the pattern, or '' when there is none. */
export function find(text: string, pattern: string): string {
  const m = compile(pattern).matcher(text);
  return m.find() ? (m.group() ?? '') : '';
}

/** The CEL functions of the library, made with the CEL library given (loaded lazily by the caller). */
export function regexFunctions(cel: CelLibrary): CelFunc[] {
  const { celMethod, CelScalar, listType } = cel;
  const { STRING, INT } = CelScalar;
  return [
    celMethod('find', STRING, [STRING], STRING, function (pattern) {
      return find(this, pattern);
    }),
    celMethod('findAll', STRING, [STRING], listType(STRING), function (pattern) {
      return findAll(this, pattern);
    }),
    celMethod('findAll', STRING, [STRING, INT], listType(STRING), function (pattern, n) {
      return findAll(this, pattern, Number(n < -1n ? -1n : n));
    }),
  ];
}

/** True when the whole text matches the pattern (linear time, as find). */
export function matchesWhole(text: string, pattern: string): boolean {
  return compile(pattern).matcher(text).matches();
}
