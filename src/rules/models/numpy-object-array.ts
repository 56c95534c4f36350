import { defineRule } from '../../core/rule.js';
import type { NpyDocument } from '../../parsers/models/documents.js';
import { npy, objectArrayPickle } from './lib/builders/npy-builder.js';

export default defineRule<NpyDocument>({
  meta: {
    id: 'MDL-0006',
    slug: 'numpy-object-array',
    title: 'NumPy array file holds pickled Python objects',
    severity: 'medium',
    scanner: 'models',
    appliesTo: ['model-npy'],
    frameworks: [
      { id: 'mitre-atlas', control: 'AML.T0011.000' },
      { id: 'owasp-llm-2025', control: 'LLM03' },
    ],
    rationale:
      'A `.npy` file (or a member of an `.npz`) with an object dtype stores its data as a pickle. Reading it needs `numpy.load(..., allow_pickle=True)`, which unpickles whatever the file contains. Weights and embeddings never need object arrays, so one in a model artefact is either a mistake that forces unsafe loading or a carrier for a payload (the pickle itself is checked by MDL-0001..0003).',
    remediation:
      'Store numeric arrays with a numeric dtype and load them with the default `allow_pickle=False`. If the file must hold objects, convert it to a format that does not need code to load (JSON, safetensors) or load it only in an isolated environment.',
    references: [
      'https://numpy.org/doc/stable/reference/generated/numpy.load.html',
      'https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html',
    ],
    examples: {
      bad: [
        {
          path: 'embeddings.npy',
          content: npy(
            '|O',
            [1],
            objectArrayPickle((p) => p.str('hello')),
          ),
        },
      ],
      good: [{ path: 'embeddings.npy', content: npy('<f4', [2], new Uint8Array(8)) }],
    },
  },
  check(doc, ctx) {
    const h = doc.header;
    if (!h.objectArray) return;
    ctx.report({
      message: `NumPy array has object dtype ${h.descr} (shape (${h.shape.join(', ')})): its data is a pickle and loading it requires allow_pickle=True`,
      at: { start: h.headerOffset, end: h.headerEnd },
      evidence: `descr: ${h.descr}`,
    });
  },
});
