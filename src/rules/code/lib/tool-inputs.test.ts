import { describe, expect, it } from 'vitest';
import { MemorySourceFile } from '../../../core/source-file.js';
import { CodeDocument } from '../../../parsers/code/code-document.js';
import { PY_TOOL_MODULES } from './flow.js';
import { parsePyType, pyClosed, pyInjected, pyToolClasses } from './tool-inputs.js';

const enums = (): ReadonlySet<string> => new Set(['Env']);
const closed = (text: string): boolean => pyClosed(parsePyType(text)!, enums);
const injected = (text: string): boolean => pyInjected(parsePyType(text)!);

describe('Python tool annotations', () => {
  it('reads closed types: numbers, flags, literals, enums of the file, optional or not', () => {
    for (const t of [
      'int',
      'float',
      'bool',
      'Literal["a", "b"]',
      'typing.Literal[1, -2]',
      'Optional[Env]',
      'int | None',
      'Union[bool, None]',
      'Annotated[int, Field(ge=0)]',
      '"int"',
    ])
      expect(closed(t), t).toBe(true);
    for (const t of ['str', 'Optional[str]', 'int | str', 'list[int]', 'Env[str]', 'Field(default=1)', 'dict', '"a note"'])
      expect(closed(t), t).toBe(false);
  });

  it('reads injected types by name only, not in descriptions or strings', () => {
    for (const t of [
      'InjectedState',
      'Annotated[dict, InjectedState]',
      'Annotated[str, InjectedToolArg()]',
      'Optional[RunnableConfig]',
      'RunContextWrapper[Deps]',
      'Context[ServerSession, None]',
      'AsyncCallbackManagerForToolRun | None',
    ])
      expect(injected(t), t).toBe(true);
    for (const t of [
      'str',
      'Annotated[str, Field(description="Callback URL to notify")]',
      'Annotated[str, "Text for the Context"]',
      'MyContextual',
      'Annotated[str, Field(description="a ] [ ( Injected")]',
    ])
      expect(injected(t), t).toBe(false);
  });

  it('returns nothing for text it does not know, however deep or unterminated', () => {
    expect(parsePyType('Annotated[str, Field(description="open')).toBeUndefined();
    expect(parsePyType('List[int')).toBeUndefined();
    expect(parsePyType(`${'List['.repeat(20_000)}int${']'.repeat(20_000)}`)).toBeUndefined();
    expect(parsePyType('int int')).toBeUndefined();
  });
});

it("takes for agent tools the subclasses of an agent framework's BaseTool, or of one nothing in the file binds, not of another module's nor of the file's own", () => {
  const text = [
    'import mylib, crewai.tools',
    'from langchain_core.tools import BaseTool as LcBase',
    'from langchain_core import tools',
    'from other import BaseTool',
    'class A(LcBase): pass',
    'class B(tools.BaseTool): pass',
    'class C(crewai.tools.BaseTool): pass',
    'class D(A): pass',
    'class E(BaseTool): pass',
    'class F(mylib.BaseTool): pass',
    'class G(LcBase.Other): pass',
    'class H(E): pass',
  ].join('\n');
  const doc = new CodeDocument(new MemorySourceFile('t.py', text), 'python');
  expect([...pyToolClasses(doc.root, PY_TOOL_MODULES)]).toEqual(['A', 'B', 'C', 'D']);
  const star = new CodeDocument(new MemorySourceFile('s.py', 'from langchain.tools import *\nclass S(BaseTool): pass\n'), 'python');
  expect([...pyToolClasses(star.root, PY_TOOL_MODULES)]).toEqual(['S']);
  const own = [
    'from langchain_core.tools import BaseTool as Lc',
    'class BaseTool: pass',
    'class O(BaseTool): pass',
    'if True:',
    '    class Mine(Lc): pass',
    'class P(Mine): pass',
  ].join('\n');
  const doc2 = new CodeDocument(new MemorySourceFile('o.py', own), 'python');
  expect([...pyToolClasses(doc2.root, PY_TOOL_MODULES)]).toEqual(['Mine', 'P']);
  const nested = new CodeDocument(
    new MemorySourceFile('n.py', 'try:\n    from mylib import x\nexcept ImportError:\n    class BaseTool: pass\nclass Q(BaseTool): pass\n'),
    'python',
  );
  expect([...pyToolClasses(nested.root, PY_TOOL_MODULES)]).toEqual([]);
});
