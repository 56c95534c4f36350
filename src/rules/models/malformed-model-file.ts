import { defineRule, lazyExamples } from '../../core/rule.js';
import { MODEL_KINDS, PickleDocument, type ModelDocument } from '../../parsers/models/documents.js';
import { osSystemPayload, pickle } from './lib/builders/pickle-builder.js';

const nullifai = (() => {
  const payload = osSystemPayload('echo pwned');
  const out = new Uint8Array(payload.length - 1 + 4);
  out.set(payload.subarray(0, payload.length - 1));
  out.set([0xff, 0xfe, 0x00, 0x01], payload.length - 1);
  return out;
})();

export default defineRule<ModelDocument>({
  meta: {
    id: 'MDL-0004',
    slug: 'malformed-model-file',
    title: 'Model file is malformed',
    severity: 'medium',
    scanner: 'models',
    appliesTo: MODEL_KINDS,
    frameworks: [
      { id: 'mitre-atlas', control: 'AML.T0010.003' },
      { id: 'owasp-llm-2025', control: 'LLM03' },
      { id: 'owasp-llm-2025', control: 'LLM04' },
    ],
    rationale:
      'A model file whose structure breaks part-way is either damaged or crafted. Unpicklers execute opcodes as they read them, so a payload placed before deliberately broken bytes still runs while scanners that give up on the first error see nothing (the "nullifAI" evasion found on Hugging Face). Headers that do not add up (safetensors offsets outside the file or overlapping, truncated archives) are how parser bugs in loaders are reached.',
    remediation:
      'Do not load the file. Download it again from its publisher and compare its digest; if it is still malformed, report it to the publisher. Everything before the break was analysed: check the other findings for this file.',
    references: [
      'https://www.reversinglabs.com/blog/rl-identifies-malware-ml-model-hosted-on-hugging-face',
      'https://docs.python.org/3/library/pickletools.html',
      'https://huggingface.co/docs/safetensors/index',
    ],
    examples: lazyExamples(() => ({
      bad: [{ path: 'model.pkl', content: nullifai }],
      good: [{ path: 'model.pkl', content: pickle().proto(2).emptyDict().stop().bytes() }],
    })),
  },
  check(doc, ctx) {
    for (const p of doc.problems) {
      if (p.kind !== 'malformed') continue;
      const before =
        doc instanceof PickleDocument && doc.imports.length ? `; the ${doc.imports.length} import(s) before the break were analysed` : '';
      ctx.report({
        message: `${describe(doc)} is malformed: ${p.message}${doc instanceof PickleDocument ? before : ''}`,
        ...(p.offset !== undefined ? { at: { start: p.offset, end: p.end ?? p.offset + 1 } } : {}),
        evidence: p.message.length > 120 ? p.message.slice(0, 120) + '…' : p.message,
      });
    }
  },
});

function describe(doc: ModelDocument): string {
  switch (doc.kind) {
    case 'model-pickle':
      return 'Pickle stream';
    case 'model-file':
      return doc.format === 'pytorch-zip' ? 'PyTorch checkpoint' : doc.format === 'zip' ? 'Archive' : `${doc.format} file`;
    default:
      return `${doc.format} file`;
  }
}
