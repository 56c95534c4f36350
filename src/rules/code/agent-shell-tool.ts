import type { SgNode } from '@ast-grep/napi';
import { defineRule } from '../../core/rule.js';
import { spanOf, type CodeDocument } from '../../parsers/code/code-document.js';
import { allCalls, calleeName, constantString, flavorOf, namedArg, positional } from './lib/syntax.js';

/** Tools that give an agent a shell or a Python interpreter. */
const TOOL_CLASSES = new Set([
  'PythonREPLTool',
  'PythonAstREPLTool',
  'PythonREPL',
  'ShellTool',
  'BashProcess',
  'TerminalTool',
  'E2BDataAnalysisTool',
  'CodeInterpreterTool',
  'PythonInterpreterTool',
  'ShellToolkit',
  'CodeInterpreter',
  'LocalPythonExecutor',
]);
const AGENT_FACTORIES = new Set([
  'create_python_agent',
  'create_pandas_dataframe_agent',
  'create_csv_agent',
  'create_spark_dataframe_agent',
  'create_xorbits_agent',
]);
const LOADABLE = new Set(['terminal', 'python_repl', 'shell', 'bash']);

export default defineRule<CodeDocument>({
  meta: {
    id: 'LLM-0020',
    slug: 'agent-shell-tool',
    title: 'Agent given a shell or Python interpreter tool',
    severity: 'high',
    scanner: 'code',
    appliesTo: ['code-python', 'code-js'],
    frameworks: [
      { id: 'owasp-llm-2025', control: 'LLM06' },
      { id: 'mitre-atlas', control: 'AML.T0050' },
    ],
    rationale:
      'An agent with a shell or REPL tool runs whatever commands the model decides on. Anything the model reads (web pages, documents, emails, tool results) can carry a prompt injection that turns into commands on the host, with its files, credentials and network.',
    remediation:
      'Give agents narrow tools with validated parameters instead of a shell or interpreter. If code execution is the product, run it in a disposable sandbox (a separate container or microVM with no credentials and no network) and require human approval for side effects.',
    references: ['https://genai.owasp.org/llmrisk/llm062025-excessive-agency/', 'https://python.langchain.com/docs/security/'],
    examples: {
      bad: [
        {
          path: 'agent.py',
          content:
            'from langchain_experimental.tools import PythonREPLTool\nfrom langchain.agents import initialize_agent\n\nagent = initialize_agent([PythonREPLTool()], llm)\n',
        },
      ],
      good: [
        {
          path: 'agent.py',
          content:
            'from langchain_community.tools import WikipediaQueryRun\nfrom langchain.agents import initialize_agent\n\nagent = initialize_agent([WikipediaQueryRun(api_wrapper=wiki)], llm)\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    if (!/REPL|Shell|Bash|Terminal|Interpreter|Executor|create_\w+_agent|load_tools/.test(doc.text)) return;
    for (const call of allCalls(doc.root, flavorOf(doc))) {
      const name = calleeName(call);
      if (TOOL_CLASSES.has(name)) {
        ctx.report({ message: `${name} lets the agent run arbitrary code on this host`, at: spanOf(call) });
      } else if (AGENT_FACTORIES.has(name) && name === 'create_python_agent') {
        ctx.report({ message: `${name}() gives the agent a Python REPL`, at: spanOf(call) });
      } else if (name === 'load_tools') {
        const list = positional(call)[0] ?? namedArg(call, 'tool_names');
        const items: SgNode[] = list && (list.kind() === 'list' || list.kind() === 'array') ? list.namedChildren() : [];
        for (const item of items) {
          const tool = constantString(item);
          if (tool && LOADABLE.has(tool)) ctx.report({ message: `load_tools(["${tool}"]) gives the agent a shell`, at: spanOf(item) });
        }
      }
    }
  },
});
