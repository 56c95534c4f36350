import { defineRule } from '../../core/rule.js';
import { spanOf, type CodeDocument } from '../../parsers/code/code-document.js';
import { allCalls, calleeName, calleeText, flavorOf, isFalse, namedArg } from './lib/syntax.js';

export default defineRule<CodeDocument>({
  meta: {
    id: 'LLM-0005',
    slug: 'keras-load-unsafe',
    title: 'Keras model loaded with safe_mode=False',
    severity: 'high',
    scanner: 'code',
    appliesTo: ['code-python'],
    frameworks: [
      { id: 'owasp-llm-2025', control: 'LLM03' },
      { id: 'mitre-atlas', control: 'AML.T0011.000' },
    ],
    rationale:
      'Keras `safe_mode` refuses to deserialise `Lambda` layers, whose Python bytecode is stored in the model file. `safe_mode=False` runs that bytecode on load (CVE-2024-3660 class), so loading a third-party model runs its code.',
    remediation: 'Keep the default `safe_mode=True`; rebuild models with custom layers registered in code instead of `Lambda` layers.',
    references: ['https://keras.io/api/models/model_saving_apis/model_saving_and_loading/', 'https://nvd.nist.gov/vuln/detail/CVE-2024-3660'],
    examples: {
      bad: [{ path: 'a.py', content: 'import keras\nmodel = keras.models.load_model("model.keras", safe_mode=False)\n' }],
      good: [{ path: 'a.py', content: 'import keras\nmodel = keras.models.load_model("model.keras")\n' }],
    },
  },
  check(doc, ctx) {
    if (!doc.text.includes('safe_mode')) return;
    for (const call of allCalls(doc.root, flavorOf(doc))) {
      if (!['load_model', 'deserialize_keras_object', 'model_from_json', 'model_from_config'].includes(calleeName(call))) continue;
      const v = namedArg(call, 'safe_mode');
      if (isFalse(v)) ctx.report({ message: `${calleeText(call)}() runs Lambda layer bytecode from the file (safe_mode=False)`, at: spanOf(v!.parent()!) });
    }
  },
});
