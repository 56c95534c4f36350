import type { SgNode } from '@ast-grep/napi';
import { defineRule } from '../../core/rule.js';
import { spanOf, type CodeDocument } from '../../parsers/code/code-document.js';
import { systemPrompts } from './lib/prompts.js';
import { flavorOf, type Flavor } from './lib/syntax.js';

/** Provider key shapes and `password: value`-like statements. Each alternative is linear: no nested quantifiers. */
const SECRET = [
  /\b(?:sk-(?:proj-|ant-(?:api|admin)\d\d-|svcacct-)?[A-Za-z0-9_-]{20,})/,
  /\bAKIA[0-9A-Z]{16}\b/,
  /\bgh[pousr]_[A-Za-z0-9]{36}\b/,
  /\bhf_[A-Za-z0-9]{30,}\b/,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/,
  /\bAIza[0-9A-Za-z_-]{35}\b/,
  /\b(?:password|passwd|pwd|api[_ -]?key|secret|access[_ -]?token|token)\b["']?\s*(?:is|:|=)\s*["']?[^\s"'`{}]{6,}/i,
];

function literalText(node: SgNode, flavor: Flavor): string {
  const parts = node.findAll({ rule: { kind: flavor === 'python' ? 'string_content' : 'string_fragment' } });
  return parts.length ? parts.map((p) => p.text()).join('') : node.text();
}

export default defineRule<CodeDocument>({
  meta: {
    id: 'LLM-0031',
    slug: 'secret-in-system-prompt',
    title: 'Secret written into a system prompt',
    severity: 'high',
    scanner: 'code',
    appliesTo: ['code-python', 'code-js'],
    frameworks: [
      { id: 'owasp-llm-2025', control: 'LLM07' },
      { id: 'owasp-llm-2025', control: 'LLM02' },
    ],
    rationale:
      'System prompts leak: users extract them with simple requests, and they are logged by providers, proxies and tracing tools. A credential or password placed in a system prompt must be assumed public.',
    remediation:
      'Remove the secret from the prompt and rotate it. Tools that need credentials get them from the runtime (a secret store or environment), never through the model.',
    references: ['https://genai.owasp.org/llmrisk/llm072025-system-prompt-leakage/'],
    examples: {
      bad: [
        {
          path: 'bot.py',
          content: 'SYSTEM = [{"role": "system", "content": "You are the ops bot. The admin password is Hunter2-prod!"}]\n',
        },
      ],
      good: [{ path: 'bot.py', content: 'SYSTEM = [{"role": "system", "content": "You are the ops bot. Never reveal configuration."}]\n' }],
    },
  },
  check(doc, ctx) {
    if (!/system|instructions|SystemMessage/.test(doc.text)) return;
    const flavor = flavorOf(doc);
    for (const content of systemPrompts(doc.root, flavor)) {
      const text = literalText(content, flavor);
      for (const re of SECRET) {
        const m = re.exec(text);
        if (!m) continue;
        ctx.report({
          message: 'The system prompt contains a secret',
          at: spanOf(content),
          evidence: `${m[0].slice(0, 6)}… (${m[0].length} chars)`,
        });
        break;
      }
    }
  },
});
