import { it } from 'vitest';
import { expectLinearGrowth } from '../../testing/growth.js';
import { runRule, testRule } from '../../testing/rule-tester.js';
import rule from './llm-output-shell-command.js';

testRule(rule, {
  valid: [
    {
      name: 'a loop target named as an earlier bash -c list, over lists of arguments or the words of a list',
      path: 'loopcmd.py',
      content:
        'import subprocess\ndef f(llm):\n    out = llm.invoke("x").content\n    cmd = ["bash", "-c", out]\n    print(cmd)\n    for cmd in [["ls", out]]:\n        subprocess.run(cmd)\n    for cmd in ["bash", "-c", out]:\n        subprocess.run(cmd)\n',
    },
    {
      name: 'output as an argument of a script after options that take a value (bash -o pipefail, sudo -u user, env -u NAME)',
      path: 'optscript.py',
      content:
        'import subprocess\ndef f(llm):\n    n = llm.invoke("x").content\n    subprocess.run(["bash", "-o", "pipefail", "./resize.sh", "-c", n])\n    subprocess.run(["sudo", "-u", "postgres", "./resize.sh", "-c", n])\n    subprocess.run(["env", "-u", "HOME", "bash", "./resize.sh", "-c", n])\n',
    },
    {
      name: "output as an argument of a script run by bash, after the script file (its -c is the script's option)",
      path: 'script.py',
      content:
        'import asyncio, subprocess\nasync def f(llm):\n    n = llm.invoke("x").content\n    subprocess.run(["bash", "./resize.sh", "-c", n])\n    cmd = ["sudo", "bash", "./resize.sh", "-c", n]\n    subprocess.run(cmd)\n    await asyncio.create_subprocess_exec("bash", "./resize.sh", "-c", n)\n',
    },
    {
      name: 'output as an argument of a script run by bash through spawn',
      path: 'script.js',
      content:
        'const { spawn } = require("child_process");\nexport async function go(openai) {\n  const text = (await openai.chat.completions.create({ model: "m", messages: [] })).choices[0].message.content;\n  spawn("bash", ["./resize.sh", "-c", text]);\n  const args = ["./resize.sh", "-c", text];\n  spawn("bash", args);\n}\n',
    },
    {
      name: 'quoted output at every field of a .format as an argument, 300 characters after the text begins, each field after a long run of text',
      path: 'fmtlong.py',
      content: `import os, shlex\ndef f(llm):\n    out = llm.invoke("x").content\n    os.system("echo ${'a'.repeat(300)} {0} ${'b '.repeat(200)}{0}".format(shlex.quote(out)))\n    os.system(("sh -c 'ls' " + "x" * 300 + " {0}").format(shlex.quote(out)))\n`,
    },
    {
      name: 'quoted output after the command at every field of a .format, and as an argument after a bash -c script',
      path: 'fmt.py',
      content:
        'import os, shlex, subprocess\ndef f(llm):\n    out = llm.invoke("x").content\n    os.system("ls {0} && cat {0}".format(shlex.quote(out)))\n    subprocess.run(["bash", "-c", "ls -l " + shlex.quote(out)])\n    subprocess.run(["bash", "-c", "ls -l \\"$1\\"", "_", out])\n',
    },
    {
      name: 'nested functions setting the outer command from a constant (nonlocal), or setting a name of their own to output',
      path: 'nest2.py',
      content:
        'import os\ncmd2 = "pwd"\ndef outer(llm):\n    cmd = "ls "\n    out = llm.invoke("x").content\n    def add():\n        nonlocal cmd\n        cmd = cmd + "-l"\n    def own():\n        cmd = "echo " + out\n        cmd2 = out\n        return len(cmd) + len(cmd2)\n    def shadow():\n        global cmd2\n        cmd = out\n        return len(cmd)\n    add()\n    own()\n    shadow()\n    os.system(cmd)\n    os.system(cmd2)\n',
    },
    {
      name: 'arrow functions setting a declared local (let, let without a value, for-of const) to output, hiding the module-level command',
      path: 'nest2.js',
      content:
        'const { exec } = require("child_process");\nlet cmd = "ls ";\nexport async function go(openai) {\n  const out = (await openai.chat.completions.create({ model: "m", messages: [] })).choices[0].message.content;\n  const add = () => { let cmd = ""; cmd = cmd + out; return cmd.length };\n  const each = () => { for (const cmd of [out]) console.log(cmd) };\n  const bare = () => { let cmd; cmd = out; return cmd };\n  add();\n  each();\n  bare();\n  exec(cmd);\n}\n',
    },
    {
      name: 'a nested function adding a constant to the outer command, or adding output to a name of its own',
      path: 'nest.py',
      content:
        'import os\ndef outer(llm):\n    cmd = "ls "\n    out = llm.invoke("x").content\n    def add():\n        nonlocal cmd\n        cmd += "-l"\n    def own():\n        cmd = ""\n        cmd += out\n        return len(cmd)\n    add()\n    own()\n    os.system(cmd)\n',
    },
    {
      name: 'an arrow function adding output to a local that hides the module-level command',
      path: 'nest.js',
      content:
        'const { exec } = require("child_process");\nlet cmd = "ls ";\nexport async function go(openai) {\n  const out = (await openai.chat.completions.create({ model: "m", messages: [] })).choices[0].message.content;\n  const add = () => { let cmd = ""; cmd += out; return cmd.length };\n  add();\n  exec(cmd);\n}\n',
    },
    {
      name: 'a stored quote as one argument of an argument vector, or after the command',
      path: 'a.py',
      content:
        'import os, shlex, subprocess\ndef f(llm):\n    cmd = llm.invoke("x").content\n    q = shlex.quote(cmd)\n    subprocess.run(["ls", q])\n    os.system("ls -l " + q)\n',
    },
    {
      name: 'quoted output formatted after the command with % and .format',
      path: 'a.py',
      content:
        'import os, shlex\ndef f(llm):\n    out = llm.invoke("x").content\n    os.system("grep %s f" % shlex.quote(out))\n    os.system("grep %s %s" % (shlex.quote(out), "f"))\n    os.system("grep {} f".format(shlex.quote(out)))\n    os.system("grep {pat} f".format(pat=shlex.quote(out)))\n',
    },
    {
      name: 'quoted output after a % field with thousands of zero flags, and after a key never closed',
      path: 'a.py',
      content: `import os, shlex\ndef f(llm):\n    out = llm.invoke("x").content\n    os.system("grep %0${'0'.repeat(20000)}5d %s f" % (1, shlex.quote(out)))\n    os.system("grep %s f ${'%('.repeat(10000)}" % shlex.quote(out))\n`,
    },
    {
      name: 'a stored quote put behind a command before it is run',
      path: 'a.py',
      content:
        'import os, shlex\ndef k(llm):\n    out = llm.invoke("x").content\n    q = shlex.quote(out)\n    q = "ls " + q\n    os.system(q)\n',
    },
    {
      name: 'push on a receiver that is not a list (a router)',
      path: 'go.js',
      content:
        'const { execSync } = require("child_process");\nexport async function go(openai, router) {\n  const r = await openai.chat.completions.create({ model: "gpt-4o", messages: [] });\n  router.push(r.choices[0].message.content);\n  execSync(`git log ${router.query.branch ? "--all" : ""}`);\n}\n',
    },
    {
      name: 'output converted to a number',
      path: 'count.py',
      content:
        'import subprocess\ndef count(client):\n    n = int(client.chat.completions.create(model="m", messages=[]).choices[0].message.content)\n    subprocess.run(f"seq {n}", shell=True)\n',
    },
    {
      name: 'output converted to a number (JS)',
      path: 'count.js',
      content:
        'const { execSync } = require("child_process");\nasync function count(model) {\n  const n = parseInt((await model.invoke("how many")).content, 10);\n  execSync(`seq ${n}`);\n}\n',
    },
    {
      name: 'output quoted with shlex.quote',
      path: 'tool.py',
      content:
        'import shlex\nimport subprocess\ndef find(llm, q):\n    name = llm.invoke(q).content\n    subprocess.run("ls -l " + shlex.quote(name), shell=True)\n',
    },
    {
      name: 'output quoted with shell-quote',
      path: 'tool.js',
      content:
        'const { quote } = require("shell-quote");\nconst { exec } = require("child_process");\nasync function find(model, q) {\n  const m = await model.invoke(q);\n  exec("ls -l " + quote([m.content]));\n}\n',
    },
    {
      name: 'a fixed command on a shell object',
      path: 'ops.py',
      content: 'class Ops:\n    def disk(self):\n        return self.shell.run("df -h")\n',
    },
    {
      name: 'argument vector without shell',
      path: 'a.py',
      content: 'import subprocess\ndef f(llm):\n    name = llm.invoke("x").content\n    subprocess.run(["ls", name])\n',
    },
    { name: 'constant command', path: 'a.py', content: 'import os\ndef f(llm):\n    llm.invoke("x")\n    os.system("uptime")\n' },
    {
      name: 'JS execFile without shell',
      path: 'a.js',
      content:
        'const { execFile } = require("child_process");\nasync function f(llm) {\n  const r = await llm.invoke("x");\n  execFile("ls", [r.content]);\n}\n',
    },
    {
      name: 'a nested function setting an item or attribute of its own parameter to output, or adding a constant to an outer item',
      path: 'sub.py',
      content:
        'import os\ndef f(llm):\n    buf = ["ls "]\n    box = ["ls "]\n    def fill(buf, obj):\n        buf[0] = llm.invoke("x").content\n        obj.cmd = llm.invoke("x").content\n    def add():\n        box[0] += "-l"\n    fill(["x"], box)\n    add()\n    os.system(buf[0])\n    os.system(box[0])\n    obj = Box()\n    os.system(obj.cmd)\n',
    },
    {
      name: 'a function nested in one with an object of its own sets a property of that object, not of the outer one of the same name',
      path: 'mid.py',
      content:
        'import os\ndef outer(llm):\n    job = Job()\n    def mid():\n        job = Job()\n        def inner():\n            job.cmd = llm.invoke("x").content\n        inner()\n    mid()\n    os.system(job.cmd)\n',
    },
    {
      name: 'tool parameters the framework fills (InjectedState, RunnableConfig, a context), a function not made a tool, a tool running a fixed command',
      path: 'tools2.py',
      content:
        'import os\nfrom typing import Annotated\nfrom langchain_core.tools import tool, InjectedToolArg\nfrom langgraph.prebuilt import InjectedState\n\n@tool\ndef status(query: str, state: Annotated[dict, InjectedState], config: RunnableConfig, user: Annotated[str, InjectedToolArg]) -> str:\n    os.system(state["cmd"])\n    os.system(config["cmd"])\n    os.system(user)\n    return os.popen("uptime").read()\n\ndef helper(cmd):\n    os.system(cmd)\n',
    },
    {
      name: 'tool parameters of closed types (Literal, a str Enum of the file, Optional[bool], "int"); a method of the name a Tool is given; framework-filled parameters in Optional/generics',
      path: 'tools3.py',
      content:
        'import os, subprocess\nfrom enum import Enum\nfrom typing import Literal, Optional\nfrom langchain_core.tools import tool, Tool\n\nclass Env(str, Enum):\n    DEV = "dev"\n    PROD = "prod"\n\n@tool\ndef restart(service: Literal["nginx", "redis"], env: Env, force: Optional[bool] = None, replicas: "int" = 1) -> str:\n    subprocess.run(f"systemctl restart {service}", shell=True)\n    os.system(f"kubectl scale -n {env.value} deploy/{service} --replicas={replicas} --force={force}")\n    return "ok"\n\n@function_tool\nasync def fetch(ctx: RunContextWrapper[Deps], config: Optional[RunnableConfig] = None, run_manager: Optional[CallbackManagerForToolRun] = None) -> str:\n    os.system(ctx.context.cmd)\n    os.system(config["cmd"])\n    os.system(run_manager.cmd)\n\nclass Repo:\n    def search(self, pattern):\n        os.system(f"grep -r {pattern} .")\n\ndef search(pattern: str) -> str:\n    return Repo().name\n\nTOOLS = [Tool(name="search", func=search, description="Search")]\n',
    },
    {
      name: 'JS: a tool input pattern binding nested and rest names that reach no shell, a closed property renamed with a default',
      path: 'nested.ts',
      content:
        "import { tool } from 'ai';\nimport { z } from 'zod';\nimport { exec } from 'child_process';\nconst inputSchema = z.object({ n: z.number(), opts: z.object({ dir: z.string() }) });\nexport const a = tool({ inputSchema, execute: async ({ n: count = 1, opts: { dir }, ...rest }) => { console.log(dir, rest); return exec(`seq ${count}`); } });\n",
    },
    {
      name: 'JS: tool inputs of closed types: zod enum/boolean/literal/coerce.number in an MCP shape or an AI SDK schema, a TS number annotation',
      path: 'tools3.ts',
      content:
        "import { exec } from 'child_process';\nimport { tool } from 'ai';\nimport { z } from 'zod';\nserver.tool('restart', 'Restart a service', { service: z.enum(['nginx', 'redis']), force: z.boolean().optional(), n: z.literal(1) }, async ({ service, force, n }) => exec(`systemctl restart ${service} ${force} ${n}`));\nexport const count = tool({ description: 'x', inputSchema, execute: async ({ n }: { n: number }) => exec(`seq ${n}`) });\nexport const level = tool({ inputSchema: z.object({ level: z.coerce.number().int().min(0) }), execute: async ({ level }) => exec(`nice -n ${level} true`) });\n",
    },
    {
      name: 'an item set to output: the key is not output, nor is the object holding the container (self)',
      path: 'items.py',
      content:
        'import os\nclass A:\n    def f(self, llm, key):\n        self.cache[key] = llm.invoke("x").content\n        os.system(self.cmd)\n        os.system(key)\n    def g(self, llm):\n        self.log[0][1] = llm.invoke("x").content\n        os.system(self.cmd)\n',
    },
    {
      name: 'JS: an item set to output: the key is not output',
      path: 'items.js',
      content:
        "import { exec } from 'child_process';\nexport async function f(openai, key, i) {\n  const buf = {};\n  buf[key] = (await openai.chat.completions.create({ model: 'm', messages: [] })).choices[0].message.content;\n  exec(key);\n  const rows = [[]];\n  rows[i][0] = buf[key];\n  exec(`ls ${i}`);\n}\n",
    },
    {
      name: 'JS: closed properties of a schema or shape held in a const (AI SDK parameters/inputSchema, MCP shape and registerTool inputSchema, LangChain.js schema)',
      path: 'held.ts',
      content:
        "import { tool } from 'ai';\nimport { tool as lcTool } from '@langchain/core/tools';\nimport { z } from 'zod';\nimport { exec } from 'child_process';\nconst schema = z.object({ n: z.number(), cmd: z.string() });\nconst shape = { n: z.number() };\nexport const a = tool({ parameters: schema, execute: async ({ n }) => exec(`seq ${n}`) });\nexport const b = tool({ inputSchema: schema, execute: async ({ n }) => exec(`seq ${n}`) });\nserver.tool('c', shape, async ({ n }) => exec(`seq ${n}`));\nserver.registerTool('d', { inputSchema: shape }, async ({ n }) => exec(`seq ${n}`));\nexport const e = lcTool(async ({ n }) => exec(`seq ${n}`), { schema });\n",
    },
    {
      name: 'Python tools: closed fields of a pydantic model parameter, a BaseTool _run parameter of a closed type, tool(fn) of a closed parameter, a method _run of another class',
      path: 'models.py',
      content:
        'import os\nfrom typing import Literal\nfrom pydantic import BaseModel\nfrom langchain_core.tools import tool, BaseTool\n\nclass Base(BaseModel):\n    n: int = 1\n\nclass RunArgs(Base):\n    cmd: str\n    mode: Literal["a", "b"] = "a"\n\n@tool\ndef run(args: RunArgs) -> str:\n    os.system(f"seq {args.n} {args.mode}")\n\nclass Search(BaseTool):\n    def _run(self, limit: int, run_manager: Optional[CallbackManagerForToolRun] = None) -> str:\n        os.system(f"grep -m {limit} x")\n        os.system(run_manager.cmd)\n\nclass Worker:\n    def _run(self, cmd: str):\n        os.system(cmd)\n\ndef count(n: int) -> str:\n    return os.popen(f"seq {n}").read()\n\ncount_tool = tool(count)\n',
    },
    {
      name: "tool(fn) and function_tool(fn) of the file's own tool or another module's, not an agent framework's",
      path: 'owntool.py',
      content:
        'import os\nfrom mylib import function_tool\nimport helpers\n\ndef tool(f):\n    return f\n\ndef count(cmd):\n    os.system(cmd)\n\ndef ls(path):\n    os.system(path)\n\nx = tool(count)\ny = function_tool(ls)\nz = helpers.tool(ls)\n',
    },
    {
      name: "a function decorated with an alias of another module's tool (the file's own, not an agent framework's)",
      path: 'mytools.py',
      content:
        'import os\nfrom mylib import tool as t\nfrom .helpers import function_tool as ft\n\n@t\ndef run(cmd: str) -> str:\n    os.system(cmd)\n\n@ft\ndef go(cmd: str) -> str:\n    os.system(cmd)\n',
    },
    ...[
      ['another module', 'from mylib import tool\n'],
      ['a module of the package', 'from .registry import tool\n'],
      ['a module imported whole', 'import tool\n'],
      ['a function of the file', 'def tool(f):\n    return f\n'],
      ['a name the file assigns', 'import registry\ntool = registry.register\n'],
      ['a function of the file, under try', 'try:\n    import registry\nexcept ImportError:\n    def tool(f):\n        return f\n'],
    ].map(([from, lines]) => ({
      name: `@tool from ${from} is not an agent framework's: its function's parameters are not model output`,
      path: 'own.py',
      content: `import os\n${lines}\n@tool\ndef run(cmd: str) -> str:\n    return os.popen(cmd).read()\n`,
    })),
    {
      name: "the _run of a subclass of a class BaseTool of the file's own, not an agent framework's",
      path: 'ownbase.py',
      content:
        'import os\n\nclass BaseTool:\n    def run(self, text):\n        return self._run(text)\n\nclass Shell(BaseTool):\n    def _run(self, cmd: str) -> str:\n        return os.popen(cmd).read()\n',
    },
    {
      name: 'a closed field of a pydantic tool parameter read after the parameter is set to a constant model in the tool',
      path: 'rebind.py',
      content:
        'import os\nfrom pydantic import BaseModel\nfrom langchain_core.tools import tool\n\nclass RunArgs(BaseModel):\n    n: int = 1\n\n@tool\ndef run(args: RunArgs) -> str:\n    if args.n > 9:\n        args = RunArgs(n=9)\n    os.system(f"seq {args.n}")\n\n@tool\ndef run2(args: RunArgs) -> str:\n    a2 = args\n    a2.n = 9\n    setattr(args, "n", 9)\n    os.system(f"seq {args.n}")\n',
    },
    {
      name: "JS: a function given to an alias of another module's tool (import or require)",
      path: 'mytools.ts',
      content:
        "import { exec } from 'child_process';\nimport { tool as t } from './mytools';\nconst { DynamicTool: Dyn } = require('../lib/tools');\nexport const sh = t(async ({ command }) => exec(command), { name: 'sh' });\nexport const sh2 = new Dyn({ name: 'sh', func: async (input) => exec(input) });\n",
    },
    {
      name: "the _run of a subclass of another module's BaseTool (imported, or reached through the module)",
      path: 'mybase.py',
      content:
        'import os\nimport mylib\nfrom mylib import BaseTool\n\nclass Search(BaseTool):\n    def _run(self, query: str) -> str:\n        os.system(query)\n\nclass Other(mylib.BaseTool):\n    def _run(self, query: str) -> str:\n        os.system(query)\n',
    },
    {
      name: "JS: a catch parameter named as output, run in its catch block; an object of a nested function's own set to output",
      path: 'catch3.js',
      content:
        "import { exec } from 'child_process';\nexport async function f(openai) {\n  const out = (await openai.chat.completions.create({ model: 'm', messages: [] })).choices[0].message.content;\n  const job = { cmd: 'ls' };\n  const run = () => {\n    try {\n      JSON.parse(out);\n    } catch (out) {\n      exec(out);\n    }\n    try {\n      JSON.parse(out);\n    } catch ({ message: out }) {\n      exec(out);\n    }\n  };\n  const fill = (job) => {\n    job.cmd = out;\n  };\n  const own = () => {\n    const job = {};\n    job.cmd = out;\n  };\n  run();\n  fill({});\n  own();\n  exec(job.cmd);\n}\n",
    },
    {
      name: 'JS: a nested function setting its own catch parameter, function or class named as the outer command to output',
      path: 'catch.js',
      content:
        "import { exec } from 'child_process';\nexport async function f(openai) {\n  let cmd = 'ls';\n  let job = 'ls';\n  let Task = 'ls';\n  const run = async () => {\n    try {\n      await openai.x();\n    } catch (cmd) {\n      cmd = (await openai.chat.completions.create({ model: 'm', messages: [] })).choices[0].message.content;\n    }\n    function job() {}\n    job = (await openai.chat.completions.create({ model: 'm', messages: [] })).choices[0].message.content;\n    class Task {}\n    Task = (await openai.chat.completions.create({ model: 'm', messages: [] })).choices[0].message.content;\n  };\n  await run();\n  exec(cmd);\n  exec(job);\n  exec(Task);\n}\n",
    },
  ],
  invalid: [
    ...['phi.tools', 'phi.tools.decorator', 'praisonaiagents', 'praisonaiagents.tools', 'upsonic', 'camel.toolkits', 'controlflow'].map(
      (module) => ({
        name: `@tool imported from ${module} makes the function an agent tool: its parameters are model output`,
        path: 'tools.py',
        content: `import os\nfrom ${module} import tool\n\n@tool\ndef run(cmd: str):\n    return os.popen(cmd).read()\n`,
        findings: [{ startLine: 6, startColumn: 12, endLine: 6, endColumn: 25 }],
      }),
    ),
    {
      name: "JS: output passed as a property a function's object pattern does not name reaches its ...rest (a named one does not)",
      path: 'rest.js',
      content:
        "import { exec } from 'child_process';\nfunction run({ dir, ...rest }) {\n  exec(rest.cmd);\n}\nfunction ls({ dir, ...rest }) {\n  exec(rest.cmd);\n}\nexport async function f(openai) {\n  const text = (await openai.chat.completions.create({ model: 'm', messages: [] })).choices[0].message.content;\n  run({ dir: '.', cmd: text });\n  ls({ dir: text, cmd: 'ls' });\n}\n",
      findings: [{ startLine: 3, startColumn: 3, endLine: 3, endColumn: 17 }],
    },
    {
      name: 'output as a shell script after options that take a value (bash -o pipefail, sudo -u user, env -u NAME)',
      path: 'optvalue.py',
      content:
        'import subprocess\ndef f(llm):\n    out = llm.invoke("x").content\n    subprocess.run(["bash", "-o", "pipefail", "-c", out])\n    subprocess.run(["sudo", "-u", "postgres", "bash", "-c", out])\n    subprocess.run(["env", "-u", "HOME", "sh", "-c", out])\n    subprocess.run(["env", "--unset=HOME", "--chdir=/tmp", "bash", "+O", "extglob", "-c", out])\n',
      findings: [
        { startLine: 4, startColumn: 5, endLine: 4, endColumn: 58, message: 'Model output reaches subprocess.run(["bash", "-c", …])' },
        { startLine: 5, startColumn: 5, endLine: 5, endColumn: 66, message: 'Model output reaches subprocess.run(["bash", "-c", …])' },
        { startLine: 6, startColumn: 5, endLine: 6, endColumn: 59, message: 'Model output reaches subprocess.run(["sh", "-c", …])' },
        { startLine: 7, startColumn: 5, endLine: 7, endColumn: 96, message: 'Model output reaches subprocess.run(["bash", "-c", …])' },
      ],
    },
    {
      name: 'output as a shell script through a list kept in a name, asyncio.create_subprocess_exec, sudo and env',
      path: 'wrap.py',
      content:
        'import asyncio, subprocess\nasync def f(llm):\n    out = llm.invoke("x").content\n    cmd = ["bash", "-c", out]\n    subprocess.run(cmd)\n    await asyncio.create_subprocess_exec("bash", "-c", out)\n    subprocess.run(["sudo", "sh", "-c", out])\n    subprocess.run(["env", "A=1", "bash", "-c", out])\n',
      findings: [
        { startLine: 5, startColumn: 5, endLine: 5, endColumn: 24, message: 'Model output reaches subprocess.run(["bash", "-c", …])' },
        {
          startLine: 6,
          startColumn: 11,
          endLine: 6,
          endColumn: 60,
          message: 'Model output reaches asyncio.create_subprocess_exec("bash", "-c", …)',
        },
        { startLine: 7, startColumn: 5, endLine: 7, endColumn: 46, message: 'Model output reaches subprocess.run(["sh", "-c", …])' },
        { startLine: 8, startColumn: 5, endLine: 8, endColumn: 54, message: 'Model output reaches subprocess.run(["bash", "-c", …])' },
      ],
    },
    {
      name: 'quoted output at a .format field in command position after 300 characters of text',
      path: 'fmtlong.py',
      content: `import os, shlex\ndef f(llm):\n    out = llm.invoke("x").content\n    os.system("echo ${'a'.repeat(300)} {0}; {0}".format(shlex.quote(out)))\n`,
      findings: [{ startLine: 4, startColumn: 5, endLine: 4, endColumn: 357, message: 'Model output reaches os.system()' }],
    },
    {
      name: 'quoted output at a later field of a .format that puts it in command position',
      path: 'fmt.py',
      content:
        'import os, shlex\ndef f(llm):\n    out = llm.invoke("x").content\n    os.system("ls {0} && {0}".format(shlex.quote(out)))\n',
      findings: [{ startLine: 4, startColumn: 5, endLine: 4, endColumn: 56, message: 'Model output reaches os.system()' }],
    },
    {
      name: 'output (quoted or not) as the script of bash -c / sh -lc in an argument vector',
      path: 'argv.py',
      content:
        'import shlex, subprocess\ndef f(llm):\n    out = llm.invoke("x").content\n    subprocess.run(["bash", "-c", out])\n    subprocess.check_output(("/bin/sh", "-lc", shlex.quote(out)))\n',
      findings: [
        { startLine: 4, startColumn: 5, endLine: 4, endColumn: 40, message: 'Model output reaches subprocess.run(["bash", "-c", …])' },
        {
          startLine: 5,
          startColumn: 5,
          endLine: 5,
          endColumn: 66,
          message: 'Model output reaches subprocess.check_output(["/bin/sh", "-c", …])',
        },
      ],
    },
    {
      name: 'JS: output as the script of spawn("sh", ["-c", …])',
      path: 'argv.js',
      content:
        'const { spawn } = require("child_process");\nexport async function f(openai) {\n  const r = await openai.chat.completions.create({ model: "m", messages: [] });\n  spawn("sh", ["-c", r.choices[0].message.content]);\n}\n',
      findings: [{ startLine: 4, startColumn: 3, endLine: 4, endColumn: 52, message: 'Model output reaches spawn("sh", ["-c", …])' }],
    },
    {
      name: 'a nested function setting the outer command to itself plus output (nonlocal, =)',
      path: 'nest.py',
      content:
        'import os\ndef outer(llm):\n    cmd = "ls "\n    def add():\n        nonlocal cmd\n        cmd = cmd + llm.invoke("x").content\n    add()\n    os.system(cmd)\n',
      findings: [{ startLine: 8, startColumn: 5, endLine: 8, endColumn: 19, message: 'Model output reaches os.system()' }],
    },
    {
      name: 'a function setting a module command to itself plus output (global, =), run by another',
      path: 'glob.py',
      content:
        'import os\ncmd = "ls "\ndef add(llm):\n    def inner():\n        global cmd\n        cmd = cmd + llm.invoke("x").content\n    inner()\ndef go():\n    os.system(cmd)\n',
      findings: [{ startLine: 9, startColumn: 5, endLine: 9, endColumn: 19, message: 'Model output reaches os.system()' }],
    },
    {
      name: 'an arrow function setting a module-level let to itself plus output (no declaration)',
      path: 'nest.js',
      content:
        'const { exec } = require("child_process");\nlet cmd = "ls ";\nexport async function go(openai) {\n  const out = (await openai.chat.completions.create({ model: "m", messages: [] })).choices[0].message.content;\n  const add = () => { cmd = cmd + out };\n  add();\n  exec(cmd);\n}\n',
      findings: [{ startLine: 7, startColumn: 3, endLine: 7, endColumn: 12, message: 'Model output reaches exec()' }],
    },
    {
      name: 'a nested function adding output to the outer command (nonlocal)',
      path: 'nest.py',
      content:
        'import os\ndef outer(llm):\n    cmd = "ls "\n    def add():\n        nonlocal cmd\n        cmd += llm.invoke("x").content\n    add()\n    os.system(cmd)\n',
      findings: [{ startLine: 8, startColumn: 5, endLine: 8, endColumn: 19, message: 'Model output reaches os.system()' }],
    },
    {
      name: 'an arrow function adding output to a module-level let',
      path: 'nest.js',
      content:
        'const { exec } = require("child_process");\nlet cmd = "ls ";\nexport async function go(openai) {\n  const out = (await openai.chat.completions.create({ model: "m", messages: [] })).choices[0].message.content;\n  const add = () => { cmd += out };\n  add();\n  exec(cmd);\n}\n',
      findings: [{ startLine: 7, startColumn: 3, endLine: 7, endColumn: 12, message: 'Model output reaches exec()' }],
    },
    {
      name: 'one function adding output to a module-level let that another runs',
      path: 'mod.js',
      content:
        'const { exec } = require("child_process");\nlet cmd = "ls ";\nasync function add(openai) {\n  cmd += (await openai.chat.completions.create({ model: "m", messages: [] })).choices[0].message.content;\n}\nfunction go() {\n  exec(cmd);\n}\n',
      findings: [{ startLine: 7, startColumn: 3, endLine: 7, endColumn: 12, message: 'Model output reaches exec()' }],
    },
    {
      name: 'a stored quote given whole as the command',
      path: 'a.py',
      content: 'import os, shlex\ndef f(llm):\n    cmd = llm.invoke("x").content\n    q = shlex.quote(cmd)\n    os.system(q)\n',
      findings: [{ startLine: 5, startColumn: 5, endLine: 5, endColumn: 17, message: 'Model output reaches os.system()' }],
    },
    {
      name: 'a stored quote that is the last assignment before the command',
      path: 'a.py',
      content:
        'import os, shlex\ndef k(llm):\n    out = llm.invoke("x").content\n    q = "ls " + out\n    q = shlex.quote(out)\n    os.system(q)\n',
      findings: [{ startLine: 6, startColumn: 5, endLine: 6, endColumn: 17, message: 'Model output reaches os.system()' }],
    },
    {
      name: 'output formatted into a shell string with % and .format',
      path: 'a.py',
      content:
        'import os\ndef f(llm):\n    out = llm.invoke("x").content\n    os.system("grep %s f" % out)\n    os.system("grep {} f".format(out))\n',
      findings: [
        { startLine: 4, startColumn: 5, endLine: 4, endColumn: 33, message: 'Model output reaches os.system()' },
        { startLine: 5, startColumn: 5, endLine: 5, endColumn: 39, message: 'Model output reaches os.system()' },
      ],
    },
    {
      name: 'quoted output formatted where the shell reads a command',
      path: 'a.py',
      content:
        'import os, shlex\ndef f(llm):\n    out = llm.invoke("x").content\n    os.system("%s f" % shlex.quote(out))\n    os.system("sh -c %s" % (shlex.quote(out),))\n    os.system("ls; {1} {0}".format("f", shlex.quote(out)))\n',
      findings: [
        { startLine: 4, startColumn: 5, endLine: 4, endColumn: 41, message: 'Model output reaches os.system()' },
        { startLine: 5, startColumn: 5, endLine: 5, endColumn: 48, message: 'Model output reaches os.system()' },
        { startLine: 6, startColumn: 5, endLine: 6, endColumn: 59, message: 'Model output reaches os.system()' },
      ],
    },
    {
      name: 'an argument passed down a chain of 14 functions',
      path: 'chain.py',
      content: `import os\n${Array.from({ length: 14 }, (_, i) => `def f${i}(x):\n    return f${i + 1}(x)\n`).join('')}def f14(x):\n    os.system(x)\ndef main(llm):\n    f0(llm.invoke("x").content)\n`,
      findings: [{ startLine: 31, startColumn: 5, endLine: 31, endColumn: 17, message: 'Model output reaches os.system()' }],
    },
    {
      name: 'a value returned up a chain of 20 functions, each defined after its caller',
      path: 'chain.py',
      content: `import os\ndef main(llm):\n    os.system(g20(llm))\n${Array.from({ length: 20 }, (_, i) => `def g${20 - i}(llm):\n    return g${19 - i}(llm)\n`).join('')}def g0(llm):\n    return llm.invoke("x").content\n`,
      findings: [{ startLine: 3, startColumn: 5, endLine: 3, endColumn: 24, message: 'Model output reaches os.system()' }],
    },
    {
      name: 'a number next to raw output',
      path: 'count.py',
      content:
        'import subprocess\ndef count(llm):\n    out = llm.invoke("x").content\n    subprocess.run(f"seq {len(out)} {out}", shell=True)\n',
      findings: [{ startLine: 4, startColumn: 5, endLine: 4, endColumn: 56, message: 'Model output reaches subprocess.run(shell=True)' }],
    },
    {
      name: 'URL quoting is not shell quoting',
      path: 'tool.py',
      content:
        'import subprocess\nfrom urllib.parse import quote\ndef find(llm, q):\n    name = llm.invoke(q).content\n    subprocess.run("curl " + quote(name), shell=True)\n',
      findings: [{ startLine: 5, startColumn: 5, endLine: 5, endColumn: 54, message: 'Model output reaches subprocess.run(shell=True)' }],
    },
    {
      name: 'lines of the output run by forEach with a named function',
      path: 'run.ts',
      content:
        'import { execSync } from "child_process";\nfunction runOne(c: string) {\n  execSync(c);\n}\nexport async function run(model: any) {\n  const raw = (await model.invoke("cmds")).content;\n  raw.split("\\n").map((l: string) => l.trim()).forEach(runOne);\n}\n',
      findings: [{ startLine: 3, startColumn: 3, endLine: 3, endColumn: 14, message: 'Model output reaches execSync()' }],
    },
    {
      name: "model output run by the instance's bash process (LangChain LLMBashChain shape)",
      path: 'bash_chain.py',
      content:
        'class LLMBashChain:\n    def _call(self, inputs):\n        t = self.llm_chain.predict(question=inputs["question"])\n        command_list = self.parse(t)\n        output = self.bash_process.run(command_list)\n        return output\n\n    def parse(self, text):\n        return text.split("\\n")\n',
      findings: [{ startLine: 5, startColumn: 18, endLine: 5, endColumn: 53, message: 'Model output reaches self.bash_process.run()' }],
    },
    {
      path: 'ops.py',
      content:
        'import subprocess\n\ndef run_step(llm, task):\n    cmd = llm.invoke(f"Write a shell command to {task}").content\n    return subprocess.run(cmd, shell=True, capture_output=True)\n',
      findings: [{ startLine: 5, startColumn: 12, endLine: 5, endColumn: 64, message: 'Model output reaches subprocess.run(shell=True)' }],
    },
    {
      name: 'os.system with an f-string',
      path: 'a.py',
      content: 'import os\ndef f(client):\n    r = client.responses.create(model="m", input="x")\n    os.system(f"echo {r.output_text}")\n',
      findings: [{ startLine: 4, startColumn: 5, endLine: 4, endColumn: 39, message: 'Model output reaches os.system()' }],
    },
    {
      name: 'child_process.exec in TypeScript',
      path: 'agent.ts',
      content:
        'import * as child_process from "node:child_process";\nexport async function act(openai: any) {\n  const c = await openai.chat.completions.create({ model: "m", messages: [] });\n  child_process.exec(c.choices[0].message.content!);\n}\n',
      findings: [{ startLine: 4, startColumn: 3, endLine: 4, endColumn: 52, message: 'Model output reaches child_process.exec()' }],
    },
    {
      name: 'a nested function adding output to, or setting, an item or attribute of an outer object (+=, =)',
      path: 'sub.py',
      content:
        'import os\ndef f(llm, state):\n    buf = ["ls "]\n    box = ["ls "]\n    def on_token():\n        buf[0] += llm.invoke("x").content\n        box[0] = llm.invoke("x").content\n        state.cmd = llm.invoke("x").content\n    on_token()\n    os.system(buf[0])\n    os.system(box[0])\n    os.system(state.cmd)\n',
      findings: [
        { startLine: 10, startColumn: 5, endLine: 10, endColumn: 22, message: 'Model output reaches os.system()' },
        { startLine: 11, startColumn: 5, endLine: 11, endColumn: 22, message: 'Model output reaches os.system()' },
        { startLine: 12, startColumn: 5, endLine: 12, endColumn: 25, message: 'Model output reaches os.system()' },
      ],
    },
    {
      name: 'JS: a nested function setting the outer command to output in its catch clause',
      path: 'catch.js',
      content:
        "import { exec } from 'child_process';\nexport async function f(openai) {\n  let cmd = 'ls';\n  const run = async () => {\n    try {\n      await openai.x();\n    } catch (e) {\n      cmd = (await openai.chat.completions.create({ model: 'm', messages: [] })).choices[0].message.content;\n    }\n  };\n  await run();\n  exec(cmd);\n}\n",
      findings: [{ startLine: 12, startColumn: 3, endLine: 12, endColumn: 12, message: 'Model output reaches exec()' }],
    },
    {
      name: 'JS: a catch parameter hides the outer name in its catch block only: the outer command set to output after it, output read after it',
      path: 'catch2.js',
      content:
        "import { exec } from 'child_process';\nexport async function f(openai) {\n  let cmd = 'ls';\n  const out = (await openai.chat.completions.create({ model: 'm', messages: [] })).choices[0].message.content;\n  const run = () => {\n    try {\n      JSON.parse('{}');\n    } catch (cmd) {\n      console.log(cmd);\n    }\n    cmd = out;\n  };\n  const go = () => {\n    try {\n      JSON.parse('{}');\n    } catch ({ message: out }) {\n      console.log(out);\n    }\n    exec(out);\n  };\n  run();\n  go();\n  exec(cmd);\n}\n",
      findings: [
        { startLine: 19, startColumn: 5, endLine: 19, endColumn: 14, message: 'Model output reaches exec()' },
        { startLine: 23, startColumn: 3, endLine: 23, endColumn: 12, message: 'Model output reaches exec()' },
      ],
    },
    {
      name: 'JS: a default value in a catch parameter pattern binds nothing: output read in the catch block',
      path: 'catch4.js',
      content:
        "import { exec } from 'child_process';\nexport async function f(openai) {\n  const out = (await openai.chat.completions.create({ model: 'm', messages: [] })).choices[0].message.content;\n  try {\n    JSON.parse('{}');\n  } catch ({ message = out }) {\n    exec(out);\n  }\n  try {\n    JSON.parse('{}');\n  } catch ([e = out]) {\n    exec(out);\n  }\n}\n",
      findings: [
        { startLine: 7, startColumn: 5, endLine: 7, endColumn: 14, message: 'Model output reaches exec()' },
        { startLine: 12, startColumn: 5, endLine: 12, endColumn: 14, message: 'Model output reaches exec()' },
      ],
    },
    {
      name: 'JS: a default value in a destructuring assignment binds nothing: output read after it',
      path: 'default.js',
      content:
        "import { exec } from 'child_process';\nexport async function f(openai, opts) {\n  const out = (await openai.chat.completions.create({ model: 'm', messages: [] })).choices[0].message.content;\n  const { mode = out } = opts;\n  exec(out);\n}\n",
      findings: [{ startLine: 5, startColumn: 3, endLine: 5, endColumn: 12, message: 'Model output reaches exec()' }],
    },
    {
      name: 'JS: a default value in a destructuring assignment is not assigned the model output destructured',
      path: 'default2.js',
      content:
        "import { exec } from 'child_process';\nexport async function f(openai) {\n  const out = (await openai.chat.completions.create({ model: 'm', messages: [] })).choices[0].message.content;\n  const cmd = 'ls';\n  const { mode = cmd } = JSON.parse(out);\n  exec(cmd);\n}\n",
      findings: [],
    },
    {
      name: 'parameters of agent tools are chosen by the model: @tool, @mcp.tool(), Tool(func=…), StructuredTool.from_function',
      path: 'tools.py',
      content:
        'import os, subprocess\nfrom langchain_core.tools import tool, Tool, StructuredTool\n\n@tool\ndef shell(command: str) -> str:\n    """Run a command."""\n    return subprocess.run(command, shell=True, capture_output=True, text=True).stdout\n\n@mcp.tool()\nasync def grep(pattern: str, ctx: Context) -> str:\n    return os.popen(f"grep -r {pattern} .").read()\n\ndef run(cmd):\n    os.system(cmd)\n\ndef run2(cmd):\n    os.system(cmd)\n\nTOOLS = [Tool(name="run", func=run, description="run"), StructuredTool.from_function(run2)]\n',
      findings: [
        { startLine: 7, startColumn: 12, endLine: 7, endColumn: 79, message: 'Model output reaches subprocess.run(shell=True)' },
        { startLine: 11, startColumn: 12, endLine: 11, endColumn: 44, message: 'Model output reaches os.popen()' },
        { startLine: 14, startColumn: 5, endLine: 14, endColumn: 19, message: 'Model output reaches os.system()' },
        { startLine: 17, startColumn: 5, endLine: 17, endColumn: 19, message: 'Model output reaches os.system()' },
      ],
    },
    {
      name: 'JS: every name a tool input pattern binds is model output: nested object, nested with a default, array in an object, ...rest, a quoted key renamed with a default',
      path: 'nested.ts',
      content:
        "import { tool } from 'ai';\nimport { exec } from 'child_process';\nexport const a = tool({ execute: async ({ a: { cmd } }) => exec(cmd) });\nexport const b = tool({ execute: async ({ opts: { dir } = {} }) => exec(`ls ${dir}`) });\nexport const c = tool({ execute: async ({ list: [first, ...more] }) => exec(`${first} ${more}`) });\nexport const d = tool({ execute: async ({ n, ...rest }) => exec(rest.cmd) });\nexport const e = tool({ execute: async ({ 'cmd': c = 'ls' }) => exec(c) });\n",
      findings: [
        { startLine: 3, startColumn: 60, endLine: 3, endColumn: 69, message: 'Model output reaches exec()' },
        { startLine: 4, startColumn: 68, endLine: 4, endColumn: 85, message: 'Model output reaches exec()' },
        { startLine: 5, startColumn: 72, endLine: 5, endColumn: 96, message: 'Model output reaches exec()' },
        { startLine: 6, startColumn: 60, endLine: 6, endColumn: 74, message: 'Model output reaches exec()' },
        { startLine: 7, startColumn: 65, endLine: 7, endColumn: 72, message: 'Model output reaches exec()' },
      ],
    },
    {
      name: 'a Python tool parameter unpacked in the body (a, b = args; (a, b) = args; [c, *rest] = args): each name is model output',
      path: 'unpack.py',
      content:
        'import os\nfrom langchain_core.tools import tool\n\n@tool\ndef run(args: list) -> str:\n    cmd, opt = args\n    (a, b) = args\n    [c, *rest] = args\n    os.system(cmd)\n    os.system(b)\n    os.system(" ".join(rest))\n',
      findings: [
        { startLine: 9, startColumn: 5, endLine: 9, endColumn: 19, message: 'Model output reaches os.system()' },
        { startLine: 10, startColumn: 5, endLine: 10, endColumn: 17, message: 'Model output reaches os.system()' },
        { startLine: 11, startColumn: 5, endLine: 11, endColumn: 30, message: 'Model output reaches os.system()' },
      ],
    },
    ...[
      ['langchain.tools', 'tool'],
      ['langchain_core.tools', 'tool'],
      ['crewai.tools', 'tool'],
      ['smolagents', 'tool'],
      ['agents', 'function_tool'],
    ].map(([module, name]) => ({
      name: `@${name} imported from ${module}: its function's parameters are model output`,
      path: 'fw.py',
      content: `import os\nfrom ${module} import ${name}\n\n@${name}\ndef run(cmd: str) -> str:\n    return os.popen(cmd).read()\n`,
      findings: [{ startLine: 6, startColumn: 12, endLine: 6, endColumn: 25, message: 'Model output reaches os.popen()' }],
    })),
    ...[
      ['no import of it (a copied snippet)', 'import os\n'],
      ['a star import', 'import os\nfrom langchain.tools import *\n'],
    ].map(([what, lines]) => ({
      name: `@tool bound nowhere in the file, ${what}, is taken for a framework's: its function's parameters are model output`,
      path: 'snippet.py',
      content: `${lines}\n@tool\ndef run(cmd: str) -> str:\n    return os.popen(cmd).read()\n`,
      findings: [
        {
          startLine: lines.split('\n').length + 3,
          startColumn: 12,
          endLine: lines.split('\n').length + 3,
          endColumn: 25,
          message: 'Model output reaches os.popen()',
        },
      ],
    })),
    {
      name: "the _run of a subclass of the file's own BaseTool that subclasses a framework's",
      path: 'ownbase2.py',
      content:
        'import os\nfrom langchain_core.tools import BaseTool as LcBaseTool\n\nclass BaseTool(LcBaseTool):\n    pass\n\nclass Shell(BaseTool):\n    def _run(self, cmd: str) -> str:\n        return os.popen(cmd).read()\n',
      findings: [{ startLine: 9, startColumn: 16, endLine: 9, endColumn: 29, message: 'Model output reaches os.popen()' }],
    },
    {
      name: 'JS: an AI SDK tool under an alias taken from a dynamic import',
      path: 'dyn.ts',
      content:
        "import { exec } from 'child_process';\nexport async function tools() {\n  const { tool: t } = await import('ai');\n  return [t({ execute: async ({ cmd }) => exec(cmd) })];\n}\n",
      findings: [{ startLine: 4, startColumn: 43, endLine: 4, endColumn: 52, message: 'Model output reaches exec()' }],
    },
    {
      name: 'a closed field of a pydantic tool parameter read after the parameter (or the field) is set to model-controlled text in the tool',
      path: 'rebind.py',
      content:
        'import json, os\nfrom pydantic import BaseModel\nfrom langchain_core.tools import tool\n\nclass RunArgs(BaseModel):\n    n: int = 1\n\n@tool\ndef run(args: RunArgs, raw: str) -> str:\n    args = json.loads(raw)\n    os.system(f"seq {args.n}")\n\n@tool\ndef run2(args: RunArgs, raw: str) -> str:\n    args.n = raw\n    os.system(f"seq {args.n}")\n\n@tool\ndef run3(args: RunArgs, raw: str, key: str) -> str:\n    setattr(args, "n", raw)\n    os.system(f"seq {args.n}")\n\n@tool\ndef run4(args: RunArgs, raw: str, key: str) -> str:\n    setattr(args, key, raw)\n    os.system(f"seq {args.n}")\n\n@tool\ndef run5(args: RunArgs, raw: str) -> str:\n    a2 = args\n    a2.n = raw\n    os.system(f"seq {args.n}")\n',
      findings: [
        { startLine: 11, startColumn: 5, endLine: 11, endColumn: 31, message: 'Model output reaches os.system()' },
        { startLine: 16, startColumn: 5, endLine: 16, endColumn: 31, message: 'Model output reaches os.system()' },
        { startLine: 21, startColumn: 5, endLine: 21, endColumn: 31, message: 'Model output reaches os.system()' },
        { startLine: 26, startColumn: 5, endLine: 26, endColumn: 31, message: 'Model output reaches os.system()' },
        { startLine: 32, startColumn: 5, endLine: 32, endColumn: 31, message: 'Model output reaches os.system()' },
      ],
    },
    {
      name: 'JS: parameters of agent tools are chosen by the model: LangChain tool(fn), DynamicTool func, AI SDK tool({ execute })',
      path: 'tools.ts',
      content:
        "import { exec } from 'child_process';\nimport { tool, DynamicTool } from '@langchain/core/tools';\nimport * as ai from 'ai';\nexport const shell = tool(async ({ command }) => exec(command), { name: 'shell', schema });\nexport const sh = new DynamicTool({ name: 'sh', description: 'x', func: async (input) => exec(input) });\nexport const run = ai.tool({ description: 'x', inputSchema, execute: async ({ cmd }) => exec(cmd) });\n",
      findings: [
        { startLine: 4, startColumn: 50, endLine: 4, endColumn: 63, message: 'Model output reaches exec()' },
        { startLine: 5, startColumn: 90, endLine: 5, endColumn: 101, message: 'Model output reaches exec()' },
        { startLine: 6, startColumn: 89, endLine: 6, endColumn: 98, message: 'Model output reaches exec()' },
      ],
    },
    {
      name: 'tool parameters: Annotated metadata naming no injected type, aliased decorators, Tool(name, func, description), a Tool not validating int',
      path: 'tools4.py',
      content:
        'import os, subprocess\nfrom typing import Annotated\nfrom pydantic import Field\nfrom langchain.tools import tool as lc_tool\nfrom agents import function_tool as ft\nfrom langchain_core.tools import tool, Tool\n\n@tool\ndef notify(url: Annotated[str, Field(description="Callback URL to notify")]) -> str:\n    return os.popen(f"curl {url}").read()\n\n@tool\ndef note(text: Annotated[str, "Text for the Context"]) -> str:\n    os.system(f"echo {text}")\n\n@lc_tool\ndef lc(cmd: str) -> str:\n    os.system(cmd)\n\n@ft\ndef agent_cmd(cmd: str) -> str:\n    os.system(cmd)\n\ndef run(cmd):\n    os.system(cmd)\n\ndef limit(n: int):\n    os.system(f"ulimit -n {n}")\n\nTOOLS = [Tool("run", run, "Run a command"), Tool(name="limit", func=limit, description="Tool passes the text unvalidated")]\n',
      findings: [
        { startLine: 10, startColumn: 12, endLine: 10, endColumn: 35, message: 'Model output reaches os.popen()' },
        { startLine: 14, startColumn: 5, endLine: 14, endColumn: 30, message: 'Model output reaches os.system()' },
        { startLine: 18, startColumn: 5, endLine: 18, endColumn: 19, message: 'Model output reaches os.system()' },
        { startLine: 22, startColumn: 5, endLine: 22, endColumn: 19, message: 'Model output reaches os.system()' },
        { startLine: 25, startColumn: 5, endLine: 25, endColumn: 19, message: 'Model output reaches os.system()' },
        { startLine: 28, startColumn: 5, endLine: 28, endColumn: 32, message: 'Model output reaches os.system()' },
      ],
    },
    {
      name: 'JS: MCP server.tool/registerTool handlers, an aliased LangChain tool, the open property of a schema',
      path: 'tools4.ts',
      content:
        "import { exec } from 'child_process';\nimport { z } from 'zod';\nimport { tool as lcTool } from '@langchain/core/tools';\nserver.tool('grep', { pattern: z.string(), limit: z.number() }, async ({ pattern, limit }) => exec(`grep -m ${limit} ${pattern} .`));\nserver.registerTool('ls', { description: 'x', inputSchema: { dir: z.string() } }, async ({ dir }) => exec(`ls ${dir}`));\nexport const sh = lcTool(async ({ command }) => exec(command), { name: 'sh', schema });\nexport const find = ai.tool({ inputSchema: z.object({ id: z.number(), name: z.string().describe('x') }), execute: async ({ id, name }) => exec(`find ${id} ${name}`) });\n",
      findings: [
        { startLine: 4, startColumn: 95, endLine: 4, endColumn: 132, message: 'Model output reaches exec()' },
        { startLine: 5, startColumn: 102, endLine: 5, endColumn: 119, message: 'Model output reaches exec()' },
        { startLine: 6, startColumn: 49, endLine: 6, endColumn: 62, message: 'Model output reaches exec()' },
        { startLine: 7, startColumn: 139, endLine: 7, endColumn: 165, message: 'Model output reaches exec()' },
      ],
    },
    {
      name: "an item set to output: its container carries it, self's attribute in another method too",
      path: 'items2.py',
      content:
        'import os\nclass A:\n    def f(self, llm, key):\n        self.cache[key] = llm.invoke("x").content\n        cache = {}\n        cache[key] = llm.invoke("x").content\n        os.system(cache["a"])\n    def g(self):\n        os.system(self.cache["a"])\n',
      findings: [
        { startLine: 7, startColumn: 9, endLine: 7, endColumn: 30, message: 'Model output reaches os.system()' },
        { startLine: 9, startColumn: 9, endLine: 9, endColumn: 35, message: 'Model output reaches os.system()' },
      ],
    },
    {
      name: 'JS: an open property of a schema or shape held in a const',
      path: 'held2.ts',
      content:
        "import { tool } from 'ai';\nimport { z } from 'zod';\nimport { exec } from 'child_process';\nconst schema = z.object({ n: z.number(), cmd: z.string() });\nconst shape = { n: z.number(), dir: z.string() };\nexport const a = tool({ inputSchema: schema, execute: async ({ n, cmd }) => exec(`${cmd} ${n}`) });\nserver.tool('ls', shape, async ({ n, dir }) => exec(`ls ${dir} ${n}`));\n",
      findings: [
        { startLine: 6, startColumn: 77, endLine: 6, endColumn: 96, message: 'Model output reaches exec()' },
        { startLine: 7, startColumn: 48, endLine: 7, endColumn: 70, message: 'Model output reaches exec()' },
      ],
    },
    {
      name: 'Python tools: an open field of a pydantic model parameter, BaseTool _run/_arun parameters, tool(fn) and function_tool(fn) of a function of the file',
      path: 'models2.py',
      content:
        'import os\nfrom pydantic import BaseModel\nfrom langchain_core.tools import tool, BaseTool\nfrom agents import function_tool\n\nclass RunArgs(BaseModel):\n    cmd: str\n    n: int = 1\n\n@tool\ndef run(args: RunArgs) -> str:\n    os.system(f"{args.cmd} {args.n}")\n\nclass Search(BaseTool):\n    def _run(self, query: str) -> str:\n        os.system(f"grep {query}")\n    async def _arun(self, query: str) -> str:\n        os.system(f"grep {query}")\n\nclass Grep(Search):\n    def _run(self, pattern):\n        os.system(pattern)\n\ndef shell(command: str) -> str:\n    return os.popen(command).read()\n\ndef ls(path: str) -> str:\n    return os.popen(f"ls {path}").read()\n\nTOOLS = [tool(shell), function_tool(ls)]\n',
      findings: [
        { startLine: 12, startColumn: 5, endLine: 12, endColumn: 38, message: 'Model output reaches os.system()' },
        { startLine: 16, startColumn: 9, endLine: 16, endColumn: 35, message: 'Model output reaches os.system()' },
        { startLine: 18, startColumn: 9, endLine: 18, endColumn: 35, message: 'Model output reaches os.system()' },
        { startLine: 22, startColumn: 9, endLine: 22, endColumn: 27, message: 'Model output reaches os.system()' },
        { startLine: 25, startColumn: 12, endLine: 25, endColumn: 29, message: 'Model output reaches os.popen()' },
        { startLine: 28, startColumn: 12, endLine: 28, endColumn: 34, message: 'Model output reaches os.popen()' },
      ],
    },
    {
      name: 'JS: a schema named by a parameter that hides a const of the same name (the const is not the schema)',
      path: 'shadow.ts',
      content:
        "import { tool } from 'ai';\nimport { z } from 'zod';\nimport { exec } from 'child_process';\nconst schema = z.object({ cmd: z.number() });\nexport function mk(schema) {\n  return tool({ inputSchema: schema, execute: async ({ cmd }) => exec(cmd) });\n}\nexport function mk2() {\n  const schema = z.object({ n: z.number() });\n  return tool({ inputSchema: schema, execute: async ({ n }) => exec(`seq ${n}`) });\n}\nexport function mk3() {\n  let schema = z.object({ n: z.number() });\n  return tool({ inputSchema: schema, execute: async ({ n }) => exec(`seq ${n}`) });\n}\n",
      findings: [
        { startLine: 6, startColumn: 66, endLine: 6, endColumn: 75, message: 'Model output reaches exec()' },
        { startLine: 14, startColumn: 64, endLine: 14, endColumn: 80, message: 'Model output reaches exec()' },
      ],
    },
    {
      name: 'Python tools: a pydantic model parameter with a closed field used whole (dumped, str(), getattr), an inner function binding its name again',
      path: 'whole.py',
      content:
        'import os\nfrom pydantic import BaseModel\nfrom langchain_core.tools import tool\n\nclass RunArgs(BaseModel):\n    cmd: str\n    n: int = 1\n\n@tool\ndef run(args: RunArgs) -> str:\n    os.system(args.model_dump_json())\n    os.system(str(args))\n    os.system(getattr(args, "cmd"))\n    os.system(f"seq {args.n}")\n    def inner():\n        os.system(f"seq {args.n}")\n    def shadow(args):\n        os.system(args.n)\n    shadow(args)\n',
      findings: [
        { startLine: 11, startColumn: 5, endLine: 11, endColumn: 38, message: 'Model output reaches os.system()' },
        { startLine: 12, startColumn: 5, endLine: 12, endColumn: 25, message: 'Model output reaches os.system()' },
        { startLine: 13, startColumn: 5, endLine: 13, endColumn: 36, message: 'Model output reaches os.system()' },
        { startLine: 18, startColumn: 9, endLine: 18, endColumn: 26, message: 'Model output reaches os.system()' },
      ],
    },
    {
      name: 'Python tools: tool(fn) of a framework module imported whole (dotted, aliased)',
      path: 'dotted.py',
      content:
        'import os\nimport langchain_core.tools\nimport agents as ag\nfrom langchain_core import tools\n\ndef a(cmd):\n    os.system(cmd)\n\ndef b(cmd):\n    os.system(cmd)\n\ndef c(cmd):\n    os.system(cmd)\n\nTOOLS = [langchain_core.tools.tool(a), ag.function_tool(b), tools.tool(c)]\n',
      findings: [
        { startLine: 7, startColumn: 5, endLine: 7, endColumn: 19, message: 'Model output reaches os.system()' },
        { startLine: 10, startColumn: 5, endLine: 10, endColumn: 19, message: 'Model output reaches os.system()' },
        { startLine: 13, startColumn: 5, endLine: 13, endColumn: 19, message: 'Model output reaches os.system()' },
      ],
    },
    {
      name: 'JS: a LangChain tool aliased by require',
      path: 'tools5.js',
      content:
        "const { exec } = require('child_process');\nconst { tool: lcTool } = require('@langchain/core/tools');\nexport const sh = lcTool(async ({ command }) => exec(command), { name: 'sh' });\n",
      findings: [{ startLine: 3, startColumn: 49, endLine: 3, endColumn: 62, message: 'Model output reaches exec()' }],
    },
    {
      name: "a function decorated with an alias of FastMCP's standalone tool (fastmcp.tools)",
      path: 'fastmcp_tools.py',
      content: 'import os\nfrom fastmcp.tools import tool as fm_tool\n\n@fm_tool\ndef run(cmd: str):\n    os.popen(cmd)\n',
      findings: [{ startLine: 6, startColumn: 5, endLine: 6, endColumn: 18, message: 'Model output reaches os.popen()' }],
    },
    {
      name: 'JS: aliases of the tool of @ai-sdk/provider-utils (which ai re-exports) and of @openai/agents-realtime',
      path: 'tools6.ts',
      content:
        "import { exec } from 'child_process';\nimport { tool as mk } from '@ai-sdk/provider-utils';\nimport { tool as rt } from '@openai/agents-realtime';\nexport const sh = mk({ execute: async ({ command }) => exec(command) });\nexport const sh2 = rt({ name: 'sh', execute: async ({ command }) => exec(command) });\n",
      findings: [
        { startLine: 4, startColumn: 56, endLine: 4, endColumn: 69, message: 'Model output reaches exec()' },
        { startLine: 5, startColumn: 69, endLine: 5, endColumn: 82, message: 'Model output reaches exec()' },
      ],
    },
    {
      name: "the _run of a subclass of CrewAI's BaseTool under an alias, and of LangChain's reached through its module",
      path: 'crew_tools.py',
      content:
        'import os\nfrom crewai.tools import BaseTool as CrewTool\nfrom langchain_core import tools\n\nclass Run(CrewTool):\n    def _run(self, cmd: str) -> str:\n        os.system(cmd)\n\nclass Ls(tools.BaseTool):\n    def _run(self, path: str) -> str:\n        os.system(path)\n',
      findings: [
        { startLine: 7, startColumn: 9, endLine: 7, endColumn: 23, message: 'Model output reaches os.system()' },
        { startLine: 11, startColumn: 9, endLine: 11, endColumn: 24, message: 'Model output reaches os.system()' },
      ],
    },
    {
      name: 'JS: a nested function setting a property of an object of the outer function to output',
      path: 'prop.js',
      content:
        "import { exec } from 'child_process';\nexport async function f(openai) {\n  const job = { cmd: 'ls' };\n  const fill = async () => {\n    job.cmd = (await openai.chat.completions.create({ model: 'm', messages: [] })).choices[0].message.content;\n  };\n  await fill();\n  exec(job.cmd);\n}\n",
      findings: [{ startLine: 8, startColumn: 3, endLine: 8, endColumn: 16, message: 'Model output reaches exec()' }],
    },
  ],
});

