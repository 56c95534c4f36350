import { defineRule } from '../../core/rule.js';
import { spanOf, type CodeDocument } from '../../parsers/code/code-document.js';
import type { SgNode } from '@ast-grep/napi';
import { allCalls, calleeText, flavorOf, isCall, positional } from './lib/syntax.js';
import { everyBinding, isFixedFile, isFixedPath } from './lib/paths.js';

const LOADERS =
  /^(?:pickle|cPickle|_pickle|dill|cloudpickle|joblib|pd|pandas|shelve|jsonpickle)\.(?:load|loads|read_pickle|open|decode|Unpickler)$|^(?:read_pickle)$/;

/** Serialisers, by family, whose output a loader of the same family reads back. */
const DUMPERS = { pickle: /^(?:pickle|cPickle|_pickle|dill|cloudpickle)\.dumps$/, jsonpickle: /^jsonpickle\.(?:encode|dumps)$/ };
const MAX_DEPTH = 8;

/**
 * Bytes the code has just made from an object of its own (`pickle.loads(pickle.dumps(model))`, or
 * a name every binding of which is such a dump): loading them back runs only what the object's own
 * classes say, so no one outside the program chose them.
 */
function isOwnDump(expr: SgNode | undefined, dumper: RegExp, depth = 0): boolean {
  if (!expr || depth > MAX_DEPTH) return false;
  if (expr.kind() === 'parenthesized_expression') return isOwnDump(expr.namedChildren()[0], dumper, depth + 1);
  if (expr.kind() === 'identifier') return everyBinding(expr, (v) => isOwnDump(v, dumper, depth + 1));
  return isCall(expr) && dumper.test(calleeText(expr));
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
      '`pickle`, `dill`, `cloudpickle`, `joblib`, `shelve` and `pandas.read_pickle` run any callable the data names while loading it (CWE-502). When the bytes come from a request, a download, a cache or a path chosen at run time, whoever can influence them can run code. Loading back bytes the function has just made with `dumps` (`pickle.loads(pickle.dumps(model))`, a name only ever bound to such a dump) is a copy, not a load of outside data, and is not reported.',
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
      if (/\.(?:loads|decode)$/.test(callee) && isOwnDump(source, callee.startsWith('jsonpickle.') ? DUMPERS.jsonpickle : DUMPERS.pickle))
        continue;
      ctx.report({ message: `${callee}() deserialises data that is not a fixed local file; loading it can run code`, at: spanOf(call) });
    }
  },
});
