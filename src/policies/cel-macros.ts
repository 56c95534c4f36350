import type { CelFunc, CelInput } from '@bufbuild/cel';
import type { Expr } from '@bufbuild/cel-spec/cel/expr/syntax_pb.js';

type CelLibrary = typeof import('@bufbuild/cel');

/**
 * Macros of the API server's CEL that the @bufbuild/cel 0.6 parser leaves as plain calls, expanded
 * in the parsed syntax tree into the comprehensions cel-go builds for them:
 *
 * - two-variable comprehensions (cel-go's TwoVarComprehensions, Kubernetes 1.32+):
 *   `all(i, v, p)`, `exists(i, v, p)`, `existsOne(i, v, p)` / `exists_one(i, v, p)`,
 *   `transformList(i, v, [filter,] e)`, `transformMap(k, v, [filter,] e)`,
 *   `transformMapEntry(k, v, [filter,] {key: value})` on a list (index and element) or a map (key and value);
 * - `sortBy(x, key)` of the lists extension: the list sorted by `key` of each element.
 *
 * @bufbuild/cel folds one variable per step, so a two-variable comprehension folds over the entries
 * (`@entries(target)`: `[key, value]` pairs) and binds the two names in each step, with the local
 * binding cel-go's `cel.bind` uses (a fold over an empty list whose accumulator is the name).
 */

export class MacroError extends Error {}

/** The accumulator of the parser's macros: the name no expression can write. */
const ACCU = '@result';
const SORT_BY_INPUT = '@__sortBy_input__';

const TWO_VARIABLE = new Set(['all', 'exists', 'existsOne', 'exists_one', 'transformList', 'transformMap', 'transformMapEntry']);

type Kind = Expr['exprKind'];

/** Expands the macros of the tree in place (innermost first); a misuse is a MacroError. */
export function expandMacros(root: Expr): Expr {
  let next = maxId(root) + 1n;
  const node = (exprKind: Kind): Expr => ({ $typeName: 'cel.expr.Expr', id: next++, exprKind }) as Expr;
  const ident = (name: string) => node({ case: 'identExpr', value: { $typeName: 'cel.expr.Expr.Ident', name } } as Kind);
  const call = (fn: string, args: Expr[], target?: Expr) =>
    node({ case: 'callExpr', value: { $typeName: 'cel.expr.Expr.Call', function: fn, target, args } } as Kind);
  const list = (elements: Expr[]) =>
    node({ case: 'listExpr', value: { $typeName: 'cel.expr.Expr.CreateList', elements, optionalIndices: [] } } as Kind);
  const emptyMap = () =>
    node({ case: 'structExpr', value: { $typeName: 'cel.expr.Expr.CreateStruct', messageName: '', entries: [] } } as Kind);
  const constant = (constantKind: { case: 'boolValue'; value: boolean } | { case: 'int64Value'; value: bigint }) =>
    node({ case: 'constExpr', value: { $typeName: 'cel.expr.Constant', constantKind } } as Kind);
  const fold = (c: {
    iterVar: string;
    iterRange: Expr;
    accuVar: string;
    accuInit: Expr;
    loopCondition: Expr;
    loopStep: Expr;
    result: Expr;
  }) => node({ case: 'comprehensionExpr', value: { $typeName: 'cel.expr.Expr.Comprehension', iterVar2: '', ...c } } as Kind);
  /** `cel.bind(name, value, body)`. */
  const bind = (name: string, value: Expr, body: Expr) =>
    fold({
      iterVar: '#unused',
      iterRange: list([]),
      accuVar: name,
      accuInit: value,
      loopCondition: constant({ case: 'boolValue', value: false }),
      loopStep: ident(name),
      result: body,
    });
  const accu = () => ident(ACCU);

  let pairs = 0;
  const twoVariable = (fn: string, target: Expr, args: Expr[]): Kind | undefined => {
    const arity = fn.startsWith('transform') ? [3, 4] : [3];
    if (!arity.includes(args.length)) return undefined;
    const first = nameOf(args[0], fn);
    const second = nameOf(args[1], fn);
    if (first === second) throw new MacroError(`${fn}: duplicate variable name: ${first}`);
    const pair = `@pair${pairs++}`;
    /** The step, with the two names bound to the entry's key (or index) and value. */
    const step = (body: Expr) =>
      bind(
        first,
        call('_[_]', [ident(pair), constant({ case: 'int64Value', value: 0n })]),
        bind(second, call('_[_]', [ident(pair), constant({ case: 'int64Value', value: 1n })]), body),
      );
    const filtered = (e: Expr) => (args.length === 4 ? call('_?_:_', [args[2], e, accu()]) : e);
    const transform = args[args.length - 1];
    const comprehension = (accuInit: Expr, loopCondition: Expr, loopStep: Expr, result: Expr = accu()) =>
      fold({
        iterVar: pair,
        iterRange: call('@entries', [target]),
        accuVar: ACCU,
        accuInit,
        loopCondition,
        loopStep: step(loopStep),
        result,
      }).exprKind;
    const always = () => constant({ case: 'boolValue', value: true });
    switch (fn) {
      case 'all':
        return comprehension(
          constant({ case: 'boolValue', value: true }),
          call('@not_strictly_false', [accu()]),
          call('_&&_', [accu(), args[2]]),
        );
      case 'exists':
        return comprehension(
          constant({ case: 'boolValue', value: false }),
          call('@not_strictly_false', [call('!_', [accu()])]),
          call('_||_', [accu(), args[2]]),
        );
      case 'existsOne':
      case 'exists_one':
        return comprehension(
          constant({ case: 'int64Value', value: 0n }),
          always(),
          call('_?_:_', [args[2], call('_+_', [accu(), constant({ case: 'int64Value', value: 1n })]), accu()]),
          call('_==_', [accu(), constant({ case: 'int64Value', value: 1n })]),
        );
      case 'transformList':
        return comprehension(list([]), always(), filtered(call('_+_', [accu(), list([transform])])));
      case 'transformMap':
        return comprehension(emptyMap(), always(), filtered(call('@mapInsert', [accu(), ident(first), transform])));
      default:
        return comprehension(emptyMap(), always(), filtered(call('@mapInsert', [accu(), transform])));
    }
  };
  const sortBy = (target: Expr, args: Expr[]): Kind | undefined => {
    if (args.length !== 2) return undefined;
    const name = nameOf(args[0], 'sortBy');
    const keys = fold({
      iterVar: name,
      iterRange: ident(SORT_BY_INPUT),
      accuVar: ACCU,
      accuInit: list([]),
      loopCondition: constant({ case: 'boolValue', value: true }),
      loopStep: call('_+_', [accu(), list([args[1]])]),
      result: accu(),
    });
    return bind(SORT_BY_INPUT, target, call('@sortByAssociatedKeys', [keys], ident(SORT_BY_INPUT))).exprKind;
  };

  const visit = (e: Expr | undefined): void => {
    if (!e) return;
    const k = e.exprKind;
    switch (k.case) {
      case 'selectExpr':
        return visit(k.value.operand);
      case 'listExpr':
        return k.value.elements.forEach(visit);
      case 'structExpr':
        for (const entry of k.value.entries) {
          if (entry.keyKind.case === 'mapKey') visit(entry.keyKind.value);
          visit(entry.value);
        }
        return;
      case 'comprehensionExpr':
        for (const part of [k.value.iterRange, k.value.accuInit, k.value.loopCondition, k.value.loopStep, k.value.result]) visit(part);
        return;
      case 'callExpr': {
        const { target, args, function: fn } = k.value;
        visit(target);
        args.forEach(visit);
        if (!target) return;
        const expanded = TWO_VARIABLE.has(fn) ? twoVariable(fn, target, args) : fn === 'sortBy' ? sortBy(target, args) : undefined;
        if (expanded) e.exprKind = expanded;
        return;
      }
      default:
        return;
    }
  };
  visit(root);
  return root;
}

