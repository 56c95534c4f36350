import { defineRule } from '../../core/rule.js';
import { spanOf, type CodeDocument } from '../../parsers/code/code-document.js';
import type { SgNode } from '@ast-grep/napi';
import { allCalls, calleeText, enclosingScope, flavorOf, isCall, positional } from './lib/syntax.js';
import { everyBinding, isFixedFile, isFixedPath } from './lib/paths.js';
import { importsFrom } from './lib/imports.js';

const LOADERS =
  /^(?:pickle|cPickle|_pickle|dill|cloudpickle|joblib|pd|pandas|shelve|jsonpickle)\.(?:load|loads|read_pickle|open|decode|Unpickler)$|^(?:read_pickle)$/;

/**
 * Serialisers whose output a pickle-family loader reads back. Not jsonpickle's encode: it does not
 * escape dict keys shaped like its tags (`py/object`), so what was encoded decides what decode builds.
 */
const DUMPS = /^(?:pickle|cPickle|_pickle|dill|cloudpickle)\.dumps$/;
const MAX_DEPTH = 8;

/**
 * Bytes the code has just made from an object of its own (`pickle.loads(pickle.dumps(model))`, or
 * a name every binding of which is such a dump): loading them back runs only what the object's own
 * classes say, so no one outside the program chose them.
 */
function isOwnDump(expr: SgNode | undefined, depth = 0): boolean {
  if (!expr || depth > MAX_DEPTH) return false;
  if (expr.kind() === 'parenthesized_expression') return isOwnDump(expr.namedChildren()[0], depth + 1);
  if (expr.kind() === 'identifier') return everyBinding(expr, (v) => isOwnDump(v, depth + 1));
  return isCall(expr) && DUMPS.test(calleeText(expr));
}

const EMPTY_BUFFER = /^(?:io\.)?BytesIO$/;
const PICKLE_DUMP = /^(?:pickle|cPickle|_pickle|dill|cloudpickle|joblib)\.dump$/;
const PICKLER_MODULES = ['pickle', 'cPickle', '_pickle', 'dill', 'cloudpickle'];

/** The library picklers as this file names them: `pickle.Pickler`, `pk.Pickler` of `import pickle as pk`, `P` of `from dill import Pickler as P`. */
function picklerNames(root: SgNode): Set<string> {
  const names = new Set(PICKLER_MODULES.map((m) => `${m}.Pickler`));
  for (const i of importsFrom(root, (m) => PICKLER_MODULES.includes(m))) {
    if (i.name === '') names.add(`${i.local}.Pickler`);
    else if (i.name === 'Pickler') names.add(i.local);
  }
  return names;
}

/** A call with no arguments at all: `io.BytesIO(initial_bytes=data)` is not empty. */
function noArguments(call: SgNode): boolean {
  return (call.field('arguments')?.namedChildren() ?? []).every((n) => n.kind() === 'comment');
}

/**
 * Where a buffer may appear for its bytes to be only those a pickler wrote: its own binding, the
 * file argument of `pickle.dump(obj, buf)` or of a `…Pickler(buf)`, `buf.seek(…)`, `return buf`,
 * and the load itself.
 */
function picklerOnlyUse(use: SgNode, load: SgNode): boolean {
  const parent = use.parent();
  if (!parent) return false;
  switch (parent.kind()) {
    case 'assignment':
      return parent.field('left')?.id() === use.id();
    case 'return_statement':
      return true;
    case 'attribute':
      return (
        parent.field('object')?.id() === use.id() && parent.field('attribute')?.text() === 'seek' && parent.parent()?.kind() === 'call'
      );
    case 'argument_list': {
      const call = parent.parent();
      if (!call) return false;
      if (call.id() === load.id()) return true;
      const args = positional(call);
      const callee = calleeText(call);
      return (
        (PICKLE_DUMP.test(callee) && args[1]?.id() === use.id()) ||
        (picklerNames(use.getRoot().root()).has(callee) && args[0]?.id() === use.id())
      );
    }
    default:
      return false;
  }
}

/** True when `id = …` stands in the function itself, not in a function nested in it. */
function boundIn(fn: SgNode, id: string): boolean {
  return fn
    .findAll({ rule: { kind: 'assignment' } })
    .some((a) => a.field('left')?.kind() === 'identifier' && a.field('left')?.text() === id && enclosingScope(a).id() === fn.id());
}

/**
 * An in-memory buffer only a pickler has written to, in this function or returned by a function
 * defined beside the load (`f = io.BytesIO(); pickle.Pickler(f).dump(clf); f.seek(0); return f`).
 */