testRule(rule, {
  valid: [
    {
      name: 'model picks a key of a fixed command table',
      path: 'a.py',
      content:
        'import subprocess\nALLOWED = {"a": ["df", "-h"]}\ndef f(llm):\n    choice = llm.invoke("x").content\n    subprocess.run(ALLOWED[choice])\n',
    },
  ],
  invalid: [
    {
      name: 'shlex.split of model output',
      path: 'a.py',
      content: 'import shlex, subprocess\ndef f(llm):\n    cmd = llm.invoke("x").content\n    subprocess.run(shlex.split(cmd))\n',
      findings: [
        { startLine: 4, startColumn: 5, endLine: 4, endColumn: 37, message: 'Model output reaches subprocess.run(shlex.split(...))' },
      ],
    },
  ],
});

// The flow across functions: scopes nest by position, and a name defined more than once takes the
// arguments of every call of that name (each definition's parameter is tainted once, whatever the number of calls).
testRule(rule, {
  valid: [
    {
      name: "a nested function's variable is not the outer function's variable of the same name",
      path: 'a.py',
      content:
        'import os\ndef outer(llm):\n    cmd = "uptime"\n    def inner():\n        cmd = llm.invoke("x").content\n        return cmd\n    os.system(cmd)\n',
    },
  ],
  invalid: [
    {
      name: 'the nested function runs its own model output',
      path: 'a.py',
      content:
        'import os\ndef outer(llm):\n    cmd = "uptime"\n    def inner():\n        cmd = llm.invoke("x").content\n        os.system(cmd)\n',
      findings: [{ startLine: 6, startColumn: 9, endLine: 6, endColumn: 23, message: 'Model output reaches os.system()' }],
    },
    {
      name: 'every definition of a name defined twice, called by position and by keyword',
      path: 'a.py',
      content:
        'import os\ndef run(cmd, quiet=False):\n    os.system(cmd)\ndef run(cmd, quiet=False):\n    os.system("echo " + cmd)\ndef go(llm):\n    run("uptime")\n    run(llm.invoke("x").content)\n    run(cmd=llm.invoke("y").content)\n',
      findings: [
        { startLine: 3, startColumn: 5, endLine: 3, endColumn: 19, message: 'Model output reaches os.system()' },
        { startLine: 5, startColumn: 5, endLine: 5, endColumn: 29, message: 'Model output reaches os.system()' },
      ],
    },
  ],
});

