import type { CelEnv, CelInput, CelValue } from '@bufbuild/cel';
import type { Expr } from '@bufbuild/cel-spec/cel/expr/syntax_pb.js';
import { lazyModule } from '../core/lazy-module.js';
import { cut } from '../core/printable.js';
import { AuthorizerUnknownError, authorizerFunctions } from './cel-authorizer.js';
import { ADMISSION_REQUEST, AUTHORIZER, checkTypes, CelTypeError, isTypeIdentifier, lineColumn } from './cel-checker.js';
import { formatFunctions } from './cel-format.js';
import { ipFunctions } from './cel-ip.js';
import { listFunctions } from './cel-lists.js';
import { expandMacros, MacroError, macroFunctions } from './cel-macros.js';
import { optionalFunctions } from './cel-optional.js';
import { identifierAt, numberLiteralEnd, rewriteOptionalSyntax, stringLiteralEnd } from './cel-optional-syntax.js';
import { quantityFunctions } from './cel-quantity.js';
import { regexFunctions, regexSyntaxError } from './cel-regex.js';
import { semverFunctions } from './cel-semver.js';
import { setFunctions } from './cel-sets.js';
import { urlFunctions } from './cel-urls.js';
import { DYN, type CelType } from './cel-types.js';

/**
 * CEL for policies, as Kubernetes' ValidatingAdmissionPolicy evaluates it: the standard functions
 * and macros, two-variable comprehensions, optional values, the strings, sets and lists extensions,
 * RE2 regular expressions (linear time), Kubernetes' quantity, list, regex, URL, IP/CIDR, semver and
 * format libraries, and a cost limit. What the API server has and this does not is a compile error
 * that says so.
 */

/** Functions of CEL libraries that Kubernetes may offer and Sanctum does not, with what they belong to. */
const UNSUPPORTED_FUNCTIONS = new Map<string, string>([
  ...['first', 'last'].map(
    (f) => [f, "no part of the API server's CEL (its lists extension is cel-go's version 3, which has none)"] as const,
  ),
]);

/**
 *
 * The cost of an expression is estimated before it runs, from its syntax tree and the size of the
 * data it is given: every node costs 1, and the body of a comprehension (`all`, `exists`, `map`,
 * `filter`) costs as many times as the largest list or map in the data has entries, nested
 * comprehensions multiplying. An expression over its limit is not evaluated and is reported.
 */

/** The default limit of one expression's estimated cost; Kubernetes allows 1,000,000 per expression. */
export const DEFAULT_COST_LIMIT = 1_000_000;

type CelLibrary = typeof import('@bufbuild/cel');
let library: CelLibrary | undefined;
let sharedEnv: CelEnv | undefined;
/** Functions with a namespace (`sets.contains`, `ip.isCanonical`): `sets` there is no variable. */
const qualifiedFunctions = new Set<string>();
const celModule = lazyModule<CelLibrary>('@bufbuild/cel');
const celExtensions = lazyModule<typeof import('@bufbuild/cel/ext')>('@bufbuild/cel/ext');
const protobuf = lazyModule<typeof import('@bufbuild/protobuf')>('@bufbuild/protobuf');
const wellKnownTypes = lazyModule<typeof import('@bufbuild/protobuf/wkt')>('@bufbuild/protobuf/wkt');

/** Loaded when the first policy is compiled: scans without policies never pay for it (it takes a good part of a second). */
function cel(): CelLibrary {
  if (!library) {
    library = celModule();
    const { strings } = celExtensions();
    const funcs = [
      ...strings,
      ...quantityFunctions(library),
      ...listFunctions(library),
      ...macroFunctions(library),
      ...urlFunctions(library),
      ...regexFunctions(library),
      ...ipFunctions(library),
      ...semverFunctions(library),
      ...setFunctions(library),
      ...optionalFunctions(library),
      ...formatFunctions(library),
      ...authorizerFunctions(library),
    ];
    for (const f of funcs) if (f.name.includes('.')) qualifiedFunctions.add(f.name);
    sharedEnv = library.celEnv({ funcs });
  }
  return library;
}

