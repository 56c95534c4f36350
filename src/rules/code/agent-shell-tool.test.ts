import { testRule } from '../../testing/rule-tester.js';
import rule from './agent-shell-tool.js';

testRule(rule, {
  valid: [
    { path: 'agent.py', content: 'tools = load_tools(["wikipedia", "llm-math"], llm=llm)\nagent = initialize_agent(tools, llm)\n' },
    { path: 'agent.py', content: '# PythonREPLTool is not used here\nfrom tools import search\n' },
  ],
  invalid: [
    {
      path: 'agent.py',
      content:
        'from langchain_experimental.tools import PythonREPLTool\nfrom langchain.agents import initialize_agent\n\nagent = initialize_agent([PythonREPLTool()], llm)\n',
      findings: [
        {
          startLine: 4,
          startColumn: 27,
          endLine: 4,
          endColumn: 43,
          message: 'PythonREPLTool lets the agent run arbitrary code on this host',
        },
      ],
    },
    {
      name: 'load_tools terminal and ShellTool',
      path: 'agent.py',
      content:
        'tools = load_tools(["terminal", "wikipedia"], llm=llm)\ntools.append(ShellTool())\nagent = create_python_agent(llm=llm, tool=PythonREPLTool())\n',
      findings: [
        { startLine: 1, startColumn: 21, endLine: 1, endColumn: 31, message: 'load_tools(["terminal"]) gives the agent a shell' },
        { startLine: 2, startColumn: 14, endLine: 2, endColumn: 25 },
        { startLine: 3, startColumn: 9, endLine: 3, endColumn: 60, message: 'create_python_agent() gives the agent a Python REPL' },
        { startLine: 3, startColumn: 43, endLine: 3, endColumn: 59 },
      ],
    },
    {
      name: 'TypeScript',
      path: 'agent.ts',
      content: 'const tools = [new ShellTool(), new Calculator()];\n',
      findings: [{ startLine: 1, startColumn: 16, endLine: 1, endColumn: 31 }],
    },
  ],
});
