import { testRule } from '../../testing/rule-tester.js';
import rule from './allow-dangerous-requests.js';

testRule(rule, {
  valid: [{ path: 'a.py', content: 'toolkit = RequestsToolkit(requests_wrapper=w, allow_dangerous_requests=False)\n' }],
  invalid: [
    {
      path: 'a.py',
      content: 'toolkit = RequestsToolkit(requests_wrapper=w, allow_dangerous_requests=True)\n',
      findings: [
        {
          startLine: 1,
          startColumn: 47,
          endLine: 1,
          endColumn: 76,
          message: 'RequestsToolkit() lets the model send arbitrary HTTP requests',
        },
      ],
    },
    {
      name: 'JavaScript object option',
      path: 'a.ts',
      content: 'const chain = await createOpenAPIChain(spec, { llm, allowDangerousRequests: true });\n',
      findings: [{ startLine: 1, startColumn: 53, endLine: 1, endColumn: 81 }],
    },
  ],
});
