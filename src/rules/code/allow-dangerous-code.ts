import { defineRule } from '../../core/rule.js';
import { spanOf, type CodeDocument } from '../../parsers/code/code-document.js';
import { allCalls, calleeText, flavorOf, isTrue, namedArg } from './lib/syntax.js';

export default defineRule<CodeDocument>({
  meta: {
    id: 'LLM-0021',
    slug: 'allow-dangerous-code',
    title: 'Agent allowed to execute generated code (allow_dangerous_code=True)',
    severity: 'high',
    scanner: 'code',
    appliesTo: ['code-python', 'code-js'],
    frameworks: [
      { id: 'owasp-llm-2025', control: 'LLM06' },
      { id: 'owasp-llm-2025', control: 'LLM05' },
    ],
    rationale:
      'LangChain’s pandas/CSV/Spark agents and similar chains run model-written Python to answer questions. `allow_dangerous_code=True` is the explicit opt-in to executing that code in-process, where a prompt injection in the data or question becomes code execution.',
    remediation:
      'Do not enable it in services; answer data questions with a restricted query layer, or run the agent in an isolated sandbox without credentials.',
    references: ['https://python.langchain.com/docs/security/', 'https://genai.owasp.org/llmrisk/llm062025-excessive-agency/'],
    examples: {
      bad: [{ path: 'a.py', content: 'agent = create_pandas_dataframe_agent(llm, df, allow_dangerous_code=True)\n' }],
      good: [{ path: 'a.py', content: 'agent = create_pandas_dataframe_agent(llm, df)\n' }],
    },
  },
  check(doc, ctx) {
    if (!doc.text.includes('allow_dangerous_code') && !doc.text.includes('allowDangerousCode')) return;
    for (const call of allCalls(doc.root, flavorOf(doc))) {
      const v = namedArg(call, 'allow_dangerous_code', 'allowDangerousCode');
      if (isTrue(v))
        ctx.report({
          message: `${calleeText(call)}() may execute model-written code (allow_dangerous_code=True)`,
          at: spanOf(v!.parent()!),
        });
    }
  },
});
