import { testRule } from '../../testing/rule-tester.js';
import rule from './llm-output-code-execution.js';

testRule(rule, {
  valid: [
    {
      name: 'a tool parameter validated to int (@tool) carries no code',
      path: 'tools.py',
      content: 'from langchain_core.tools import tool\n\n@tool\ndef calc(n: int) -> str:\n    """Evaluate."""\n    return str(eval(n))\n',
    },
    {
      name: 'a list of other data',
      path: 'stream.py',
      content:
        'def run(llm):\n    out = llm.invoke("x")\n    parts = []\n    parts.append("1 + 1")\n    print(out)\n    eval("".join(parts))\n',
    },
    {
      name: 'a nested function that assigns the name itself',
      path: 'closure.py',
      content:
        'def solve(llm, task):\n    code = llm.invoke(task).content\n\n    def run():\n        code = "1 + 1"\n        exec(code)\n\n    run()\n',
    },
    { name: 'constant argument', path: 'a.py', content: 'def f(llm):\n    out = llm.invoke("hi")\n    return eval("1 + 2")\n' },
    {
      name: 'output parsed as JSON',
      path: 'a.py',
      content:
        'import json\ndef f(client):\n    r = client.chat.completions.create(model="m", messages=[])\n    return json.loads(r.choices[0].message.content)\n',
    },
    { name: 'eval of unrelated data', path: 'a.py', content: 'def f(llm, expr):\n    out = llm.invoke("hi")\n    return eval(expr)\n' },
    {
      name: 'functions that never call each other share no values',
      path: 'a.py',
      content: 'def f(llm):\n    code = llm.invoke("x")\n    return code\n\ndef g(code):\n    exec(code)\n',
    },
    {
      name: 'JS JSON.parse',
      path: 'a.ts',
      content:
        'async function f(openai: any) {\n  const r = await openai.chat.completions.create({ model: "m" });\n  return JSON.parse(r.choices[0].message.content);\n}\n',
    },
  ],
  invalid: [
    {
      name: 'the parameters of an agent tool are model output: @tool calc(expr: str) into eval',
      path: 'tools.py',
      content:
        'from langchain_core.tools import tool\n\n@tool\ndef calc(expr: str) -> str:\n    """Evaluate."""\n    return str(eval(expr))\n',
      findings: [{ startLine: 6, startColumn: 16, endLine: 6, endColumn: 26, message: 'Model output reaches eval()' }],
    },
    {
      name: 'a compile within an exec whose argument holds another exec before it: the compile is not reported',
      path: 'nested.py',
      content: 'def f(llm):\n    x = llm.invoke("x").content\n    exec(exec(x) or compile(x, "f", "exec"))\n',
      findings: [
        { startLine: 3, startColumn: 5, endLine: 3, endColumn: 45, message: 'Model output reaches exec()' },
        { startLine: 3, startColumn: 10, endLine: 3, endColumn: 17, message: 'Model output reaches exec()' },
      ],
    },
    {
      name: 'exec of a compile inside a conditional: one finding',
      path: 'cond.py',
      content: 'def f(llm):\n    x = llm.invoke("x").content\n    exec(compile(x, "f", "exec") if x else None)\n',
      findings: [{ startLine: 3, startColumn: 5, endLine: 3, endColumn: 49, message: 'Model output reaches exec()' }],
    },
    {
      name: 'streamed deltas appended to a list and joined',
      path: 'stream.py',
      content:
        'def run(client):\n    stream = client.chat.completions.create(model="m", messages=[], stream=True)\n    parts = []\n    for chunk in stream:\n        parts.append(chunk.choices[0].delta.content or "")\n    eval("".join(parts))\n',
      findings: [{ startLine: 6, startColumn: 5, endLine: 6, endColumn: 25, message: 'Model output reaches eval()' }],
    },
    {
      name: 'chunks pushed to an array and joined (JS)',
      path: 'stream.js',
      content:
        'async function run(model) {\n  const chunks = [];\n  for await (const c of await model.stream("x")) chunks.push(c.content);\n  new Function(chunks.join(""))();\n}\n',
      findings: [{ startLine: 4, startColumn: 3, endLine: 4, endColumn: 32, message: 'Model output reaches new Function()' }],
    },
    {
      name: 'an HTML escaper does not make code safe to run',
      path: 'run.py',
      content: 'import html\ndef run(llm, q):\n    code = html.escape(llm.invoke(q).content)\n    exec(code)\n',
      findings: [{ startLine: 4, startColumn: 5, endLine: 4, endColumn: 15, message: 'Model output reaches exec()' }],
    },
    {
      name: 'a helper returning model output, run in .then',
      path: 'task.ts',
      content:
        'async function ask(openai: any, p: string) {\n  const r = await openai.chat.completions.create({ model: "m", messages: [] });\n  return r.choices[0].message.content;\n}\nfunction run(openai: any) {\n  return ask(openai, "x").then((code) => eval(code));\n}\n',
      findings: [{ startLine: 6, startColumn: 42, endLine: 6, endColumn: 52, message: 'Model output reaches eval()' }],
    },
    {
      name: 'a nested function reads the model output of the function around it',
      path: 'closure.py',
      content: 'def solve(llm, task):\n    code = llm.invoke(task).content\n\n    def run():\n        exec(code)\n\n    run()\n',
      findings: [{ startLine: 5, startColumn: 9, endLine: 5, endColumn: 19, message: 'Model output reaches exec()' }],
    },
    {
      name: 'streamed deltas accumulated with += (JS)',
      path: 'stream.ts',
      content:
        'export async function run(openai: any) {\n  const stream = await openai.chat.completions.create({ model: "m", messages: [], stream: true });\n  let out = "";\n  for await (const chunk of stream) {\n    out += chunk.choices[0]?.delta?.content || "";\n  }\n  eval(out);\n}\n',
      findings: [{ startLine: 7, startColumn: 3, endLine: 7, endColumn: 12, message: 'Model output reaches eval()' }],
    },
    {
      name: 'Anthropic stream bound by with … as',
      path: 'stream.py',
      content:
        'def run(client):\n    out = ""\n    with client.messages.stream(model="m", max_tokens=10, messages=[]) as stream:\n        for text in stream.text_stream:\n            out += text\n    exec(out)\n',
      findings: [{ startLine: 6, startColumn: 5, endLine: 6, endColumn: 14, message: 'Model output reaches exec()' }],
    },
    {
      name: "model output run by the instance's Python REPL",
      path: 'math_chain.py',
      content:
        'class Solver:\n    def solve(self, q):\n        code = self.llm.invoke(q).content\n        return self.python_repl.run(code)\n',
      findings: [{ startLine: 4, startColumn: 16, endLine: 4, endColumn: 42, message: 'Model output reaches self.python_repl.run()' }],
    },
    {
      name: 'return value of one function into the parameter of another, keyword argument',
      path: 'agent.py',
      content:
        'def solve(llm, task):\n    return llm.invoke(task).content\n\ndef run(source):\n    exec(source)\n\ndef main(llm):\n    code = solve(llm, "write code")\n    run(source=code)\n',
      findings: [{ startLine: 5, startColumn: 5, endLine: 5, endColumn: 17, message: 'Model output reaches exec()' }],
    },
    {
      name: 'attribute set in one method, read in another; a method called through self',
      path: 'agent.py',
      content:
        'class Agent:\n    def think(self, q):\n        self.plan = self.llm_chain.predict(question=q)\n\n    def act(self):\n        self.execute(self.plan)\n\n    def execute(self, step):\n        eval(step)\n',
      findings: [{ startLine: 9, startColumn: 9, endLine: 9, endColumn: 19 }],
    },
    {
      path: 'agent.py',
      content:
        'from openai import OpenAI\nclient = OpenAI()\n\ndef solve(question):\n    resp = client.chat.completions.create(model="gpt-4o", messages=[])\n    code = resp.choices[0].message.content\n    return eval(code)\n',
      findings: [{ startLine: 7, startColumn: 12, endLine: 7, endColumn: 22, message: 'Model output reaches eval()' }],
    },
    {
      name: 'client built inline with over 1,024 characters of arguments (the callee is read from its end)',
      path: 'a.py',
      content: `def f(q):\n    r = OpenAI(default_headers={\n${Array.from({ length: 20 }, (_, i) => `        "h${i}": "${'v'.repeat(60)}",\n`).join('')}    }).chat.completions.create(model="m", messages=q)\n    exec(r.choices[0].message.content)\n`,
      findings: [{ startLine: 24, startColumn: 5, endLine: 24, endColumn: 39, message: 'Model output reaches exec()' }],
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
      content:
        'def run(llm):\n    text = llm.predict("write code")\n    src = f"def main():\\n{text}"\n    compiled = compile(src, "<llm>", "exec")\n',
      findings: [{ startLine: 4, startColumn: 16, endLine: 4, endColumn: 45, message: 'Model output reaches compile()' }],
    },
    {
      name: 'code compiled inside exec: one finding, at the exec',
      path: 'a.py',
      content:
        'def run(llm):\n    out = llm.invoke("x").content\n    exec(compile(out, "<llm>", "exec"))\n    eval(builtins.compile(out, "<llm>", "eval"))\n    exec((compile(out, "<llm>", "exec")))\n',
      findings: [
        { startLine: 3, startColumn: 5, endLine: 3, endColumn: 40, message: 'Model output reaches exec()' },
        { startLine: 4, startColumn: 5, endLine: 4, endColumn: 49, message: 'Model output reaches eval()' },
        { startLine: 5, startColumn: 5, endLine: 5, endColumn: 42, message: 'Model output reaches exec()' },
      ],
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
      content:
        'export async function POST(req) {\n  const { text } = await generateText({ model, prompt: "x" });\n  return eval(text);\n}\n',
      findings: [{ startLine: 3, startColumn: 10, endLine: 3, endColumn: 20 }],
    },
  ],
});
