import type { Expr } from '@bufbuild/cel-spec/cel/expr/syntax_pb.js';
import { overloads, type Overload } from './cel-signatures.js';
import {
  BOOL,
  BYTES,
  DOUBLE,
  DURATION,
  DYN,
  INT,
  isAssignable,
  join,
  listOf,
  mapOf,
  NAMED_TYPES,
  NULL,
  objectType,
  optionalOf,
  sameType,
  STRING,
  substitute,
  TIMESTAMP,
  typeName,
  UINT,
  type CelType,
  type Substitution,
} from './cel-types.js';

/**
 * The type check the API server runs when a ValidatingAdmissionPolicy is created, over the parsed
 * (and macro-expanded) syntax tree: literals, operators, the standard functions and the libraries'
 * overloads (`cel-signatures.ts`), field selection, comprehensions, and list and map literals, which
 * Kubernetes requires to be homogeneous. Values whose type is unknown here (objects without their
 * OpenAPI schema) are `dyn` and pass every check, as in cel-go: a refusal means the API server would
 * refuse too.
 */

export class CelTypeError extends Error {
  constructor(
    message: string,
    /** Where in the source the offending node starts (an offset), when known. */
    readonly offset: number | undefined,
  ) {
    super(message);
    this.name = 'CelTypeError';
  }
}

const GVK = objectType('kubernetes.GroupVersionKind', { group: STRING, version: STRING, kind: STRING });
const GVR = objectType('kubernetes.GroupVersionResource', { group: STRING, version: STRING, resource: STRING });

/** `request`, as Kubernetes declares it to the type check of admission policies. */
export const ADMISSION_REQUEST = objectType('kubernetes.AdmissionRequest', {
  kind: GVK,
  resource: GVR,
  subResource: STRING,
  requestKind: GVK,
  requestResource: GVR,
  requestSubResource: STRING,
  name: STRING,
  namespace: STRING,
  operation: STRING,
  userInfo: objectType('kubernetes.UserInfo', {
    username: STRING,
    uid: STRING,
    groups: listOf(STRING),
    extra: mapOf(STRING, listOf(STRING)),
  }),
  dryRun: BOOL,
  options: DYN,
});

const NAMESPACE_METADATA = objectType('kubernetes.NamespaceMetadata', {
  name: STRING,
  generateName: STRING,
  namespace: STRING,
  labels: mapOf(STRING, STRING),
  annotations: mapOf(STRING, STRING),
  UID: STRING,
  creationTimestamp: TIMESTAMP,
  deletionGracePeriodSeconds: INT,
  deletionTimestamp: TIMESTAMP,
  generation: INT,
  resourceVersion: STRING,
  finalizers: listOf(STRING),
});

/** `namespaceObject`, as Kubernetes declares it (some fields of a Namespace only, by design). */
export const NAMESPACE_OBJECT = objectType('kubernetes.Namespace', {
  metadata: NAMESPACE_METADATA,
  spec: objectType('kubernetes.NamespaceSpec', { finalizers: listOf(STRING) }),
  status: objectType('kubernetes.NamespaceStatus', {
    conditions: listOf(
      objectType('kubernetes.NamespaceCondition', {
        status: STRING,
        type: STRING,
        lastTransitionTime: TIMESTAMP,
        message: STRING,
        reason: STRING,
      }),
    ),
    phase: STRING,
  }),
});

const named = (name: keyof typeof NAMED_TYPES): CelType => ({ kind: 'opaque', name: NAMED_TYPES[name], params: [] });
export const AUTHORIZER = named('Authorizer');
const RESOURCE_CHECK = named('ResourceCheck');

/** The name of the type of `variables`, whose fields are the policy's variables declared so far. */
const VARIABLES_TYPE = 'kubernetes.variables';

/**
 * The type a variable is declared with to the expressions after it: what was inferred for it, except
 * that objects and library types become dyn, as the API server's composition declares them.
 */
export function variableDeclarationType(t: CelType): CelType {
  switch (t.kind) {
    case 'list':
      return listOf(variableDeclarationType(t.elem));
    case 'map':
      return mapOf(variableDeclarationType(t.key), variableDeclarationType(t.value));
    case 'object':
    case 'opaque':
    case 'param':
    case 'type':
    case 'null':
      return DYN;
    default:
      return t;
  }
}

