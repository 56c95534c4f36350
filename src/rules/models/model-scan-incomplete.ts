import { defineRule, lazyExamples } from '../../core/rule.js';
import { MODEL_KINDS, type ModelDocument } from '../../parsers/models/documents.js';
import { pickle } from './lib/builders/pickle-builder.js';
import { zip } from './lib/builders/zip-builder.js';

const lzmaMember = (): Uint8Array => zip().add('archive/data.pkl', pickle().proto(2).emptyDict().stop().bytes(), { rawMethod: 14 }).build();

export default defineRule<ModelDocument>({
  meta: {
    id: 'MDL-0005',
    slug: 'model-scan-incomplete',
    title: 'Model file could not be scanned completely',
    severity: 'medium',
    scanner: 'models',
    appliesTo: MODEL_KINDS,
    frameworks: [
      { id: 'mitre-atlas', control: 'AML.T0010.003' },
      { id: 'owasp-llm-2025', control: 'LLM03' },
    ],
    rationale:
      'The scanner bounds every model file it reads (opcodes, memo and stack size, archive members, decompressed bytes, archive nesting, time) so that a hostile file cannot exhaust it, and it reads only the compression methods and formats it knows. Archives are decompressed as a stream: a gzip or deflate bomb stops at the decompression limit, after the members before it were scanned. Whatever lies past a bound or in an unsupported encoding was not checked, and hiding a payload there is the point of some crafted files. The finding is for files that hold a model among what was read; an archive that holds none (a source tarball past the member limit) is listed under `errors` with the number of members not read.',
    remediation:
      'Inspect the file in an isolated environment, or split a legitimately large archive so that each part stays within the limits (10,000 members, 512 MiB decompressed, 3 levels of nesting per file). Convert weights to safetensors so they can be verified without executing anything.',
    references: ['https://huggingface.co/docs/hub/security-pickle', 'https://atlas.mitre.org/techniques/AML.T0010'],
    examples: lazyExamples(() => ({
      bad: [{ path: 'model.pt', content: lzmaMember() }],
      good: [
        {
          path: 'model.pt',
          content: zip().add('archive/data.pkl', pickle().proto(2).emptyDict().stop().bytes(), { method: 'deflate' }).build(),
        },
      ],
    })),
  },
  check(doc, ctx) {
    for (const p of doc.problems) {
      if (p.kind === 'malformed') continue;
      ctx.report({
        message: `${p.kind === 'limit' ? 'Scan bound reached' : 'Unsupported content'}: ${p.message}`,
        ...(p.offset !== undefined ? { at: { start: p.offset, end: p.end ?? p.offset + 1 } } : {}),
        evidence: p.message.length > 120 ? p.message.slice(0, 120) + '…' : p.message,
      });
    }
  },
});