function env(): CelEnv {
  cel();
  return sharedEnv!;
}

export class CelCompileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CelCompileError';
  }
}

export class CelEvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CelEvaluationError';
  }
}

/** An expression that could not be decided where it runs (an authorizer check without the user or the RBAC objects): it neither passes nor fails. */
export class CelNotEvaluatedError extends CelEvaluationError {
  constructor(message: string) {
    super(message);
    this.name = 'CelNotEvaluatedError';
  }
}

function evaluationError(e: { message: string; cause?: unknown }): CelEvaluationError {
  // `a || check` and `a && check` fold the check's error into one of their own, without its cause.
  return e.cause instanceof AuthorizerUnknownError || e instanceof AuthorizerUnknownError || e.message.startsWith('not evaluated: ')
    ? new CelNotEvaluatedError(e.message.replace(/^not evaluated: /, ''))
    : new CelEvaluationError(e.message);
}

export interface CompiledExpression {
  readonly source: string;
  /** The type the checker infers for the result (`dyn` when it depends on data without a schema). */
  readonly type: CelType;
  /** Where the node that gives the result is in the source, as `line:column`. */
  readonly resultAt: string;
  /** The declared names it reads (`object`, `request`, `authorizer`, …). */
  readonly reads: ReadonlySet<string>;
  /** Estimated cost for data whose largest list or map has `n` entries. */
  cost(n: number): number;
  /** Evaluates with the variables given (already CEL values: see `toCel`); throws CelEvaluationError. */
  evaluate(bindings: Record<string, CelInput>, sizeBound: number, costLimit: number): unknown;
  /**
   * Like `evaluate`, the result left as the CEL value it is: a double stays a double, a uint a uint,
   * an int past 2^53 an int (`evaluate` gives plain JS). For values read again by CEL (variables).
   */
  evaluateValue(bindings: Record<string, CelInput>, sizeBound: number, costLimit: number): CelValue;
}

/** The types of the names Kubernetes declares with a fixed type; any other name given by name only is `dyn`. */
const STANDARD_TYPES: Readonly<Record<string, CelType>> = { request: ADMISSION_REQUEST, authorizer: AUTHORIZER };

/** Brackets nested deeper than this are refused before parsing: the parser and checker recurse per level. */
export const MAX_NESTING = 250;

/** The deepest nesting of (), [] and {} in a CEL source; string literals and comments skipped as the lexer skips them. */
export function bracketDepth(source: string): number {
  return nesting(source).brackets;
}

/** Binary operators (longest first), each a node over the operand before it: a chain of them nests as deep as it is long. */
const OPERATORS = ['==', '!=', '<=', '>=', '+', '-', '*', '/', '%', '<', '>', '!'];

/**
 * How deep a CEL source nests, read from its tokens (string literals and comments skipped as the lexer
 * skips them): `brackets`, the deepest nesting of (), [] and {}; `chain`, the deepest chain of nodes
 * each over the one before, which the parser and checker also recurse through: operators (`a + b + …`,
 * unary `!!…x` and `--…1` included), selections and calls (`.a.b`, `.f().g()`), indexes (`x[0][0]`)
 * and conditionals (`a ? b : c ? …`), summed over the brackets open around them; what brackets hold
 * counts as deep as its deepest chain for what follows them (`(x.a.b).c` is 3). `&&` and `||` do not
 * add up (the parser balances them: a chain of n is log2(n) deep); a `,` or `:` starts a new operand.
 * An over-estimate where operators mix (`a.b + c.d` counts 3); the brackets themselves are counted
 * apart (`brackets`).
 */
