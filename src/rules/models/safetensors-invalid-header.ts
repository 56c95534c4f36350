import { defineRule, lazyExamples } from '../../core/rule.js';
import type { SafetensorsDocument } from '../../parsers/models/documents.js';
import { packedSafetensors, safetensors } from './lib/builders/formats-builder.js';

export default defineRule<SafetensorsDocument>({
  meta: {
    id: 'MDL-0007',
    slug: 'safetensors-invalid-header',
    title: 'safetensors header is invalid',
    severity: 'high',
    scanner: 'models',
    appliesTo: ['model-safetensors'],
    frameworks: [
      { id: 'mitre-atlas', control: 'AML.T0010.003' },
      { id: 'mitre-atlas', control: 'AML.T0018' },
      { id: 'owasp-llm-2025', control: 'LLM03' },
      { id: 'owasp-llm-2025', control: 'LLM04' },
    ],
    rationale:
      'safetensors is safe because its header is a plain JSON table of tensors whose byte ranges exactly tile the data buffer. A header that is not valid JSON, is larger than loaders accept, names unknown dtypes, or has ranges outside the file, overlapping each other, leaving gaps or not matching the shape is not produced by any safetensors writer: it is a damaged or crafted file that targets lenient loaders (out-of-bounds reads, one tensor aliasing another, data smuggled in gaps).',
    remediation:
      'Do not load the file. Re-download it from its publisher and compare its digest; re-export the model with the `safetensors` library, which always writes a valid header.',
    references: ['https://github.com/huggingface/safetensors#format', 'https://huggingface.co/docs/safetensors/index'],
    examples: lazyExamples(() => ({
      bad: [
        { path: 'model.safetensors', content: safetensors({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 64] } }, new Uint8Array(16)) },
      ],
      good: [{ path: 'model.safetensors', content: packedSafetensors({ w: { dtype: 'F32', shape: [4] } }) }],
    })),
  },
  check(doc, ctx) {
    for (const p of doc.headerProblems)
      ctx.report({
        message: `safetensors header is invalid: ${p.message}`,
        at: { start: p.start, end: p.end },
        evidence: p.message.slice(0, 120),
      });
  },
});
