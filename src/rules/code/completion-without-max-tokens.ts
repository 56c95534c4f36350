import type { SgNode } from '@ast-grep/napi';
import { defineRule } from '../../core/rule.js';
import { spanOf, type CodeDocument } from '../../parsers/code/code-document.js';
import { isLlmCall, isRequestHandler } from './lib/flow.js';
import { allCalls, calleeName, calleeText, flavorOf, hasSpreadArgs, isFunction, namedArg } from './lib/syntax.js';

const LIMIT_ARGS = [
  'max_tokens',
  'max_completion_tokens',
  'max_output_tokens',
  'maxTokens',
  'maxOutputTokens',
  'max_new_tokens',
  'generation_config',
  'config',
];
/** Provider API calls (not LangChain runnables, whose limit is set where the model is built). */
const API_CALL =
  /(?:^|\.)(?:completions\.create|responses\.create|generate_content|generateContent|generateContentStream)$|^(?:litellm\.)?a?completion$|^(?:generateText|streamText|generateObject|streamObject)$/;

function inRequestHandler(node: SgNode): boolean {
  return node.ancestors().some((a) => isFunction(a) && isRequestHandler(a));
}

export default defineRule<CodeDocument>({
  meta: {
    id: 'LLM-0040',
    slug: 'completion-without-max-tokens',
    title: 'Completion call in a request handler without a token limit',
    severity: 'low',
    scanner: 'code',
    appliesTo: ['code-python', 'code-js'],
    frameworks: [
      { id: 'owasp-llm-2025', control: 'LLM10' },
      { id: 'mitre-atlas', control: 'AML.T0034' },
    ],
    rationale:
      'A completion requested on behalf of a web request without `max_tokens` lets each caller make the model generate up to the context limit: cost and latency are set by the attacker (denial of wallet, denial of service).',
    remediation:
      'Set `max_tokens` / `max_completion_tokens` / `max_output_tokens` (or `maxTokens`) to what the feature needs, and rate-limit the endpoint per user.',
    references: ['https://genai.owasp.org/llmrisk/llm102025-unbounded-consumption/'],
    examples: {
      bad: [
        {
          path: 'app.py',
          content:
            '@app.post("/summarise")\ndef summarise():\n    return client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": request.json["text"]}])\n',
        },
      ],
      good: [
        {
          path: 'app.py',
          content:
            '@app.post("/summarise")\ndef summarise():\n    return client.chat.completions.create(model="gpt-4o", max_tokens=400, messages=[{"role": "user", "content": request.json["text"]}])\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    if (!/create|generate|completion|Text|Object/.test(doc.text)) return;
    for (const call of allCalls(doc.root, flavorOf(doc))) {
      const callee = calleeText(call);
      if (!API_CALL.test(callee) || !isLlmCall(call)) continue;
      if (namedArg(call, ...LIMIT_ARGS) || hasSpreadArgs(call)) continue;
      if (!inRequestHandler(call)) continue;
      ctx.report({ message: `${calleeName(call)}() in a request handler has no max-tokens bound`, at: spanOf(call) });
    }
  },
});
