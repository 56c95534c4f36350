import { defineRule, type RuleMeta } from '../../core/rule.js';
import { fakes } from './lib/fakes.js';
import { DETECTOR_OPTION, reportSecrets, TEXT_KINDS } from './lib/report.js';
import type { TextLikeDocument } from './lib/types.js';

const meta: RuleMeta & { slug: 'huggingface-token' } = {
  id: 'SEC-0003',
  slug: 'huggingface-token',
  title: 'Hugging Face token in plain text',
  severity: 'high',
  scanner: 'secrets',
  appliesTo: TEXT_KINDS,
  frameworks: [
    { id: 'owasp-llm-2025', control: 'LLM02' },
    { id: 'mitre-atlas', control: 'AML.T0055' },
    { id: 'nsa-cisa', control: 'secrets' },
  ],
  rationale:
    'A Hugging Face user access token (`hf_` + 34 letters) reads, and with write scope pushes to, every model, dataset and Space its owner can reach: a leaked write token lets anyone replace model weights that downstream workloads load. Organisation API tokens (`api_org_…`) act for a whole organisation. Detector ids: `huggingface-user-token`, `huggingface-org-token`.',
  remediation:
    'Invalidate the token in Hugging Face settings (Access Tokens) and create a fine-grained, read-only token scoped to the repositories the workload needs. Provide it as `HF_TOKEN` from a secret store at run time.',
  references: ['https://huggingface.co/docs/hub/security-tokens'],
  examples: {
    bad: [
      {
        path: 'Dockerfile',
        content: `FROM python:3.12-slim\nENV HF_TOKEN=${fakes.huggingface()}\nRUN huggingface-cli download meta-llama/Llama-3.1-8B\n`,
      },
    ],
    good: [
      {
        path: 'Dockerfile',
        content:
          'FROM python:3.12-slim\nRUN --mount=type=secret,id=hf_token HF_TOKEN=$(cat /run/secrets/hf_token) huggingface-cli download meta-llama/Llama-3.1-8B\n',
      },
    ],
  },
  options: { ...DETECTOR_OPTION },
};

export default defineRule<TextLikeDocument>({
  meta,
  check(doc, ctx) {
    reportSecrets(doc, ctx, meta);
  },
});
