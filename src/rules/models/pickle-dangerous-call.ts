import { defineRule, lazyExamples } from '../../core/rule.js';
import type { PickleDocument } from '../../parsers/models/documents.js';
import { osSystemPayload, pickle } from './lib/builders/pickle-builder.js';
import { firstCall, importSpan, nameOf, streamNote, verdictOf } from './lib/report.js';

export default defineRule<PickleDocument>({
  meta: {
    id: 'MDL-0001',
    slug: 'pickle-dangerous-call',
    title: 'Model pickle calls a dangerous callable on load',
    severity: 'critical',
    scanner: 'models',
    appliesTo: ['model-pickle'],
    frameworks: [
      { id: 'mitre-atlas', control: 'AML.T0011.000' },
      { id: 'mitre-atlas', control: 'AML.T0010.003' },
      { id: 'mitre-atlas', control: 'AML.T0018.002' },
      { id: 'owasp-llm-2025', control: 'LLM03' },
      { id: 'owasp-llm-2025', control: 'LLM04' },
    ],
    rationale:
      "Loading a pickle runs the calls it encodes: `REDUCE`, `INST`, `OBJ` and `NEWOBJ` call whatever callable the stream imported, `BUILD` calls a `__setstate__` an earlier `BUILD` stored in the object or its class, and allow-listed helpers such as `copyreg._reconstructor` and torch's `_rebuild_from_type_v2` call a callable they are given. A model file (PyTorch checkpoint, joblib or scikit-learn dump, NumPy object array) that calls `os.system`, `builtins.exec`, `subprocess`, a nested unpickler or a known torch gadget runs attacker code the moment `torch.load`, `pickle.load` or `joblib.load` reads it, with the rights of the training or serving process.",
    remediation:
      'Do not load the file. Obtain the model from a trusted publisher and verify its digest; prefer safetensors (or ONNX/GGUF) for weights. If a pickle-based checkpoint is unavoidable, load it with `torch.load(..., weights_only=True)` or a restricted unpickler and convert it to safetensors in an isolated environment.',
    references: [
      'https://docs.python.org/3/library/pickle.html#restricting-globals',
      'https://pytorch.org/docs/stable/notes/serialization.html#weights-only',
      'https://huggingface.co/docs/hub/security-pickle',
      'https://atlas.mitre.org/techniques/AML.T0011.000',
      'https://genai.owasp.org/llmrisk/llm032025-supply-chain/',
    ],
    examples: lazyExamples(() => ({
      bad: [{ path: 'model.pkl', content: osSystemPayload('echo pwned') }],
      good: [{ path: 'model.pkl', content: pickle().proto(2).global('collections', 'OrderedDict').emptyTuple().reduce().stop().bytes() }],
    })),
  },
  check(doc, ctx) {
    for (const imp of doc.imports) {
      if (imp.callCount === 0) continue;
      const v = verdictOf(imp);
      if (v.kind !== 'denied') continue;
      ctx.report({
        message: `Pickle calls ${nameOf(imp, v)} (${v.category}) when loaded${firstCall(imp)}${streamNote(imp)}`,
        at: importSpan(imp),
        evidence: imp.dotted,
      });
    }
  },
});