/** `variables` with the variables given (in declaration order) and their inferred types. */
export function variablesType(declared: ReadonlyMap<string, CelType>): CelType {
  return objectType(VARIABLES_TYPE, Object.fromEntries(declared));
}

/**
 * The protobuf messages an expression can build (`google.protobuf.Duration{seconds: 90}`): the
 * well-known types, which cel-go's environments (the API server's too) register by default, with
 * their fields and the CEL type a value of each becomes. Kubernetes declares no other message type:
 * its objects are maps here and dyn there.
 */
const WELL_KNOWN_MESSAGES: Readonly<Record<string, { fields: Readonly<Record<string, CelType>>; type: CelType }>> = {
  'google.protobuf.Duration': { fields: { seconds: INT, nanos: INT }, type: DURATION },
  'google.protobuf.Timestamp': { fields: { seconds: INT, nanos: INT }, type: TIMESTAMP },
  'google.protobuf.BoolValue': { fields: { value: BOOL }, type: BOOL },
  'google.protobuf.BytesValue': { fields: { value: BYTES }, type: BYTES },
  'google.protobuf.DoubleValue': { fields: { value: DOUBLE }, type: DOUBLE },
  'google.protobuf.FloatValue': { fields: { value: DOUBLE }, type: DOUBLE },
  'google.protobuf.Int32Value': { fields: { value: INT }, type: INT },
  'google.protobuf.Int64Value': { fields: { value: INT }, type: INT },
  'google.protobuf.UInt32Value': { fields: { value: UINT }, type: UINT },
  'google.protobuf.UInt64Value': { fields: { value: UINT }, type: UINT },
  'google.protobuf.StringValue': { fields: { value: STRING }, type: STRING },
  'google.protobuf.Struct': { fields: { fields: mapOf(STRING, DYN) }, type: mapOf(STRING, DYN) },
  'google.protobuf.ListValue': { fields: { values: listOf(DYN) }, type: listOf(DYN) },
  'google.protobuf.Value': {
    fields: {
      null_value: DYN,
      number_value: DOUBLE,
      string_value: STRING,
      bool_value: BOOL,
      struct_value: mapOf(STRING, DYN),
      list_value: listOf(DYN),
    },
    type: DYN,
  },
  'google.protobuf.Any': { fields: { type_url: STRING, value: BYTES }, type: DYN },
};

/** Type identifiers, which are values of type `type` (`type(x) == string`). */
const TYPE_IDENTIFIERS: Readonly<Record<string, CelType>> = {
  int: INT,
  uint: UINT,
  double: DOUBLE,
  bool: BOOL,
  string: STRING,
  bytes: BYTES,
  null_type: NULL,
  list: listOf(DYN),
  map: mapOf(DYN, DYN),
  type: { kind: 'type', of: DYN },
  'google.protobuf.Duration': DURATION,
  'google.protobuf.Timestamp': TIMESTAMP,
};

/** The method calls the optional syntax is rewritten into (see `optionalSyntax` below). */
const OPTIONAL_SYNTAX_HELPERS = new Set(['__opt_select__', '__opt_index__', '__opt_values__', '__opt_first__', '__opt_flatten__']);

/** Functions whose list arguments may mix types (`'%s: %d'.format([name, count])`). */
const HETEROGENEOUS_ARGUMENTS = new Set(['format']);

/**
 * Infers the type of the expression; throws CelTypeError at the first type error. `variables` are
 * the top-level names and their types; `positions` the source offsets of the nodes (by id).
 */
