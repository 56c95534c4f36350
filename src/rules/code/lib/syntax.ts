import type { SgNode } from '@ast-grep/napi';
import { lowerBound } from '../../../core/lower-bound.js';
import type { CodeDocument } from '../../../parsers/code/code-document.js';

/** Language-neutral views over the Python and JavaScript/TypeScript syntax trees. */
export type Flavor = 'python' | 'js';

export function flavorOf(doc: CodeDocument): Flavor {
  return doc.language === 'python' ? 'python' : 'js';
}

/** The grammar has JSX (JavaScript and TSX; plain TypeScript has none), so JSX node kinds can be queried. */
export function hasJsx(doc: CodeDocument): boolean {
  return doc.language === 'javascript' || doc.language === 'tsx';
}

const CALL_KINDS: Record<Flavor, string[]> = { python: ['call'], js: ['call_expression', 'new_expression'] };
const FUNCTION_KINDS = new Set([
  'function_definition',
  'lambda',
  'function_declaration',
  'function_expression',
  'function',
  'arrow_function',
  'method_definition',
  'generator_function_declaration',
]);

/** The calls under each node asked about (a document's root, shared by its rules), in source order. */
const callsUnder = new WeakMap<SgNode, SgNode[]>();

export function allCalls(root: SgNode, flavor: Flavor): SgNode[] {
  let calls = callsUnder.get(root);
  if (!calls) {
    const kinds = CALL_KINDS[flavor];
    if (kinds.length === 1) calls = root.findAll({ rule: { kind: kinds[0] } });
    else {
      // Each node's offset is asked once: the native tree is slow to ask.
      const found = kinds.flatMap((kind) => root.findAll({ rule: { kind } })).map((node) => ({ node, at: node.range().start.index }));
      calls = found.sort((a, b) => a.at - b.at).map((c) => c.node);
    }
    callsUnder.set(root, calls);
  }
  return calls;
}

export function isCall(node: SgNode): boolean {
  const k = node.kind();
  return k === 'call' || k === 'call_expression' || k === 'new_expression';
}

/**
 * Longest callee read as text. Each call of a chain (`q.filter(a).filter(b)…`) has the chain before
 * it as its callee: read whole, the callees of a chain of n calls are O(n²) characters (a file of a
 * megabyte ran out of memory). Past this, only the member accesses at its end are kept, back to the
 * nearest call or subscript: `….filter`, `….chat.completions.create`.
 */
const MAX_CALLEE_CHARS = 1024;

/**
 * The member accesses that end a long callee, back to the nearest call, subscript or other
 * expression (`.chat.completions.create` of `OpenAI(…).chat.completions.create`), at most
 * MAX_CALLEE_CHARS of them: each callee of a chain of calls stops at the call before it, so a chain
 * stays linear.
 */
function memberTail(f: SgNode): string {
  const names: string[] = [];
  let chars = 0;
  for (let node: SgNode | null = f; node;) {
    const k = node.kind();
    if (k !== 'attribute' && k !== 'member_expression') break;
    const member = node.field('attribute') ?? node.field('property');
    if (!member) break;
    const name = member.text();
    chars += name.length + 1;
    if (chars > MAX_CALLEE_CHARS) break;
    names.push(name);
    node = node.field('object');
  }
  return names
    .reverse()
    .map((n) => `.${n}`)
    .join('');
}

/** The callee as written, without spaces, `await`, optional chaining or `new`: `client.chat.completions.create`. */
export function calleeText(call: SgNode): string {
  let text = callees.get(call);
  if (text === undefined) {
    const f = call.field('function') ?? call.field('constructor');
    let raw = '';
    if (f) {
      const { start, end } = f.range();
      raw = end.index - start.index <= MAX_CALLEE_CHARS ? f.text() : `…${memberTail(f)}`;
    }
    text = raw.replace(/\s+/g, '').replace(/\?\./g, '.');
    callees.set(call, text);
  }
  return text;
}

/** The callee of each call node read (the nodes of `allCalls` are shared by a document's rules). */
const callees = new WeakMap<SgNode, string>();

/** The last segment of the callee: `create` for `client.chat.completions.create`. */
export function calleeName(call: SgNode): string {
  const t = calleeText(call);
  return t.slice(t.lastIndexOf('.') + 1);
}

/**
 * The arguments of each call node read. Every node handed out is a native object whose memory is freed
 * only once the event loop turns, which a file's rules never let it do: a notebook's rules asked again
 * and again for the arguments of the same calls of `allCalls`.
 */
