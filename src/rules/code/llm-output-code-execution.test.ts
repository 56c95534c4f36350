import { testRule } from '../../testing/rule-tester.js';
import rule from './llm-output-code-execution.js';

testRule(rule, {
  valid: [
    { name: 'constant argument', path: 'a.py', content: 'def f(llm):\n    out = llm.invoke("hi")\n    return eval("1 + 2")\n' },
    { name: 'output parsed as JSON', path: 'a.py', content: 'import json\ndef f(client):\n    r = client.chat.completions.create(model="m", messages=[])\n    return json.loads(r.choices[0].message.content)\n' },
    { name: 'eval of unrelated data', path: 'a.py', content: 'def f(llm, expr):\n    out = llm.invoke("hi")\n    return eval(expr)\n' },
    { name: 'taint does not cross functions', path: 'a.py', content: 'def f(llm):\n    code = llm.invoke("x")\n    return code\n\ndef g(code):\n    exec(code)\n' },
    { name: 'JS JSON.parse', path: 'a.ts', content: 'async function f(openai: any) {\n  const r = await openai.chat.completions.create({ model: "m" });\n  return JSON.parse(r.choices[0].message.content);\n}\n' },
  ],
  invalid: [
    {
      path: 'agent.py',
      content:
        'from openai import OpenAI\nclient = OpenAI()\n\ndef solve(question):\n    resp = client.chat.completions.create(model="gpt-4o", messages=[])\n    code = resp.choices[0].message.content\n    return eval(code)\n',
      findings: [{ startLine: 7, startColumn: 12, endLine: 7, endColumn: 22, message: 'Model output reaches eval()' }],
    },
    {
      name: 'direct call inside exec, LangChain invoke',
      path: 'a.py',
      content: 'def run(chain, q):\n    exec(chain.invoke({"q": q}).content)\n',
      findings: [{ startLine: 2, startColumn: 5, endLine: 2, endColumn: 41, message: 'Model output reaches exec()' }],
    },
    {
      name: 'through an f-string and a second variable',
      path: 'a.py',
      content: 'def run(llm):\n    text = llm.predict("write code")\n    src = f"def main():\\n{text}"\n    compiled = compile(src, "<llm>", "exec")\n',
      findings: [{ startLine: 4, startColumn: 16, endLine: 4, endColumn: 45, message: 'Model output reaches compile()' }],
    },
    {
      name: 'JS new Function and vm',
      path: 'tool.ts',
      content:
        'import vm from "node:vm";\nexport async function run(anthropic: any) {\n  const msg = await anthropic.messages.create({ model: "claude", max_tokens: 100, messages: [] });\n  const code = msg.content[0].text;\n  const fn = new Function("x", code);\n  vm.runInNewContext(code, {});\n}\n',
      findings: [
        { startLine: 5, startColumn: 14, endLine: 5, endColumn: 37, message: 'Model output reaches new Function()' },
        { startLine: 6, startColumn: 3, endLine: 6, endColumn: 31, message: 'Model output reaches vm.runInNewContext()' },
      ],
    },
    {
      name: 'Vercel AI SDK generateText into eval',
      path: 'route.js',
      content: 'export async function POST(req) {\n  const { text } = await generateText({ model, prompt: "x" });\n  return eval(text);\n}\n',
      findings: [{ startLine: 3, startColumn: 10, endLine: 3, endColumn: 20 }],
    },
  ],
});
