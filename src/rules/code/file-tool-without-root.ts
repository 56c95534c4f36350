import { defineRule } from '../../core/rule.js';
import { spanOf, type CodeDocument } from '../../parsers/code/code-document.js';
import { allCalls, calleeName, flavorOf, hasSpreadArgs, namedArg } from './lib/syntax.js';

const FILE_TOOLS = new Set([
  'FileManagementToolkit',
  'ReadFileTool',
  'WriteFileTool',
  'CopyFileTool',
  'DeleteFileTool',
  'MoveFileTool',
  'ListDirectoryTool',
  'FileSearchTool',
]);

export default defineRule<CodeDocument>({
  meta: {
    id: 'LLM-0023',
    slug: 'file-tool-without-root',
    title: 'Agent file tools without a root directory',
    severity: 'medium',
    scanner: 'code',
    appliesTo: ['code-python'],
    frameworks: [{ id: 'owasp-llm-2025', control: 'LLM06' }],
    rationale:
      'LangChain file-management tools without `root_dir` can read, write and delete any path the process can reach (credentials, SSH keys, source code), as the model decides.',
    remediation:
      'Pass `root_dir=` pointing at a dedicated scratch directory, and give only the tools needed (`selected_tools=["read_file"]`).',
    references: [
      'https://python.langchain.com/docs/integrations/tools/filesystem/',
      'https://genai.owasp.org/llmrisk/llm062025-excessive-agency/',
    ],
    examples: {
      bad: [{ path: 'a.py', content: 'tools = FileManagementToolkit().get_tools()\n' }],
      good: [
        {
          path: 'a.py',
          content: 'tools = FileManagementToolkit(root_dir="/srv/agent-scratch", selected_tools=["read_file"]).get_tools()\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    if (!/FileManagementToolkit|FileTool|DirectoryTool|FileSearchTool/.test(doc.text)) return;
    for (const call of allCalls(doc.root, flavorOf(doc))) {
      const name = calleeName(call);
      if (!FILE_TOOLS.has(name) || namedArg(call, 'root_dir') || hasSpreadArgs(call)) continue;
      ctx.report({ message: `${name} can reach every file of the process (no root_dir)`, at: spanOf(call) });
    }
  },
});
