import { expect, it } from 'vitest';
import { expectLinearGrowth } from '../../testing/growth.js';
import { runRule, testRule } from '../../testing/rule-tester.js';
import rule from './llm-output-request-url.js';

/** An if/elif chain of 40 branches on `a`, each `url = <value>` (`{i}` is the branch's number). */
function branches(value: string): string {
  return Array.from(
    { length: 40 },
    (_, i) => `    ${i === 0 ? 'if' : 'elif'} a == ${i}:\n        url = ${value.replace('{i}', String(i))}\n`,
  ).join('');
}

testRule(rule, {
  valid: [
    {
      name: 'a tool parameter validated to int (@tool): the model cannot choose the host',
      path: 'tools.py',
      content:
        'import requests\nfrom langchain_core.tools import tool\n\n@tool\ndef item(n: int) -> str:\n    """Fetch an item."""\n    return requests.get(f"https://{n}").text\n',
    },
    {
      name: 'a fixed host in each value that carries model output; an environment URL or "" before carries none',
      path: 'env.py',
      content:
        'import os, requests\ndef f(llm, a):\n    q = llm.invoke("x").content\n    url = os.environ["API_URL"]\n    if a:\n        url = f"https://api.example.com/s?q={q}"\n    requests.get(url)\n    page = ""\n    if a:\n        page = f"https://a.example.com/{q}"\n    else:\n        page = f"https://b.example.com/{q}"\n    return requests.get(page)\n',
    },
    {
      name: 'JS: a fixed host in each value that carries model output after let url = "" or process.env',
      path: 'env.js',
      content:
        'export async function f(openai, a) {\n  const q = (await openai.chat.completions.create({ model: "m", messages: [] })).choices[0].message.content;\n  let url = "";\n  if (a) url = `https://a.example.com/${q}`;\n  else url = `https://b.example.com/${q}`;\n  await fetch(url);\n  let api = process.env.API_URL;\n  if (a) api = `https://api.example.com/s?q=${q}`;\n  return fetch(api);\n}\n',
    },
    {
      name: 'a fixed host in the last of more assignments than are followed (40 branches)',
      path: 'many.py',
      content: `import requests\ndef f(llm, a):\n    q = llm.invoke("x").content\n    url = None\n${branches('f"https://api{i}.example.com/{q}"')}    return requests.get(url)\n`,
    },
    {
      name: 'a URL with a fixed host in every branch, built in a loop, or set before an if/else (None, let)',
      path: 'branch.py',
      content:
        'import requests\ndef f(llm, a, qs):\n    q = llm.invoke("x").content\n    url = None\n    if a:\n        url = f"https://a.example.com/{q}"\n    elif q:\n        url = f"https://b.example.com/{q}"\n    else:\n        url = "https://c.example.com/"\n    requests.get(url)\n    for p in qs:\n        page = f"https://a.example.com/{q}/{p}"\n        requests.get(page)\n',
    },
    {
      name: 'JS: a URL with a fixed host in both branches after a bare let',
      path: 'branch.js',
      content:
        'export async function f(openai, a) {\n  const q = (await openai.chat.completions.create({ model: "m", messages: [] })).choices[0].message.content;\n  let url;\n  if (a) url = `https://a.example.com/${q}`;\n  else url = `https://b.example.com/${q}`;\n  return fetch(url);\n}\n',
    },
    {
      name: 'got and ky named only in comments and text: no request is read',
      path: 'words.js',
      content:
        '// we got the answer; ky is a library\nexport async function f(openai) {\n  const q = (await openai.chat.completions.create({ model: "m", messages: [] })).choices[0].message.content;\n  return got(q);\n}\n',
    },
    {
      name: 'output only in the path or query of a URL with a literal scheme and host',
      path: 'a.py',
      content:
        'import requests, httpx\nBASE = "https://api.example.com"\ndef f(llm):\n    city = llm.invoke("x").content\n    requests.get(f"https://api.example.com/weather/{city}")\n    httpx.post("https://api.example.com/v1?q=" + city)\n    requests.get("https://api.example.com/{}".format(city))\n    url = f"https://api.example.com/search?q={city}"\n    requests.get(url)\n',
    },
    {
      name: 'the host compared against an allow-list before the request',
      path: 'a.py',
      content:
        'from urllib.parse import urlparse\nimport requests\nALLOWED = {"docs.example.com"}\ndef f(llm):\n    url = llm.invoke("x").content\n    if urlparse(url).hostname not in ALLOWED:\n        raise ValueError(url)\n    return requests.get(url)\n',
    },
    {
      name: 'JS: new URL(x).hostname compared before fetch; a literal origin in a template',
      path: 'a.js',
      content:
        'export async function f(openai) {\n  const r = await openai.chat.completions.create({ model: "m", messages: [] });\n  const url = r.choices[0].message.content;\n  await fetch(`https://api.example.com/items/${url}`);\n  if (new URL(url).hostname !== "docs.example.com") throw new Error("host");\n  return fetch(url);\n}\n',
    },
    {
      name: 'a get that is not an HTTP request (a dict, a cache client), and a URL not from the model',
      path: 'a.py',
      content:
        'import requests, httpx, redis\nredis_client = redis.Redis()\ndef f(llm, cache, conf, u, cache_client):\n    key = llm.invoke("x").content\n    conf.get(key)\n    cache.get(key)\n    redis_client.get(f"order:{key}")\n    cache_client.get(key)\n    requests.get(u)\n',
    },
    {
      name: 'a module constant holding a literal origin, a path on a base_url client or on a literal base',
      path: 'a.py',
      content:
        'import httpx, requests\nBASE_URL = "https://api.weather.example.com"\nWEATHER_API = "https://api.weather.example.com/v1/current"\nhttp = httpx.Client(base_url="https://api.example.com")\ndef f(llm):\n    city = llm.invoke("x").content\n    requests.get(f"{BASE_URL}/weather/{city}")\n    requests.get(WEATHER_API, params={"q": city})\n    requests.get(WEATHER_API + "?q=" + city)\n    http.get(f"/orders/{city}")\n',
    },
    {
      name: 'JS: a module constant origin in a template, new URL of a path on a constant base',
      path: 'a.js',
      content:
        'const BASE = "https://api.example.com";\nexport async function f(openai) {\n  const r = await openai.chat.completions.create({ model: "m", messages: [] });\n  const q = r.choices[0].message.content;\n  await fetch(`${BASE}/search?q=${encodeURIComponent(q)}`);\n  await fetch(new URL(`/search?q=${q}`, BASE));\n  await fetch(BASE + "/search?q=" + q);\n}\n',
    },
    {
      name: 'a SQLAlchemy session and a Flask session are not HTTP sessions',
      path: 'a.py',
      content:
        'import json, requests\nfrom flask import session\ndef step(db_session, client, messages):\n    resp = client.chat.completions.create(model="m", messages=messages, tools=TOOLS)\n    for call in resp.choices[0].message.tool_calls:\n        args = json.loads(call.function.arguments)\n        item = db_session.get(Item, args["id"])\n        db_session.delete(item)\n        session.get(args["q"])\n',
    },
    {
      name: 'a Session imported from sqlalchemy.orm is not an HTTP session',
      path: 'a.py',
      content:
        'import requests\nfrom sqlalchemy.orm import Session\ndef f(llm, engine):\n    url = llm.invoke("x").content\n    session = Session(engine)\n    session.get(url)\n',
    },
    {
      name: 'got and ky imported from files of the project named after them (relative, absolute, aliased paths)',
      path: 'local.js',
      content:
        'import got from "./got";\nimport ky from "../lib/ky.js";\nconst got2 = require("@/http/got");\nimport ky2 from "/srv/app/ky";\nexport async function f(openai) {\n  const q = (await openai.chat.completions.create({ model: "m", messages: [] })).choices[0].message.content;\n  await ky(q);\n  return got(q);\n}\n',
    },
    {
      name: 'got imported from a file of the project is not the got module, with or without a comment naming fetch',
      path: 'local.js',
      content:
        '// TODO: use fetch\nimport { got } from "./client";\nexport async function f(openai) {\n  const q = (await openai.chat.completions.create({ model: "m", messages: [] })).choices[0].message.content;\n  return got(q);\n}\n',
    },
  ],
  invalid: [
    {
      name: 'the parameters of an agent tool are model output: @tool fetch(url: str)',
      path: 'tools.py',
      content:
        'import requests\nfrom langchain_core.tools import tool\n\n@tool\ndef fetch(url: str) -> str:\n    """Fetch a page."""\n    return requests.get(url).text\n',
      findings: [{ startLine: 7, startColumn: 12, endLine: 7, endColumn: 29, message: 'Model output chooses the URL of requests.get()' }],
    },
    {
      name: 'model output as the URL of a loop target, a walrus, a with target and a name in a tuple, each after a fixed-host URL given to the same name',
      path: 'rebound.py',
      content:
        'import requests\ndef f(llm):\n    out = llm.invoke("x").content\n    url = f"https://api.example.com/{out}"\n    for url in out.split():\n        requests.get(url)\n    page = f"https://api.example.com/{out}"\n    if (page := llm.invoke("y").content):\n        requests.get(page)\n    link = f"https://api.example.com/{out}"\n    with llm.stream("z") as link:\n        requests.get(link)\n    dest = f"https://api.example.com/{out}"\n    dest, n = out.strip(), 1\n    requests.get(dest)\n',
      findings: [
        { startLine: 6, startColumn: 9, endLine: 6, endColumn: 26, message: 'Model output chooses the URL of requests.get()' },
        { startLine: 9, startColumn: 9, endLine: 9, endColumn: 27, message: 'Model output chooses the URL of requests.get()' },
        { startLine: 12, startColumn: 9, endLine: 12, endColumn: 27, message: 'Model output chooses the URL of requests.get()' },
        { startLine: 15, startColumn: 5, endLine: 15, endColumn: 23, message: 'Model output chooses the URL of requests.get()' },
      ],
    },
    {
      name: 'JS: model output as the URL of a for-of target (declared, and an outer name) after a fixed-host URL given to the same name',
      path: 'rebound.js',
      content:
        'export async function f(openai) {\n  const out = (await openai.chat.completions.create({ model: "m", messages: [] })).choices[0].message.content;\n  let url = `https://api.example.com/${out}`;\n  for (url of out.split("\\n")) await fetch(url);\n  let link = `https://api.example.com/${out}`;\n  for (const link of out.split("\\n")) await fetch(link);\n  return link;\n}\n',
      findings: [
        { startLine: 4, startColumn: 38, endLine: 4, endColumn: 48, message: 'Model output chooses the URL of fetch()' },
        { startLine: 6, startColumn: 45, endLine: 6, endColumn: 56, message: 'Model output chooses the URL of fetch()' },
      ],
    },
    {
      name: 'model output as the URL after an environment URL; "" then += model output',
      path: 'env.py',
      content:
        'import os, requests\ndef f(llm, a):\n    q = llm.invoke("x").content\n    url = os.environ["API_URL"]\n    if a:\n        url = q\n    requests.get(url)\n    page = ""\n    page += q\n    return requests.get(page)\n',
      findings: [
        { startLine: 7, startColumn: 5, endLine: 7, endColumn: 22, message: 'Model output chooses the URL of requests.get()' },
        { startLine: 10, startColumn: 12, endLine: 10, endColumn: 30, message: 'Model output chooses the URL of requests.get()' },
      ],
    },
    {
      name: 'JS: model output as the URL after let url = ""',
      path: 'env.js',
      content:
        'export async function f(openai, a) {\n  const q = (await openai.chat.completions.create({ model: "m", messages: [] })).choices[0].message.content;\n  let url = "";\n  if (a) url = q;\n  return fetch(url);\n}\n',
      findings: [{ startLine: 5, startColumn: 10, endLine: 5, endColumn: 20, message: 'Model output chooses the URL of fetch()' }],
    },
    {
      name: 'model output as the last of more assignments than are followed (40 branches)',
      path: 'many.py',
      content: `import requests\ndef f(llm, a):\n    q = llm.invoke("x").content\n    url = None\n${branches('q')}    return requests.get(url)\n`,
      findings: [{ startLine: 85, startColumn: 12, endLine: 85, endColumn: 29, message: 'Model output chooses the URL of requests.get()' }],
    },
    {
      name: 'model output as the URL in one branch, a constant in the other (if/else, try/except)',
      path: 'branch.py',
      content:
        'import requests\nURL = "https://api.example.com/x"\ndef f(llm, a):\n    if a:\n        url = llm.invoke("x").content\n    else:\n        url = URL\n    requests.get(url)\n    try:\n        page = llm.invoke("y").content\n    except ValueError:\n        page = URL\n    return requests.get(page)\n',
      findings: [
        { startLine: 8, startColumn: 5, endLine: 8, endColumn: 22, message: 'Model output chooses the URL of requests.get()' },
        { startLine: 13, startColumn: 12, endLine: 13, endColumn: 30, message: 'Model output chooses the URL of requests.get()' },
      ],
    },
    {
      name: 'JS: model output as the URL in one branch, a constant in the other; ky imported by name',
      path: 'branch.js',
      content:
        'import ky from "ky";\nexport async function f(openai, a) {\n  let url;\n  if (a) url = (await openai.chat.completions.create({ model: "m", messages: [] })).choices[0].message.content;\n  else url = "https://api.example.com/x";\n  await ky(url);\n  return fetch(url);\n}\n',
      findings: [
        { startLine: 6, startColumn: 9, endLine: 6, endColumn: 16, message: 'Model output chooses the URL of ky()' },
        { startLine: 7, startColumn: 10, endLine: 7, endColumn: 20, message: 'Model output chooses the URL of fetch()' },
      ],
    },
    {
      name: 'clients made by constructors imported by name or under an alias, and requests.session()',
      path: 'd.py',
      content:
        'import requests\nimport httpx as hx\nfrom requests import Session\nfrom httpx import AsyncClient\nfrom aiohttp import ClientSession as CS\ndef f(llm):\n    url = llm.invoke("x").content\n    session = Session()\n    session.get(url)\n    client = AsyncClient()\n    client.get(url)\n    sess = requests.session()\n    sess.get(url)\n    h = hx.Client()\n    h.get(url)\n    CS().get(url)\n',
      findings: [
        { startLine: 9, startColumn: 5, endLine: 9, endColumn: 21, message: 'Model output chooses the URL of session.get()' },
        { startLine: 11, startColumn: 5, endLine: 11, endColumn: 20, message: 'Model output chooses the URL of client.get()' },
        { startLine: 13, startColumn: 5, endLine: 13, endColumn: 18, message: 'Model output chooses the URL of sess.get()' },
        { startLine: 15, startColumn: 5, endLine: 15, endColumn: 15, message: 'Model output chooses the URL of h.get()' },
        { startLine: 16, startColumn: 5, endLine: 16, endColumn: 18, message: 'Model output chooses the URL of CS().get()' },
      ],
    },
    {
      name: 'a session made in place or in async with; a name assigned twice in the module, a path on a client without base_url, a protocol-relative path',
      path: 'c.py',
      content:
        'import requests, aiohttp, httpx\nBASE = "https://api.example.com"\nBASE = input()\nraw = httpx.Client()\nhttp = httpx.Client(base_url="https://api.example.com")\nasync def f(llm):\n    url = llm.invoke("x").content\n    requests.Session().get(url)\n    async with aiohttp.ClientSession() as s:\n        await s.get(url)\n    requests.get(f"{BASE}/a/{url}")\n    raw.get(f"/a/{url}")\n    http.get(f"//{url}")\n',
      findings: [
        { startLine: 8, startColumn: 5, endLine: 8, endColumn: 32, message: 'Model output chooses the URL of requests.Session().get()' },
        { startLine: 10, startColumn: 15, endLine: 10, endColumn: 25, message: 'Model output chooses the URL of s.get()' },
        { startLine: 11, startColumn: 5, endLine: 11, endColumn: 36, message: 'Model output chooses the URL of requests.get()' },
        { startLine: 12, startColumn: 5, endLine: 12, endColumn: 25, message: 'Model output chooses the URL of raw.get()' },
        { startLine: 13, startColumn: 5, endLine: 13, endColumn: 25, message: 'Model output chooses the URL of http.get()' },
      ],
    },
    {
      name: 'JS: new URL of a path on a base that is not constant, of a protocol-relative path',
      path: 'b.js',
      content:
        'const BASE = "https://api.example.com";\nexport async function f(openai, base) {\n  const r = await openai.chat.completions.create({ model: "m", messages: [] });\n  const q = r.choices[0].message.content;\n  await fetch(new URL(`/search?q=${q}`, base));\n  await fetch(new URL(`//${q}`, BASE));\n  await fetch(new URL(`/\\\\${q}`, BASE));\n}\n',
      findings: [
        { startLine: 5, startColumn: 9, endLine: 5, endColumn: 47, message: 'Model output chooses the URL of fetch()' },
        { startLine: 6, startColumn: 9, endLine: 6, endColumn: 39, message: 'Model output chooses the URL of fetch()' },
        { startLine: 7, startColumn: 9, endLine: 7, endColumn: 40, message: 'Model output chooses the URL of fetch()' },
      ],
    },
    {
      name: 'a URL from the model fetched with requests, urlopen and an aiohttp session',
      path: 'a.py',
      content:
        'import requests, aiohttp\nfrom urllib.request import urlopen\nasync def f(llm):\n    url = llm.invoke("x").content.strip()\n    requests.get(url, timeout=5)\n    urlopen(url)\n    async with aiohttp.ClientSession() as session:\n        async with session.get(url) as r:\n            return await r.text()\n',
      findings: [
        { startLine: 5, startColumn: 5, endLine: 5, endColumn: 33, message: 'Model output chooses the URL of requests.get()' },
        { startLine: 6, startColumn: 5, endLine: 6, endColumn: 17, message: 'Model output chooses the URL of urlopen()' },
        { startLine: 8, startColumn: 20, endLine: 8, endColumn: 36, message: 'Model output chooses the URL of session.get()' },
      ],
    },
    {
      name: "a tool call's url argument fetched with httpx",
      path: 'tools.py',
      content:
        'import json, httpx\ndef step(client, messages):\n    resp = client.chat.completions.create(model="m", messages=messages, tools=TOOLS)\n    for call in resp.choices[0].message.tool_calls:\n        args = json.loads(call.function.arguments)\n        return httpx.get(url=args["url"]).text\n',
      findings: [{ startLine: 6, startColumn: 16, endLine: 6, endColumn: 42, message: 'Model output chooses the URL of httpx.get()' }],
    },
    {
      name: "a host compared before the request, but not the requested URL's (a header, a setting)",
      path: 'c.py',
      content:
        'import requests\ndef f(llm, headers, cfg):\n    url = llm.invoke("x").content\n    if "host" in headers:\n        pass\n    if cfg.host == "localhost":\n        print(cfg)\n    return requests.get(url)\n',
      findings: [{ startLine: 8, startColumn: 12, endLine: 8, endColumn: 29, message: 'Model output chooses the URL of requests.get()' }],
    },
    {
      name: 'a literal scheme without a host, a host without its end, urljoin',
      path: 'b.py',
      content:
        'import requests\nfrom urllib.parse import urljoin\ndef f(llm):\n    out = llm.invoke("x").content\n    requests.get("https://" + out)\n    requests.get(f"https://api.example.com{out}")\n    requests.get(urljoin("https://api.example.com/", out))\n',
      findings: [
        { startLine: 5, startColumn: 5, endLine: 5, endColumn: 35, message: 'Model output chooses the URL of requests.get()' },
        { startLine: 6, startColumn: 5, endLine: 6, endColumn: 50, message: 'Model output chooses the URL of requests.get()' },
        { startLine: 7, startColumn: 5, endLine: 7, endColumn: 59, message: 'Model output chooses the URL of requests.get()' },
      ],
    },
    {
      name: 'JS: fetch, axios, got and http.get of model output',
      path: 'a.js',
      content:
        'const http = require("http");\nconst axios = require("axios");\nconst got = require("got");\nexport async function f(openai) {\n  const { text } = await generateText({ model: m, prompt: "x" });\n  await fetch(text);\n  await axios.get(text);\n  await axios({ url: text, method: "get" });\n  await got(text);\n  http.get(text, () => {});\n}\n',
      findings: [
        { startLine: 6, startColumn: 9, endLine: 6, endColumn: 20, message: 'Model output chooses the URL of fetch()' },
        { startLine: 7, startColumn: 9, endLine: 7, endColumn: 24, message: 'Model output chooses the URL of axios.get()' },
        { startLine: 8, startColumn: 9, endLine: 8, endColumn: 44, message: 'Model output chooses the URL of axios()' },
        { startLine: 9, startColumn: 9, endLine: 9, endColumn: 18, message: 'Model output chooses the URL of got()' },
        { startLine: 10, startColumn: 3, endLine: 10, endColumn: 27, message: 'Model output chooses the URL of http.get()' },
      ],
    },
    ...[
      '"npm:ky@1"',
      '"https://esm.sh/ky@1.2.0?target=es2022"',
      '"https://cdn.jsdelivr.net/npm/ky@1/+esm"',
      "'ky-universal'",
      '"ky/distribution/index.js"',
      '"https://unpkg.com/ky"',
    ].map((module) => ({
      name: `ky imported from ${module}`,
      path: 'deno.ts',
      content: `import ky from ${module};\nexport async function f(openai) {\n  const q = (await openai.chat.completions.create({ model: "m", messages: [] })).choices[0].message.content;\n  return ky(q);\n}\n`,
      findings: [{ startLine: 4, startColumn: 10, endLine: 4, endColumn: 15, message: 'Model output chooses the URL of ky()' }],
    })),
    {
      name: 'got required with a template string',
      path: 'req.js',
      content:
        'const got = require(`got`);\nexport async function f(openai) {\n  const q = (await openai.chat.completions.create({ model: "m", messages: [] })).choices[0].message.content;\n  return got.post(q);\n}\n',
      findings: [{ startLine: 4, startColumn: 10, endLine: 4, endColumn: 21, message: 'Model output chooses the URL of got.post()' }],
    },
  ],
});

it('takes CPU time that grows linearly with requests to names that no model output reaches', () => {
  // Each request's URL is a name assigned in the same scope next to an `if`: the scope is indexed once, not walked per request.
  const many = (n: number): string => {
    let s = 'import requests\ndef f(base):\n';
    for (let i = 0; i < n; i++) s += `    u${i} = base + "/${i}"\n    if x${i}: pass\n    requests.get(u${i})\n`;
    return s;
  };
  expectLinearGrowth(
    (n) => {
      const file = { path: 'a.py', content: many(n) };
      return () => expect(runRule(rule, file).findings).toEqual([]);
    },
    500,
    { maxN: 2_000 },
  );
});
