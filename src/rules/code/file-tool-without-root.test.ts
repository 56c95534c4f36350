import { testRule } from '../../testing/rule-tester.js';
import rule from './file-tool-without-root.js';

testRule(rule, {
  valid: [{ path: 'a.py', content: 'tools = FileManagementToolkit(root_dir=str(tmp)).get_tools()\nr = ReadFileTool(root_dir="/srv/x")\n' }],
  invalid: [
    {
      path: 'a.py',
      content: 'tools = FileManagementToolkit().get_tools()\nw = WriteFileTool()\n',
      findings: [
        {
          startLine: 1,
          startColumn: 9,
          endLine: 1,
          endColumn: 32,
          message: 'FileManagementToolkit can reach every file of the process (no root_dir)',
        },
        { startLine: 2, startColumn: 5, endLine: 2, endColumn: 20 },
      ],
    },
  ],
});
