import { testRule } from '../../testing/rule-tester.js';
import rule from './request-data-in-system-prompt.js';

testRule(rule, {
  valid: [
    {
      name: 'the length of a list request data was pushed to',
      path: 'route.js',
      content:
        'export async function POST(req) {\n  const body = await req.json();\n  const turns = [];\n  turns.push({ role: "user", content: body.q });\n  const system = `You are helpful. ${turns.length > 5 ? "Be brief." : ""}`;\n  return openai.chat.completions.create({ model: "gpt-4o", max_tokens: 100, messages: [{ role: "system", content: system }, ...turns] });\n}\n',
    },
    {
      name: 'request data only in the user message',
      path: 'app.py',
      content:
        '@app.post("/chat")\ndef chat():\n    msgs = [{"role": "system", "content": "You are helpful."}, {"role": "user", "content": request.json["q"]}]\n    return msgs\n',
    },
    {
      name: 'system prompt from config',
      path: 'app.ts',
      content:
        'app.post("/chat", async (req, res) => {\n  const messages = [{ role: "system", content: SYSTEM_PROMPT }, { role: "user", content: req.body.q }];\n});\n',
    },
  ],
  invalid: [
    {
      name: 'request data handed to a helper that builds the system prompt',
      path: 'app.py',
      content:
        'def build(persona):\n    return [{"role": "system", "content": f"You are {persona}."}]\n\n@app.post("/chat")\ndef chat():\n    return build(request.json["persona"])\n',
      findings: [{ startLine: 2, startColumn: 43, endLine: 2, endColumn: 64 }],
    },
    {
      path: 'app.py',
      content:
        '@app.post("/chat")\ndef chat():\n    persona = request.json["persona"]\n    msgs = [{"role": "system", "content": f"You are {persona}."}]\n    return msgs\n',
      findings: [{ startLine: 4, startColumn: 43, endLine: 4, endColumn: 64, message: 'Request data reaches the system prompt' }],
    },
    {
      name: 'FastAPI parameter into Anthropic system=',
      path: 'api.py',
      content:
        '@router.get("/ask")\nasync def ask(q: str, tone: str):\n    return await anthropic.messages.create(model="claude", max_tokens=300, system="Answer in a " + tone + " tone.", messages=[{"role": "user", "content": q}])\n',
      findings: [{ startLine: 3, startColumn: 83, endLine: 3, endColumn: 115 }],
    },
    {
      name: 'Express handler',
      path: 'server.js',
      content:
        'app.post("/chat", async (req, res) => {\n  const messages = [{ role: "system", content: `Act as ${req.body.role}` }];\n  res.json(await openai.chat.completions.create({ model: "m", messages, max_tokens: 100 }));\n});\n',
      findings: [{ startLine: 2, startColumn: 48, endLine: 2, endColumn: 73 }],
    },
  ],
});
