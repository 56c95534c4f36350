import { defineRule } from '../../core/rule.js';
import { spanOf, type CodeDocument } from '../../parsers/code/code-document.js';
import { allCalls, calleeText, constantString, flavorOf, isCall, positional, type Flavor } from './lib/syntax.js';
import type { SgNode } from '@ast-grep/napi';

const LOADERS = /^(?:pickle|cPickle|_pickle|dill|cloudpickle|joblib|pd|pandas|shelve|jsonpickle)\.(?:load|loads|read_pickle|open|decode|Unpickler)$|^(?:read_pickle)$/;

/** True when the data comes from a constant path: `pickle.load(open("model.pkl", "rb"))`, `joblib.load("m.joblib")`. */
function fromConstantPath(arg: SgNode | undefined, flavor: Flavor): boolean {
  if (!arg) return false;
  if (constantString(arg) !== undefined) return true;
  if (isCall(arg) && /^(?:open|io\.open|builtins\.open|gzip\.open|bz2\.open|lzma\.open)$/.test(calleeText(arg))) return constantString(positional(arg)[0]) !== undefined;
  void flavor;
  return false;
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
      '`pickle`, `dill`, `cloudpickle`, `joblib`, `shelve` and `pandas.read_pickle` run any callable the data names while loading it (CWE-502). When the bytes come from a request, a download, a cache or a path chosen at run time, whoever can influence them can run code.',
    remediation:
      'Load models and data from formats that carry no code (safetensors, ONNX, JSON, Parquet). If pickle is unavoidable, load only files you produced, verified by hash, and scan them (`sanctum scan --scanners models`).',
    references: ['https://docs.python.org/3/library/pickle.html', 'https://cwe.mitre.org/data/definitions/502.html'],
    examples: {
      bad: [{ path: 'serve.py', content: 'import pickle\n\ndef handle(request):\n    model = pickle.loads(request.data)\n    return model\n' }],
      good: [{ path: 'serve.py', content: 'import json\n\ndef handle(request):\n    return json.loads(request.data)\n' }],
    },
  },
  check(doc, ctx) {
    if (!/pickle|dill|joblib|shelve/.test(doc.text)) return;
    const flavor = flavorOf(doc);
    for (const call of allCalls(doc.root, flavor)) {
      const callee = calleeText(call);
      if (!LOADERS.test(callee)) continue;
      if (fromConstantPath(positional(call)[0], flavor)) continue;
      ctx.report({ message: `${callee}() deserialises data that is not a fixed local file; loading it can run code`, at: spanOf(call) });
    }
  },
});