export function checkTypes(root: Expr, variables: ReadonlyMap<string, CelType>, positions: Readonly<Record<string, number>>): CelType {
  const fail = (message: string, at: number | undefined): never => {
    throw new CelTypeError(message, at);
  };
  type Scope = ReadonlyMap<string, CelType>;

  const check = (e: Expr, scope: Scope, inherited: number | undefined, homogeneous = true): CelType => {
    const at = positions[String(e.id)] ?? inherited;
    const k = e.exprKind;
    switch (k.case) {
      case 'constExpr':
        return constantType(k.value.constantKind.case);
      case 'identExpr':
        return scope.get(k.value.name) ?? variables.get(k.value.name) ?? typeValue(k.value.name) ?? DYN;
      case 'selectExpr': {
        const { operand, field, testOnly } = k.value;
        const t = select(operand ? check(operand, scope, at) : DYN, field, at);
        return testOnly ? BOOL : t;
      }
      case 'callExpr': {
        const { target, args, function: fn } = k.value;
        const namespace = target?.exprKind.case === 'identExpr' && isUnbound(target, target.exprKind.value.name, scope);
        const name = namespace ? `${(target.exprKind.value as { name: string }).name}.${fn}` : fn;
        const receiver = target && !namespace ? check(target, scope, at) : undefined;
        const argTypes = args.map((a) => check(a, scope, at, !HETEROGENEOUS_ARGUMENTS.has(fn)));
        if (receiver && OPTIONAL_SYNTAX_HELPERS.has(fn)) return optionalSyntax(fn, receiver, args, at);
        return resolve(name, receiver, argTypes, at);
      }
      case 'listExpr': {
        const types = k.value.elements.map((el) => check(el, scope, at));
        if (homogeneous) homogeneity(types, k.value.elements, at);
        return listOf(types.length ? types.reduce(join) : DYN);
      }
      case 'structExpr': {
        if (k.value.messageName) return message(k.value.messageName, k.value.entries, scope, at);
        const keys: CelType[] = [];
        const values: CelType[] = [];
        const valueExprs: Expr[] = [];
        for (const entry of k.value.entries) {
          if (entry.keyKind.case === 'mapKey') keys.push(check(entry.keyKind.value, scope, at));
          if (entry.value) {
            values.push(check(entry.value, scope, at));
            valueExprs.push(entry.value);
          }
        }
        if (homogeneous) {
          homogeneity(
            keys,
            k.value.entries.map((en) => (en.keyKind.case === 'mapKey' ? en.keyKind.value : undefined)),
            at,
          );
          homogeneity(values, valueExprs, at);
        }
        return mapOf(keys.length ? keys.reduce(join) : DYN, values.length ? values.reduce(join) : DYN);
      }
      case 'comprehensionExpr': {
        const c = k.value;
        const range = c.iterRange ? check(c.iterRange, scope, at) : DYN;
        let first: CelType;
        let second: CelType = DYN;
        if (range.kind === 'list') [first, second] = c.iterVar2 ? [INT, range.elem] : [range.elem, DYN];
        else if (range.kind === 'map') [first, second] = [range.key, range.value];
        else if (range.kind === 'dyn') first = DYN;
        else
          return fail(
            `expression of type '${typeName(range)}' cannot be range of a comprehension (must be list, map, or dynamic)`,
            positionOf(c.iterRange) ?? at,
          );
        // An empty list or map to start from (`map`, `filter`) takes its element type from the step that grows it.
        const growing = isEmptyLiteral(c.accuInit);
        const init = growing ? emptyLike(c.accuInit!) : c.accuInit ? check(c.accuInit, scope, at) : DYN;
        const inner = (accu: CelType): Scope =>
          new Map([...scope, [c.iterVar, first], ...(c.iterVar2 ? [[c.iterVar2, second] as const] : []), [c.accuVar, accu]]);
        if (c.loopCondition) {
          const cond = check(c.loopCondition, inner(init), at);
          if (!isAssignable(BOOL, cond, new Map())) fail(`expected type 'bool' but found '${typeName(cond)}'`, at);
        }
        const step = c.loopStep ? check(c.loopStep, inner(init), at) : init;
        const accu = substitute(growing && (step.kind === 'list' || step.kind === 'map') ? step : init, new Map());
        return c.result ? check(c.result, new Map([...scope, [c.accuVar, accu]]), at) : accu;
      }
      default:
        return DYN;
    }
  };

  type Entries = Extract<Expr['exprKind'], { case: 'structExpr' }>['value']['entries'];
  const message = (written: string, entries: Entries, scope: Scope, at: number | undefined): CelType => {
    const name = written.replace(/^\./, '');
    const declared = WELL_KNOWN_MESSAGES[name];
    if (!declared)
      return fail(
        `unknown type '${name}' in a message literal: the API server's CEL has no message types but protobuf's well-known ones (${Object.keys(WELL_KNOWN_MESSAGES).join(', ')}); build a map instead ({'key': value})`,
        at,
      );
    for (const entry of entries) {
      const field = entry.keyKind.case === 'fieldKey' ? entry.keyKind.value : '';
      const expected = declared.fields[field];
      const where = positionOf(entry.value) ?? at;
      if (!expected) return fail(`undefined field '${field}' (${name} has ${Object.keys(declared.fields).join(', ')})`, where);
      const actual = entry.value ? check(entry.value, scope, at) : DYN;
      if (!isAssignable(expected, actual, new Map()))
        fail(`expected type of field '${field}' is '${typeName(expected)}' but provided type is '${typeName(actual)}'`, where);
    }
    return declared.type;
  };

  const positionOf = (e: Expr | undefined): number | undefined => (e ? positions[String(e.id)] : undefined);

  /**
   * The calls `cel-optional-syntax.ts` writes for `a.?f`, `a[?k]`, `o.optMap(v, e)` and
   * `o.optFlatMap(v, e)`, typed as cel-go types the syntax they stand for: `request.?dryRun` is an
   * `optional_type(bool)`, and `o.optMap(v, v > 1)` an `optional_type(bool)`.
   */
  const optionalSyntax = (fn: string, receiver: CelType, args: Expr[], at: number | undefined): CelType => {
    const inner = receiver.kind === 'opaque' && receiver.name === 'optional_type' ? receiver.params[0] : receiver;
    const elem = receiver.kind === 'list' ? receiver.elem : DYN;
    switch (fn) {
      case '__opt_select__': {
        const field = args[0]?.exprKind.case === 'constExpr' ? args[0].exprKind.value.constantKind.value : undefined;
        return optionalOf(typeof field === 'string' && inner.kind !== 'dyn' ? select(inner, field, at) : DYN);
      }
      case '__opt_index__':
        return optionalOf(inner.kind === 'list' ? inner.elem : inner.kind === 'map' ? inner.value : DYN);
      case '__opt_values__':
        return listOf(inner);
      case '__opt_first__':
        return optionalOf(elem);
      default: // __opt_flatten__: a list of optionals to the first present one.
        return elem.kind === 'opaque' && elem.name === 'optional_type' ? elem : optionalOf(DYN);
    }
  };

  /** A name that is neither bound by a comprehension nor a variable: the namespace of a function. */
  const isUnbound = (e: Expr, name: string, scope: Scope): boolean =>
    e.exprKind.case === 'identExpr' && e.exprKind.value.name === name && !scope.has(name) && !variables.has(name);

  const select = (operand: CelType, field: string, at: number | undefined): CelType => {
    if (typeName(operand) === typeName(AUTHORIZER) && field === 'requestResource') return RESOURCE_CHECK;
    switch (operand.kind) {
      case 'dyn':
        return DYN;
      case 'map':
        return operand.value;
      case 'object': {
        const t = operand.fields[field];
        if (t) return t;
        if (operand.name === VARIABLES_TYPE) {
          const declared = Object.keys(operand.fields);
          return fail(
            `undefined variable 'variables.${field}' (${declared.length ? `declared before this expression: ${declared.join(', ')}` : 'no variable is declared before this expression'})`,
            at,
          );
        }
        return fail(`undefined field '${field}' (${operand.name} has ${Object.keys(operand.fields).join(', ')})`, at);
      }
      default:
        return fail(`type '${typeName(operand)}' does not support field selection`, at);
    }
  };

  const resolve = (name: string, receiver: CelType | undefined, args: CelType[], at: number | undefined): CelType => {
    // Anything may be compared with null.
    if ((name === '_==_' || name === '_!=_') && args.some((a) => a.kind === 'null')) return BOOL;
    const candidates = overloads().get(name);
    // A function the checker does not know (the evaluator has it, or compilation refuses it elsewhere): its result is dyn.
    if (!candidates) return DYN;
    const results: CelType[] = [];
    for (const o of candidates) {
      const s: Substitution = new Map();
      if (matches(o, receiver, args, s)) results.push(substitute(o.result, s));
    }
    if (results.length === 0) {
      const applied = `${receiver ? `${typeName(receiver)}.` : ''}(${args.map(typeName).join(', ')})`;
      return fail(`found no matching overload for '${displayName(name)}' applied to '${applied}'${hint(name, receiver, args)}`, at);
    }
    return results.every((r) => typeName(r) === typeName(results[0])) ? results[0] : DYN;
  };

  /** Lists and maps written in the expression hold one type (`cel.HomogeneousAggregateLiterals`, which Kubernetes turns on). */
  const homogeneity = (types: CelType[], exprs: Array<Expr | undefined>, at: number | undefined): void => {
    const firstIndex = types.findIndex((t) => t.kind !== 'dyn');
    if (firstIndex === -1) return;
    let expected = types[firstIndex];
    for (let i = firstIndex + 1; i < types.length; i++) {
      if (!sameType(expected, types[i]))
        fail(
          `expected type '${typeName(expected)}' but found '${typeName(types[i])}' (the elements of a list or map literal must have one type; convert them, e.g. with string() or dyn())`,
          positionOf(exprs[i]) ?? at,
        );
      if (expected.kind === 'null' && types[i].kind !== 'dyn') expected = types[i];
    }
  };

  return check(root, new Map(), undefined);
}