const argumentLists = new WeakMap<SgNode, SgNode[]>();

function argumentList(call: SgNode): SgNode[] {
  let args = argumentLists.get(call);
  if (!args) {
    const list = call.field('arguments');
    args = list ? list.namedChildren().filter((n) => n.kind() !== 'comment') : [];
    argumentLists.set(call, args);
  }
  return args;
}

/** Positional arguments. */
export function positional(call: SgNode): SgNode[] {
  return argumentList(call).filter((n) => !['keyword_argument', 'list_splat', 'dictionary_splat'].includes(String(n.kind())));
}

/**
 * A named argument: a Python keyword argument, or a property of a JavaScript object-literal argument
 * (`create({ max_tokens: 10 })`). Returns the value node.
 */
export function namedArg(call: SgNode, ...names: string[]): SgNode | undefined {
  for (const a of argumentList(call)) {
    if (a.kind() === 'keyword_argument') {
      if (names.includes(a.field('name')?.text() ?? '')) return a.field('value') ?? undefined;
    } else if (a.kind() === 'object') {
      const v = objectProperty(a, ...names);
      if (v) return v;
    }
  }
  return undefined;
}

/** True when the call passes `**kwargs` or a spread, so a missing named argument may still be given. */
export function hasSpreadArgs(call: SgNode): boolean {
  return argumentList(call).some(
    (a) =>
      a.kind() === 'dictionary_splat' ||
      a.kind() === 'spread_element' ||
      (a.kind() === 'object' && a.namedChildren().some((p) => p.kind() === 'spread_element')),
  );
}

/** The value of `key` in a JavaScript object literal or a Python dict literal. */
export function objectProperty(obj: SgNode, ...names: string[]): SgNode | undefined {
  for (const p of obj.namedChildren()) {
    if (p.kind() === 'pair') {
      const k = p.field('key');
      if (k && names.includes(unquote(k.text()))) return p.field('value') ?? undefined;
    } else if (p.kind() === 'shorthand_property_identifier' && names.includes(p.text())) return p;
  }
  return undefined;
}