export function nesting(source: string): { brackets: number; chain: number } {
  // Per open bracket: nodes in the current operand, conditionals, && and || seen, the chain around it
  // when it opened, and the deepest chain while it is open.
  const seg: number[] = [0];
  const tern: number[] = [0];
  const logical: number[] = [0];
  const base: number[] = [0];
  const peak: number[] = [0];
  const weight = (f: number): number => seg[f] + tern[f] + (logical[f] ? Math.ceil(Math.log2(logical[f] + 1)) : 0);
  let total = 0;
  let chain = 0;
  let max = 0;
  /** True after an operand (a name, literal or closing bracket): `[` then indexes it, `?` is a conditional. */
  let operand = false;
  const change = (update: (f: number) => void): void => {
    const f = seg.length - 1;
    total -= weight(f);
    update(f);
    total += weight(f);
    if (total > peak[f]) peak[f] = total;
    if (total > chain) chain = total;
  };
  for (let i = 0; i < source.length;) {
    const ident = identifierAt(source, i);
    const end = stringLiteralEnd(source, i, ident);
    const c = source[i];
    if (end !== -1) {
      i = end;
      operand = true;
    } else if (ident) {
      i += ident.length;
      if (ident === 'in') change((f) => seg[f]++);
      operand = ident !== 'in';
    } else if (source.startsWith('//', i)) {
      const nl = source.indexOf('\n', i);
      i = nl === -1 ? source.length : nl;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(source[i + 1] ?? '') && !operand)) {
      const e = numberLiteralEnd(source, i);
      i = e === -1 ? i + 1 : e;
      operand = true;
    } else if (c === '(' || c === '[' || c === '{') {
      if (c === '[' && operand) change((f) => seg[f]++);
      max = Math.max(max, seg.length);
      seg.push(0);
      tern.push(0);
      logical.push(0);
      base.push(total);
      peak.push(total);
      operand = false;
      i++;
    } else if (c === ')' || c === ']' || c === '}') {
      if (seg.length > 1) {
        // What the brackets hold is an operand as deep as its deepest chain: what follows builds on it.
        const inner = peak.pop()! - base.pop()!;
        total -= weight(seg.length - 1);
        seg.pop();
        tern.pop();
        logical.pop();
        change((f) => (seg[f] += inner));
      }
      operand = true;
      i++;
    } else if (source.startsWith('&&', i) || source.startsWith('||', i)) {
      change((f) => {
        logical[f]++;
        seg[f] = 0;
      });
      operand = false;
      i += 2;
    } else if (c === ',' || c === ':') {
      change((f) => {
        seg[f] = 0;
        if (c === ',') tern[f] = logical[f] = 0;
        else logical[f] = 0;
      });
      operand = false;
      i++;
    } else if (c === '?') {
      // After an operand a conditional; else the mark of an optional entry (`[?x]`, `{?k: v}`).
      if (operand)
        change((f) => {
          tern[f]++;
          seg[f] = logical[f] = 0;
        });
      operand = false;
      i++;
    } else if (c === '.') {
      change((f) => seg[f]++);
      operand = false;
      i += source[i + 1] === '?' ? 2 : 1;
    } else if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') {
      i++;
    } else {
      const op = OPERATORS.find((o) => source.startsWith(o, i));
      if (op) change((f) => seg[f]++);
      operand = false;
      i += op ? op.length : 1;
    }
  }
  return { brackets: max, chain };
}

/**
 * Parses, type-checks and plans an expression. `declarations` are the top-level names it may use,
 * with their types (a list of names: the standard type of `request` and `authorizer`, `dyn` for
 * the others); any other name (outside a comprehension's own variables) and any type error (see
 * `cel-checker.ts`) is a compile error, as the API server's type check says.
 */
