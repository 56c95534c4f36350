import { testRule } from '../../testing/rule-tester.js';
import { B64, B64URL, fake, fakes } from './lib/fakes.js';
import rule from './llm-provider-api-key.js';

const cases: Array<[string, string, string]> = [
  ['Replicate API token', 'REPLICATE_API_TOKEN', fakes.replicate()],
  ['Groq API key', 'GROQ_API_KEY', fakes.groq()],
  ['Perplexity API key', 'PPLX_API_KEY', fakes.perplexity()],
  ['xAI API key', 'XAI_API_KEY', fakes.xai()],
  ['Fireworks AI API key', 'FIREWORKS_API_KEY', fakes.fireworks()],
  ['NVIDIA API key', 'NVIDIA_API_KEY', fakes.nvidia()],
  ['Cohere API key', 'COHERE_API_KEY', fakes.cohere()],
  ['Cohere API key', 'CO_API_KEY', fakes.cohere('co2')],
  ['Mistral AI API key', 'MISTRAL_API_KEY', fakes.mistral()],
  ['DeepSeek API key', 'DEEPSEEK_API_KEY', fakes.deepseek()],
  ['Together AI API key', 'TOGETHER_API_KEY', fakes.together()],
  ['Together AI API key', 'TOGETHER_KEY', `tgp_v1_${fake(B64URL, 43, 'tgp')}`],
  ['NVIDIA NGC API key', 'NGC_API_KEY', fake(B64, 84, 'ngc')],
];

testRule(rule, {
  valid: [
    {
      name: 'placeholders',
      path: '.env',
      content:
        'GROQ_API_KEY=gsk_...\nCOHERE_API_KEY=your-cohere-key\nMISTRAL_API_KEY=${MISTRAL_API_KEY}\nREPLICATE_API_TOKEN=r8_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n',
    },
    { name: '40 characters without a Cohere name', path: '.env', content: `BUILD_SHA=${fakes.cohere()}\n` },
    { name: 'DeepSeek-shaped key assigned to another name', path: '.env', content: `SESSION_ID=${fakes.deepseek()}\n` },
    { name: 'a code expression, not a value', path: 'client.py', content: 'client = Mistral(api_key=mistral_api_key_from_vault)\n' },
    {
      name: 'a 32-character value under another parent, a provider-named section that has ended',
      path: 'values.yaml',
      content: `openai:\n  apiKey: ${fakes.mistral()}\nmistral:\n  model: small\nother:\n  apiKey: ${fakes.mistral('m2')}\n`,
    },
    {
      name: 'a call argument that is not a key',
      path: 'rag.py',
      content: `co = cohere.Client(timeout="${fakes.cohere()}")\nm = Mistral(os.environ["MISTRAL_API_KEY"])\n`,
    },
  ],
  invalid: [
    ...cases.map(([label, name, key]) => ({
      name: `${label} (${name})`,
      path: '.env',
      content: `${name}=${key}\n`,
      findings: [
        {
          startLine: 1,
          startColumn: name.length + 2,
          endLine: 1,
          endColumn: name.length + 2 + key.length,
          message: `${label} in plain text`,
          severity: 'high' as const,
        },
      ],
    })),
    {
      name: 'Cohere key in code, quoted',
      path: 'rag.py',
      content: `co = cohere.Client(api_key="${fakes.cohere()}")  # cohere\n`,
      findings: [{ startLine: 1, startColumn: 29, endLine: 1, endColumn: 69, message: 'Cohere API key in plain text' }],
    },
    {
      name: 'Helm values: the provider is the parent key of apiKey',
      path: 'chart/values.yaml',
      content: `mistral:\n  apiKey: ${fakes.mistral()}\n# cohere\ncohere:\n  enabled: true\n\n  apiKey: "${fakes.cohere()}"\n`,
      findings: [
        { startLine: 2, startColumn: 11, endLine: 2, endColumn: 43, message: 'Mistral AI API key in plain text' },
        { startLine: 7, startColumn: 12, endLine: 7, endColumn: 52, message: 'Cohere API key in plain text' },
      ],
    },
    {
      name: 'Helm values with CRLF line ends',
      path: 'chart/values.yaml',
      content: `mistral:\r\n  enabled: true\r\n  apiKey: ${fakes.mistral()}\r\n`,
      findings: [{ startLine: 3, startColumn: 11, endLine: 3, endColumn: 43, message: 'Mistral AI API key in plain text' }],
    },
    {
      name: 'TOML: the provider is the table of api_key',
      path: 'config.toml',
      content: `[mistral]\nmodel = "mistral-large"\napi_key = "${fakes.mistral()}"\n`,
      findings: [{ startLine: 3, startColumn: 12, endLine: 3, endColumn: 44, message: 'Mistral AI API key in plain text' }],
    },
    {
      name: 'Cohere key as the first argument of the client',
      path: 'rag.py',
      content: `import cohere\nco = cohere.ClientV2("${fakes.cohere()}")\n`,
      findings: [{ startLine: 2, startColumn: 23, endLine: 2, endColumn: 63, message: 'Cohere API key in plain text' }],
    },
    {
      name: 'Kubernetes env name/value pair',
      path: 'deploy.yaml',
      content: `env:\n- name: MISTRAL_API_KEY\n  value: "${fakes.mistral()}"\n`,
      findings: [{ startLine: 3, startColumn: 11, endLine: 3, endColumn: 43, message: 'Mistral AI API key in plain text' }],
    },
  ],
});