function nameOf(arg: Expr, fn: string): string {
  if (arg.exprKind.case !== 'identExpr') throw new MacroError(`${fn}: argument must be a simple name`);
  const name = arg.exprKind.value.name;
  if (name === ACCU || name === '__result__') throw new MacroError(`${fn}: iteration variable overwrites accumulator variable`);
  return name;
}

function maxId(e: Expr | undefined): bigint {
  if (!e) return 0n;
  let max = e.id;
  const more = (x: Expr | undefined) => {
    const m = maxId(x);
    if (m > max) max = m;
  };
  const k = e.exprKind;
  switch (k.case) {
    case 'selectExpr':
      more(k.value.operand);
      break;
    case 'callExpr':
      more(k.value.target);
      k.value.args.forEach(more);
      break;
    case 'listExpr':
      k.value.elements.forEach(more);
      break;
    case 'structExpr':
      for (const entry of k.value.entries) {
        if (entry.keyKind.case === 'mapKey') more(entry.keyKind.value);
        more(entry.value);
      }
      break;
    case 'comprehensionExpr':
      for (const part of [k.value.iterRange, k.value.accuInit, k.value.loopCondition, k.value.loopStep, k.value.result]) more(part);
      break;
    default:
      break;
  }
  return max;
}

/** Reads like a CEL map (CelMap or a JS Map). */
interface MapLike {
  readonly size: number;
  get(key: unknown): unknown;
  keys(): Iterable<unknown>;
  entries(): Iterable<[unknown, unknown]>;
}
interface ListLike {
  readonly size: number;
  get(i: number): unknown;
}

/** The helpers the expansions call. */
export function macroFunctions(cel: CelLibrary): CelFunc[] {
  const { celFunc, CelScalar, isCelList, isCelMap, isCelUint, listType, mapType } = cel;
  const { DYN } = CelScalar;
  const M = mapType(DYN, DYN);
  /** Map keys as CEL compares them: 1, 1u and 1.0 are one key. */
  const keyOf = (k: unknown): unknown => (isCelUint(k) ? k.value : typeof k === 'number' && Number.isInteger(k) ? BigInt(k) : k);
  const insert = (target: MapLike, entries: Iterable<[unknown, unknown]>): Map<unknown, unknown> => {
    const out = new Map<unknown, unknown>(target.entries());
    const seen = new Set([...out.keys()].map(keyOf));
    for (const [k, v] of entries) {
      if (seen.has(keyOf(k))) throw new MacroError(`insert failed: key ${String(keyOf(k))} already exists`);
      seen.add(keyOf(k));
      out.set(k, v);
    }
    return out;
  };
  return [
    celFunc('@entries', [DYN], listType(listType(DYN)), (target: unknown) => {
      if (isCelList(target)) {
        const l = target as ListLike;
        const out: CelInput[][] = [];
        for (let i = 0; i < l.size; i++) out.push([BigInt(i), l.get(i) as CelInput]);
        return out;
      }
      if (isCelMap(target)) return [...(target as MapLike).entries()].map(([k, v]) => [k as CelInput, v as CelInput]);
      throw new MacroError('a two-variable comprehension needs a list or a map');
    }),
    celFunc('@mapInsert', [M, DYN, DYN], M, (m: MapLike, k: unknown, v: unknown) => insert(m, [[k, v]]) as never),
    celFunc('@mapInsert', [M, M], M, (m: MapLike, entries: MapLike) => insert(m, entries.entries()) as never),
  ];
}