export function compileExpression(source: string, declarations: readonly string[] | ReadonlyMap<string, CelType>): CompiledExpression {
  const types: ReadonlyMap<string, CelType> = Array.isArray(declarations)
    ? new Map(declarations.map((name: string) => [name, STANDARD_TYPES[name] ?? DYN]))
    : (declarations as ReadonlyMap<string, CelType>);
  const variables = [...types.keys()];
  if (typeof source !== 'string' || source.trim() === '') throw new CelCompileError('the expression is empty');
  const depth = nesting(source);
  if (depth.brackets > MAX_NESTING)
    throw new CelCompileError(`the expression is too deeply nested (${depth.brackets} levels of brackets; at most ${MAX_NESTING})`);
  if (depth.chain > MAX_NESTING)
    throw new CelCompileError(
      `the expression is too deeply nested (a chain of ${depth.chain} operators, selections, indexes or conditionals, each over the one before; at most ${MAX_NESTING})`,
    );
  const rewritten = rewriteOptionalSyntax(source);
  let ast: ReturnType<CelLibrary['parse']>;
  try {
    ast = cel().parse(rewritten);
  } catch (e) {
    const message = String((e as Error).message ?? e).replace(/^<input>:/, 'at ');
    throw new CelCompileError(
      rewritten === source ? message : `${message} (in the expression as rewritten for optional values: ${cut(rewritten)})`,
    );
  }
  try {
    expandMacros(ast.expr!);
  } catch (e) {
    if (e instanceof MacroError) throw new CelCompileError(e.message);
    throw e;
  }
  const { identifiers, functions, reads } = references(ast.expr, new Set(variables));
  const { funcs } = env();
  const missing = functions.find((f) => /^[A-Za-z]/.test(f) && !funcs.find(f));
  if (missing) {
    const library = UNSUPPORTED_FUNCTIONS.get(missing) ?? UNSUPPORTED_FUNCTIONS.get(missing.slice(missing.lastIndexOf('.') + 1));
    throw new CelCompileError(
      library
        ? `${missing}() is ${library}, so the expression is not evaluated (it neither passes nor fails)`
        : `undeclared reference to function '${missing}'`,
    );
  }
  if (identifiers.length) throw new CelCompileError(`undeclared reference to '${identifiers[0]}' (known: ${variables.join(', ')})`);
  let type: CelType;
  try {
    type = checkTypes(ast.expr!, types, ast.sourceInfo?.positions ?? {});
  } catch (e) {
    if (!(e instanceof CelTypeError)) throw e;
    const at = e.offset === undefined ? '' : `at ${lineColumn(rewritten, e.offset)}: `;
    throw new CelCompileError(
      `${at}${e.message}${rewritten === source ? '' : ` (in the expression as rewritten for optional values: ${cut(rewritten)})`}`,
    );
  }
  const badPattern = constantPatternError(ast.expr);
  if (badPattern) {
    const offset = rewritten === source ? ast.sourceInfo?.positions?.[String(badPattern.id)] : undefined;
    throw new CelCompileError(`${offset === undefined ? '' : `at ${lineColumn(source, offset)}: `}${badPattern.message}`);
  }
  let run: ReturnType<CelLibrary['plan']>;
  try {
    run = cel().plan(env(), ast);
  } catch (e) {
    throw new CelCompileError((e as Error).message);
  }
  const costs = new Map<number, number>();
  const cost = (n: number): number => {
    let c = costs.get(n);
    if (c === undefined) costs.set(n, (c = estimateCost(ast.expr, n)));
    return c;
  };
  const rootOffset = rewritten === source ? ast.sourceInfo?.positions?.[String(ast.expr!.id)] : undefined;
  return {
    source,
    type,
    resultAt: lineColumn(source, rootOffset ?? 0),
    reads,
    cost,
    evaluate(bindings, sizeBound, costLimit) {
      return fromCel(this.evaluateValue(bindings, sizeBound, costLimit));
    },
    evaluateValue(bindings, sizeBound, costLimit) {
      const estimate = cost(Math.max(1, sizeBound));
      if (estimate > costLimit)
        throw new CelEvaluationError(
          `estimated cost ${formatCost(estimate)} exceeds the limit of ${formatCost(costLimit)} for data with up to ${sizeBound} entries per list`,
        );
      let out: CelValue;
      try {
        out = run(bindings as never) as CelValue;
      } catch (e) {
        throw evaluationError(e as Error);
      }
      if (cel().isCelError(out)) throw evaluationError(out);
      return out;
    },
  };
}

/** Functions whose pattern (the argument at this index, counting the receiver of a method call first) is a regular expression. */
const PATTERN_ARGUMENT: Readonly<Record<string, number>> = { matches: 1, find: 1, findAll: 1 };

/**
 * The first constant pattern of `matches`, `find` or `findAll` that does not compile (`'x'.matches('[')`), with the node
 * of the call: the API server compiles constant patterns when the policy is created, and refuses it then.
 */
