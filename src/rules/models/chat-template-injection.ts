import { defineRule } from '../../core/rule.js';
import type { ChatTemplateDocument } from '../../parsers/models/chat-template-files.js';
import { findTemplateInjection } from './lib/jinja.js';

export default defineRule<ChatTemplateDocument>({
  meta: {
    id: 'MDL-0015',
    slug: 'chat-template-injection',
    title: 'Hugging Face chat template reaches Python internals (template injection)',
    severity: 'critical',
    scanner: 'models',
    appliesTo: ['hf-chat-template'],
    frameworks: [
      { id: 'mitre-atlas', control: 'AML.T0011.000' },
      { id: 'mitre-atlas', control: 'AML.T0010.003' },
      { id: 'mitre-atlas', control: 'AML.T0018.002' },
      { id: 'owasp-llm-2025', control: 'LLM03' },
      { id: 'owasp-llm-2025', control: 'LLM04' },
    ],
    rationale:
      "A model repository's `tokenizer_config.json` (`chat_template`, or a list of named templates), `chat_template.json` and `chat_template.jinja` are Jinja templates that `transformers`, vLLM, TGI and SGLang render for every request. A template that climbs from a Jinja object to Python internals (`__class__`, `__globals__`, `__subclasses__`, `__builtins__`) escapes the renderer wherever it is not sandboxed, or on a Jinja with a sandbox escape (CVE-2024-34359 did this through a GGUF file's template; the same text works in a tokenizer config). The checks are those of the GGUF chat template rule (MDL-0008).",
    remediation:
      'Do not serve the model with its own template: pass a reviewed template to the server (`--chat-template`), obtain the model from a trusted source and pin its revision, and keep Jinja up to date (templates are rendered with `ImmutableSandboxedEnvironment`).',
    references: ['https://huggingface.co/docs/transformers/main/en/chat_templating', 'https://nvd.nist.gov/vuln/detail/CVE-2024-34359'],
    examples: {
      bad: [
        {
          path: 'model/tokenizer_config.json',
          content: '{\n  "bos_token": "<s>",\n  "chat_template": "{{ cycler.__init__.__globals__.os.popen(\'id\').read() }}"\n}\n',
        },
      ],
      good: [
        {
          path: 'model/tokenizer_config.json',
          content:
            '{\n  "bos_token": "<s>",\n  "chat_template": "{% for m in messages %}{{ \'<|\' + m[\'role\'] + \'|>\' + m[\'content\'] }}{% endfor %}"\n}\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    for (const t of doc.templates) {
      const hits = findTemplateInjection(t.value);
      if (hits.length === 0) continue;
      const reasons = [...new Set(hits.map((h) => h.reason))];
      const name = t.name === 'default' ? 'chat template' : `chat template '${t.name}'`;
      ctx.report({
        message: `The ${name} ${reasons.slice(0, 3).join('; ')}${reasons.length > 3 ? `; and ${reasons.length - 3} more` : ''}`,
        at: doc.within(t, hits[0].construct),
        evidence: hits[0].construct.slice(0, 80),
      });
    }
  },
});
