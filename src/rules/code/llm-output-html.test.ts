import { testRule } from '../../testing/rule-tester.js';
import rule from './llm-output-html.js';

testRule(rule, {
  valid: [
    {
      name: 'JS: an AI SDK tool parameter validated by z.number() carries no HTML',
      path: 'tools.ts',
      content:
        "import { tool } from 'ai';\nimport { z } from 'zod';\nexport const show = tool({\n  description: 'Show a count',\n  inputSchema: z.object({ n: z.number() }),\n  execute: async ({ n }) => {\n    document.getElementById('out')!.innerHTML = n;\n  },\n});\n",
    },
    {
      name: 'sanitised after marked, through await; a member of a require that is not an AI SDK hook',
      path: 'md.js',
      content:
        'import { marked } from "marked";\nconst useChat = require("./chat").useChat;\nexport async function show(openai, el) {\n  const r = await openai.chat.completions.create({ model: "m", messages: [] });\n  el.innerHTML = DOMPurify.sanitize(await marked.parse(r.choices[0].message.content));\n  const { messages } = useChat();\n  el.innerHTML = messages[0].content;\n}\n',
    },
    {
      name: 'Markdown rendered, then sanitised',
      path: 'show.js',
      content:
        'import DOMPurify from "dompurify";\nimport { marked } from "marked";\nasync function show(openai, el) {\n  const r = await openai.chat.completions.create({});\n  el.innerHTML = DOMPurify.sanitize(marked.parse(r.choices[0].message.content));\n}\n',
    },
    {
      name: 'the length of a list the output was pushed to',
      path: 'answer.js',
      content:
        'export async function answer(openai, el, q) {\n  const r = await openai.chat.completions.create({ model: "gpt-4o", messages: [] });\n  const reply = r.choices[0].message.content;\n  const history = [];\n  history.push({ role: "assistant", content: reply });\n  el.textContent = reply;\n  el.innerHTML = `<span class="count">${history.length}</span>`;\n}\n',
    },
    {
      name: 'string.Template is not Jinja',
      path: 'report.py',
      content:
        'from string import Template\n\ndef report(llm):\n    body = llm.invoke("x").content\n    return Template(body).safe_substitute(name="a")\n',
    },
    {
      name: 'a sandboxed Jinja environment',
      path: 'report.py',
      content:
        'import jinja2\nfrom jinja2.sandbox import SandboxedEnvironment\nenv = SandboxedEnvironment()\n\ndef report(llm):\n    body = llm.invoke("x").content\n    return env.from_string(body).render()\n',
    },
    {
      name: 'a prop named for model output sanitised with DOMPurify',
      path: 'Markdown.tsx',
      content:
        'import DOMPurify from "dompurify";\nexport function Markdown({ aiResponse }: { aiResponse: string }) {\n  const html = DOMPurify.sanitize(marked.parse(aiResponse) as string);\n  return <article dangerouslySetInnerHTML={{ __html: html }} />;\n}\n',
    },
    {
      name: 'useCompletion sanitised inline',
      path: 'Completion.tsx',
      content:
        'import { useCompletion } from "ai/react";\nexport function Completion() {\n  const { completion } = useCompletion();\n  return <div dangerouslySetInnerHTML={{ __html: sanitizeHtml(marked(completion)) }} />;\n}\n',
    },
    {
      name: 'bleach.clean before Markup',
      path: 'views.py',
      content:
        'import bleach\nfrom markupsafe import Markup\ndef answer(llm, q):\n    text = llm.invoke(q).content\n    safe = bleach.clean(markdown(text), tags=["p", "b"])\n    return Markup(safe)\n',
    },
    {
      name: "useChat through a namespace import of the app's own module, or of the AI SDK module (r.useChat) whose input is rendered",
      path: 'Own.tsx',
      content:
        'import * as chat from "./chat";\nimport * as r from "@ai-sdk/react";\nexport function Own() {\n  const { messages } = chat.useChat();\n  const { input } = r.useChat();\n  return <div><p dangerouslySetInnerHTML={{ __html: messages[0].html }} /><p dangerouslySetInnerHTML={{ __html: highlight(input) }} /></div>;\n}\n',
    },
    {
      name: 'useChat messages rendered as text',
      path: 'ChatPane.tsx',
      content:
        'import { useChat } from "@ai-sdk/react";\nexport function ChatPane() {\n  const { messages } = useChat();\n  return <div>{messages.map((m) => <p key={m.id}>{m.content}</p>)}<footer dangerouslySetInnerHTML={{ __html: FOOTER_HTML }} /></div>;\n}\n',
    },
    {
      name: 'useObject of another library (Realm) is not the AI SDK',
      path: 'NoteView.tsx',
      content:
        'import { useObject } from "@realm/react";\nexport function NoteView({ id }: { id: string }) {\n  const note = useObject(Note, id);\n  return <article dangerouslySetInnerHTML={{ __html: note?.html ?? "" }} />;\n}\n',
    },
    {
      name: 'a useChat hook defined in the file',
      path: 'Room.tsx',
      content:
        'function useChat(roomId: string) {\n  const [messages, setMessages] = useState<any[]>([]);\n  return { messages };\n}\nexport function Room({ roomId }: { roomId: string }) {\n  const { messages } = useChat(roomId);\n  return <ul>{messages.map((m) => <li key={m.id} dangerouslySetInnerHTML={{ __html: m.renderedHtml }} />)}</ul>;\n}\n',
    },
    {
      name: 'a useChat result kept whole: its input is what the user typed',
      path: 'Chat.jsx',
      content:
        'import { useChat } from "ai/react";\nexport function Chat() {\n  const chat = useChat();\n  return <div dangerouslySetInnerHTML={{ __html: highlight(chat.input) }} />;\n}\n',
    },
    {
      name: 'a useChat result kept whole: its input destructured, subscripted, read optionally',
      path: 'Chat.jsx',
      content:
        'import { useChat } from "ai/react";\nexport function Chat() {\n  const chat = useChat();\n  const { input } = chat;\n  return <div><p dangerouslySetInnerHTML={{ __html: input }} /><p dangerouslySetInnerHTML={{ __html: chat["input"] }} /><p dangerouslySetInnerHTML={{ __html: chat?.input }} /></div>;\n}\n',
    },
    {
      name: 'required useChat: input is not model output',
      path: 'Chat.jsx',
      content:
        'const { useChat } = require("ai/react");\nfunction Chat() {\n  const { input } = useChat();\n  return <div dangerouslySetInnerHTML={{ __html: input }} />;\n}\n',
    },
    {
      name: 'useChat input (what the user typed) and error are not model output',
      path: 'Chat.tsx',
      content:
        'import { useChat } from "ai/react";\nexport function Chat() {\n  const { messages, input, error } = useChat();\n  return <form><div dangerouslySetInnerHTML={{ __html: highlight(input) }} /><p dangerouslySetInnerHTML={{ __html: `<b>${error?.message}</b>` }} /></form>;\n}\n',
    },
    {
      name: 'a callback over other data',
      path: 'page.js',
      content:
        'async function show(model, el, q) {\n  const r = await model.invoke(q);\n  el.textContent = r.content;\n  fetch("/help.html").then((h) => h.text()).then((h) => {\n    el.innerHTML = h;\n  });\n}\n',
    },
    {
      name: 'a nested function whose parameter hides the outer variable',
      path: 'chat.ts',
      content:
        'export async function show(openai: any, el: any) {\n  const html = (await openai.chat.completions.create({ model: "m" })).choices[0].message.content;\n  const put = (html: string) => {\n    el.innerHTML = html;\n  };\n  put("<b>done</b>");\n  el.textContent = html;\n}\n',
    },
    {
      name: 'an array pattern parameter hides the outer variable',
      path: 'load.tsx',
      content:
        'export async function load(openai: any, el: HTMLElement, meta: Record<string, string>) {\n  const r = await openai.chat.completions.create({ model: "gpt-4o", messages: [] });\n  const content = r.choices[0].message.content;\n  el.textContent = content;\n  Object.entries(meta).forEach(([key, content]) => {\n    const row = document.createElement("div");\n    row.innerHTML = content;\n  });\n}\n',
    },
    {
      name: 'a rest parameter hides the outer variable',
      path: 'load.js',
      content:
        'export async function load(openai, el) {\n  const r = await openai.chat.completions.create({ model: "gpt-4o", messages: [] });\n  const parts = r.choices[0].message.content;\n  el.textContent = parts;\n  function log(...parts) {\n    el.innerHTML = parts.join(" ");\n  }\n  log("<b>", "ready", "</b>");\n}\n',
    },
    {
      name: 'textContent',
      path: 'chat.ts',
      content:
        'export async function show(openai: any, el: any) {\n  const r = await openai.chat.completions.create({ model: "m" });\n  el.textContent = r.choices[0].message.content;\n}\n',
    },
    {
      name: 'sanitised',
      path: 'chat.ts',
      content:
        'export async function show(openai: any, el: any) {\n  const r = await openai.chat.completions.create({ model: "m" });\n  el.innerHTML = "<b>done</b>";\n}\n',
    },
    {
      name: 'render_template with a file',
      path: 'app.py',
      content: 'def f(llm):\n    a = llm.invoke("x")\n    return render_template("answer.html", answer=a)\n',
    },
    {
      name: 'a prop whose name says nothing about model output',
      path: 'Card.tsx',
      content: 'export function Card({ title }: { title: string }) {\n  return <div dangerouslySetInnerHTML={{ __html: title }} />;\n}\n',
    },
    {
      name: 'a component given constant text',
      path: 'Chat.jsx',
      content:
        'function Bubble({ text }) {\n  return <p dangerouslySetInnerHTML={{ __html: text }} />;\n}\nexport function Chat() {\n  return <Bubble text="<b>hello</b>" />;\n}\n',
    },
    {
      name: 'React state set from something else',
      path: 'Chat.jsx',
      content:
        'export function Chat({ client }) {\n  const [html, setHtml] = useState("");\n  async function load() {\n    setHtml(await fetch("/static/help.html").then((r) => r.text()));\n  }\n  return <div dangerouslySetInnerHTML={{ __html: html }} />;\n}\n',
    },
  ],
  invalid: [
    {
      name: 'JS: the parameters of an AI SDK tool are model output: z.string() into innerHTML',
      path: 'tools.ts',
      content:
        "import { tool } from 'ai';\nimport { z } from 'zod';\nexport const show = tool({\n  description: 'Show a note',\n  inputSchema: z.object({ note: z.string() }),\n  execute: async ({ note }) => {\n    document.getElementById('out')!.innerHTML = note;\n  },\n});\n",
      findings: [{ startLine: 7, startColumn: 5, endLine: 7, endColumn: 53, message: 'Model output reaches innerHTML' }],
    },
    {
      name: 'sanitised output given to marked through await or String()',
      path: 'md.js',
      content:
        'import { marked } from "marked";\nexport async function show(openai, el) {\n  const r = await openai.chat.completions.create({ model: "m", messages: [] });\n  el.innerHTML = marked.parse(await DOMPurify.sanitize(r.choices[0].message.content));\n  el.innerHTML = marked.parse(String(DOMPurify.sanitize(r.choices[0].message.content)));\n}\n',
      findings: [
        { startLine: 4, startColumn: 3, endLine: 4, endColumn: 86, message: 'Model output reaches innerHTML' },
        { startLine: 5, startColumn: 3, endLine: 5, endColumn: 88, message: 'Model output reaches innerHTML' },
      ],
    },
    {
      name: 'an AI SDK hook taken as a member of a require',
      path: 'hook.js',
      content:
        'const useChat = require("ai/react").useChat;\nexport function C(el) {\n  const { messages } = useChat();\n  el.innerHTML = messages[0].content;\n}\n',
      findings: [{ startLine: 4, startColumn: 3, endLine: 4, endColumn: 37, message: 'Model output reaches innerHTML' }],
    },
    {
      name: 'a name kept for a useChat() result in one component and for a chat completion in another function',
      path: 'a.jsx',
      content:
        "import { useChat } from 'ai/react';\nimport OpenAI from 'openai';\nconst openai = new OpenAI();\nexport function Chat() { const chat = useChat(); return <p>{chat.input}</p>; }\nexport async function show(el) {\n  const chat = await openai.chat.completions.create({ model: 'm', messages: [] });\n  el.innerHTML = chat.choices[0].message.content;\n}\n",
      findings: [{ startLine: 7, startColumn: 3, endLine: 7, endColumn: 49, message: 'Model output reaches innerHTML' }],
    },
    {
      name: 'output sanitised before Markdown rendering: the HTML rendered is not',
      path: 'show.js',
      content:
        'import DOMPurify from "dompurify";\nimport { marked } from "marked";\nasync function show(openai, el) {\n  const r = await openai.chat.completions.create({});\n  el.innerHTML = marked.parse(DOMPurify.sanitize(r.choices[0].message.content));\n}\n',
      findings: [{ startLine: 5, startColumn: 3, endLine: 5, endColumn: 80, message: 'Model output reaches innerHTML' }],
    },
    {
      name: 'model output compiled as a Jinja template',
      path: 'report.py',
      content:
        'from jinja2 import Template\n\ndef report(llm, data):\n    body = llm.invoke("Write a report template").content\n    return Template(body).render(data=data)\n',
      findings: [{ startLine: 5, startColumn: 12, endLine: 5, endColumn: 26, message: 'Model output reaches jinja2.Template()' }],
    },
    {
      name: 'model output compiled by a Jinja environment',
      path: 'report.py',
      content:
        'import jinja2\nenv = jinja2.Environment()\n\ndef report(llm, data):\n    body = llm.invoke("x").content\n    return env.from_string(body).render(data=data)\n',
      findings: [{ startLine: 6, startColumn: 12, endLine: 6, endColumn: 33, message: 'Model output reaches env.from_string()' }],
    },
    {
      name: 'a sanitiser of other data next to raw model output',
      path: 'Markdown.tsx',
      content:
        'export function Markdown({ aiResponse, title }: { aiResponse: string; title: string }) {\n  const html = marked.parse(aiResponse) + DOMPurify.sanitize(title);\n  return <article dangerouslySetInnerHTML={{ __html: html }} />;\n}\n',
      findings: [{ startLine: 3, startColumn: 19, endLine: 3, endColumn: 61 }],
    },
    {
      name: 'useChat messages rendered in .map',
      path: 'ChatPane.tsx',
      content:
        'import { useChat } from "@ai-sdk/react";\nexport function ChatPane() {\n  const { messages } = useChat();\n  return <div>{messages.map((m) => <div key={m.id} dangerouslySetInnerHTML={{ __html: m.content }} />)}</div>;\n}\n',
      findings: [{ startLine: 4, startColumn: 52, endLine: 4, endColumn: 99, message: 'Model output reaches dangerouslySetInnerHTML' }],
    },
    {
      name: 'useChat called through the AI SDK module imported whole (import * as r)',
      path: 'ChatPane.tsx',
      content:
        'import * as r from "@ai-sdk/react";\nexport function ChatPane() {\n  const { messages } = r.useChat();\n  return <div>{messages.map((m) => <div key={m.id} dangerouslySetInnerHTML={{ __html: m.content }} />)}</div>;\n}\n',
      findings: [{ startLine: 4, startColumn: 52, endLine: 4, endColumn: 99, message: 'Model output reaches dangerouslySetInnerHTML' }],
    },
    {
      name: "AI SDK hooks through TypeScript's import = require, and taken from a dynamic import",
      path: 'hook.ts',
      content:
        'import react = require("@ai-sdk/react");\nexport function C(el) {\n  const { messages } = react.useChat();\n  el.innerHTML = messages[0].content;\n}\nexport async function D(el) {\n  const { useCompletion } = await import("ai/react");\n  const { completion } = useCompletion();\n  el.innerHTML = completion;\n}\n',
      findings: [
        { startLine: 4, startColumn: 3, endLine: 4, endColumn: 37, message: 'Model output reaches innerHTML' },
        { startLine: 9, startColumn: 3, endLine: 9, endColumn: 28, message: 'Model output reaches innerHTML' },
      ],
    },
    {
      name: 'useChat messages passed by .map to a component',
      path: 'Thread.jsx',
      content:
        'import { useChat } from "ai/react";\nconst Bubble = ({ message }) => <div dangerouslySetInnerHTML={{ __html: message.content }} />;\nexport function Thread() {\n  const { messages } = useChat();\n  return <>{messages.map((m) => <Bubble key={m.id} message={m} />)}</>;\n}\n',
      findings: [{ startLine: 2, startColumn: 38, endLine: 2, endColumn: 91 }],
    },
    {
      name: 'useChat and useCompletion required, one renamed',
      path: 'Chat.jsx',
      content:
        'const { useChat, useCompletion: useAiCompletion } = require("ai/react");\nfunction Chat() {\n  const { messages } = useChat();\n  const { completion } = useAiCompletion();\n  return <>\n    <div dangerouslySetInnerHTML={{ __html: messages[0].content }} />\n    <div dangerouslySetInnerHTML={{ __html: completion }} />\n  </>;\n}\n',
      findings: [
        { startLine: 6, startColumn: 10, endLine: 6, endColumn: 67, message: 'Model output reaches dangerouslySetInnerHTML' },
        { startLine: 7, startColumn: 10, endLine: 7, endColumn: 58, message: 'Model output reaches dangerouslySetInnerHTML' },
      ],
    },
    {
      name: 'a useChat result kept whole: messages destructured from it, subscripted, read optionally',
      path: 'Chat.jsx',
      content:
        'import { useChat } from "ai/react";\nexport function Chat() {\n  const chat = useChat();\n  const { messages } = chat;\n  return <div><p dangerouslySetInnerHTML={{ __html: messages[0].content }} /><p dangerouslySetInnerHTML={{ __html: chat["messages"][0].content }} /><p dangerouslySetInnerHTML={{ __html: chat?.messages[0].content }} /></div>;\n}\n',
      findings: [
        { startLine: 5, startColumn: 18, endLine: 5, endColumn: 75, message: 'Model output reaches dangerouslySetInnerHTML' },
        { startLine: 5, startColumn: 81, endLine: 5, endColumn: 146, message: 'Model output reaches dangerouslySetInnerHTML' },
        { startLine: 5, startColumn: 152, endLine: 5, endColumn: 215, message: 'Model output reaches dangerouslySetInnerHTML' },
      ],
    },
    {
      name: 'a useChat result passed whole to a component that reads its messages',
      path: 'Chat.jsx',
      content:
        'import { useChat } from "ai/react";\nexport function Chat() {\n  const chat = useChat();\n  return <Bubble chat={chat} />;\n}\nfunction Bubble({ chat }) {\n  return <div dangerouslySetInnerHTML={{ __html: chat.messages[0].content }} />;\n}\n',
      findings: [{ startLine: 7, startColumn: 15, endLine: 7, endColumn: 77, message: 'Model output reaches dangerouslySetInnerHTML' }],
    },
    {
      name: 'a useChat result kept whole: its messages are model output',
      path: 'Chat.jsx',
      content:
        'import { useChat } from "ai/react";\nexport function Chat() {\n  const chat = useChat();\n  return <div dangerouslySetInnerHTML={{ __html: chat.messages[0].content }} />;\n}\n',
      findings: [{ startLine: 4, startColumn: 15, endLine: 4, endColumn: 77, message: 'Model output reaches dangerouslySetInnerHTML' }],
    },
    {
      name: 'useCompletion completion',
      path: 'Completion.tsx',
      content:
        'import { useCompletion as useAiCompletion } from "ai/react";\nexport function Completion() {\n  const { completion } = useAiCompletion({ api: "/api/completion" });\n  return <div dangerouslySetInnerHTML={{ __html: marked(completion) }} />;\n}\n',
      findings: [{ startLine: 4, startColumn: 15, endLine: 4, endColumn: 71 }],
    },
    {
      name: 'a promise callback writes the output',
      path: 'page.js',
      content: 'function show(model, el, q) {\n  model.invoke(q).then((m) => {\n    el.innerHTML = m.content;\n  });\n}\n',
      findings: [{ startLine: 3, startColumn: 5, endLine: 3, endColumn: 29, message: 'Model output reaches innerHTML' }],
    },
    {
      name: 'a promise callback with an array pattern receives the output',
      path: 'page.js',
      content:
        'function show(model, el, q) {\n  Promise.all([model.invoke(q), fetch("/x")]).then(([answer, page]) => {\n    el.innerHTML = answer.content;\n  });\n}\n',
      findings: [{ startLine: 3, startColumn: 5, endLine: 3, endColumn: 34 }],
    },
    {
      name: 'a rest parameter receives the output',
      path: 'page.js',
      content:
        'async function show(model, el, q) {\n  const reply = (await model.invoke(q)).content;\n  function log(...parts) {\n    el.innerHTML = parts.join(" ");\n  }\n  log("<b>", reply);\n}\n',
      findings: [{ startLine: 4, startColumn: 5, endLine: 4, endColumn: 35 }],
    },
    {
      name: 'a prop named for model output read in a callback nested in the component',
      path: 'Legacy.tsx',
      content:
        'export function Legacy({ llmOutput }: { llmOutput: string }) {\n  const ref = (el: HTMLDivElement | null) => {\n    if (el) el.innerHTML = llmOutput;\n  };\n  return <div ref={ref} />;\n}\n',
      findings: [{ startLine: 3, startColumn: 13, endLine: 3, endColumn: 37, message: 'Model output reaches innerHTML' }],
    },
    {
      name: 'a component prop whose name says it carries model output',
      path: 'Answer.tsx',
      content:
        'export function Answer({ llmResponse }: { llmResponse: string }) {\n  return <div dangerouslySetInnerHTML={{ __html: llmResponse }} />;\n}\n',
      findings: [{ startLine: 2, startColumn: 15, endLine: 2, endColumn: 64, message: 'Model output reaches dangerouslySetInnerHTML' }],
    },
    {
      name: 'props.completion in a memo-wrapped arrow component',
      path: 'Answer.jsx',
      content: 'export const Answer = memo((props) => <div dangerouslySetInnerHTML={{ __html: props.completion }} />);\n',
      findings: [{ startLine: 1, startColumn: 44, endLine: 1, endColumn: 98 }],
    },
    {
      name: 'model output passed as a JSX prop to a component in the same file',
      path: 'Chat.jsx',
      content:
        'function Bubble({ text }) {\n  return <p dangerouslySetInnerHTML={{ __html: text }} />;\n}\nexport async function Chat({ client }) {\n  const r = await client.chat.completions.create({ model: "m", messages: [] });\n  return <Bubble text={r.choices[0].message.content} />;\n}\n',
      findings: [{ startLine: 2, startColumn: 13, endLine: 2, endColumn: 55 }],
    },
    {
      name: 'React state set from a chat call in an event handler',
      path: 'Chat.jsx',
      content:
        'export function Chat({ client }) {\n  const [answer, setAnswer] = useState("");\n  async function ask(q) {\n    const r = await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: q }] });\n    setAnswer(r.choices[0].message.content);\n  }\n  return <div dangerouslySetInnerHTML={{ __html: answer }} />;\n}\n',
      findings: [{ startLine: 7, startColumn: 15, endLine: 7, endColumn: 59 }],
    },
    {
      name: 'through a helper that returns model output and one that renders its parameter',
      path: 'app.py',
      content:
        'from flask import render_template_string\n\ndef ask(llm, q):\n    return llm.invoke(q).content\n\ndef render(page):\n    return render_template_string(page)\n\ndef view(llm):\n    return render(ask(llm, "make a page"))\n',
      findings: [{ startLine: 7, startColumn: 12, endLine: 7, endColumn: 40, message: 'Model output reaches render_template_string()' }],
    },
    {
      path: 'chat.ts',
      content:
        'export async function show(openai: any, el: HTMLElement, q: string) {\n  const r = await openai.chat.completions.create({ model: "gpt-4o", messages: [] });\n  el.innerHTML = r.choices[0].message.content;\n}\n',
      findings: [{ startLine: 3, startColumn: 3, endLine: 3, endColumn: 46, message: 'Model output reaches innerHTML' }],
    },
    {
      name: 'React dangerouslySetInnerHTML',
      path: 'Answer.tsx',
      content:
        'export async function Answer({ llm }: any) {\n  const answer = await llm.invoke("hi");\n  return <div dangerouslySetInnerHTML={{ __html: answer.content }} />;\n}\n',
      findings: [{ startLine: 3, startColumn: 15, endLine: 3, endColumn: 67, message: 'Model output reaches dangerouslySetInnerHTML' }],
    },
    {
      name: 'Flask render_template_string',
      path: 'app.py',
      content:
        'from flask import render_template_string\n\ndef page(llm):\n    html = llm.invoke("make a page").content\n    return render_template_string(html)\n',
      findings: [{ startLine: 5, startColumn: 12, endLine: 5, endColumn: 40, message: 'Model output reaches render_template_string()' }],
    },
  ],
});