function constantPatternError(expr: Expr | undefined): { id: bigint; message: string } | undefined {
  const stack: Array<Expr | undefined> = [expr];
  while (stack.length) {
    const e = stack.pop();
    if (!e) continue;
    const k = e.exprKind;
    switch (k.case) {
      case 'selectExpr':
        stack.push(k.value.operand);
        break;
      case 'callExpr': {
        const operands = k.value.target ? [k.value.target, ...k.value.args] : k.value.args;
        const at = PATTERN_ARGUMENT[k.value.function];
        const pattern = at === undefined ? undefined : operands[at];
        if (pattern?.exprKind.case === 'constExpr' && pattern.exprKind.value.constantKind.case === 'stringValue') {
          const text = pattern.exprKind.value.constantKind.value;
          const error = regexSyntaxError(text);
          if (error)
            return {
              id: pattern.id,
              message: `invalid regular expression ${JSON.stringify(cut(text))} given to ${k.value.function}(): ${error}`,
            };
        }
        stack.push(...operands);
        break;
      }
      case 'listExpr':
        stack.push(...k.value.elements);
        break;
      case 'structExpr':
        for (const entry of k.value.entries) stack.push(entry.value, entry.keyKind.case === 'mapKey' ? entry.keyKind.value : undefined);
        break;
      case 'comprehensionExpr':
        stack.push(k.value.iterRange, k.value.accuInit, k.value.loopCondition, k.value.loopStep, k.value.result);
        break;
      default:
        break;
    }
  }
  return undefined;
}

/** What makes an object a map to @bufbuild/cel (the symbol of its `isCelMap`, registered globally). */
const CEL_MAP_MARK = Symbol.for('@bufbuild/cel/map');

/**
 * A policy's `variables` as the API server binds them: each evaluated when an expression first reads
 * it, then kept. A variable no expression reads is never evaluated, and one that fails is an error
 * value where it is read (`variable x could not be evaluated: …`), so it fails only the expressions
 * that read it, and `false && variables.x` or `variables.x || true` are decided without it, as CEL's
 * `&&` and `||` are. Values stay the CEL values their expressions made (`evaluateValue`). `compute`
 * throws CelEvaluationError.
 */
export function lazyVariables(names: readonly string[], compute: (name: string) => CelValue): CelInput {
  const { celError } = cel();
  const known = new Set(names);
  const values = new Map<string, CelValue>();
  const value = (key: unknown): CelValue | undefined => {
    if (typeof key !== 'string' || !known.has(key)) return undefined;
    let v = values.get(key);
    if (v === undefined) {
      try {
        v = compute(key);
      } catch (e) {
        if (!(e instanceof CelEvaluationError)) throw e;
        // `not evaluated: ` keeps an authorizer check that could not be decided as such (`evaluationError`).
        v = celError(
          e instanceof CelNotEvaluatedError ? `not evaluated: ${e.message}` : `variable ${key} could not be evaluated: ${e.message}`,
        ) as unknown as CelValue;
      }
      values.set(key, v);
    }
    return v;
  };
  function* entries(): Generator<[string, CelValue]> {
    for (const key of known) yield [key, value(key)!];
  }
  const map = {
    [CEL_MAP_MARK]: {},
    get size() {
      return known.size;
    },
    get: value,
    has: (key: unknown) => typeof key === 'string' && known.has(key),
    keys: () => known.keys(),
    *values() {
      for (const [, v] of entries()) yield v;
    },
    entries,
    forEach(callback: (value: CelValue, key: string, map: unknown) => void, thisArg?: unknown) {
      for (const [k, v] of entries()) callback.call(thisArg, v, k, map);
    },
    [Symbol.iterator]: entries,
  };
  return map as unknown as CelInput;
}

function formatCost(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en') : 'unbounded';
}

/**
 * What the expression refers to: top-level names it reads that are neither declared nor bound by a
 * comprehension around them, and the functions it calls. `ns.f(x)` where `ns` is no variable is a
 * call of the namespaced function `ns.f` (`sets.contains`, `optional.of`), as cel-go resolves it.
 */
