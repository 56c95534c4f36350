import { testRule } from '../../testing/rule-tester.js';
import rule from './allow-dangerous-code.js';

testRule(rule, {
  valid: [{ path: 'a.py', content: 'agent = create_pandas_dataframe_agent(llm, df, allow_dangerous_code=False)\n' }],
  invalid: [
    {
      path: 'a.py',
      content: 'agent = create_pandas_dataframe_agent(llm, df, allow_dangerous_code=True)\n',
      findings: [
        {
          startLine: 1,
          startColumn: 48,
          endLine: 1,
          endColumn: 73,
          message: 'create_pandas_dataframe_agent() may execute model-written code (allow_dangerous_code=True)',
        },
      ],
    },
  ],
});
