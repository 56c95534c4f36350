import { defineRule, type RuleMeta } from '../../core/rule.js';
import { fakes } from './lib/fakes.js';
import { DETECTOR_OPTION, reportSecrets, TEXT_KINDS } from './lib/report.js';
import type { TextLikeDocument } from './lib/types.js';

const meta: RuleMeta & { slug: 'anthropic-api-key' } = {
  id: 'SEC-0002',
  slug: 'anthropic-api-key',
  title: 'Anthropic API key in plain text',
  severity: 'high',
  scanner: 'secrets',
  appliesTo: TEXT_KINDS,
  frameworks: [
    { id: 'owasp-llm-2025', control: 'LLM02' },
    { id: 'mitre-atlas', control: 'AML.T0055' },
    { id: 'nsa-cisa', control: 'secrets' },
  ],
  rationale:
    'Anthropic API keys (`sk-ant-api03-…`) bill requests to the workspace that owns them; admin keys (`sk-ant-admin01-…`, critical) manage the organisation; OAuth tokens (`sk-ant-oat01-…`) act as a user. Keys end with the marker `AA`, which the detector requires. Detector id: `anthropic-key`.',
  remediation:
    'Disable the key in the Anthropic Console (Settings → API keys) and issue a new one. Inject it at run time as `ANTHROPIC_API_KEY` from a secret store; never commit it in code, `.env` files, manifests or notebook outputs.',
  references: [
    'https://docs.anthropic.com/en/api/getting-started',
    'https://support.anthropic.com/en/articles/9767949-api-key-best-practices-keeping-your-keys-safe-and-secure',
  ],
  examples: {
    bad: [{ path: 'config.yaml', content: `llm:\n  provider: anthropic\n  api_key: ${fakes.anthropic()}\n` }],
    good: [{ path: 'config.yaml', content: 'llm:\n  provider: anthropic\n  api_key: ${ANTHROPIC_API_KEY}\n' }],
  },
  options: { ...DETECTOR_OPTION },
};

export default defineRule<TextLikeDocument>({
  meta,
  check(doc, ctx) {
    reportSecrets(doc, ctx, meta);
  },
});