function references(
  expr: Expr | undefined,
  known: ReadonlySet<string>,
): { identifiers: string[]; functions: string[]; reads: Set<string> } {
  const identifiers = new Set<string>();
  const reads = new Set<string>();
  const functions = new Set<string>();
  const visit = (e: Expr | undefined, bound: ReadonlySet<string>): void => {
    if (!e) return;
    const k = e.exprKind;
    switch (k.case) {
      case 'identExpr':
        if (bound.has(k.value.name)) return;
        if (known.has(k.value.name)) reads.add(k.value.name);
        else if (!isTypeIdentifier(k.value.name)) identifiers.add(k.value.name);
        return;
      case 'selectExpr':
        return visit(k.value.operand, bound);
      case 'callExpr': {
        const namespace = namespaceOf(k.value.target, known, bound);
        if (namespace) functions.add(`${namespace}.${k.value.function}`);
        else {
          functions.add(k.value.function);
          visit(k.value.target, bound);
        }
        for (const a of k.value.args) visit(a, bound);
        return;
      }
      case 'listExpr':
        for (const a of k.value.elements) visit(a, bound);
        return;
      case 'structExpr':
        for (const entry of k.value.entries) {
          if (entry.keyKind.case === 'mapKey') visit(entry.keyKind.value, bound);
          visit(entry.value, bound);
        }
        return;
      case 'comprehensionExpr': {
        const c = k.value;
        visit(c.iterRange, bound);
        visit(c.accuInit, bound);
        const inner = new Set([...bound, c.iterVar, c.iterVar2, c.accuVar].filter(Boolean));
        visit(c.loopCondition, inner);
        visit(c.loopStep, inner);
        visit(c.result, new Set([...bound, c.accuVar]));
        return;
      }
      default:
        return;
    }
  };
  visit(expr, new Set());
  return { identifiers: [...identifiers], functions: [...functions], reads };
}

/** The `ns` of `ns.f(...)` when `ns` is a name that is neither a variable nor bound by a comprehension. */
function namespaceOf(target: Expr | undefined, known: ReadonlySet<string>, bound: ReadonlySet<string>): string | undefined {
  if (target?.exprKind.case !== 'identExpr') return undefined;
  const name = target.exprKind.value.name;
  return known.has(name) || bound.has(name) ? undefined : name;
}

/** `ns.f(...)` where `ns.f` is a function of a namespace (for the cost estimate, which has no variables). */
function isQualifiedCall(target: Expr | undefined, fn: string): boolean {
  return target?.exprKind.case === 'identExpr' && qualifiedFunctions.has(`${target.exprKind.value.name}.${fn}`);
}

/** Functions that walk a list or a string (linear), or compare two lists (quadratic), cost accordingly. */
const LINEAR_FUNCTIONS = new Set([
  'matches',
  'find',
  'findAll',
  'isSorted',
  'sum',
  'min',
  'max',
  'indexOf',
  'lastIndexOf',
  'join',
  'split',
  'replace',
  'format',
  'slice',
  'flatten',
  'reverse',
  'sort',
  '@sortByAssociatedKeys',
  '@entries',
  '@mapInsert',
  'unwrapOpt',
  'optional.unwrap',
  'lists.range',
  'contains',
  'startsWith',
  'endsWith',
  '@in',
]);
const QUADRATIC_FUNCTIONS = new Set(['sets.contains', 'sets.equivalent', 'sets.intersects', 'distinct']);

function callCost(fn: string, n: number): number {
  if (QUADRATIC_FUNCTIONS.has(fn)) return n * n;
  return LINEAR_FUNCTIONS.has(fn) ? n : 0;
}

