import { testRule } from '../../testing/rule-tester.js';
import rule from './completion-without-max-tokens.js';

testRule(rule, {
  valid: [
    {
      name: 'bounded',
      path: 'app.py',
      content: '@app.post("/s")\ndef s():\n    return client.chat.completions.create(model="m", max_tokens=100, messages=[])\n',
    },
    {
      name: 'not in a handler (batch job)',
      path: 'job.py',
      content: 'def main():\n    return client.chat.completions.create(model="m", messages=[])\n',
    },
    {
      name: 'JS bounded',
      path: 'r.ts',
      content: 'export async function POST(req: Request) {\n  return generateText({ model, prompt: "x", maxTokens: 200 });\n}\n',
    },
  ],
  invalid: [
    {
      path: 'app.py',
      content: '@app.post("/summarise")\ndef summarise():\n    return client.chat.completions.create(model="gpt-4o", messages=[])\n',
      findings: [
        {
          startLine: 3,
          startColumn: 12,
          endLine: 3,
          endColumn: 71,
          severity: 'low',
          message: 'create() in a request handler has no max-tokens bound',
        },
      ],
    },
    {
      name: 'Next.js route handler and Express',
      path: 'route.ts',
      content:
        'export async function POST(req: Request) {\n  return streamText({ model, prompt: "x" });\n}\napp.get("/a", async (req, res) => {\n  res.json(await openai.responses.create({ model: "m", input: req.query.q }));\n});\n',
      findings: [
        { startLine: 2, startColumn: 10, endLine: 2, endColumn: 44 },
        { startLine: 5, startColumn: 18, endLine: 5, endColumn: 77 },
      ],
    },
  ],
});
