import { defineRule } from '../../core/rule.js';
import { spanOf, type CodeDocument } from '../../parsers/code/code-document.js';
import { allCalls, calleeText, flavorOf, positional } from './lib/syntax.js';
import { isFixedFile, isFixedPath } from './lib/paths.js';

const LOADERS =
  /^(?:pickle|cPickle|_pickle|dill|cloudpickle|joblib|pd|pandas|shelve|jsonpickle)\.(?:load|loads|read_pickle|open|decode|Unpickler)$|^(?:read_pickle)$/;

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
      bad: [
        { path: 'serve.py', content: 'import pickle\n\ndef handle(request):\n    model = pickle.loads(request.data)\n    return model\n' },
      ],
      good: [{ path: 'serve.py', content: 'import json\n\ndef handle(request):\n    return json.loads(request.data)\n' }],
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
      ctx.report({ message: `${callee}() deserialises data that is not a fixed local file; loading it can run code`, at: spanOf(call) });
    }
  },
});
