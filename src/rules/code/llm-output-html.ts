import { defineRule } from '../../core/rule.js';
import { spanOf, type CodeDocument } from '../../parsers/code/code-document.js';
import { Flow, TOOL_INPUT_DOC } from './lib/flow.js';
import { htmlSinks, reportModelOutputAt } from './lib/sinks.js';
import { flavorOf, hasJsx, mentions } from './lib/syntax.js';

export default defineRule<CodeDocument>({
  meta: {
    id: 'LLM-0013',
    slug: 'llm-output-html',
    title: 'Model output rendered as HTML or a template',
    severity: 'high',
    scanner: 'code',
    appliesTo: ['code-python', 'code-js'],
    frameworks: [{ id: 'owasp-llm-2025', control: 'LLM05' }],
    rationale:
      'Model output written into a page unescaped (`innerHTML`, `dangerouslySetInnerHTML`, `Markup`) runs script in the user’s browser (CWE-79); passed to `render_template_string`, a Jinja `Template` or `Environment.from_string` it is a server-side template injection that can run code on the server (CWE-1336). Prompt injection makes both reachable. Output passed through an HTML sanitiser or escaper of a library (DOMPurify, sanitize-html, xss/filterXSS, escape-html, he, lodash/validator escape; bleach.clean, nh3.clean, html.escape, markupsafe/flask escape) is not reported before HTML sinks; a function of the file’s own of the same name is followed, not trusted. Before a template it is still reported: escaping HTML leaves `{{ }}` intact.' +
      ` ${TOOL_INPUT_DOC}`,
    remediation:
      'Render model output as text (`textContent`, JSX text, auto-escaped templates); if Markdown or HTML is needed, convert it and sanitise the result with an allow-list sanitiser (DOMPurify, bleach/nh3) before inserting it. Never use model output as a template, escaped or not: pass it to a fixed template as a variable (`render_template_string(TEMPLATE, answer=text)`) or render it in a `SandboxedEnvironment`.',
    references: [
      'https://genai.owasp.org/llmrisk/llm052025-improper-output-handling/',
      'https://cwe.mitre.org/data/definitions/79.html',
      'https://cwe.mitre.org/data/definitions/1336.html',
    ],
    examples: {
      bad: [
        {
          path: 'chat.ts',
          content:
            'export async function show(openai: any, el: HTMLElement, q: string) {\n  const r = await openai.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: q }] });\n  el.innerHTML = r.choices[0].message.content;\n}\n',
        },
      ],
      good: [
        {
          path: 'chat.ts',
          content:
            'export async function show(openai: any, el: HTMLElement, q: string) {\n  const r = await openai.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: q }] });\n  el.textContent = r.choices[0].message.content;\n}\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    if (
      !mentions(doc.text, [
        'innerHTML',
        'outerHTML',
        'dangerouslySetInnerHTML',
        'insertAdjacentHTML',
        'document.write',
        'render_template_string',
        'Markup',
        'jinja2',
      ])
    )
      return;
    const flavor = flavorOf(doc);
    const jinja = {
      template: /\bfrom\s+jinja2\s+import\b[^\n]*\bTemplate\b/.test(doc.text),
      fromString: doc.text.includes('jinja2') && !doc.text.includes('SandboxedEnvironment'),
    };
    // HTML sanitisers clear HTML sinks only: escaped text compiled as a template still runs its `{{ }}`.
    const sanitised = Flow.of(doc, 'llm', 'html');
    const plain = Flow.of(doc, 'llm');
    reportModelOutputAt(
      htmlSinks(doc.root, flavor, hasJsx(doc), jinja),
      { reaches: (value, sink) => (sink.kind === 'template' ? plain : sanitised).reaches(value) },
      (sink) => ctx.report({ message: `Model output reaches ${sink.what}`, at: spanOf(sink.node) }),
    );
  },
});
