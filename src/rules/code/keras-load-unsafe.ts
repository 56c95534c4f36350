import { defineRule } from '../../core/rule.js';
import { spanOf, type CodeDocument } from '../../parsers/code/code-document.js';
import { pythonPin } from './lib/pinned.js';
import { allCalls, calleeName, calleeText, flavorOf, isFalse, namedArg } from './lib/syntax.js';

const LOADERS = ['load_model', 'deserialize_keras_object', 'model_from_json', 'model_from_config'];
/** Published bypasses of Keras 3's safe_mode by a crafted `.keras` file, oldest fix first. */
const SAFE_MODE_BYPASSES = [
  { id: 'CVE-2025-1550', introduced: '3.0', fixed: '3.9' },
  { id: 'CVE-2025-8747', introduced: '3.0', fixed: '3.11' },
];

export default defineRule<CodeDocument>({
  meta: {
    id: 'LLM-0005',
    slug: 'keras-load-unsafe',
    title: 'Keras model loaded with safe_mode off or unavailable',
    severity: 'high',
    scanner: 'code',
    appliesTo: ['code-python'],
    frameworks: [
      { id: 'owasp-llm-2025', control: 'LLM03' },
      { id: 'mitre-atlas', control: 'AML.T0011.000' },
    ],
    rationale:
      'Keras `safe_mode` refuses to deserialise `Lambda` layers, whose Python bytecode is stored in the model file. `safe_mode=False` runs that bytecode on load (CVE-2024-3660 class), so loading a third-party model runs its code. Without the argument, the version the project pins decides (the nearest `requirements*.txt`, `pyproject.toml` or lockfile above the file): Keras and TensorFlow before 2.13 have no safe mode at all (high), and Keras 3 before 3.11 lets a crafted `.keras` file bypass it (CVE-2025-1550, CVE-2025-8747; medium).',
    remediation:
      'Keep the default `safe_mode=True` on Keras 3.11 or later; rebuild models with custom layers registered in code instead of `Lambda` layers.',
    references: [
      'https://keras.io/api/models/model_saving_apis/model_saving_and_loading/',
      'https://nvd.nist.gov/vuln/detail/CVE-2024-3660',
    ],
    examples: {
      bad: [{ path: 'a.py', content: 'import keras\nmodel = keras.models.load_model("model.keras", safe_mode=False)\n' }],
      good: [{ path: 'a.py', content: 'import keras\nmodel = keras.models.load_model("model.keras")\n' }],
    },
  },
  check(doc, ctx) {
    if (!doc.text.includes('safe_mode') && !doc.text.includes('load_model')) return;
    for (const call of allCalls(doc.root, flavorOf(doc))) {
      if (!LOADERS.includes(calleeName(call))) continue;
      const v = namedArg(call, 'safe_mode');
      if (isFalse(v)) {
        ctx.report({
          message: `${calleeText(call)}() runs Lambda layer bytecode from the file (safe_mode=False)`,
          at: spanOf(v!.parent()!),
        });
        continue;
      }
      if (v || calleeName(call) !== 'load_model' || !/^(?:keras|tf|tensorflow)\./.test(calleeText(call))) continue;
      // Without safe_mode=False the default decides, and the version the project pins decides what the default does.
      const tf = /^(?:tf|tensorflow)\./.test(calleeText(call));
      const pin = pythonPin(ctx, doc.file, tf ? 'tensorflow' : 'keras');
      if (!pin) continue;
      if (pin.below('2.13')) {
        ctx.report({
          message: `${calleeText(call)}() runs Lambda layer bytecode from the file: ${pin.label} has no safe_mode (CVE-2024-3660)`,
          at: spanOf(call),
        });
        continue;
      }
      const bypass = tf ? undefined : SAFE_MODE_BYPASSES.find((b) => !pin.below(b.introduced) && pin.below(b.fixed));
      if (bypass)
        ctx.report({
          message: `${calleeText(call)}() relies on safe_mode, which a crafted model file bypasses in ${pin.label} (${bypass.id}, fixed in ${bypass.fixed})`,
          at: spanOf(call),
          severity: 'medium',
        });
    }
  },
});