export function unquote(s: string): string {
  const m = /^[rbuRBU]{0,2}(['"`])([\s\S]*)\1$/.exec(s);
  return m ? m[2] : s;
}

/** A literal whose value is known without running anything: strings without interpolation, numbers, booleans, None/null. */
export function isConstant(node: SgNode): boolean {
  switch (node.kind()) {
    case 'string':
      return !node.namedChildren().some((c) => c.kind() === 'interpolation');
    case 'concatenated_string':
      return node.namedChildren().every(isConstant);
    case 'template_string':
      return !node.namedChildren().some((c) => c.kind() === 'template_substitution');
    case 'integer':
    case 'float':
    case 'number':
    case 'true':
    case 'false':
    case 'none':
    case 'null':
    case 'undefined':
      return true;
    case 'parenthesized_expression':
      return node.namedChildren().every(isConstant);
    default:
      return false;
  }
}

/** The string value of a constant string literal, else undefined. */
export function constantString(node: SgNode | undefined): string | undefined {
  if (!node || !isConstant(node)) return undefined;
  const k = node.kind();
  if (k === 'string' || k === 'template_string') return unquote(node.text().replace(/^[rbuRBU]{0,2}('''|""")([\s\S]*)\1$/, '"$2"'));
  if (k === 'concatenated_string')
    return node
      .namedChildren()
      .map((c) => constantString(c) ?? '')
      .join('');
  return undefined;
}

export function isTrue(node: SgNode | undefined): boolean {
  return node !== undefined && (node.kind() === 'true' || node.text() === 'True');
}

export function isFalse(node: SgNode | undefined): boolean {
  return node !== undefined && (node.kind() === 'false' || node.text() === 'False');
}

export function isFunction(node: SgNode): boolean {
  return FUNCTION_KINDS.has(String(node.kind()));
}

/** The innermost function around a node, or the module. */
export function enclosingScope(node: SgNode): SgNode {
  for (const a of node.ancestors()) if (isFunction(a)) return a;
  return node.getRoot().root();
}

/** True when the text contains any of the words (a cheap filter before building a syntax tree). */
export function mentions(text: string, words: readonly string[]): boolean {
  return words.some((w) => text.includes(w));
}

/** The kinds of arrays of values written in place: Python lists and tuples, JavaScript arrays. */
export const LIST_KINDS: ReadonlySet<string> = new Set(['list', 'tuple', 'array']);

/**
 * Statements and expressions that give a name a value: `x = …`, `x += …`, `let x = …`, loop targets
 * (`for x in xs`, `for (const x of xs)`), `(x := …)` and `with … as x`.
 */
const ASSIGNMENT_KINDS: Record<Flavor, string[]> = {
  python: ['assignment', 'augmented_assignment', 'for_statement', 'named_expression', 'as_pattern'],
  js: ['variable_declarator', 'assignment_expression', 'augmented_assignment_expression', 'for_in_statement'],
};
/** Patterns that give each name in them a part of the value: `a, b = …`, `for (const [k, v] of …)`, `const { x } = …`. */
const PATTERN_KINDS = new Set([
  'pattern_list',
  'tuple_pattern',
  'list_pattern',
  'tuple',
  'list',
  'list_splat_pattern',
  'as_pattern_target',
  'array_pattern',
  'object_pattern',
  'pair_pattern',
  'object_assignment_pattern',
  'assignment_pattern',
  'rest_pattern',
  'parenthesized_expression',
]);

/** The names a target binds (not the attributes, items or default values in it), each with whether it gets a part of the value only. */
function targetNames(target: SgNode, out: Array<{ name: string; part: boolean }>, part: boolean): void {
  const k = target.kind();
  if (k === 'identifier' || k === 'shorthand_property_identifier_pattern') out.push({ name: target.text(), part });
  else if (k === 'pair_pattern' || k === 'object_assignment_pattern' || k === 'assignment_pattern') {
    const inner = target.field('value') ?? target.field('left');
    if (inner) targetNames(inner, out, true);
  } else if (PATTERN_KINDS.has(String(k)))
    // `as_pattern_target` and parentheses hold one target whole; the others take it apart.
    for (const c of target.namedChildren()) targetNames(c, out, part || (k !== 'as_pattern_target' && k !== 'parenthesized_expression'));
}

/** The names a target binds, without the attributes, items or default values in it. */
export function boundNames(target: SgNode): string[] {
  const out: Array<{ name: string; part: boolean }> = [];
  targetNames(target, out, false);
  return out.map((n) => n.name);
}

/** An assignment node's target, the value it takes from, and the node whose place decides whether it runs before a use. */
function assignmentParts(node: SgNode): { target: SgNode | null; value: SgNode | null; at: SgNode } {
  switch (node.kind()) {
    case 'for_statement':
    case 'for_in_statement': {
      // The target is set on each turn: a use in the body follows it, one after the loop may not.
      const target = node.field('left');
      return { target, value: node.field('right'), at: target ?? node };
    }
    case 'named_expression':
      return { target: node.field('name'), value: node.field('value'), at: node };
    case 'as_pattern':
      return { target: node.field('alias'), value: node.namedChildren()[0] ?? null, at: node };
    default:
      return { target: node.field('left') ?? node.field('name'), value: node.field('right') ?? node.field('value'), at: node };
  }
}
const UPDATE_KINDS = new Set(['augmented_assignment', 'augmented_assignment_expression']);
/** Blocks that may not run, or may stop part way, before what follows them: branches, loop bodies, `try` and its handlers. */
const MAY_SKIP: Record<Flavor, ReadonlySet<string>> = {
  python: new Set([
    'if_statement',
    'elif_clause',
    'else_clause',
    'for_statement',
    'while_statement',
    'try_statement',
    'except_clause',
    'case_clause',
  ]),
  js: new Set([
    'if_statement',
    'else_clause',
    'for_statement',
    'for_in_statement',
    'while_statement',
    'try_statement',
    'catch_clause',
    'switch_case',
    'switch_default',
  ]),
};
/** `reaching` follows at most this many assignments that may be skipped; past them it gives the last one only. */
const MAX_REACHING = 32;

/**
 * An assignment to a name: the node, where it ends, the value it gives, whether it updates the name
 * (`+=`) rather than sets it, and whether the name gets a part of the value only (an item of what a
 * loop goes over, one of the values a pattern takes apart).
 */
export interface Assigned {
  node: SgNode;
  end: number;
  value: SgNode | undefined;
  update: boolean;
  part: boolean;
}

interface NameAssignments {
  /** Every assignment, sorted by end (stable: of `a = b = x`, which end together, the inner one stays last). */
  all: Assigned[];
  /** Those that set the name (not `+=`), in the same order. */
  sets: Assigned[];
}

/**
 * The assignments of a file to plain names, by the function (or module) they are in, read in one walk:
 * what a name holds at a use is looked up by binary search, not by walking its scope again.
 */
export class AssignmentIndex {
  private readonly byScope = new Map<number, Map<string, NameAssignments>>();
  readonly rootId: number;
  private readonly maySkip: ReadonlySet<string>;

  constructor(root: SgNode, flavor: Flavor) {
    this.rootId = root.id();
    this.maySkip = MAY_SKIP[flavor];
    const bound: Array<{ name: string; part: boolean }> = [];
    for (const node of root.findAll({ rule: { any: ASSIGNMENT_KINDS[flavor].map((kind) => ({ kind })) } })) {
      const { target, value, at } = assignmentParts(node);
      if (!target) continue;
      bound.length = 0;
      const kind = String(node.kind());
      targetNames(target, bound, kind === 'for_statement' || kind === 'for_in_statement');
      if (bound.length === 0) continue;
      const scope = enclosingScope(node).id();
      let names = this.byScope.get(scope);
      if (!names) this.byScope.set(scope, (names = new Map()));
      const end = (kind === 'for_statement' || kind === 'for_in_statement' ? (value ?? node) : node).range().end.index;
      const update = UPDATE_KINDS.has(kind);
      for (const { name, part } of bound) {
        let list = names.get(name);
        if (!list) names.set(name, (list = { all: [], sets: [] }));
        const a: Assigned = { node: at, end, value: value ?? undefined, update, part };
        list.all.push(a);
        if (!update) list.sets.push(a);
      }
    }
    for (const names of this.byScope.values())
      for (const list of names.values()) {
        list.all.sort((x, y) => x.end - y.end);
        list.sets.sort((x, y) => x.end - y.end);
      }
  }

  /** The assignments to `name` in a scope (by id), sorted by end. */
  in(scopeId: number, name: string, updates = true): readonly Assigned[] {
    const list = this.byScope.get(scopeId)?.get(name);
    return !list ? [] : updates ? list.all : list.sets;
  }

  /** The names a scope (by id) assigns. */
  names(scopeId: number): Iterable<string> {
    return this.byScope.get(scopeId)?.keys() ?? [];
  }

  /**
   * The last assignment to the name `use` reads that ends at or before it in the same function (or the
   * module): what it holds there when the code runs in order. `+=` counts only with `updates`.
   */
  lastBefore(use: SgNode, updates = false): Assigned | undefined {
    const list = this.in(enclosingScope(use).id(), use.text(), updates);
    const at = use.range().start.index;
    return list[lowerBound(list.length, (i) => list[i].end <= at) - 1];
  }

  /**
   * The assignments (setting the name, not `+=`) before a use that its value may come from: the last one,
   * and while that one sits in a branch, loop or `try` the use is not in (it may not have run), the ones
   * before it too, up to one that runs whenever the use does. Of `if a: url = x else: url = y`, both.
   * Past MAX_REACHING of them, the last one only (what the name holds when the code runs in order).
   */
  reaching(use: SgNode): Assigned[] {
    const list = this.in(enclosingScope(use).id(), use.text(), false);
    const at = use.range().start.index;
    const out: Assigned[] = [];
    for (let i = lowerBound(list.length, (k) => list[k].end <= at) - 1; i >= 0; i--) {
      if (out.length === MAX_REACHING) return out.slice(0, 1);
      out.push(list[i]);
      if (!this.mayBeSkipped(list[i].node, at)) break;
    }
    return out;
  }

  /** Whether a block the assignment is in, within its function, may not run before `at` (a branch, loop or handler without it). */
  private mayBeSkipped(node: SgNode, at: number): boolean {
    for (const a of node.ancestors()) {
      if (isFunction(a)) return false;
      if (!this.maySkip.has(String(a.kind()))) continue;
      const r = a.range();
      if (at < r.start.index || at >= r.end.index) return true;
    }
    return false;
  }
}

const assignmentIndexes = new WeakMap<SgNode, AssignmentIndex>();

/** The assignments of the tree under `root`, indexed once per root node: pass the document's own (`doc.root`; `getRoot()` makes a new node each time). */
export function assignmentIndex(root: SgNode, flavor: Flavor): AssignmentIndex {
  let index = assignmentIndexes.get(root);
  if (!index) assignmentIndexes.set(root, (index = new AssignmentIndex(root, flavor)));
  return index;
}
