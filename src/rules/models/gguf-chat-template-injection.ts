import { defineRule, lazyExamples } from '../../core/rule.js';
import type { GgufDocument } from '../../parsers/models/documents.js';
import { gguf } from './lib/builders/formats-builder.js';
import { findTemplateInjection } from './lib/jinja.js';

const byteLength = (s: string) => Buffer.byteLength(s, 'utf8');

export default defineRule<GgufDocument>({
  meta: {
    id: 'MDL-0008',
    slug: 'gguf-chat-template-injection',
    title: 'GGUF chat template reaches Python internals (template injection)',
    severity: 'critical',
    scanner: 'models',
    appliesTo: ['model-gguf'],
    frameworks: [
      { id: 'mitre-atlas', control: 'AML.T0011.000' },
      { id: 'mitre-atlas', control: 'AML.T0010.003' },
      { id: 'mitre-atlas', control: 'AML.T0018.002' },
      { id: 'owasp-llm-2025', control: 'LLM03' },
      { id: 'owasp-llm-2025', control: 'LLM04' },
    ],
    rationale:
      'GGUF models carry their chat template (`tokenizer.chat_template`) as Jinja source, and servers such as llama-cpp-python render it for every request. Rendered outside a sandbox (CVE-2024-34359), or through a sandbox escape, a template that walks `__class__`, `__subclasses__`, `__globals__` or `__builtins__`, or the attributes of Jinja globals like `cycler`, `joiner`, `namespace` and `lipsum`, runs arbitrary Python on the inference server. Real chat templates only format messages.',
    remediation:
      "Do not serve the model with its embedded template. Replace the template with the publisher's reviewed one (most servers accept a chat template override), obtain the model from a trusted source, and render templates only with `jinja2.sandbox.ImmutableSandboxedEnvironment` on an up-to-date Jinja.",
    references: [
      'https://github.com/abetlen/llama-cpp-python/security/advisories/GHSA-56xg-wfcc-g829',
      'https://nvd.nist.gov/vuln/detail/CVE-2024-34359',
      'https://jinja.palletsprojects.com/en/stable/sandbox/',
      'https://github.com/ggml-org/ggml/blob/master/docs/gguf.md',
    ],
    examples: lazyExamples(() => ({
      bad: [
        {
          path: 'model.gguf',
          content: gguf({
            'tokenizer.chat_template': { type: 'string', value: "{{ cycler.__init__.__globals__.os.popen('id').read() }}" },
          }),
        },
      ],
      good: [
        {
          path: 'model.gguf',
          content: gguf({
            'tokenizer.chat_template': {
              type: 'string',
              value: "{% for m in messages %}{{ '<|' + m['role'] + '|>' + m['content'] }}{% endfor %}",
            },
          }),
        },
      ],
    })),
  },
  check(doc, ctx) {
    for (const t of doc.chatTemplates) {
      const hits = findTemplateInjection(t.value);
      if (hits.length === 0) continue;
      const first = hits[0];
      const reasons = [...new Set(hits.map((h) => h.reason))];
      const start = t.offset + byteLength(t.value.slice(0, first.start));
      ctx.report({
        message: `Chat template ${t.key} ${reasons.slice(0, 3).join('; ')}${reasons.length > 3 ? `; and ${reasons.length - 3} more` : ''}`,
        at: { start, end: start + byteLength(first.construct) },
        evidence: first.construct.slice(0, 80),
      });
    }
  },
});
