#!/usr/bin/env node
// Gateway guardrails micro-benchmark: the CPU each guardrail adds to one request or response in
// `sanctum gateway`, measured call by call in this process (no network): guardRequest on small and
// medium chat requests, guardResponse on a small answer, and the stream guard's cost for the first
// token and per streamed event. The gateway's budget is ≤ 2 ms added p99 at 1,000 requests/s, so a
// small request should be guarded in well under 1 ms.
// Usage: node bench/gateway-guardrails.mjs   (prints a Markdown section; needs dist/: npm run build)
//        import { runGatewayGuardrailsBench } from './gateway-guardrails.mjs'
import os from 'node:os';
import { TextEncoder } from 'node:util';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');

function percentiles(samples) {
  const s = Float64Array.from(samples).sort();
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { p50: at(0.5), p99: at(0.99), max: s[s.length - 1] };
}

/** Per-call wall times in microseconds, and the mean CPU time per call (immune to the scheduler), after a warm-up of a tenth of the runs. */
function measure(n, fn) {
  for (let i = 0; i < n / 10; i++) fn(i);
  const out = new Float64Array(n);
  const cpu = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    fn(i);
    out[i] = Number(process.hrtime.bigint() - t) / 1000;
  }
  const used = process.cpuUsage(cpu);
  return { ...percentiles(out), cpu: (used.user + used.system) / n };
}

const sentence = 'Our vLLM deployment returns 503 under load; the pods restart every few minutes and the HPA never scales. ';