// A shell quoter makes an argument safe, not a command.
testRule(rule, {
  valid: [
    {
      name: 'shlex.join of a fixed command and model output',
      path: 'step.py',
      content:
        'import subprocess, shlex\ndef run_step(llm, task):\n    arg = llm.invoke(f"pick a branch for {task}").content\n    subprocess.run(shlex.join(["git", "log", arg]), shell=True)\n',
    },
    {
      name: 'quote imported from shlex in parentheses',
      path: 'step.py',
      content:
        'import subprocess\nfrom shlex import (\n    quote,\n)\ndef run_step(llm, task):\n    arg = llm.invoke(f"pick a branch for {task}").content\n    subprocess.run("git log " + quote(arg), shell=True)\n',
    },
    {
      name: 'a quoted argument in an f-string',
      path: 'step.py',
      content:
        'import os, shlex\ndef run_step(llm, task):\n    name = llm.invoke(task).content\n    os.system(f"ls -l {shlex.quote(name)}")\n',
    },
  ],
  invalid: [
    {
      name: "the quoted text is the script of ash -c (ash runs an argument vector's -c script too)",
      path: 'step.py',
      content:
        'import os, shlex\ndef run_step(llm, task):\n    cmd = llm.invoke(task).content\n    os.system(f"ash -c {shlex.quote(cmd)}")\n',
      findings: [{ startLine: 4, startColumn: 5, endLine: 4, endColumn: 44, message: 'Model output reaches os.system()' }],
    },
    {
      name: 'the quoted text is the script of bash -c',
      path: 'step.py',
      content:
        'import os, shlex\ndef run_step(llm, task):\n    cmd = llm.invoke(f"Write a shell command to {task}").content\n    os.system(f"bash -c {shlex.quote(cmd)}")\n',
      findings: [{ startLine: 4, startColumn: 5, endLine: 4, endColumn: 45, message: 'Model output reaches os.system()' }],
    },
    {
      name: 'the quoted text is the whole command',
      path: 'step.py',
      content:
        'import os, shlex\ndef run_step(llm, task):\n    cmd = llm.invoke(f"Write a shell command to {task}").content\n    os.system(shlex.quote(cmd))\n',
      findings: [{ startLine: 4, startColumn: 5, endLine: 4, endColumn: 32, message: 'Model output reaches os.system()' }],
    },
    {
      name: 'the quoted text follows a command separator',
      path: 'step.py',
      content:
        'import os, shlex\ndef run_step(llm, task):\n    cmd = llm.invoke(task).content\n    os.system("cd /srv && " + shlex.quote(cmd))\n',
      findings: [{ startLine: 4, startColumn: 5, endLine: 4, endColumn: 48, message: 'Model output reaches os.system()' }],
    },
    {
      name: 'shlex.join of words split from model output',
      path: 'step.py',
      content:
        'import subprocess, shlex\ndef run_step(llm, task):\n    cmd = llm.invoke(f"Write a shell command to {task}").content\n    subprocess.run(shlex.join(shlex.split(cmd)), shell=True)\n',
      findings: [{ startLine: 4, startColumn: 5, endLine: 4, endColumn: 61, message: 'Model output reaches subprocess.run(shell=True)' }],
    },
    {
      name: "shell-quote's quote as the script of sh -c",
      path: 'run.js',
      content:
        "const { exec } = require('child_process');\nconst { quote } = require('shell-quote');\nasync function run(openai, q) {\n  const r = await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: q }] });\n  const cmd = r.choices[0].message.content;\n  exec(`sh -c ${quote([cmd])}`);\n}\n",
      findings: [{ startLine: 6, startColumn: 3, endLine: 6, endColumn: 32, message: 'Model output reaches exec()' }],
    },
    {
      name: 'a quote without shell-quote imported, a shellEscape of the file',
      path: 'run.js',
      content:
        "const { exec } = require('child_process');\n// see shell-quote docs\nasync function run(openai, q) {\n  const r = await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: q }] });\n  const cmd = r.choices[0].message.content;\n  exec(JSON.quote(cmd));\n  exec(`echo ${shellEscape(cmd)}`);\n}\nfunction shellEscape(s) { return s.trim(); }\n",
      findings: [
        { startLine: 6, startColumn: 3, endLine: 6, endColumn: 24, message: 'Model output reaches exec()' },
        { startLine: 7, startColumn: 3, endLine: 7, endColumn: 35, message: 'Model output reaches exec()' },
      ],
    },
  ],
});

