import { defineRule, lazyExamples } from '../../core/rule.js';
import type { OnnxDocument } from '../../parsers/models/documents.js';
import { onnxModel } from './lib/builders/protobuf-builder.js';

/** Absolute POSIX or Windows paths, UNC paths, URLs, and any `..` segment. */
function escapes(location: string): string | undefined {
  if (/^[\\/]/.test(location)) return 'is an absolute path';
  if (/^[A-Za-z]:/.test(location)) return 'is an absolute Windows path';
  if (/^[A-Za-z][\w+.-]*:\/\//.test(location)) return 'is a URL';
  if (location.split(/[\\/]/).includes('..')) return "climbs out of the model directory with '..'";
  if (location.includes('\0')) return 'contains a NUL byte';
  return undefined;
}

export default defineRule<OnnxDocument>({
  meta: {
    id: 'MDL-0010',
    slug: 'onnx-external-data-traversal',
    title: 'ONNX external data points outside the model directory',
    severity: 'high',
    scanner: 'models',
    appliesTo: ['model-onnx'],
    frameworks: [
      { id: 'mitre-atlas', control: 'AML.T0010.003' },
      { id: 'mitre-atlas', control: 'AML.T0025' },
      { id: 'owasp-llm-2025', control: 'LLM03' },
      { id: 'owasp-llm-2025', control: 'LLM02' },
    ],
    rationale:
      "Large ONNX models keep tensor bytes in external files named by each initializer's `location`. Loaders join that location to the model's directory; an absolute path or a `..` segment makes the loader read any file the process can see (`/etc/shadow`, service-account tokens, other tenants' models) into a tensor whose values the model can then leak (CVE-2024-27318, CVE-2022-25882).",
    remediation:
      'Reject the model. Valid external data uses relative file names inside the model directory; re-export it with `onnx.save_model(..., save_as_external_data=True, location="weights.bin")` and load it with an up-to-date onnx / ONNX Runtime.',
    references: [
      'https://onnx.ai/onnx/repo-docs/ExternalData.html',
      'https://nvd.nist.gov/vuln/detail/CVE-2024-27318',
      'https://nvd.nist.gov/vuln/detail/CVE-2022-25882',
    ],
    examples: lazyExamples(() => ({
      bad: [
        {
          path: 'model.onnx',
          content: onnxModel({ nodes: [{ op: 'Relu' }], initializers: [{ name: 'w', location: '../../../../etc/passwd' }] }),
        },
      ],
      good: [
        { path: 'model.onnx', content: onnxModel({ nodes: [{ op: 'Relu' }], initializers: [{ name: 'w', location: 'model.onnx.data' }] }) },
      ],
    })),
  },
  check(doc, ctx) {
    for (const e of doc.externalData) {
      const why = escapes(e.location);
      if (!why) continue;
      ctx.report({
        message: `External data of tensor '${e.tensor}' ${why}: '${e.location.slice(0, 120)}'`,
        at: { start: e.offset, end: e.end },
        evidence: e.location.slice(0, 120),
      });
    }
  },
});
