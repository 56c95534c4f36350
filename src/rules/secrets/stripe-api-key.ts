import { defineRule, type RuleMeta } from '../../core/rule.js';
import { fakes } from './lib/fakes.js';
import { DETECTOR_OPTION, reportSecrets, TEXT_KINDS } from './lib/report.js';
import type { TextLikeDocument } from './lib/types.js';

const meta: RuleMeta & { slug: 'stripe-api-key' } = {
  id: 'SEC-0012',
  slug: 'stripe-api-key',
  title: 'Stripe API key in plain text',
  severity: 'critical',
  scanner: 'secrets',
  appliesTo: TEXT_KINDS,
  frameworks: [
    { id: 'mitre-atlas', control: 'AML.T0055' },
    { id: 'nsa-cisa', control: 'secrets' },
  ],
  rationale:
    'A Stripe secret live key (`sk_live_`) or restricted live key (`rk_live_`) moves money and reads customer data; test-mode keys (`sk_test_`, low) only reach test data but still belong in a secret store; webhook signing secrets (`whsec_`, medium) let anyone forge webhook events. Stripe’s published documentation key is ignored. Detector ids: `stripe-key`, `stripe-webhook-secret`.',
  remediation:
    'Roll the key in the Stripe Dashboard (Developers → API keys), check the logs for its use, and prefer restricted keys with the fewest permissions, injected at run time.',
  references: ['https://docs.stripe.com/keys', 'https://docs.stripe.com/keys-best-practices'],
  examples: {
    bad: [{ path: 'billing.ts', content: `export const stripe = new Stripe("${fakes.stripeLive()}");\n` }],
    good: [{ path: 'billing.ts', content: 'export const stripe = new Stripe(process.env.STRIPE_SECRET_KEY!);\n' }],
  },
  options: { ...DETECTOR_OPTION },
};

export default defineRule<TextLikeDocument>({
  meta,
  check(doc, ctx) {
    reportSecrets(doc, ctx, meta);
  },
});
