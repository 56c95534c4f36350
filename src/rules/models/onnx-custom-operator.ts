import { defineRule, lazyExamples } from '../../core/rule.js';
import type { OnnxDocument, OnnxOperatorRef } from '../../parsers/models/documents.js';
import { onnxModel } from './lib/builders/protobuf-builder.js';

/** Operator sets built into ONNX and ONNX Runtime. */
const BUILT_IN = new Set([
  '',
  'ai.onnx',
  'ai.onnx.ml',
  'ai.onnx.training',
  'ai.onnx.preview.training',
  'com.microsoft',
  'com.microsoft.nchwc',
  'com.microsoft.experimental',
  'com.ms.internal.nhwc',
]);

export default defineRule<OnnxDocument>({
  meta: {
    id: 'MDL-0009',
    slug: 'onnx-custom-operator',
    title: 'ONNX model needs custom operators',
    severity: 'medium',
    scanner: 'models',
    appliesTo: ['model-onnx'],
    frameworks: [
      { id: 'mitre-atlas', control: 'AML.T0010.003' },
      { id: 'mitre-atlas', control: 'AML.T0011.000' },
      { id: 'owasp-llm-2025', control: 'LLM03' },
    ],
    rationale:
      'Operators outside the ONNX and ONNX Runtime domains are implemented by a native custom-op library that the serving process must load (`SessionOptions.register_custom_ops_library`, onnxruntime-extensions, TensorRT plugins). Whoever supplies that library runs native code in the inference server, and a model that asks for one pushes operators to install unreviewed shared objects.',
    remediation:
      'Re-export the model with standard operators if possible. Otherwise review and pin the custom-op library, build it from source you trust, and load it only in the deployment that needs it.',
    references: [
      'https://onnxruntime.ai/docs/reference/operators/add-custom-op.html',
      'https://onnx.ai/onnx/repo-docs/IR.html#operator-sets',
    ],
    examples: lazyExamples(() => ({
      bad: [
        {
          path: 'model.onnx',
          content: onnxModel({
            opsets: [
              { domain: '', version: 17 },
              { domain: 'com.acme.ops', version: 1 },
            ],
            nodes: [{ op: 'FastGelu', domain: 'com.acme.ops' }],
          }),
        },
      ],
      good: [{ path: 'model.onnx', content: onnxModel({ nodes: [{ op: 'Relu' }, { op: 'FusedMatMul', domain: 'com.microsoft' }] }) }],
    })),
  },
  check(doc, ctx) {
    const local = new Set((doc as { localFunctionDomains?: string[] }).localFunctionDomains ?? []);
    const first = new Map<string, { ref: OnnxOperatorRef; ops: Set<string> }>();
    for (const ref of [...doc.opsetDomains, ...doc.nodeDomains]) {
      if (BUILT_IN.has(ref.domain) || local.has(ref.domain)) continue;
      const seen = first.get(ref.domain) ?? { ref, ops: new Set<string>() };
      if (ref.opType) seen.ops.add(ref.opType);
      first.set(ref.domain, seen);
    }
    for (const [domain, { ref, ops }] of first) {
      const list = [...ops].slice(0, 5).join(', ');
      ctx.report({
        message: `ONNX model uses the custom operator domain '${domain}'${list ? ` (${list}${ops.size > 5 ? ', …' : ''})` : ''}, which needs a native custom-op library to load`,
        at: { start: ref.offset, end: ref.end },
        evidence: domain,
      });
    }
  },
});