// HTML sanitisers clear HTML sinks only, and only the sanitisers of libraries.
testRule(rule, {
  valid: [
    {
      name: "markupsafe's escape imported bare before Markup",
      path: 'views.py',
      content:
        'from markupsafe import Markup, escape\ndef page(llm, q):\n    text = llm.invoke(q).content\n    return Markup("<p>%s</p>" % escape(text))\n',
    },
  ],
  invalid: [
    {
      name: 'html.escape does not escape a Jinja template',
      path: 'page.py',
      content:
        'import html, jinja2\ndef page(llm, q):\n    text = llm.invoke(q).content\n    return jinja2.Template("<p>" + html.escape(text) + "</p>").render()\n',
      findings: [{ startLine: 4, startColumn: 12, endLine: 4, endColumn: 63, message: 'Model output reaches jinja2.Template()' }],
    },
    {
      name: 'html.escape does not escape render_template_string',
      path: 'page.py',
      content:
        'import html\nfrom flask import render_template_string\ndef page(llm, q):\n    text = llm.invoke(q).content\n    return render_template_string("<p>" + html.escape(text) + "</p>")\n',
      findings: [{ startLine: 5, startColumn: 12, endLine: 5, endColumn: 70, message: 'Model output reaches render_template_string()' }],
    },
    {
      name: "a function of the file's own named sanitize",
      path: 'show.js',
      content:
        "const sanitize = (s) => s.replace(/```html|```/g, '').trim();\nexport async function show(openai, el, q) {\n  const r = await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: q }] });\n  el.innerHTML = sanitize(r.choices[0].message.content);\n}\n",
      findings: [{ startLine: 4, startColumn: 3, endLine: 4, endColumn: 56, message: 'Model output reaches innerHTML' }],
    },
    {
      name: 're.escape is not an HTML escaper',
      path: 'page.py',
      content:
        'from re import escape\nfrom markupsafe import Markup\ndef page(llm, q):\n    text = llm.invoke(q).content\n    return Markup(escape(text))\n',
      findings: [{ startLine: 5, startColumn: 12, endLine: 5, endColumn: 32, message: 'Model output reaches Markup()' }],
    },
  ],
});