export async function runGatewayGuardrailsBench() {
  const g = await import(pathToFileURL(join(root, 'dist/gateway/guardrails/index.js')).href);
  const { fakes } = await import(pathToFileURL(join(root, 'dist/rules/secrets/lib/fakes.js')).href);
  const defaults = g.guardrailSettingsSchema.parse({});
  const strict = g.guardrailSettingsSchema.parse({
    injection: 'block',
    pii: { classes: [...g.PII_CLASSES] },
    exfiltration: { allowedDomains: ['example.com'] },
    tools: { allowed: ['search'] },
  });
  const noEmail = g.guardrailSettingsSchema.parse({ pii: { classes: ['credit-card', 'iban', 'us-ssn'] } });

  const small = {
    model: 'llama-3.1-8b',
    messages: [
      { role: 'system', content: 'You are a helpful assistant for the platform team.' },
      { role: 'user', content: 'How do I restrict which pods can reach my model server?' },
    ],
  };
  const medium = {
    model: 'llama-3.1-8b',
    messages: [
      { role: 'system', content: 'You are a helpful assistant for the platform team. Answer briefly.' },
      ...Array.from({ length: 8 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: sentence.repeat(4) })),
      { role: 'tool', tool_call_id: 'c1', content: sentence.repeat(8) },
    ],
  };
  const withSecret = {
    ...small,
    messages: [
      small.messages[0],
      { role: 'user', content: `Why does this fail? client = OpenAI(api_key="${fakes.openaiProject('bench')}")` },
    ],
  };
  const answer = {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    model: 'llama-3.1-8b',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: sentence.repeat(3) + 'See ![chart](https://docs.example.com/c.png).' },
        finish_reason: 'stop',
      },
    ],
  };
  const tool = (i) => ({
    type: 'function',
    function: {
      name: `lookup_${i}`,
      description: `Looks up records of kind ${i} in the catalogue and returns them as JSON.`,
      parameters: {
        type: 'object',
        properties: Object.fromEntries(
          Array.from({ length: 4 }, (_, j) => [`p${j}`, { type: 'string', description: `Filter ${j}: a name, an identifier or a date.` }]),
        ),
        required: ['p0'],
      },
    },
  });
  const agent = {
    model: 'llama-3.1-8b',
    messages: [small.messages[0], { role: 'user', content: 'Find the orders of customer 42 placed last week.' }],
    tools: Array.from({ length: 8 }, (_, i) => tool(i)),
  };
  // as the proxy sees them: every request parsed afresh (no string of one request is reused by the next)
  const agentText = JSON.stringify(agent);
  const agents = Array.from({ length: 5_501 }, () => JSON.parse(agentText)); // the warm-up and the 5,000 measured calls
  let nextAgent = 0;
  const chars = (b) => JSON.stringify(b).length;

  const N = 20_000;
  const rows = [
    [
      `guardRequest, small chat request (${chars(small)} B), defaults`,
      measure(N, () => g.guardRequest('chat.completions', small, defaults)),
    ],
    [
      `guardRequest, small chat request, every guardrail on (all PII classes, injection block)`,
      measure(N, () => g.guardRequest('chat.completions', small, strict)),
    ],
    [
      `guardRequest, small request with an API key (redacted copy)`,
      measure(N, () => g.guardRequest('chat.completions', withSecret, defaults)),
    ],
    [
      `guardRequest, 10-message request (${chars(medium)} B), defaults`,
      measure(N / 4, () => g.guardRequest('chat.completions', medium, defaults)),
    ],
    [
      `guardRequest, agent request with 8 tools of 4 described parameters (${chars(agent)} B), defaults`,
      measure(N / 4, () => g.guardRequest('chat.completions', agents[nextAgent++ % agents.length], defaults)),
    ],
    [
      `guardResponse, small answer (${chars(answer)} B) with an image link, every guardrail on`,
      measure(N, () => g.guardResponse('chat.completions', answer, strict)),
    ],
  ];

  const enc = new TextEncoder();
  const head = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1764900000, model: 'llama-3.1-8b' };
  const event = (content) =>
    enc.encode(
      `data: ${JSON.stringify({ ...head, choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }] })}\n\n`,
    );
  const role = enc.encode(
    `data: ${JSON.stringify({ ...head, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] })}\n\n`,
  );
  const first = event('Network');
  const tokens = sentence.repeat(20).split(/(?= )/).map(event);
  for (const [label, s] of [
    ['secrets, card numbers, IBANs, SSNs, exfiltration', noEmail],
    ['defaults (emails too: a word that may become an address is held)', defaults],
  ]) {
    rows.push([
      `stream guard, first content event (${label})`,
      measure(N, () => {
        const guard = g.createStreamGuard('chat.completions', s);
        guard.push(role);
        return guard.push(first);
      }),
    ]);
    let guard = g.createStreamGuard('chat.completions', s);
    rows.push([
      `stream guard, per token event in a ${tokens.length}-token answer (${label})`,
      measure(N, (i) => {
        if (i % tokens.length === 0) guard = g.createStreamGuard('chat.completions', s);
        guard.push(tokens[i % tokens.length]);
      }),
    ]);
  }

  const us = (v) => (v < 10 ? v.toFixed(1) : v.toFixed(0)) + ' µs';
  const load = os.loadavg()[0];
  return (
    `## Gateway guardrails\n\nCPU time each guardrail adds, per call, measured in one process with no network (\`bench/gateway-guardrails.mjs\`, ${N.toLocaleString('en')} calls per row after a warm-up; ` +
    `the stream rows time \`push()\` of one event). The machine is shared (2 cores, 1-minute load ${load.toFixed(1)}): wall-time tails there are the scheduler's (a descheduled process waits milliseconds), so the mean CPU time per call is the figure to compare.\n\n` +
    `| work | CPU per call (mean) | wall p50 | wall p99 | wall max |\n| --- | ---: | ---: | ---: | ---: |\n` +
    rows.map(([name, r]) => `| ${name} | ${us(r.cpu)} | ${us(r.p50)} | ${us(r.p99)} | ${us(r.max)} |`).join('\n') +
    `\n\nBudget context: the gateway may add ≤ 2 ms p99 at 1,000 requests/s and ≤ 1 ms to the first streamed token; the proxy's own figures are in the gateway section.\n`
  );
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) console.log(await runGatewayGuardrailsBench());