it('follows output through a file of n functions each returning the next, all called from one function, in time linear in n', () => {
  const file = (n: number) => {
    let s = 'import os\nfrom langchain_openai import ChatOpenAI\nllm = ChatOpenAI()\n';
    for (let i = n; i >= 1; i--) s += `def f${i}():\n    return f${i - 1}()\n`;
    s += 'def f0():\n    return llm.invoke("x").content\ndef big():\n';
    for (let i = 0; i <= n; i++) s += `    r${i} = f${i}()\n`;
    return s + `    os.system(r${n})\n`;
  };
  expectLinearGrowth((n) => {
    const content = file(n);
    return () => runRule(rule, { path: 'chain.py', content });
  }, 1_000);
});

it('judges each field of a .format of n fields in time linear in n', () => {
  expectLinearGrowth((n) => {
    const content = `import os, shlex\ndef f(llm):\n    out = llm.invoke("x").content\n    os.system("""echo\n${'x {0}\n'.repeat(n)}""".format(shlex.quote(out)))\n`;
    return () => runRule(rule, { path: 'fmt.py', content });
  }, 1_000);
});

it('reads a command list kept in a name, given n times in one function, in time linear in n', () => {
  expectLinearGrowth((n) => {
    const content = `import subprocess\ndef f(llm):\n    out = llm.invoke("x").content\n${'    cmd = ["ls", "-l"]\n    subprocess.run(cmd)\n'.repeat(n)}`;
    return () => runRule(rule, { path: 'many.py', content });
  }, 250);
});

