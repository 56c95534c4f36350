import { defineRule, lazyExamples } from '../../core/rule.js';
import type { PickleDocument } from '../../parsers/models/documents.js';
import { pickle } from './lib/builders/pickle-builder.js';
import { firstCall, importSpan, streamNote, verdictOf } from './lib/report.js';

export default defineRule<PickleDocument>({
  meta: {
    id: 'MDL-0003',
    slug: 'pickle-unknown-import',
    title: 'Model pickle imports a callable outside the allow-list',
    severity: 'low',
    scanner: 'models',
    appliesTo: ['model-pickle'],
    frameworks: [
      { id: 'mitre-atlas', control: 'AML.T0010.003' },
      { id: 'owasp-llm-2025', control: 'LLM03' },
    ],
    rationale:
      'Checkpoints written by PyTorch, NumPy, scikit-learn, transformers or Lightning import a small, known set of classes and rebuild helpers. Any other import runs code from that module on load; it is not known to be dangerous, but nobody has vetted it either, and a loader with `weights_only=True` will refuse it. With `--strict-models` every such import is reported as high.',
    remediation:
      'Check that the named module and callable are what the model needs and come from a package you trust; if so, suppress the finding with a reason. Better, save plain tensors (a `state_dict`) in safetensors so no code is needed to load them.',
    references: [
      'https://pytorch.org/docs/stable/notes/serialization.html#weights-only',
      'https://docs.python.org/3/library/pickle.html#restricting-globals',
      'https://huggingface.co/docs/hub/security-pickle',
    ],
    examples: lazyExamples(() => ({
      bad: [{ path: 'model.pkl', content: pickle().proto(2).global('mylib.models', 'Net').emptyTuple().reduce().stop().bytes() }],
      good: [{ path: 'model.pkl', content: pickle().proto(2).global('torch._utils', '_rebuild_tensor_v2').tuple1().stop().bytes() }],
    })),
  },
  check(doc, ctx) {
    const strict = ctx.settings.strictModels;
    for (const imp of doc.imports) {
      if (!imp.resolved || verdictOf(imp).kind !== 'unknown') continue;
      ctx.report({
        message: `Pickle imports ${imp.dotted}, which is not on the allow-list of checkpoint callables (${imp.opcode} at byte ${imp.offset}${imp.callCount ? `, called${firstCall(imp)}` : ''})${streamNote(imp)}`,
        at: importSpan(imp),
        evidence: imp.dotted,
        ...(strict ? { severity: 'high' as const } : {}),
      });
    }
  },
});
