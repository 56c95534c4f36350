import { defineRule } from '../../core/rule.js';
import { spanOf, type CodeDocument } from '../../parsers/code/code-document.js';
import { Flow, TOOL_INPUT_DOC } from './lib/flow.js';
import { codeExecutionSinks, reportModelOutputAt } from './lib/sinks.js';
import { flavorOf, mentions } from './lib/syntax.js';

export default defineRule<CodeDocument>({
  meta: {
    id: 'LLM-0010',
    slug: 'llm-output-code-execution',
    title: 'Model output executed as code',
    severity: 'critical',
    scanner: 'code',
    appliesTo: ['code-python', 'code-js'],
    frameworks: [
      { id: 'owasp-llm-2025', control: 'LLM05' },
      { id: 'mitre-atlas', control: 'AML.T0050' },
    ],
    rationale:
      'Text produced by a model is attacker-influenced: a prompt injection in any document, web page or user message the model reads can make it emit code. Passing that text to `eval`, `exec`, `compile`, `new Function` or `vm.run*` runs it with the full rights of the application (CWE-94).' +
      ` ${TOOL_INPUT_DOC}`,
    remediation:
      'Never execute model output. Have the model return structured data (JSON validated against a schema) and map it to a fixed set of actions; if generated code must run, run it in an isolated sandbox (separate container or microVM, no credentials, no network).',
    references: ['https://genai.owasp.org/llmrisk/llm052025-improper-output-handling/', 'https://cwe.mitre.org/data/definitions/94.html'],
    examples: {
      bad: [
        {
          path: 'agent.py',
          content:
            'from openai import OpenAI\nclient = OpenAI()\n\ndef solve(question):\n    resp = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": question}])\n    code = resp.choices[0].message.content\n    return eval(code)\n',
        },
      ],
      good: [
        {
          path: 'agent.py',
          content:
            'import json\nfrom openai import OpenAI\nclient = OpenAI()\n\ndef solve(question):\n    resp = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": question}])\n    return json.loads(resp.choices[0].message.content)\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    if (
      !mentions(doc.text, [
        'eval',
        'exec',
        'compile',
        'Function',
        'vm.',
        'runIn',
        'setTimeout',
        'setInterval',
        'repl',
        'REPL',
        'interpreter',
        'runsource',
        'runcode',
      ])
    )
      return;
    const flavor = flavorOf(doc);
    reportModelOutputAt(codeExecutionSinks(doc.root, flavor), Flow.of(doc, 'llm'), (sink) =>
      ctx.report({ message: `Model output reaches ${sink.what}`, at: spanOf(sink.node) }),
    );
  },
});