it('follows the parameters of a file of n AI SDK and MCP tools, half of their schemas held in a const, in time linear in n', () => {
  expectLinearGrowth(
    (n) => {
      let content = "import { tool } from 'ai';\nimport { z } from 'zod';\nimport { exec } from 'child_process';\n";
      for (let i = 0; i < n; i++) {
        const schema = 'z.object({ n: z.number(), cmd: z.string() })';
        if (i % 2) content += `const s${i} = ${schema};\nconst shape${i} = { cmd: z.string() };\n`;
        content +=
          `export const t${i} = tool({ inputSchema: ${i % 2 ? `s${i}` : schema}, execute: async ({ n, cmd }) => exec(\`\${cmd} \${n}\`) });\n` +
          `server.tool('t${i}', ${i % 2 ? `shape${i}` : '{ cmd: z.string() }'}, async ({ cmd }) => exec(cmd));\n`;
      }
      return () => runRule(rule, { path: 'tools.ts', content });
    },
    100,
    { requireMeasured: true },
  );
});

it('follows the parameters of a file of n Python tools (pydantic model parameters, BaseTool subclasses, tool(fn)) in time linear in n', () => {
  expectLinearGrowth(
    (n) => {
      let content = 'import os\nfrom pydantic import BaseModel\nfrom langchain_core.tools import tool, BaseTool\n';
      for (let i = 0; i < n; i++)
        content +=
          `class Args${i}(BaseModel):\n    n: int = 1\n    cmd: str\n\n` +
          `@tool\ndef run${i}(args: Args${i}) -> str:\n    os.system(f"{args.cmd} {args.n}")\n\n` +
          `class Search${i}(BaseTool):\n    def _run(self, query: str, limit: int) -> str:\n        os.system(f"grep -m {limit} {query}")\n\n` +
          `def shell${i}(command: str) -> str:\n    return os.popen(command).read()\n\nshell_tool${i} = tool(shell${i})\n`;
      return () => runRule(rule, { path: 'tools.py', content });
    },
    50,
    { requireMeasured: true },
  );
});
