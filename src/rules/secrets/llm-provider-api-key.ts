import { defineRule, type RuleMeta } from '../../core/rule.js';
import { fakes } from './lib/fakes.js';
import { DETECTOR_OPTION, reportSecrets, TEXT_KINDS } from './lib/report.js';
import type { TextLikeDocument } from './lib/types.js';

const meta: RuleMeta & { slug: 'llm-provider-api-key' } = {
  id: 'SEC-0010',
  slug: 'llm-provider-api-key',
  title: 'LLM provider API key in plain text',
  severity: 'high',
  scanner: 'secrets',
  appliesTo: TEXT_KINDS,
  frameworks: [
    { id: 'owasp-llm-2025', control: 'LLM02' },
    { id: 'mitre-atlas', control: 'AML.T0055' },
    { id: 'nsa-cisa', control: 'secrets' },
  ],
  rationale:
    'API keys of hosted model providers bill inference to their owner and expose fine-tuned models, files and batch jobs. Recognised by format: Replicate (`r8_`, detector `replicate-token`), Groq (`gsk_`, `groq-key`), Perplexity (`pplx-`, `perplexity-key`), xAI (`xai-`, `xai-key`), Fireworks AI (`fw_`, `fireworks-key`), Together AI (`tgp_v1_`, `together-key`), NVIDIA API catalog / NGC personal keys (`nvapi-`, `nvidia-api-key`). Recognised by the name they are assigned to, because their format has no marker: Cohere (40 characters, `cohere`/`CO_API_KEY`, `cohere-key`), Mistral AI (32 characters, `mistral`, `mistral-key`), DeepSeek (`sk-` + 32 hex, `deepseek`, `deepseek-key`), Together AI legacy keys (64 hex, `together`, `together-legacy-key`), NVIDIA NGC legacy keys (`ngc`, `nvidia-ngc-key`). A name-gated key may also be named by the mapping it sits in (`mistral:` then `apiKey: …` in Helm values, a `[wandb]` TOML table) or by the provider call it is passed to (`cohere.ClientV2("…")`).',
  remediation:
    'Revoke the key in the provider console and create a new one; inject it at run time from a secret store. Set spend limits on provider accounts so a leaked key has a bounded cost.',
  references: [
    'https://console.groq.com/docs/quickstart',
    'https://docs.cohere.com/reference/about',
    'https://docs.mistral.ai/getting-started/quickstart/',
    'https://replicate.com/docs/reference/http',
  ],
  examples: {
    bad: [{ path: '.env', content: `GROQ_API_KEY=${fakes.groq()}\nCOHERE_API_KEY=${fakes.cohere()}\n` }],
    good: [{ path: '.env', content: 'GROQ_API_KEY=gsk_...\nCOHERE_API_KEY=your-cohere-key\n' }],
  },
  options: { ...DETECTOR_OPTION },
};

export default defineRule<TextLikeDocument>({
  meta,
  check(doc, ctx) {
    reportSecrets(doc, ctx, meta);
  },
});
