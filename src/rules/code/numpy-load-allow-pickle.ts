import { defineRule } from '../../core/rule.js';
import { spanOf, type CodeDocument } from '../../parsers/code/code-document.js';
import { allCalls, calleeText, flavorOf, isTrue, namedArg } from './lib/syntax.js';

export default defineRule<CodeDocument>({
  meta: {
    id: 'LLM-0004',
    slug: 'numpy-load-allow-pickle',
    title: 'numpy.load with allow_pickle=True',
    severity: 'high',
    scanner: 'code',
    appliesTo: ['code-python'],
    frameworks: [
      { id: 'owasp-llm-2025', control: 'LLM03' },
      { id: 'mitre-atlas', control: 'AML.T0011.000' },
    ],
    rationale:
      'With `allow_pickle=True`, `numpy.load` unpickles object arrays found in `.npy`/`.npz` files, so loading a file from elsewhere runs whatever code its pickle names (CWE-502).',
    remediation: 'Keep the default `allow_pickle=False`; store object data in a format without code (JSON, Parquet, safetensors).',
    references: ['https://numpy.org/doc/stable/reference/generated/numpy.load.html', 'https://cwe.mitre.org/data/definitions/502.html'],
    examples: {
      bad: [{ path: 'a.py', content: 'import numpy as np\nemb = np.load("embeddings.npy", allow_pickle=True)\n' }],
      good: [{ path: 'a.py', content: 'import numpy as np\nemb = np.load("embeddings.npy")\n' }],
    },
  },
  check(doc, ctx) {
    if (!doc.text.includes('allow_pickle')) return;
    for (const call of allCalls(doc.root, flavorOf(doc))) {
      const callee = calleeText(call);
      if (!/^(?:np|numpy)\.load$/.test(callee)) continue;
      const v = namedArg(call, 'allow_pickle');
      if (isTrue(v)) ctx.report({ message: `${callee}() unpickles object arrays (allow_pickle=True)`, at: spanOf(v!.parent()!) });
    }
  },
});
