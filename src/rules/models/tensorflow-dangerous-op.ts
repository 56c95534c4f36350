import { lookupTable } from '../../core/lookup-table.js';
import { defineRule, lazyExamples } from '../../core/rule.js';
import type { SavedModelDocument } from '../../parsers/models/documents.js';
import { savedModel } from './lib/builders/protobuf-builder.js';

/** Ops that touch the file system or run Python when a SavedModel is served. */
const DANGEROUS: Readonly<Record<string, string>> = lookupTable({
  ReadFile: 'reads any file the serving process can open',
  WriteFile: 'writes files on the serving host',
  MatchingFiles: 'lists files on the serving host',
  MatchingFilesV2: 'lists files on the serving host',
  PyFunc: 'runs a Python function',
  PyFuncStateless: 'runs a Python function',
  EagerPyFunc: 'runs a Python function',
  ImmutableConst: 'memory-maps a file named in the graph',
});

export default defineRule<SavedModelDocument>({
  meta: {
    id: 'MDL-0011',
    slug: 'tensorflow-dangerous-op',
    title: 'TensorFlow SavedModel uses ops that touch files or run Python',
    severity: 'high',
    scanner: 'models',
    appliesTo: ['model-tf'],
    frameworks: [
      { id: 'mitre-atlas', control: 'AML.T0011.000' },
      { id: 'mitre-atlas', control: 'AML.T0018.002' },
      { id: 'mitre-atlas', control: 'AML.T0025' },
      { id: 'owasp-llm-2025', control: 'LLM03' },
      { id: 'owasp-llm-2025', control: 'LLM04' },
    ],
    rationale:
      'A SavedModel is a program: its graph runs inside TensorFlow Serving or the loading process. `ReadFile`, `WriteFile` and `MatchingFiles` give a model file-system access (exfiltrating keys into outputs, planting files), and `PyFunc`/`EagerPyFunc` call back into Python. Inference graphs do not need them; the saver ops every SavedModel carries (`SaveV2`, `RestoreV2`) are not reported.',
    remediation:
      'Do not serve the model. Inspect the graph with `saved_model_cli show --all`, re-export it without file or Python ops, and serve models in a container without write access and without secrets mounted.',
    references: [
      'https://www.tensorflow.org/guide/saved_model',
      'https://github.com/tensorflow/tensorflow/blob/master/SECURITY.md#tensorflow-models-are-programs',
      'https://www.tensorflow.org/api_docs/python/tf/io/read_file',
    ],
    examples: lazyExamples(() => ({
      bad: [
        {
          path: 'export/saved_model.pb',
          content: savedModel([
            { op: 'Const', name: 'path' },
            { op: 'ReadFile', name: 'read' },
          ]),
        },
      ],
      good: [
        {
          path: 'export/saved_model.pb',
          content: savedModel([
            { op: 'Placeholder', name: 'x' },
            { op: 'MatMul', name: 'mm' },
            { op: 'SaveV2', name: 'save/SaveV2' },
          ]),
        },
      ],
    })),
  },
  check(doc, ctx) {
    for (const o of doc.ops) {
      const what = DANGEROUS[o.op];
      if (!what) continue;
      ctx.report({
        message: `SavedModel op ${o.op} (node '${o.node}'${o.func ? ` in function ${o.func}` : ''}) ${what}`,
        at: { start: o.offset, end: o.end },
        evidence: o.op,
      });
    }
  },
});
