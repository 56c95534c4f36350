import { testRule } from '../../testing/rule-tester.js';
import rule from './chat-template-injection.js';

const LLAMA3 =
  "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";
const CVE_2024_34359 =
  '{% for x in ().__class__.__base__.__subclasses__() %}{% if "warning" in x.__name__ %}{{x()._module.__builtins__[\'__import__\'](\'os\').popen("touch /tmp/retr0reg")}}{%endif%}{% endfor %}';

const config = (chatTemplate: unknown) =>
  JSON.stringify({ add_bos_token: true, bos_token: '<s>', chat_template: chatTemplate, model_max_length: 8192 }, null, 2) + '\n';

testRule(rule, {
  valid: [
    { name: 'the Llama 3 template', path: 'llama/tokenizer_config.json', content: config(LLAMA3) },
    { name: 'no template', path: 'bert/tokenizer_config.json', content: '{"do_lower_case": true}\n' },
    {
      name: 'named templates, all benign',
      path: 'm/tokenizer_config.json',
      content: config([
        { name: 'default', template: LLAMA3 },
        { name: 'tool_use', template: '{{ tools | tojson }}' },
      ]),
    },
    {
      name: 'a benign chat_template.jinja',
      path: 'm/chat_template.jinja',
      content: "{% for m in messages %}{{ m['content'] }}\n{% endfor %}\n",
    },
    { name: 'another JSON file is not read', path: 'm/config.json', content: config(CVE_2024_34359) },
  ],
  invalid: [
    {
      name: 'CVE-2024-34359 payload in tokenizer_config.json: located inside the escaped JSON string',
      path: 'model/tokenizer_config.json',
      content: config(CVE_2024_34359),
      findings: [{ startLine: 4, startColumn: 36, endLine: 4, endColumn: 45, severity: 'critical', objectPath: '/chat_template' }],
    },
    {
      name: 'one of the named templates',
      path: 'model/tokenizer_config.json',
      content: config([
        { name: 'default', template: LLAMA3 },
        { name: 'rag', template: "{{ cycler.__init__.__globals__.os.popen('id').read() }}" },
      ]),
      findings: [
        {
          startLine: 11,
          startColumn: 23,
          endLine: 11,
          endColumn: 38,
          message: /^The chat template 'rag' /,
          objectPath: '/chat_template/1/template',
        },
      ],
    },
    {
      name: 'a template of many statement blocks and no expression block is read in one pass (each block looked for the next {{ from its start to the end)',
      path: 'model/chat_template.jinja',
      content: '{% if x %}'.repeat(300_000) + '\n{% set g = lipsum.__globals__ %}\n',
      findings: [{ startLine: 2, startColumn: 12, endLine: 2, endColumn: 30 }],
    },
    {
      name: 'chat_template.jinja as newer transformers save it',
      path: 'model/chat_template.jinja',
      content: "{% for m in messages %}\n{{ lipsum.__globals__['os'].popen('id').read() }}\n{% endfor %}\n",
      findings: [{ startLine: 2, startColumn: 4, endLine: 2, endColumn: 22 }],
    },
  ],
});
