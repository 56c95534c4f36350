import { testRule } from '../../testing/rule-tester.js';
import rule from './llm-output-request-url.js';

testRule(rule, {
  valid: [
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
        'import requests\ndef f(llm, cache, conf, u):\n    key = llm.invoke("x").content\n    conf.get(key)\n    cache.get(key)\n    requests.get(u)\n',
    },
  ],
  invalid: [
    {
      name: 'a URL from the model fetched with requests, urlopen and an aiohttp session',
      path: 'a.py',
      content:
        'import requests\nfrom urllib.request import urlopen\nasync def f(llm, session):\n    url = llm.invoke("x").content.strip()\n    requests.get(url, timeout=5)\n    urlopen(url)\n    async with session.get(url) as r:\n        return await r.text()\n',
      findings: [
        { startLine: 5, startColumn: 5, endLine: 5, endColumn: 33, message: 'Model output chooses the URL of requests.get()' },
        { startLine: 6, startColumn: 5, endLine: 6, endColumn: 17, message: 'Model output chooses the URL of urlopen()' },
        { startLine: 7, startColumn: 16, endLine: 7, endColumn: 32, message: 'Model output chooses the URL of session.get()' },
      ],
    },
    {
      name: 'a tool call\'s url argument fetched with httpx',
      path: 'tools.py',
      content:
        'import json, httpx\ndef step(client, messages):\n    resp = client.chat.completions.create(model="m", messages=messages, tools=TOOLS)\n    for call in resp.choices[0].message.tool_calls:\n        args = json.loads(call.function.arguments)\n        return httpx.get(url=args["url"]).text\n',
      findings: [{ startLine: 6, startColumn: 16, endLine: 6, endColumn: 42, message: 'Model output chooses the URL of httpx.get()' }],
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
  ],
});