function isOwnBuffer(expr: SgNode | undefined, load: SgNode, depth = 0): boolean {
  if (!expr || depth > MAX_DEPTH) return false;
  if (expr.kind() === 'identifier') {
    const id = expr.text();
    const scope = enclosingScope(expr);
    // Bound in the load's own function, so every write to it is inside that function; a module's buffer may be filled by any function.
    if (scope.kind() !== 'module' && !boundIn(scope, id)) return false;
    if (!everyBinding(expr, (v) => isCall(v) && EMPTY_BUFFER.test(calleeText(v)) && noArguments(v))) return false;
    return scope.findAll({ rule: { kind: 'identifier', regex: `^${id}$` } }).every((use) => picklerOnlyUse(use, load));
  }
  if (!isCall(expr) || positional(expr).length > 0 || expr.field('function')?.kind() !== 'identifier') return false;
  const name = calleeText(expr);
  const scope = enclosingScope(expr);
  const defs = scope
    .findAll({ rule: { kind: 'function_definition' } })
    .filter((d) => d.field('name')?.text() === name && enclosingScope(d).id() === scope.id());
  if (defs.length !== 1) return false;
  // The name stays that function: elsewhere in its scope it is only called.
  const calledOnly = scope
    .findAll({ rule: { kind: 'identifier', regex: `^${name}$` } })
    .every((n) => n.id() === defs[0].field('name')?.id() || n.parent()?.kind() === 'call');
  if (!calledOnly) return false;
  const returns = defs[0].findAll({ rule: { kind: 'return_statement' } }).filter((r) => enclosingScope(r).id() === defs[0].id());
  return returns.length > 0 && returns.every((r) => isOwnBuffer(r.namedChildren()[0], r, depth + 1));
}

export default defineRule<CodeDocument>({
  meta: {
    id: 'LLM-0003',
    slug: 'pickle-load-untrusted',
    title: 'Pickle-based deserialisation of data that is not a fixed local file',
    severity: 'high',
    scanner: 'code',
    appliesTo: ['code-python'],
    frameworks: [
      { id: 'owasp-llm-2025', control: 'LLM03' },
      { id: 'owasp-llm-2025', control: 'LLM04' },
      { id: 'mitre-atlas', control: 'AML.T0011.000' },
    ],
    rationale:
      '`pickle`, `dill`, `cloudpickle`, `joblib`, `shelve` and `pandas.read_pickle` run any callable the data names while loading it (CWE-502). When the bytes come from a request, a download, a cache or a path chosen at run time, whoever can influence them can run code. Loading back bytes the function has just made with `dumps` (`pickle.loads(pickle.dumps(model))`, a name only ever bound to such a dump, an `io.BytesIO()` made empty in the loading function that only `pickle.dump` or a library `Pickler` writes to, there or in a function defined beside the load that returns it) is a copy, not a load of outside data, and is not reported. A `jsonpickle` round trip is: jsonpickle does not escape dict keys shaped like its tags (`py/object`), so data encoded from a request can decode into objects.',
    remediation:
      'Load models and data from formats that carry no code (safetensors, ONNX, JSON, Parquet). If pickle is unavoidable, load only files you produced, verified by hash, and scan them (`sanctum scan --scanners models`).',
    references: ['https://docs.python.org/3/library/pickle.html', 'https://cwe.mitre.org/data/definitions/502.html'],
    examples: {
      bad: [
        { path: 'serve.py', content: 'import pickle\n\ndef handle(request):\n    model = pickle.loads(request.data)\n    return model\n' },
      ],
      good: [
        { path: 'serve.py', content: 'import json\n\ndef handle(request):\n    return json.loads(request.data)\n' },
        {
          path: 'test_model.py',
          content:
            'import pickle\n\ndef test_pickle_round_trip(model):\n    blob = pickle.dumps(model)\n    assert pickle.loads(blob).get_params() == model.get_params()\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    if (!/pickle|dill|joblib|shelve/.test(doc.text)) return;
    const flavor = flavorOf(doc);
    for (const call of allCalls(doc.root, flavor)) {
      const callee = calleeText(call);
      if (!LOADERS.test(callee)) continue;
      const source = positional(call)[0];
      // A path, a file opened from one, or bytes read from one: fixed in the source, so a file of the checkout.
      if (isFixedPath(source) || isFixedFile(source)) continue;
      if (/\.loads$/.test(callee) && !callee.startsWith('jsonpickle.') && isOwnDump(source)) continue;
      if (/\.load$/.test(callee) && isOwnBuffer(source, call)) continue;
      ctx.report({ message: `${callee}() deserialises data that is not a fixed local file; loading it can run code`, at: spanOf(call) });
    }
  },
});
