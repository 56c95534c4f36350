import { defineRule, lazyExamples } from '../../core/rule.js';
import type { KerasDocument } from '../../parsers/models/documents.js';
import { dense, kerasArchive, kerasConfig } from './lib/builders/keras-builder.js';
import { layerLabel } from './lib/keras.js';

/** A short, printable rendering of a path or URL from the config. */
const shown = (v: string) => JSON.stringify(v.length > 120 ? `${v.slice(0, 120)}…` : v);

export default defineRule<KerasDocument>({
  meta: {
    id: 'MDL-0016',
    slug: 'keras-external-file',
    title: 'Keras model config makes the loader read a file or URL outside the model',
    severity: 'high',
    scanner: 'models',
    appliesTo: ['model-keras'],
    frameworks: [
      { id: 'mitre-atlas', control: 'AML.T0011.000' },
      { id: 'mitre-atlas', control: 'AML.T0010.003' },
      { id: 'owasp-llm-2025', control: 'LLM03' },
    ],
    rationale:
      'Built-in Keras objects take paths in their config and open them when the model is loaded, safe mode or not: `StringLookup`, `IntegerLookup` and `TextVectorization` read a `vocabulary` file (CVE-2025-12058: any local file, or a gs://, s3:// or http(s):// URL through `tf.io.gfile`, its contents kept in the model where predictions or a re-save expose them), keras_hub tokenizers read their `vocabulary`, `merges` and `proto` files, and `TFSMLayer` loads the TensorFlow SavedModel at `filepath` and runs its graph (CVE-2026-1462). A model saved by Keras 3.12 or later keeps its vocabularies inside the archive, so a path in the config points outside what was scanned.',
    remediation:
      'Do not load the model. If it is yours, re-save it with a current Keras so vocabularies are stored in the archive, and replace TFSMLayer with the layers of the SavedModel; upgrade Keras to 3.13.2 or later, which refuses such paths in safe mode.',
    references: [
      'https://nvd.nist.gov/vuln/detail/CVE-2025-12058',
      'https://nvd.nist.gov/vuln/detail/CVE-2026-1462',
      'https://github.com/keras-team/keras/pull/21751',
      'https://keras.io/api/layers/preprocessing_layers/categorical/string_lookup/',
    ],
    examples: lazyExamples(() => ({
      bad: [
        {
          path: 'model.keras',
          content: kerasArchive(
            kerasConfig([
              {
                module: 'keras.layers',
                class_name: 'StringLookup',
                config: { name: 'lookup', vocabulary: '/root/.aws/credentials' },
                registered_name: null,
              },
            ]),
          ),
        },
      ],
      good: [
        {
          path: 'model.keras',
          content: kerasArchive(
            kerasConfig([
              dense('dense'),
              {
                module: 'keras.layers',
                class_name: 'StringLookup',
                config: { name: 'lookup', vocabulary: ['a', 'b'] },
                registered_name: null,
              },
            ]),
          ),
        },
      ],
    })),
  },
  check(doc, ctx) {
    for (const l of doc.layers) {
      for (const f of l.externalFiles ?? []) {
        const savedModel = l.className === 'TFSMLayer' && f.key === 'filepath';
        if (f.key === 'filepath' && !savedModel) continue;
        ctx.report({
          message: savedModel
            ? `Keras TFSMLayer ${layerLabel(l)} loads the TensorFlow SavedModel at ${shown(f.value)} and runs its graph: code from outside the model file`
            : `Keras object ${layerLabel(l)} (${l.className}) makes the loader read its ${f.key} from ${shown(f.value)}, outside the model file`,
          at: [...l.path, 'config', f.key],
          evidence: f.value,
          ...(savedModel ? { severity: 'critical' as const } : {}),
        });
      }
    }
  },
});
