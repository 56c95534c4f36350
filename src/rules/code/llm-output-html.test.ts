import { testRule } from '../../testing/rule-tester.js';
import rule from './llm-output-html.js';

testRule(rule, {
  valid: [
    {
      name: 'textContent',
      path: 'chat.ts',
      content: 'export async function show(openai: any, el: any) {\n  const r = await openai.chat.completions.create({ model: "m" });\n  el.textContent = r.choices[0].message.content;\n}\n',
    },
    { name: 'sanitised', path: 'chat.ts', content: 'export async function show(openai: any, el: any) {\n  const r = await openai.chat.completions.create({ model: "m" });\n  el.innerHTML = "<b>done</b>";\n}\n' },
    { name: 'render_template with a file', path: 'app.py', content: 'def f(llm):\n    a = llm.invoke("x")\n    return render_template("answer.html", answer=a)\n' },
  ],
  invalid: [
    {
      path: 'chat.ts',
      content: 'export async function show(openai: any, el: HTMLElement, q: string) {\n  const r = await openai.chat.completions.create({ model: "gpt-4o", messages: [] });\n  el.innerHTML = r.choices[0].message.content;\n}\n',
      findings: [{ startLine: 3, startColumn: 3, endLine: 3, endColumn: 46, message: 'Model output reaches innerHTML' }],
    },
    {
      name: 'React dangerouslySetInnerHTML',
      path: 'Answer.tsx',
      content: 'export async function Answer({ llm }: any) {\n  const answer = await llm.invoke("hi");\n  return <div dangerouslySetInnerHTML={{ __html: answer.content }} />;\n}\n',
      findings: [{ startLine: 3, startColumn: 15, endLine: 3, endColumn: 67, message: 'Model output reaches dangerouslySetInnerHTML' }],
    },
    {
      name: 'Flask render_template_string',
      path: 'app.py',
      content: 'from flask import render_template_string\n\ndef page(llm):\n    html = llm.invoke("make a page").content\n    return render_template_string(html)\n',
      findings: [{ startLine: 5, startColumn: 12, endLine: 5, endColumn: 40, message: 'Model output reaches render_template_string()' }],
    },
  ],
});