function matches(o: Overload, receiver: CelType | undefined, args: CelType[], s: Substitution): boolean {
  if (Boolean(o.receiver) !== Boolean(receiver) || o.params.length !== args.length) return false;
  if (o.receiver && receiver && !isAssignable(o.receiver, receiver, s)) return false;
  return o.params.every((p, i) => isAssignable(p, args[i], s));
}

function constantType(kind: string | undefined): CelType {
  switch (kind) {
    case 'boolValue':
      return BOOL;
    case 'int64Value':
      return INT;
    case 'uint64Value':
      return UINT;
    case 'doubleValue':
      return DOUBLE;
    case 'stringValue':
      return STRING;
    case 'bytesValue':
      return BYTES;
    case 'nullValue':
      return NULL;
    case 'durationValue':
      return DURATION;
    case 'timestampValue':
      return TIMESTAMP;
    default:
      return DYN;
  }
}

/** True for a name that is a type (`int`, `string`, `map`): a value in every expression. */
export function isTypeIdentifier(name: string): boolean {
  return Object.hasOwn(TYPE_IDENTIFIERS, name);
}

function typeValue(name: string): CelType | undefined {
  const t = isTypeIdentifier(name) ? TYPE_IDENTIFIERS[name] : undefined;
  return t ? { kind: 'type', of: t } : undefined;
}

