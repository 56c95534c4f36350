import { expect, it, vi } from 'vitest';
import { MemorySourceFile } from '../../../core/source-file.js';
import { CodeDocument } from '../../../parsers/code/code-document.js';
import { Flow, JS_TOOL_MODULES, PY_TOOL_MODULES } from './flow.js';
import { toolAliases } from './tool-inputs.js';

vi.mock('./tool-inputs.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./tool-inputs.js')>();
  return { ...actual, toolAliases: vi.fn(actual.toolAliases) };
});

it("finds a document's agent tools once for all its flows of model output (plain, shell-quoted, HTML-sanitised)", () => {
  // The file calls a shell quoter and an HTML escaper, so each flow is a Flow of its own.
  const text =
    'import html, os, shlex\nfrom langchain_core.tools import tool\n\n@tool\ndef shell(command: str) -> str:\n    print(shlex.quote(command), html.escape(command))\n    return os.popen(command).read()\n';
  const doc = new CodeDocument(new MemorySourceFile('tools.py', text), 'python');
  const command = doc.root.findAll({ rule: { kind: 'identifier', regex: '^command$' } }).at(-1)!;
  vi.mocked(toolAliases).mockClear();
  for (const flow of [Flow.of(doc, 'llm'), Flow.of(doc, 'llm', 'shell'), Flow.of(doc, 'llm', 'html')])
    expect(flow.reaches(command)).toBe(true);
  expect(toolAliases).toHaveBeenCalledTimes(1);
});

it('takes tool aliases from the agent frameworks it lists, and from no other module', () => {
  const accepts = (re: RegExp, modules: string[]) => modules.filter((m) => re.test(m));
  const py = [
    'langchain',
    'langchain_core.tools',
    'langchain_community.tools',
    'langchain_classic.tools',
    'agents',
    'agents.tool',
    'crewai.tools',
    'crewai_tools',
    'smolagents',
    'strands',
    'strands.tools',
    'haystack.tools',
    'agno.tools',
    'fastmcp',
    'fastmcp.tools',
    'phi.tools',
    'phi.tools.decorator',
    'praisonaiagents',
    'praisonaiagents.tools',
    'upsonic',
    'camel.toolkits',
    'controlflow',
  ];
  expect(accepts(PY_TOOL_MODULES, py)).toEqual(py);
  expect(
    accepts(PY_TOOL_MODULES, [
      'mylib',
      '.helpers',
      'langchain_openai',
      'agentsx',
      'mcp.server.fastmcp',
      'fastmcpx',
      'my_agents',
      'tools',
      'phi',
      'phi.model',
      'camel',
      'camel.agents',
      'upsonicx',
    ]),
  ).toEqual([]);
  const js = [
    'ai',
    '@ai-sdk/provider-utils',
    'langchain/tools',
    '@langchain/core/tools',
    '@langchain/langgraph',
    '@openai/agents',
    '@openai/agents-core',
    '@openai/agents-realtime',
    '@openai/agents/realtime',
  ];
  expect(accepts(JS_TOOL_MODULES, js)).toEqual(js);
  expect(
    accepts(JS_TOOL_MODULES, ['./mytools', 'aix', '@ai-sdk/openai', '@openai/agents-extensions', 'openai', '@langchain', 'ai-tools']),
  ).toEqual([]);
});
