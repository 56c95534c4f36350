import { defineRule, lazyExamples } from '../../core/rule.js';
import type { KerasDocument } from '../../parsers/models/documents.js';
import { dense, kerasArchive, kerasConfig, lambdaLayer } from './lib/builders/keras-builder.js';
import { judgeImport } from './lib/pickle-policy.js';
import { kerasGadget, layerLabel } from './lib/keras.js';

export default defineRule<KerasDocument>({
  meta: {
    id: 'MDL-0012',
    slug: 'keras-lambda-layer',
    title: 'Keras model contains a Lambda layer (Python code)',
    severity: 'high',
    scanner: 'models',
    appliesTo: ['model-keras'],
    frameworks: [
      { id: 'mitre-atlas', control: 'AML.T0011.000' },
      { id: 'mitre-atlas', control: 'AML.T0018.002' },
      { id: 'owasp-llm-2025', control: 'LLM03' },
      { id: 'owasp-llm-2025', control: 'LLM04' },
    ],
    rationale:
      'A Keras `Lambda` layer stores its function as marshalled Python bytecode (or a reference to a Python function) in the model config. Loading the model with `safe_mode=False`, with Keras 2 / tf.keras `.h5` loaders, or through a safe-mode bypass (CVE-2024-3660, CVE-2025-1550) runs that code in the loading process: it is the Keras equivalent of a pickle payload. A Lambda that references a Keras function needs no bytecode and passes safe mode: the published bypasses (CVE-2025-8747, CVE-2025-9906) call `keras.config.enable_unsafe_deserialization`, `set_global_attribute`, `load_model` or `keras.utils.get_file` with arguments from the config, so such references are critical.',
    remediation:
      'Do not load the model with `safe_mode=False`. Replace Lambda layers with registered custom layers whose code lives in your own reviewed package, or with built-in layers, and re-export the model; keep Keras up to date.',
    references: [
      'https://keras.io/api/layers/core_layers/lambda/',
      'https://keras.io/api/models/model_saving_apis/model_saving_and_loading/',
      'https://nvd.nist.gov/vuln/detail/CVE-2024-3660',
      'https://nvd.nist.gov/vuln/detail/CVE-2025-1550',
      'https://nvd.nist.gov/vuln/detail/CVE-2025-9906',
    ],
    examples: lazyExamples(() => ({
      bad: [{ path: 'model.keras', content: kerasArchive(kerasConfig([lambdaLayer('scale')])) }],
      good: [{ path: 'model.keras', content: kerasArchive(kerasConfig([dense('dense')])) }],
    })),
  },
  check(doc, ctx) {
    for (const l of doc.layers) {
      if (l.className !== 'Lambda') continue;
      if (l.functionKind === 'reference') {
        const ref = l.functionRef ?? '';
        const dot = ref.lastIndexOf('.');
        const v = dot > 0 ? judgeImport(ref.slice(0, dot), ref.slice(dot + 1), ref) : undefined;
        const gadget = v?.kind === 'denied' ? undefined : kerasGadget(ref);
        ctx.report({
          message: `Keras Lambda layer ${layerLabel(l)} calls the Python function ${ref || '(unnamed)'}${v?.kind === 'denied' ? ` (${v.category})` : gadget ? `, which ${gadget},` : ''} when the model runs`,
          at: l.path,
          evidence: ref || 'Lambda',
          severity: v?.kind === 'denied' || gadget ? 'critical' : 'medium',
        });
        continue;
      }
      ctx.report({
        message: `Keras Lambda layer ${layerLabel(l)} holds ${l.functionKind === 'source' ? 'Python source' : 'marshalled Python bytecode'} that runs when the model is loaded without safe mode`,
        at: l.path,
        evidence: 'Lambda',
      });
    }
  },
});
