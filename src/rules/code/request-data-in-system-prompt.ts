import { defineRule } from '../../core/rule.js';
import { spanOf, type CodeDocument } from '../../parsers/code/code-document.js';
import { Flow } from './lib/flow.js';
import { systemPrompts } from './lib/prompts.js';
import { flavorOf, isConstant } from './lib/syntax.js';

export default defineRule<CodeDocument>({
  meta: {
    id: 'LLM-0030',
    slug: 'request-data-in-system-prompt',
    title: 'Request data interpolated into the system prompt',
    severity: 'high',
    scanner: 'code',
    appliesTo: ['code-python', 'code-js'],
    frameworks: [
      { id: 'owasp-llm-2025', control: 'LLM01' },
      { id: 'mitre-atlas', control: 'AML.T0051' },
    ],
    rationale:
      'The system prompt carries the application’s instructions and the most trust. Putting request data (query parameters, form fields, JSON bodies) into it hands the caller the instruction channel: a direct prompt injection that overrides the guardrails.',
    remediation:
      'Keep the system prompt constant. Pass user input only in `user` messages, delimited and labelled as data, and enforce permissions outside the model.',
    references: ['https://genai.owasp.org/llmrisk/llm01-prompt-injection/', 'https://atlas.mitre.org/techniques/AML.T0051'],
    examples: {
      bad: [
        {
          path: 'app.py',
          content:
            'from flask import Flask, request\napp = Flask(__name__)\n\n@app.post("/chat")\ndef chat():\n    persona = request.json["persona"]\n    msgs = [{"role": "system", "content": f"You are {persona}."}, {"role": "user", "content": request.json["q"]}]\n    return client.chat.completions.create(model="gpt-4o", messages=msgs, max_tokens=500)\n',
        },
      ],
      good: [
        {
          path: 'app.py',
          content:
            'from flask import Flask, request\napp = Flask(__name__)\n\n@app.post("/chat")\ndef chat():\n    msgs = [{"role": "system", "content": "You are a support assistant."}, {"role": "user", "content": request.json["q"]}]\n    return client.chat.completions.create(model="gpt-4o", messages=msgs, max_tokens=500)\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    if (
      !/system|instructions|SystemMessage/.test(doc.text) ||
      !/req|params|query|body|@\w+\.(?:get|post|put|patch|delete|route|api_route|websocket)\b/.test(doc.text)
    )
      return;
    const flavor = flavorOf(doc);
    const flow = Flow.of(doc, 'request');
    for (const content of systemPrompts(doc.root, flavor)) {
      if (!isConstant(content) && flow.reaches(content))
        ctx.report({ message: 'Request data reaches the system prompt', at: spanOf(content) });
    }
  },
});
