import { defineRule } from '../../core/rule.js';
import { spanOf, type CodeDocument } from '../../parsers/code/code-document.js';
import { allCalls, calleeText, flavorOf, isTrue, namedArg } from './lib/syntax.js';

export default defineRule<CodeDocument>({
  meta: {
    id: 'LLM-0022',
    slug: 'allow-dangerous-requests',
    title: 'Agent allowed to make arbitrary HTTP requests (allow_dangerous_requests=True)',
    severity: 'high',
    scanner: 'code',
    appliesTo: ['code-python', 'code-js'],
    frameworks: [
      { id: 'owasp-llm-2025', control: 'LLM06' },
      { id: 'mitre-atlas', control: 'AML.T0025' },
    ],
    rationale:
      'Request tools and OpenAPI/API chains with `allow_dangerous_requests=True` let the model choose URLs, methods and bodies: a prompt injection can make the service call internal endpoints (cloud metadata, admin APIs) or send data out (SSRF and exfiltration).',
    remediation: 'Give the agent tools bound to specific endpoints with validated parameters, behind an egress allow-list.',
    references: ['https://python.langchain.com/docs/security/', 'https://genai.owasp.org/llmrisk/llm062025-excessive-agency/'],
    examples: {
      bad: [
        { path: 'a.py', content: 'toolkit = RequestsToolkit(requests_wrapper=TextRequestsWrapper(), allow_dangerous_requests=True)\n' },
      ],
      good: [{ path: 'a.py', content: 'toolkit = RequestsToolkit(requests_wrapper=TextRequestsWrapper())\n' }],
    },
  },
  check(doc, ctx) {
    if (!doc.text.includes('allow_dangerous_requests') && !doc.text.includes('allowDangerousRequests')) return;
    for (const call of allCalls(doc.root, flavorOf(doc))) {
      const v = namedArg(call, 'allow_dangerous_requests', 'allowDangerousRequests');
      if (isTrue(v)) ctx.report({ message: `${calleeText(call)}() lets the model send arbitrary HTTP requests`, at: spanOf(v!.parent()!) });
    }
  },
});
