import { describe, expect, it } from 'vitest';
import { testRule } from '../../testing/rule-tester.js';
import { gguf } from './lib/builders/formats-builder.js';
import rule from './gguf-chat-template-injection.js';
import { findTemplateInjection } from './lib/jinja.js';

const LLAMA3 =
  "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";
const MISTRAL =
  "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token}}{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}";
const QWEN_TOOLS =
  "{%- set ns = namespace(multi_step_tool=true, last_query_index=messages|length - 1) %}{%- for message in messages[::-1] %}{%- set index = (messages|length - 1) - loop.index0 %}{%- if ns.multi_step_tool and message.role == \"user\" %}{%- set ns.multi_step_tool = false %}{%- set ns.last_query_index = index %}{%- endif %}{%- endfor %}{%- for tool in tools %}{{- \"\\n\" }}{{- tool | tojson }}{%- endfor %}{{- '<|im_start|>' + message.role + '\\n' + message.content.split('</think>')[-1].lstrip('\\n') + '<|im_end|>' }}";
const CVE_2024_34359 =
  '{% for x in ().__class__.__base__.__subclasses__() %}{% if "warning" in x.__name__ %}{{x()._module.__builtins__[\'__import__\'](\'os\').popen("touch /tmp/retr0reg")}}{%endif%}{% endfor %}';

const file = (value: string, arch = 'llama') =>
  gguf({
    'general.architecture': { type: 'string', value: arch },
    'tokenizer.ggml.tokens': { type: 'strings', value: ['<s>', '</s>', 'a'] },
    'tokenizer.chat_template': { type: 'string', value },
  });
// GGUF header (24) + architecture kv (8 + 20 + 4 + 8 + len) + tokens kv (8 + 20 + 4 + 4 + 8 + 3 strings) + template key (8 + 23 + 4 + 8).
const templateOffset = (arch = 'llama') =>
  24 + (8 + 20 + 4 + 8 + arch.length) + (8 + 21 + 4 + 4 + 8 + (8 + 3) + (8 + 4) + (8 + 1)) + (8 + 23 + 4 + 8);
const at = (start: number, end: number) => ({ startLine: 1, startColumn: start + 1, endLine: 1, endColumn: end + 1 });

testRule(rule, {
  valid: [
    { name: 'Llama 3 template', path: 'llama.gguf', content: file(LLAMA3) },
    { name: 'Mistral template', path: 'mistral.gguf', content: file(MISTRAL) },
    { name: 'Qwen template with namespace() and tools', path: 'qwen.gguf', content: file(QWEN_TOOLS, 'qwen2') },
    { name: 'no template at all', path: 'x.gguf', content: gguf({ 'general.architecture': { type: 'string', value: 'llama' } }) },
  ],
  invalid: [
    {
      name: 'CVE-2024-34359 proof of concept',
      path: 'model.gguf',
      content: file(CVE_2024_34359),
      findings: [
        {
          ...at(templateOffset() + 15, templateOffset() + 24),
          evidence: '__class__',
          message:
            /^Chat template tokenizer\.chat_template reaches Python internals \(__class__\); reaches Python internals \(__base__\); reaches Python internals \(__subclasses__\); and \d more$/,
        },
      ],
    },
    {
      name: 'attributes of Jinja globals (cycler) and the attr filter',
      path: 'model.gguf',
      content: file("{{ cycler.__init__ }}{{ joiner|attr('_'~'_init_'~'_') }}"),
      findings: [{ ...at(templateOffset() + 3, templateOffset() + 18), evidence: 'cycler.__init__' }],
    },
    {
      name: 'multi-byte characters before the construct shift the byte offset',
      path: 'model.gguf',
      content: file('héllo {{ lipsum.__globals__ }}'),
      findings: [{ ...at(templateOffset() + 10, templateOffset() + 28), evidence: 'lipsum.__globals__' }],
    },
  ],
});

describe('chat template analysis', () => {
  it('catches obfuscated names', () => {
    expect(findTemplateInjection("{{ x|attr('\\x5f\\x5fclass\\x5f\\x5f') }}").map((h) => h.reason)).toEqual([
      'uses the attr filter, which reads arbitrary attributes by computed name',
      'spells underscores with escape sequences (obfuscated attribute name)',
    ]);
    expect(findTemplateInjection('{{ self._TemplateReference__context }}')[0].reason).toMatch(/self global/);
    expect(findTemplateInjection("{{ request['application']['__globals__'] }}")[0].reason).toMatch(/string/);
  });
  it('ignores text outside blocks and is linear on adversarial input', () => {
    expect(findTemplateInjection('__class__ {{ message.content }}')).toEqual([]);
    expect(findTemplateInjection('{{' + "'".repeat(100_001) + ' a.b'.repeat(100_000))).toEqual([]);
    expect(findTemplateInjection('{%'.repeat(100_000))).toEqual([]);
  });
});
