import { defineRule, lazyExamples } from '../../core/rule.js';
import type { KerasDocument } from '../../parsers/models/documents.js';
import { dense, kerasArchive, kerasConfig } from './lib/builders/keras-builder.js';
import { isKerasModule, layerLabel } from './lib/keras.js';
import { judgeImport } from './lib/pickle-policy.js';

export default defineRule<KerasDocument>({
  meta: {
    id: 'MDL-0013',
    slug: 'keras-custom-object',
    title: 'Keras model config imports objects from outside Keras',
    severity: 'medium',
    scanner: 'models',
    appliesTo: ['model-keras'],
    frameworks: [
      { id: 'mitre-atlas', control: 'AML.T0011.000' },
      { id: 'mitre-atlas', control: 'AML.T0010.003' },
      { id: 'owasp-llm-2025', control: 'LLM03' },
    ],
    rationale:
      "Keras rebuilds every object of a saved config by importing the `module` it names and calling the class's `from_config`. Custom objects run code from whatever package provides them, and before Keras 3.9 any importable module could be named (CVE-2025-1550): a config that names `os`, `subprocess` or `builtins` turns loading into code execution even in safe mode.",
    remediation:
      'Check that every custom object comes from a package you trust and pin it; pass custom objects explicitly through `custom_objects=` instead of relying on the module named in the file. Reject models whose config names standard-library modules, and upgrade Keras to 3.9 or later.',
    references: [
      'https://keras.io/guides/serialization_and_saving/',
      'https://nvd.nist.gov/vuln/detail/CVE-2025-1550',
      'https://github.com/keras-team/keras/security/advisories',
    ],
    examples: lazyExamples(() => ({
      bad: [
        {
          path: 'model.keras',
          content: kerasArchive(
            kerasConfig([
              { module: 'my_layers', class_name: 'Attention', config: { name: 'attn' }, registered_name: 'MyLayers>Attention' },
            ]),
          ),
        },
      ],
      good: [{ path: 'model.keras', content: kerasArchive(kerasConfig([dense('dense')])) }],
    })),
  },
  check(doc, ctx) {
    for (const l of doc.layers) {
      if (l.module === undefined || isKerasModule(l.module)) continue;
      if (l.module === 'builtins' && l.className === 'function') continue;
      const v = judgeImport(l.module, l.className);
      const denied = v.kind === 'denied';
      ctx.report({
        message: denied
          ? `Keras config makes the loader import ${l.module}.${l.className} (${v.category}) for object ${layerLabel(l)}`
          : `Keras object ${layerLabel(l)} is the custom class ${l.className} from module '${l.module}'${l.registeredName ? ` (registered as ${l.registeredName})` : ''}: loading runs that package's code`,
        at: l.path,
        evidence: `${l.module}.${l.className}`,
        ...(denied ? { severity: 'critical' as const } : {}),
      });
    }
  },
});
