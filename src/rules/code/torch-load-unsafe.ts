import { defineRule } from '../../core/rule.js';
import { spanOf, type CodeDocument } from '../../parsers/code/code-document.js';
import { pythonPin } from './lib/pinned.js';
import { allCalls, calleeText, flavorOf, hasSpreadArgs, isFalse, isTrue, namedArg } from './lib/syntax.js';

export default defineRule<CodeDocument>({
  meta: {
    id: 'LLM-0002',
    slug: 'torch-load-unsafe',
    title: 'torch.load without weights_only=True',
    severity: 'high',
    scanner: 'code',
    appliesTo: ['code-python'],
    frameworks: [
      { id: 'owasp-llm-2025', control: 'LLM03' },
      { id: 'owasp-llm-2025', control: 'LLM04' },
      { id: 'mitre-atlas', control: 'AML.T0011.000' },
    ],
    rationale:
      '`torch.load` unpickles the checkpoint: with `weights_only=False` any callable in the pickle runs on load, so a downloaded checkpoint is code. PyTorch before 2.6 defaulted to `weights_only=False`, so a call without the argument is unsafe wherever an older PyTorch may run it. The severity follows the version the project pins (the nearest `requirements*.txt`, `pyproject.toml` or lockfile above the file): high when it pins torch < 2.6, low when it pins 2.6 or later, medium when the version is unknown.',
    remediation:
      'Pass `weights_only=True` (register the few extra classes you need with `torch.serialization.add_safe_globals`), or store weights as safetensors and load them with `safetensors.torch.load_file`.',
    references: ['https://pytorch.org/docs/stable/generated/torch.load.html', 'https://genai.owasp.org/llmrisk/llm032025-supply-chain/'],
    examples: {
      bad: [{ path: 'load.py', content: 'import torch\nstate = torch.load("model.pt", weights_only=False)\n' }],
      good: [{ path: 'load.py', content: 'import torch\nstate = torch.load("model.pt", weights_only=True)\n' }],
    },
  },
  check(doc, ctx) {
    if (!doc.text.includes('torch.load') && !doc.text.includes('load(')) return;
    for (const call of allCalls(doc.root, flavorOf(doc))) {
      const callee = calleeText(call);
      if (callee !== 'torch.load' && callee !== 'torch.serialization.load') continue;
      const w = namedArg(call, 'weights_only');
      if (isTrue(w)) continue;
      if (isFalse(w)) ctx.report({ message: `${callee}() unpickles arbitrary objects (weights_only=False)`, at: spanOf(w!.parent()!) });
      else if (!w && !hasSpreadArgs(call)) {
        // The default changed in PyTorch 2.6: the pinned version decides.
        const pin = pythonPin(ctx, doc.file, 'torch');
        if (!pin)
          ctx.report({
            message: `${callee}() without weights_only=True unpickles arbitrary objects on PyTorch < 2.6`,
            at: spanOf(call),
            severity: 'medium',
          });
        else if (pin.below('2.6'))
          ctx.report({
            message: `${callee}() without weights_only=True unpickles arbitrary objects: ${pin.label} defaults to weights_only=False`,
            at: spanOf(call),
            severity: 'high',
          });
        else
          ctx.report({
            message: `${callee}() without weights_only=True: safe by default on ${pin.label}, but unpickles arbitrary objects wherever an older PyTorch runs it`,
            at: spanOf(call),
            severity: 'low',
          });
      }
    }
  },
});
