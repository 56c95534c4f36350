import { defineRule, lazyExamples } from '../../core/rule.js';
import type { NpyDocument } from '../../parsers/models/documents.js';
import { npy, objectArrayPickle } from './lib/builders/npy-builder.js';
import { verdictOf } from './lib/report.js';

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
      "A `.npy` file (or a member of an `.npz`) with an object dtype stores its data as a pickle. Reading it needs `numpy.load(..., allow_pickle=True)`, which unpickles whatever the file contains. Weights and embeddings never need object arrays, so one in a model artefact is either a mistake that forces unsafe loading or a carrier for a payload. The embedded pickle is judged like any other (MDL-0001..0003, MDL-0014); when it holds only allow-listed callables (NumPy's array reconstructors and plain values) this finding is only `low`.",
    remediation:
      'Store numeric arrays with a numeric dtype and load them with the default `allow_pickle=False`. If the file must hold objects, convert it to a format that does not need code to load (JSON, safetensors) or load it only in an isolated environment.',
    references: [
      'https://numpy.org/doc/stable/reference/generated/numpy.load.html',
      'https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html',
    ],
    examples: lazyExamples(() => ({
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
    })),
  },
  check(doc, ctx) {
    const h = doc.header;
    if (!h.objectArray) return;
    const outside = doc.embedded?.imports.filter((imp) => verdictOf(imp).kind !== 'allowed').map((imp) => imp.dotted) ?? [];
    const clean = doc.embedded !== undefined && outside.length === 0 && doc.embedded.problems.length === 0;
    const judged = clean
      ? '; the pickle holds only allow-listed callables'
      : outside.length
        ? `; the pickle also imports ${outside.slice(0, 3).join(', ')}${outside.length > 3 ? ` and ${outside.length - 3} more` : ''}`
        : '';
    ctx.report({
      message: `NumPy array has object dtype ${h.descr} (shape (${h.shape.join(', ')})): its data is a pickle and loading it requires allow_pickle=True${judged}`,
      at: { start: h.headerOffset, end: h.headerEnd },
      evidence: `descr: ${h.descr}`,
      ...(clean ? { severity: 'low' as const } : {}),
    });
  },
});
