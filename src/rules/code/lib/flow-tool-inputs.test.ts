import { expect, it, vi } from 'vitest';
import { MemorySourceFile } from '../../../core/source-file.js';
import { CodeDocument } from '../../../parsers/code/code-document.js';
import { Flow } from './flow.js';
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
