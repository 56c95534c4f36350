import { defineRule, lazyExamples } from '../../core/rule.js';
import type { PickleDocument } from '../../parsers/models/documents.js';
import { pickle } from './lib/builders/pickle-builder.js';
import { importSpan, nameOf, streamNote, verdictOf } from './lib/report.js';

export default defineRule<PickleDocument>({
  meta: {
    id: 'MDL-0002',
    slug: 'pickle-dangerous-import',
    title: 'Model pickle imports a dangerous or unresolvable callable',
    severity: 'high',
    scanner: 'models',
    appliesTo: ['model-pickle'],
    frameworks: [
      { id: 'mitre-atlas', control: 'AML.T0011.000' },
      { id: 'mitre-atlas', control: 'AML.T0010.003' },
      { id: 'owasp-llm-2025', control: 'LLM03' },
      { id: 'owasp-llm-2025', control: 'LLM04' },
    ],
    rationale:
      'Unpickling imports every global the stream names, even when no opcode calls it directly. A dangerous callable passed around as an argument (to `functools.partial`, to `copyreg._reconstructor`, as the state of a `BUILD`) or an import whose name is computed at load time (a `STACK_GLOBAL` fed by a call result, a `copyreg` extension code) is how payloads hide from scanners that only look at direct calls. Real checkpoints never import these.',
    remediation:
      'Treat the file as malicious until proven otherwise: do not load it, obtain the model from a trusted source, and prefer safetensors. Load pickle-based checkpoints only with `torch.load(..., weights_only=True)` or an allow-listing unpickler.',
    references: [
      'https://docs.python.org/3/library/pickle.html#restricting-globals',
      'https://huggingface.co/docs/hub/security-pickle',
      'https://github.com/trailofbits/fickling',
      'https://atlas.mitre.org/techniques/AML.T0011.000',
    ],
    examples: lazyExamples(() => ({
      bad: [{ path: 'model.pkl', content: pickle().proto(2).global('builtins', 'eval').tuple1().stop().bytes() }],
      good: [{ path: 'model.pkl', content: pickle().proto(2).global('collections', 'OrderedDict').tuple1().stop().bytes() }],
    })),
  },
  check(doc, ctx) {
    for (const imp of doc.imports) {
      if (!imp.resolved) {
        const ext = imp.opcode.startsWith('EXT');
        ctx.report({
          message: ext
            ? `Pickle imports ${imp.dotted.slice(1, -1)} with ${imp.opcode} at byte ${imp.offset}: the callable is looked up in the loading process's copyreg registry and cannot be judged statically${streamNote(imp)}`
            : `Pickle imports a callable whose name is computed at load time (${imp.opcode} at byte ${imp.offset} on ${imp.dotted.slice(13, -1)})${imp.callCount ? ' and calls it' : ''}${streamNote(imp)}`,
          at: importSpan(imp),
          evidence: imp.dotted,
        });
        continue;
      }
      if (imp.callCount > 0) continue;
      const v = verdictOf(imp);
      if (v.kind !== 'denied') continue;
      ctx.report({
        message: `Pickle imports ${nameOf(imp, v)} (${v.category}) with ${imp.opcode} at byte ${imp.offset}${streamNote(imp)}`,
        at: importSpan(imp),
        evidence: imp.dotted,
      });
    }
  },
});