/** Operators as written (`_+_` is `+`), for messages. */
function displayName(name: string): string {
  const operator = /^_(.+)_$/.exec(name);
  if (operator && name !== '_?_:_' && name !== '_[_]') return operator[1];
  return name === '@in' ? 'in' : name;
}

/** What to do about the commonest mismatches. */
function hint(name: string, receiver: CelType | undefined, args: CelType[]): string {
  const numeric = new Set(['int', 'uint', 'double']);
  const kinds = args.map((a) => a.kind as string);
  if (!receiver && args.length === 2 && kinds.every((k) => numeric.has(k)) && kinds[0] !== kinds[1])
    return `: CEL does not mix int, uint and double in arithmetic or equality; convert one side with int(), uint() or double()`;
  if (!receiver && name === '_+_' && kinds.includes('string')) return `: convert the other side with string() to concatenate`;
  return '';
}

/** The type of an empty accumulator: a list or map whose types the first step that adds to it binds. */
function emptyLike(e: Expr): CelType {
  const param = (name: string): CelType => ({ kind: 'param', name });
  return e.exprKind.case === 'listExpr' ? listOf(param('@E')) : mapOf(param('@K'), param('@V'));
}

function isEmptyLiteral(e: Expr | undefined): boolean {
  const k = e?.exprKind;
  return (
    (k?.case === 'listExpr' && k.value.elements.length === 0) ||
    (k?.case === 'structExpr' && !k.value.messageName && k.value.entries.length === 0)
  );
}

/** Line and column (both from 1) of an offset in the source. */
export function lineColumn(source: string, offset: number): string {
  // The parser places a binary operator at the space before it.
  let at = offset;
  while (at < source.length - 1 && /\s/.test(source[at])) at++;
  const before = source.slice(0, at).split('\n');
  return `${before.length}:${before[before.length - 1].length + 1}`;
}
