import { defineRule } from '../../core/rule.js';
import { spanOf, type CodeDocument } from '../../parsers/code/code-document.js';
import { allCalls, calleeText, flavorOf, isTrue, namedArg } from './lib/syntax.js';

export default defineRule<CodeDocument>({
  meta: {
    id: 'LLM-0001',
    slug: 'model-load-trust-remote-code',
    title: 'Model loaded with trust_remote_code=True',
    severity: 'high',
    scanner: 'code',
    appliesTo: ['code-python'],
    frameworks: [
      { id: 'owasp-llm-2025', control: 'LLM03' },
      { id: 'mitre-atlas', control: 'AML.T0010.003' },
    ],
    rationale:
      '`trust_remote_code=True` makes Hugging Face `transformers` (and `datasets`, `sentence-transformers`, vLLM) download and import Python files from the model repository. Whoever controls that repository, or a later revision of it, runs code in your process with its credentials.',
    remediation:
      'Use architectures supported natively by the library. If custom code is unavoidable, review it, vendor it, and pin the exact `revision=` (a commit hash) so that a later push cannot change what runs.',
    references: [
      'https://huggingface.co/docs/transformers/main/en/models#custom-models',
      'https://genai.owasp.org/llmrisk/llm032025-supply-chain/',
    ],
    examples: {
      bad: [{ path: 'load.py', content: 'from transformers import AutoModelForCausalLM\nmodel = AutoModelForCausalLM.from_pretrained("acme/chat-7b", trust_remote_code=True)\n' }],
      good: [{ path: 'load.py', content: 'from transformers import AutoModelForCausalLM\nmodel = AutoModelForCausalLM.from_pretrained("acme/chat-7b", revision="3f2a9c1")\n' }],
    },
  },
  check(doc, ctx) {
    if (!doc.text.includes('trust_remote_code')) return;
    for (const call of allCalls(doc.root, flavorOf(doc))) {
      const v = namedArg(call, 'trust_remote_code');
      if (isTrue(v)) ctx.report({ message: `${calleeText(call)}() runs code from the model repository (trust_remote_code=True)`, at: spanOf(v!.parent()!) });
    }
  },
});