function estimateCost(e: Expr | undefined, n: number): number {
  if (!e) return 0;
  const k = e.exprKind;
  switch (k.case) {
    case 'selectExpr':
      return 1 + estimateCost(k.value.operand, n);
    case 'callExpr': {
      const { target, function: fn } = k.value;
      if (isQualifiedCall(target, fn))
        return (
          1 +
          callCost(`${(target!.exprKind.value as { name: string }).name}.${fn}`, n) +
          k.value.args.reduce((s, a) => s + estimateCost(a, n), 0)
        );
      return 1 + callCost(fn, n) + estimateCost(target, n) + k.value.args.reduce((s, a) => s + estimateCost(a, n), 0);
    }
    case 'listExpr':
      return 1 + k.value.elements.reduce((s, a) => s + estimateCost(a, n), 0);
    case 'structExpr':
      return (
        1 +
        k.value.entries.reduce(
          (s, en) => s + estimateCost(en.value, n) + (en.keyKind.case === 'mapKey' ? estimateCost(en.keyKind.value, n) : 0),
          0,
        )
      );
    case 'comprehensionExpr': {
      const c = k.value;
      const body = estimateCost(c.loopCondition, n) + estimateCost(c.loopStep, n);
      return 1 + estimateCost(c.iterRange, n) + estimateCost(c.accuInit, n) + n * body + estimateCost(c.result, n);
    }
    default:
      return 1;
  }
}

/** The key prefix of the values of Kubernetes' CEL types (`cel-tagged.ts`), which scanned data must not forge. */
const TAG_KEY_PREFIX = '__kubernetes_';

/**
 * Scanned data (objects, params, requests, image configs) as CEL input, like `toCel`, except that a
 * key shaped like the tag of a Kubernetes CEL type gets one more leading `_`: an object cannot pass
 * itself off as an optional, a quantity or an IP (`spec: {__kubernetes_optional__: []}`).
 */
export function dataToCel(v: unknown): CelInput {
  return toCel(v, true);
}

/**
 * A JSON value as CEL input: objects become maps, whole numbers `int` (as Kubernetes' OpenAPI
 * integers are), other numbers `double`. Values of Kubernetes' CEL types (`cel-tagged.ts`) pass
 * through as such: this is for values CEL itself produced (variables); data goes through `dataToCel`.
 */
export function toCel(v: unknown, escapeTags = false): CelInput {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map((item) => toCel(item, escapeTags));
  if (typeof v === 'object') {
    const m = new Map<string, CelInput>();
    for (const [key, value] of Object.entries(v as Record<string, unknown>))
      m.set(escapeTags && key.startsWith(TAG_KEY_PREFIX) ? `_${key}` : key, toCel(value, escapeTags));
    return m;
  }
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'bigint') return v;
  return String(v);
}

/** `metav1.Time` and `metav1.MicroTime` as JSON carries them (RFC 3339): `2024-01-01T00:00:00Z`, `2024-01-01T00:00:00.123456+02:00`. */
const KUBERNETES_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i;

/** A Kubernetes time as a CEL timestamp; undefined when the text is not one. */
export function timestampToCel(text: string): CelInput | undefined {
  const m = KUBERNETES_TIME.exec(text);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}${m[3].toUpperCase()}`);
  if (Number.isNaN(ms)) return undefined;
  cel();
  const { create } = protobuf();
  const { TimestampSchema } = wellKnownTypes();
  return create(TimestampSchema, { seconds: BigInt(ms / 1000), nanos: Number((m[2] ?? '').padEnd(9, '0')) });
}

/** A CEL result as plain JS (lists as arrays, maps as objects, ints as numbers when they fit). */
export function fromCel(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  const { isCelList, isCelMap } = cel();
  if (isCelList(v)) {
    const out: unknown[] = [];
    for (let i = 0; i < v.size; i++) out.push(fromCel(v.get(i)));
    return out;
  }
  if (isCelMap(v)) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of v.entries()) out[String(key)] = fromCel(value);
    return out;
  }
  return v;
}

/** The largest number of entries of any list or map in the values: the `n` of cost estimates. */
export function largestCollection(...values: unknown[]): number {
  let max = 0;
  const stack: unknown[] = [...values];
  while (stack.length) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      max = Math.max(max, v.length);
      for (const x of v) stack.push(x);
    } else if (v && typeof v === 'object') {
      const vals = Object.values(v as Record<string, unknown>);
      max = Math.max(max, vals.length);
      for (const x of vals) stack.push(x);
    } else if (typeof v === 'string') max = Math.max(max, Math.ceil(v.length / 64));
  }
  return max;
}
