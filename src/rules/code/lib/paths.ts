import type { SgNode } from '@ast-grep/napi';
import { calleeText, constantString, enclosingScope, isCall, isFunction, positional } from './syntax.js';

/**
 * Python paths and files fixed in the source: a constant string, `__file__`, and what `os.path` and
 * `pathlib` build from them, directly or through a variable every binding of which is fixed. A path
 * that climbs out of the directory (`"../x.pickle"`) is still fixed: it names a file of the checkout,
 * not one an attacker picks at run time.
 */

const PATH_CALL =
  /^(?:os\.path\.(?:join|dirname|abspath|realpath|normpath|expanduser|basename)|(?:pathlib\.)?(?:Path|PurePath|PosixPath|WindowsPath)|os\.fspath|str)$/;
const PATH_METHOD = /\.(?:resolve|absolute|with_suffix|with_name|with_stem|joinpath|expanduser)$/;
const PATH_ATTRIBUTE = new Set(['parent', 'parents', 'stem', 'name']);
const OPEN_CALL = /^(?:open|io\.open|builtins\.open|gzip\.open|bz2\.open|lzma\.open|gzip\.GzipFile|bz2\.BZ2File|lzma\.LZMAFile)$/;
const MAX_DEPTH = 8;

export function isFixedPath(expr: SgNode | undefined, depth = 0): boolean {
  if (!expr || depth > MAX_DEPTH) return false;
  if (constantString(expr) !== undefined) return true;
  switch (expr.kind()) {
    case 'identifier':
      return expr.text() === '__file__' || everyBinding(expr, (v) => isFixedPath(v, depth + 1));
    case 'parenthesized_expression':
      return isFixedPath(expr.namedChildren()[0], depth + 1);
    case 'binary_operator': {
      const op = expr.field('operator')?.text();
      return (
        (op === '/' || op === '+') &&
        isFixedPath(expr.field('left') ?? undefined, depth + 1) &&
        isFixedPath(expr.field('right') ?? undefined, depth + 1)
      );
    }
    case 'attribute':
      return PATH_ATTRIBUTE.has(expr.field('attribute')?.text() ?? '') && isFixedPath(expr.field('object') ?? undefined, depth + 1);
    case 'subscript':
      return isFixedPath(expr.field('value') ?? undefined, depth + 1);
    case 'call': {
      const callee = calleeText(expr);
      const args = positional(expr);
      if (PATH_CALL.test(callee)) return args.length > 0 && args.every((a) => isFixedPath(a, depth + 1));
      if (PATH_METHOD.test(callee)) return isFixedPath(receiver(expr), depth + 1) && args.every((a) => isFixedPath(a, depth + 1));
      return false;
    }
    default:
      return false;
  }
}

/** A file object or bytes read from a fixed path: `open(P)`, `P.open()`, `P.read_bytes()`, `f.read()` of such a file. */
export function isFixedFile(expr: SgNode | undefined, depth = 0): boolean {
  if (!expr || depth > MAX_DEPTH) return false;
  if (expr.kind() === 'identifier') return everyBinding(expr, (v) => isFixedFile(v, depth + 1));
  if (!isCall(expr)) return false;
  const callee = calleeText(expr);
  if (OPEN_CALL.test(callee)) return isFixedPath(positional(expr)[0], depth + 1);
  if (/\.(?:open|read_bytes|read_text)$/.test(callee)) return isFixedPath(receiver(expr), depth + 1);
  if (/\.(?:read|readlines|getvalue)$/.test(callee)) return isFixedFile(receiver(expr), depth + 1);
  return false;
}

function receiver(call: SgNode): SgNode | undefined {
  return call.field('function')?.field('object') ?? undefined;
}

/** Python comprehensions: each has a scope of its own, whose `for` targets hide the names around it. */
const COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);

/**
 * True when the name has at least one binding in its function (or, failing that, the module) and
 * every one of them satisfies `fixed`: `=`, `+=`, `:=` and `with … as name`. A parameter, a loop or
 * comprehension target, a part of a value taken apart, or a name declared `global`/`nonlocal`
 * anywhere in the file (another function may set it) is never fixed.
 */
export function everyBinding(name: SgNode, fixed: (value: SgNode) => boolean): boolean {
  const id = name.text();
  const named = { rule: { kind: 'identifier', regex: `^${id}$` } };
  const isName = (n: SgNode | null): boolean => n?.kind() === 'identifier' && n.text() === id;
  for (const a of name.ancestors()) {
    if (isFunction(a)) break;
    if (
      COMPREHENSIONS.has(String(a.kind())) &&
      a.findAll({ rule: { kind: 'for_in_clause' } }).some((c) => c.field('left')?.findAll(named).length)
    )
      return false;
  }
  const root = name.getRoot().root();
  for (const d of root.findAll({ rule: { any: [{ kind: 'global_statement' }, { kind: 'nonlocal_statement' }] } }))
    if (d.namedChildren().some(isName)) return false;
  for (let scope: SgNode | undefined = enclosingScope(name); scope; scope = isFunction(scope) ? root : undefined) {
    if (isFunction(scope) && (scope.field('parameters')?.findAll(named).length ?? 0) > 0) return false;
    const values: SgNode[] = [];
    const binders = scope.findAll({
      rule: { any: ['assignment', 'augmented_assignment', 'named_expression', 'for_statement', 'as_pattern'].map((kind) => ({ kind })) },
    });
    for (const b of binders) {
      if (enclosingScope(b).id() !== scope.id()) continue;
      switch (b.kind()) {
        case 'assignment':
        case 'augmented_assignment': {
          const left = b.field('left');
          const right = b.field('right');
          if (isName(left)) {
            if (right && right.kind() !== 'type') values.push(right);
          } else if (left && left.findAll(named).length > 0) return false;
          break;
        }
        case 'named_expression': {
          const value = b.field('value');
          if (isName(b.field('name')) && value) values.push(value);
          break;
        }
        case 'for_statement':
          if ((b.field('left')?.findAll(named).length ?? 0) > 0) return false;
          break;
        default: {
          const alias = b.field('alias');
          const value = b.namedChildren()[0];
          if (alias?.text() === id && value) values.push(value);
        }
      }
    }
    if (values.length > 0) return values.every(fixed);
  }
  return false;
}
